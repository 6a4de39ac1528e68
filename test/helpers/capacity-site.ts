// Small hand-made sites for the capacity tests: a config checked like any other, and PDU readings
// whose every current is given by the test (nothing drifts, so the arithmetic can be done by hand).
import { parseConfigText } from '../../src/config/load-config.js';
import type { Config } from '../../src/config/schema.js';
import type { Facts } from '../../src/health/power-health.js';
import { Topology } from '../../src/health/topology.js';
import type { DeviceReading, Measure } from '../../src/model.js';
import type { PduFacts } from '../../src/state/state-store.js';

export interface SiteSpec {
  /** Rows of racks: [['r1', 'r2'], ['r3']] is row 1 with r1 and r2, row 2 with r3. */
  rows?: string[][];
  pdus: Record<string, unknown>[];
  /** name → its PSUs as "PDU:OUTLET", and optionally its rack. */
  nodes: Record<string, { psus: string[]; rack?: string }>;
  pools?: Record<string, string[]>;
  services?: Record<string, string[]>;
  settings?: Record<string, unknown>;
}

/** The config of a small site: PDUs default to rack r1, 8 outlets, 1 bank; nodes to their first PDU's rack. */
export function siteConfig(spec: SiteSpec): Config {
  const rows = spec.rows ?? [['r1', 'r2']];
  const pdus: Record<string, unknown>[] = spec.pdus.map((p, i) => ({ rack: 'r1', outlets: 8, address: `127.8.0.${i + 1}:1161`, ...p }));
  const rackOf = new Map(pdus.map((p) => [p.name as string, p.rack as string]));
  const nodes = Object.entries(spec.nodes).map(([name, n], i) => ({
    name, rack: n.rack ?? rackOf.get(n.psus[0]!.split(':')[0]!) ?? 'r1', address: `127.8.1.${i + 1}:1161`,
    psus: n.psus.map((p) => ({ pdu: p.split(':')[0], outlet: Number(p.split(':')[1]) })),
  }));
  const config = {
    sites: [{ name: 'Lab', rows: rows.map((racks, i) => ({ name: `row ${i + 1}`, racks })) }],
    pdus, nodes,
    pools: Object.entries(spec.pools ?? {}).map(([name, members]) => ({ name, members, backend: { type: 'file', dir: '/tmp/unused' } })),
    services: Object.entries(spec.services ?? {}).map(([name, pools]) => ({ name, pools })),
    settings: { traps: { enabled: false }, ...spec.settings },
  };
  return parseConfigText(JSON.stringify(config), 'capacity test site');
}

const ok = (value: number | null): Measure => (value === null ? { value: null, quality: 'unknown' } : { value, quality: 'ok' });

export interface ReadingSpec {
  /** outlet → amps (null: unknown; 'off': switched off). Outlets not given read 0 A, on. */
  outlets?: Record<number, number | null | 'off'>;
  /** Outlet count (default 8) and each outlet's bank (default: all bank 1). */
  outletCount?: number;
  bankOf?: (outlet: number) => number;
  banks?: { current: number | null; rating?: number | null }[];
  phases?: (number | null)[];
  inlets?: (number | null)[];
  kind?: DeviceReading['kind'];
}

/** A PDU reading with exactly these currents. */
export function reading(r: ReadingSpec): DeviceReading {
  const count = r.outletCount ?? 8;
  return {
    profile: 'synthetic', kind: r.kind ?? 'pdu', identity: { vendor: 'Synthetic', model: null, serial: null, firmware: null, name: null }, sysObjectId: null,
    upTime: ok(null), power: ok(null), energy: ok(null), loadState: 'normal', badValues: 0, bypass: [], sensors: [], ups: null, ats: null,
    inlets: (r.inlets ?? []).map((a, i) => ({ index: i + 1, name: null, voltage: ok(208), current: ok(a), power: ok(null), apparentPower: ok(null), powerFactor: ok(null), energy: ok(null), frequency: ok(null), loadState: 'normal' })),
    phases: (r.phases ?? []).map((a, i) => ({ index: i + 1, name: null, current: ok(a), voltage: ok(208), power: ok(null), loadState: 'normal' })),
    banks: (r.banks ?? []).map((b, i) => ({ index: i + 1, name: null, current: ok(b.current), rating: ok(b.rating === undefined ? 20 : b.rating), breaker: 'ok', breakerInferred: false, loadState: 'normal' })),
    outlets: Array.from({ length: count }, (_, i) => {
      const v = r.outlets?.[i + 1];
      return { index: i + 1, name: null, state: v === 'off' ? 'off' : 'on', bank: r.bankOf?.(i + 1) ?? 1, current: ok(v === 'off' ? null : v === undefined ? 0 : v), power: ok(null), energy: ok(null), loadState: 'normal' };
    }),
  };
}

/** Facts where each PDU given answered at `at` with its reading (null: it did not answer). */
export function factsOf(readings: Record<string, DeviceReading | null>, at = 0): Facts & { set(pdu: string, r: DeviceReading | null, at?: number): void } {
  const pdus = new Map<string, PduFacts>();
  const set = (pdu: string, r: DeviceReading | null, when = at) => {
    pdus.set(pdu, { name: pdu, reachable: r !== null, lastPollAt: when, lastOkAt: r ? when : null, error: r ? null : 'no answer (timed out)', reading: r });
  };
  for (const [pdu, r] of Object.entries(readings)) set(pdu, r);
  return { pdu: (name) => pdus.get(name), node: () => undefined, set };
}

export const topologyOf = (config: Config) => new Topology(config);
