// The alert lifecycle (pending → firing → resolved), `for`, flapping and the one function that says
// why an alert is muted: pure logic, in fake time.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AlertEngine, groups, type Alert } from '../src/alerts/alert-engine.js';
import { darkCause } from '../src/health/power-health.js';
import type { Condition } from '../src/alerts/conditions.js';
import { alertsSchema, resolveRules, type AlertSettings } from '../src/alerts/rules.js';
import type { FrozenDomain } from '../src/drain/mass-failure.js';

const settings = (s: unknown = {}): AlertSettings => alertsSchema.parse(s);

function engine(s: unknown = {}, restored: Alert[] = []): AlertEngine {
  const parsed = settings(s);
  return new AlertEngine(() => resolveRules(parsed), () => parsed.flapping, restored);
}

const tripped = (pdu = 'r07-a', bank = 1): Condition => ({
  key: `breaker-tripped:bank:${pdu} bank ${bank}`, rule: 'breaker-tripped', severity: 'critical', subject: { kind: 'bank', name: `${pdu} bank ${bank}` },
  labels: { site: 'dal3', row: 'row 1', rack: 'r07', pdu }, summary: `bank ${bank} breaker tripped on ${pdu}: 20 nodes behind it`, causes: [`bank ${bank} breaker tripped on ${pdu}`],
});
const lost = (node: string, cause = 'bank 1 breaker tripped on r07-a'): Condition => ({
  key: `node-power-lost:node:${node}`, rule: 'node-power-lost', severity: 'critical', subject: { kind: 'node', name: node }, labels: { rack: 'r07', node }, summary: `${node} lost power`, causes: [cause],
});
const unreachable = (kind: 'node' | 'pdu', name: string): Condition => ({
  key: `${kind}-unreachable:${kind}:${name}`, rule: `${kind}-unreachable`, severity: 'warning', subject: { kind, name }, labels: kind === 'pdu' ? { pdu: name } : { node: name }, summary: `${name} does not answer`, causes: [],
});

