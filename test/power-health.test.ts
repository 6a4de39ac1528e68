// Power health is a pure function of topology and facts: table tests, no network.
// Each row states the whole verdict (power and reason of every node, reachable/dark of every PDU), so a changed
// condition, boundary or message in src/health fails a row.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseConfigText } from '../src/config/load-config.js';
import { assessPower, type PowerView } from '../src/health/power-health.js';
import { Topology } from '../src/health/topology.js';
import type { BreakerState, DeviceReading, InletReading, Measure, OnOff } from '../src/model.js';
import type { NodeFacts, PduFacts } from '../src/state/state-store.js';

// a, b: 8 outlets in 2 banks (1-4, 5-8); c feeds only the third PSU of "triple"; d feeds nothing.
const topology = new Topology(parseConfigText(`
sites: [{name: Lab, rows: [{name: row 1, racks: [r1]}, {name: row 2, racks: [r2, r3]}]}]
pdus:
  - {name: a, rack: r1, address: 127.0.0.1, outlets: 8, banks: 2}
  - {name: b, rack: r1, address: 127.0.0.2, outlets: 8, banks: 2}
  - {name: c, rack: r2, address: 127.0.0.3, outlets: 4}
  - {name: d, rack: r2, address: 127.0.0.4, outlets: 4}
nodes:
  - {name: single, rack: r1, address: 127.0.1.1, psus: [{pdu: a, outlet: 1}]}
  - {name: dual, rack: r1, address: 127.0.1.2, psus: [{pdu: a, outlet: 2}, {pdu: b, outlet: 2}]}
  - {name: twin, rack: r1, address: 127.0.1.3, psus: [{pdu: a, outlet: 3}, {pdu: a, outlet: 4}]}
  - {name: other-bank, rack: r1, address: 127.0.1.4, psus: [{pdu: a, outlet: 5}]}
  - {name: triple, rack: r2, address: 127.0.1.5, psus: [{pdu: a, outlet: 6}, {pdu: b, outlet: 6}, {pdu: c, outlet: 1}]}
pools:
  - {name: web, members: [single, dual], backend: {type: file, dir: var/pools}}
  - {name: all, members: [single, dual, twin, other-bank], backend: {type: file, dir: var/pools}}
`, 'lab.yaml'));

const NOW = 1_000_000;
const STALE = 30_000;
const ok = (value: number): Measure => ({ value, quality: 'ok' });
const NODES = ['single', 'dual', 'twin', 'other-bank', 'triple'];

interface Shape {
  /** Bank of each outlet as the PDU reports it (default: 1-4 → 1, 5-8 → 2); null: the PDU does not say. */
  bankOf?: (outlet: number) => number | null;
  banks?: BreakerState[];
  /** Phase voltages (default one phase at 208 V). */
  phases?: Measure[];
  inlets?: Measure[];
}
const inlet = (voltage: Measure, i: number): InletReading => ({
  index: i + 1, name: null, voltage, current: ok(1), power: ok(100), apparentPower: ok(100), powerFactor: ok(1), energy: ok(1), frequency: ok(60), loadState: 'normal',
});
function reading(outlets: OnOff[], shape: Shape = {}): DeviceReading {
  const bankOf = shape.bankOf ?? ((o: number) => (o <= 4 ? 1 : 2));
  return {
    profile: 'test', kind: 'pdu', loadState: 'normal', identity: { vendor: 'Test', model: null, serial: null, firmware: null, name: null }, sysObjectId: null, upTime: { value: null, quality: 'unknown' },
    power: ok(100), energy: ok(1), badValues: 0, bypass: [], sensors: [], ups: null, ats: null,
    inlets: (shape.inlets ?? []).map(inlet),
    phases: (shape.phases ?? [ok(208)]).map((voltage, i) => ({ index: i + 1, name: null, current: ok(1), voltage, power: ok(100), loadState: 'normal' })),
    banks: (shape.banks ?? ['ok', 'ok']).map((breaker, i) => ({ index: i + 1, name: null, current: ok(1), rating: ok(20), breaker, breakerInferred: false, loadState: 'normal' })),
    outlets: outlets.map((state, i) => ({ index: i + 1, name: null, state, bank: bankOf(i + 1), current: ok(1), power: ok(100), energy: ok(1), loadState: 'normal' })),
  };
}
const ON: OnOff[] = ['on', 'on', 'on', 'on', 'on', 'on', 'on', 'on'];
/** ON with these outlets (1-based) set to a state. */
const with_ = (state: OnOff, ...outlets: number[]): OnOff[] => ON.map((s, i) => (outlets.includes(i + 1) ? state : s));

