// N-1 headroom, from live readings: for every bank, phase and inlet of every PDU, the load it would
// carry if a partner feed were lost (feed B for a PDU on feed A, the other UPS or ATS, or the partner
// PDU itself when it names neither), against its rating derated for continuous load.
//
// When a domain is lost, each dual-corded node with power supplies in it moves its load (the sum of
// its outlets' currents today) onto its remaining supplies, split evenly; a supply never sheds load
// (its share is at least what it draws now), so the figure errs high, never low. A single-corded
// node's load is lost, not moved. A current or rating that is not known makes the headroom unknown,
// with the reason, never a guess; only a case already known to be critical stays critical.
import type { Config, NodeConfig, PduConfig, Settings } from '../config/schema.js';
import type { Facts } from '../health/power-health.js';
import type { Topology } from '../health/topology.js';
import type { DeviceReading, Measure, OutletReading } from '../model.js';
import { domainText, pduDomains } from './power-domains.js';

export type CapacitySettings = Settings['capacity'];
export type PartKind = 'bank' | 'phase' | 'inlet';
export type HeadroomState = 'ok' | 'warning' | 'critical' | 'unknown';

export interface PartHeadroom {
  pdu: string;
  rack: string;
  part: PartKind;
  index: number;
  /** The loss this is the worst case of ("feed B", "dal3-ups-2"); null when no loss moves load onto it. */
  if: string | null;
  /** A now. */
  current: number | null;
  /** A that would move onto it. */
  moved: number | null;
  /** current + moved, A. */
  load: number | null;
  rating: number | null;
  /** rating × derating: what it may carry continuously. */
  limit: number | null;
  /** limit − load, A (negative: over the limit). */
  headroom: number | null;
  /** headroom against the limit, %. */
  headroomPct: number | null;
  /** load against the rating, %. */
  loadPct: number | null;
  state: HeadroomState;
  reason: string;
}

export interface HeadroomInput {
  topology: Topology;
  facts: Facts;
  now: number;
  /** Facts older than this are not used. */
  staleMs: number;
  settings: CapacitySettings;
}

/** A PDU's parts, and until when they hold if no reading they used changes (a fresh reading goes stale). */
export interface PduHeadroom {
  parts: PartHeadroom[];
  validUntil: number;
}

/** Every part of every PDU, in config order. */
export function headroom(input: HeadroomInput): PartHeadroom[] {
  return input.topology.config.pdus.flatMap((p) => pduHeadroom(input, p.name).parts);
}

interface Index {
  /** Per PDU: the domains whose loss would move load onto it (a domain it is in itself never is one), each with the nodes whose load would move and how many of their supplies it takes. */
  scenarios: Map<string, { key: string; nodes: { node: NodeConfig; lost: number }[] }[]>;
  /** Per PDU: the PDUs sharing a node with it, whose parts move when its outlets do. */
  partners: Map<string, string[]>;
}

const indexes = new WeakMap<Topology, Index>();

function indexOf(topology: Topology): Index {
  let ix = indexes.get(topology);
  if (ix) return ix;
  const domains = pduDomains(topology);
  ix = { scenarios: new Map(), partners: new Map() };
  for (const pdu of topology.pdus.keys()) {
    const own = new Set(domains.get(pdu)!.keys);
    const scenarios = new Set<string>();
    const partners = new Set<string>();
    for (const node of topology.nodesFedBy(pdu)) {
      for (const psu of node.psus) {
        if (psu.pdu === pdu) continue;
        partners.add(psu.pdu);
        for (const key of domains.get(psu.pdu)?.keys ?? []) if (!own.has(key)) scenarios.add(key);
      }
    }
    ix.scenarios.set(pdu, [...scenarios].sort().map((key) => ({
      key,
      nodes: topology.nodesFedBy(pdu).map((node) => ({ node, lost: node.psus.filter((p) => domains.get(p.pdu)?.keys.includes(key)).length })).filter((n) => n.lost > 0),
    })));
    ix.partners.set(pdu, [...partners]);
  }
  indexes.set(topology, ix);
  return ix;
}

/** The PDUs whose headroom follows this PDU's readings (itself excluded). */
export function partnersOf(topology: Topology, pdu: string): readonly string[] {
  return indexOf(topology).partners.get(pdu) ?? [];
}

/** What a part would carry in one loss: the added amps, or why it is not known. */
interface Case { key: string | null; added: number; unknown: string | null }

