// What a backend is asked to hold for each member, and why: external and operator holds, drained
// records, the safety rule that blocked a drain, and no reason at all for a member with normal power.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PoolConfig } from '../src/config/schema.js';
import { desiredMembership } from '../src/drain/desired-membership.js';
import type { DrainRecord, Hold } from '../src/drain/drain-store.js';
import type { GateName, MemberDecision } from '../src/drain/gates.js';
import type { NodeHealth, PowerView } from '../src/health/power-health.js';
import type { MemberState } from '../src/model.js';

const pool = (members: string[]) => ({ name: 'p', members }) as unknown as PoolConfig;
const decision = (node: string, state: MemberState, gate: GateName, message = `msg ${gate}`): MemberDecision =>
  ({ node, state, change: 'none', gate: { name: gate, message } });
const record = (node: string, since: number): DrainRecord =>
  ({ pool: 'p', node, reason: `rec ${node}`, since, chain: { cause: '', impact: '', action: '' }, by: 'breakerbox', shadow: false });
const health = (name: string, power: NodeHealth['power'], reason: string): NodeHealth => ({ name, power, reachable: true, psus: [], reason });

function run(decisions: MemberDecision[], opts: { records?: DrainRecord[]; holds?: Hold[]; health?: NodeHealth[] } = {}) {
  const view: PowerView = { nodes: new Map((opts.health ?? []).map((h) => [h.name, h])), pdus: new Map() };
  return desiredMembership(
    pool(decisions.map((d) => d.node)),
    new Map(decisions.map((d) => [d.node, d])),
    new Map((opts.records ?? []).map((r) => [r.node, r])),
    new Map((opts.holds ?? []).map((h) => [h.node, h])),
    view,
  );
}

describe('desiredMembership', () => {
  it('an external hold stays held, marked external, with no since', () => {
    assert.deepEqual(run([decision('a', 'held', 'external-hold', 'held in haproxy (MAINT)')], { holds: [{ pool: 'p', node: 'a', mode: 'out', reason: 'r', by: 'x', since: 5 }] }),
      [{ node: 'a', state: 'held', reason: 'held in haproxy (MAINT)', since: null, external: true }]);
  });

  it('an external-hold gate wins even when the decision says active', () => {
    assert.deepEqual(run([decision('a', 'active', 'external-hold', 'ext')]), [{ node: 'a', state: 'held', reason: 'ext', since: null, external: true }]);
  });

  it('an operator hold: held, since from the hold; no hold known: since null', () => {
    const hold: Hold = { pool: 'p', node: 'a', mode: 'out', reason: 'fw', by: 'alice', since: 1234 };
    assert.deepEqual(run([decision('a', 'held', 'hold-out', 'held out by alice: fw'), decision('b', 'held', 'hold-out', 'm')], { holds: [hold] }), [
      { node: 'a', state: 'held', reason: 'held out by alice: fw', since: 1234 },
      { node: 'b', state: 'held', reason: 'm', since: null },
    ]);
  });

  it('drained with a record: the record gives reason and since', () => {
    assert.deepEqual(run([decision('a', 'drained', 'drain')], { records: [record('a', 777)] }),
      [{ node: 'a', state: 'drained', reason: 'rec a', since: 777 }]);
  });

  it('drained without a record, or active with one, is neither taken as drained', () => {
    const out = run([decision('a', 'drained', 'drain'), decision('b', 'active', 'readmit')],
      { records: [record('b', 9)], health: [health('a', 'lost', 'no feed'), health('b', 'normal', 'ok')] });
    assert.deepEqual(out, [
      { node: 'a', state: 'active', reason: 'no feed', since: null },
      { node: 'b', state: 'active', reason: null, since: null },
    ]);
  });

  for (const rule of ['min-healthy', 'max-drained-fraction', 'mass-failure', 'rate-limit'] as const) {
    it(`a drain blocked by ${rule} says so, even with normal power`, () => {
      assert.deepEqual(run([decision('a', 'active', rule)], { health: [health('a', 'normal', 'ok')] }),
        [{ node: 'a', state: 'active', reason: `drain blocked by ${rule}`, since: null }]);
    });
  }

  it('active: normal power has no reason, other power gives its reason, unknown health none', () => {
    const out = run([decision('a', 'active', 'drain-policy'), decision('b', 'active', 'debounce'), decision('c', 'active', 'shadow')],
      { health: [health('a', 'normal', 'all feeds up'), health('b', 'degraded', 'one feed down')] });
    assert.deepEqual(out, [
      { node: 'a', state: 'active', reason: null, since: null },
      { node: 'b', state: 'active', reason: 'one feed down', since: null },
      { node: 'c', state: 'active', reason: null, since: null },
    ]);
  });
});