/** An answering PDU. */
const up = (name: string, r: DeviceReading, at: number | null = NOW): PduFacts =>
  ({ name, reachable: true, lastPollAt: at, lastOkAt: at, error: null, reading: r });
/** A PDU that stopped answering; its last reading is kept, and must not be believed. */
const silent = (name: string): PduFacts =>
  ({ name, reachable: false, lastPollAt: NOW, lastOkAt: NOW - 60_000, error: 'no answer', reading: reading(ON) });
const node = (name: string, reachable: boolean, at = NOW): NodeFacts =>
  ({ name, reachable, lastPollAt: at, lastOkAt: reachable ? at : null, error: null, reading: null, reachableSince: reachable ? at - 60_000 : null, lastRebootAt: null });
const answering = (...except: string[]) => NODES.filter((n) => !except.includes(n)).map((n) => node(n, true));

function assess(pdus: PduFacts[], nodes: NodeFacts[], staleMs = STALE): PowerView {
  const p = new Map(pdus.map((x) => [x.name, x]));
  const n = new Map(nodes.map((x) => [x.name, x]));
  return assessPower(topology, { pdu: (k) => p.get(k), node: (k) => n.get(k) }, NOW, staleMs);
}
/** The verdict in one line per node ("power: reason") and per PDU ("reachable dark"). */
function verdict(view: PowerView): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, n] of view.nodes) out[name] = `${n.power}: ${n.reason}`;
  for (const [name, p] of view.pdus) out[`pdu ${name}`] = `${p.reachable} ${p.dark ? 'dark' : 'lit'}`;
  return out;
}

const NORMAL = 'normal: all power supplies fed';
const allLit = { 'pdu a': 'true lit', 'pdu b': 'true lit', 'pdu c': 'true lit', 'pdu d': 'null lit' };
const fine = { single: NORMAL, dual: NORMAL, twin: NORMAL, 'other-bank': NORMAL, triple: NORMAL };
const bAndC = [up('b', reading(ON)), up('c', reading(ON))];

