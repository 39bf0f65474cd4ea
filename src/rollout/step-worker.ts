// Runs queued cluster steps (src/rollout/step-queue.ts) on this replica, whichever replica
// drives their deployment: up to `capacity` at once, claimed when woken (a driver queued
// steps, on this replica or — through the replica bridge — on another) and on a poll
// timer. Claims are renewed by heartbeat; a claim this replica lost stops its step. When
// the engine stops, running steps are interrupted and handed back at once.
import { setMaxListeners } from 'node:events';
import type { RolloutContext } from './cluster-context.ts';
import { deployCluster } from './cluster-step.ts';
import { loadRollout } from './driver.ts';
import { heartbeatInterval, Periodic } from './periodic.ts';
import type { EngineDeps } from './ports.ts';
import { type ClaimedStep, STEPPING_STATUSES, StepQueue } from './step-queue.ts';

/** Steps claimed by one statement (see claimWhileRoom). */
const CLAIM_BATCH = 4;

/** After an unexpected failure (not a failed step: a database error), a step is taken again this much later. */
const RETRY_AFTER_MS = 1000;

interface RunningStep {
  abort: AbortController;
  done: Promise<void>;
}

interface SharedContext {
  ctx: Promise<{ ctx: RolloutContext; skipHealthChecks: (cluster: string) => boolean } | undefined>;
  users: number;
}

/**
 * A step of this deployment ended here (its driver, if on this thread, looks at once; one
 * elsewhere hears of the step's commits through the replica bridge).
 */
type StepEnded = (deploymentId: string) => void;

export class StepWorker {
  private readonly running = new Map<number, RunningStep>();
  /** One loaded deployment (rows, plan, rendered target) per deployment with steps running here. */
  private readonly contexts = new Map<string, SharedContext>();
  private readonly stop$ = new AbortController();
  private readonly timers = new Periodic();
  private claiming: Promise<void> | undefined;
  private claimAgain = false;
  private started = false;

  /** The queue this worker claims from, in this replica's name; the drivers of this thread queue on it too. */
  readonly queue: StepQueue;
  /** Steps run here at once (settings.stepConcurrency; 0: none). */
  private readonly capacity: number;

  constructor(
    private readonly deps: EngineDeps,
    private readonly stepEnded: StepEnded = () => {},
  ) {
    const s = deps.settings;
    this.queue = new StepQueue(deps.prisma, { owner: s.replicaId, ttlMs: s.leaseTtlMs });
    this.capacity = s.stepConcurrency;
    setMaxListeners(0, this.stop$.signal);
  }

  start(): void {
    // No room here: this thread takes no steps (step threads take them; src/step-threads.ts).
    if (this.started || this.capacity <= 0) return;
    this.started = true;
    void (async () => {
      for await (const _queued of this.deps.events.subscribe('stepsQueued', this.stop$.signal)) this.tick();
    })().catch((err) => this.deps.log.error({ err }, 'step worker wake-up listener failed'));
    this.timers.every(this.deps.settings.pollIntervalMs, () => this.tick());
    this.timers.every(heartbeatInterval(this.deps.settings.leaseTtlMs), () => void this.heartbeat());
    this.tick();
  }

