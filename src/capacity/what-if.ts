// What if a PDU, a bank, an outlet, a UPS or a feed failed now? The fault is turned into the facts
// Breakerbox would then record (a silent PDU, outlets off, a tripped breaker, servers that stop
// answering), and those hypothetical facts go through the very code that reacts to real ones:
// assessPower, frozenDomains and the drain controller's gates (DrainController.gateInput → decide).
// Nothing is recorded, drained or sent: the live facts and the controller's state are only read.
import type { Config, PduConfig, PoolConfig } from '../config/schema.js';
import { nameRanges } from '../drain/describe.js';
import type { DrainController } from '../drain/drain-controller.js';
import { decide, type GateOutcome } from '../drain/gates.js';
import { frozenDomains, type FrozenDomain } from '../drain/mass-failure.js';
import { minHealthyFloor, type Blocked } from '../drain/safety-rules.js';
import { assessPower, type Facts, type NodeHealth, type PowerView } from '../health/power-health.js';
import type { Topology } from '../health/topology.js';
import type { ApiPool, ApiService } from '../http/api-types.js';
import { serviceView } from '../http/snapshot.js';
import { phaseOfBank } from './headroom.js';
import type { DeviceReading, Measure, PowerState } from '../model.js';
import type { NodeFacts, PduFacts } from '../state/state-store.js';

/** The fault to imagine. A PDU "off" loses its inlet: its card goes silent with its outlets. */
export type WhatIfFault =
  | { kind: 'pdu'; pdu: string }
  | { kind: 'bank'; pdu: string; bank: number }
  | { kind: 'outlet'; pdu: string; outlet: number }
  | { kind: 'ups'; ups: string }
  | { kind: 'feed'; feed: 'A' | 'B'; site?: string; row?: string; rack?: string };

/** A what-if question that cannot be answered as asked: said with the parameter at fault. */
export class WhatIfQueryError extends Error {
  readonly status = 400;
  readonly code = 'BB_ERR_BAD_QUERY';
}

/** The parameters `GET /api/what-if` and `breakerbox what-if` take. */
export const WHAT_IF_PARAMS = ['pdu', 'bank', 'outlet', 'ups', 'feed', 'site', 'row', 'rack'] as const;

/**
 * Reads `pdu=P[&bank=N] | outlet=P:N | ups=U | feed=A[&site=S][&row=R][&rack=K]` and checks every
 * name against the topology; throws WhatIfQueryError saying what is wrong.
 */
