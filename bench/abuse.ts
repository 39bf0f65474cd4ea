// Abuse benchmark: how fast hostile requests are refused, whether the API stays responsive
// while they arrive, and what a burst from one token gets through the rate limiter.
//
//   npm run bench:abuse [-- --runs 3 --seconds 3]
//
// The service runs in a child process (`src/main.ts`, embedded database in memory), and so
// does the load (this file again, with --load), so neither the load nor the measuring
// shares an event loop with what it measures. Measured, median of --runs:
//   1. time to refuse a 28-level fragment bomb (2^28 paths) and a 10,000-alias query,
//      with and without a token (goal < 5 ms each), next to an ordinary query;
//   2. /health p50/p99 while 20 bombs are in flight without pause for --seconds (goal p99 < 50 ms);
//   3. a burst of ordinary queries from one token with the production rate limits: how
//      many get through (the limit: 600 operations a minute), how fast the rest are
//      refused (429), and another caller's latency meanwhile.
// Ratios are measured ÷ goal (below 1 meets the goal).

import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { mintToken } from '../src/auth/tokens.ts';

const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));
const SECRET = 'bench-abuse-secret-0123456789abcdef';
const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '3' },
    // Internal: run as a load generator in a child process (bombs | burst) against --base.
    load: { type: 'string' },
    base: { type: 'string' },
  },
});
const runs = Number(args.runs);
const seconds = Number(args.seconds);

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

interface Service {
  child: ChildProcess;
  base: string;
  stop(): Promise<void>;
}

async function startService(env: Record<string, string>): Promise<Service> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: PROJECT_ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'development',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: 'memory://',
      JWT_SECRET: SECRET,
      LOG_LEVEL: 'warn',
      HEALTH_CHECK_INTERVAL: 'PT0S',
      OPERATOR_VERSIONS_REFRESH_INTERVAL: 'PT0S',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the service exited with ${child.exitCode}`);
    const ok = await fetch(`${base}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) throw new Error('the service did not become healthy within 60 s');
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    child,
    base,
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

const token = (sub: string) => mintToken(SECRET, { sub, roles: ['VIEWER'], ttlSeconds: 3600 });

function fragmentBomb(levels: number): string {
  const fragments = Array.from({ length: levels }, (_, i) =>
    i === levels - 1 ? `fragment F${i} on Viewer { sub }` : `fragment F${i} on Viewer { ...F${i + 1} ...F${i + 1} }`,
  );
  return `query { viewer { ...F0 } } ${fragments.join(' ')}`;
}
const aliasFlood = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: viewer { sub }`).join(' ')} }`;

async function post(base: string, query: string, auth?: string): Promise<{ status: number; ms: number; text: string }> {
  const started = performance.now();
  const res = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(auth ? { authorization: `Bearer ${auth}` } : {}) },
    body: JSON.stringify({ query }),
  });
  const text = await res.text();
  return { status: res.status, ms: performance.now() - started, text };
}

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};
const median = (xs: number[]) => percentile(xs, 50);
const fmt = (ms: number) => (ms < 10 ? ms.toFixed(2) : ms.toFixed(1));

/** Which limit refused a request, from its error message. */
const refusedBy = (text: string) =>
  /\((GRAPHQL_[A-Z_]+|MAX_REQUEST_BYTES)\)/.exec(text)?.[1] ?? (/UNAUTHENTICATED/.test(text) ? 'no token (401)' : 'not refused');

async function rejectionTimes(s: Service): Promise<Array<{ name: string; ms: number; p99: number; by: string }>> {
  const t = await token('attacker');
  const cases: Array<[string, string, string | undefined]> = [
    ['ordinary query { viewer { sub } } (floor)', '{ viewer { sub } }', t],
    ['28-level fragment bomb, with a token', fragmentBomb(28), t],
    ['28-level fragment bomb, no token', fragmentBomb(28), undefined],
    ['10,000 aliases, with a token', aliasFlood(10_000), t],
    ['10,000 aliases, no token', aliasFlood(10_000), undefined],
  ];
  const out = [];
  for (const [name, query, auth] of cases) {
    for (let i = 0; i < 5; i++) await post(s.base, query, auth); // warm-up
    const times: number[] = [];
    let text = '';
    for (let i = 0; i < 40; i++) {
      const r = await post(s.base, query, auth);
      times.push(r.ms);
      text = r.text;
    }
    out.push({ name, ms: median(times), p99: percentile(times, 99), by: name.includes('floor') ? '—' : refusedBy(text) });
  }
  return out;
}

