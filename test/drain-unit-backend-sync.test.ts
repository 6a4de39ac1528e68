// BackendSync called directly with a fake backend and fake time: what a read returns while a failed
// backend waits for its retry, when a write is skipped as already applied, what counts as drift and
// when it is said, the backoff of the retries, and the events of a failure and its recovery, word for word.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Logger } from 'pino';
import pino from 'pino';
import type { BackendState, MembershipEntry, PoolBackend } from '../src/backends/pool-backend.js';
import { FakeClock } from '../src/clock.js';
import { BackendSync } from '../src/drain/backend-sync.js';
import { EventLog } from '../src/events/event-log.js';

type Said = { type: string; severity: string; subject: string; message: string };

/** A backend whose state, read failures and write failures are set by hand; every call is counted. */
function fakeBackend() {
  const b = {
    kind: 'haproxy',
    state: null as BackendState | null,
    readError: null as Error | null,
    applyError: null as Error | null,
    reads: [] as string[],
    applies: [] as { pool: string; entries: MembershipEntry[] }[],
    async readActive(): Promise<Set<string> | null> {
      throw new Error('readState is used');
    },
    async readState(pool: string): Promise<BackendState | null> {
      b.reads.push(pool);
      if (b.readError) throw b.readError;
      return b.state;
    },
    async apply(pool: string, entries: MembershipEntry[]): Promise<void> {
      b.applies.push({ pool, entries });
      if (b.applyError) throw b.applyError;
    },
  };
  return b satisfies PoolBackend;
}

function setUp() {
  const clock = new FakeClock();
  const events = new EventLog(clock, pino({ level: 'silent' }));
  const said: Said[] = [];
  events.subscribe(({ type, severity, subject, message }) => said.push({ type, severity, subject, message }));
  const warns: [Record<string, unknown>, string][] = [];
  const log = { warn: (obj: Record<string, unknown>, msg: string) => warns.push([obj, msg]) } as unknown as Logger;
  const enqueued: string[] = [];
  const sync = new BackendSync({ events, clock, log, enqueue: (pool) => enqueued.push(pool) });
  return { clock, sync, said, warns, enqueued, backend: fakeBackend() };
}

const state = (active: string[], out: [string, string][] = []): BackendState => ({ active: new Set(active), out: new Map(out) });
const active = (node: string, reason: string | null = null): MembershipEntry => ({ node, state: 'active', reason, since: null });
const drained = (node: string, reason = 'power lost'): MembershipEntry => ({ node, state: 'drained', reason, since: 1 });
const held = (node: string): MembershipEntry => ({ node, state: 'held', reason: 'held out by alice: x', since: 1 });

describe('BackendSync.read', () => {
  it('a fresh read returns the backend state and remembers it', async () => {
    const { sync, backend } = setUp();
    backend.state = state(['a', 'b']);
    assert.deepEqual(await sync.read('web', backend), { state: state(['a', 'b']), fresh: true });
    assert.deepEqual(backend.reads, ['web']);
  });

  it('a backend holding nothing yet reads as null, fresh', async () => {
    const { sync, backend } = setUp();
    assert.deepEqual(await sync.read('web', backend), { state: null, fresh: true });
  });

  it('a failed read returns the last state read, not fresh, and the failure is said and retried', async () => {
    const { sync, backend, said, enqueued, clock } = setUp();
    backend.state = state(['a']);
    await sync.read('web', backend);
    backend.readError = new Error('socket refused');
    assert.deepEqual(await sync.read('web', backend), { state: state(['a']), fresh: false });
    assert.deepEqual(said, [{ type: 'backend-error', severity: 'critical', subject: 'web', message: 'cannot update the haproxy backend of pool web: socket refused; retrying' }]);
    clock.advance(1_000);
    assert.deepEqual(enqueued, ['web']);
  });

  it('a failed first read returns null, not fresh', async () => {
    const { sync, backend } = setUp();
    backend.readError = new Error('down');
    const r = await sync.read('web', backend);
    assert.strictEqual(r.state, null);
    assert.strictEqual(r.fresh, false);
    assert.deepEqual(r, { state: null, fresh: false });
  });

  it('while waiting for its retry the backend is not read: the last state, not fresh; read again once the retry is due', async () => {
    const { sync, backend, clock } = setUp();
    backend.state = state(['a', 'b']);
    await sync.read('web', backend);
    backend.readError = new Error('down');
    await sync.read('web', backend);
    backend.readError = null;
    backend.state = state(['b']);
    assert.deepEqual(await sync.read('web', backend), { state: state(['a', 'b']), fresh: false });
    assert.equal(backend.reads.length, 2, 'not read while waiting');
    clock.advance(1_000);
    assert.deepEqual(await sync.read('web', backend), { state: state(['b']), fresh: true });
    assert.equal(backend.reads.length, 3);
  });

  it('while waiting with nothing read before: null, not fresh', async () => {
    const { sync, backend } = setUp();
    backend.applyError = new Error('down');
    await sync.apply('web', backend, [active('a')], null, []);
    backend.state = state(['a']);
    const r = await sync.read('web', backend);
    assert.deepEqual(r, { state: null, fresh: false });
    assert.deepEqual(backend.reads, []);
  });

  it('a failing pool does not hold up another', async () => {
    const { sync, backend } = setUp();
    backend.readError = new Error('down');
    await sync.read('web', backend);
    backend.readError = null;
    backend.state = state(['x']);
    assert.deepEqual(await sync.read('api', backend), { state: state(['x']), fresh: true });
  });
});

