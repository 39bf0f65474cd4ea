// Real receivers for notification tests: an HTTP server that records webhook POSTs and an
// SMTP server (smtp-server) that records messages, both on 127.0.0.1 and a free port; and
// rows of an approval waiting on a deployment.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import type { PrismaClient } from '../../src/generated/prisma/client.ts';
import { notificationSettings, type NotificationSettings } from '../../src/config/notifications.ts';
import type { Env } from '../../src/config/env.ts';
import { checkWebhookUrls } from '../../src/notifications/webhook-fence.ts';
import type { SourceFence } from '../../src/sources/fence.ts';
import { enqueueApprovalNotifications } from '../../src/notifications/outbox.ts';
import { openDatabase, type Database } from '../../src/persistence/database.ts';
import { createTestDatabase, type DatabaseKind } from '../helpers/databases.ts';

interface ReceivedWebhook {
  at: number;
  path: string;
  contentType: string | undefined;
  notificationId: string | undefined;
  body: { text: string; approval: Record<string, unknown> };
}

export interface WebhookReply {
  status: number;
  body?: string;
  headers?: Record<string, string>;
}

export interface WebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  /** Requests seen, including those answered with an error. */
  requests: number;
  close(): Promise<void>;
}

/** Answers each POST with `reply(n)` (n counts from 1); records the ones answered 2xx. */
export async function startWebhookReceiver(reply: (n: number) => WebhookReply = () => ({ status: 200, body: 'ok' })): Promise<WebhookReceiver> {
  const receiver: WebhookReceiver = { url: '', received: [], requests: 0, close: async () => {} };
  const server = createServer(async (req, res) => {
    const text = await readBody(req);
    receiver.requests += 1;
    const answer = reply(receiver.requests);
    if (answer.status >= 200 && answer.status < 300) {
      receiver.received.push({
        at: Date.now(),
        path: req.url ?? '',
        contentType: req.headers['content-type'],
        notificationId: req.headers['x-operator-manager-notification'] as string | undefined,
        body: JSON.parse(text),
      });
    }
    res.writeHead(answer.status, { 'content-type': 'text/plain', ...answer.headers }).end(answer.body ?? '');
  });
  const port = await listen(server);
  receiver.url = `http://127.0.0.1:${port}`;
  receiver.close = () =>
    new Promise((resolve) => {
      server.close(() => resolve());
      // fetch keeps connections alive for a few seconds; do not wait for them.
      server.closeAllConnections();
    });
  return receiver;
}