export function parseWhatIf(params: Readonly<Record<string, unknown>>, topology: Topology): WhatIfFault {
  const unknown = Object.keys(params).filter((k) => !(WHAT_IF_PARAMS as readonly string[]).includes(k));
  if (unknown.length > 0) throw new WhatIfQueryError(`unknown parameter ${unknown.map((k) => `"${k}"`).join(', ')}: what-if takes ${WHAT_IF_PARAMS.join(', ')}`);
  const given: Partial<Record<(typeof WHAT_IF_PARAMS)[number], string>> = {};
  for (const key of WHAT_IF_PARAMS) {
    const v = params[key];
    if (v === undefined) continue;
    if (typeof v !== 'string' || v === '') throw new WhatIfQueryError(`${key} must be given once, with a value`);
    given[key] = v;
  }
  const faults = (['pdu', 'outlet', 'ups', 'feed'] as const).filter((k) => given[k] !== undefined);
  if (faults.length !== 1) {
    throw new WhatIfQueryError(`name one fault: pdu=P [bank=N], outlet=P:N, ups=U or feed=A|B [site=S] [row=R] [rack=K]${faults.length ? ` (got ${faults.join(' and ')})` : ''}`);
  }
  const only = (allowed: readonly string[]) => {
    const extra = Object.keys(given).filter((k) => !allowed.includes(k));
    if (extra.length > 0) throw new WhatIfQueryError(`${faults[0]} does not go with ${extra.join(', ')}`);
  };
  const pduNamed = (name: string, what = 'PDU'): PduConfig => {
    const pdu = topology.pdus.get(name);
    if (!pdu) throw new WhatIfQueryError(`no ${what} "${name}" in the configuration`);
    return pdu;
  };
  const whole = (text: string, what: string, max: number): number => {
    const n = Number(text);
    if (!/^\d+$/.test(text) || n < 1 || n > max) throw new WhatIfQueryError(`${what} must be a number from 1 to ${max} (got "${text}")`);
    return n;
  };
  switch (faults[0]!) {
    case 'pdu': {
      only(['pdu', 'bank']);
      const pdu = pduNamed(given.pdu!);
      return given.bank === undefined ? { kind: 'pdu', pdu: pdu.name } : { kind: 'bank', pdu: pdu.name, bank: whole(given.bank, `bank of ${pdu.name}`, pdu.banks) };
    }
    case 'outlet': {
      only(['outlet']);
      const m = /^(.+):(\d+)$/.exec(given.outlet!);
      if (!m) throw new WhatIfQueryError(`outlet must be PDU:N, such as dal3-r07-a:3 (got "${given.outlet}")`);
      const pdu = pduNamed(m[1]!);
      return { kind: 'outlet', pdu: pdu.name, outlet: whole(m[2]!, `outlet of ${pdu.name}`, pdu.outlets) };
    }
    case 'ups': {
      only(['ups']);
      const ups = pduNamed(given.ups!, 'UPS');
      if (topology.pdusFedFrom(ups.name).length === 0) throw new WhatIfQueryError(`nothing is fed from ${ups.name}: no device names it as its upstream`);
      return { kind: 'ups', ups: ups.name };
    }
    case 'feed': {
      only(['feed', 'site', 'row', 'rack']);
      const feed = given.feed!.toUpperCase();
      if (feed !== 'A' && feed !== 'B') throw new WhatIfQueryError(`feed must be A or B (got "${given.feed}")`);
      const fault: WhatIfFault = { kind: 'feed', feed, ...pick(given, ['site', 'row', 'rack']) };
      if (feedPdus(topology, fault).length === 0) throw new WhatIfQueryError(`no PDU on feed ${feed} ${scopeText(fault) || 'anywhere'}`);
      return fault;
    }
  }
}

function pick<K extends string>(o: Partial<Record<K, string>>, keys: readonly K[]): Partial<Record<K, string>> {
  return Object.fromEntries(keys.filter((k) => o[k] !== undefined).map((k) => [k, o[k]])) as Partial<Record<K, string>>;
}

/** The PDUs of a feed within the scope (site, row and rack narrow it, each by name). */
function feedPdus(topology: Topology, f: Extract<WhatIfFault, { kind: 'feed' }>): PduConfig[] {
  return [...topology.pdus.values()].filter((p) => {
    if (p.feed !== f.feed) return false;
    const place = topology.place(p.rack);
    if (f.rack !== undefined && p.rack !== f.rack) return false;
    if (f.row !== undefined && place?.row !== f.row) return false;
    return f.site === undefined || place?.site === f.site;
  });
}

function scopeText(f: { site?: string; row?: string; rack?: string }): string {
  return [f.rack && `in rack ${f.rack}`, f.row && `in ${f.row}`, f.site && `of ${f.site}`].filter(Boolean).join(' ');
}

export function describeWhatIf(f: WhatIfFault, topology?: Topology): string {
  switch (f.kind) {
    case 'pdu': return `${f.pdu} loses power`;
    case 'bank': return `bank ${f.bank} breaker trips on ${f.pdu}`;
    case 'outlet': return `outlet ${f.outlet} switched off on ${f.pdu}`;
    case 'ups': return `UPS ${f.ups} stops feeding${topology ? ` its ${downstreamOf(topology, f.ups).length} devices` : ''}`;
    case 'feed': return `feed ${f.feed} lost${scopeText(f) ? ` ${scopeText(f)}` : ' everywhere'}`;
  }
}