/** Runs this file as a load generator against the service; resolves with what it printed (JSON). */
function runLoad(kind: 'bombs' | 'burst', base: string, onStarted: () => void): Promise<Record<string, number>> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/abuse.ts', '--load', kind, '--base', base, '--seconds', String(seconds)], {
    cwd: PROJECT_ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('started\n')) onStarted();
    });
    child.once('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out.split('\n').filter(Boolean).pop()!)) : reject(new Error(`load generator exited with ${code}`)),
    );
  });
}

/** Latencies of `probe`, one every 5 ms, until `done` resolves. */
async function sampleUntil(done: Promise<unknown>, probe: () => Promise<unknown>): Promise<number[]> {
  let finished = false;
  void done.finally(() => (finished = true));
  const times: number[] = [];
  while (!finished) {
    const started = performance.now();
    await probe();
    times.push(performance.now() - started);
    await new Promise((r) => setTimeout(r, 5));
  }
  return times;
}

async function healthUnderAttack(s: Service): Promise<{ idleP99: number; p50: number; p99: number; bombs: number }> {
  const health = () => fetch(`${s.base}/health`).then((r) => r.text());
  const idle = await sampleUntil(new Promise((r) => setTimeout(r, 1000)), health);
  let started!: () => void;
  const running = new Promise<void>((r) => (started = r));
  const load = runLoad('bombs', s.base, () => started());
  await running;
  const during = await sampleUntil(load, health);
  const { bombs } = await load;
  return { idleP99: percentile(idle, 99), p50: median(during), p99: percentile(during, 99), bombs: bombs! };
}

async function burst(s: Service): Promise<{ accepted: number; refused: number; perSecond: number; acceptedP50: number; refusedP50: number; otherP99: number }> {
  const other = await token('bystander');
  let started!: () => void;
  const running = new Promise<void>((r) => (started = r));
  const load = runLoad('burst', s.base, () => started());
  await running;
  const otherTimes = await sampleUntil(load, () => post(s.base, '{ viewer { sub } }', other));
  const r = await load;
  return {
    accepted: r.accepted!,
    refused: r.refused!,
    perSecond: r.perSecond!,
    acceptedP50: r.acceptedP50!,
    refusedP50: r.refusedP50!,
    otherP99: percentile(otherTimes, 99),
  };
}

/** The load generator (child process): 20 bombs in flight for --seconds, or a burst of 3,000 queries from one token. */
async function generateLoad(kind: string, base: string): Promise<void> {
  if (kind === 'bombs') {
    const tokens = await Promise.all(Array.from({ length: 20 }, (_, i) => token(`bomber-${i}`)));
    const bomb = fragmentBomb(28);
    process.stdout.write('started\n');
    const end = performance.now() + seconds * 1000;
    let bombs = 0;
    await Promise.all(
      tokens.map(async (t) => {
        while (performance.now() < end) {
          await post(base, bomb, t);
          bombs++;
        }
      }),
    );
    process.stdout.write(`${JSON.stringify({ bombs })}\n`);
    return;
  }
  const t = await token('bursty');
  const total = 3000;
  let next = 0;
  const accepted: number[] = [];
  const refused: number[] = [];
  process.stdout.write('started\n');
  const started = performance.now();
  await Promise.all(
    Array.from({ length: 50 }, async () => {
      while (next < total) {
        next++;
        const r = await post(base, '{ viewer { sub } }', t);
        (r.status === 200 ? accepted : refused).push(r.ms);
      }
    }),
  );
  const wall = performance.now() - started;
  process.stdout.write(
    `${JSON.stringify({ accepted: accepted.length, refused: refused.length, perSecond: (total / wall) * 1000, acceptedP50: median(accepted), refusedP50: median(refused) })}\n`,
  );
}

