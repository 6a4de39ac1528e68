// decide() called directly with hand-built inputs: the exact state, gate and message of every
// branch, the debounce arithmetic on its edges, the min-healthy count and formatDuration's units.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PoolConfig } from '../src/config/schema.js';
import type { DrainRecord, Hold } from '../src/drain/drain-store.js';
import { decide, formatDuration, type GateInput } from '../src/drain/gates.js';
import type { NodeHealth } from '../src/health/power-health.js';

type Drain = PoolConfig['drain'];
const pool = (members: string[], drain: Partial<Drain> = {}) => ({
  name: 'p', members,
  drain: { on: ['lost'], upsRuntimeBelow: 600_000, debounce: 0, maxDrainedFraction: 1, minHealthy: { count: 0, fraction: 0 }, maxDrainsPerMinute: 0, ...drain },
}) as unknown as PoolConfig;
const record = (node: string, shadow = false): DrainRecord =>
  ({ pool: 'p', node, reason: 'r', since: 0, chain: { cause: '', impact: '', action: '' }, by: 'breakerbox', shadow });
const hold = (node: string, mode: 'in' | 'out'): Hold => ({ pool: 'p', node, mode, reason: 'why', by: 'alice', since: 1 });
const h = (name: string, power: NodeHealth['power'], reachable: boolean | null = true, reason = `${name} ${power}`): NodeHealth =>
  ({ name, power, reachable, psus: [], reason });

function input(over: Partial<GateInput> & { pool: PoolConfig }): GateInput {
  return {
    now: 100_000, shadow: false, records: new Map(), holds: new Map(), external: new Map(), backendKind: 'haproxy',
    health: () => undefined, condition: () => null, maintenance: () => null, conditionSince: new Map(), reachableSince: () => null,
    frozen: () => null, recentDrains: 0, holdDownMs: 20_000, readmitting: false, ...over,
  };
}
const one = (i: GateInput, node: string) => {
  const d = decide(i).decisions.get(node)!;
  return { state: d.state, gate: d.gate.name, message: d.gate.message, change: d.change };
};

describe('formatDuration', () => {
  for (const [ms, text] of [
    [0, '0 ms'], [1, '1 ms'], [999, '999 ms'], [1_000, '1 s'], [1_499, '1 s'], [1_500, '2 s'], [59_999, '60 s'],
    [60_000, '1 min'], [90_000, '90 s'], [120_000, '2 min'], [-60_000, '-60000 ms'],
  ] as const) it(`${ms} ms → ${text}`, () => assert.equal(formatDuration(ms), text));
});

describe('decide: holds and external', () => {
  it('hold-out', () => {
    assert.deepEqual(one(input({ pool: pool(['a']), holds: new Map([['a', hold('a', 'out')]]) }), 'a'),
      { state: 'held', gate: 'hold-out', message: 'held out by alice: why', change: 'none' });
  });
  it('external-hold, marked with the backend kind', () => {
    const i = input({ pool: pool(['a']), external: new Map([['a', 'MAINT (forced)']]) });
    const d = decide(i).decisions.get('a')!;
    assert.deepEqual(d, { node: 'a', state: 'held', change: 'none', heldBy: 'haproxy',
      gate: { name: 'external-hold', message: 'held in haproxy (MAINT (forced)), not by Breakerbox: left alone' } });
  });
  it('out in the backend but with a drain record: ours, not external', () => {
    const i = input({ pool: pool(['a']), external: new Map([['a', 'MAINT']]), records: new Map([['a', record('a')]]) });
    assert.equal(one(i, 'a').gate, 'power-normal');
  });
  it('hold-in', () => {
    assert.deepEqual(one(input({ pool: pool(['a']), holds: new Map([['a', hold('a', 'in')]]), condition: () => 'lost' }), 'a'),
      { state: 'active', gate: 'hold-in', message: 'pinned in by alice: why', change: 'none' });
  });
});