/** Every device fed through this one, however many steps down. */
function downstreamOf(topology: Topology, ups: string): PduConfig[] {
  const out: PduConfig[] = [];
  const seen = new Set([ups]);
  for (let queue = [ups]; queue.length > 0;) {
    const next: string[] = [];
    for (const name of queue) {
      for (const p of topology.pdusFedFrom(name)) {
        if (seen.has(p.name)) continue;
        seen.add(p.name);
        out.push(p);
        next.push(p.name);
      }
    }
    queue = next;
  }
  return out;
}

// ---- the physical effect ----------------------------------------------------------------------

/** What the fault does to the power, before anyone observes it. */
interface Effect {
  /** Devices that lose their inlet: their card goes silent and every outlet dies. */
  dark: Set<string>;
  /** Outlets that die on devices that stay up, per device. */
  outlets: Map<string, Set<number>>;
  /** Breakers that trip, per device. */
  banks: Map<string, Set<number>>;
}

/** A device's reading, when fresh facts say it answers (the view knows: stale facts are not "answering"). */
function liveReading(facts: Facts, view: PowerView, pdu: string): DeviceReading | null {
  return view.pdus.get(pdu)?.reachable === true ? facts.pdu(pdu)?.reading ?? null : null;
}

/** The bank an outlet is on: as the device says, else as configured. */
function bankOf(topology: Topology, pdu: PduConfig, reading: DeviceReading | null, outlet: number): number {
  return reading?.outlets.find((o) => o.index === outlet)?.bank ?? topology.configuredBank(pdu, outlet);
}

function effectOf(fault: WhatIfFault, topology: Topology, facts: Facts, view: PowerView): Effect {
  const e: Effect = { dark: new Set(), outlets: new Map(), banks: new Map() };
  switch (fault.kind) {
    case 'pdu': e.dark.add(fault.pdu); break;
    case 'ups': break; // the UPS answers on; what it feeds goes dark below
    case 'feed': for (const p of feedPdus(topology, fault)) e.dark.add(p.name); break;
    case 'outlet': e.outlets.set(fault.pdu, new Set([fault.outlet])); break;
    case 'bank': {
      const pdu = topology.pdus.get(fault.pdu)!;
      const reading = liveReading(facts, view, pdu.name);
      const outlets = new Set<number>();
      for (let o = 1; o <= pdu.outlets; o++) if (bankOf(topology, pdu, reading, o) === fault.bank) outlets.add(o);
      e.outlets.set(pdu.name, outlets);
      e.banks.set(pdu.name, new Set([fault.bank]));
      break;
    }
  }
  // What a dark device feeds (a PDU behind an ATS, behind a UPS) goes dark with it.
  for (const source of fault.kind === 'ups' ? [fault.ups] : [...e.dark]) for (const p of downstreamOf(topology, source)) e.dark.add(p.name);
  return e;
}

const dies = (e: Effect, pdu: string, outlet: number) => e.dark.has(pdu) || (e.outlets.get(pdu)?.has(outlet) ?? false);

/** Per affected node: which of its PSUs are fed now, and which still are after the fault. */
interface NodeEffect {
  name: string;
  /** Fed now (its feed not known to be down), by PSU position. */
  fedNow: boolean[];
  fedAfter: boolean[];
}

function nodeEffects(topology: Topology, view: PowerView, e: Effect): NodeEffect[] {
  const touched = new Set([...e.dark, ...e.outlets.keys()]);
  const names = new Set<string>();
  for (const pdu of touched) for (const n of topology.nodesFedBy(pdu)) names.add(n.name);
  const out: NodeEffect[] = [];
  for (const name of names) {
    const node = topology.nodes.get(name)!;
    const health = view.nodes.get(name);
    // A PSU whose feed is unknown is taken as fed: a node that answers has power from somewhere.
    const fedNow = node.psus.map((_, i) => health?.psus[i]?.feed !== 'down');
    const fedAfter = node.psus.map((p, i) => fedNow[i]! && !dies(e, p.pdu, p.outlet));
    if (fedAfter.some((f, i) => f !== fedNow[i])) out.push({ name, fedNow, fedAfter });
  }
  return out;
}