describe('alert engine', () => {
  it('a condition fires only once it has held for its rule\'s `for`, and resolves when it goes', () => {
    const e = engine();
    const c = unreachable('pdu', 'r07-b'); // pdu-unreachable: for 60 s by default
    let out = e.update([c], 0);
    assert.equal(out.fired.length, 0);
    assert.equal(e.current()[0]!.state, 'pending');
    out = e.update([c], 59_999);
    assert.equal(out.fired.length, 0, 'not before its `for`');
    out = e.update([c], 60_000);
    assert.deepEqual(out.fired.map((a) => a.key), [c.key]);
    assert.equal(out.fired[0]!.firedAt, 60_000);
    assert.equal(e.update([c], 61_000).fired.length, 0, 'fires once');
    out = e.update([], 62_000);
    assert.deepEqual(out.resolved.map((a) => [a.key, a.resolvedAt]), [[c.key, 62_000]]);
    assert.equal(e.current().length, 0);
  });

  it('a condition gone before its `for` never fires nor resolves', () => {
    const e = engine();
    e.update([unreachable('pdu', 'r07-b')], 0);
    const out = e.update([], 30_000);
    assert.deepEqual([out.fired.length, out.resolved.length], [0, 0]);
    assert.equal(e.resolved().length, 0);
  });

  it('`for` comes from the config override', () => {
    const e = engine({ rules: { 'pdu-unreachable': { for: '5s' } } });
    e.update([unreachable('pdu', 'r07-b')], 0);
    assert.equal(e.update([unreachable('pdu', 'r07-b')], 5_000).fired.length, 1);
  });

  it('the nodes a tripped bank took down are grouped under its alert', () => {
    const e = engine();
    const out = e.update([tripped(), lost('scan-057'), lost('scan-058'), lost('scan-099', 'inlet of r09-a without voltage')], 0);
    assert.equal(out.fired.length, 4);
    const by = new Map(e.current().map((a) => [a.subject.name, a]));
    assert.equal(by.get('scan-057')!.group, tripped().key);
    assert.equal(by.get('scan-058')!.group, tripped().key);
    assert.equal(by.get('scan-099')!.group, null, 'another cause: not in the bank\'s story');
    assert.equal(by.get('r07-a bank 1')!.group, null);
  });

  it('muting says why: a node that lost power is not also unreachable; an unreachable PDU mutes its bank', () => {
    const e = engine({ rules: { 'node-unreachable': { for: 0 }, 'pdu-unreachable': { for: 0 } } });
    e.update([lost('scan-057'), unreachable('node', 'scan-057'), unreachable('node', 'scan-200')], 0);
    const by = new Map(e.current().map((a) => [a.key, a]));
    assert.equal(by.get('node-unreachable:node:scan-057')!.muted?.kind, 'inhibited');
    assert.match(by.get('node-unreachable:node:scan-057')!.muted!.why, /scan-057 lost power/);
    assert.equal(by.get('node-unreachable:node:scan-200')!.muted, null, 'a node with power that does not answer pages');
    assert.equal(by.get('node-power-lost:node:scan-057')!.muted, null);

    const e2 = engine({ rules: { 'pdu-unreachable': { for: 0 } } });
    e2.update([tripped('r07-a'), unreachable('pdu', 'r07-a')], 0);
    assert.match(e2.current().find((a) => a.rule === 'breaker-tripped')!.muted!.why, /r07-a does not answer/);
    e2.update([tripped('r07-a')], 1_000);
    assert.equal(e2.current().find((a) => a.rule === 'breaker-tripped')!.muted, null, 'unmuted when the PDU answers again');
  });

  it('inside a frozen domain, node and PDU alerts are muted by its monitoring fault', () => {
    const e = engine({ rules: { 'pdu-unreachable': { for: 0 } } });
    const domain: FrozenDomain = { domain: 'row 1 of dal3', pdus: ['r07-a', 'r08-a'], nodes: new Set(['scan-057']), message: 'PDUs r07-a, r08-a dark while their nodes answer' };
    const fault: Condition = { key: 'monitoring-fault:domain:row 1 of dal3', rule: 'monitoring-fault', severity: 'critical', subject: { kind: 'domain', name: 'row 1 of dal3' }, labels: {}, summary: domain.message, causes: ['monitoring fault in row 1 of dal3'] };
    e.update([fault, unreachable('pdu', 'r07-a'), lost('scan-057', 'r07-a not answering'), lost('scan-300')], 0, { frozen: [domain] });
    const by = new Map(e.current().map((a) => [a.key, a]));
    assert.match(by.get('pdu-unreachable:pdu:r07-a')!.muted!.why, /monitoring fault in row 1 of dal3/);
    assert.equal(by.get('node-power-lost:node:scan-057')!.muted?.kind, 'inhibited');
    assert.equal(by.get('node-power-lost:node:scan-300')!.muted, null, 'outside the domain');
    assert.equal(by.get(fault.key)!.muted, null, 'the monitoring fault itself pages');
    // Without the monitoring-fault alert (disabled), nothing is muted by the domain.
    const off = engine({ rules: { 'pdu-unreachable': { for: 0 } } });
    off.update([unreachable('pdu', 'r07-a')], 0, { frozen: [domain] });
    assert.equal(off.current()[0]!.muted, null);
  });

  it('an alert that changes state more than `changes` times in the window is flapping, muted so, until it settles', () => {
    const e = engine({ flapping: { changes: 4, window: '10m' } });
    const c = lost('scan-057');
    let t = 0;
    const states: boolean[] = [];
    for (let i = 0; i < 6; i++) {
      e.update(i % 2 === 0 ? [c] : [], (t += 10_000));
      states.push(e.current()[0]?.flapping ?? e.resolved().at(-1)!.flapping);
    }
    // fire, resolve, fire, resolve (4 changes: not yet), fire (5th: flapping)
    assert.deepEqual(states.slice(0, 4), [false, false, false, false]);
    assert.equal(states[4], true);
    e.update([c], (t += 10_000));
    const a = e.current()[0]!;
    assert.equal(a.muted?.kind, 'flapping');
    assert.match(a.muted!.why, /changed state 7 times in 10 min/);
    // Settled: no change for the whole window.
    e.update([c], (t += 600_001));
    assert.equal(e.current()[0]!.flapping, false);
    assert.equal(e.current()[0]!.muted, null);
  });

  it('a maintenance window under way mutes what it covers, before any other reason, and names itself', () => {
    const e = engine();
    const window = { name: 'r07-breakers', end: Date.UTC(2026, 11, 12, 6), reason: 'breaker swap' };
    const maintenance = (labels: Alert['labels']) => (labels.rack === 'r07' ? window : null);
    const silence = { id: 1, match: { rack: 'r07' }, until: 100_000, by: 'ana', reason: 'x', created: 0 };
    e.update([tripped(), lost('scan-057'), unreachable('node', 'web-01')], 0, { maintenance, silences: [silence] });
    const by = () => new Map(e.current().map((a) => [a.rule, a]));
    assert.deepEqual(by().get('breaker-tripped')!.muted, { kind: 'maintenance', why: 'in maintenance window r07-breakers until 2026-12-12T06:00:00.000Z: breaker swap' });
    assert.equal(by().get('node-power-lost')!.muted?.kind, 'maintenance');
    assert.equal(by().get('node-unreachable')!.muted, null, 'outside the window');
    e.update([tripped(), lost('scan-057')], 1_000, { silences: [silence] });
    assert.deepEqual(by().get('breaker-tripped')!.muted?.kind, 'silenced', 'the window over: the silence still holds');
    assert.equal(by().get('breaker-tripped')!.muted?.silence, 1, 'names the silence, so it can be ended');
  });

  it('a silence mutes what matches all its fields until it ends; an acknowledgement mutes its alert', () => {
    const e = engine();
    const silence = { id: 1, match: { rack: 'r07', rule: 'breaker-tripped' }, until: 10_000, by: 'ana', reason: 'planned work', created: 0 };
    e.update([tripped(), lost('scan-057')], 0, { silences: [silence] });
    const by = () => new Map(e.current().map((a) => [a.rule, a]));
    assert.equal(by().get('breaker-tripped')!.muted?.kind, 'silenced');
    assert.match(by().get('breaker-tripped')!.muted!.why, /silenced by ana until 1970-01-01T00:00:10\.000Z: planned work/);
    assert.equal(by().get('node-power-lost')!.muted, null, 'another rule: not matched');
    e.update([tripped(), lost('scan-057')], 10_000, { silences: [silence] });
    assert.equal(by().get('breaker-tripped')!.muted, null, 'ended at its `until`');
    const id = by().get('node-power-lost')!.id;
    assert.equal(e.acknowledge(id, { by: 'bo', reason: 'looking', at: 10_500 })!.id, id);
    e.update([tripped(), lost('scan-057')], 11_000);
    assert.deepEqual(by().get('node-power-lost')!.muted, { kind: 'acknowledged', why: 'acknowledged by bo: looking' });
    assert.equal(e.acknowledge(424242, { by: 'bo', reason: 'x', at: 0 }), null);
  });

  it('alerts restored from the database go on where they were: a firing alert does not fire again', () => {
    const e = engine();
    e.update([tripped()], 0);
    const saved = structuredClone(e.current());
    const again = engine({}, saved);
    const out = again.update([tripped()], 5_000);
    assert.equal(out.fired.length, 0);
    assert.equal(again.current()[0]!.firedAt, 0);
    const next = again.update([tripped('r08-a')], 6_000);
    assert.ok(next.fired[0]!.id > saved[0]!.id, 'ids go on after the restored ones');
    // Just started, before the facts are fresh: a condition not seen is not gone.
    const fresh = engine({}, structuredClone(saved).map((a) => ({ ...a, state: 'firing' as const, resolvedAt: null })));
    assert.equal(fresh.update([], 7_000, {}, true).resolved.length, 0);
    assert.equal(fresh.current()[0]!.state, 'firing');
    assert.equal(fresh.update([], 8_000).resolved.length, 1, 'once fresh, it resolves');
  });
});

