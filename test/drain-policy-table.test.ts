// The drain policy, the mass-failure freeze, the safety rules and ownership called directly with
// hand-built topology and facts: exact reasons, and each threshold on its edge.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BackendState } from '../src/backends/pool-backend.js';
import type { PoolConfig } from '../src/config/schema.js';
import { drainCondition } from '../src/drain/drain-policy.js';
import { frozenDomains } from '../src/drain/mass-failure.js';
import { Ownership } from '../src/drain/ownership.js';
import { applySafetyRules } from '../src/drain/safety-rules.js';
import type { Facts, NodeHealth, PowerView, PsuHealth } from '../src/health/power-health.js';
import type { Topology } from '../src/health/topology.js';

type Drain = PoolConfig['drain'];
const pool = (members: string[], drain: Partial<Drain> = {}) => ({
  name: 'p', members,
  drain: { on: ['lost'], upsRuntimeBelow: 600_000, debounce: 0, maxDrainedFraction: 1, minHealthy: { count: 0, fraction: 0 }, maxDrainsPerMinute: 0, ...drain },
}) as unknown as PoolConfig;
const psu = (pdu: string, feed: PsuHealth['feed'] = 'up'): PsuHealth => ({ pdu, outlet: 1, feed, reason: '', cause: null });
const health = (power: NodeHealth['power'], psus: PsuHealth[], reason = `power ${power}`): NodeHealth => ({ name: 'n', power, reachable: true, psus, reason });

/** PDUs fed by UPSes (pdu → ups), and each UPS's source and runtime in seconds. */
function upsWorld(upstream: Record<string, string | undefined>, ups: Record<string, { source: string; runtime: number | null; quality?: string }>) {
  const topology = { pdus: new Map(Object.entries(upstream).map(([p, u]) => [p, { name: p, upstream: u }])) } as unknown as Topology;
  const facts = {
    pdu: (name: string) => (ups[name] ? { reading: { ups: { source: ups[name]!.source, runtime: { value: ups[name]!.runtime, quality: ups[name]!.quality ?? 'ok' } } } } : undefined),
    node: () => undefined,
  } as unknown as Facts;
  return { topology, facts };
}

describe('drainCondition', () => {
  const batt = pool(['n'], { on: ['lost', 'ups-battery'], upsRuntimeBelow: 600_000 });
  const w = upsWorld({ a: 'ups-1', b: 'ups-1', c: 'ups-2', d: undefined }, {
    'ups-1': { source: 'battery', runtime: 299 }, 'ups-2': { source: 'battery', runtime: 420 },
  });
  it('no health: null', () => assert.equal(drainCondition(batt, undefined, w.topology, w.facts), null));
  it('lost always drains with its reason', () => assert.equal(drainCondition(pool(['n'], { on: [] }), health('lost', [], 'no feed'), w.topology, w.facts), 'no feed'));
  it('degraded drains only when the policy says so', () => {
    assert.equal(drainCondition(pool(['n'], { on: ['lost', 'degraded'] }), health('degraded', [psu('zz')], 'one down'), w.topology, w.facts), 'one down');
    assert.equal(drainCondition(pool(['n']), health('degraded', [psu('a')], 'one down'), w.topology, w.facts), null);
  });
  it('ups-battery: reason with minutes left (rounded), same UPS once, several joined with "; "', () => {
    assert.equal(drainCondition(batt, health('normal', [psu('a')]), w.topology, w.facts), 'UPS ups-1 on battery, 5 min left');
    assert.equal(drainCondition(batt, health('normal', [psu('a'), psu('b')]), w.topology, w.facts), 'UPS ups-1 on battery, 5 min left');
    assert.equal(drainCondition(batt, health('normal', [psu('a'), psu('c')]), w.topology, w.facts), 'UPS ups-1 on battery, 5 min left; UPS ups-2 on battery, 7 min left');
  });
  it('a feed that is not up is skipped; with none up, null', () => {
    assert.equal(drainCondition(batt, health('degraded', [psu('d', 'down'), psu('a')]), w.topology, w.facts), 'UPS ups-1 on battery, 5 min left');
    assert.equal(drainCondition(batt, health('degraded', [psu('d', 'unknown' as PsuHealth['feed'])]), w.topology, w.facts), null);
  });
  it('a feed without a UPS on battery below the threshold: null', () => {
    assert.equal(drainCondition(batt, health('normal', [psu('a'), psu('d')]), w.topology, w.facts), null, 'no UPS upstream');
    const online = upsWorld({ a: 'u' }, { u: { source: 'online', runtime: 10 } });
    assert.equal(drainCondition(batt, health('normal', [psu('a')]), online.topology, online.facts), null);
    const unknown = upsWorld({ a: 'u' }, { u: { source: 'battery', runtime: 10, quality: 'stale' } });
    assert.equal(drainCondition(batt, health('normal', [psu('a')]), unknown.topology, unknown.facts), null);
  });
  it('runtime threshold: one second under drains, exactly at it does not', () => {
    const at = upsWorld({ a: 'u' }, { u: { source: 'battery', runtime: 600 } });
    assert.equal(drainCondition(batt, health('normal', [psu('a')]), at.topology, at.facts), null);
    const under = upsWorld({ a: 'u' }, { u: { source: 'battery', runtime: 599 } });
    assert.equal(drainCondition(batt, health('normal', [psu('a')]), under.topology, under.facts), 'UPS u on battery, 10 min left');
  });
  it('ups-battery not in the policy: null', () => assert.equal(drainCondition(pool(['n']), health('normal', [psu('a')]), w.topology, w.facts), null));
});

