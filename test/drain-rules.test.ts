import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { poolSchema } from '../src/config/schema.js';
import { nameRanges, numberRanges } from '../src/drain/describe.js';
import { applySafetyRules, type RuleContext } from '../src/drain/safety-rules.js';

const pool = (n: number, maxDrainedFraction: number) => poolSchema.parse({
  name: 'p', members: Array.from({ length: n }, (_, i) => `n-${String(i + 1).padStart(3, '0')}`),
  backend: { type: 'file', dir: 'x' }, drain: { maxDrainedFraction },
});
const ctx = (n: number, fraction: number, drained = 0): RuleContext => ({ pool: pool(n, fraction), active: n - drained, drained, recentDrains: 0, frozen: () => null });

describe('max-drained-fraction', () => {
  it('admits up to the cap and names the rule for the rest', () => {
    const c = ctx(80, 0.5, 30);
    const { admitted, blocked } = applySafetyRules(c, c.pool.members.slice(0, 15));
    assert.equal(admitted.length, 10);
    assert.equal(blocked[0]?.rule, 'max-drained-fraction');
    assert.equal(blocked[0]?.nodes.length, 5);
    assert.match(blocked[0]!.message, /at most 40 of 80/);
  });
  it('with two members and 50% only one may go; with one member none ("at least one" would be 100%)', () => {
    assert.equal(applySafetyRules(ctx(2, 0.5), ['n-001', 'n-002']).admitted.length, 1);
    assert.equal(applySafetyRules(ctx(1, 0.5), ['n-001']).admitted.length, 0);
  });
  it('admits in name order, so the same fault picks the same nodes', () => {
    assert.deepEqual(applySafetyRules(ctx(10, 0.2), ['n-009', 'n-003', 'n-005']).admitted, ['n-003', 'n-005']);
  });
  it('nothing to drain, nothing blocked', () => {
    assert.deepEqual(applySafetyRules(ctx(10, 0.5), []), { admitted: [], blocked: [] });
  });
  it('a frozen power domain blocks its nodes under mass-failure', () => {
    const c = { ...ctx(10, 0.5), frozen: (n: string) => (n === 'n-002' ? 'row 1 frozen' : null) };
    const r = applySafetyRules(c, ['n-001', 'n-002']);
    assert.deepEqual(r.admitted, ['n-001']);
    assert.deepEqual(r.blocked, [{ rule: 'mass-failure', message: 'row 1 frozen', nodes: ['n-002'] }]);
  });
});

describe('every rule at its edge, in order', () => {
  const members = (n: number) => Array.from({ length: n }, (_, i) => `n-${String(i + 1).padStart(3, '0')}`);
  const base = (drain: Record<string, unknown>, n = 10): RuleContext => ({
    pool: poolSchema.parse({ name: 'p', members: members(n), backend: { type: 'file', dir: 'x' }, drain: { maxDrainedFraction: 1, ...drain } }),
    active: n, drained: 0, recentDrains: 0, frozen: () => null,
  });
  const admitted = (c: RuleContext, k: number) => applySafetyRules(c, c.pool.members.slice(0, k));

  for (const [drain, extra, k, want, rule] of [
    [{ minHealthy: { count: 7 } }, {}, 4, 3, 'min-healthy'],
    [{ minHealthy: { count: 6 } }, {}, 4, 4, null],
    [{ minHealthy: { fraction: 0.65 } }, {}, 4, 3, 'min-healthy'], // ceil(6.5) = 7 stay
    [{ minHealthy: { fraction: 0.6 } }, {}, 4, 4, null],
    [{ minHealthy: { count: 2, fraction: 0.5 } }, { active: 6 }, 4, 1, 'min-healthy'], // the larger floor (5) counts
    [{ maxDrainedFraction: 0.3 }, { drained: 1 }, 4, 2, 'max-drained-fraction'],
    [{ maxDrainsPerMinute: 3 }, { recentDrains: 1 }, 4, 2, 'rate-limit'],
    [{ maxDrainsPerMinute: 3 }, { recentDrains: 3 }, 1, 0, 'rate-limit'],
    [{ maxDrainsPerMinute: 0 }, { recentDrains: 100 }, 4, 4, null], // 0: no rate limit
  ] as const) {
    it(`${JSON.stringify(drain)} ${JSON.stringify(extra)}: ${want} of ${k}${rule ? `, ${rule}` : ''}`, () => {
      const r = admitted({ ...base(drain), ...extra }, k);
      assert.equal(r.admitted.length, want);
      assert.deepEqual(r.blocked.map((b) => b.rule), rule ? [rule] : []);
    });
  }

  it('rules are checked in order, each passing on what it allows: min-healthy, max-drained-fraction, mass-failure, rate-limit', () => {
    const c = { ...base({ minHealthy: { count: 4 }, maxDrainedFraction: 0.5, maxDrainsPerMinute: 1 }), frozen: (n: string) => (n === 'n-001' ? 'frozen' : null) };
    const r = applySafetyRules(c, members(10));
    assert.deepEqual(r.blocked.map((b) => [b.rule, b.nodes.length]), [['min-healthy', 4], ['max-drained-fraction', 1], ['mass-failure', 1], ['rate-limit', 3]]);
    assert.deepEqual(r.admitted, ['n-002']);
  });
});

describe('descriptions', () => {
  it('folds consecutive names and numbers into ranges', () => {
    assert.equal(nameRanges(['scan-059', 'scan-057', 'scan-058', 'scan-061']), 'scan-057..scan-059, scan-061');
    assert.equal(nameRanges(['a-1', 'a-2']), 'a-1, a-2');
    assert.equal(numberRanges([1, 2, 3, 7, 9, 10]), '1-3, 7, 9-10');
    assert.match(nameRanges(['x-1', 'x-3', 'x-5', 'x-7'], 2), /x-1, x-3 and 2 more/);
  });
});