// ---- the facts Breakerbox would record --------------------------------------------------------

/** The live facts with the devices the fault reaches replaced by what their next polls would record. */
class HypotheticalFacts implements Facts {
  constructor(private readonly live: Facts, readonly pdus: Map<string, PduFacts>, readonly nodes: Map<string, NodeFacts>) {}

  pdu(name: string): PduFacts | undefined {
    return this.pdus.get(name) ?? this.live.pdu(name);
  }

  node(name: string): NodeFacts | undefined {
    return this.nodes.get(name) ?? this.live.node(name);
  }
}

const NO_ANSWER = 'no answer (timed out)';

/** As StateStore records them: a silent PDU keeps its last reading, a silent node its last answer. */
function hypotheticalFacts(live: Facts, view: PowerView, e: Effect, effects: NodeEffect[], now: number): HypotheticalFacts {
  const pdus = new Map<string, PduFacts>();
  for (const name of e.dark) {
    const f = live.pdu(name);
    pdus.set(name, { name, reachable: false, lastPollAt: now, lastOkAt: f?.lastOkAt ?? null, error: NO_ANSWER, reading: f?.reading ?? null });
  }
  for (const [name, outlets] of e.outlets) {
    const reading = liveReading(live, view, name);
    // A device that does not answer now shows nothing of it; its nodes still lose their outlets.
    if (!reading) continue;
    const tripped = e.banks.get(name) ?? new Set<number>();
    const zero: Measure = { value: 0, quality: 'ok' };
    pdus.set(name, {
      ...live.pdu(name)!, reachable: true, lastPollAt: now, lastOkAt: now, error: null,
      reading: {
        ...reading,
        outlets: reading.outlets.map((o) => (outlets.has(o.index) ? { ...o, state: 'off', current: zero, power: zero } : o)),
        banks: reading.banks.map((b) => (tripped.has(b.index) ? { ...b, breaker: 'tripped', current: zero } : b)),
      },
    });
  }
  const nodes = new Map<string, NodeFacts>();
  for (const n of effects) {
    if (n.fedAfter.some(Boolean)) continue;
    const f = live.node(n.name);
    nodes.set(n.name, {
      name: n.name, reachable: false, lastPollAt: now, lastOkAt: f?.lastOkAt ?? null, error: NO_ANSWER,
      reading: f?.reading ?? null, reachableSince: null, lastRebootAt: f?.lastRebootAt ?? null,
    });
  }
  return new HypotheticalFacts(live, pdus, nodes);
}

// ---- the answer -------------------------------------------------------------------------------

export interface WhatIfNode {
  name: string;
  rack: string;
  /** As Breakerbox would assess it from the facts it would then have. */
  power: PowerState;
  reason: string;
  pools: string[];
}

export interface WhatIfPool {
  name: string;
  total: number;
  /** Members min-healthy keeps in rotation. */
  floor: number;
  /** Members in rotation and powered, now and after the fault. */
  serving: { now: number; after: number };
  belowFloor: boolean;
  /** Members the drain controller would drain (after the pool's debounce, if it has one). */
  drain: string[];
  /** Drains a safety rule would refuse, by rule, as a reconcile reports them. */
  blocked: Blocked[];
  shadow: boolean;
  debounceMs: number;
  /**
   * Members the mass-failure guard would hold back although they really lose power. The guard
   * freezes only once enough PDUs of the domain are seen failing: should these nodes be seen
   * silent first, they are drained before the freeze.
   */
  raceWithFreeze: string[];
}

export type LoadState = 'ok' | 'over-limit' | 'over-rating' | 'unrated';

/** A surviving bank, phase or inlet whose current rises with the load moved onto it. */
export interface WhatIfLoad {
  pdu: string;
  part: 'bank' | 'phase' | 'inlet';
  index: number;
  /** Amps now, and once the fault's load has moved. */
  now: number;
  after: number;
  /** The rating (A), and the continuous-load limit (rating × derating). */
  rating: number | null;
  limit: number | null;
  state: LoadState;
}

