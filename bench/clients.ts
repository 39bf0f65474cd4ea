// The clients of bench:rollout — graphql-ws subscribers to deploymentProgress, and a small
// GraphQL query every 100 ms — in child processes of their own (by default), so the
// product's CPU, event-loop use and latency are measured without the clients' own work
// (parsing every delivery for 50 subscribers costs as much as sending it), as when real
// users watch from their own machines; the query's process does nothing else, so its
// latency is the API's, not the wait behind a burst of deliveries to the subscribers.
// `startClients({ inProcess: true })` keeps them here.
//
// Run as a child: `node --import tsx bench/clients.ts --child`, driven over IPC.
import { fork } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { eventually } from '../test/helpers/eventually.ts';
import { processUsage } from './report.ts';

/** A GraphQL call over HTTP that throws with the server's messages on any error. */
export async function graphql<T = any>(url: string, token: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: T; errors?: Array<{ message: string }> };
  if (body.errors?.length || !body.data) throw new Error(`GraphQL: ${body.errors?.map((e) => e.message).join('; ') ?? `HTTP ${res.status}`}`);
  return body.data;
}

export type Outcome = { status: string; createdAt: string; completedAt: string | null; errorMessage: string | null };
export const outcomeOf = async (url: string, token: string, id: string) =>
  (
    await graphql<{ deployment: Outcome }>(url, token, 'query($id: ID!) { deployment(id: $id) { status createdAt completedAt errorMessage } }', {
      id,
    })
  ).deployment;

/** The deployment's outcome once it has ended (polled every `pollMs`). */
export const ended = (url: string, token: string, id: string, what: string, pollMs = 250) =>
  eventually(async () => ((o) => (o.completedAt ? o : undefined))(await outcomeOf(url, token, id)), 10 * 60_000, what, pollMs);

/** One event as a subscriber received it. */
export interface Receipt {
  sequence: number;
  /** Event timestamp → receipt, ms. */
  latencyMs: number;
  receivedAt: number;
  /** The event was committed before this subscriber subscribed (a replay, not live). */
  replay: boolean;
}

/** What the clients saw of one deployment. */
export interface Watch {
  /** Each subscriber's receipts, in order (none without subscribers). */
  received: Receipt[][];
  /** Latencies of the small query sent every 100 ms until the deployment ended, ms, sorted. */
  queryMs: number[];
}

export interface Clients {
  /** Subscribes every subscriber to the deployment and probes the API until it has ended. */
  watch(deploymentId: string): Promise<Watch>;
  /** CPU time (ms) of the clients' child process; undefined in-process. */
  cpuMs(): number | undefined;
  close(): Promise<void>;
}

interface ClientOptions {
  url: string;
  token: string;
  subscribers: number;
  /** Send the small query every 100 ms while the deployment runs. */
  probe: boolean;
}

const PROGRESS = 'subscription($id: ID!) { deploymentProgress(deploymentId: $id) { sequence clusterName status timestamp } }';
const PROBE = '{ clusters(first: 5) { edges { node { name healthStatus } } } }';
const WATCH_TIMEOUT_MS = 10 * 60_000;

/** `subscribers` graphql-ws clients, connected and authenticated before the deployment exists. */
async function inThisProcess({ url, token, subscribers, probe }: ClientOptions): Promise<Clients> {
  const connect = () =>
    new Promise<Client>((resolve, reject) => {
      const client = createClient({
        url: url.replace('http://', 'ws://'),
        webSocketImpl: WebSocket,
        connectionParams: { authorization: `Bearer ${token}` },
        lazy: false,
        retryAttempts: 0,
        on: { connected: () => resolve(client), closed: (e) => reject(new Error(`subscriber closed: ${JSON.stringify(e)}`)) },
      });
    });
  const clients = await Promise.all(Array.from({ length: subscribers }, connect));
  return {
    async watch(deploymentId) {
      // Without subscribers, the end is learnt by asking (the probe's small queries run meanwhile anyway).
      const following =
        clients.length > 0
          ? Promise.all(clients.map((c) => followOne(c, deploymentId)))
          : ended(url, token, deploymentId, 'the measured deployment', 100).then(() => []);
      const queryMs = probe ? await probeQueries(url, token, following) : [];
      return { received: await following, queryMs };
    },
    cpuMs: () => undefined,
    close: async () => void (await Promise.all(clients.map((c) => c.dispose()))),
  };
}