interface Row { name: string; pdus: PduFacts[]; nodes?: NodeFacts[]; staleMs?: number; expect: Record<string, string> }
const rows: Row[] = [
  { name: 'everything on; a PDU never polled is neither reachable nor dark', pdus: [up('a', reading(ON)), ...bAndC], expect: { ...fine, ...allLit } },

  // Breakers and outlets.
  { name: 'bank 1 of a tripped: its single-fed nodes lost, the dual one degraded, bank 2 fine',
    pdus: [up('a', reading(with_('off', 1, 2, 3, 4), { banks: ['tripped', 'ok'] })), ...bAndC],
    expect: { ...fine, ...allLit, single: 'lost: bank 1 breaker tripped on a', dual: 'degraded: redundancy lost: bank 1 breaker tripped on a',
      twin: 'lost: bank 1 breaker tripped on a' } },
  { name: 'a tripped bank whose outlets still read on: the outlets are believed',
    pdus: [up('a', reading(ON, { banks: ['tripped', 'ok'] })), ...bAndC], expect: { ...fine, ...allLit } },
  { name: 'a tripped bank with outlet states unknown: down by the breaker',
    pdus: [up('a', reading(with_('unknown', 1, 2, 3, 4), { banks: ['tripped', 'ok'] })), ...bAndC],
    expect: { ...fine, ...allLit, single: 'lost: bank 1 breaker tripped on a', dual: 'degraded: redundancy lost: bank 1 breaker tripped on a',
      twin: 'lost: bank 1 breaker tripped on a' } },
  { name: 'outlets switched off one by one: every cause named once, joined',
    pdus: [up('a', reading(with_('off', 1, 3, 4))), ...bAndC],
    expect: { ...fine, ...allLit, single: 'lost: outlet 1 switched off on a', twin: 'lost: outlet 3 switched off on a; outlet 4 switched off on a' } },
  { name: 'an outlet the PDU does not list: its bank as configured (bank 2 tripped)',
    pdus: [up('a', reading(with_('on', 1, 2, 3, 4).slice(0, 4), { banks: ['ok', 'tripped'] })), ...bAndC],
    expect: { ...fine, ...allLit, 'other-bank': 'lost: bank 2 breaker tripped on a', triple: 'degraded: redundancy lost: bank 2 breaker tripped on a' } },
  { name: 'a PDU that does not say the bank: the configured one',
    pdus: [up('a', reading(with_('unknown', 5), { bankOf: () => null, banks: ['ok', 'tripped'] })), ...bAndC],
    expect: { ...fine, ...allLit, 'other-bank': 'lost: bank 2 breaker tripped on a' } },
  { name: 'the bank the PDU reports wins over the configured split',
    pdus: [up('a', reading(with_('unknown', 1), { bankOf: (o) => (o === 1 ? 2 : o <= 4 ? 1 : 2), banks: ['ok', 'tripped'] })), ...bAndC],
    expect: { ...fine, ...allLit, single: 'lost: bank 2 breaker tripped on a' } },
  { name: 'an outlet state unknown on a live PDU with voltage is unknown',
    pdus: [up('a', reading(with_('unknown', 1))), ...bAndC],
    expect: { ...fine, ...allLit, single: 'unknown: outlet 1 state unknown on a' } },
  { name: 'a PDU that lists no banks and an outlet state unknown: unknown',
    pdus: [up('a', reading(with_('unknown', 1), { banks: [] })), ...bAndC],
    expect: { ...fine, ...allLit, single: 'unknown: outlet 1 state unknown on a' } },
  { name: 'an outlet the PDU does not list, its bank fine: unknown',
    pdus: [up('a', reading(ON.slice(0, 4))), ...bAndC],
    expect: { ...fine, ...allLit, 'other-bank': 'unknown: outlet 5 state unknown on a', triple: 'unknown: outlet 6 state unknown on a' } },
  { name: 'two PSUs unknown for two reasons: both named',
    pdus: [up('a', reading(with_('unknown', 3, 4))), ...bAndC],
    expect: { ...fine, ...allLit, twin: 'unknown: outlet 3 state unknown on a; outlet 4 state unknown on a' } },
  { name: 'three PSUs, one up, one down, one unknown: degraded',
    pdus: [up('a', reading(with_('off', 6))), up('b', reading(ON)), up('c', reading(['unknown', 'on', 'on', 'on']))],
    expect: { ...fine, ...allLit, triple: 'degraded: redundancy lost: outlet 6 switched off on a' } },

  // Voltage when outlet states are unknown.
  { name: 'no voltage on the inlet: down',
    pdus: [up('a', reading(with_('unknown', 1), { inlets: [ok(0)], phases: [ok(3)] })), ...bAndC],
    expect: { ...fine, ...allLit, single: 'lost: inlet of a without voltage' } },
  { name: 'just under 10 V: down', pdus: [up('a', reading(with_('unknown', 1), { phases: [ok(9.9)] })), ...bAndC],
    expect: { ...fine, ...allLit, single: 'lost: inlet of a without voltage' } },
  { name: '10 V is voltage', pdus: [up('a', reading(with_('unknown', 1), { phases: [ok(10)] })), ...bAndC],
    expect: { ...fine, ...allLit, single: 'unknown: outlet 1 state unknown on a' } },
  { name: 'one inlet dead, one phase live: not without voltage',
    pdus: [up('a', reading(with_('unknown', 1), { inlets: [ok(0)], phases: [ok(208)] })), ...bAndC],
    expect: { ...fine, ...allLit, single: 'unknown: outlet 1 state unknown on a' } },
  { name: 'only untrusted voltages: they say nothing',
    pdus: [up('a', reading(with_('unknown', 1), { inlets: [{ value: 0, quality: 'unknown' }], phases: [{ value: 0, quality: 'implausible' }] })), ...bAndC],
    expect: { ...fine, ...allLit, single: 'unknown: outlet 1 state unknown on a' } },
  { name: 'an implausible high voltage beside a trusted 0 V: down',
    pdus: [up('a', reading(with_('unknown', 1), { inlets: [{ value: 230, quality: 'implausible' }], phases: [ok(0)] })), ...bAndC],
    expect: { ...fine, ...allLit, single: 'lost: inlet of a without voltage' } },
  { name: 'no voltage measured at all: unknown', pdus: [up('a', reading(with_('unknown', 1), { phases: [] })), ...bAndC],
    expect: { ...fine, ...allLit, single: 'unknown: outlet 1 state unknown on a' } },

  // Silence: monitoring fault or power loss.
  { name: 'PDU a silent while its nodes answer: a monitoring fault, nothing lost (its old reading is not believed)',
    pdus: [silent('a'), ...bAndC],
    expect: { ...allLit, 'pdu a': 'false lit', single: 'unknown: a not answering', dual: 'unknown: a not answering', twin: 'unknown: a not answering',
      'other-bank': 'unknown: a not answering', triple: 'unknown: a not answering' } },
  { name: 'PDU a silent with every node it alone feeds: it lost power',
    pdus: [silent('a'), ...bAndC], nodes: [...answering('single', 'twin', 'other-bank'), node('single', false), node('twin', false), node('other-bank', false)],
    expect: { ...allLit, 'pdu a': 'false dark', single: 'lost: a and every node it alone feeds stopped answering',
      dual: 'degraded: redundancy lost: a and every node it alone feeds stopped answering', twin: 'lost: a and every node it alone feeds stopped answering',
      'other-bank': 'lost: a and every node it alone feeds stopped answering', triple: 'degraded: redundancy lost: a and every node it alone feeds stopped answering' } },
  { name: 'one node fed by a alone still answers: not dark',
    pdus: [silent('a'), ...bAndC], nodes: [...answering('single', 'twin'), node('single', false), node('twin', false)],
    expect: { ...allLit, 'pdu a': 'false lit', single: 'unknown: a not answering', dual: 'unknown: a not answering', twin: 'unknown: a not answering',
      'other-bank': 'unknown: a not answering', triple: 'unknown: a not answering' } },
  { name: 'a node whose other feed is down counts as fed by a alone: it answers, so a is not dark',
    pdus: [silent('a'), up('b', reading(with_('off', 2))), up('c', reading(ON))],
    nodes: [...answering('single', 'twin', 'other-bank'), node('single', false), node('twin', false), node('other-bank', false)],
    expect: { ...allLit, 'pdu a': 'false lit', single: 'unknown: a not answering', dual: 'degraded: redundancy lost: outlet 2 switched off on b; node still answers',
      twin: 'unknown: a not answering', 'other-bank': 'unknown: a not answering', triple: 'unknown: a not answering' } },
  { name: 'one feed down, the other unknown, the node silent: lost',
    pdus: [silent('a'), up('b', reading(with_('off', 2))), up('c', reading(ON))],
    nodes: [...answering('dual'), node('dual', false)],
    expect: { ...allLit, 'pdu a': 'false lit', single: 'unknown: a not answering', dual: 'lost: outlet 2 switched off on b; node not answering',
      twin: 'unknown: a not answering', 'other-bank': 'unknown: a not answering', triple: 'unknown: a not answering' } },
  { name: 'one feed down, the other unknown, the node never polled: unknown, and a is not dark',
    pdus: [silent('a'), up('b', reading(with_('off', 2))), up('c', reading(ON))],
    nodes: [node('single', false), node('twin', false), node('other-bank', false), node('triple', true)],
    expect: { ...allLit, 'pdu a': 'false lit', single: 'unknown: a not answering', dual: 'unknown: a not answering',
      twin: 'unknown: a not answering', 'other-bank': 'unknown: a not answering', triple: 'unknown: a not answering' } },
  { name: 'a silent PDU that feeds nothing is never dark', pdus: [up('a', reading(ON)), ...bAndC, silent('d')],
    expect: { ...fine, ...allLit, 'pdu d': 'false lit' } },
  { name: 'every PDU silent, every node silent: each PDU is dark, every feed down',
    pdus: [silent('a'), silent('b'), silent('c')], nodes: NODES.map((n) => node(n, false)),
    expect: { 'pdu a': 'false dark', 'pdu b': 'false dark', 'pdu c': 'false dark', 'pdu d': 'null lit',
      single: 'lost: a and every node it alone feeds stopped answering',
      dual: 'lost: a and every node it alone feeds stopped answering; b and every node it alone feeds stopped answering',
      twin: 'lost: a and every node it alone feeds stopped answering', 'other-bank': 'lost: a and every node it alone feeds stopped answering',
      triple: 'lost: a and every node it alone feeds stopped answering; b and every node it alone feeds stopped answering; c and every node it alone feeds stopped answering' } },

  // Staleness.
  { name: 'facts exactly as old as the limit are fresh', pdus: [up('a', reading(ON), NOW - STALE), ...bAndC], expect: { ...fine, ...allLit } },
  { name: 'older facts are unknown, never fine', pdus: [up('a', reading(ON), NOW - STALE - 1), ...bAndC],
    expect: { ...allLit, 'pdu a': 'null lit', single: 'unknown: a not answering', dual: 'unknown: a not answering', twin: 'unknown: a not answering',
      'other-bank': 'unknown: a not answering', triple: 'unknown: a not answering' } },
  { name: 'facts without a poll time are unknown, however long facts stay fresh', staleMs: 10 * NOW, pdus: [up('a', reading(ON), null), ...bAndC],
    expect: { ...allLit, 'pdu a': 'null lit', single: 'unknown: a not answering', dual: 'unknown: a not answering', twin: 'unknown: a not answering',
      'other-bank': 'unknown: a not answering', triple: 'unknown: a not answering' } },
  { name: 'a stale "not answering" from the nodes does not make a silent PDU dark',
    pdus: [silent('a'), ...bAndC], nodes: [...answering('single', 'twin', 'other-bank'), node('single', false, NOW - STALE - 1), node('twin', false), node('other-bank', false)],
    expect: { ...allLit, 'pdu a': 'false lit', single: 'unknown: a not answering', dual: 'unknown: a not answering', twin: 'unknown: a not answering',
      'other-bank': 'unknown: a not answering', triple: 'unknown: a not answering' } },
];

