// The simulator's power model: a pure function from topology, active faults and drift to
// what every outlet, bank, phase and node is doing. Level-based: it never looks at history.
import type { Config, NodeConfig, PduConfig } from '../config/schema.js';
import type { FaultSpec } from './faults.js';

export const NOMINAL_VOLTS = 208;
export const POWER_FACTOR = 0.95;
/** Whole-node load when the config gives none. */
export const DEFAULT_AMPS: Record<NodeConfig['kind'], number> = { server: 1.0, storage: 3.0 };

/** Slowly wandering conditions, so the wall shows movement. Missing entries are nominal. */
export interface Drift {
  /** PDU name → inlet voltage. */
  voltage: ReadonlyMap<string, number>;
  /** Node name → load factor around 1. */
  load: ReadonlyMap<string, number>;
}
export const NO_DRIFT: Drift = { voltage: new Map(), load: new Map() };

export interface OutletPower {
  number: number;
  bank: number;
  phase: number;
  /** Energized: inlet alive, breaker closed, relay on. A de-energized outlet reads "off". */
  on: boolean;
  amps: number;
  watts: number;
  /** The node and PSU (1-based) this outlet feeds, from the cabling. */
  feeds: { node: string; psu: number } | null;
}
export interface BankPower { number: number; phase: number; tripped: boolean; amps: number }
export interface PhasePower { number: number; volts: number; amps: number; watts: number; va: number }
export interface PduPower {
  name: string;
  /** The inlet has power (no inlet-loss). */
  inlet: boolean;
  /** Its management card answers SNMP: powered and not marked unreachable. */
  answering: boolean;
  volts: number;
  outlets: OutletPower[];
  banks: BankPower[];
  phases: PhasePower[];
  amps: number;
  watts: number;
  va: number;
}
export interface NodePower { name: string; powered: boolean; amps: number; energizedPsus: number }
export interface PowerSnapshot {
  pdus: Map<string, PduPower>;
  nodes: Map<string, NodePower>;
}

/** Outlets split evenly and contiguously into banks: 48 outlets, 2 banks → 1-24 bank 1, 25-48 bank 2. */
export function bankOfOutlet(outlet: number, outlets: number, banks: number): number {
  return Math.floor(((outlet - 1) * banks) / outlets) + 1;
}

/** Banks map round-robin to phases. */
export function phaseOfBank(bank: number, phases: number): number {
  return ((bank - 1) % phases) + 1;
}

/** Per PDU, what the cabling says about its outlets: found once per config. */
interface PduWiring { pdu: PduConfig; feeds: ({ node: string; psu: number } | null)[] }
const wirings = new WeakMap<object, Map<string, PduWiring>>();

function wiringOf(config: Pick<Config, 'pdus' | 'nodes'>): Map<string, PduWiring> {
  let wiring = wirings.get(config);
  if (wiring) return wiring;
  wiring = new Map(config.pdus.map((pdu) => [pdu.name, { pdu, feeds: new Array<{ node: string; psu: number } | null>(pdu.outlets + 1).fill(null) }]));
  for (const node of config.nodes) {
    node.psus.forEach((p, i) => {
      const w = wiring!.get(p.pdu);
      if (w && p.outlet <= w.pdu.outlets) w.feeds[p.outlet] = { node: node.name, psu: i + 1 };
    });
  }
  wirings.set(config, wiring);
  return wiring;
}

/**
 * `previous`, the snapshot this one follows: a PDU whose inputs (faults, voltage, the current its
 * outlets draw) are unchanged keeps its object, so a change costs what it touches, not the site.
 */
