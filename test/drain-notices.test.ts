// What a reconcile says, word for word: refusals (and when they are said again), freezes and their
// end, holds seen in a backend and their end, pools removed; the short names those texts use; and the
// per-key work queue that runs reconciles.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pino from 'pino';
import { FakeClock } from '../src/clock.js';
import { nameRanges, numberRanges, percent } from '../src/drain/describe.js';
import { DrainNotices } from '../src/drain/drain-notices.js';
import type { GateName, MemberDecision } from '../src/drain/gates.js';
import type { FrozenDomain } from '../src/drain/mass-failure.js';
import type { Blocked } from '../src/drain/safety-rules.js';
import { WorkQueue } from '../src/drain/work-queue.js';
import { EventLog } from '../src/events/event-log.js';
import type { ApiEvent } from '../src/http/api-types.js';

function setUp() {
  const clock = new FakeClock();
  const events = new EventLog(clock, pino({ level: 'silent' }));
  const said: Omit<ApiEvent, 'id' | 'time' | 'count' | 'firstTime' | 'replaces'>[] = [];
  events.subscribe(({ type, severity, subject, message, chain }) => said.push({ type, severity, subject, message, ...(chain ? { chain } : {}) }));
  return { clock, notices: new DrainNotices(events, clock), said };
}

describe('nameRanges and numberRanges', () => {
  const cases: [string[], string][] = [
    [['n-10', 'n-9'], 'n-9, n-10'], // numeric order, not text order
    [['n-9', 'n-10', 'n-11'], 'n-9..n-11'],
    [['alpha', 'beta'], 'alpha, beta'], // no number at all
    [['alpha', 'alpha1'], 'alpha, alpha1'], // one with a number, one without
    [['a-1', 'b-2', 'c-3'], 'a-1, b-2, c-3'], // numbers follow, prefixes differ
    [['a1b', 'a2b', 'a3b'], 'a1b, a2b, a3b'], // the number must end the name
    [['r1x', 'r2', 'r3'], 'r1x, r2, r3'],
    [['r1', 'r2', 'r3x'], 'r1, r2, r3x'],
    [['x-1', 'x-3', 'x-4', 'x-5', 'x-7'], 'x-1, x-3..x-5, x-7'],
    [[], ''],
  ];
  for (const [names, text] of cases) it(`${JSON.stringify(names)} → "${text}"`, () => assert.equal(nameRanges(names), text));

  it('folds past `max` parts into "and N more", and not before', () => {
    assert.equal(nameRanges(['x-1', 'x-3'], 2), 'x-1, x-3');
    assert.equal(nameRanges(['x-1', 'x-3', 'x-5', 'x-7'], 2), 'x-1, x-3 and 2 more');
  });

  it('numbers: sorted, deduplicated, consecutive runs as a-b', () => {
    assert.equal(numberRanges([5, 1, 3, 2, 4]), '1-5');
    assert.equal(numberRanges([10, 9, 1, 3, 3]), '1, 3, 9-10');
    assert.equal(numberRanges([]), '');
  });

  it('percent rounds to a whole number', () => {
    assert.equal(percent(0.255), '26%');
    assert.equal(percent(0.5), '50%');
    assert.equal(percent(0), '0%');
  });
});

