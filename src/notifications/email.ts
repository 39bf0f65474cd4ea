// Email delivery over SMTP (nodemailer). One message per recipient, so that each recipient
// has its own delivery record and a bad address does not hold back the others.
import { createTransport } from 'nodemailer';
import type { EmailSettings } from '../config/notifications.ts';
import { DeliveryError } from './delivery-error.ts';

export interface EmailContent {
  subject: string;
  text: string;
  /** Sent as X-Operator-Manager-Approval, for mail filters. */
  approvalId: string;
  /** Makes the Message-ID stable across retries, so that a message sent twice shows once. */
  notificationId: string;
}

export interface EmailSender {
  send(to: string, content: EmailContent): Promise<void>;
  close(): void;
}

export interface EmailSenderOptions {
  /** Connecting, greeting and each later wait on the server (default 10 s). */
  timeoutMs?: number;
}

export function createEmailSender(settings: EmailSettings, options: EmailSenderOptions = {}): EmailSender {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const { smtp } = settings;
  const transport = createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    requireTLS: smtp.requireTLS,
    ignoreTLS: smtp.ignoreTLS,
    tls: { rejectUnauthorized: smtp.rejectUnauthorized },
    auth: smtp.user !== undefined ? { user: smtp.user, pass: smtp.password ?? '' } : undefined,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs * 2,
    logger: false,
  });
  return {
    async send(to, content) {
      try {
        await transport.sendMail({
          from: settings.from,
          to,
          subject: content.subject,
          text: content.text,
          messageId: `<${content.notificationId}@operator-manager>`,
          headers: { 'X-Operator-Manager-Approval': content.approvalId },
        });
      } catch (err) {
        throw new DeliveryError('SMTP delivery failed', undefined, { cause: err });
      }
    },
    close: () => transport.close(),
  };
}
