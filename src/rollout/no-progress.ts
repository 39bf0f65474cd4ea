// Whether the driver (driver.ts) is getting anywhere. Every pass of the driver moves the
// deployment on: a phase ran and its cursor advanced, the status changed, or a request was
// taken up. A pass that finds the same committed position as the pass before, with no
// wait in between (no timer, no wake-up), did nothing; many such passes in a row are a loop
// that will not end by itself (a commit that does not stick, a phase that returns at once
// without moving the cursor). The driver then fails the deployment saying where it was
// stuck. Positions of a rollout never repeat however many clusters it has, so no plan size
// reaches the limit.

/** Where a deployment stands as committed, read at the start of a pass. */
export interface DriverPosition {
  status: string;
  /** Wave and phase of the stored cursor (not its `since`, which every commit stamps anew); absent before planning stored one. */
  cursor?: { waveIndex: number; phase: string };
  requestedAction: string | null;
}

export interface ProgressTrack {
  /** The position of the latest pass. */
  position: DriverPosition;
  /** Passes in a row at that position without a wait between them (1 for a new position). */
  repeats: number;
}

/** Passes in a row at one position, without waiting, after which a deployment is stuck. */
export const NO_PROGRESS_LIMIT = 25;

const samePosition = (a: DriverPosition, b: DriverPosition) =>
  a.status === b.status && a.requestedAction === b.requestedAction && a.cursor?.waveIndex === b.cursor?.waveIndex && a.cursor?.phase === b.cursor?.phase;

/**
 * The track after one more pass at `position`. `waited`: the driver waited (a timer or a
 * wake-up) since the previous pass, so finding the same position again is a new look, not a loop.
 */
export function trackProgress(previous: ProgressTrack | undefined, position: DriverPosition, waited: boolean): ProgressTrack {
  const repeated = previous !== undefined && !waited && samePosition(previous.position, position);
  return { position, repeats: repeated ? previous.repeats + 1 : 1 };
}

export function isStuck(track: ProgressTrack, limit = NO_PROGRESS_LIMIT): boolean {
  return track.repeats >= limit;
}

/** "status DEPLOYING, wave 0 (stage 1) phase deploy, no requested action". */
export function describePosition(p: DriverPosition, waveLabel?: string): string {
  const cursor = p.cursor ? `wave ${p.cursor.waveIndex}${waveLabel ? ` (${waveLabel})` : ''} phase ${p.cursor.phase}` : 'no cursor stored yet';
  return `status ${p.status}, ${cursor}, ${p.requestedAction ? `requested action ${p.requestedAction}` : 'no requested action'}`;
}
