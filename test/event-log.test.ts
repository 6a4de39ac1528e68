// The event journal in fake time: actions survive any flood of informational events, repeats fold
// into one entry, and a client polling by id sees every change.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pino from 'pino';
import { FakeClock } from '../src/clock.js';
import { EventLog, type NewEvent } from '../src/events/event-log.js';
import type { ApiEvent } from '../src/http/api-types.js';

const silent = pino({ level: 'silent' });
const drain: NewEvent = {
  type: 'drain', severity: 'critical', subject: 'scanners', message: 'bank 1 tripped → drained 20 of 80',
  chain: { cause: 'bank 1 breaker tripped on dal3-r07-a', impact: 'scan-057..scan-076 lost power', action: 'drained 20 of 80' },
};
const trap = (i: number): NewEvent => ({ type: 'trap-unclassified', severity: 'info', subject: `127.9.${i >> 8 & 255}.${i & 255}#${i}`, message: `unclassified trap 1.3.6.1.4.1.9999.${i}` });

describe('event log', () => {
  it('keeps a drain through 100,000 informational events of distinct subjects, in bounded memory', () => {
    const clock = new FakeClock();
    const log = new EventLog(clock, silent);
    const first = log.add(drain);
    for (let i = 0; i < 100_000; i++) {
      log.add(trap(i));
      if (i % 1_000 === 0) clock.advance(1);
    }
    const all = log.since(0, 1_000_000);
    assert.ok(all.length <= 2_001, `bounded: ${all.length} kept`);
    assert.equal(all.length, 2_001, 'the informational ring is full, plus the drain');
    assert.deepEqual(log.since(0).find((e) => e.type === 'drain'), first, 'since(0) with the default limit');
    assert.deepEqual(log.latest(40).find((e) => e.type === 'drain'), first, 'latest(40): what the wall is sent');
    assert.equal(log.latest(40).length, 40);
    assert.equal(log.since(0, 10).length, 10);
    // Oldest first, ids strictly ascending, and the newest trap is there.
    const ids = all.map((e) => e.id);
    assert.deepEqual(ids, [...ids].sort((a, b) => a - b));
    assert.equal(all.at(-1)!.message, trap(99_999).message);
    assert.equal(all[0]!.id, first.id);
    assert.ok(!all.some((e) => e.message === trap(0).message), 'the oldest informational events were evicted');
  });

  it('keeps every kind of action apart from informational events, with its own bound', () => {
    const clock = new FakeClock();
    const log = new EventLog(clock, silent, 10, { actionCapacity: 50 });
    const kinds = ['drain', 'would-drain', 'drain-blocked', 'readmit', 'reload', 'backend-error', 'backend-drift', 'backend-recovered',
      'monitoring-fault', 'monitoring-recovered', 'hold', 'release', 'storage-failed', 'storage-recovered', 'config-rejected'];
    for (const type of kinds) log.add({ type, severity: 'warning', subject: 'scanners', message: type });
    log.add({ type: 'custom-step', severity: 'info', subject: 'scanners', message: 'with a chain', chain: { cause: 'c', impact: 'i', action: 'a' } });
    for (let i = 0; i < 1_000; i++) log.add(trap(i));
    assert.deepEqual(log.since(0, 1_000).filter((e) => !e.type.startsWith('trap')).map((e) => e.type), [...kinds, 'custom-step']);
    assert.equal(log.since(0, 1_000).filter((e) => e.type.startsWith('trap')).length, 10);
    for (let i = 0; i < 200; i++) log.add({ ...drain, message: `drain ${i}` });
    assert.equal(log.since(0, 1_000).filter((e) => e.type === 'drain').length, 50, 'actions are bounded too');
  });

  it('folds repeats of one kind and source into one entry with a count, first and last time and the latest message', () => {
    const clock = new FakeClock();
    const log = new EventLog(clock, silent);
    const seen: ApiEvent[] = [];
    log.subscribe((e) => seen.push(e));
    const t0 = clock.now();
    const a = log.add({ type: 'pdu-unreachable', severity: 'warning', subject: 'dal3-r01-a', message: 'stopped answering (timeout)' });
    clock.advance(10_000);
    const b = log.add({ type: 'pdu-unreachable', severity: 'warning', subject: 'dal3-r01-a', message: 'stopped answering (refused)' });
    clock.advance(10_000);
    const other = log.add({ type: 'pdu-unreachable', severity: 'warning', subject: 'dal3-r02-a', message: 'stopped answering (timeout)' });
    const c = log.add({ type: 'pdu-unreachable', severity: 'warning', subject: 'dal3-r01-a', message: 'stopped answering (refused)' });

    assert.equal(a.count, undefined);
    assert.deepEqual({ count: c.count, firstTime: c.firstTime, time: c.time, message: c.message, replaces: c.replaces },
      { count: 3, firstTime: t0, time: t0 + 20_000, message: 'stopped answering (refused)', replaces: b.id });
    assert.equal(b.replaces, a.id);
    assert.ok(c.id > other.id, 'a repeat is re-issued under a new id');
    assert.deepEqual(log.since(0), [other, c], 'superseded entries are no longer served');
    assert.deepEqual(log.since(other.id), [c], 'a client that saw the second entry gets the update by polling');
    assert.deepEqual(seen, [a, b, other, c], 'subscribers see every update');

    clock.advance(60_001);
    const d = log.add({ type: 'pdu-unreachable', severity: 'warning', subject: 'dal3-r01-a', message: 'stopped answering (timeout)' });
    assert.equal(d.count, undefined, 'after a quiet window a new entry starts');
    assert.deepEqual(log.since(0).map((e) => e.id), [other.id, c.id, d.id]);
  });

  it('a flood from one source stays one entry; actions fold only when identical and never with a chain', () => {
    const clock = new FakeClock();
    const log = new EventLog(clock, silent, 100);
    const kept = log.add({ type: 'reload', severity: 'info', subject: 'reload', message: 'reload (schedule): nothing to do' });
    for (let i = 0; i < 10_000; i++) log.add({ type: 'trap', severity: 'info', subject: 'dal3-r07-a', message: `trap ${i}` });
    const traps = log.since(0).filter((e) => e.type === 'trap');
    assert.equal(traps.length, 1);
    assert.equal(traps[0]!.count, 10_000);
    assert.equal(traps[0]!.message, 'trap 9999');

    const e1 = log.add({ type: 'backend-error', severity: 'critical', subject: 'scanners', message: 'cannot update: down' });
    const e2 = log.add({ type: 'backend-error', severity: 'critical', subject: 'scanners', message: 'cannot update: down' });
    const e3 = log.add({ type: 'backend-error', severity: 'critical', subject: 'scanners', message: 'cannot update: refused' });
    assert.equal(e2.count, 2);
    assert.equal(e2.replaces, e1.id);
    assert.equal(e3.count, undefined, 'a different failure is its own entry');
    log.add(drain);
    log.add(drain);
    assert.equal(log.since(0).filter((e) => e.type === 'drain').length, 2, 'two decisions stay two');
    assert.deepEqual(log.since(0).filter((e) => e.type === 'reload'), [kept]);
  });

  it('a listener that throws does not stop the others or the caller', () => {
    const log = new EventLog(new FakeClock(), silent);
    const got: number[] = [];
    log.subscribe(() => { throw new Error('broken wall'); });
    log.subscribe((e) => got.push(e.id));
    const e = log.add(trap(1));
    assert.deepEqual(got, [e.id]);
  });
});
