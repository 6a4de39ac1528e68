// Edges of the small drain helpers: what folds into a name range (the number must be the whole end of
// the name), and missing data never throwing: a feed on a PDU the topology does not know, a UPS without
// facts or without a reading, a PDU not yet assessed, a node never polled.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PoolConfig } from '../src/config/schema.js';
import { nameRanges } from '../src/drain/describe.js';
import { drainCondition } from '../src/drain/drain-policy.js';
import { frozenDomains } from '../src/drain/mass-failure.js';
import type { Facts, NodeHealth, PowerView, PsuHealth } from '../src/health/power-health.js';
import type { Topology } from '../src/health/topology.js';

describe('nameRanges: the number is matched from the start of the name', () => {
  // A name is matched whole: "a\nn1" has no number at its start-anchored end, so it is no neighbour of n2.
  it('a name with a line break before its number does not start a range', () => {
    assert.equal(nameRanges(['a\nn1', 'n2', 'n3']), 'a\nn1, n2, n3');
  });
  it('a name with a line break before its number does not end a range', () => {
    assert.equal(nameRanges(['n1', 'n2', 'z\nn3']), 'n1, n2, z\nn3');
  });
  it('the same names without the line break do fold', () => {
    assert.equal(nameRanges(['n1', 'n2', 'n3']), 'n1..n3');
  });
});

describe('drainCondition with missing data', () => {
  const pool = {
    name: 'p', members: ['n'],
    drain: { on: ['lost', 'ups-battery'], upsRuntimeBelow: 600_000, debounce: 0, maxDrainedFraction: 1, minHealthy: { count: 0, fraction: 0 }, maxDrainsPerMinute: 0 },
  } as unknown as PoolConfig;
  const up = (pdu: string): PsuHealth => ({ pdu, outlet: 1, feed: 'up', reason: '', cause: null });
  const health = (...psus: PsuHealth[]): NodeHealth => ({ name: 'n', power: 'normal', reachable: true, psus, reason: 'power normal' });
  const topology = { pdus: new Map([['a', { name: 'a', upstream: 'ups-1' }]]) } as unknown as Topology;
  const facts = (pdu: Facts['pdu']): Facts => ({ pdu, node: () => undefined });

  it('a feed on a PDU the topology does not know: no UPS, null', () => {
    assert.equal(drainCondition(pool, health(up('unknown')), topology, facts(() => undefined)), null);
  });
  it('a UPS never polled: null', () => {
    assert.equal(drainCondition(pool, health(up('a')), topology, facts(() => undefined)), null);
  });
  it('a UPS polled without a reading: null', () => {
    assert.equal(drainCondition(pool, health(up('a')), topology, facts(() => ({ reading: null }) as ReturnType<Facts['pdu']>)), null);
  });
  it('a UPS on battery under the threshold still drains (the same data, complete)', () => {
    const onBattery = facts(() => ({ reading: { ups: { source: 'battery', runtime: { value: 120, quality: 'ok' } } } }) as unknown as ReturnType<Facts['pdu']>);
    assert.equal(drainCondition(pool, health(up('a')), topology, onBattery), 'UPS ups-1 on battery, 2 min left');
  });
});

describe('frozenDomains with missing data', () => {
  const feeds: Record<string, string[]> = { p1: ['n1', 'n2'], p2: ['n3', 'n4'], p3: ['n5'] };
  const topology = {
    pdus: new Map(Object.keys(feeds).map((p) => [p, { name: p }])),
    domains: [{ name: 'row 1', pdus: ['p1', 'p2', 'p3'] }],
    nodesFedBy: (p: string) => (feeds[p] ?? []).map((name) => ({ name })),
  } as unknown as Topology;
  const settings = { minPdus: 2, fraction: 0.5 };
  const silent = (...pdus: string[]): PowerView['pdus'] => new Map(pdus.map((p) => [p, { name: p, reachable: false, dark: false }]));

  it('a PDU not assessed yet is not failing', () => {
    const view: PowerView = { nodes: new Map(), pdus: silent('p1') }; // p2, p3 not in the view at all
    const facts: Facts = { pdu: () => undefined, node: () => ({ reachable: true }) as ReturnType<Facts['node']> };
    assert.deepEqual(frozenDomains(topology, view, facts, settings), []);
  });

  it('a node never polled does not count as answering', () => {
    const view: PowerView = { nodes: new Map(), pdus: silent('p1', 'p2') };
    const answering = new Set(['n1', 'n2']); // n3 and n4 never polled: 2 of 4 answer, a real power loss
    const facts: Facts = { pdu: () => undefined, node: (n) => (answering.has(n) ? { reachable: true } as ReturnType<Facts['node']> : undefined) };
    assert.deepEqual(frozenDomains(topology, view, facts, settings), []);
    answering.add('n3');
    assert.deepEqual(frozenDomains(topology, view, facts, settings).map((d) => d.message), [
      '2 of 3 PDUs in row 1 failing at once while 3 of the 4 nodes they feed still answer: the monitoring path, not the power',
    ]);
  });
});
