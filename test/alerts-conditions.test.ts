// What each rule looks at: pure conditions from a small site, its facts and power view.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { conditions, type ConditionInput } from '../src/alerts/conditions.js';
import { alertsSchema, resolveRules } from '../src/alerts/rules.js';
import { parseConfigText } from '../src/config/load-config.js';
import { assessPower, darkCause } from '../src/health/power-health.js';
import { Topology } from '../src/health/topology.js';
import type { DeviceReading } from '../src/model.js';
import { StateStore } from '../src/state/state-store.js';
import { nodeReading, pduReading } from './helpers/synthetic-readings.js';

const config = parseConfigText(`
sites: [{name: dal3, rows: [{name: row 1, racks: [r01]}]}]
pdus:
  - {name: r01-a, rack: r01, feed: A, address: 127.0.0.1, outlets: 4, banks: 2}
  - {name: r01-b, rack: r01, feed: B, address: 127.0.0.2, outlets: 4, banks: 2}
  - {name: ups-1, rack: r01, address: 127.0.0.3, outlets: 1}
nodes:
  - {name: n1, rack: r01, address: 127.0.1.1, psus: [{pdu: r01-a, outlet: 1}, {pdu: r01-b, outlet: 1}]}
  - {name: n2, rack: r01, address: 127.0.1.2, psus: [{pdu: r01-a, outlet: 3}]}
`, 'site.yaml');
const topology = new Topology(config);
const NOW = 1_000_000;

function site(o: { a?: Partial<DeviceReading>; states?: ('on' | 'off')[]; bankAmps?: number; ups?: DeviceReading['ups']; ats?: DeviceReading['ats']; aPolledAt?: number } = {}) {
  const store = new StateStore();
  const a = { ...pduReading(topology, topology.pdus.get('r01-a')!, o.states ?? ['on', 'on', 'on', 'on']), ...o.a };
  if (o.bankAmps !== undefined) a.banks = a.banks.map((b) => (b.index === 1 ? { ...b, current: { value: o.bankAmps!, quality: 'ok' as const } } : b));
  store.recordPdu('r01-a', o.aPolledAt ?? NOW, { ok: true, reading: a });
  store.recordPdu('r01-b', NOW, { ok: true, reading: pduReading(topology, topology.pdus.get('r01-b')!, ['on', 'on', 'on', 'on']) });
  store.recordPdu('ups-1', NOW, { ok: true, reading: { ...pduReading(topology, topology.pdus.get('ups-1')!, ['on']), kind: 'ups', ups: o.ups ?? null, ats: o.ats ?? null } });
  for (const n of ['n1', 'n2']) store.recordNode(n, NOW, { ok: true, reading: nodeReading });
  return store;
}

function input(store: StateStore, o: Partial<ConditionInput> & { alerts?: unknown } = {}): ConditionInput {
  return {
    topology, facts: store, now: NOW, staleMs: 90_000, view: assessPower(topology, store, NOW, 90_000),
    rules: resolveRules(alertsSchema.parse(o.alerts ?? {})), frozen: [], blocked: new Map(), failingBackends: new Map(), pollsStale: null, active: () => false,
    ...o,
  };
}

const keys = (i: ConditionInput) => conditions(i).map((c) => c.key).sort();
const measure = (value: number) => ({ value, quality: 'ok' as const });
const ups = (source: 'mains' | 'battery', runtime: number) => ({
  source, batteryStatus: 'normal' as const, charge: measure(90), runtime: measure(runtime), timeOnBattery: measure(0), load: measure(30), inputVoltage: measure(230), inputFrequency: measure(50),
  outputVoltage: measure(230), outputCurrent: measure(4), outputPower: measure(900), outputFrequency: measure(50), batteryVoltage: measure(54), temperature: measure(25), alarms: measure(0),
});

