// The rollout engine: claims deployments (leases in the database), drives each one in this
// process, renews the leases while it works, and gives them up when it stops. Woken by
// engineWake events (created, approved, cancel requested…) and by a poll timer, so work
// written by another replica is found too.
import { setMaxListeners } from 'node:events';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Config } from '../config/index.ts';
import type { EngineDeps, EngineSettings } from './ports.ts';
import { RETIRE_COLOR, retirementHandler } from './blue-green/retirement.ts';
import { ScheduledTaskRunner } from './scheduled-tasks.ts';
import { driveDeployment } from './driver.ts';
import { Leases } from './lease.ts';
import { heartbeatInterval, Periodic } from './periodic.ts';
import { StepWorker } from './step-worker.ts';
import { inSpan } from '../observability/tracing.ts';

/** The engine's settings from the configuration, for this replica (or one of its step threads). */
export function engineSettings(engine: Config['engine'], replicaId: string, stepConcurrency = engine.stepConcurrency): EngineSettings {
  return {
    replicaId,
    leaseTtlMs: engine.leaseTtlMs,
    pollIntervalMs: engine.pollIntervalMs,
    maxConcurrentDeployments: engine.maxConcurrentDeployments,
    healthTimeoutMs: engine.healthTimeoutMs,
    stepConcurrency,
  };
}

export function defaultReplicaId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
}

interface Running {
  abort: AbortController;
  done: Promise<void>;
}

export class RolloutEngine {
  private readonly leases: Leases;
  /** Runs queued cluster steps of any replica's deployments (src/rollout/step-worker.ts). */
  readonly stepWorker: StepWorker;
  /** Deferred work (src/rollout/scheduled-tasks.ts), looked for on every poll. */
  private readonly scheduled: ScheduledTaskRunner;
  private readonly running = new Map<string, Running>();
  private readonly stop$ = new AbortController();
  private readonly wakers = new Map<string, Set<() => void>>();
  /** Waits begun per deployment in this process (waitState). */
  private readonly waits = new Map<string, number>();
  private ticking: Promise<void> | undefined;
  private tickAgain = false;
  private readonly timers = new Periodic();
  private started = false;

  constructor(private readonly deps: EngineDeps) {
    const s = deps.settings;
    this.leases = new Leases(deps.prisma, { owner: s.replicaId, ttlMs: s.leaseTtlMs, maxConcurrent: s.maxConcurrentDeployments });
    this.scheduled = new ScheduledTaskRunner(deps, { [RETIRE_COLOR]: retirementHandler(deps) });
    this.stepWorker = new StepWorker(deps, (deploymentId) => {
      for (const w of this.wakers.get(deploymentId) ?? []) w();
    });
  }

  get replicaId(): string {
    return this.deps.settings.replicaId;
  }

  /** Deployments this replica is driving now. */
  driving(): string[] {
    return [...this.running.keys()];
  }

  /**
   * Whether a driver of this deployment is asleep now, until a request wakes it or its
   * timer runs out, and how many times it went to sleep in this process: a count that grows
   * shows the driver has looked at the deployment again (a check that nothing happened
   * waits for that rather than for a while).
   */
  waitState(deploymentId: string): { waiting: boolean; waitsBegun: number } {
    return { waiting: this.wakers.has(deploymentId), waitsBegun: this.waits.get(deploymentId) ?? 0 };
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    const s = this.deps.settings;
    void (async () => {
      for await (const wake of this.deps.events.subscribe('engineWake', this.stop$.signal)) {
        if (wake.deploymentId) for (const w of this.wakers.get(wake.deploymentId) ?? []) w();
        this.tick();
      }
    })().catch((err) => this.deps.log.error({ err }, 'engine wake-up listener failed'));
    this.timers.every(s.pollIntervalMs, () => this.tick());
    this.timers.every(s.pollIntervalMs, () => this.scheduled.tick());
    this.timers.every(heartbeatInterval(s.leaseTtlMs), () => void this.heartbeat());
    this.stepWorker.start();
    this.tick();
  }

  /** Stops driving: every driver is interrupted between steps (state is committed), leases are given up. */
  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    this.stop$.abort();
    this.timers.clear();
    for (const r of this.running.values()) r.abort.abort();
    await Promise.allSettled([...[...this.running.values()].map((r) => r.done), this.stepWorker.stop()]);
    await this.scheduled.stop();
    await this.ticking?.catch(() => {});
  }

  /** Looks for work now (coalesced: one claim at a time). */
  tick(): void {
    if (!this.started) return;
    if (this.ticking) {
      this.tickAgain = true;
      return;
    }
    this.ticking = (async () => {
      try {
        do {
          this.tickAgain = false;
          const claimed = await this.leases.claim(new Set(this.running.keys()));
          for (const id of claimed) this.drive(id);
        } while (this.tickAgain && this.started);
      } catch (err) {
        if (this.started) this.deps.log.error({ err }, 'claiming deployments failed');
      } finally {
        this.ticking = undefined;
      }
    })();
  }

  private drive(id: string): void {
    if (this.running.has(id) || !this.started) return;
    const abort = new AbortController();
    // Every request of the rollout listens on this signal; dozens run at once by design.
    setMaxListeners(0, abort.signal);
    const log = this.deps.log.child({ deploymentId: id });
    const done = (async () => {
      log.info('driving deployment');
      try {
        await inSpan('rollout.drive', { 'operator_manager.deployment_id': id, 'operator_manager.replica': this.replicaId }, () =>
          driveDeployment(id, {
            deps: { ...this.deps, log },
            renderer: this.deps.renderer,
            signal: abort.signal,
            waitForWake: (deploymentId, ms, signal) => this.waitForWake(deploymentId, ms, signal),
            steps: this.stepWorker.queue,
          }),
        );
      } catch (err) {
        if (abort.signal.aborted) log.info('driver interrupted; the deployment resumes from its last committed step');
        else log.error({ err }, 'driver failed; the deployment will be picked up again');
      } finally {
        // Counted as driven until the lease is given up: a claim in between would take it back.
        await this.leases.release(id).catch((err) => log.warn({ err }, 'could not release lease'));
        this.running.delete(id);
        if (this.started) setTimeout(() => this.tick(), abort.signal.aborted ? 0 : 1000).unref();
      }
    })();
    this.running.set(id, { abort, done });
  }

  private async heartbeat(): Promise<void> {
    const ids = [...this.running.keys()];
    try {
      const lost = await this.leases.renew(ids);
      for (const id of lost) {
        this.deps.log.warn({ deploymentId: id }, 'lease lost (another replica took over); stopping this driver');
        this.running.get(id)?.abort.abort();
      }
    } catch (err) {
      this.deps.log.warn({ err }, 'lease heartbeat failed');
    }
  }

  private waitForWake(deploymentId: string, ms: number, signal: AbortSignal): Promise<void> {
    this.waits.set(deploymentId, (this.waits.get(deploymentId) ?? 0) + 1);
    return new Promise((resolve) => {
      const set = this.wakers.get(deploymentId) ?? new Set();
      this.wakers.set(deploymentId, set);
      const finish = () => {
        clearTimeout(timer);
        set.delete(finish);
        if (set.size === 0) this.wakers.delete(deploymentId);
        signal.removeEventListener('abort', finish);
        resolve();
      };
      const timer = setTimeout(finish, Math.max(0, ms));
      set.add(finish);
      signal.addEventListener('abort', finish, { once: true });
    });
  }
}