describe('decide: the way back', () => {
  const back = (health: NodeHealth | undefined, reachableSince: number | null, over: Partial<GateInput> = {}, shadow = false) =>
    one(input({ pool: pool(['a']), records: new Map([['a', record('a', shadow)]]), health: () => health, reachableSince: () => reachableSince, ...over }), 'a');
  it('no health: no longer configured', () => assert.deepEqual(back(undefined, 0), { state: 'drained', gate: 'power-normal', message: 'no longer configured', change: 'none' }));
  it('lost: still without power', () => assert.deepEqual(back(h('a', 'lost'), 0), { state: 'drained', gate: 'power-normal', message: 'still without power', change: 'none' }));
  it('degraded: power degraded', () => assert.equal(back(h('a', 'degraded'), 0).message, 'power degraded'));
  it('a shadow record stays active', () => assert.equal(back(h('a', 'lost'), 0, {}, true).state, 'active'));
  for (const [reachable, since] of [[false, 0], [null, 0], [true, null]] as const) {
    it(`reachable ${reachable}, since ${since}: not answering`, () =>
      assert.deepEqual(back(h('a', 'normal', reachable), since), { state: 'drained', gate: 'reachable', message: 'not answering', change: 'none' }));
  }
  it('one ms short of the hold-down', () =>
    assert.deepEqual(back(h('a', 'normal'), 100_000 - 19_999), { state: 'drained', gate: 'hold-down', message: 'back for less than the 20 s hold-down', change: 'none' }));
  it('exactly the hold-down, no reload: next-reload', () =>
    assert.deepEqual(back(h('a', 'normal'), 80_000), { state: 'drained', gate: 'next-reload', message: 'power normal and answering for the 20 s hold-down: re-admitted at the next reload', change: 'none' }));
  it('at a reload: readmit', () =>
    assert.deepEqual(back(h('a', 'normal'), 0, { readmitting: true, holdDownMs: 60_000 }), { state: 'active', gate: 'readmit', message: 'power normal and answering for the 1 min hold-down: re-admitted', change: 'readmit' }));
  it('a former member (record, no longer in the pool) still goes through the way back', () => {
    const i = input({ pool: pool(['a']), records: new Map([['gone', record('gone')]]), health: (n) => h(n, 'normal'), reachableSince: () => 0, readmitting: true });
    const out = decide(i).decisions;
    assert.equal(out.get('gone')?.gate.name, 'readmit');
    assert.equal(out.get('gone')?.change, 'readmit');
  });
});

describe('decide: only members count for the safety rules', () => {
  // Two members, one lost; a record of a node a reload took out of the pool must not fill the cap or the floor.
  const lost = (over: Partial<GateInput>) => one(input({
    pool: pool(['a', 'b'], over.pool?.drain), records: new Map([['gone', record('gone')]]), health: (n) => h(n, n === 'gone' ? 'lost' : 'normal'),
    condition: (n) => (n === 'a' ? 'a lost' : null), ...over,
  }), 'a');
  it('max-drained-fraction: a former member\'s record takes no room under the cap', () =>
    assert.equal(lost({ pool: pool(['a', 'b'], { maxDrainedFraction: 0.5 }) }).gate, 'drain'));
  it('min-healthy: a former member\'s record is not out of rotation', () =>
    assert.equal(lost({ pool: pool(['a', 'b'], { minHealthy: { count: 1, fraction: 0 } }) }).gate, 'drain'));
});

describe('decide: drain policy, debounce and drain', () => {
  it('not assessed yet / power normal / not a drain under the policy', () => {
    const i = input({ pool: pool(['a', 'b', 'c'], { on: ['lost', 'ups-battery'] }), health: (n) => (n === 'a' ? undefined : n === 'b' ? h('b', 'normal') : h('c', 'degraded', true, 'one feed down')) });
    const d = decide(i).decisions;
    assert.deepEqual([...d.values()].map((x) => [x.node, x.state, x.gate.name, x.gate.message]), [
      ['a', 'active', 'drain-policy', 'not assessed yet'],
      ['b', 'active', 'drain-policy', 'power normal'],
      ['c', 'active', 'drain-policy', "one feed down: not a drain under the pool's policy (drain on lost, ups-battery)"],
    ]);
  });

  it('debounce running: message, conditionSince kept, debounceEndsAt the earliest end', () => {
    const i = input({ pool: pool(['a', 'b', 'c'], { debounce: 60_000 }), condition: () => 'lost power',
      conditionSince: new Map([['a', 70_000], ['b', 50_000]]) });
    const out = decide(i);
    assert.deepEqual(one(i, 'a'), { state: 'active', gate: 'debounce', message: 'lost power for 30 s of the 1 min debounce', change: 'none' });
    assert.equal(out.decisions.get('b')!.gate.message, 'lost power for 50 s of the 1 min debounce');
    assert.equal(out.decisions.get('c')!.gate.message, 'lost power for 0 ms of the 1 min debounce');
    assert.equal(out.debounceEndsAt, 110_000);
    assert.deepEqual([...out.conditionSince], [['a', 70_000], ['b', 50_000], ['c', 100_000]]);
  });

  it('debounce: the earliest end is found whatever the member order', () => {
    const i = input({ pool: pool(['a', 'b'], { debounce: 60_000 }), condition: () => 'x', conditionSince: new Map([['a', 50_000], ['b', 70_000]]) });
    assert.equal(decide(i).debounceEndsAt, 110_000);
  });

  it('debounce: one ms short still waits, exactly the debounce drains', () => {
    const i = input({ pool: pool(['a', 'b'], { debounce: 60_000 }), condition: () => 'lost power', conditionSince: new Map([['a', 40_001], ['b', 40_000]]) });
    const out = decide(i);
    assert.equal(out.decisions.get('a')!.gate.name, 'debounce');
    assert.equal(out.decisions.get('a')!.gate.message, 'lost power for 60 s of the 1 min debounce');
    assert.deepEqual(one(i, 'b'), { state: 'drained', gate: 'drain', message: 'lost power: drained', change: 'drain' });
    assert.equal(out.debounceEndsAt, 100_001);
  });

  it('no debounce running: debounceEndsAt null', () => {
    assert.equal(decide(input({ pool: pool(['a']), condition: () => 'x' })).debounceEndsAt, null);
  });

  it('shadow: would drain', () => {
    assert.deepEqual(one(input({ pool: pool(['a']), condition: () => 'lost power', shadow: true }), 'a'),
      { state: 'active', gate: 'shadow', message: 'lost power: would drain (shadow mode: no backend touched)', change: 'drain' });
  });

  it('a blocked drain names the rule and its message', () => {
    const i = input({ pool: pool(['a', 'b'], { maxDrainsPerMinute: 1 }), condition: (n) => `${n} lost`, recentDrains: 1 });
    assert.deepEqual(one(i, 'a'), { state: 'active', gate: 'rate-limit', change: 'none',
      message: 'a lost; drain blocked by rule rate-limit: at most 1 drains a minute in this pool; 1 in the last minute' });
  });
});

