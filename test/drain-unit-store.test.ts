// The drain store in fake time, on temporary files: every automatic write lands on disk at once;
// operator changes are all or nothing; a failed write (made to fail by a trigger another connection
// puts in the file) is kept in order, reported once with its exact text, retried with backoff
// (2 s doubling to 30 s) and written when the file takes writes again; a database or lock file
// deleted or replaced is found and re-created from memory; the rate-limit history is kept exactly an
// hour; the audit trail is capped; and nothing is written or scheduled after close.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { FakeClock } from '../src/clock.js';
import {
  DatabaseLockedError, DrainStore, StorageError,
  type AuditEntry, type DrainRecord, type Hold, type StorageNotice, type StorageProblem,
} from '../src/drain/drain-store.js';
import { DatabaseLock } from '../src/drain/store-lock.js';

const HOUR = 60 * 60_000;
const KEPT = 'Automatic drains go on and their records are kept in memory until written; operator changes are refused until then';

/** A fake clock that also remembers every timer asked of it: its delay, and its callback. */
class RecordingClock extends FakeClock {
  readonly recorded: { ms: number; fn: () => void }[] = [];
  override setTimeout(fn: () => void, ms: number): { cancel(): void } {
    this.recorded.push({ ms, fn });
    return super.setTimeout(fn, ms);
  }
  delays(): number[] {
    return this.recorded.map((t) => t.ms);
  }
}