/** One PDU's parts. */
export function pduHeadroom(input: HeadroomInput, name: string): PduHeadroom {
  const { topology, settings } = input;
  const config = topology.pdus.get(name)!;
  // A UPS or ATS (a device others hang from) is a domain here, not a load: its own load is its alerts'.
  if (topology.pdusFedFrom(name).length > 0) return { parts: [], validUntil: Infinity };
  const readings = new Readings(input);
  const reading = readings.get(name);
  if (reading && reading.kind !== 'pdu' && reading.kind !== 'unknown') return { parts: [], validUntil: readings.validUntil };
  if (!reading || reading.kind === 'unknown') return { parts: unknownParts(config, settings, `${name}: no fresh reading`), validUntil: readings.validUntil };

  const phaseCount = reading.phases.length;
  const parts = [
    ...reading.banks.map((b) => ({ part: 'bank' as const, index: b.index, current: b.current, rating: known(b.rating) ?? config.rating?.bank ?? null })),
    ...reading.phases.map((p) => ({ part: 'phase' as const, index: p.index, current: p.current, rating: config.rating?.phase ?? null })),
    ...reading.inlets.map((i) => ({ part: 'inlet' as const, index: i.index, current: i.current, rating: config.rating?.inlet ?? null })),
  ];
  const slot = { bank: new Map<number, number>(), phase: new Map<number, number>() };
  parts.forEach((p, i) => { if (p.part !== 'inlet') slot[p.part].set(p.index, i); });
  const inletSlots = parts.flatMap((p, i) => (p.part === 'inlet' ? [i] : []));
  const phaseSlots = parts.flatMap((p, i) => (p.part === 'phase' ? [i] : []));

  // The parts an outlet's current flows through: its bank, that bank's phase, and the inlet.
  const through = (outlet: number): number[] => {
    const bank = readings.outlet(reading, outlet)?.bank ?? topology.configuredBank(config, outlet);
    const out: number[] = [];
    const b = slot.bank.get(bank);
    if (b !== undefined) out.push(b);
    const p = phaseCount > 0 ? slot.phase.get(phaseOfBank(config, bank, phaseCount)) : undefined;
    if (p !== undefined) out.push(p);
    // A single-phase PDU's inlet carries the sum; a multi-phase one's is taken as its worst line, below.
    if (phaseCount <= 1 && inletSlots.length === 1) out.push(inletSlots[0]!);
    return out;
  };

  const cases: Case[][] = parts.map(() => []);
  const scenarios = indexOf(topology).scenarios.get(name) ?? [];
  if (scenarios.length === 0) for (const c of cases) c.push({ key: null, added: 0, unknown: null });
  for (const { key, nodes } of scenarios) {
    const added = new Float64Array(parts.length);
    const unknown: (string | null)[] = parts.map(() => null);
    for (const { node, lost } of nodes) {
      let load = 0;
      let why: string | null = null;
      for (const psu of node.psus) {
        const amps = readings.draw(psu.pdu, psu.outlet);
        if (typeof amps === 'string') {
          why = `${amps} (${node.name})`;
          break;
        }
        load += amps;
      }
      const share = load / (node.psus.length - lost);
      for (const psu of node.psus) {
        if (psu.pdu !== name) continue;
        const slots = through(psu.outlet);
        if (why !== null) {
          for (const s of slots) unknown[s] ??= why;
          if (inletSlots.length > 1) for (const s of inletSlots) unknown[s] ??= `which outlets each of ${name}'s ${inletSlots.length} inlets feeds is not known`;
          continue;
        }
        const delta = Math.max(0, share - (readings.draw(name, psu.outlet) as number));
        for (const s of slots) added[s] = added[s]! + delta;
        if (inletSlots.length > 1 && delta > 0) for (const s of inletSlots) unknown[s] ??= `which outlets each of ${name}'s ${inletSlots.length} inlets feeds is not known`;
      }
    }
    // A multi-phase inlet's current is per line: the worst line gains at most the most any phase gains.
    if (phaseCount > 1 && inletSlots.length === 1) {
      const s = inletSlots[0]!;
      for (const p of phaseSlots) {
        added[s] = Math.max(added[s]!, added[p]!);
        unknown[s] ??= unknown[p]!;
      }
    }
    parts.forEach((_, i) => cases[i]!.push({ key: domainText(key), added: added[i]!, unknown: unknown[i]! }));
  }

  return {
    parts: parts.map((p, i) => judge({ pdu: name, rack: config.rack, part: p.part, index: p.index }, p.current, p.rating, cases[i]!, settings)),
    validUntil: readings.validUntil,
  };
}