describe('BackendSync.tookOut', () => {
  it('false for a pool never applied, and for a member left active; true for what the last apply took out itself', async () => {
    const { sync, backend } = setUp();
    assert.strictEqual(sync.tookOut('web', 'a'), false);
    assert.strictEqual(await sync.apply('web', backend, [active('a'), drained('b'), held('c')], state(['a', 'b', 'c']), ['b', 'c']), true);
    assert.strictEqual(sync.tookOut('web', 'b'), true);
    assert.strictEqual(sync.tookOut('web', 'c'), true);
    assert.strictEqual(sync.tookOut('web', 'a'), false);
    assert.strictEqual(sync.tookOut('api', 'b'), false, 'per pool');
  });

  it('the last apply replaces what was taken out; a failed apply changes nothing', async () => {
    const { sync, backend } = setUp();
    await sync.apply('web', backend, [active('a'), drained('b')], null, ['b']);
    await sync.apply('web', backend, [drained('a'), active('b')], null, ['a']);
    assert.deepEqual([sync.tookOut('web', 'a'), sync.tookOut('web', 'b')], [true, false]);
    backend.applyError = new Error('down');
    assert.strictEqual(await sync.apply('web', backend, [active('a'), drained('b')], null, ['b']), false);
    assert.deepEqual([sync.tookOut('web', 'a'), sync.tookOut('web', 'b')], [true, false]);
  });
});

describe('BackendSync.apply: skipped when already applied', () => {
  const entries = [active('a'), drained('b', 'bank 1 tripped'), held('c')];

  it('the backend matching what was last applied is not written again', async () => {
    const { sync, backend, said } = setUp();
    assert.strictEqual(await sync.apply('web', backend, entries, state(['a', 'b', 'c']), ['b', 'c']), true);
    assert.equal(backend.applies.length, 1);
    assert.deepEqual(backend.applies[0], { pool: 'web', entries });
    assert.strictEqual(await sync.apply('web', backend, entries, state(['a'], [['c', 'MAINT']]), ['b', 'c']), true);
    assert.equal(backend.applies.length, 1, 'matching: nothing written');
    assert.deepEqual(said, []);
  });

  it('without a fresh read (null) it is written every time', async () => {
    const { sync, backend } = setUp();
    assert.strictEqual(await sync.apply('web', backend, entries, null, ['b']), true);
    assert.strictEqual(await sync.apply('web', backend, entries, null, ['b']), true);
    assert.equal(backend.applies.length, 2);
  });

  it('a change of reason alone is written', async () => {
    const { sync, backend, said } = setUp();
    await sync.apply('web', backend, entries, state(['a', 'b', 'c']), ['b']);
    const changed = [active('a'), drained('b', 'bank 2 tripped'), held('c')];
    assert.strictEqual(await sync.apply('web', backend, changed, state(['a']), ['b']), true);
    assert.equal(backend.applies.length, 2);
    assert.deepEqual(backend.applies[1]!.entries, changed);
    assert.deepEqual(said, [], 'a new desired state is not drift');
  });

  it('a change of state is written', async () => {
    const { sync, backend } = setUp();
    await sync.apply('web', backend, [active('a'), drained('b', 'r')], state(['a', 'b']), ['b']);
    await sync.apply('web', backend, [active('a'), held('b')], state(['a']), ['b']);
    assert.equal(backend.applies.length, 2);
  });

  it('a change of member alone is written', async () => {
    const { sync, backend } = setUp();
    await sync.apply('web', backend, [active('a'), drained('b', 'r')], state(['a', 'b']), ['b']);
    await sync.apply('web', backend, [active('a'), drained('c', 'r')], state(['a']), ['c']);
    assert.equal(backend.applies.length, 2);
  });
});