describe('alert rules in the config', () => {
  it('override a rule\'s severity, for and thresholds; the rest keep their defaults', () => {
    const rules = resolveRules(settings({ rules: { 'load-high': { threshold: 90, clear: 85, severity: 'critical' } } }));
    assert.deepEqual(rules['load-high'], { enabled: true, severity: 'critical', for: 60_000, threshold: 90, clear: 85 });
    assert.equal(rules['node-power-lost'].severity, 'critical');
  });

  it('refuse an unknown rule, a threshold on a rule without one, and a clear level that could never clear', () => {
    assert.throws(() => settings({ rules: { 'no-such-rule': {} } }));
    const issues = (s: unknown) => alertsSchema.safeParse(s).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [];
    assert.match(issues({ rules: { 'node-power-lost': { threshold: 5 } } })[0]!, /rules\.node-power-lost: node-power-lost has no threshold/);
    assert.match(issues({ rules: { 'load-high': { clear: 85 } } })[0]!, /rules\.load-high\.clear: clear \(85\) must be at or below threshold \(80\)/);
    assert.match(issues({ rules: { 'ups-runtime-low': { threshold: 900, clear: 600 } } })[0]!, /at or above threshold \(900\)/);
    assert.deepEqual(issues({ rules: { 'ups-runtime-low': { threshold: 300, clear: 600 } } }), []);
  });
});