describe('frozenDomains', () => {
  // Row r1: PDUs p1..p4, each feeding its own two nodes; the site holds r1 and p5.
  const feeds: Record<string, string[]> = { p1: ['n1', 'n2'], p2: ['n3', 'n4'], p3: ['n5', 'n6'], p4: ['n7', 'n8'], p5: [] };
  const topology = {
    pdus: new Map(Object.keys(feeds).map((p) => [p, { name: p }])),
    domains: [{ name: 'row r1', pdus: ['p1', 'p2', 'p3', 'p4'] }],
    nodesFedBy: (p: string) => (feeds[p] ?? []).map((name) => ({ name })),
  } as unknown as Topology;
  const view = (silent: string[], down: string[] = []): PowerView => ({
    pdus: new Map(Object.keys(feeds).map((p) => [p, { name: p, reachable: !silent.includes(p), dark: false }])),
    nodes: new Map(down.map((p) => [`x-${p}`, { name: `x-${p}`, power: 'lost', reachable: true, reason: '', psus: [psu(p, 'down')] }])),
  });
  const facts = (answering: string[]): Facts => ({ pdu: () => undefined, node: (n) => ({ reachable: answering.includes(n) }) as ReturnType<Facts['node']> });
  const settings = { minPdus: 2, fraction: 0.5 };

  it('two PDUs silent while their nodes answer: frozen, with the message', () => {
    const out = frozenDomains(topology, view(['p1', 'p2']), facts(['n1', 'n2', 'n3', 'n4']), settings);
    assert.equal(out.length, 1);
    assert.deepEqual({ ...out[0], nodes: [...out[0]!.nodes] }, {
      domain: 'row r1', pdus: ['p1', 'p2'], nodes: ['n1', 'n2', 'n3', 'n4'],
      message: '2 of 4 PDUs in row r1 failing at once while 4 of the 4 nodes they feed still answer: the monitoring path, not the power',
    });
  });
  it('a PDU reporting a dead feed counts as failing', () => {
    assert.deepEqual(frozenDomains(topology, view(['p1'], ['p2']), facts(['n1', 'n2', 'n3', 'n4']), settings).map((d) => d.pdus), [['p1', 'p2']]);
  });
  it('one failing PDU is under minPdus: nothing frozen', () => {
    assert.deepEqual(frozenDomains(topology, view(['p1']), facts(['n1', 'n2']), settings), []);
  });
  it('failing PDUs outside every domain reach minPdus overall but freeze no domain', () => {
    assert.deepEqual(frozenDomains(topology, view(['p1', 'p5']), facts(['n1', 'n2']), { minPdus: 2, fraction: 0 }), []);
  });
  it('minPdus 1 with one failing PDU: frozen', () => {
    assert.equal(frozenDomains(topology, view(['p1']), facts(['n1', 'n2']), { minPdus: 1, fraction: 0.25 }).length, 1);
  });
  it('exactly half the nodes answering is a real power loss; more than half freezes', () => {
    assert.deepEqual(frozenDomains(topology, view(['p1', 'p2']), facts(['n1', 'n2']), settings), []);
    assert.equal(frozenDomains(topology, view(['p1', 'p2']), facts(['n1', 'n2', 'n3']), settings)[0]?.message,
      '2 of 4 PDUs in row r1 failing at once while 3 of the 4 nodes they feed still answer: the monitoring path, not the power');
  });
  it('failing PDUs that feed no node freeze nothing', () => {
    const bare = { ...topology, nodesFedBy: () => [] } as unknown as Topology;
    assert.deepEqual(frozenDomains(bare, view(['p1', 'p2']), facts([]), settings), []);
  });
  it('under the domain fraction: nothing frozen', () => {
    assert.deepEqual(frozenDomains(topology, view(['p1', 'p2']), facts(['n1', 'n2', 'n3', 'n4']), { minPdus: 2, fraction: 0.75 }), []);
  });
});