describe('alert conditions', () => {
  it('a healthy site has none', () => {
    assert.deepEqual(keys(input(site())), []);
  });

  it('a tripped bank: the breaker, the node on it alone lost power, the dual-corded one degraded, with the bank as their cause', () => {
    const found = conditions(input(site({ states: ['off', 'off', 'off', 'off'] })));
    const by = new Map(found.map((c) => [c.key, c]));
    assert.deepEqual([...by.keys()].sort(), ['breaker-tripped:bank:r01-a bank 1', 'breaker-tripped:bank:r01-a bank 2', 'node-power-degraded:node:n1', 'node-power-lost:node:n2']);
    const bank = by.get('breaker-tripped:bank:r01-a bank 1')!;
    assert.deepEqual(bank.labels, { site: 'dal3', row: 'row 1', rack: 'r01', pdu: 'r01-a' });
    assert.match(bank.summary, /1 node behind it/);
    assert.deepEqual(by.get('node-power-lost:node:n2')!.causes, ['bank 2 breaker tripped on r01-a']);
    assert.deepEqual(by.get('node-power-degraded:node:n1')!.causes, ['bank 1 breaker tripped on r01-a']);
  });

  it('load-high raises at its threshold and clears only below its clear level (hysteresis); at 100% it is critical', () => {
    // Bank 1 of r01-a: rating 20 A. Threshold 80% (16 A), clear 75% (15 A).
    assert.deepEqual(keys(input(site({ bankAmps: 15.9 }))), []);
    const raised = conditions(input(site({ bankAmps: 16 })));
    assert.deepEqual(raised.map((c) => [c.key, c.severity]), [['load-high:bank:r01-a bank 1', 'warning']]);
    const active = () => true;
    assert.equal(conditions(input(site({ bankAmps: 15.5 }), { active })).length, 1, 'between clear and threshold, an active alert stays');
    assert.equal(conditions(input(site({ bankAmps: 15.5 }))).length, 0, '…and an inactive one is not raised');
    assert.equal(conditions(input(site({ bankAmps: 15 }), { active })).length, 0, 'at its clear level it clears');
    assert.equal(conditions(input(site({ bankAmps: 20 })))[0]!.severity, 'critical');
    assert.deepEqual(keys(input(site({ bankAmps: 17 }), { alerts: { rules: { 'load-high': { threshold: 90, clear: 85 } } } })), [], 'thresholds from the config');
  });

  it('a PDU\'s stale reading raises nothing of its own (its unreachable alert speaks for it)', () => {
    assert.deepEqual(keys(input(site({ states: ['off', 'on', 'off', 'on'], aPolledAt: NOW - 120_000 }))).filter((k) => k.startsWith('breaker')), []);
  });

  it('a UPS on battery, and its runtime low with its own hysteresis', () => {
    assert.deepEqual(keys(input(site({ ups: ups('mains', 3_600) }))), []);
    assert.deepEqual(keys(input(site({ ups: ups('battery', 1_200) }))), ['ups-on-battery:ups:ups-1']);
    assert.deepEqual(keys(input(site({ ups: ups('battery', 500) }))), ['ups-on-battery:ups:ups-1', 'ups-runtime-low:ups:ups-1']);
    assert.deepEqual(keys(input(site({ ups: ups('battery', 700) }), { active: (k) => k.startsWith('ups-runtime') })), ['ups-on-battery:ups:ups-1', 'ups-runtime-low:ups:ups-1'], 'below 900 s it stays');
    assert.deepEqual(keys(input(site({ ups: ups('mains', 950) }), { active: () => true })), []);
  });

  it('an ATS that lost redundancy', () => {
    const ats = { activeSource: 'B' as const, redundancy: 'lost' as const, sourceAVoltage: measure(0), sourceBVoltage: measure(230), outputVoltage: measure(230), sourceACurrent: measure(0), sourceBCurrent: measure(4), outputCurrent: measure(4) };
    assert.deepEqual(keys(input(site({ ats }))), ['ats-redundancy-lost:ats:ups-1']);
  });

  it('unreachable devices, blocked drains, failing backends, a monitoring fault and Breakerbox\'s own stale polls', () => {
    const store = site();
    store.recordPdu('r01-b', NOW, { ok: false, error: 'timeout', answered: false });
    store.recordNode('n2', NOW, { ok: false, error: 'timeout', answered: false });
    const found = keys(input(store, {
      blocked: new Map([['web', [{ rule: 'min-healthy' as const, message: 'would leave 1 of 4', nodes: ['n1'] }]]]),
      failingBackends: new Map([['web', 'connect ECONNREFUSED (3 attempts)']]),
      frozen: [{ domain: 'row 1 of dal3', pdus: ['r01-a', 'r01-b'], nodes: new Set(['n1']), message: 'two PDUs dark while n1 answers' }],
      pollsStale: 'no poll recorded for 95 s',
    }));
    assert.deepEqual(found, [
      'backend-failing:pool:web', 'drain-blocked:pool:web min-healthy', 'monitoring-fault:domain:row 1 of dal3', 'node-unreachable:node:n2', 'pdu-unreachable:pdu:r01-b', 'polls-stale:breakerbox:polls',
    ]);
  });

  it('a dark PDU (its node silent too) is a power loss: the nodes\' cause, and it fires as a power loss would', () => {
    const store = site();
    store.recordPdu('r01-a', NOW, { ok: false, error: 'timeout', answered: false });
    store.recordNode('n2', NOW, { ok: false, error: 'timeout', answered: false });
    const by = new Map(conditions(input(store)).map((c) => [c.key, c]));
    const pdu = by.get('pdu-unreachable:pdu:r01-a')!;
    assert.deepEqual([pdu.causes, pdu.forMs], [[darkCause('r01-a')], 0]);
    assert.deepEqual(by.get('node-power-lost:node:n2')!.causes, [darkCause('r01-a')]);
    const quiet = conditions(input(site(), {})).length;
    assert.equal(quiet, 0);
    const silentCard = site();
    silentCard.recordPdu('r01-a', NOW, { ok: false, error: 'timeout', answered: false });
    const card = conditions(input(silentCard)).find((c) => c.key === 'pdu-unreachable:pdu:r01-a')!;
    assert.deepEqual([card.causes, card.forMs], [[], undefined], 'its nodes answer: the card, after the rule\'s own patience');
  });

  it('a disabled rule raises nothing', () => {
    const found = keys(input(site({ states: ['off', 'off', 'off', 'off'] }), { alerts: { rules: { 'node-power-degraded': { enabled: false }, 'breaker-tripped': { enabled: false } } } }));
    assert.deepEqual(found, ['node-power-lost:node:n2']);
  });
});
