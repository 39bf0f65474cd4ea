// Notifications about approvals that wait: configuration, the outbox write (inside the
// caller's transaction), the dispatcher that delivers by webhook and email, and the query
// of what was sent.
export { checkWebhookUrls } from './webhook-fence.ts';
export type { NotificationSettings, EmailSettings, SmtpSettings } from '../config/notifications.ts';
export { enqueueApprovalNotifications, targetsOf, NOTIFICATION_CHANNELS } from './outbox.ts';
export type { ApprovalToAnnounce, NotificationChannel, NotificationStatus, OutboxWriter } from './outbox.ts';
export { NotificationDispatcher } from './dispatcher.ts';
export type { DispatcherOptions, Senders } from './dispatcher.ts';
export { notificationsOf } from './query.ts';
export type { NotificationRecord } from './query.ts';
export { approvalMessage } from './message.ts';
export type { ApprovalFacts, ApprovalMessage, WebhookPayload } from './message.ts';
export { redactUrl } from './redact.ts';