describe('DrainNotices.blocked', () => {
  const refusal = (rule: Blocked['rule'], nodes: string[]): Blocked => ({ rule, message: `the ${rule} words`, nodes });

  it('says a refusal with its rule, nodes and chain', () => {
    const { notices, said } = setUp();
    notices.blocked('web', [refusal('min-healthy', ['w-1', 'w-2', 'w-3'])]);
    assert.deepEqual(said, [{
      type: 'drain-blocked', severity: 'critical', subject: 'web',
      message: 'drain of w-1..w-3 from pool web blocked by rule min-healthy: the min-healthy words',
      chain: { cause: 'w-1..w-3 met the pool\'s drain policy', impact: 'pool web would break rule min-healthy', action: 'not drained (rule min-healthy)' },
    }]);
  });

  it('says the same refusal again only after ten minutes', () => {
    const { clock, notices, said } = setUp();
    const b = [refusal('rate-limit', ['w-1'])];
    notices.blocked('web', b);
    clock.advance(10 * 60_000 - 1);
    notices.blocked('web', b);
    assert.equal(said.length, 1);
    clock.advance(1);
    notices.blocked('web', b);
    assert.equal(said.length, 2);
  });

  it('a refusal differs by pool, rule or nodes', () => {
    const { notices, said } = setUp();
    notices.blocked('web', [refusal('rate-limit', ['w-1'])]);
    notices.blocked('api', [refusal('rate-limit', ['w-1'])]);
    notices.blocked('web', [refusal('min-healthy', ['w-1'])]);
    notices.blocked('web', [refusal('rate-limit', ['w-1', 'w-2'])]);
    assert.deepEqual(said.map((e) => e.message.replace(/:.*/, '')), [
      'drain of w-1 from pool web blocked by rule rate-limit',
      'drain of w-1 from pool api blocked by rule rate-limit',
      'drain of w-1 from pool web blocked by rule min-healthy',
      'drain of w-1, w-2 from pool web blocked by rule rate-limit',
    ]);
  });

  it('remembers up to 1,001 refusals, then starts over rather than grow', () => {
    const { notices, said } = setUp();
    const key = (i: number) => [refusal('rate-limit', [`n-${i}`])];
    for (let i = 0; i <= 1_000; i++) notices.blocked('p', key(i));
    notices.blocked('p', key(0));
    assert.equal(said.length, 1_001, 'the 1,001st refusal does not yet make it forget the first');
    notices.blocked('p', key(1_001));
    notices.blocked('p', key(0));
    assert.equal(said.length, 1_003, 'past 1,001 it forgot, and says the first again');
  });

  it('two refusals alternating are each said once', () => {
    const { notices, said } = setUp();
    for (let i = 0; i < 3; i++) {
      notices.blocked('p', [refusal('rate-limit', ['a-1'])]);
      notices.blocked('p', [refusal('rate-limit', ['b-1'])]);
    }
    assert.equal(said.length, 2);
  });
});

describe('DrainNotices.frozen', () => {
  const domain = (name: string): FrozenDomain => ({ domain: name, pdus: ['pdu-1'], nodes: new Set(['n-1']), message: `${name}: 3 PDUs silent while their nodes answer` });

  it('says a freeze when it starts and its end when it ends, nothing while it lasts', () => {
    const { notices, said } = setUp();
    notices.frozen([], [domain('row 1')]);
    notices.frozen([domain('row 1')], [domain('row 1')]);
    notices.frozen([domain('row 1')], []);
    assert.deepEqual(said, [
      { type: 'monitoring-fault', severity: 'critical', subject: 'row 1', message: 'row 1: 3 PDUs silent while their nodes answer: automatic drains frozen there (rule mass-failure)' },
      { type: 'monitoring-recovered', severity: 'info', subject: 'row 1', message: 'row 1: PDUs and nodes agree again; automatic drains resume' },
    ]);
  });

  it('each domain by itself', () => {
    const { notices, said } = setUp();
    notices.frozen([domain('row 1')], [domain('row 1'), domain('row 2')]);
    assert.deepEqual(said.map((e) => `${e.type} ${e.subject}`), ['monitoring-fault row 2']);
  });
});

describe('DrainNotices.external', () => {
  const decision = (node: string, gate: GateName): MemberDecision => ({ node, state: gate === 'external-hold' ? 'drained' : 'active', change: 'none', gate: { name: gate, message: '' } } as MemberDecision);
  const members = (...d: MemberDecision[]) => new Map(d.map((x) => [x.node, x]));

  it('says members held in the backend when they appear, from the first reconcile on', () => {
    const { notices, said } = setUp();
    notices.external('web', 'haproxy', undefined, members(decision('w-1', 'external-hold'), decision('w-2', 'external-hold'), decision('w-3', 'power-normal')));
    assert.deepEqual(said, [{
      type: 'external-hold', severity: 'warning', subject: 'web',
      message: 'w-1, w-2 taken out of pool web in haproxy, not by Breakerbox: held there and left alone',
      chain: { cause: 'w-1, w-2 set out of service in haproxy directly', impact: 'pool web: 2 fewer in rotation', action: 'left alone (held by haproxy)' },
    }]);
  });

  it('says nothing while the same members stay held', () => {
    const { notices, said } = setUp();
    const now = members(decision('w-1', 'external-hold'), decision('w-2', 'power-normal'));
    notices.external('web', 'haproxy', now, now);
    assert.deepEqual(said, []);
  });

  it('says a release, "it" for one and "them" for more; a member gone from the pool is not released', () => {
    const { notices, said } = setUp();
    const before = members(decision('w-1', 'external-hold'), decision('w-2', 'external-hold'), decision('w-3', 'external-hold'));
    notices.external('web', 'haproxy', before, members(decision('w-1', 'power-normal'), decision('w-2', 'external-hold')));
    notices.external('web', 'haproxy', before, members(decision('w-1', 'power-normal'), decision('w-3', 'power-normal'), decision('w-2', 'external-hold')));
    assert.deepEqual(said, [
      {
        type: 'external-release', severity: 'info', subject: 'web',
        message: 'w-1 back in service in haproxy: Breakerbox manages it again',
        chain: { cause: 'w-1 set back in service in haproxy', impact: 'pool web', action: 'managed by Breakerbox again' },
      },
      {
        type: 'external-release', severity: 'info', subject: 'web',
        message: 'w-1, w-3 back in service in haproxy: Breakerbox manages them again',
        chain: { cause: 'w-1, w-3 set back in service in haproxy', impact: 'pool web', action: 'managed by Breakerbox again' },
      },
    ]);
  });
});