export interface WhatIfResult {
  fault: WhatIfFault;
  description: string;
  at: number;
  /** What dies: devices without power, tripped breakers, dead outlets. */
  dark: string[];
  banks: { pdu: string; bank: number }[];
  outlets: { pdu: string; outlets: number[] }[];
  /** Nodes that would lose power. */
  lost: WhatIfNode[];
  /** Nodes that would keep power on fewer power supplies: redundancy lost (a dual-corded server on one feed). */
  degraded: WhatIfNode[];
  /** Pools with an affected member or a decision that changes. */
  pools: WhatIfPool[];
  /** Drains in all, over every pool. */
  drains: number;
  /** Power domains the mass-failure guard would freeze. */
  frozen: { domain: string; pdus: string[]; message: string }[];
  /** Services whose status would change. */
  services: { name: string; now: ApiService['status']; after: ApiService['status'] }[];
  loads: WhatIfLoad[];
  overloads: WhatIfLoad[];
  notes: string[];
  tookMs: number;
}

export interface WhatIfContext {
  topology: Topology;
  settings: Config['settings'];
  facts: Facts;
  view: PowerView;
  /** The drain controller: its own state (records, holds, recent drains) goes into the gates. */
  controller: Pick<DrainController, 'gateInput' | 'frozenDomains' | 'isShadow'>;
  now: number;
}

/** Predicts what the fault would do, on the live facts and the controller's state; changes nothing. */
export function whatIf(fault: WhatIfFault, ctx: WhatIfContext): WhatIfResult {
  const started = performance.now();
  const { topology, settings, facts, view, now } = ctx;
  const effect = effectOf(fault, topology, facts, view);
  const effects = nodeEffects(topology, view, effect);
  const hypo = hypotheticalFacts(facts, view, effect, effects, now);
  // The same assessment, freeze and gates a reconcile runs, on the facts Breakerbox would have.
  const after = assessPower(topology, hypo, now, settings.pollInterval * settings.staleAfterPolls);
  const frozen = frozenDomains(topology, after, hypo, settings.massFailure);
  const frozenNow = ctx.controller.frozenDomains();
  const { inPlay, decided } = poolsInPlay(topology, view, after, hypo, [...frozenNow, ...frozen]);
  const baseline = decideAll(ctx, decided, view, facts, frozenNow);
  const predicted = decideAll(ctx, decided, after, hypo, frozen, (pool) => (inPlay.has(pool) ? undefined : baseline.get(pool)));

  const lostNow = new Set(effects.filter((n) => !n.fedAfter.some(Boolean)).map((n) => n.name));
  const describe = (name: string): WhatIfNode => {
    const h = after.nodes.get(name);
    return { name, rack: topology.nodes.get(name)!.rack, power: h?.power ?? 'unknown', reason: h?.reason ?? 'not assessed', pools: [...topology.poolsOfNode(name)] };
  };
  const byName = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true });
  const lost = [...lostNow].sort(byName).map(describe);
  const degraded = effects.filter((n) => !lostNow.has(n.name)).map((n) => n.name).sort(byName).map(describe);
  const affected = new Set(effects.map((n) => n.name));

  const pools: WhatIfPool[] = [];
  for (const pool of topology.pools.values()) {
    if (!inPlay.has(pool.name)) continue;
    const before = baseline.get(pool.name)!;
    const outcome = predicted.get(pool.name)!;
    const changed = pool.members.some((m) => affected.has(m) || !sameDecision(before, outcome, m));
    if (!changed) continue;
    const serving = (o: GateOutcome, powered: (n: string) => boolean) => pool.members.filter((m) => o.decisions.get(m)?.state === 'active' && powered(m)).length;
    const floor = minHealthyFloor(pool);
    const servingAfter = serving(outcome, (m) => !lostNow.has(m) && after.nodes.get(m)?.power !== 'lost');
    pools.push({
      name: pool.name, total: pool.members.length, floor,
      serving: { now: serving(before, (m) => view.nodes.get(m)?.power !== 'lost'), after: servingAfter },
      belowFloor: servingAfter < floor,
      drain: [...outcome.decisions.values()].filter((d) => d.change === 'drain').map((d) => d.node).sort(byName),
      blocked: outcome.blocked,
      shadow: ctx.controller.isShadow(pool.name),
      debounceMs: pool.drain.debounce,
      raceWithFreeze: outcome.blocked.filter((b) => b.rule === 'mass-failure').flatMap((b) => b.nodes.filter((n) => lostNow.has(n))).sort(byName),
    });
  }

  const services = statusChanges(topology, view, after, baseline, predicted);
  const { loads, notes: loadNotes } = movedLoads(ctx, effect, effects);
  const overloads = loads.filter((l) => l.state === 'over-limit' || l.state === 'over-rating');
  const result: WhatIfResult = {
    fault, description: describeWhatIf(fault, topology), at: now,
    dark: [...effect.dark].sort(byName),
    banks: [...effect.banks].flatMap(([pdu, banks]) => [...banks].map((bank) => ({ pdu, bank }))),
    outlets: [...effect.outlets].filter(([pdu]) => !effect.banks.has(pdu)).map(([pdu, outlets]) => ({ pdu, outlets: [...outlets].sort((a, b) => a - b) })),
    lost, degraded, pools,
    drains: pools.reduce((n, p) => n + p.drain.length, 0),
    frozen: frozen.map((d) => ({ domain: d.domain, pdus: d.pdus, message: d.message })),
    services, loads, overloads,
    notes: [...notesFor(pools, frozen, overloads, facts, effect), ...loadNotes],
    tookMs: 0,
  };
  result.tookMs = Math.round((performance.now() - started) * 10) / 10;
  return result;
}