function followOne(client: Client, deploymentId: string): Promise<Receipt[]> {
  return new Promise((resolve, reject) => {
    const subscribedAt = Date.now();
    const receipts: Receipt[] = [];
    const timer = setTimeout(() => reject(new Error(`deploymentProgress did not complete within ${WATCH_TIMEOUT_MS} ms`)), WATCH_TIMEOUT_MS);
    client.subscribe<{ deploymentProgress: { sequence: number; timestamp: string } }>(
      { query: PROGRESS, variables: { id: deploymentId } },
      {
        next: ({ data }) => {
          const receivedAt = Date.now();
          const committedAt = Date.parse(data!.deploymentProgress.timestamp);
          receipts.push({ sequence: data!.deploymentProgress.sequence, latencyMs: receivedAt - committedAt, receivedAt, replay: committedAt < subscribedAt });
        },
        error: (err) => reject(err instanceof Error ? err : new Error(JSON.stringify(err))),
        complete: () => {
          clearTimeout(timer);
          resolve(receipts);
        },
      },
    );
  });
}

/** A small GraphQL query every 100 ms while `until` is pending: the API's latency while the rollout runs. */
async function probeQueries(url: string, token: string, until: Promise<unknown>): Promise<number[]> {
  const latencies: number[] = [];
  let done = false;
  void until.finally(() => (done = true)).catch(() => {});
  while (!done) {
    const started = performance.now();
    await graphql(url, token, PROBE);
    latencies.push(performance.now() - started);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return latencies.sort((a, b) => a - b);
}

type Request = { kind: 'start'; options: ClientOptions } | { kind: 'watch'; deploymentId: string } | { kind: 'close' };
type Reply = { kind: 'started' } | { kind: 'watched'; watch: Watch } | { kind: 'closed' } | { kind: 'failed'; message: string };

/** The clients in a child process, driven over IPC one request at a time. */
async function inChildProcess(options: ClientOptions): Promise<Clients> {
  const child = fork(fileURLToPath(import.meta.url), ['--child'], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ask = (request: Request) =>
    new Promise<Reply>((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`the clients' process exited with ${code}`));
      child.once('exit', onExit);
      child.once('message', (reply: Reply) => {
        child.off('exit', onExit);
        if (reply.kind === 'failed') reject(new Error(`the clients' process: ${reply.message}`));
        else resolve(reply);
      });
      child.send(request);
    });
  await ask({ kind: 'start', options });
  return {
    async watch(deploymentId) {
      const reply = await ask({ kind: 'watch', deploymentId });
      if (reply.kind !== 'watched') throw new Error(`the clients' process answered ${reply.kind}`);
      return reply.watch;
    },
    cpuMs: () => processUsage(child.pid!).cpuMs,
    async close() {
      await ask({ kind: 'close' });
      await new Promise((resolve) => (child.exitCode === null ? child.once('exit', resolve) : resolve(undefined)));
    },
  };
}

export function startClients(options: ClientOptions & { inProcess: boolean }): Promise<Clients> {
  return options.inProcess ? inThisProcess(options) : inChildProcess(options);
}

if (process.argv.includes('--child')) {
  let clients: Clients | undefined;
  process.on('message', (request: Request) => {
    const reply = async (): Promise<Reply> => {
      if (request.kind === 'start') {
        clients = await inThisProcess(request.options);
        return { kind: 'started' };
      }
      if (!clients) throw new Error('not started');
      if (request.kind === 'watch') return { kind: 'watched', watch: await clients.watch(request.deploymentId) };
      await clients.close();
      return { kind: 'closed' };
    };
    reply().then(
      (r) => {
        process.send!(r);
        if (r.kind === 'closed') process.disconnect();
      },
      (err: unknown) => process.send!({ kind: 'failed', message: err instanceof Error ? err.message : String(err) }),
    );
  });
}