/** The phase a bank is on: as configured, else round-robin (bank 1 on phase 1, bank 2 on phase 2, …). */
export function phaseOfBank(config: PduConfig, bank: number, phases: number): number {
  return config.bankPhases?.[bank - 1] ?? ((bank - 1) % phases) + 1;
}

const known = (m: Measure): number | null => (m.quality === 'ok' && m.value !== null && Number.isFinite(m.value) ? m.value : null);
const round = (v: number, to = 100) => Math.round(v * to) / to;

/** A part's state from its worst case. */
function judge(id: PartId, currentM: Measure, rating: number | null, cases: Case[], s: CapacitySettings): PartHeadroom {
  const name = `${id.pdu} ${id.part} ${id.index}`;
  const current = known(currentM);
  if (current === null) return unknownPart(id, null, rating, s, `${name}: current unknown`);
  if (rating === null || rating <= 0) return unknownPart(id, current, rating, s, `${name}: no rating (the device reports none; set pdus[].rating.${id.part})`);
  const limit = rating * s.derating;
  const worst = cases.filter((c) => c.unknown === null).reduce<Case | null>((w, c) => (w === null || c.added > w.added ? c : w), null);
  const doubt = cases.find((c) => c.unknown !== null);
  const moved = worst?.added ?? 0;
  const load = current + moved;
  const state: HeadroomState = load > limit ? 'critical' : load >= s.warning * limit ? 'warning' : 'ok';
  // Unknown unless what is known is already as bad as it gets.
  if (doubt && (worst === null || state !== 'critical')) {
    return unknownPart(id, current, rating, s, `${name}${doubt.key ? ` if ${doubt.key} is lost` : ''}: ${doubt.unknown}`);
  }
  const headroom = limit - load;
  const verdict = load >= rating ? 'would trip it' : load > limit ? `over its continuous limit of ${fmt(limit)} A (${Math.round(s.derating * 100)}% of ${fmt(rating)} A)` : `of ${fmt(limit)} A allowed`;
  const reason = worst?.key
    ? `if ${worst.key} is lost: ${fmt(current)} A + ${fmt(moved)} A moved = ${fmt(load)} A, ${Math.round((load / rating) * 100)}% of its ${fmt(rating)} A rating, ${verdict}`
    : `no load would move onto it: ${fmt(current)} A, ${Math.round((load / rating) * 100)}% of its ${fmt(rating)} A rating`;
  return {
    pdu: id.pdu, rack: id.rack, part: id.part, index: id.index, if: worst?.key ?? null, current: round(current), moved: round(moved), load: round(load), rating,
    limit: round(limit), headroom: round(headroom), headroomPct: round((headroom / limit) * 100, 10), loadPct: round((load / rating) * 100, 10), state, reason,
  };
}

type PartId = Pick<PartHeadroom, 'pdu' | 'rack' | 'part' | 'index'>;

/** A part whose headroom is not known, and why. */
function unknownPart(id: PartId, current: number | null, rating: number | null, s: CapacitySettings, reason: string): PartHeadroom {
  return {
    pdu: id.pdu, rack: id.rack, part: id.part, index: id.index, if: null, current, moved: null, load: null, rating,
    limit: rating === null ? null : round(rating * s.derating), headroom: null, headroomPct: null, loadPct: null, state: 'unknown', reason,
  };
}

const fmt = (a: number) => (Math.round(a * 10) / 10).toString();

/** The configured parts of a PDU with no usable reading, all unknown. */
function unknownParts(config: PduConfig, s: CapacitySettings, reason: string): PartHeadroom[] {
  const part = (part: PartKind, index: number, rating: number | undefined) => unknownPart({ pdu: config.name, rack: config.rack, part, index }, null, rating ?? null, s, reason);
  return [
    ...Array.from({ length: config.banks }, (_, i) => part('bank', i + 1, config.rating?.bank)),
    ...Array.from({ length: config.phases }, (_, i) => part('phase', i + 1, config.rating?.phase)),
    part('inlet', 1, config.rating?.inlet),
  ];
}

/** The fresh readings one computation uses, and the earliest time one of them goes stale. */
class Readings {
  validUntil = Infinity;
  private readonly seen = new Map<string, DeviceReading | null>();

  constructor(private readonly input: HeadroomInput) {}

