// `npm run demo`: the API on an in-memory embedded database plus a sandbox fleet (two
// DEVELOPMENT, one STAGING, two PRODUCTION clusters), the demo operator registered and its
// baseline installed everywhere; then prints tokens and ready-to-paste GraphQL for three
// stories — a canary, an automatic rollback, a production approval — and runs until Ctrl-C.
//
// The database is `memory://` on purpose: the sandbox fleet lives in this process and is
// gone when it stops, so a persisted database would remember releases on clusters that no
// longer exist. Every run starts from the same clean state, and re-running just works.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createApp, type App } from './app.ts';
import { mintToken } from './auth/tokens.ts';
import { ConfigError, loadConfig } from './config/index.ts';
import type { Environment } from './domain/model.ts';
import { crdOperations, CRD_BREAKING_VERSION, renderCrdStory, seedWidgets, startInbox, type CrdOperations, type Inbox } from './demo-crd.ts';
import { startSandbox, type Sandbox } from './sandbox/index.ts';

const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

export const DEMO_OPERATOR = 'demo-operator';
export const DEMO_NAMESPACE = 'demo-system';
export const DEMO_FLEET: ReadonlyArray<{ name: string; environment: Environment }> = [
  { name: 'dev-1', environment: 'DEVELOPMENT' },
  { name: 'dev-2', environment: 'DEVELOPMENT' },
  { name: 'staging-1', environment: 'STAGING' },
  { name: 'prod-1', environment: 'PRODUCTION' },
  { name: 'prod-2', environment: 'PRODUCTION' },
];
/** The bundles in demo/operators/demo-operator/, and the story each one tells. */
export const DEMO_VERSIONS = {
  baseline: 'v1.0.0',
  upgrade: 'v1.1.0',
  broken: 'v1.2.0',
  production: 'v1.3.0',
  crdBreaking: CRD_BREAKING_VERSION,
} as const;

const namesIn = (...environments: Environment[]) => DEMO_FLEET.filter((c) => environments.includes(c.environment)).map((c) => c.name);
const list = (names: string[]) => `[${names.map((n) => JSON.stringify(n)).join(', ')}]`;

/** The operations the demo prints, each a complete GraphQL document. */
export interface DemoOperations {
  /** CANARY of the upgrade over DEVELOPMENT + STAGING: one cluster per stage, ~1 minute. */
  canary: string;
  /** deploymentProgress of one deployment (variable $id). */
  progress: string;
  /** ROLLING of the crash-looping version: fails on the first cluster and rolls back. */
  broken: string;
  /** The newest deployment of the demo operator, with its clusters and events. */
  latest: string;
  /** Live health and version of the demo operator on every cluster. */
  fleet: string;
  /** The production release to PRODUCTION: waits in PENDING_APPROVAL. */
  promote: string;
  /** Pending approvals. */
  approvals: string;
  /** approve(id) (variable $id), to run with the owner's token. */
  approve: string;
}

export function demoOperations(): DemoOperations {
  const devAndStaging = list(namesIn('DEVELOPMENT', 'STAGING'));
  return {
    // 33 % steps of 3 clusters give stages of 1, 2 and 3 clusters: dev-1, then dev-2, then staging-1.
    canary: `mutation Canary {
  createDeployment(input: {
    operatorName: "${DEMO_OPERATOR}", targetVersion: "${DEMO_VERSIONS.upgrade}", strategy: CANARY
    targetClusters: ${devAndStaging}
    strategyConfig: { canary: { initialPercentage: 33, incrementPercentage: 33,
      evaluationPeriod: "PT15S", healthCheckInterval: "PT3S", successThreshold: 0.95 } }
  }) { id status previousVersion }
}`,
    progress: `subscription Progress($id: ID!) {
  deploymentProgress(deploymentId: $id) { sequence clusterName status message progress timestamp }
}`,
    broken: `mutation Broken {
  createDeployment(input: {
    operatorName: "${DEMO_OPERATOR}", targetVersion: "${DEMO_VERSIONS.broken}", strategy: ROLLING
    targetClusters: ${devAndStaging}
    strategyConfig: { rolling: { validationPeriod: "PT10S" } }
  }) { id status previousVersion }
}`,
    latest: `query Latest {
  deployments(operatorName: "${DEMO_OPERATOR}", first: 1) {
    edges { node {
      id targetVersion previousVersion status approvalStatus errorMessage rollbackReason
      clusters { clusterName status errorMessage }
      events { sequence clusterName status message }
    } }
  }
}`,
    fleet: `query Fleet {
  operatorHealth(operatorName: "${DEMO_OPERATOR}") { status clusters { clusterName version revision status message } }
}`,
    promote: `mutation Promote {
  createDeployment(input: {
    operatorName: "${DEMO_OPERATOR}", targetVersion: "${DEMO_VERSIONS.production}", strategy: ROLLING
    targetClusters: ${list(namesIn('PRODUCTION'))}
    strategyConfig: { rolling: { validationPeriod: "PT5S" } }
  }) { id status approvalStatus }
}`,
    approvals: `query Pending {
  approvals(status: PENDING) { id deploymentId environment requestedBy status deployment { targetVersion targetClusters } }
}`,
    approve: `mutation Approve($id: ID!) {
  approve(id: $id, comment: "looks good in staging") { id status decidedBy decidedAt deployment { status } }
}`,
  };
}