describe('alert rules in a config file', () => {
  it('a bad override is refused naming the file, the line and the key', async () => {
    const { parseConfigText, ConfigError } = await import('../src/config/load-config.js');
    const text = [
      'sites: [{name: s, rows: [{name: r1, racks: [r01]}]}]',
      'settings:',
      '  alerts:',
      '    rules:',
      '      load-high:',
      '        threshold: 80',
      '        clear: 95',
    ].join('\n');
    try {
      parseConfigText(text, 'site.yaml');
      assert.fail('accepted a clear level above the threshold');
    } catch (err) {
      assert.ok(err instanceof ConfigError);
      const p = err.problems[0]!;
      assert.equal(p.file, 'site.yaml');
      assert.equal(p.line, 7);
      assert.match(`${p.path}: ${p.message}`, /settings\.alerts\.rules\.load-high\.clear: clear \(95\) must be at or below threshold \(80\)/);
    }
  });
});

describe('grouping: one story per cause, one per site-wide event', () => {
  const mk = (o: Partial<Alert> & Pick<Alert, 'key' | 'rule'>, id: number): Alert => ({
    id, severity: 'critical', subject: { kind: 'bank', name: o.key }, labels: { site: 'Dallas 3' }, summary: o.key, causes: [], state: 'firing', since: 0, firedAt: 0,
    resolvedAt: null, flapping: false, muted: null, group: null, ...o,
  });
  const trip = (pdu: string, firedAt: number, id: number, site = 'Dallas 3') => mk({ key: `breaker-tripped:bank:${pdu} bank 1`, rule: 'breaker-tripped', causes: [`bank 1 breaker tripped on ${pdu}`], firedAt, labels: { site } }, id);
  const node = (name: string, cause: string, id: number, firedAt = 0) => mk({ key: `node-power-lost:node:${name}`, rule: 'node-power-lost', subject: { kind: 'node', name }, causes: [cause], firedAt }, id);
  const keys = (m: Map<Alert, string | null>) => [...m].sort(([a], [b]) => a.id - b.id).map(([a, g]) => [a.key, g]);

  it('faults at one site within the minute are one event; its nodes stay under their own fault', () => {
    const a = trip('r07-a', 0, 1);
    const b = trip('r01-a', 59_000, 2);
    const n = node('scan-001', 'bank 1 breaker tripped on r01-a', 3, 59_000);
    assert.deepEqual(keys(groups([a, b, n], () => null)), [[a.key, null], [b.key, a.key], [n.key, b.key]]);
  });
  it('later than the minute, or at another site: a story of its own', () => {
    assert.deepEqual(keys(groups([trip('r07-a', 0, 1), trip('r01-a', 60_001, 2)], () => null)).map(([, g]) => g), [null, null]);
    assert.deepEqual(keys(groups([trip('r07-a', 0, 1), trip('r01-a', 1_000, 2, 'Frankfurt 1')], () => null)).map(([, g]) => g), [null, null]);
  });
  it('a fault muted for its place (maintenance, a silence) does not lead, nor join; an acknowledged one still leads', () => {
    const a = trip('r07-a', 0, 1);
    const b = trip('r01-a', 1_000, 2);
    for (const kind of ['maintenance', 'silenced', 'inhibited'] as const) {
      assert.deepEqual(keys(groups([a, b], (x) => (x === a ? { kind, why: '' } : null))).map(([, g]) => g), [null, null], kind);
      assert.deepEqual(keys(groups([a, b], (x) => (x === b ? { kind, why: '' } : null))).map(([, g]) => g), [null, null], kind);
    }
    assert.deepEqual(keys(groups([a, b], (x) => (x === a ? { kind: 'acknowledged', why: '' } : null))).map(([, g]) => g), [null, a.key]);
  });
  it('nodes of a cause no alert stands for (an inlet without voltage) are grouped under the first of them', () => {
    const cause = 'inlet of r07-a without voltage';
    const [x, y, z] = [node('scan-002', cause, 2), node('scan-001', cause, 1), node('scan-003', cause, 3)];
    assert.deepEqual(keys(groups([x, y, z], () => null)), [[y.key, null], [x.key, y.key], [z.key, y.key]]);
  });
  it('nodes of a dark PDU are grouped under its alert, pending or firing', () => {
    const dark = mk({ key: 'pdu-unreachable:pdu:r07-a', rule: 'pdu-unreachable', causes: [darkCause('r07-a')], state: 'pending', firedAt: null }, 1);
    const n = node('scan-001', darkCause('r07-a'), 2);
    assert.deepEqual(keys(groups([dark, n], () => null)), [[dark.key, null], [n.key, dark.key]]);
  });
});