describe('power health', () => {
  for (const row of rows) {
    it(row.name, () => assert.deepEqual(verdict(assess(row.pdus, row.nodes ?? answering(), row.staleMs)), row.expect));
  }

  it('each PSU carries its feed, reason and cause; the node whether it answers', () => {
    const view = assess([up('a', reading(with_('off', 2), { banks: ['ok', 'tripped'] })), ...bAndC], [...answering('dual'), node('dual', false, NOW - STALE - 1)]);
    assert.deepEqual(view.nodes.get('dual'), {
      name: 'dual', power: 'degraded', reachable: null, reason: 'redundancy lost: outlet 2 switched off on a',
      psus: [
        { pdu: 'a', outlet: 2, feed: 'down', reason: 'outlet 2 switched off on a', cause: 'outlet 2 switched off on a' },
        { pdu: 'b', outlet: 2, feed: 'up', reason: 'outlet 2 on', cause: null },
      ],
    });
    assert.equal(view.nodes.get('single')!.reachable, true);
    assert.deepEqual(view.nodes.get('other-bank')!.psus, [{ pdu: 'a', outlet: 5, feed: 'up', reason: 'outlet 5 on', cause: null }]);
    const dark = assess([silent('a'), ...bAndC], [...answering('single', 'twin', 'other-bank'), node('single', false), node('twin', false), node('other-bank', false)]);
    assert.deepEqual(dark.nodes.get('single')!.psus, [{ pdu: 'a', outlet: 1, feed: 'down', reason: 'a and every node it alone feeds stopped answering', cause: 'a and every node it alone feeds stopped answering' }]);
    assert.equal(dark.nodes.get('single')!.reachable, false);
    const quiet = assess([silent('a'), ...bAndC], answering());
    assert.deepEqual(quiet.nodes.get('single')!.psus, [{ pdu: 'a', outlet: 1, feed: 'unknown', reason: 'a not answering', cause: null }]);
    const tripped = assess([up('a', reading(with_('off', 1), { banks: ['tripped', 'ok'] })), ...bAndC], answering());
    assert.deepEqual(tripped.nodes.get('single')!.psus, [{ pdu: 'a', outlet: 1, feed: 'down', reason: 'bank 1 breaker tripped on a', cause: 'bank 1 breaker tripped on a' }]);
    const noVolts = assess([up('a', reading(with_('unknown', 1), { phases: [ok(0)] })), ...bAndC], answering());
    assert.deepEqual(noVolts.nodes.get('single')!.psus, [{ pdu: 'a', outlet: 1, feed: 'down', reason: 'inlet of a without voltage', cause: 'inlet of a without voltage' }]);
    const unknown = assess([up('a', reading(with_('unknown', 1))), ...bAndC], answering());
    assert.deepEqual(unknown.nodes.get('single')!.psus, [{ pdu: 'a', outlet: 1, feed: 'unknown', reason: 'outlet 1 state unknown on a', cause: null }]);
  });
});