/**
 * The pools whose gates could decide otherwise after the fault: those with a member whose power
 * health, facts or freeze changes (the gates are a function of these and the controller's own state,
 * which the fault does not touch). Decided: those and the other pools of their services.
 */
function poolsInPlay(topology: Topology, now: PowerView, after: PowerView, hypo: HypotheticalFacts, frozen: readonly FrozenDomain[]): { inPlay: Set<string>; decided: Set<string> } {
  const nodes = new Set(hypo.nodes.keys());
  for (const [name, h] of after.nodes) if (!sameHealth(now.nodes.get(name), h)) nodes.add(name);
  for (const d of frozen) for (const n of d.nodes) nodes.add(n);
  const inPlay = new Set<string>();
  for (const n of nodes) for (const pool of topology.poolsOfNode(n)) inPlay.add(pool);
  const decided = new Set(inPlay);
  for (const s of topology.config.services) if (s.pools.some((p) => inPlay.has(p))) for (const p of s.pools) decided.add(p);
  return { inPlay, decided };
}

const sameHealth = (a: NodeHealth | undefined, b: NodeHealth): boolean => a !== undefined && a.power === b.power && a.reachable === b.reachable
  && a.reason === b.reason && a.psus.every((p, i) => p.feed === b.psus[i]?.feed && p.reason === b.psus[i]?.reason);

/** The pools through the gates as a reconcile would run them, once every debounce has run its course; `known`: an outcome already decided. */
function decideAll(
  ctx: WhatIfContext, pools: ReadonlySet<string>, view: PowerView, facts: Facts, frozen: readonly FrozenDomain[], known: (pool: string) => GateOutcome | undefined = () => undefined,
): Map<string, GateOutcome> {
  const out = new Map<string, GateOutcome>();
  for (const name of pools) {
    const pool = ctx.topology.pools.get(name);
    if (!pool) continue;
    const already = known(name);
    if (already) {
      out.set(name, already);
      continue;
    }
    const input = ctx.controller.gateInput(pool, view, facts, frozen, ctx.now, { readmitting: false, holdDownMs: ctx.settings.reload.holdDown }, undefined, pool.backend.type);
    out.set(pool.name, decide({ ...input, conditionSince: debounced(pool, ctx.now) }));
  }
  return out;
}