  get(pdu: string): DeviceReading | null {
    let r = this.seen.get(pdu);
    if (r !== undefined) return r;
    const f = this.input.facts.pdu(pdu);
    const fresh = f?.reachable === true && f.lastPollAt !== null && this.input.now - f.lastPollAt <= this.input.staleMs;
    r = fresh && f.reading ? f.reading : null;
    // A reading that is fresh now goes stale at this time; one that is not comes back only with a poll.
    if (r) this.validUntil = Math.min(this.validUntil, f!.lastPollAt! + this.input.staleMs);
    this.seen.set(pdu, r);
    return r;
  }

  outlet(reading: DeviceReading, index: number): OutletReading | undefined {
    const o = reading.outlets[index - 1];
    return o?.index === index ? o : reading.outlets.find((x) => x.index === index);
  }

  /** What a power supply draws through its outlet, A, or why that is not known. */
  draw(pdu: string, outlet: number): number | string {
    const reading = this.get(pdu);
    if (!reading) return `${pdu}: no fresh reading`;
    const o = this.outlet(reading, outlet);
    if (!o) return `${pdu} outlet ${outlet}: not read`;
    // A switched-off (or unpowered) outlet draws nothing, whatever its meter says.
    if (o.state === 'off') return 0;
    return known(o.current) ?? `${pdu} outlet ${outlet}: current unknown`;
  }
}

export interface RackHeadroom {
  rack: string;
  /** The worst state of its parts: critical, then warning, then unknown, then ok. */
  state: HeadroomState;
  /** The known part with the least headroom. */
  worst: PartHeadroom | null;
  parts: number;
  critical: number;
  warning: number;
  unknown: number;
}

const RANK: Record<HeadroomState, number> = { ok: 0, unknown: 1, warning: 2, critical: 3 };

/** Per rack, in the order the parts come: what the wall shows on each rack. */
export function racksOf(parts: readonly PartHeadroom[]): RackHeadroom[] {
  const racks = new Map<string, RackHeadroom>();
  for (const p of parts) {
    let r = racks.get(p.rack);
    if (!r) racks.set(p.rack, (r = { rack: p.rack, state: 'ok', worst: null, parts: 0, critical: 0, warning: 0, unknown: 0 }));
    r.parts++;
    if (p.state !== 'ok') r[p.state]++;
    if (RANK[p.state] > RANK[r.state]) r.state = p.state;
    if (p.headroomPct !== null && (r.worst === null || p.headroomPct < r.worst.headroomPct!)) r.worst = p;
  }
  return [...racks.values()];
}

/**
 * Headroom kept up to date cheaply: a PDU's poll marks it and its partners, which are computed again
 * when next asked; the rest are kept until a reading they used goes stale. A reload starts afresh.
 */
export class LiveHeadroom {
  private kept = new Map<string, PduHeadroom>();
  private readonly dirty = new Set<string>();
  private keptFor: { topology: Topology; config: Config } | null = null;

  constructor(private readonly deps: { config: () => Config; topology: () => Topology; facts: Facts; now: () => number }) {}

  /** A PDU's facts changed. */
  touch(pdu: string): void {
    this.dirty.add(pdu);
  }

  /** One PDU's parts now. */
  pdu(name: string): PartHeadroom[] {
    const input = this.input();
    if (!input.topology.pdus.has(name)) return [];
    return this.entry(input, name).parts;
  }

  /** Every part now, in config order. */
  all(): PartHeadroom[] {
    const input = this.input();
    return input.topology.config.pdus.flatMap((p) => this.entry(input, p.name).parts);
  }

  private input(): HeadroomInput {
    const config = this.deps.config();
    const topology = this.deps.topology();
    if (this.keptFor?.topology !== topology || this.keptFor.config !== config) {
      this.kept = new Map();
      this.dirty.clear();
      this.keptFor = { topology, config };
    }
    // A changed PDU moves its own parts and its partners'.
    for (const pdu of this.dirty) {
      this.kept.delete(pdu);
      for (const p of partnersOf(topology, pdu)) this.kept.delete(p);
    }
    this.dirty.clear();
    const s = config.settings;
    return { topology, facts: this.deps.facts, now: this.deps.now(), staleMs: s.pollInterval * s.staleAfterPolls, settings: s.capacity };
  }

  private entry(input: HeadroomInput, name: string): PduHeadroom {
    let e = this.kept.get(name);
    if (!e || input.now > e.validUntil) this.kept.set(name, (e = pduHeadroom(input, name)));
    return e;
  }
}
