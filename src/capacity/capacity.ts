// The live capacity view the app serves: N-1 headroom kept up to date by polls, single points of
// failure, phase balance, and a summary per rack for the wall. One object for the API, the alerts
// and history to share, so each poll's work is done once.
import type { Config } from '../config/schema.js';
import type { Facts } from '../health/power-health.js';
import type { Topology } from '../health/topology.js';
import { audit, type Audit, type Finding } from './audit.js';
import { balance, type PduBalance } from './balance.js';
import { LiveHeadroom, racksOf, type HeadroomState, type PartHeadroom } from './headroom.js';

export interface CapacityDeps {
  config: () => Config;
  topology: () => Topology;
  facts: Facts;
  now: () => number;
}

/** A rack as the wall marks it: its N-1 state and least headroom, and its single points of failure. */
export interface RackCapacity {
  rack: string;
  state: HeadroomState;
  /** The part with the least headroom, as the badge says it. */
  worst: { pdu: string; part: string; index: number; headroomPct: number; state: HeadroomState; reason: string } | null;
  parts: number;
  critical: number;
  warning: number;
  unknown: number;
  /** What is unknown, a few of them, for the tooltip. */
  unknownReasons: string[];
  spofs: string[];
}

/** The walls ask every 15 s each: one summary per scope serves them all for this long. */
const RACKS_KEPT_MS = 5_000;

export class Capacity {
  readonly live: LiveHeadroom;
  private readonly kept = new Map<string, { at: number; topology: Topology; racks: RackCapacity[] }>();

  constructor(private readonly deps: CapacityDeps) {
    this.live = new LiveHeadroom(deps);
  }

  /** A PDU's facts changed (a poll, a trap's confirming read). */
  touch(pdu: string): void {
    this.live.touch(pdu);
  }

  headroom(): PartHeadroom[] {
    return this.live.all();
  }

  pduHeadroom(pdu: string): PartHeadroom[] {
    return this.live.pdu(pdu);
  }

  audit(): Audit {
    return audit(this.deps.topology(), this.liveFacts());
  }

  balance(): PduBalance[] {
    const config = this.deps.config();
    return balance({ topology: this.deps.topology(), ...this.liveFacts(), settings: config.settings.capacity });
  }

  /** Per rack with PDUs or findings, in the sites' order; `racks` limits it (null: all). At most 5 s old. */
  racks(racks: ReadonlySet<string> | null): RackCapacity[] {
    const key = racks ? [...racks].sort().join(',') : '*';
    const now = this.deps.now();
    const topology = this.deps.topology();
    const kept = this.kept.get(key);
    if (kept && kept.topology === topology && now - kept.at < RACKS_KEPT_MS && now >= kept.at) return kept.racks;
    if (this.kept.size > 100) this.kept.clear();
    const out = this.summary(racks);
    this.kept.set(key, { at: now, topology, racks: out });
    return out;
  }

  private summary(racks: ReadonlySet<string> | null): RackCapacity[] {
    const parts = this.headroom().filter((p) => !racks || racks.has(p.rack));
    const byRack = new Map(racksOf(parts).map((r) => [r.rack, r]));
    const spofs = new Map<string, Finding[]>();
    for (const f of this.audit().findings) for (const r of f.racks) if (!racks || racks.has(r)) spofs.set(r, [...(spofs.get(r) ?? []), f]);
    const doubts = new Map<string, Set<string>>();
    for (const p of parts) if (p.state === 'unknown') (doubts.get(p.rack) ?? doubts.set(p.rack, new Set()).get(p.rack)!).add(p.reason);
    const order = this.deps.config().sites.flatMap((s) => s.rows.flatMap((r) => r.racks)).filter((r) => byRack.has(r) || spofs.has(r));
    return order.map((rack) => {
      const h = byRack.get(rack);
      const w = h?.worst;
      return {
        rack, state: h?.state ?? 'ok', parts: h?.parts ?? 0, critical: h?.critical ?? 0, warning: h?.warning ?? 0, unknown: h?.unknown ?? 0,
        worst: w ? { pdu: w.pdu, part: w.part, index: w.index, headroomPct: w.headroomPct!, state: w.state, reason: w.reason } : null,
        unknownReasons: [...(doubts.get(rack) ?? [])].slice(0, 3),
        spofs: (spofs.get(rack) ?? []).map((f) => f.message),
      };
    });
  }

  private liveFacts() {
    const s = this.deps.config().settings;
    return { facts: this.deps.facts, now: this.deps.now(), staleMs: s.pollInterval * s.staleAfterPolls };
  }
}