export interface DemoOptions {
  /** API port (default: PORT, else 4000; 0 = any free port). */
  port?: number;
  /** Listen address (default: HOST, else 127.0.0.1 — the printed tokens are for this machine). */
  host?: string;
  /** Where the clusters' kubeconfigs are written (default .sandbox/demo under the project). */
  kubeconfigDir?: string;
  /** pino level (default: LOG_LEVEL, else warn, so the printed steps stay readable). */
  logLevel?: string;
  /** Environment to read PORT, HOST and LOG_LEVEL from (default process.env). */
  env?: Record<string, string | undefined>;
  /** Told what start-up is doing (it takes ~10 s). */
  onProgress?: (step: string) => void;
  /** Where received approval notifications are printed (default stdout). */
  onNotification?: (line: string) => void;
}

export interface Demo {
  app: App;
  sandbox: Sandbox;
  /** GraphiQL / GraphQL endpoint. */
  url: string;
  tokens: { admin: string; owner: string; operator: string };
  operations: DemoOperations;
  crdOperations: CrdOperations;
  /** The demo's webhook receiver (approval notifications). */
  inbox: Inbox;
  /** What `npm run demo` prints. */
  text: string;
  /** Stops the app, then the sandbox. */
  stop(): Promise<void>;
}

const TOKEN_TTL_SECONDS = 24 * 3600;

export async function startDemo(options: DemoOptions = {}): Promise<Demo> {
  const env = options.env ?? process.env;
  const kubeconfigDir = options.kubeconfigDir ?? path.join(PROJECT_ROOT, '.sandbox', 'demo');
  const progress = options.onProgress ?? (() => {});
  progress(`starting the sandbox fleet (${DEMO_FLEET.length} clusters)`);
  // Pods take a second to become Ready so each step is visible; crash loops show within ~3 s.
  const sandbox = await startSandbox({ clusters: [...DEMO_FLEET], outDir: kubeconfigDir, podReadyDelayMs: 1000, crashLoopIntervalMs: 1000 });
  const inbox = await startInbox(options.onNotification ?? ((line) => process.stdout.write(line)));
  let app: App | undefined;
  try {
    // Only the settings the demo means to take from outside: never a DATABASE_URL or a data dir.
    const appEnv = {
      NODE_ENV: 'development',
      DATA_DIR: 'memory://',
      PORT: String(options.port ?? env.PORT ?? 4000),
      HOST: options.host ?? env.HOST ?? '127.0.0.1',
      LOG_LEVEL: options.logLevel ?? env.LOG_LEVEL ?? 'warn',
      // A fresh secret per run: the printed tokens die with the process, like the fleet.
      JWT_SECRET: randomBytes(32).toString('base64url'),
      ENGINE_POLL_INTERVAL: 'PT1S',
      DEFAULT_TIMEOUT: 'PT2M',
      HEALTH_CHECK_INTERVAL: 'PT30S',
      // Approvals that wait are announced to the demo's own webhook receiver.
      NOTIFY_WEBHOOK_URLS: inbox.url,
      NOTIFY_PUBLIC_URL: 'http://localhost',
    };
    const config = loadConfig(appEnv);
    progress('starting the API on an in-memory database');
    app = await createApp(config);
    const port = await app.start();
    const shownHost = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
    const url = `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${port}/graphql`;
    const secret = app.secrets.jwtSecret!;
    const mint = (sub: string, extra: { roles: ['ADMIN'] | ['ENVIRONMENT_OWNER'] | ['OPERATOR']; environments?: Environment[] }) =>
      mintToken(secret, { sub, ...extra, ttlSeconds: TOKEN_TTL_SECONDS, issuer: config.jwt.issuer, audience: config.jwt.audience });
    const tokens = {
      admin: await mint('admin', { roles: ['ADMIN'] }),
      owner: await mint('erin', { roles: ['ENVIRONMENT_OWNER'], environments: ['PRODUCTION'] }),
      operator: await mint('olga', { roles: ['OPERATOR'] }),
    };
    // The set-up acts as its own user, so admin's first approval in GraphiQL is not blocked as self-approval.
    const setupToken = await mint('demo-setup', { roles: ['ADMIN'] });
    await prepareFleet(url, sandbox, { setup: setupToken, owner: tokens.owner }, progress);
    seedWidgets(sandbox);
    const operations = demoOperations();
    const crd = crdOperations(DEMO_OPERATOR, namesIn('DEVELOPMENT', 'STAGING'));
    const text =
      renderInstructions({ url, tokens, operations, kubeconfigDir }) +
      renderCrdStory({
        operations: crd,
        operatorHeader: `{"Authorization": "Bearer ${tokens.operator}"}`,
        adminHeader: "admin's",
        indent,
      }) +
      '\nCtrl-C stops the API, then the sandbox fleet.\n';
    const started = app;
    let stopping: Promise<void> | undefined;
    return {
      app: started,
      sandbox,
      url,
      tokens,
      operations,
      crdOperations: crd,
      inbox,
      text,
      stop: () => (stopping ??= started.stop().finally(() => Promise.all([sandbox.stop(), inbox.close()]).then(() => {}))),
    };
  } catch (err) {
    await app?.stop().catch(() => {});
    await sandbox.stop();
    await inbox.close();
    throw err;
  }
}