  /** Interrupts the running steps (their state is committed up to their last event) and hands them back. */
  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    this.stop$.abort();
    this.timers.clear();
    await Promise.allSettled([...this.running.values()].map((r) => r.done));
    await this.claiming?.catch(() => {});
  }

  /** Looks for queued steps now (coalesced: one claim at a time). */
  tick(): void {
    if (!this.started) return;
    if (this.claiming) {
      this.claimAgain = true;
      return;
    }
    // Cleared once settled (never synchronously inside the loop, which may end before its first await).
    this.claiming = this.claimWhileRoom().finally(() => {
      this.claiming = undefined;
    });
  }

  /**
   * Claims a few steps at a time (CLAIM_BATCH) while there is room and something to claim.
   * A few keeps replicas fair: when a driver queues a wave, every replica's loop takes steps
   * side by side (SKIP LOCKED: none waits for another), rather than the first one woken
   * taking all; a replica busy with CPU claims more slowly and so takes fewer. More than one
   * keeps a busy event loop from starting a wave one round trip per step.
   */
  private async claimWhileRoom(): Promise<void> {
    try {
      for (;;) {
        this.claimAgain = false;
        if (!this.started || this.running.size >= this.capacity) return;
        const claimed = await this.queue.claim(Math.min(CLAIM_BATCH, this.capacity - this.running.size), new Set(this.running.keys()));
        for (const step of claimed) this.run(step);
        if (claimed.length === 0 && !this.claimAgain) return;
      }
    } catch (err) {
      if (this.started) this.deps.log.error({ err }, 'claiming cluster steps failed');
    }
  }

  private run(step: ClaimedStep): void {
    if (this.running.has(step.id)) return;
    const abort = new AbortController();
    setMaxListeners(0, abort.signal);
    const stopped = () => abort.abort();
    this.stop$.signal.addEventListener('abort', stopped, { once: true });
    const log = this.deps.log.child({ deploymentId: step.deploymentId, cluster: step.clusterName });
    const done = (async () => {
      let release: Parameters<StepQueue['release']>[1] = { finished: false, retryAfterMs: RETRY_AFTER_MS };
      try {
        const shared = await this.context(step.deploymentId);
        if (shared) {
          const { ctx, skipHealthChecks } = shared;
          await deployCluster({ ...ctx, signal: abort.signal }, step.clusterName, { skipHealthChecks: skipHealthChecks(step.clusterName) });
        }
        // No context: the deployment is no longer stepping; its driver takes the step out of the queue.
        release = { finished: true };
      } catch (err) {
        if (abort.signal.aborted) {
          release = { finished: false };
          log.info('cluster step interrupted; another replica (or this one, restarted) takes it again');
        } else log.error({ err }, 'cluster step failed unexpectedly; it is taken again shortly');
      } finally {
        this.stop$.signal.removeEventListener('abort', stopped);
        this.dropContext(step.deploymentId);
        await this.queue.release(step.id, release).catch((err) => log.warn({ err }, 'could not release the cluster step'));
        this.running.delete(step.id);
        this.stepEnded(step.deploymentId);
        // Handed back: whichever replica is still running takes it at once.
        if (!release.finished && abort.signal.aborted) this.deps.events.publish('stepsQueued', { deploymentId: step.deploymentId });
        this.tick();
      }
    })();
    this.running.set(step.id, { abort, done });
  }

  private context(deploymentId: string): SharedContext['ctx'] {
    let shared = this.contexts.get(deploymentId);
    if (!shared) {
      shared = {
        users: 0,
        ctx: (async () => {
          const loaded = await loadRollout(deploymentId, this.deps);
          if (!loaded || !STEPPING_STATUSES.includes(loaded.deployment.status)) return undefined;
          const ctx = await loaded.context(this.deps.renderer, this.stop$.signal);
          const waves = loaded.plan.waves;
          return { ctx, skipHealthChecks: (cluster: string) => waves.find((w) => w.clusters.includes(cluster))?.skipHealthChecks ?? false };
        })(),
      };
      this.contexts.set(deploymentId, shared);
      // A failed load is not kept: the next step loads again.
      shared.ctx.catch(() => {
        if (this.contexts.get(deploymentId) === shared) this.contexts.delete(deploymentId);
      });
    }
    shared.users++;
    return shared.ctx;
  }

  private dropContext(deploymentId: string): void {
    const shared = this.contexts.get(deploymentId);
    if (shared && --shared.users <= 0) this.contexts.delete(deploymentId);
  }

  private async heartbeat(): Promise<void> {
    const ids = [...this.running.keys()];
    try {
      for (const id of await this.queue.renew(ids)) {
        this.deps.log.warn({ step: id }, 'cluster step claim lost (another replica took it over); stopping the step here');
        this.running.get(id)?.abort.abort();
      }
    } catch (err) {
      this.deps.log.warn({ err }, 'cluster step heartbeat failed');
    }
  }
}