describe('applySafetyRules', () => {
  const ctx = (p: PoolConfig, over: { active?: number; drained?: number; recentDrains?: number; frozen?: (n: string) => string | null } = {}) =>
    ({ pool: p, active: over.active ?? p.members.length, drained: over.drained ?? 0, recentDrains: over.recentDrains ?? 0, frozen: over.frozen ?? (() => null) });
  const members = Array.from({ length: 12 }, (_, i) => `scan-${i + 1}`);

  it('admits in numeric name order: scan-2 before scan-10', () => {
    const p = pool(members, { maxDrainsPerMinute: 1 });
    const r = applySafetyRules(ctx(p), ['scan-10', 'scan-2']);
    assert.deepEqual(r.admitted, ['scan-2']);
    assert.deepEqual(r.blocked, [{ rule: 'rate-limit', nodes: ['scan-10'], message: 'at most 1 drains a minute in this pool; 0 in the last minute' }]);
  });
  it('rate limit counts the last minute; at the limit every candidate waits', () => {
    const p = pool(members, { maxDrainsPerMinute: 3 });
    assert.deepEqual(applySafetyRules(ctx(p, { recentDrains: 2 }), ['scan-1', 'scan-2']).blocked,
      [{ rule: 'rate-limit', nodes: ['scan-2'], message: 'at most 3 drains a minute in this pool; 2 in the last minute' }]);
    assert.deepEqual(applySafetyRules(ctx(p, { recentDrains: 3 }), ['scan-1']).admitted, []);
  });
  it('max drained fraction and mass failure messages', () => {
    const p = pool(members.slice(0, 4), { maxDrainedFraction: 0.5 });
    assert.deepEqual(applySafetyRules(ctx(p, { drained: 1 }), ['scan-1', 'scan-2']).blocked,
      [{ rule: 'max-drained-fraction', nodes: ['scan-2'], message: 'at most 2 of 4 members (50%) may be drained; 1 already are' }]);
    assert.deepEqual(applySafetyRules(ctx(p, { frozen: (n) => (n === 'scan-3' ? 'row frozen' : null) }), ['scan-3', 'scan-1']),
      { admitted: ['scan-1'], blocked: [{ rule: 'mass-failure', nodes: ['scan-3'], message: 'row frozen' }] });
  });
});

describe('Ownership', () => {
  const state = (out: Record<string, string>): BackendState => ({ active: new Set(), out: new Map(Object.entries(out)) }) as unknown as BackendState;
  it('external: out in the backend, not ours and not on its way back', () => {
    const o = new Ownership();
    assert.deepEqual(o.external('p'), new Map());
    o.letBack('p', 'b');
    o.letBack('p', 'c');
    const ext = o.read('p', state({ a: 'MAINT', b: 'DRAIN', c: 'MAINT', d: 'MAINT' }), (n) => n === 'd');
    assert.deepEqual([...ext], [['a', 'MAINT']]);
    assert.deepEqual([...o.external('p')], [['a', 'MAINT']]);
    assert.deepEqual(o.external('other'), new Map());
  });
  it('once applied, nothing is on its way back any more', () => {
    const o = new Ownership();
    o.letBack('p', 'b');
    o.applied('p');
    assert.deepEqual([...o.read('p', state({ b: 'MAINT' }), () => false)], [['b', 'MAINT']]);
  });
  it('letting back in one pool leaves another pool alone', () => {
    const o = new Ownership();
    o.letBack('q', 'b');
    assert.deepEqual([...o.read('p', state({ b: 'MAINT' }), () => false)], [['b', 'MAINT']]);
  });
});