/** Every member as if it had met its drain condition for the whole debounce: the outcome, not the wait. */
function debounced(pool: PoolConfig, now: number): Map<string, number> {
  return new Map(pool.members.map((m) => [m, now - pool.drain.debounce]));
}

function sameDecision(a: GateOutcome, b: GateOutcome, node: string): boolean {
  const x = a.decisions.get(node);
  const y = b.decisions.get(node);
  return x?.state === y?.state && x?.change === y?.change && x?.gate.name === y?.gate.name;
}

/** Services' statuses by the wall's own rule (serviceView), from each pool's decided states and power. */
function statusChanges(topology: Topology, now: PowerView, after: PowerView, baseline: Map<string, GateOutcome>, predicted: Map<string, GateOutcome>): WhatIfResult['services'] {
  const decided = [...baseline.keys()].map((name) => topology.pools.get(name)!);
  const poolsOf = (outcomes: Map<string, GateOutcome>, view: PowerView) => new Map(decided.map((pool): [string, ApiPool] => {
    const members = pool.members.map((node) => ({ node, state: outcomes.get(pool.name)?.decisions.get(node)?.state ?? 'active', reason: null, since: null, power: view.nodes.get(node)?.power ?? 'unknown' }));
    const count = (state: string) => members.filter((m) => m.state === state).length;
    return [pool.name, {
      name: pool.name, members, active: count('active'), drained: count('drained'), held: count('held'), total: members.length,
      maxDrainedFraction: pool.drain.maxDrainedFraction, blocked: null, blockedBy: [], shadow: false, wouldDrain: 0,
    }];
  }));
  const before = poolsOf(baseline, now);
  const later = poolsOf(predicted, after);
  return topology.config.services.flatMap((s) => {
    if (!s.pools.some((p) => baseline.has(p))) return [];
    const was = serviceView(s, before).status;
    const will = serviceView(s, later).status;
    return was === will ? [] : [{ name: s.name, now: was, after: will }];
  });
}

function notesFor(pools: WhatIfPool[], frozen: FrozenDomain[], overloads: WhatIfLoad[], facts: Facts, e: Effect): string[] {
  const notes: string[] = [];
  for (const p of pools) {
    if (p.raceWithFreeze.length > 0) {
      notes.push(`pool ${p.name}: the mass-failure guard would hold back ${nameRanges(p.raceWithFreeze)} although they really lose power; should they be seen silent before the domain's PDUs are, they are drained first`);
    }
    if (p.debounceMs > 0 && p.drain.length > 0) notes.push(`pool ${p.name} drains after its ${Math.round(p.debounceMs / 1000)} s debounce`);
  }
  if (frozen.length > 0) notes.push(`Breakerbox would read this as a monitoring fault in ${frozen.map((d) => d.domain).join(', ')}: drains there freeze and a monitoring-fault is raised`);
  for (const l of overloads) {
    if (l.state === 'over-rating') notes.push(`${l.part} ${l.index} of ${l.pdu} would carry ${l.after} A on its ${l.rating} A rating: it would trip too (that cascade is not followed here)`);
  }
  const switches = [...e.dark].filter((name) => facts.pdu(name)?.reading?.kind === 'ats');
  if (switches.length > 0) notes.push(`${switches.join(', ')} may switch to their other source: not modelled, taken as lost`);
  return notes;
}

// ---- the moved load ---------------------------------------------------------------------------

const round = (a: number) => Math.round(a * 100) / 100;

/**
 * Each node that keeps power carries its whole load (the sum of its outlets' currents now) on its
 * remaining PSUs, shared evenly, as dual-corded servers do; a node that loses power draws nothing.
 * The change per outlet is summed per surviving bank, and per phase and inlet where a PDU has one.
 */