export function computePower(
  config: Pick<Config, 'pdus' | 'nodes'>,
  faults: readonly FaultSpec[],
  drift: Drift = NO_DRIFT,
  previous?: PowerSnapshot,
): PowerSnapshot {
  const wiring = wiringOf(config);
  const inletLost = new Set<string>();
  const unreachable = new Set<string>();
  /** PDU → its tripped banks, its switched-off outlets. */
  const tripped = new Map<string, Set<number>>();
  const switchedOff = new Map<string, Set<number>>();
  const nodeDown = new Set<string>();
  const add = (m: Map<string, Set<number>>, pdu: string, n: number) => (m.get(pdu) ?? m.set(pdu, new Set()).get(pdu)!).add(n);
  for (const f of faults) {
    if (f.kind === 'inlet-loss') inletLost.add(f.pdu);
    else if (f.kind === 'pdu-unreachable') unreachable.add(f.pdu);
    else if (f.kind === 'bank-trip') add(tripped, f.pdu, f.bank);
    else if (f.kind === 'outlet-off') add(switchedOff, f.pdu, f.outlet);
    else nodeDown.add(f.node);
  }

  const energized = (pduName: string, outlet: number): boolean => {
    const pdu = wiring.get(pduName)?.pdu;
    if (!pdu || outlet > pdu.outlets || inletLost.has(pduName)) return false;
    return !tripped.get(pduName)?.has(bankOfOutlet(outlet, pdu.outlets, pdu.banks)) && !switchedOff.get(pduName)?.has(outlet);
  };

  // Each node's load is shared evenly by its energized PSUs; an unpowered node draws nothing.
  const nodes = new Map<string, NodePower>();
  /** PDU → amps drawn per outlet (index = outlet number). */
  const outletAmps = new Map<string, Float64Array>();
  for (const node of config.nodes) {
    const live = node.psus.filter((p) => energized(p.pdu, p.outlet));
    const powered = live.length > 0 && !nodeDown.has(node.name);
    const amps = powered ? (node.amps ?? DEFAULT_AMPS[node.kind]) * (drift.load.get(node.name) ?? 1) : 0;
    nodes.set(node.name, { name: node.name, powered, amps, energizedPsus: live.length });
    if (!powered) continue;
    for (const p of live) {
      const w = wiring.get(p.pdu)!;
      const perOutlet = outletAmps.get(p.pdu) ?? outletAmps.set(p.pdu, new Float64Array(w.pdu.outlets + 1)).get(p.pdu)!;
      perOutlet[p.outlet] = perOutlet[p.outlet]! + amps / live.length;
    }
  }

  const pdus = new Map<string, PduPower>();
  for (const pdu of config.pdus) {
    const { feeds } = wiring.get(pdu.name)!;
    const inlet = !inletLost.has(pdu.name);
    const volts = inlet ? (drift.voltage.get(pdu.name) ?? NOMINAL_VOLTS) : 0;
    const perOutlet = outletAmps.get(pdu.name);
    const signature = faultSignature(pdu.name, inletLost, unreachable, tripped, switchedOff);
    const before = previous?.pdus.get(pdu.name);
    if (before && signatures.get(before) === signature && before.volts === volts && before.outlets.every((o) => o.amps === (perOutlet?.[o.number] ?? 0))) {
      pdus.set(pdu.name, before);
      continue;
    }
    const bankAmps = new Array<number>(pdu.banks + 1).fill(0);
    const outlets: OutletPower[] = [];
    for (let n = 1; n <= pdu.outlets; n++) {
      const bank = bankOfOutlet(n, pdu.outlets, pdu.banks);
      const amps = perOutlet?.[n] ?? 0;
      bankAmps[bank] = bankAmps[bank]! + amps;
      outlets.push({
        number: n, bank, phase: phaseOfBank(bank, pdu.phases), on: energized(pdu.name, n),
        amps, watts: amps * volts * POWER_FACTOR, feeds: feeds[n] ?? null,
      });
    }
    const banks: BankPower[] = [];
    const phaseAmps = new Array<number>(pdu.phases + 1).fill(0);
    for (let b = 1; b <= pdu.banks; b++) {
      const phase = phaseOfBank(b, pdu.phases);
      phaseAmps[phase] = phaseAmps[phase]! + bankAmps[b]!;
      banks.push({ number: b, phase, tripped: tripped.get(pdu.name)?.has(b) ?? false, amps: bankAmps[b]! });
    }
    // Phase current is the sum of its banks' currents (loads treated as single-phase branches).
    const phases: PhasePower[] = [];
    for (let ph = 1; ph <= pdu.phases; ph++) {
      const amps = phaseAmps[ph]!;
      phases.push({ number: ph, volts, amps, watts: amps * volts * POWER_FACTOR, va: amps * volts });
    }
    const power: PduPower = {
      name: pdu.name, inlet, answering: inlet && !unreachable.has(pdu.name), volts, outlets, banks, phases,
      amps: sum(phases.map((p) => p.amps)), watts: sum(phases.map((p) => p.watts)), va: sum(phases.map((p) => p.va)),
    };
    signatures.set(power, signature);
    pdus.set(pdu.name, power);
  }
  return { pdus, nodes };
}

/** The faults a PDU was computed under, as text ('' for none, as for most). */
const signatures = new WeakMap<PduPower, string>();
function faultSignature(pdu: string, inletLost: Set<string>, unreachable: Set<string>, tripped: Map<string, Set<number>>, off: Map<string, Set<number>>): string {
  if (!inletLost.has(pdu) && !unreachable.has(pdu) && !tripped.has(pdu) && !off.has(pdu)) return '';
  const list = (set: Set<number> | undefined) => [...(set ?? [])].sort((a, b) => a - b).join(',');
  return `${inletLost.has(pdu)}|${unreachable.has(pdu)}|${list(tripped.get(pdu))}|${list(off.get(pdu))}`;
}

/**
 * One step of a bounded random walk: voltage within ±1.5% of nominal, loads within ±4%.
 * Bounded multiplicative drift keeps a live load positive and a dead one at zero.
 */
export function driftStep(prev: Drift, config: Pick<Config, 'pdus' | 'nodes'>, random: () => number = Math.random, cohort: Cohort = ALL): Drift {
  const walk = (v: number, step: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v + (random() - 0.5) * 2 * step));
  const voltage = new Map(prev.voltage);
  const moved = new Set<string>();
  config.pdus.forEach((p, i) => {
    if (i % cohort.of !== cohort.index) return;
    moved.add(p.name);
    voltage.set(p.name, walk(prev.voltage.get(p.name) ?? NOMINAL_VOLTS, 0.8, NOMINAL_VOLTS * 0.985, NOMINAL_VOLTS * 1.015));
  });
  const load = new Map(prev.load);
  config.nodes.forEach((n, i) => {
    const first = n.psus[0]?.pdu;
    if (first !== undefined ? !moved.has(first) : i % cohort.of !== cohort.index) return;
    load.set(n.name, walk(prev.load.get(n.name) ?? 1, 0.01, 0.96, 1.04));
  });
  return { voltage, load };
}

/**
 * The part of the site one drift step moves: the PDUs at positions `index`, `index + of`, … and the
 * nodes whose first PSU they feed. A large site drifts a share per step, so a step rewrites a share of its agents.
 */
export interface Cohort { index: number; of: number }
const ALL: Cohort = { index: 0, of: 1 };

function sum(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}