async function main() {
  console.log(`bench:abuse — ${runs} run(s), node ${process.version}, ${new Date().toISOString().slice(0, 10)}`);
  const rejections: Array<Awaited<ReturnType<typeof rejectionTimes>>> = [];
  const healths: Array<Awaited<ReturnType<typeof healthUnderAttack>>> = [];
  const bursts: Array<Awaited<ReturnType<typeof burst>>> = [];
  for (let run = 0; run < runs; run++) {
    // Limits on, rate limits off: every bomb reaches parsing and validation.
    const open = await startService({ RATE_LIMIT_PROFILE: 'off' });
    try {
      rejections.push(await rejectionTimes(open));
      healths.push(await healthUnderAttack(open));
    } finally {
      await open.stop();
    }
    const limited = await startService({ RATE_LIMIT_PROFILE: 'production' });
    try {
      bursts.push(await burst(limited));
    } finally {
      await limited.stop();
    }
    console.log(`run ${run + 1} done`);
  }
  const m = <T>(rs: T[], f: (r: T) => number) => median(rs.map(f));

  console.log('\n1. Time to refuse (client round trip over loopback, median of 40 requests per run, median over runs)');
  console.log('| request | median | p99 | refused by | goal | ratio |\n|---|---|---|---|---|---|');
  rejections[0]!.forEach((row, i) => {
    const ms = m(rejections, (r) => r[i]!.ms);
    const p99 = m(rejections, (r) => r[i]!.p99);
    const goal = row.name.includes('floor') ? '—' : '5 ms';
    const ratio = row.name.includes('floor') ? '—' : (ms / 5).toFixed(2);
    console.log(`| ${row.name} | ${fmt(ms)} ms | ${fmt(p99)} ms | ${row.by} | ${goal} | ${ratio} |`);
  });

  const h = { idle: m(healths, (r) => r.idleP99), p50: m(healths, (r) => r.p50), p99: m(healths, (r) => r.p99), bombs: m(healths, (r) => r.bombs) };
  console.log(`\n2. /health while 20 fragment bombs are in flight for ${seconds} s from another process (${Math.round(h.bombs)} bombs refused per run)`);
  console.log('| measure | value | goal | ratio |\n|---|---|---|---|');
  console.log(`| /health p99, idle | ${fmt(h.idle)} ms | — | — |`);
  console.log(`| /health p50 under attack | ${fmt(h.p50)} ms | — | — |`);
  console.log(`| /health p99 under attack | ${fmt(h.p99)} ms | 50 ms | ${(h.p99 / 50).toFixed(2)} |`);

  const b = {
    accepted: m(bursts, (r) => r.accepted),
    refused: m(bursts, (r) => r.refused),
    perSecond: m(bursts, (r) => r.perSecond),
    a50: m(bursts, (r) => r.acceptedP50),
    r50: m(bursts, (r) => r.refusedP50),
    other: m(bursts, (r) => r.otherP99),
  };
  console.log('\n3. Burst of 3,000 ordinary queries from one token, 50 at a time (another process), production rate limits (600 operations a minute)');
  console.log('| measure | value | ideal | ratio |\n|---|---|---|---|');
  console.log(`| answered per second (accepted + refused) | ${b.perSecond.toFixed(0)} /s | — | — |`);
  console.log(`| accepted | ${b.accepted} | 600 (the limit) | ${(b.accepted / 600).toFixed(2)} |`);
  console.log(`| refused with 429 | ${b.refused} | ${3000 - 600} | ${(b.refused / 2400).toFixed(2)} |`);
  console.log(`| latency p50, accepted / refused | ${fmt(b.a50)} ms / ${fmt(b.r50)} ms | — | — |`);
  console.log(`| another caller's p99 during the burst | ${fmt(b.other)} ms | 50 ms | ${(b.other / 50).toFixed(2)} |`);
  console.log(
    `\n${JSON.stringify({ rejections: rejections[0]!.map((row, i) => ({ name: row.name, medianMs: m(rejections, (r) => r[i]!.ms), by: row.by })), health: h, burst: b })}`,
  );
}

(args.load ? generateLoad(args.load, args.base!) : main()).catch((err) => {
  console.error(err);
  process.exit(1);
});
