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

const key = (pdu: string, n: number) => `${pdu}#${n}`;

export function computePower(
  config: Pick<Config, 'pdus' | 'nodes'>,
  faults: readonly FaultSpec[],
  drift: Drift = NO_DRIFT,
): PowerSnapshot {
  const inletLost = new Set<string>();
  const unreachable = new Set<string>();
  const tripped = new Set<string>();
  const switchedOff = new Set<string>();
  const nodeDown = new Set<string>();
  for (const f of faults) {
    if (f.kind === 'inlet-loss') inletLost.add(f.pdu);
    else if (f.kind === 'pdu-unreachable') unreachable.add(f.pdu);
    else if (f.kind === 'bank-trip') tripped.add(key(f.pdu, f.bank));
    else if (f.kind === 'outlet-off') switchedOff.add(key(f.pdu, f.outlet));
    else nodeDown.add(f.node);
  }

  const pduByName = new Map<string, PduConfig>(config.pdus.map((p) => [p.name, p]));
  const energized = (pduName: string, outlet: number): boolean => {
    const pdu = pduByName.get(pduName);
    if (!pdu || outlet > pdu.outlets || inletLost.has(pduName)) return false;
    return !tripped.has(key(pduName, bankOfOutlet(outlet, pdu.outlets, pdu.banks))) && !switchedOff.has(key(pduName, outlet));
  };

  // Each node's load is shared evenly by its energized PSUs; an unpowered node draws nothing.
  const nodes = new Map<string, NodePower>();
  const outletAmps = new Map<string, number>();
  const feeds = new Map<string, { node: string; psu: number }>();
  for (const node of config.nodes) {
    const live = node.psus.filter((p) => energized(p.pdu, p.outlet));
    const powered = live.length > 0 && !nodeDown.has(node.name);
    const amps = powered ? (node.amps ?? DEFAULT_AMPS[node.kind]) * (drift.load.get(node.name) ?? 1) : 0;
    nodes.set(node.name, { name: node.name, powered, amps, energizedPsus: live.length });
    node.psus.forEach((p, i) => {
      feeds.set(key(p.pdu, p.outlet), { node: node.name, psu: i + 1 });
      if (powered && energized(p.pdu, p.outlet)) {
        const k = key(p.pdu, p.outlet);
        outletAmps.set(k, (outletAmps.get(k) ?? 0) + amps / live.length);
      }
    });
  }

  const pdus = new Map<string, PduPower>();
  for (const pdu of config.pdus) {
    const inlet = !inletLost.has(pdu.name);
    const volts = inlet ? (drift.voltage.get(pdu.name) ?? NOMINAL_VOLTS) : 0;
    const outlets: OutletPower[] = [];
    for (let n = 1; n <= pdu.outlets; n++) {
      const bank = bankOfOutlet(n, pdu.outlets, pdu.banks);
      const amps = outletAmps.get(key(pdu.name, n)) ?? 0;
      outlets.push({
        number: n, bank, phase: phaseOfBank(bank, pdu.phases), on: energized(pdu.name, n),
        amps, watts: amps * volts * POWER_FACTOR, feeds: feeds.get(key(pdu.name, n)) ?? null,
      });
    }
    const banks: BankPower[] = [];
    for (let b = 1; b <= pdu.banks; b++) {
      const amps = sum(outlets.filter((o) => o.bank === b).map((o) => o.amps));
      banks.push({ number: b, phase: phaseOfBank(b, pdu.phases), tripped: tripped.has(key(pdu.name, b)), amps });
    }
    // Phase current is the sum of its banks' currents (loads treated as single-phase branches).
    const phases: PhasePower[] = [];
    for (let ph = 1; ph <= pdu.phases; ph++) {
      const amps = sum(banks.filter((b) => b.phase === ph).map((b) => b.amps));
      phases.push({ number: ph, volts, amps, watts: amps * volts * POWER_FACTOR, va: amps * volts });
    }
    pdus.set(pdu.name, {
      name: pdu.name, inlet, answering: inlet && !unreachable.has(pdu.name), volts, outlets, banks, phases,
      amps: sum(phases.map((p) => p.amps)), watts: sum(phases.map((p) => p.watts)), va: sum(phases.map((p) => p.va)),
    });
  }
  return { pdus, nodes };
}

/**
 * One step of a bounded random walk: voltage within ±1.5% of nominal, loads within ±4%.
 * Bounded multiplicative drift keeps a live load positive and a dead one at zero.
 */
export function driftStep(prev: Drift, config: Pick<Config, 'pdus' | 'nodes'>, random: () => number = Math.random): Drift {
  const walk = (v: number, step: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v + (random() - 0.5) * 2 * step));
  const voltage = new Map<string, number>();
  for (const p of config.pdus) {
    voltage.set(p.name, walk(prev.voltage.get(p.name) ?? NOMINAL_VOLTS, 0.8, NOMINAL_VOLTS * 0.985, NOMINAL_VOLTS * 1.015));
  }
  const load = new Map<string, number>();
  for (const n of config.nodes) load.set(n.name, walk(prev.load.get(n.name) ?? 1, 0.01, 0.96, 1.04));
  return { voltage, load };
}

function sum(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}