describe('DrainNotices.poolsRemoved', () => {
  it('says a removed pool once, with its records; again only if it returns and is removed again', () => {
    const { notices, said } = setUp();
    const nodesOf = (pool: string) => (pool === 'web' ? ['w-1', 'w-2'] : ['a-1']);
    notices.poolsRemoved(['web', 'api'], nodesOf);
    notices.poolsRemoved(['web', 'api'], nodesOf);
    assert.deepEqual(said, [
      {
        type: 'pool-removed', severity: 'warning', subject: 'web',
        message: 'pool web is no longer configured: w-1, w-2 keep their drain records and stay out if it returns, until a reload re-admits them past the hold-down',
        chain: { cause: 'pool web removed from the configuration', impact: '2 drain records without a pool', action: 'kept and shown; no backend touched' },
      },
      {
        type: 'pool-removed', severity: 'warning', subject: 'api',
        message: 'pool api is no longer configured: a-1 keep their drain records and stay out if it returns, until a reload re-admits them past the hold-down',
        chain: { cause: 'pool api removed from the configuration', impact: '1 drain record without a pool', action: 'kept and shown; no backend touched' },
      },
    ]);
    notices.poolsRemoved(['api'], nodesOf); // web is back
    notices.poolsRemoved(['api', 'web'], nodesOf); // and removed again
    assert.deepEqual(said.slice(2).map((e) => e.subject), ['web']);
  });
});

describe('WorkQueue', () => {
  /** A queue whose runs wait until released, recording what ran. */
  function queue() {
    const ran: string[] = [];
    const errors: [string, unknown][] = [];
    const gates = new Map<string, () => void>();
    let hold = false;
    const q = new WorkQueue(async (key) => {
      ran.push(key);
      if (key === 'bad') throw new Error('boom');
      if (hold) await new Promise<void>((r) => gates.set(key, r));
    }, (key, err) => errors.push([key, err]));
    return { q, ran, errors, gates, holdRuns: (h: boolean) => { hold = h; } };
  }

  it('a burst for one key is one run', async () => {
    const { q, ran } = queue();
    q.add('a');
    q.add('a');
    q.addAll(['a', 'b', 'a']);
    await q.settle();
    assert.deepEqual(ran.sort(), ['a', 'b']);
  });

  it('a key added during its own run runs once more after it', async () => {
    const { q, ran, gates, holdRuns } = queue();
    holdRuns(true);
    q.add('a');
    while (!gates.has('a')) await new Promise((r) => setImmediate(r));
    q.add('a');
    q.add('a');
    holdRuns(false);
    gates.get('a')!();
    await q.settle();
    assert.deepEqual(ran, ['a', 'a']);
  });

  it('a slow key holds up only itself', async () => {
    const { q, ran, gates, holdRuns } = queue();
    holdRuns(true);
    q.add('slow');
    while (!gates.has('slow')) await new Promise((r) => setImmediate(r));
    holdRuns(false);
    q.add('fast');
    while (!ran.includes('fast')) await new Promise((r) => setImmediate(r));
    assert.deepEqual(ran, ['slow', 'fast']);
    gates.get('slow')!();
    await q.settle();
  });

  it('a failing run is reported with its key and does not stop the queue', async () => {
    const { q, ran, errors } = queue();
    q.add('bad');
    await q.settle();
    q.add('good');
    await q.settle();
    assert.deepEqual(ran, ['bad', 'good']);
    assert.equal(errors.length, 1);
    assert.equal(errors[0]![0], 'bad');
    assert.match(String(errors[0]![1]), /boom/);
  });

  it('after stop nothing new runs', async () => {
    const { q, ran } = queue();
    q.stop();
    q.add('a');
    q.addAll(['b']);
    await new Promise((r) => setImmediate(r));
    await q.settle();
    assert.deepEqual(ran, []);
  });
});
