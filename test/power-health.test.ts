// Power health is a pure function of topology and facts: table tests, no network.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseConfigText } from '../src/config/load-config.js';
import { assessPower } from '../src/health/power-health.js';
import { Topology } from '../src/health/topology.js';
import type { OnOff, DeviceReading } from '../src/model.js';
import type { NodeFacts, PduFacts } from '../src/state/state-store.js';

const topology = new Topology(parseConfigText(`
sites: [{name: Lab, rows: [{name: row 1, racks: [r1]}]}]
pdus:
  - {name: a, rack: r1, address: 127.0.0.1, outlets: 4, banks: 2}
  - {name: b, rack: r1, address: 127.0.0.2, outlets: 4, banks: 2}
nodes:
  - {name: single, rack: r1, address: 127.0.1.1, psus: [{pdu: a, outlet: 1}]}
  - {name: dual, rack: r1, address: 127.0.1.2, psus: [{pdu: a, outlet: 2}, {pdu: b, outlet: 2}]}
  - {name: other-bank, rack: r1, address: 127.0.1.3, psus: [{pdu: a, outlet: 3}]}
`, 'lab.yaml'));

const NOW = 1_000_000;
const STALE = 30_000;
const ok = (value: number) => ({ value, quality: 'ok' as const });

function reading(outlets: OnOff[], banks: ('ok' | 'tripped')[] = ['ok', 'ok']): DeviceReading {
  return {
    profile: 'test', kind: 'pdu', loadState: 'normal', identity: { vendor: 'Test', model: null, serial: null, firmware: null, name: null },
    power: ok(100), energy: ok(1), badValues: 0, inlets: [], sensors: [], ups: null, ats: null,
    phases: [{ index: 1, name: null, current: ok(1), voltage: ok(208), power: ok(100), loadState: 'normal' }],
    banks: banks.map((breaker, i) => ({ index: i + 1, name: null, current: ok(breaker === 'tripped' ? 0 : 1), rating: ok(20), breaker, breakerInferred: false, loadState: 'normal' as const })),
    outlets: outlets.map((state, i) => ({ index: i + 1, name: null, state, bank: i < 2 ? 1 : 2, current: ok(1), power: ok(100), energy: ok(1), loadState: 'normal' as const })),
  };
}
const pdu = (name: string, r: DeviceReading | null, at = NOW): PduFacts =>
  ({ name, reachable: r !== null, lastPollAt: at, lastOkAt: r ? at : null, error: r ? null : 'no answer', reading: r });
const node = (name: string, reachable: boolean, at = NOW): NodeFacts =>
  ({ name, reachable, lastPollAt: at, lastOkAt: reachable ? at : null, error: null, reading: null, reachableSince: reachable ? at - 60_000 : null, lastRebootAt: null });

function assess(pdus: PduFacts[], nodes: NodeFacts[]) {
  const p = new Map(pdus.map((x) => [x.name, x]));
  const n = new Map(nodes.map((x) => [x.name, x]));
  return assessPower(topology, { pdu: (k) => p.get(k), node: (k) => n.get(k) }, NOW, STALE);
}
const allUp = ['single', 'dual', 'other-bank'].map((n) => node(n, true));

describe('power health', () => {
  const cases: { name: string; pdus: PduFacts[]; nodes?: NodeFacts[]; expect: Record<string, string> }[] = [
    { name: 'everything on', pdus: [pdu('a', reading(['on', 'on', 'on', 'on'])), pdu('b', reading(['on', 'on', 'on', 'on']))],
      expect: { single: 'normal', dual: 'normal', 'other-bank': 'normal' } },
    { name: 'bank 1 of a tripped: its single node lost, the dual one degraded, the other bank fine',
      pdus: [pdu('a', reading(['off', 'off', 'on', 'on'], ['tripped', 'ok'])), pdu('b', reading(['on', 'on', 'on', 'on']))],
      expect: { single: 'lost', dual: 'degraded', 'other-bank': 'normal' } },
    { name: 'one outlet switched off',
      pdus: [pdu('a', reading(['off', 'on', 'on', 'on'])), pdu('b', reading(['on', 'on', 'on', 'on']))],
      expect: { single: 'lost', dual: 'normal', 'other-bank': 'normal' } },
    { name: 'PDU a silent but its nodes answer: a monitoring fault, nothing lost',
      pdus: [pdu('a', null), pdu('b', reading(['on', 'on', 'on', 'on']))],
      expect: { single: 'unknown', dual: 'unknown', 'other-bank': 'unknown' } },
    { name: 'PDU a silent with every node it alone feeds: a power loss',
      pdus: [pdu('a', null), pdu('b', reading(['on', 'on', 'on', 'on']))],
      nodes: [node('single', false), node('dual', true), node('other-bank', false)],
      expect: { single: 'lost', dual: 'degraded', 'other-bank': 'lost' } },
    { name: 'PDU a silent, one of its single-fed nodes still answers: not dark',
      pdus: [pdu('a', null), pdu('b', reading(['on', 'on', 'on', 'on']))],
      nodes: [node('single', false), node('dual', true), node('other-bank', true)],
      expect: { single: 'unknown', 'other-bank': 'unknown' } },
    { name: 'stale facts are unknown, never fine',
      pdus: [pdu('a', reading(['on', 'on', 'on', 'on']), NOW - STALE - 1), pdu('b', reading(['on', 'on', 'on', 'on']))],
      expect: { single: 'unknown', dual: 'unknown' } },
    { name: 'outlet state unknown is unknown',
      pdus: [pdu('a', reading(['unknown', 'on', 'on', 'on'])), pdu('b', reading(['on', 'on', 'on', 'on']))],
      expect: { single: 'unknown' } },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const view = assess(c.pdus, c.nodes ?? allUp);
      for (const [name, power] of Object.entries(c.expect)) assert.equal(view.nodes.get(name)?.power, power, name);
    });
  }

  it('names the cause of a lost feed', () => {
    const view = assess([pdu('a', reading(['off', 'off', 'on', 'on'], ['tripped', 'ok'])), pdu('b', reading(['on', 'on', 'on', 'on']))], allUp);
    assert.equal(view.nodes.get('single')!.psus[0]!.cause, 'bank 1 breaker tripped on a');
    assert.equal(view.pdus.get('a')!.dark, false);
  });
});