describe('decide: the min-healthy count of members in rotation', () => {
  // 6 members, 1 drained, 1 held out: 4 in rotation. A floor of 3 leaves room for exactly 1.
  const base = (floor: number) => input({
    pool: pool(['a', 'b', 'c', 'd', 'e', 'f'], { minHealthy: { count: floor, fraction: 0 } }),
    records: new Map([['f', record('f')]]), holds: new Map([['e', hold('e', 'out')]]),
    health: (n) => h(n, 'lost'), condition: (n) => (n === 'a' || n === 'b' ? 'lost power' : null),
  });
  it('floor 3: one drains, the other is blocked with the count', () => {
    const out = decide(base(3));
    assert.equal(out.decisions.get('a')!.gate.name, 'drain');
    assert.equal(out.decisions.get('b')!.gate.name, 'min-healthy');
    assert.deepEqual(out.blocked, [{ rule: 'min-healthy', nodes: ['b'], message: 'at least 3 of 6 members stay in rotation; 4 are' }]);
  });
  it('floor 2: both drain', () => {
    const out = decide(base(2));
    assert.deepEqual([out.decisions.get('a')!.gate.name, out.decisions.get('b')!.gate.name], ['drain', 'drain']);
    assert.deepEqual(out.blocked, []);
  });
  it('floor 4: none drains', () => {
    const out = decide(base(4));
    assert.deepEqual(out.blocked, [{ rule: 'min-healthy', nodes: ['a', 'b'], message: 'at least 4 of 6 members stay in rotation; 4 are' }]);
  });
});

describe('decide: a maintenance window that drains', () => {
  const window = (n: string) => (n === 'a' || n === 'b' ? { window: 'w', why: 'maintenance window w: breaker swap' } : null);
  it('takes its members out at once (no debounce), with the window as the reason', () => {
    const i = input({ pool: pool(['a', 'b', 'c'], { debounce: 60_000 }), health: (n) => h(n, 'normal'), maintenance: window });
    const out = decide(i);
    assert.deepEqual(one(i, 'a'), { state: 'drained', gate: 'drain', message: 'maintenance window w: breaker swap: drained', change: 'drain' });
    assert.deepEqual([...out.planned.keys()], ['a', 'b']);
    assert.equal(one(i, 'c').gate, 'drain-policy');
  });
  it('within the safety rules: a floor blocks what would go under it, naming the window', () => {
    const i = input({ pool: pool(['a', 'b', 'c'], { minHealthy: { count: 2, fraction: 0 } }), health: (n) => h(n, 'normal'), maintenance: window });
    const out = decide(i);
    assert.equal(out.decisions.get('a')!.gate.name, 'drain');
    assert.equal(out.decisions.get('b')!.gate.name, 'min-healthy');
    assert.match(out.decisions.get('b')!.gate.message, /^maintenance window w: breaker swap; drain blocked by rule min-healthy/);
  });
  it('an operator\'s hold-in wins: pinned in, never drained', () => {
    assert.equal(one(input({ pool: pool(['a']), holds: new Map([['a', hold('a', 'in')]]), maintenance: window }), 'a').gate, 'hold-in');
  });
  it('a drained member stays out while the window is in force, even at a reload with its power normal', () => {
    const i = input({ pool: pool(['a']), records: new Map([['a', record('a')]]), health: (n) => h(n, 'normal'), reachableSince: () => 0, readmitting: true, maintenance: window });
    assert.deepEqual(one(i, 'a'), { state: 'drained', gate: 'maintenance', message: 'stays out: maintenance window w: breaker swap', change: 'none' });
    assert.equal(one({ ...i, maintenance: () => null }, 'a').gate, 'readmit');
  });
});
