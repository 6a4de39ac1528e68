// Phase balance of multi-phase PDUs: how uneven the phases' currents are (the largest deviation from
// their mean, against the mean, as NEMA states it), and which outlets to move to even them out: one
// cord at a time, from the heaviest phase to a free outlet (nothing cabled, drawing nothing) on a
// bank of another phase, taking the move that evens them most, while it helps and the target bank
// stays within its derated rating. Loads are taken as line-to-neutral: a bank carries its outlets'
// current on its phase (see phaseOfBank for which phase a bank is on).
import type { Facts } from '../health/power-health.js';
import type { Topology } from '../health/topology.js';
import type { DeviceReading, Measure } from '../model.js';
import { phaseOfBank, type CapacitySettings } from './headroom.js';

export interface PhaseCurrent { phase: number; current: number | null }

export interface BalanceMove {
  outlet: number;
  /** "scan-061 PSU 1", or null for an outlet nothing is cabled to. */
  feeds: string | null;
  current: number;
  from: { phase: number; bank: number };
  to: { phase: number; bank: number; outlet: number };
}

export interface PduBalance {
  pdu: string;
  rack: string;
  phases: PhaseCurrent[];
  /** Largest deviation from the mean phase current, % of the mean (0 with no load). */
  imbalancePct: number | null;
  state: 'balanced' | 'imbalanced' | 'unknown';
  moves: BalanceMove[];
  /** The phases after the moves. */
  after: PhaseCurrent[] | null;
  afterPct: number | null;
  reason: string;
}

export interface BalanceInput {
  topology: Topology;
  facts: Facts;
  now: number;
  staleMs: number;
  settings: CapacitySettings;
}

/** At most this many moves are suggested per PDU: beyond that, re-cabling is a plan, not a hint. */
const MAX_MOVES = 6;
/** A move must even the phases by at least this many points of imbalance. */
const MIN_GAIN = 0.5;

/** NEMA's phase imbalance, %: the largest deviation from the mean, against the mean. */
export function imbalance(currents: readonly number[]): number {
  const mean = currents.reduce((s, c) => s + c, 0) / currents.length;
  if (mean <= 0) return 0;
  return (Math.max(...currents.map((c) => Math.abs(c - mean))) / mean) * 100;
}

/** Every multi-phase PDU, in config order. */
export function balance(input: BalanceInput): PduBalance[] {
  const out: PduBalance[] = [];
  for (const pdu of input.topology.config.pdus) {
    if (input.topology.pdusFedFrom(pdu.name).length > 0) continue; // a UPS or ATS: not a strip to re-cable
    const f = input.facts.pdu(pdu.name);
    const fresh = f?.reachable === true && f.lastPollAt !== null && input.now - f.lastPollAt <= input.staleMs;
    const reading = fresh && f.reading?.kind === 'pdu' ? f.reading : null;
    if (reading ? reading.phases.length < 2 : pdu.phases < 2) continue;
    out.push(reading ? pduBalance(input, pdu.name, reading) : {
      pdu: pdu.name, rack: pdu.rack, phases: [], imbalancePct: null, state: 'unknown', moves: [], after: null, afterPct: null, reason: `${pdu.name}: no fresh reading`,
    });
  }
  return out;
}

const known = (m: Measure): number | null => (m.quality === 'ok' && m.value !== null && Number.isFinite(m.value) ? m.value : null);
const tenth = (v: number) => Math.round(v * 10) / 10;
const amps = (v: number) => `${tenth(v)} A`;