describe('BackendSync.apply: drift', () => {
  const entries = [active('a'), active('b'), drained('c')];

  it('the backend lost a drain (restarted): re-applied, with one drift event', async () => {
    const { sync, backend, said } = setUp();
    await sync.apply('web', backend, entries, state(['a', 'b', 'c']), ['c']);
    assert.deepEqual(said, [], 'the first write is no drift');
    assert.strictEqual(await sync.apply('web', backend, entries, state(['a', 'b', 'c']), ['c']), true);
    assert.equal(backend.applies.length, 2);
    assert.deepEqual(said, [{ type: 'backend-drift', severity: 'warning', subject: 'web', message: 'the haproxy backend of pool web no longer matches (reloaded or edited): desired membership re-applied' }]);
  });

  it('an active member missing in the backend (edited by hand) is drift', async () => {
    const { sync, backend, said } = setUp();
    await sync.apply('web', backend, entries, state(['a', 'b']), ['c']);
    assert.strictEqual(await sync.apply('web', backend, entries, state(['a']), ['c']), true);
    assert.equal(backend.applies.length, 2);
    assert.deepEqual(said.map((e) => e.type), ['backend-drift']);
  });

  it('the same number active but not the same members is drift', async () => {
    const { sync, backend, said } = setUp();
    await sync.apply('web', backend, entries, state(['a', 'b']), ['c']);
    assert.strictEqual(await sync.apply('web', backend, entries, state(['a', 'c']), []), true);
    assert.equal(backend.applies.length, 2);
    assert.deepEqual(said.map((e) => e.type), ['backend-drift']);
  });

  it('one of two members it took out back in the backend, with a new desired state: re-applied as drift', async () => {
    const { sync, backend, said } = setUp();
    await sync.apply('web', backend, [active('a'), drained('b'), drained('c')], state(['a', 'b', 'c']), ['b', 'c']);
    const next = [active('a'), drained('b', 'other reason'), drained('c')];
    assert.strictEqual(await sync.apply('web', backend, next, state(['a', 'b']), ['b', 'c']), true);
    assert.equal(backend.applies.length, 2);
    assert.deepEqual(said.map((e) => e.type), ['backend-drift']);
  });

  it('a backend different from a new desired state, nothing of its own back in it: written, no drift said', async () => {
    const { sync, backend, said } = setUp();
    await sync.apply('web', backend, [active('a'), active('b'), active('c')], state(['a', 'b', 'c']), []);
    assert.strictEqual(await sync.apply('web', backend, entries, state(['a', 'b', 'c']), ['c']), true);
    assert.equal(backend.applies.length, 2);
    assert.deepEqual(said, []);
  });

  it('a member it took out and now re-admits, active in the backend again, is not drift', async () => {
    const { sync, backend, said } = setUp();
    await sync.apply('web', backend, entries, state(['a', 'b', 'c']), ['c']);
    assert.strictEqual(await sync.apply('web', backend, [active('a'), active('b'), active('c')], state(['a', 'b', 'c']), []), true);
    assert.equal(backend.applies.length, 2);
    assert.deepEqual(said, []);
  });

  it('without a fresh read, what it took out is not checked (no drift said, still written)', async () => {
    const { sync, backend, said } = setUp();
    await sync.apply('web', backend, entries, state(['a', 'b']), ['c']);
    assert.strictEqual(await sync.apply('web', backend, [active('a'), drained('b'), drained('c')], null, ['b', 'c']), true);
    assert.equal(backend.applies.length, 2);
    assert.deepEqual(said, []);
  });
});

