// What a PDU's metering card accumulates over time: energy counters and peaks with timestamps.
// The power model is memoryless; these are the only history the simulated PDU keeps.
import type { PduPower } from './physics.js';

export interface Peak { value: number; at: number }

export class PduMeters {
  /** When the (simulated) user last reset the counters. */
  readonly since: number;
  deviceWh = 0;
  readonly outletWh: number[];
  readonly devicePeakW: Peak;
  readonly phasePeakA: Peak[];
  readonly bankPeakA: Peak[];
  readonly outletPeakW: Peak[];
  private last: { power: PduPower; at: number } | null = null;

  /** `ageMs`: how long the counters have been running before the simulator started. */
  constructor(outlets: number, banks: number, phases: number, now: number, private readonly ageMs: number) {
    this.since = now - ageMs;
    const peaks = (n: number) => Array.from({ length: n }, () => ({ value: 0, at: this.since }));
    this.outletWh = new Array<number>(outlets).fill(0);
    this.devicePeakW = { value: 0, at: this.since };
    this.phasePeakA = peaks(phases);
    this.bankPeakA = peaks(banks);
    this.outletPeakW = peaks(outlets);
  }

  /** Integrates the previous reading up to `now`, then takes `power` as the new reading. */
  record(power: PduPower, now: number): void {
    // Seed the counters as if today's load had run since `since`, so they look like a real meter's.
    const prev = this.last ?? { power, at: now - this.ageMs };
    const hours = Math.max(0, now - prev.at) / 3_600_000;
    this.deviceWh += prev.power.watts * hours;
    prev.power.outlets.forEach((o, i) => { this.outletWh[i] = (this.outletWh[i] ?? 0) + o.watts * hours; });
    this.last = { power, at: now };

    raise(this.devicePeakW, power.watts, now);
    power.phases.forEach((p, i) => raise(this.phasePeakA[i], p.amps, now));
    power.banks.forEach((b, i) => raise(this.bankPeakA[i], b.amps, now));
    power.outlets.forEach((o, i) => raise(this.outletPeakW[i], o.watts, now));
  }
}

function raise(peak: Peak | undefined, value: number, at: number): void {
  if (peak && value > peak.value) {
    peak.value = value;
    peak.at = at;
  }
}

/** APC's timestamp format, "07/29/2023 23:06:13" (UTC here). */
export function apcTimestamp(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCMonth() + 1)}/${p(d.getUTCDate())}/${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}