function pduBalance(input: BalanceInput, name: string, reading: DeviceReading): PduBalance {
  const { topology, settings } = input;
  const config = topology.pdus.get(name)!;
  const phases = reading.phases.map((p) => ({ phase: p.index, current: known(p.current) }));
  const base = { pdu: name, rack: config.rack, phases, moves: [], after: null, afterPct: null };
  const missing = phases.find((p) => p.current === null);
  if (missing) return { ...base, imbalancePct: null, state: 'unknown', reason: `${name} phase ${missing.phase}: current unknown` };
  const now = phases.map((p) => p.current!);
  const pct = imbalance(now);
  const said = `${phases.map((p) => `L${p.phase} ${amps(p.current!)}`).join(', ')}`;
  if (pct <= settings.imbalance) return { ...base, imbalancePct: tenth(pct), state: 'balanced', reason: `imbalance ${Math.round(pct)}% (${said}), within ${settings.imbalance}%` };

  // The phase of each slot of `now`, a bank's phase and its load and limit, what can move and where to.
  const slotOf = new Map(phases.map((p, i) => [p.phase, i]));
  const bankOf = (outlet: number, bank: number | null) => bank ?? topology.configuredBank(config, outlet);
  const phaseSlot = (bank: number) => slotOf.get(phaseOfBank(config, bank, phases.length));
  const bankLoad = new Map(reading.banks.map((b) => [b.index, known(b.current) ?? 0]));
  const bankLimit = new Map(reading.banks.map((b) => [b.index, (known(b.rating) ?? config.rating?.bank ?? Infinity) * settings.derating]));
  const movable = reading.outlets.flatMap((o) => {
    const c = o.state === 'on' ? known(o.current) : null;
    const bank = bankOf(o.index, o.bank);
    const slot = phaseSlot(bank);
    return c !== null && c > 0 && slot !== undefined ? [{ outlet: o.index, current: c, bank, slot }] : [];
  });
  const free = reading.outlets.flatMap((o) => {
    const bank = bankOf(o.index, o.bank);
    const slot = phaseSlot(bank);
    const idle = o.state === 'off' || known(o.current) === 0;
    return !topology.outletFeeds(name, o.index) && idle && slot !== undefined ? [{ outlet: o.index, bank, slot }] : [];
  });

  const moves: BalanceMove[] = [];
  let score = pct;
  while (moves.length < MAX_MOVES && score > settings.imbalance) {
    const heavy = now.indexOf(Math.max(...now));
    let best: { m: (typeof movable)[number]; to: (typeof free)[number]; score: number } | null = null;
    for (const m of movable) {
      if (m.slot !== heavy) continue;
      for (const to of free) {
        if (to.slot === heavy || (bankLoad.get(to.bank) ?? 0) + m.current > (bankLimit.get(to.bank) ?? Infinity)) continue;
        const next = now.map((c, i) => (i === m.slot ? c - m.current : i === to.slot ? c + m.current : c));
        const s = imbalance(next);
        if (!best || s < best.score) best = { m, to, score: s };
      }
    }
    if (!best || best.score > score - MIN_GAIN) break;
    const { m, to } = best;
    now[m.slot] = now[m.slot]! - m.current;
    now[to.slot] = now[to.slot]! + m.current;
    bankLoad.set(m.bank, (bankLoad.get(m.bank) ?? 0) - m.current);
    bankLoad.set(to.bank, (bankLoad.get(to.bank) ?? 0) + m.current);
    movable.splice(movable.indexOf(m), 1);
    free.splice(free.indexOf(to), 1);
    // The outlet it leaves is free from now on.
    free.push({ outlet: m.outlet, bank: m.bank, slot: m.slot });
    const feeds = topology.outletFeeds(name, m.outlet);
    moves.push({
      outlet: m.outlet, feeds: feeds ? `${feeds.node} PSU ${feeds.psu}` : null, current: tenth(m.current),
      from: { phase: phases[m.slot]!.phase, bank: m.bank }, to: { phase: phases[to.slot]!.phase, bank: to.bank, outlet: to.outlet },
    });
    score = best.score;
  }
  const after = moves.length > 0 ? phases.map((p, i) => ({ phase: p.phase, current: tenth(now[i]!) })) : null;
  const reason = moves.length > 0
    ? `imbalance ${Math.round(pct)}% (${said}); moving ${moves.length} outlet${moves.length === 1 ? '' : 's'} brings it to ${Math.round(score)}%`
    : `imbalance ${Math.round(pct)}% (${said}); no single move evens it (no free outlet on a lighter phase, or none that helps)`;
  return { ...base, imbalancePct: tenth(pct), state: 'imbalanced', moves, after, afterPct: after ? tenth(score) : null, reason };
}
