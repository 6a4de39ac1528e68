// Readings made by hand, for fake-time scenarios and benchmarks: what a poll of an APC-like PDU
// or a healthy server would record.
import type { PduConfig } from '../../src/config/schema.js';
import type { Topology } from '../../src/health/topology.js';
import type { DeviceReading, OnOff } from '../../src/model.js';
import type { NodeReading } from '../../src/poller/read-node.js';

const ok = (value: number) => ({ value, quality: 'ok' as const });

/** A PDU whose outlets are as given; a bank whose every outlet is off has tripped (inferred, as on APC). */
export function pduReading(topology: Topology, cfg: PduConfig, states: readonly OnOff[]): DeviceReading {
  const bankOf = (i: number) => topology.configuredBank(cfg, i + 1);
  return {
    profile: 'synthetic', kind: 'pdu', identity: { vendor: 'Synthetic', model: null, serial: null, firmware: null, name: null }, sysObjectId: null, upTime: { value: null, quality: 'unknown' },
    power: ok(1000), energy: ok(1), loadState: 'normal', badValues: 0, inlets: [], bypass: [], sensors: [], ups: null, ats: null,
    phases: [{ index: 1, name: null, current: ok(5), voltage: ok(208), power: ok(1000), loadState: 'normal' }],
    banks: Array.from({ length: cfg.banks }, (_, b) => {
      const off = states.every((s, i) => bankOf(i) !== b + 1 || s === 'off');
      return { index: b + 1, name: null, current: ok(off ? 0 : 2), rating: ok(20), breaker: off ? 'tripped' as const : 'ok' as const, breakerInferred: true, loadState: 'normal' as const };
    }),
    outlets: states.map((state, i) => ({ index: i + 1, name: null, state, bank: bankOf(i), current: ok(state === 'on' ? 0.7 : 0), power: ok(0), energy: ok(0), loadState: 'normal' as const })),
  };
}

export const nodeReading: NodeReading = { uptimeTicks: 100_000, uptimeSource: 'host', sysDescr: null, load1: null, cpuLoad: null, interfaces: null };
