// When each device is polled: the first cycle done soon, then every kind spread over its interval
// (no herd at :00, no kind bunched together). Pure: the poller brings the clock.

const FIRST_POLL_GAP_MS = 10;

/** Over how long the first polls of `devices` spread: 10 ms per device, at least a second, at most the interval. */
export function firstPollSpread(intervalMs: number, devices: number): number {
  return Math.min(intervalMs, Math.max(1_000, devices * FIRST_POLL_GAP_MS));
}

export interface Slot {
  /** Where in its interval the device is polled, ms after the poller's epoch. */
  phase: number;
  /** Until its first poll, ms after the epoch. */
  firstDelay: number;
}

/**
 * Per kind and interval (PDUs apart from servers, whose polls are lighter), device i of n is first
 * polled at i/n of a short spread, then always at i/n of its interval: each second carries its
 * share of every group.
 */
export function spreadPolls<K>(devices: Iterable<[K, { kind: string; intervalMs: number }]>): Map<K, Slot> {
  const groups = new Map<string, [K, number][]>();
  for (const [k, d] of devices) {
    const group = `${d.kind}/${d.intervalMs}`;
    const members = groups.get(group);
    if (members) members.push([k, d.intervalMs]);
    else groups.set(group, [[k, d.intervalMs]]);
  }
  const out = new Map<K, Slot>();
  for (const members of groups.values()) {
    const n = members.length;
    members.forEach(([k, interval], i) => out.set(k, { phase: (i * interval) / n, firstDelay: Math.floor((i * firstPollSpread(interval, n)) / n) }));
  }
  return out;
}

/**
 * Until a device's next phase point (epoch + phase + k·interval) at least half an interval after
 * its poll began at `started`: a full interval in steady state, the rest of it after a poll that
 * took more than half of it, at once after one that overran it.
 */
export function untilPhase(o: { epoch: number; phase: number; intervalMs: number; started: number; now: number }): number {
  const k = Math.ceil((o.started + o.intervalMs / 2 - o.epoch - o.phase) / o.intervalMs);
  return Math.max(0, o.epoch + o.phase + k * o.intervalMs - o.now);
}
