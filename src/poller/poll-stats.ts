/**
 * How the polls keep up, for /api/health and the scale bench: per kind of device, the time from a
 * poll being due to its facts being recorded (waiting for a slot included), over the most recent
 * polls. A poller that keeps up records each device well inside its interval.
 */
const KEPT = 2_048;

export interface PollTimes {
  /** Polls recorded since start. */
  polls: number;
  /** Due → recorded over the last KEPT polls, ms (null before the first). */
  p50Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
  /** The same p99 as a share of the device's interval (0.5: half the interval). */
  p99OfInterval: number | null;
}

class Recent {
  private readonly ms = new Float64Array(KEPT);
  private readonly share = new Float64Array(KEPT);
  private n = 0;

  add(ms: number, intervalMs: number): void {
    const i = this.n++ % KEPT;
    this.ms[i] = ms;
    this.share[i] = intervalMs > 0 ? ms / intervalMs : 0;
  }

  times(): PollTimes {
    const count = Math.min(this.n, KEPT);
    if (count === 0) return { polls: 0, p50Ms: null, p99Ms: null, maxMs: null, p99OfInterval: null };
    const ms = this.ms.slice(0, count).sort();
    const share = this.share.slice(0, count).sort();
    // Nearest rank: the smallest value with at least q of the polls at or below it.
    const at = (xs: Float64Array, q: number) => xs[Math.max(0, Math.ceil(q * count) - 1)]!;
    return { polls: this.n, p50Ms: Math.round(at(ms, 0.5)), p99Ms: Math.round(at(ms, 0.99)), maxMs: Math.round(ms[count - 1]!), p99OfInterval: Number(at(share, 0.99).toFixed(3)) };
  }
}

export class PollStats {
  private readonly kinds = { pdu: new Recent(), node: new Recent() };

  record(kind: 'pdu' | 'node', dueToRecordedMs: number, intervalMs: number): void {
    this.kinds[kind].add(dueToRecordedMs, intervalMs);
  }

  times(): { pdu: PollTimes; node: PollTimes } {
    return { pdu: this.kinds.pdu.times(), node: this.kinds.node.times() };
  }
}

/** One device's polls since it was added, for GET /metrics: how many, how the last took, why they failed. */
export interface DevicePolls {
  kind: 'pdu' | 'node';
  name: string;
  polls: number;
  /** Asking → recorded of the last poll that got that far, ms (null before the first). */
  lastMs: number | null;
  /** Failed polls by failure kind (a fixed word: SnmpFailureKind, never the device's text). */
  errors: Map<string, number>;
}

export class DevicePollCounts {
  private readonly devices = new Map<string, DevicePolls>();

  record(kind: 'pdu' | 'node', name: string, error: string | null, ms: number | null): void {
    const key = `${kind}:${name}`;
    const d = this.devices.get(key) ?? this.devices.set(key, { kind, name, polls: 0, lastMs: null, errors: new Map() }).get(key)!;
    d.polls++;
    if (ms !== null) d.lastMs = ms;
    if (error !== null) d.errors.set(error, (d.errors.get(error) ?? 0) + 1);
  }

  /** A device no longer polled: its counts go with it (a counter that starts again is a reset to Prometheus). */
  forget(kind: 'pdu' | 'node', name: string): void {
    this.devices.delete(`${kind}:${name}`);
  }

  all(): IterableIterator<DevicePolls> {
    return this.devices.values();
  }
}