/** A URL nothing listens on (connection refused). */
export async function unreachableUrl(path = '/hook'): Promise<string> {
  const server = createServer();
  const port = await listen(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}${path}`;
}

interface ReceivedMail {
  at: number;
  from: string;
  to: string[];
  user: string | undefined;
  raw: string;
  /** Decoded Subject header. */
  subject: string;
  /** Decoded text body. */
  text: string;
  headers: Map<string, string>;
}

export interface MailReceiver {
  port: number;
  messages: ReceivedMail[];
  close(): Promise<void>;
}

export interface MailReceiverOptions {
  /** Accepted credentials; any other login is refused with a reply that echoes what was sent. */
  credentials?: { user: string; password: string };
}

export async function startMailReceiver(options: MailReceiverOptions = {}): Promise<MailReceiver> {
  const messages: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onAuth(auth, _session, callback) {
      const ok = options.credentials && auth.username === options.credentials.user && auth.password === options.credentials.password;
      // A careless server that repeats the credentials in its reply: they must still never be stored.
      if (!ok) return callback(new Error(`Authentication failed for ${auth.username} with password ${auth.password}`));
      callback(null, { user: auth.username });
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        messages.push({
          at: Date.now(),
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          user: typeof session.user === 'string' ? session.user : undefined,
          raw,
          ...parseMail(raw),
        });
        callback();
      });
    },
  });
  const port = await new Promise<number>((resolve) => {
    const net = server.listen(0, '127.0.0.1', () => resolve((net.address() as AddressInfo).port));
  });
  return { port, messages, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** Just enough MIME for our own single-part text messages: unfolded headers, RFC 2047 words, quoted-printable or base64 body. */
function parseMail(raw: string): { headers: Map<string, string>; subject: string; text: string } {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  const headers = new Map<string, string>();
  for (const line of head.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
  }
  const body = raw.slice(split + 4);
  const encoding = headers.get('content-transfer-encoding')?.toLowerCase();
  const text = encoding === 'quoted-printable' ? decodeQuotedPrintable(body) : encoding === 'base64' ? Buffer.from(body, 'base64').toString('utf8') : body;
  const subject = (headers.get('subject') ?? '')
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?utf-8\?([QB])\?([^?]*)\?=/gi, (_, enc: string, data: string) =>
      enc.toUpperCase() === 'B' ? Buffer.from(data, 'base64').toString('utf8') : decodeQuotedPrintable(data.replace(/_/g, ' ')),
    );
  return { headers, subject, text: text.replace(/\r\n/g, '\n') };
}

function decodeQuotedPrintable(text: string): string {
  const bytes: number[] = [];
  const soft = text.replace(/=\r?\n/g, '');
  for (let i = 0; i < soft.length; i++) {
    if (soft[i] === '=' && /^[0-9A-F]{2}$/i.test(soft.slice(i + 1, i + 3))) {
      bytes.push(parseInt(soft.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(soft[i]!, 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export interface WaitingApprovalInput {
  kind?: 'DEPLOYMENT' | 'CRD_CHANGE';
  environment?: string;
  targetClusters?: string[];
  details?: object;
}

let seeded = 0;

/** Creates an operator, a deployment waiting for approval and its PENDING approval; returns the approval. */
export async function createWaitingApproval(prisma: Pick<PrismaClient, 'operator' | 'deployment' | 'approval'>, input: WaitingApprovalInput = {}) {
  seeded += 1;
  const operator = await prisma.operator.create({ data: { name: `prometheus-operator-${seeded}-${Date.now()}`, namespace: 'monitoring' } });
  const deployment = await prisma.deployment.create({
    data: {
      operatorId: operator.id,
      operatorName: 'prometheus-operator',
      targetVersion: '0.80.0',
      strategy: 'ROLLING',
      targetClusters: input.targetClusters ?? ['prod-1', 'prod-2'],
      initiatedBy: 'alice',
      status: 'PENDING_APPROVAL',
      approvalStatus: 'PENDING',
    },
  });
  return prisma.approval.create({
    data: {
      kind: input.kind ?? 'DEPLOYMENT',
      status: 'PENDING',
      deploymentId: deployment.id,
      environment: input.environment ?? 'PRODUCTION',
      requestedBy: 'alice',
      details: input.details,
    },
  });
}

/** A waiting approval and its notifications, written in one transaction as the approval service does. */
export async function enqueueWaitingApproval(prisma: PrismaClient, config: NotificationSettings, input: WaitingApprovalInput = {}) {
  return prisma.$transaction(async (tx) => {
    const approval = await createWaitingApproval(tx, input);
    const created = await enqueueApprovalNotifications(tx, approval, config);
    return { approval, created };
  });
}

export interface NotificationTestDatabase extends Database {
  /** A second client on the same database (PostgreSQL), or the same client (PGlite serves one connection). */
  openReplicaClient(): Promise<{ prisma: PrismaClient; close(): Promise<void> }>;
}

/** A fresh database of `kind` with migrations applied. */
export async function openNotificationDatabase(kind: DatabaseKind): Promise<NotificationTestDatabase> {
  const test = await createTestDatabase(kind);
  const db = await openDatabase(test.url ? { url: test.url, poolSize: 4 } : { dataDir: 'memory://' });
  return {
    ...db,
    async openReplicaClient() {
      if (!test.url) return { prisma: db.prisma, close: async () => {} };
      const replica = await openDatabase({ url: test.url, migrate: false, poolSize: 4 });
      return { prisma: replica.prisma, close: () => replica.close() };
    },
    async close() {
      await db.close();
      await test.drop();
    },
  };
}

export { capturingLogger } from '../helpers/logs.ts';

/** Notification settings as the service builds them: read from `env`, webhook URLs checked by `fence`. */
export const notificationsFrom = (env: Env, fence: SourceFence): NotificationSettings => checkWebhookUrls(notificationSettings(env), fence);
