// Notifications about approvals that wait: configuration, the outbox write (inside the
// caller's transaction), the dispatcher that delivers by webhook and email, and the query
// of what was sent.
export { checkWebhookUrls } from './webhook-fence.ts';
export type { NotificationSettings } from '../config/notifications.ts';
export { enqueueApprovalNotifications } from './outbox.ts';
export { NotificationDispatcher } from './dispatcher.ts';
