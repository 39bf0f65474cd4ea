// Notification: what was sent about an approval that waits (Approval.notifications).
import { NOTIFICATION_CHANNELS, type NotificationRecord } from '../../services/reads.ts';
import { builder } from '../builder.ts';

const NotificationStatusEnum = builder.enumType('NotificationStatus', { values: ['PENDING', 'SENDING', 'SENT', 'FAILED', 'CANCELLED'] as const });
const NotificationChannelEnum = builder.enumType('NotificationChannel', { values: NOTIFICATION_CHANNELS });

const NotificationRef = builder.objectRef<NotificationRecord>('Notification').implement({
  description: 'A webhook or email about an approval that waits, with its delivery record.',
  fields: (t) => ({
    id: t.exposeID('id'),
    channel: t.field({ type: NotificationChannelEnum, resolve: (n) => n.channel as never }),
    target: t.exposeString('target', { description: 'Email recipient, or the webhook URL redacted to its host and a fingerprint.' }),
    status: t.field({ type: NotificationStatusEnum, resolve: (n) => n.status as never }),
    attempts: t.exposeInt('attempts'),
    lastError: t.exposeString('lastError', { nullable: true }),
    sentAt: t.expose('sentAt', { type: 'DateTime', nullable: true }),
    nextAttemptAt: t.expose('nextAttemptAt', { type: 'DateTime', nullable: true, description: 'When the next retry is due (PENDING only).' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

builder.prismaObjectField('Approval', 'notifications', (t) =>
  t.field({
    type: [NotificationRef],
    description: 'What was sent about this approval.',
    resolve: (a, _args, ctx) => ctx.services.reads.notificationsOf(a.id),
  }),
);