/** A GraphQL call that throws with the server's messages on any error. */
// biome-ignore lint/suspicious/noExplicitAny: the demo's callers read the answers of their own queries
export async function graphql<T = any>(url: string, token: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: T; errors?: Array<{ message: string }> };
  if (body.errors?.length || !body.data) throw new Error(`GraphQL: ${body.errors?.map((e) => e.message).join('; ') ?? `HTTP ${res.status}`}`);
  return body.data;
}

/**
 * Registers the clusters (the API checks that each one answers) and the demo operator,
 * then installs the baseline on every cluster with Direct. Production needs approval even
 * here: the set-up user creates the deployment and the owner approves it.
 */
async function prepareFleet(url: string, sandbox: Sandbox, tokens: { setup: string; owner: string }, progress: (step: string) => void): Promise<void> {
  progress('registering the clusters and the demo operator');
  for (const c of sandbox.clusters) {
    await graphql(url, tokens.setup, 'mutation($input: RegisterClusterInput!) { registerCluster(input: $input) { name } }', {
      input: { name: c.name, environment: c.environment, kubeconfig: c.kubeconfig, description: `sandbox ${c.environment.toLowerCase()} cluster` },
    });
  }
  const template = `${pathToFileURL(path.join(PROJECT_ROOT, 'demo', 'operators', DEMO_OPERATOR)).href}/{version}.yaml`;
  await graphql(url, tokens.setup, 'mutation($input: RegisterOperatorInput!) { registerOperator(input: $input) { name } }', {
    input: {
      name: DEMO_OPERATOR,
      namespace: DEMO_NAMESPACE,
      description: 'A small operator (a CRD, RBAC, a controller) with a healthy, a broken and a production release',
      manifestUrlTemplate: template,
      versions: Object.values(DEMO_VERSIONS),
    },
  });
  const created = await graphql<{ createDeployment: { id: string } }>(
    url,
    tokens.setup,
    'mutation($input: CreateDeploymentInput!) { createDeployment(input: $input) { id } }',
    {
      input: {
        operatorName: DEMO_OPERATOR,
        targetVersion: DEMO_VERSIONS.baseline,
        strategy: 'DIRECT',
        targetClusters: DEMO_FLEET.map((c) => c.name),
        strategyConfig: { direct: { parallelClusters: 5 } },
      },
    },
  );
  const id = created.createDeployment.id;
  progress(`installing ${DEMO_OPERATOR} ${DEMO_VERSIONS.baseline} on every cluster (production approved by erin)`);
  const { approvals } = await graphql<{ approvals: Array<{ id: string; deploymentId: string | null }> }>(
    url,
    tokens.owner,
    'query { approvals(status: PENDING) { id deploymentId } }',
  );
  const approval = approvals.find((a) => a.deploymentId === id);
  if (!approval) throw new Error(`the baseline deployment ${id} has no pending approval`);
  await graphql(url, tokens.owner, 'mutation($id: ID!) { approve(id: $id, comment: "baseline installed by npm run demo") { id } }', { id: approval.id });
  const deadline = Date.now() + 120_000;
  for (;;) {
    const { deployment } = await graphql<{ deployment: { status: string; errorMessage: string | null } }>(
      url,
      tokens.setup,
      'query($id: ID!) { deployment(id: $id) { status errorMessage } }',
      { id },
    );
    if (deployment.status === 'COMPLETED') return;
    if (['FAILED', 'ROLLED_BACK', 'CANCELLED'].includes(deployment.status))
      throw new Error(`installing the baseline failed (${deployment.status}): ${deployment.errorMessage}`);
    if (Date.now() > deadline) throw new Error(`installing the baseline did not finish within 2 minutes (status ${deployment.status})`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const indent = (text: string, by = '     ') => text.replace(/^/gm, by);

export const SSE_ID_PLACEHOLDER = '<the id>';

/** A curl line that streams a subscription over Server-Sent Events (variables: id). */
export function sseCommand(url: string, token: string, subscription: string): string {
  const body = JSON.stringify({ query: subscription.replace(/\s+/g, ' '), variables: { id: SSE_ID_PLACEHOLDER } });
  return `curl -N ${url} -H 'authorization: Bearer ${token}' -H 'accept: text/event-stream' \\\n  -H 'content-type: application/json' -d '${body}'`;
}

function renderInstructions(o: { url: string; tokens: Demo['tokens']; operations: DemoOperations; kubeconfigDir: string }): string {
  const { url, tokens, operations: op } = o;
  const header = (token: string) => `{"Authorization": "Bearer ${token}"}`;
  const envs = (e: Environment) => `${namesIn(e).join(', ')} (${e})`;
  const kubeconfigs = path.relative(process.cwd(), o.kubeconfigDir) || '.';
  return `
Operator Manager — demo
───────────────────────
GraphiQL   ${url}
Fleet      ${envs('DEVELOPMENT')} · ${envs('STAGING')} · ${envs('PRODUCTION')}
           simulated clusters; kubeconfigs in ${kubeconfigs}/
Operator   ${DEMO_OPERATOR} ${DEMO_VERSIONS.baseline} installed on all 5 clusters; also offers
           ${DEMO_VERSIONS.upgrade} (healthy upgrade), ${DEMO_VERSIONS.broken} (crash-loops), ${DEMO_VERSIONS.production} (production release),
           ${DEMO_VERSIONS.crdBreaking} (a CRD change that breaks the Widgets living in the fleet)
Database   in memory: every run starts fresh (tokens below are valid for this run only)

Tokens
  admin (ADMIN)                          ${tokens.admin}
  erin (ENVIRONMENT_OWNER of PRODUCTION) ${tokens.owner}
  olga (OPERATOR)                        ${tokens.operator}

1. Open ${url} and paste admin's header into the Headers pane:
     ${header(tokens.admin)}

2. Watch a canary: ${DEMO_VERSIONS.upgrade} reaches ${namesIn('DEVELOPMENT', 'STAGING').join(' → ')}, one stage at a time,
   each stage sampled for 15 s (under a minute in all). Run in a first tab:
${indent(op.canary)}
   In a second tab (same header), with Variables {"id": "<the id returned above>"}:
${indent(op.progress)}
   or from a terminal, over Server-Sent Events:
${indent(sseCommand(url, tokens.admin, op.progress))}

3. See a broken version roll back automatically (once the canary has COMPLETED):
   ${DEMO_VERSIONS.broken} crash-loops on the first cluster; the rollout stops there and restores its previous release.
${indent(op.broken)}
   Follow it with the subscription of step 2 (its new id), or read the outcome:
${indent(op.latest)}
   and what every cluster runs now, read live from the clusters:
${indent(op.fleet)}

4. Approve a production rollout:
   a. As admin, start ${DEMO_VERSIONS.production} on PRODUCTION — it stops in PENDING_APPROVAL:
${indent(op.promote, '        ')}
   b. List what waits for a decision:
${indent(op.approvals, '        ')}
   c. Switch the header to erin's token (admin started it, and nobody approves their own deployment):
        ${header(tokens.owner)}
      and run, with Variables {"id": "<the approval id from b>"}:
${indent(op.approve, '        ')}
   d. Watch it deploy with the subscription of step 2, or run "Latest" from step 3.

`;
}

async function main(): Promise<void> {
  const demo = await startDemo({ onProgress: (step) => process.stdout.write(`… ${step}\n`) });
  process.stdout.write(demo.text);
  let signalled = false;
  const shutdown = () => {
    if (signalled) return;
    signalled = true;
    process.stdout.write('\nstopping the API, then the sandbox fleet…\n');
    setTimeout(() => process.exit(1), 30_000).unref();
    demo.stop().then(
      () => process.exit(0),
      (err) => {
        console.error('error while stopping:', err);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

const runAsScript = process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href;
if (runAsScript) {
  main().catch((err) => {
    if (err instanceof ConfigError) console.error(err.message);
    else if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE')
      console.error(`${(err as Error).message}: another process uses that port; try PORT=4001 npm run demo`);
    else console.error('The demo failed to start:', err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
