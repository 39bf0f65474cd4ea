// Real receivers for notification tests: an HTTP server that records webhook POSTs and an
// SMTP server (smtp-server) that records messages, both on 127.0.0.1 and a free port; and
// rows of an approval waiting on a deployment.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import type { PrismaClient } from '../../src/generated/prisma/client.ts';

export interface ReceivedWebhook {
  at: number;
  path: string;
  contentType: string | undefined;
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
      receiver.received.push({ at: Date.now(), path: req.url ?? '', contentType: req.headers['content-type'], body: JSON.parse(text) });
    }
    res.writeHead(answer.status, { 'content-type': 'text/plain', ...answer.headers }).end(answer.body ?? '');
  });
  const port = await listen(server);
  receiver.url = `http://127.0.0.1:${port}`;
  receiver.close = () => new Promise((resolve) => server.close(() => resolve()));
  return receiver;
}

/** A URL nothing listens on (connection refused). */
export async function unreachableUrl(path = '/hook'): Promise<string> {
  const server = createServer();
  const port = await listen(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}${path}`;
}

export interface ReceivedMail {
  at: number;
  from: string;
  to: string[];
  user: string | undefined;
  raw: string;
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
        messages.push({
          at: Date.now(),
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          user: typeof session.user === 'string' ? session.user : undefined,
          raw: Buffer.concat(chunks).toString('utf8'),
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
export async function createWaitingApproval(prisma: PrismaClient, input: WaitingApprovalInput = {}) {
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

/** Polls `check` until it returns a truthy value (or fails after `timeoutMs`). */
export async function eventually<T>(check: () => Promise<T> | T, timeoutMs = 10_000, everyMs = 25): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
