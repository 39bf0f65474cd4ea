// Timers of a background loop (the engine's polls and heartbeats, the step worker's): they
// never keep the process alive, and stopping clears them all.
export class Periodic {
  private timers: NodeJS.Timeout[] = [];

  /** Runs `fn` every `ms` until clear(). */
  every(ms: number, fn: () => void): void {
    const t = setInterval(fn, ms);
    t.unref();
    this.timers.push(t);
  }

  clear(): void {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
  }
}

/** A heartbeat that keeps a claim alive: every third of its time to live, at least every 100 ms apart. */
export const heartbeatInterval = (ttlMs: number) => Math.max(100, Math.floor(ttlMs / 3));