describe('topology', () => {
  it('nodes fed by a PDU, each once however many of its PSUs it feeds', () => {
    assert.deepEqual(topology.nodesFedBy('a').map((n) => n.name), ['single', 'dual', 'twin', 'other-bank', 'triple']);
    assert.deepEqual(topology.nodesFedBy('c').map((n) => n.name), ['triple']);
    assert.deepEqual(topology.nodesFedBy('d'), []);
    assert.deepEqual(topology.nodesFedBy('nope'), []);
  });

  it('pools of a node, in config order', () => {
    assert.deepEqual(topology.poolsOfNode('dual'), ['web', 'all']);
    assert.deepEqual(topology.poolsOfNode('twin'), ['all']);
    assert.deepEqual(topology.poolsOfNode('triple'), []);
  });

  it('the node and PSU an outlet feeds', () => {
    assert.deepEqual(topology.outletFeeds('a', 4), { node: 'twin', psu: 2 });
    assert.deepEqual(topology.outletFeeds('b', 2), { node: 'dual', psu: 2 });
    assert.deepEqual(topology.outletFeeds('a', 1), { node: 'single', psu: 1 });
    assert.equal(topology.outletFeeds('a', 7), null);
    assert.equal(topology.outletFeeds('d', 1), null);
  });

  it('power domains: the site and each row, with their PDUs (a rack without PDUs adds none)', () => {
    assert.deepEqual(topology.domains, [
      { name: 'site Lab', pdus: ['a', 'b', 'c', 'd'] },
      { name: 'row 1 of Lab', pdus: ['a', 'b'] },
      { name: 'row 2 of Lab', pdus: ['c', 'd'] },
    ]);
  });

  it('configured bank of an outlet: an even, contiguous split, never past the last bank', () => {
    const pdu = (outlets: number, banks: number) => ({ ...topology.pdus.get('a')!, outlets, banks });
    const cases: [outlets: number, banks: number, outlet: number, bank: number][] = [
      [8, 2, 1, 1], [8, 2, 4, 1], [8, 2, 5, 2], [8, 2, 8, 2],
      [8, 3, 3, 1], [8, 3, 4, 2], [8, 3, 6, 2], [8, 3, 7, 3], [8, 3, 8, 3],
      [24, 1, 24, 1], [24, 4, 7, 2], [24, 4, 19, 4], [8, 2, 99, 2],
    ];
    for (const [outlets, banks, outlet, bank] of cases) {
      assert.equal(topology.configuredBank(pdu(outlets, banks), outlet), bank, `outlet ${outlet} of ${outlets} in ${banks} banks`);
    }
  });
});
