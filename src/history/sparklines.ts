// The last hour of each PDU's power and each bank's load, a point a minute, kept in memory as points
// are recorded: the wall asks for every PDU on screen each minute, and this answers without a query.
import type { Point } from './points.js';
import type { HistoryPoint } from './query.js';

const MINUTE = 60_000;
const SLOTS = 60;

interface Slot { minute: number; sum: number; n: number; max: number }

/** One series' minutes, in a ring of an hour. */
class Ring {
  private readonly slots: (Slot | undefined)[] = new Array(SLOTS);

  add(time: number, value: number): void {
    const minute = Math.floor(time / MINUTE) * MINUTE;
    const i = (minute / MINUTE) % SLOTS;
    const s = this.slots[i];
    if (!s || s.minute !== minute) {
      if (s && s.minute > minute) return; // an hour late
      this.slots[i] = { minute, sum: value, n: 1, max: value };
      return;
    }
    s.sum += value;
    s.n++;
    if (value > s.max) s.max = value;
  }

  since(from: number): HistoryPoint[] {
    const out: HistoryPoint[] = [];
    for (const s of this.slots) if (s && s.minute >= from) out.push({ t: s.minute, mean: s.sum / s.n, max: s.max });
    return out.sort((a, b) => a.t - b.t);
  }
}

export class Sparklines {
  private readonly rings = new Map<string, Ring>();

  add(points: readonly Point[]): void {
    for (const p of points) {
      if (p.measurement === 'pdu' && typeof p.fields.power_w === 'number') this.ring(p.tags.pdu!).add(p.time, p.fields.power_w);
      else if (p.measurement === 'bank' && typeof p.fields.load_pct === 'number') this.ring(`${p.tags.pdu}#${p.tags.bank}`).add(p.time, p.fields.load_pct);
    }
  }

  /** The PDU's power (bank undefined) or one bank's load, from `from` on; null when nothing was recorded since start. */
  get(pdu: string, bank: number | undefined, from: number): HistoryPoint[] | null {
    return this.rings.get(bank === undefined ? pdu : `${pdu}#${bank}`)?.since(from) ?? null;
  }

  /** Forgets PDUs no longer configured. */
  retain(pdus: ReadonlySet<string>): void {
    for (const key of this.rings.keys()) if (!pdus.has(key.split('#')[0]!)) this.rings.delete(key);
  }

  private ring(key: string): Ring {
    let r = this.rings.get(key);
    if (!r) this.rings.set(key, (r = new Ring()));
    return r;
  }
}
