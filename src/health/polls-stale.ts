// Breakerbox watching itself: when no poll of any device has been recorded for as long as a device's
// facts stay fresh, its own polling is stuck (a hung worker, a starved event loop) and everything it
// shows is stale. The API, the wall and the alerts all say so from this one place.

export interface PollsStale {
  /** The latest recorded poll (or the start, if none ever was): the data is as old as this. */
  since: number;
  message: string;
}

/** Before the first poll is recorded, at least this long: a first cycle of detections on a busy host is slow, not stuck. */
export const FIRST_POLL_GRACE_MS = 60_000;

export function pollsStale(lastRecordAt: number | null, startedAt: number, devices: number, now: number, staleMs: number): PollsStale | null {
  const since = lastRecordAt ?? startedAt;
  const silentMs = now - since;
  if (devices === 0 || silentMs <= (lastRecordAt === null ? Math.max(staleMs, FIRST_POLL_GRACE_MS) : staleMs)) return null;
  return {
    since,
    message: `no poll of any of the ${devices} devices recorded for ${Math.round(silentMs / 1000)} s: Breakerbox's own polling is stuck, and everything it shows is stale`,
  };
}