function movedLoads(ctx: WhatIfContext, e: Effect, effects: NodeEffect[]): { loads: WhatIfLoad[]; notes: string[] } {
  const { topology, facts, view } = ctx;
  const derating = ctx.settings.capacity.derating;
  const deltas = new Map<string, Map<number, number>>();
  const add = (pdu: string, outlet: number, amps: number) => {
    if (e.dark.has(pdu)) return;
    const m = deltas.get(pdu) ?? deltas.set(pdu, new Map()).get(pdu)!;
    m.set(outlet, (m.get(outlet) ?? 0) + amps);
  };
  let unmetered = 0;
  for (const n of effects) {
    const node = topology.nodes.get(n.name)!;
    const amps = node.psus.map((p, i) => {
      if (!n.fedNow[i]) return 0;
      const m = liveReading(facts, view, p.pdu)?.outlets.find((o) => o.index === p.outlet)?.current;
      return m?.quality === 'ok' ? m.value! : null;
    });
    if (amps.some((a) => a === null)) {
      unmetered++;
      continue;
    }
    const load = amps.reduce((s: number, a) => s + a!, 0);
    const survivors = n.fedAfter.filter(Boolean).length;
    node.psus.forEach((p, i) => add(p.pdu, p.outlet, (n.fedAfter[i] ? load / survivors : 0) - amps[i]!));
  }

  const loads: WhatIfLoad[] = [];
  const judge = (pdu: string, part: WhatIfLoad['part'], index: number, now: Measure, delta: number, rating: number | null) => {
    if (delta <= 0.005 || now.quality !== 'ok') return;
    const after = round(now.value! + delta);
    const limit = rating === null ? null : round(rating * derating);
    const state: LoadState = rating === null ? 'unrated' : after >= rating ? 'over-rating' : after > limit! ? 'over-limit' : 'ok';
    loads.push({ pdu, part, index, now: round(now.value!), after, rating, limit, state });
  };
  for (const [name, perOutlet] of deltas) {
    const reading = liveReading(facts, view, name);
    const pdu = topology.pdus.get(name)!;
    if (!reading) continue;
    // As N-1 headroom rates them: what the device states, else the configured nameplate (pdus[].rating).
    const rating = (part: WhatIfLoad['part'], stated?: Measure) => (stated?.quality === 'ok' ? stated.value : pdu.rating?.[part] ?? null);
    const byBank = new Map<number, number>();
    for (const [outlet, amps] of perOutlet) {
      const bank = bankOf(topology, pdu, reading, outlet);
      byBank.set(bank, (byBank.get(bank) ?? 0) + amps);
    }
    for (const bank of reading.banks) {
      if (!e.banks.get(name)?.has(bank.index)) judge(name, 'bank', bank.index, bank.current, byBank.get(bank.index) ?? 0, rating('bank', bank.rating));
    }
    // Each bank's phase as N-1 headroom places it: as configured (pdus[].bankPhases), else round-robin.
    const phases = reading.phases;
    const perPhase = new Map<number, number>();
    for (const [bank, amps] of byBank) {
      const phase = phases.length === 1 ? phases[0]!.index : phaseOfBank(pdu, bank, phases.length);
      perPhase.set(phase, (perPhase.get(phase) ?? 0) + amps);
    }
    for (const phase of phases) judge(name, 'phase', phase.index, phase.current, perPhase.get(phase.index) ?? 0, rating('phase'));
    // A single-phase PDU's inlet carries every outlet; a multi-phase one's current is per line: its worst phase's rise.
    if (reading.inlets.length === 1) {
      const inlet = reading.inlets[0]!;
      const rise = phases.length > 1 ? Math.max(0, ...perPhase.values()) : [...byBank.values()].reduce((sum, amps) => sum + amps, 0);
      judge(name, 'inlet', inlet.index, inlet.current, rise, rating('inlet'));
    }
  }
  const notes: string[] = [];
  if (unmetered > 0) notes.push(`${unmetered} affected nodes draw a current no reading reports: their moved load is left out`);
  const order = (l: WhatIfLoad) => `${l.pdu}\u0000${l.part}\u0000${String(l.index).padStart(4, '0')}`;
  return { loads: loads.sort((a, b) => order(a).localeCompare(order(b))), notes };
}