const root = mkdtempSync(join(tmpdir(), 'bb-drain-store-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshPath = () => join(root, `case-${++n}`, 'var', 'breakerbox.db');

const record = (node: string, shadow = false): DrainRecord => ({
  pool: 'scanners', node, reason: 'power lost', since: 1_000, by: 'breakerbox', shadow,
  chain: { cause: 'bank 1 tripped', impact: `${node} lost power`, action: `drained ${node}` },
});
const hold = (node: string, mode: 'out' | 'in' = 'out'): Hold => ({ pool: 'scanners', node, mode, reason: 'disk swap', by: 'alice', since: 2_000 });
const auditBy = (who: string, node = 'scan-001'): Omit<AuditEntry, 'id'> => ({ time: 5_000, who, action: 'hold-out', pool: 'scanners', node, why: 'disk swap' });

function open(path = freshPath()) {
  const clock = new RecordingClock();
  const notices: StorageNotice[] = [];
  const store = new DrainStore(path, { clock, onHealth: (notice) => notices.push(notice) });
  return { path, clock, notices, store };
}

/** What another connection sees in the file right now (the store still open). */
function peek<T = Record<string, unknown>>(path: string, sql: string): T[] {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare(sql).all() as T[];
  } finally {
    db.close();
  }
}
const nodesOnDisk = (path: string) => peek<{ node: string }>(path, 'SELECT node FROM drains ORDER BY node').map((r) => r.node);
const auditOnDisk = (path: string) => peek<{ id: number; who: string }>(path, 'SELECT id, who FROM audit ORDER BY id').map((r) => `${r.id}:${r.who}`);

/** Makes writes of `op` on `table` fail with `message` (a trigger another connection adds); returns the repair. */
function breakWrites(path: string, table: string, op: 'INSERT' | 'DELETE', message = 'disk is full'): () => void {
  const name = `break_${table}_${op.toLowerCase()}`;
  const db = new Database(path);
  db.exec(`CREATE TRIGGER ${name} BEFORE ${op} ON ${table} BEGIN SELECT RAISE(ABORT, '${message}'); END`);
  db.close();
  return () => {
    const fix = new Database(path);
    fix.exec(`DROP TRIGGER ${name}`);
    fix.close();
  };
}

/** Removes the database and its WAL files, as `rm breakerbox.db*` would, sparing the lock. */
function deleteDatabase(path: string): void {
  for (const ext of ['', '-wal', '-shm']) rmSync(path + ext, { force: true });
}

const degraded = (message: string) => ({ status: 'degraded', problems: [{ code: 'BB_ERR_STORAGE', message }] });

describe('DrainStore: writes that land', () => {
  it('opens healthy: ok, nothing to refuse, a check every 5 s scheduled, and the lock taken', () => {
    const { path, clock, store, notices } = open();
    assert.deepEqual(store.health(), { status: 'ok', problems: [] });
    assert.strictEqual(store.unwritable(), null);
    assert.deepEqual(clock.delays(), [5_000]);
    assert.throws(() => new DrainStore(path, { clock: new FakeClock() }), DatabaseLockedError);
    assert.throws(() => new DatabaseLock(path), DatabaseLockedError);
    clock.advance(5_000);
    clock.advance(5_000);
    assert.deepEqual(clock.delays(), [5_000, 5_000, 5_000], 'the check schedules the next one');
    assert.deepEqual(notices, []);
    store.close();
    new DatabaseLock(path).close();
  });

  it('drain records: put and deleted in memory and on disk at once', () => {
    const { path, store } = open();
    store.putDrains([record('scan-001', true), record('scan-002')]);
    assert.deepEqual(store.drains(), [record('scan-001', true), record('scan-002')]);
    assert.deepEqual(nodesOnDisk(path), ['scan-001', 'scan-002']);
    store.deleteDrains([{ pool: 'scanners', node: 'scan-001' }, { pool: 'other', node: 'scan-002' }]);
    assert.deepEqual(store.drains(), [record('scan-002')]);
    assert.deepEqual(nodesOnDisk(path), ['scan-002']);
    store.putDrains([]);
    store.deleteDrains([]);
    assert.deepEqual(nodesOnDisk(path), ['scan-002']);
    store.close();
  });

  it('holds: put, and deleted only when there is one (true), else false and nothing written', () => {
    const { path, store } = open();
    store.putHold(hold('scan-010'));
    store.putHold(hold('scan-011', 'in'));
    assert.deepEqual(store.holds(), [hold('scan-010'), hold('scan-011', 'in')]);
    assert.deepEqual(peek(path, 'SELECT node, mode FROM holds ORDER BY node'), [{ node: 'scan-010', mode: 'out' }, { node: 'scan-011', mode: 'in' }]);
    assert.equal(store.deleteHold('scanners', 'scan-010'), true);
    assert.equal(store.deleteHold('scanners', 'scan-010'), false);
    assert.equal(store.deleteHold('scanners', 'scan-099'), false);
    assert.deepEqual(store.holds(), [hold('scan-011', 'in')]);
    assert.deepEqual(peek(path, 'SELECT node FROM holds'), [{ node: 'scan-011' }]);
    store.close();
  });

  it('audit entries: numbered from 1, newest first, limited, and on disk', () => {
    const { path, store } = open();
    store.audit(auditBy('alice'));
    store.audit(auditBy('bob'));
    store.audit(auditBy('carol'));
    assert.deepEqual(store.auditTrail(), [{ ...auditBy('carol'), id: 3 }, { ...auditBy('bob'), id: 2 }, { ...auditBy('alice'), id: 1 }]);
    assert.deepEqual(store.auditTrail(2).map((a) => a.who), ['carol', 'bob']);
    assert.deepEqual(auditOnDisk(path), ['1:alice', '2:bob', '3:carol']);
    store.close();
  });

  it('the audit trail shows 200 entries unless asked for more', () => {
    const store = new DrainStore(':memory:', { clock: new FakeClock() });
    for (let i = 0; i < 201; i++) store.audit(auditBy(`who-${i + 1}`));
    assert.equal(store.auditTrail().length, 200);
    assert.equal(store.auditTrail()[0]!.id, 201);
    assert.equal(store.auditTrail().at(-1)!.id, 2);
    store.close();
  });

  it('operator changes: written with their audit entry, numbered after the last one', () => {
    const { path, store } = open();
    store.putDrains([record('scan-001'), record('scan-002')]);
    store.audit(auditBy('breakerbox'));

    store.holdByOperator(hold('scan-001'), auditBy('alice'));
    assert.deepEqual(store.holds(), [hold('scan-001')]);
    assert.deepEqual(store.drains(), [record('scan-002')], 'a hold takes the drain record\'s place');
    assert.deepEqual(nodesOnDisk(path), ['scan-002']);
    assert.deepEqual(peek(path, 'SELECT * FROM holds'), [hold('scan-001')]);
    assert.deepEqual(auditOnDisk(path), ['1:breakerbox', '2:alice']);

    store.drainByOperator({ ...record('scan-005'), by: 'bob' }, auditBy('bob', 'scan-005'));
    assert.deepEqual(nodesOnDisk(path), ['scan-002', 'scan-005']);
    assert.deepEqual(peek(path, "SELECT by FROM drains WHERE node = 'scan-005'"), [{ by: 'bob' }]);
    assert.deepEqual(auditOnDisk(path), ['1:breakerbox', '2:alice', '3:bob']);

    assert.equal(store.releaseByOperator('scanners', 'scan-009', auditBy('carol')), false, 'nothing held: nothing to release');
    assert.deepEqual(auditOnDisk(path), ['1:breakerbox', '2:alice', '3:bob'], 'and nothing written');
    assert.equal(store.releaseByOperator('scanners', 'scan-001', auditBy('carol')), true);
    assert.deepEqual(store.holds(), []);
    assert.deepEqual(peek(path, 'SELECT * FROM holds'), []);
    assert.deepEqual(auditOnDisk(path), ['1:breakerbox', '2:alice', '3:bob', '4:carol']);
    assert.deepEqual(store.auditTrail().map((a) => [a.id, a.who]), [[4, 'carol'], [3, 'bob'], [2, 'alice'], [1, 'breakerbox']]);
    store.audit(auditBy('dave'));
    assert.equal(store.auditTrail(1)[0]!.id, 5);
    store.close();
  });

  it('everything comes back after a restart, and audit ids go on from the last one', () => {
    const { path, store, clock } = open();
    store.putDrains([record('scan-001', true)]);
    store.putHold(hold('scan-010', 'in'));
    store.audit(auditBy('alice'));
    store.recordDrainTimes('scanners', [clock.now()]);
    store.close();

    const again = new DrainStore(path, { clock });
    assert.deepEqual(again.drains(), [record('scan-001', true)]);
    assert.deepEqual(again.holds(), [hold('scan-010', 'in')]);
    assert.deepEqual(again.auditTrail(), [{ ...auditBy('alice'), id: 1 }]);
    assert.deepEqual(again.drainTimesSince(0), [{ pool: 'scanners', time: clock.now() }]);
    again.audit(auditBy('bob'));
    assert.deepEqual(again.auditTrail().map((a) => a.id), [2, 1]);
    again.close();
  });

  it('a restart loads the last 10 000 audit entries, and ids go on after the highest ever given', () => {
    const path = freshPath();
    new DrainStore(path, { clock: new FakeClock() }).close();
    const db = new Database(path);
    const insert = db.prepare("INSERT INTO audit (id, time, who, action, pool, node, why) VALUES (?, 1, 'x', 'drain', NULL, NULL, 'y')");
    db.transaction(() => { for (let id = 1; id <= 10_001; id++) insert.run(id); })();
    db.close();
    const store = new DrainStore(path, { clock: new FakeClock() });
    const trail = store.auditTrail(Infinity);
    assert.equal(trail.length, 10_000);
    assert.equal(trail.at(-1)!.id, 2);
    store.audit(auditBy('alice'));
    assert.equal(store.auditTrail(1)[0]!.id, 10_002);
    store.close();
  });
});

describe('DrainStore: the rate-limit history', () => {
  it('keeps drain times exactly an hour: one at the edge stays, one a millisecond older goes, in memory and on disk', () => {
    const { path, store, clock } = open();
    const t0 = clock.now();
    store.recordDrainTimes('scanners', [t0, t0 + 1]);
    assert.deepEqual(store.drainTimesSince(t0), [{ pool: 'scanners', time: t0 }, { pool: 'scanners', time: t0 + 1 }]);
    assert.deepEqual(store.drainTimesSince(t0 + 1), [{ pool: 'scanners', time: t0 + 1 }]);
    assert.deepEqual(store.drainTimesSince(t0 + 2), []);

    clock.advance(HOUR);
    store.recordDrainTimes('archive', [clock.now()]);
    assert.deepEqual(store.drainTimesSince(0), [
      { pool: 'scanners', time: t0 }, { pool: 'scanners', time: t0 + 1 }, { pool: 'archive', time: t0 + HOUR },
    ], 'exactly an hour old: kept');
    assert.equal(peek(path, 'SELECT * FROM drain_times').length, 3);

    clock.advance(1);
    store.recordDrainTimes('archive', [clock.now()]);
    assert.deepEqual(store.drainTimesSince(0), [
      { pool: 'scanners', time: t0 + 1 }, { pool: 'archive', time: t0 + HOUR }, { pool: 'archive', time: t0 + HOUR + 1 },
    ], 'an hour and a millisecond old: dropped');
    assert.deepEqual(peek(path, 'SELECT time FROM drain_times ORDER BY time').map((r) => r.time), [t0 + 1, t0 + HOUR, t0 + HOUR + 1]);
    store.close();
  });

  it('no times: nothing pruned, nothing written', () => {
    const { path, store, clock } = open();
    const t0 = clock.now();
    store.recordDrainTimes('scanners', [t0]);
    clock.advance(2 * HOUR);
    store.recordDrainTimes('scanners', []);
    assert.deepEqual(store.drainTimesSince(0), [{ pool: 'scanners', time: t0 }]);
    assert.deepEqual(peek(path, 'SELECT time FROM drain_times'), [{ time: t0 }]);
    store.close();
  });

  it('a restart loads the times of the last hour only, the edge included', () => {
    const path = freshPath();
    const clock = new FakeClock();
    const t0 = clock.now();
    const first = new DrainStore(path, { clock });
    first.recordDrainTimes('scanners', [t0, t0 + 1]);
    first.close();
    const atEdge = new DrainStore(path, { clock: new FakeClock(t0 + HOUR) });
    assert.deepEqual(atEdge.drainTimesSince(0).map((t) => t.time), [t0, t0 + 1]);
    atEdge.close();
    const past = new DrainStore(path, { clock: new FakeClock(t0 + HOUR + 1) });
    assert.deepEqual(past.drainTimesSince(0).map((t) => t.time), [t0 + 1]);
    past.close();
  });
});

describe('DrainStore: a write that fails', () => {
  it('an automatic write is kept, reported once, and the writes after it wait their turn; operators are refused', () => {
    const { path, store, clock, notices } = open();
    store.putDrains([record('scan-001')]);
    const repair = breakWrites(path, 'drains', 'INSERT');
    store.putDrains([record('scan-002')]);
    const message = `cannot write the database ${path}: disk is full (SQLITE_CONSTRAINT_TRIGGER)`;
    const problem: StorageProblem = { code: 'BB_ERR_STORAGE', message };

    assert.deepEqual(store.drains().map((r) => r.node), ['scan-001', 'scan-002'], 'decided: kept in memory');
    assert.deepEqual(store.health(), degraded(message));
    assert.deepEqual(store.unwritable(), problem);
    assert.deepEqual(notices, [{ ...degraded(message), message: `${message}. ${KEPT}` }]);

    store.audit(auditBy('breakerbox'));
    store.putHold(hold('scan-010'));
    assert.deepEqual(auditOnDisk(path), [], 'kept in order behind the failed write, not written past it');
    assert.deepEqual(peek(path, 'SELECT * FROM holds'), []);
    assert.deepEqual(nodesOnDisk(path), ['scan-001']);

    assert.throws(() => store.drainByOperator(record('scan-005'), auditBy('bob')), (err: unknown) => {
      assert.ok(err instanceof StorageError);
      assert.equal(err.code, 'BB_ERR_STORAGE');
      assert.equal(err.message, message);
      return true;
    });
    assert.throws(() => store.holdByOperator(hold('scan-011'), auditBy('bob')), StorageError);
    assert.deepEqual(store.drains().map((r) => r.node), ['scan-001', 'scan-002'], 'refused means not made');
    assert.deepEqual(store.holds(), [hold('scan-010')]);
    assert.deepEqual(store.auditTrail().map((a) => a.who), ['breakerbox']);
    assert.deepEqual(clock.delays(), [5_000, 2_000], 'the first retry in 2 s');

    const retries = () => clock.delays().filter((ms) => ms !== 5_000);
    clock.advance(2_000);
    assert.deepEqual(store.health(), degraded(`${message} (1 retry failed alike)`));
    assert.deepEqual(retries(), [2_000, 4_000], 'the next one waits twice as long');
    clock.advance(4_000);
    assert.deepEqual(store.health(), degraded(`${message} (2 retries failed alike)`));
    assert.equal(notices.length, 1, 'a failed retry is no new notice');
    assert.deepEqual(retries(), [2_000, 4_000, 8_000]);

    repair();
    clock.advance(7_999);
    assert.equal(store.health().status, 'degraded');
    clock.advance(1);
    assert.deepEqual(store.health(), { status: 'ok', problems: [] });
    assert.deepEqual(notices[1], { status: 'ok', problems: [], message: `the database ${path} takes writes again: 3 kept changes written` });
    assert.equal(notices.length, 2);
    assert.deepEqual(nodesOnDisk(path), ['scan-001', 'scan-002']);
    assert.deepEqual(auditOnDisk(path), ['1:breakerbox']);
    assert.deepEqual(peek(path, 'SELECT node FROM holds'), [{ node: 'scan-010' }]);

    // Written now, and a new failure starts the backoff again at 2 s.
    store.drainByOperator(record('scan-005'), auditBy('bob'));
    assert.deepEqual(auditOnDisk(path), ['1:breakerbox', '2:bob']);
    const before = clock.recorded.length;
    const repairAgain = breakWrites(path, 'audit', 'INSERT');
    store.audit(auditBy('carol'));
    assert.deepEqual(clock.delays().slice(before), [2_000]);
    repairAgain();
    store.close();
  });

  it('retries back off 2, 4, 8, 16 and then 30 s at most', () => {
    const { path, store, clock } = open();
    const repair = breakWrites(path, 'drains', 'INSERT');
    store.putDrains([record('scan-001')]);
    for (const ms of [2_000, 4_000, 8_000, 16_000, 30_000, 30_000]) clock.advance(ms);
    assert.deepEqual(clock.delays().filter((ms) => ms !== 5_000), [2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
    assert.match(store.health().problems[0]!.message, /\(6 retries failed alike\)$/);
    repair();
    clock.advance(30_000);
    assert.equal(store.health().status, 'ok');
    store.close();
  });

  it('a retry that fails for another reason says which', () => {
    const { path, store, clock } = open();
    const repair = breakWrites(path, 'drains', 'INSERT');
    store.putDrains([record('scan-001')]);
    repair();
    breakWrites(path, 'drains', 'INSERT', 'still broken');
    clock.advance(2_000);
    assert.deepEqual(store.health(), degraded(
      `cannot write the database ${path}: disk is full (SQLITE_CONSTRAINT_TRIGGER) (retry 1 failed: still broken (SQLITE_CONSTRAINT_TRIGGER))`));
    store.close();
  });

  it('an error whose message names its code is not told the code twice', () => {
    const { path, store } = open();
    breakWrites(path, 'drains', 'INSERT', 'SQLITE_CONSTRAINT_TRIGGER: no room');
    store.putDrains([record('scan-001')]);
    assert.deepEqual(store.health(), degraded(`cannot write the database ${path}: SQLITE_CONSTRAINT_TRIGGER: no room`));
    store.close();
  });

  it('an operator change that fails is not made; once the file takes a probe write it is accepted', () => {
    const { path, store, clock, notices } = open();
    store.putDrains([record('scan-001')]);
    store.audit(auditBy('breakerbox'));
    const repair = breakWrites(path, 'holds', 'INSERT');
    const message = `cannot write the database ${path}: disk is full (SQLITE_CONSTRAINT_TRIGGER)`;
    assert.throws(() => store.holdByOperator(hold('scan-001'), auditBy('alice')), (err: unknown) => {
      assert.ok(err instanceof StorageError);
      assert.equal(err.code, 'BB_ERR_STORAGE');
      assert.equal(err.message, message);
      return true;
    });
    assert.deepEqual(store.holds(), []);
    assert.deepEqual(store.drains(), [record('scan-001')], 'the drain record it would replace is still there');
    assert.deepEqual(store.auditTrail().map((a) => a.who), ['breakerbox']);
    assert.deepEqual(nodesOnDisk(path), ['scan-001'], 'all or nothing: the delete of the drain record rolled back');
    assert.deepEqual(auditOnDisk(path), ['1:breakerbox']);
    assert.deepEqual(store.health(), degraded(message));
    assert.deepEqual(notices, [{ ...degraded(message), message: `${message}. ${KEPT}` }]);
    assert.equal(store.releaseByOperator('scanners', 'scan-001', auditBy('alice')), false, 'nothing held: nothing to refuse');

    repair();
    clock.advance(1_999);
    assert.equal(store.health().status, 'degraded');
    clock.advance(1);
    assert.deepEqual(notices[1], { status: 'ok', problems: [], message: `the database ${path} takes writes again` });
    assert.deepEqual(peek(path, 'SELECT key, value FROM meta'), [{ key: 'last-probe', value: String(clock.now()) }]);

    store.holdByOperator(hold('scan-001'), auditBy('alice'));
    assert.deepEqual(auditOnDisk(path), ['1:breakerbox', '2:alice'], 'the refused change used no id');
    assert.deepEqual(nodesOnDisk(path), []);
    store.close();
  });

  it('unwritable(): while degraded, the problem, even when the file itself is fine', () => {
    const { path, store } = open();
    breakWrites(path, 'drain_times', 'INSERT');
    store.recordDrainTimes('scanners', [1]);
    const problem = { code: 'BB_ERR_STORAGE', message: `cannot write the database ${path}: disk is full (SQLITE_CONSTRAINT_TRIGGER)` };
    assert.deepEqual(store.unwritable(), problem);
    // Drains and audit entries could be written, but the history must go first: refused.
    assert.throws(() => store.drainByOperator(record('scan-005'), auditBy('bob')), { code: 'BB_ERR_STORAGE', message: problem.message });
    assert.deepEqual(nodesOnDisk(path), []);
    store.close();
  });

  it('what is still unwritten at close gets one last try', () => {
    const { path, store } = open();
    const repair = breakWrites(path, 'drains', 'INSERT');
    store.putDrains([record('scan-001')]);
    store.audit(auditBy('breakerbox'));
    repair();
    store.close();
    assert.deepEqual(nodesOnDisk(path), ['scan-001']);
    assert.deepEqual(auditOnDisk(path), ['1:breakerbox']);
  });

  it('a listener that throws is not the store\'s problem; without a listener nothing is told', () => {
    const path = freshPath();
    const store = new DrainStore(path, { clock: new FakeClock(), onHealth: () => { throw new Error('listener broke'); } });
    breakWrites(path, 'drains', 'INSERT');
    store.putDrains([record('scan-001')]);
    assert.equal(store.health().status, 'degraded');
    store.close();

    const path2 = freshPath();
    const quiet = new DrainStore(path2, { clock: new FakeClock() });
    breakWrites(path2, 'drains', 'INSERT');
    quiet.putDrains([record('scan-001')]);
    assert.equal(quiet.health().status, 'degraded');
    quiet.close();
  });

  it('a write that can never land (a memory database): retried, failing alike, forever', () => {
    const clock = new RecordingClock();
    const notices: StorageNotice[] = [];
    const store = new DrainStore(':memory:', { clock, onHealth: (n) => notices.push(n) });
    assert.deepEqual(clock.delays(), [], 'no file to check on');
    store.putHold({ ...hold('scan-001'), mode: 'sideways' } as unknown as Hold);
    const message = 'cannot write the database :memory:: CHECK constraint failed: mode IN (\'out\', \'in\') (SQLITE_CONSTRAINT_CHECK)';
    assert.deepEqual(store.health(), degraded(message));
    clock.advance(2_000);
    assert.deepEqual(store.health(), degraded(`${message} (1 retry failed alike)`));
    clock.advance(4_000);
    assert.deepEqual(store.health(), degraded(`${message} (2 retries failed alike)`));
    assert.deepEqual(clock.delays(), [2_000, 4_000, 8_000]);
    assert.equal(notices.length, 1);
    store.close();
  });
});

describe('DrainStore: the database file deleted or replaced', () => {
  const fill = (store: DrainStore, clock: FakeClock) => {
    store.putDrains([record('scan-001'), record('scan-002')]);
    store.holdByOperator(hold('scan-010'), auditBy('alice', 'scan-010'));
    store.recordDrainTimes('scanners', [clock.now(), clock.now() + 1]);
  };

  it('deleted: found by the check at 5 s, writes kept meanwhile, re-created from memory by the retry', () => {
    const { path, store, clock, notices } = open();
    fill(store, clock);
    deleteDatabase(path);
    clock.advance(4_999);
    assert.deepEqual(notices, [], 'not checked yet');
    clock.advance(1);
    const message = `the database file ${path} vanished while in use; re-creating it from memory`;
    assert.deepEqual(notices, [{ ...degraded(message), message: `${message}. ${KEPT}` }]);
    assert.deepEqual(store.health(), degraded(message));
    assert.throws(() => store.releaseByOperator('scanners', 'scan-010', auditBy('bob')), { code: 'BB_ERR_STORAGE', message });
    store.putDrains([record('scan-003')]);
    assert.equal(existsSync(path), false);

    clock.advance(2_000);
    assert.deepEqual(notices[1], {
      status: 'ok', problems: [],
      message: `the database ${path} was re-created from memory (3 drain records, 1 holds, 1 audit entries)`,
    });
    assert.deepEqual(nodesOnDisk(path), ['scan-001', 'scan-002', 'scan-003']);
    assert.deepEqual(peek(path, 'SELECT node FROM holds'), [{ node: 'scan-010' }]);
    assert.deepEqual(auditOnDisk(path), ['1:alice']);
    assert.deepEqual(peek(path, 'SELECT time FROM drain_times ORDER BY time').map((r) => r.time), [clock.now() - 7_000, clock.now() - 6_999]);
    assert.deepEqual(readdirSync(join(path, '..')).filter((f) => f.includes('.replaced-')), [], 'nothing to keep aside');

    store.putDrains([record('scan-004')]);
    assert.deepEqual(nodesOnDisk(path), ['scan-001', 'scan-002', 'scan-003', 'scan-004'], 'the new file takes writes');
    deleteDatabase(path);
    clock.advance(3_000); // the check at 10 s
    assert.equal(store.health().status, 'degraded', 'and is watched in turn');
    assert.equal(notices.length, 3);
    store.close();
  });

  it('deleted: a write finds it before the check does', () => {
    const { path, store, notices } = open();
    store.putDrains([record('scan-001')]);
    deleteDatabase(path);
    store.putDrains([record('scan-002')]);
    assert.equal(notices.length, 1);
    assert.equal(notices[0]!.message, `the database file ${path} vanished while in use; re-creating it from memory. ${KEPT}`);
    store.close();
  });


  it('replaced: found at the next write, the stranger kept aside under the time, the database re-created', () => {
    const { path, store, clock, notices } = open();
    fill(store, clock);
    const stranger = `${path}.stranger`;
    const other = new Database(stranger);
    other.exec("CREATE TABLE t (x TEXT); INSERT INTO t VALUES ('someone else')");
    other.close();
    renameSync(stranger, path);
    clock.advance(1_000);
    store.putDrains([record('scan-005')]);
    const message = `the database file ${path} was replaced by another file while in use; re-creating it from memory`;
    assert.deepEqual(notices, [{ ...degraded(message), message: `${message}. ${KEPT}` }]);
    assert.throws(() => store.drainByOperator(record('scan-006'), auditBy('bob')), StorageError);

    clock.advance(2_000); // 2026-01-01T00:00:03.000Z
    assert.deepEqual(store.health(), { status: 'ok', problems: [] });
    assert.equal(notices[1]!.message, `the database ${path} was re-created from memory (3 drain records, 1 holds, 1 audit entries)`);
    const aside = `${path}.replaced-2026-01-01T00-00-03-000Z`;
    assert.deepEqual(peek(aside, 'SELECT x FROM t'), [{ x: 'someone else' }]);
    assert.deepEqual(nodesOnDisk(path), ['scan-001', 'scan-002', 'scan-005']);
    assert.deepEqual(auditOnDisk(path), ['1:alice']);
    store.close();
  });

  it('a write fails, then the file is deleted and cannot be re-created at once: re-created when it can be', () => {
    const { path, store, clock, notices } = open();
    store.putDrains([record('scan-001')]);
    breakWrites(path, 'drains', 'INSERT');
    store.putDrains([record('scan-002')]);
    const first = `cannot write the database ${path}: disk is full (SQLITE_CONSTRAINT_TRIGGER)`;
    deleteDatabase(path);
    mkdirSync(`${path}-journal`); // a new database cannot be started at the path
    clock.advance(2_000);
    assert.deepEqual(store.health(), degraded(`${first} (retry 1 failed: unable to open database file (SQLITE_CANTOPEN))`));
    rmSync(`${path}-journal`, { recursive: true });
    clock.advance(4_000);
    assert.deepEqual(store.health(), { status: 'ok', problems: [] });
    assert.equal(notices[1]!.message, `the database ${path} was re-created from memory (2 drain records, 0 holds, 0 audit entries)`);
    assert.deepEqual(nodesOnDisk(path), ['scan-001', 'scan-002']);
    store.close();
  });

  it('closed while no file is open: closes without one, and frees the lock', () => {
    const { path, store, clock } = open();
    breakWrites(path, 'drains', 'INSERT');
    store.putDrains([record('scan-001')]);
    deleteDatabase(path);
    mkdirSync(`${path}-journal`);
    clock.advance(2_000);
    assert.equal(store.health().status, 'degraded');
    store.close();
    new DatabaseLock(path).close();
  });

  it('replaced and not re-creatable at once: the stranger is kept aside once, the database re-created later', () => {
    const { path, store, clock, notices } = open();
    fill(store, clock);
    writeFileSync(`${path}.stranger`, 'someone else\'s file');
    renameSync(`${path}.stranger`, path);
    mkdirSync(`${path}-journal`);
    clock.advance(5_000);
    assert.match(notices[0]!.message, /was replaced by another file while in use/);
    clock.advance(2_000);
    assert.match(store.health().problems[0]!.message, /\(retry 1 failed: unable to open database file \(SQLITE_CANTOPEN\)\)$/);
    rmSync(`${path}-journal`, { recursive: true });
    clock.advance(4_000);
    assert.equal(store.health().status, 'ok');
    assert.equal(notices[1]!.message, `the database ${path} was re-created from memory (2 drain records, 1 holds, 1 audit entries)`);
    assert.deepEqual(readdirSync(join(path, '..')).filter((f) => f.includes('.replaced-')), ['breakerbox.db.replaced-2026-01-01T00-00-07-000Z']);
    assert.deepEqual(nodesOnDisk(path), ['scan-001', 'scan-002']);
    store.close();
  });

  /** What the database at `path` holds, read by a store opened on it afresh (after the first is closed). */
  const reopened = (path: string, now: number) => {
    const again = new DrainStore(path, { clock: new FakeClock(now) });
    try {
      const byNode = <T extends { node: string }>(xs: T[]) => [...xs].sort((a, b) => a.node.localeCompare(b.node));
      return { drains: byNode(again.drains()), holds: byNode(again.holds()), audit: again.auditTrail(Infinity), times: again.drainTimesSince(0) };
    } finally {
      again.close();
    }
  };

  it('deleted, then a file that is no database put at the path before the retry: kept aside as it is, the database re-created', () => {
    const { path, store, clock, notices } = open();
    fill(store, clock);
    const t0 = clock.now();
    deleteDatabase(path);
    clock.advance(5_000);
    const message = `the database file ${path} vanished while in use; re-creating it from memory`;
    assert.deepEqual(notices, [{ ...degraded(message), message: `${message}. ${KEPT}` }]);
    store.putDrains([record('scan-003')]);
    const foreign = Buffer.from('an operator\'s restored something, not a database; '.repeat(20));
    writeFileSync(path, foreign);

    clock.advance(2_000); // 2026-01-01T00:00:07.000Z
    assert.deepEqual(store.health(), { status: 'ok', problems: [] });
    assert.deepEqual(notices.slice(1), [{
      status: 'ok', problems: [],
      message: `the database ${path} was re-created from memory (3 drain records, 1 holds, 1 audit entries)`,
    }]);
    const aside = `${path}.replaced-2026-01-01T00-00-07-000Z`;
    assert.deepEqual(readdirSync(join(path, '..')).filter((f) => f.includes('.replaced-')), ['breakerbox.db.replaced-2026-01-01T00-00-07-000Z']);
    assert.deepEqual(readFileSync(aside), foreign, 'kept byte for byte');

    store.putDrains([record('scan-004')]);
    assert.deepEqual(nodesOnDisk(path), ['scan-001', 'scan-002', 'scan-003', 'scan-004'], 'the new file takes writes');
    clock.advance(5_000);
    assert.equal(notices.length, 2, 'and the check takes it for the store\'s own');
    const inMemory = { drains: store.drains(), holds: store.holds(), audit: store.auditTrail(Infinity), times: store.drainTimesSince(0) };
    store.close();

    assert.deepEqual(reopened(path, clock.now()), inMemory);
    assert.deepEqual(inMemory.drains.map((r) => r.node), ['scan-001', 'scan-002', 'scan-003', 'scan-004']);
    assert.deepEqual(inMemory.holds, [hold('scan-010')]);
    assert.deepEqual(inMemory.audit.map((a) => `${a.id}:${a.who}`), ['1:alice']);
    assert.deepEqual(inMemory.times, [{ pool: 'scanners', time: t0 }, { pool: 'scanners', time: t0 + 1 }]);
    assert.deepEqual(readFileSync(aside), foreign);
  });

  it('deleted, then another Breakerbox database put at the path before the retry: kept aside unchanged, not adopted', () => {
    const { path, store, clock, notices } = open();
    fill(store, clock);
    deleteDatabase(path);
    clock.advance(5_000);
    assert.match(notices[0]!.message, /vanished while in use/);

    // A backup restored by hand: a database of the same schema, with a drain record and a hold of its own.
    const backup = join(path, '..', 'backup.db');
    const other = new DrainStore(backup, { clock: new FakeClock() });
    other.putDrains([record('scan-099')]);
    other.putHold(hold('scan-098', 'in'));
    other.audit(auditBy('restorer'));
    other.close();
    rmSync(`${backup}.lock`);
    const bytes = readFileSync(backup);
    renameSync(backup, path);

    clock.advance(2_000); // 2026-01-01T00:00:07.000Z
    assert.deepEqual(store.health(), { status: 'ok', problems: [] });
    assert.equal(notices.length, 2);
    assert.equal(notices[1]!.message, `the database ${path} was re-created from memory (2 drain records, 1 holds, 1 audit entries)`);
    const aside = `${path}.replaced-2026-01-01T00-00-07-000Z`;
    assert.deepEqual(readFileSync(aside), bytes, 'not written to');
    assert.deepEqual(nodesOnDisk(aside), ['scan-099'], 'its drain record still there');
    assert.deepEqual(peek(aside, 'SELECT node, mode FROM holds'), [{ node: 'scan-098', mode: 'in' }]);
    assert.deepEqual(auditOnDisk(aside), ['1:restorer']);

    assert.deepEqual(nodesOnDisk(path), ['scan-001', 'scan-002'], 'exactly the store\'s records');
    assert.deepEqual(peek(path, 'SELECT node, mode FROM holds'), [{ node: 'scan-010', mode: 'out' }]);
    assert.deepEqual(auditOnDisk(path), ['1:alice']);
    const inMemory = { drains: store.drains(), holds: store.holds(), audit: store.auditTrail(Infinity), times: store.drainTimesSince(0) };
    store.close();
    assert.deepEqual(reopened(path, clock.now()), inMemory);
  });

  it('deleted, a re-create that fails leaves an empty file, then that file is swapped for another before the next retry: kept aside', () => {
    const { path, store, clock, notices } = open();
    fill(store, clock);
    deleteDatabase(path);
    mkdirSync(`${path}-journal`); // a new database cannot be started at the path
    clock.advance(5_000);
    clock.advance(2_000);
    clock.advance(4_000);
    assert.match(store.health().problems[0]!.message, /vanished while in use; re-creating it from memory \(retry 2 failed: unable to open database file \(SQLITE_CANTOPEN\)\)$/);
    assert.equal(existsSync(path), true, 'the failed tries left an empty file');
    assert.deepEqual(readdirSync(join(path, '..')).filter((f) => f.includes('.replaced-')), [], 'the store\'s own: not kept aside');

    rmSync(`${path}-journal`, { recursive: true });
    rmSync(path);
    writeFileSync(path, 'put back by hand'); // may well get the inode just freed
    clock.advance(8_000); // 2026-01-01T00:00:19.000Z
    assert.equal(store.health().status, 'ok');
    assert.equal(notices[1]!.message, `the database ${path} was re-created from memory (2 drain records, 1 holds, 1 audit entries)`);
    assert.deepEqual(readdirSync(join(path, '..')).filter((f) => f.includes('.replaced-')), ['breakerbox.db.replaced-2026-01-01T00-00-19-000Z']);
    assert.equal(readFileSync(`${path}.replaced-2026-01-01T00-00-19-000Z`, 'utf8'), 'put back by hand');
    assert.deepEqual(nodesOnDisk(path), ['scan-001', 'scan-002']);
    store.close();
  });
});

describe('DrainStore: the lock file deleted or replaced', () => {
  it('found, taken again by the retry; a second holder is refused again after', () => {
    const { path, store, clock, notices } = open();
    rmSync(`${path}.lock`);
    const message = `the lock file ${path}.lock vanished or was replaced while in use; taking it again`;
    assert.deepEqual(store.unwritable(), { code: 'BB_ERR_STORAGE', message });
    assert.deepEqual(notices, [{ ...degraded(message), message: `${message}. ${KEPT}` }]);
    store.putDrains([record('scan-001')]);
    assert.deepEqual(nodesOnDisk(path), [], 'kept until the lock is ours again');
    clock.advance(2_000);
    assert.deepEqual(notices[1], { status: 'ok', problems: [], message: `the database ${path} takes writes again: 1 kept changes written` });
    assert.deepEqual(nodesOnDisk(path), ['scan-001']);
    assert.equal(existsSync(`${path}.lock`), true);
    assert.throws(() => new DatabaseLock(path), DatabaseLockedError);
    store.close();
    new DatabaseLock(path).close();
  });

  it('taken by another holder meanwhile: each retry says so, until the other lets go', () => {
    const { path, store, clock } = open();
    rmSync(`${path}.lock`);
    const other = new DatabaseLock(path);
    clock.advance(5_000);
    const first = `the lock file ${path}.lock vanished or was replaced while in use; taking it again`;
    assert.deepEqual(store.health(), degraded(first));
    clock.advance(2_000);
    assert.deepEqual(store.health(), degraded(
      `${first} (retry 1 failed: breakerbox: database ${path} is in use by another Breakerbox process (lock ${path}.lock); stop that one first [BB_ERR_DB_LOCKED])`));
    other.close();
    clock.advance(4_000);
    assert.equal(store.health().status, 'ok');
    assert.throws(() => new DatabaseLock(path), DatabaseLockedError);
    store.close();
  });
});

describe('DrainStore: opening and closing', () => {
  it('a database file that cannot be opened is refused, and the lock is let go', () => {
    const path = freshPath();
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, 'not a database, not at all; '.repeat(10));
    assert.throws(() => new DrainStore(path, { clock: new FakeClock() }), { code: 'SQLITE_NOTADB' });
    new DatabaseLock(path).close();
  });

  it('memory databases: no lock, no file, no checks; each its own', () => {
    const clock = new RecordingClock();
    const a = new DrainStore(':memory:', { clock });
    const b = new DrainStore(':memory:', { clock });
    a.putDrains([record('scan-001')]);
    assert.deepEqual(b.drains(), []);
    assert.deepEqual(clock.delays(), []);
    assert.strictEqual(a.unwritable(), null);
    a.close();
    b.close();
  });

  it('after close: no checks, no retries, nothing told, and a cancelled timer that fires anyway does nothing', () => {
    const { path, store, clock, notices } = open();
    store.putDrains([record('scan-001')]);
    store.close();
    const check = clock.recorded[0]!.fn;
    deleteDatabase(path);
    assert.strictEqual(store.unwritable(), null, 'a closed store checks no file');
    store.putDrains([]);
    assert.deepEqual(notices, []);
    check();
    clock.advance(60_000);
    assert.deepEqual(clock.delays(), [5_000], 'nothing scheduled after close');

    // A write after close cannot land; it is said, and no retry is scheduled.
    store.putDrains([record('scan-002')]);
    const message = `cannot write the database ${path}: The database connection is not open`;
    assert.deepEqual(notices, [{ ...degraded(message), message: `${message}. ${KEPT}` }]);
    assert.deepEqual(clock.delays(), [5_000]);
  });

  it('a retry due when the store closed does nothing', () => {
    const { path, store, clock, notices } = open();
    breakWrites(path, 'drains', 'INSERT');
    store.putDrains([record('scan-001')]);
    assert.deepEqual(clock.delays(), [5_000, 2_000]);
    store.close();
    clock.recorded[1]!.fn();
    assert.deepEqual(clock.delays(), [5_000, 2_000]);
    assert.equal(notices.length, 1);
    assert.match(store.health().problems[0]!.message, /disk is full \(SQLITE_CONSTRAINT_TRIGGER\)$/);
  });
});

describe('DrainStore: the audit trail in memory', () => {
  it('grows to 11 000 entries, then is cut to the last 10 000', () => {
    const store = new DrainStore(':memory:', { clock: new FakeClock() });
    for (let i = 0; i < 10_001; i++) store.audit(auditBy('x'));
    assert.equal(store.auditTrail(Infinity).length, 10_001);
    for (let i = 10_001; i < 11_000; i++) store.audit(auditBy('x'));
    assert.equal(store.auditTrail(Infinity).length, 11_000);
    store.audit(auditBy('x'));
    const trail = store.auditTrail(Infinity);
    assert.equal(trail.length, 10_000);
    assert.equal(trail[0]!.id, 11_001);
    assert.equal(trail.at(-1)!.id, 1_002);
    store.audit(auditBy('y'));
    assert.equal(store.auditTrail(1)[0]!.id, 11_002);
    store.close();
  });
});