describe('BackendSync: failures, backoff and recovery', () => {
  it('a failed write: false, one event, retried with backoff 1 s, 2 s, 4 s … capped at 60 s', async () => {
    const { sync, backend, said, warns, enqueued, clock } = setUp();
    backend.applyError = new Error('connection refused');
    const entries = [active('a'), drained('b')];
    assert.strictEqual(await sync.apply('web', backend, entries, null, ['b']), false);
    assert.deepEqual(said, [{ type: 'backend-error', severity: 'critical', subject: 'web', message: 'cannot update the haproxy backend of pool web: connection refused; retrying' }]);
    assert.deepEqual(warns, [[{ pool: 'web', backend: 'haproxy', attempt: 1, retryInMs: 1_000, err: 'connection refused' }, 'backend update failed']]);
    assert.strictEqual(sync.tookOut('web', 'b'), false, 'nothing remembered of a failed write');

    // Waiting: neither written nor read, and false.
    assert.strictEqual(await sync.apply('web', backend, entries, null, ['b']), false);
    assert.equal(backend.applies.length, 1);

    const delays: number[] = [];
    for (let attempt = 2; attempt <= 8; attempt++) {
      const before = enqueued.length;
      let waited = 0;
      while (enqueued.length === before) {
        clock.advance(250);
        waited += 250;
      }
      delays.push(waited);
      assert.strictEqual(await sync.apply('web', backend, entries, null, ['b']), false);
      assert.equal(backend.applies.length, attempt);
    }
    assert.deepEqual(delays, [1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000]);
    assert.deepEqual(warns.map(([o]) => [o.attempt, o.retryInMs]), [[1, 1_000], [2, 2_000], [3, 4_000], [4, 8_000], [5, 16_000], [6, 32_000], [7, 60_000], [8, 60_000]]);
    assert.equal(said.length, 1, 'the failure is said once, not at every retry');
    assert.ok(enqueued.every((p) => p === 'web'));
  });

  it('the retry is due exactly at its delay, not before', async () => {
    const { sync, backend, enqueued, clock } = setUp();
    backend.applyError = new Error('x');
    await sync.apply('web', backend, [active('a')], null, []);
    clock.advance(999);
    assert.deepEqual(enqueued, []);
    clock.advance(1);
    assert.deepEqual(enqueued, ['web']);
    await sync.apply('web', backend, [active('a')], null, []);
    clock.advance(1_999);
    assert.deepEqual(enqueued, ['web']);
    clock.advance(1);
    assert.deepEqual(enqueued, ['web', 'web']);
  });

  it('a failed read and a failed write share one backoff', async () => {
    const { sync, backend, warns, clock } = setUp();
    backend.readError = new Error('read failed');
    await sync.read('web', backend);
    clock.advance(1_000);
    backend.applyError = new Error('write failed');
    assert.strictEqual(await sync.apply('web', backend, [active('a')], null, []), false);
    assert.deepEqual(warns.map(([o]) => [o.attempt, o.retryInMs, o.err]), [[1, 1_000, 'read failed'], [2, 2_000, 'write failed']]);
  });

  it('the next write that lands ends the failure: one recovery event, no retry left behind, backoff starts over', async () => {
    const { sync, backend, said, warns, enqueued, clock } = setUp();
    backend.applyError = new Error('down');
    const entries = [active('a'), drained('b')];
    await sync.apply('web', backend, entries, null, ['b']);
    clock.advance(1_000);
    await sync.apply('web', backend, entries, null, ['b']); // fails again: next retry in 2 s
    clock.advance(2_000);
    backend.applyError = null;
    assert.strictEqual(await sync.apply('web', backend, entries, null, ['b']), true);
    assert.strictEqual(sync.tookOut('web', 'b'), true);
    assert.deepEqual(said.slice(1), [{ type: 'backend-recovered', severity: 'info', subject: 'web', message: 'haproxy backend of pool web updated again' }]);
    const queued = enqueued.length;
    clock.advance(120_000);
    assert.equal(enqueued.length, queued, 'no retry left behind');
    // Not waiting any more: the next write goes through at once, and a later failure starts at 1 s and is said again.
    assert.strictEqual(await sync.apply('web', backend, [active('a'), active('b')], null, []), true);
    assert.equal(said.filter((e) => e.type === 'backend-recovered').length, 1);
    backend.applyError = new Error('down again');
    await sync.apply('web', backend, entries, null, ['b']);
    assert.deepEqual(warns.at(-1)![0], { pool: 'web', backend: 'haproxy', attempt: 1, retryInMs: 1_000, err: 'down again' });
    assert.equal(said.filter((e) => e.type === 'backend-error').length, 2);
  });

  it('a write that lands with no failure before says nothing', async () => {
    const { sync, backend, said } = setUp();
    assert.strictEqual(await sync.apply('web', backend, [active('a')], null, []), true);
    assert.strictEqual(await sync.apply('web', backend, [active('a')], state(['a']), []), true);
    assert.deepEqual(said, []);
  });

  it('stop cancels every pending retry', async () => {
    const { sync, backend, enqueued, clock } = setUp();
    backend.applyError = new Error('down');
    await sync.apply('web', backend, [active('a')], null, []);
    await sync.apply('api', backend, [active('a')], null, []);
    sync.stop();
    clock.advance(120_000);
    assert.deepEqual(enqueued, []);
  });
});
