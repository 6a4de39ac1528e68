// The drain store on a real file system that fills up, and a database file deleted or replaced
// under it: nothing decided is lost, health says so loudly, and retries go by the injected clock.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { FakeClock } from '../src/clock.js';
import { OperatorError } from '../src/drain/operator-error.js';
import { DatabaseLockedError, DrainStore, StorageError, type DrainRecord, type StorageNotice } from '../src/drain/drain-store.js';
import { range, Scenario } from './helpers/scenario.js';
import { mountTmpfs, type Tmpfs } from './helpers/tmpfs.js';

const record = (node: string, since = 1): DrainRecord => ({
  pool: 'scanners', node, reason: 'power lost', since, by: 'breakerbox', shadow: false,
  chain: { cause: 'bank 1 tripped', impact: node, action: `drained ${node}` },
});
const auditOf = (who: string) => ({ time: 1, who, action: 'hold-out', pool: 'scanners', node: 'scan-001', why: 'disk swap' });

/** What a fresh process would load from the file. */
function onDisk(path: string): { drains: string[]; holds: string[]; audit: string[]; times: number } {
  const store = new DrainStore(path, { clock: new FakeClock() });
  try {
    return {
      drains: store.drains().map((r) => r.node).sort(), holds: store.holds().map((h) => h.node).sort(),
      audit: store.auditTrail().map((a) => a.who).reverse(), times: store.drainTimesSince(0).length,
    };
  } finally {
    store.close();
  }
}

describe('drain store: a full disk', () => {
  let fs: Tmpfs;
  before(() => { fs = mountTmpfs('1m'); });
  after(() => { fs.unmount(); });

  it('keeps unwritten records in order, refuses operator changes, retries with backoff and writes them when space returns', () => {
    const clock = new FakeClock();
    const notices: StorageNotice[] = [];
    const path = join(fs.dir, 'full.db');
    const store = new DrainStore(path, { clock, onHealth: (n) => notices.push(n) });
    store.putDrains([record('scan-001')]);
    assert.equal(store.health().status, 'ok');

    fs.fill();
    store.putDrains([record('scan-002'), record('scan-003')]);
    store.deleteDrains([{ pool: 'scanners', node: 'scan-001' }]);
    store.recordDrainTimes('scanners', [clock.now()]);
    assert.deepEqual(store.drains().map((r) => r.node).sort(), ['scan-002', 'scan-003'], 'the decision is kept in memory');
    assert.equal(store.health().status, 'degraded');
    assert.equal(store.health().problems[0]!.code, 'BB_ERR_STORAGE');
    assert.match(store.health().problems[0]!.message, /full/);
    assert.equal(notices.length, 1, 'said once');
    assert.equal(notices[0]!.status, 'degraded');

    // An operator change is all or nothing: refused, and nothing of it is kept.
    assert.throws(() => store.holdByOperator({ pool: 'scanners', node: 'scan-009', mode: 'out', reason: 'x', by: 'carol', since: 1 }, auditOf('carol')), StorageError);
    assert.deepEqual(store.holds(), []);
    assert.deepEqual(store.auditTrail(), []);

    clock.advance(2_000); // first retry: still full
    assert.equal(store.health().status, 'degraded');
    assert.match(store.health().problems[0]!.message, /full \(SQLITE_FULL\) \(1 retry failed alike\)$/);
    assert.equal(notices.length, 1, 'a failed retry is not a new notice');
    fs.free();
    clock.advance(3_999); // the second retry waits twice as long
    assert.equal(store.health().status, 'degraded');
    clock.advance(1);
    assert.equal(store.health().status, 'ok');
    assert.equal(notices.length, 2);
    assert.equal(notices[1]!.status, 'ok');
    assert.match(notices[1]!.message, /takes writes again: 4 kept changes written/);
    store.close();

    const disk = onDisk(path);
    assert.deepEqual(disk.drains, ['scan-002', 'scan-003'], 'written in order: scan-001 deleted after it was put');
    assert.equal(disk.times, 1);
  });

  it('an operator change that fails midway leaves nothing behind, and a probe write finds the disk again', () => {
    const clock = new FakeClock();
    const path = join(fs.dir, 'probe.db');
    const store = new DrainStore(path, { clock });
    store.holdByOperator({ pool: 'scanners', node: 'scan-001', mode: 'out', reason: 'disk swap', by: 'alice', since: 1 }, auditOf('alice'));
    fs.fill();
    assert.throws(() => store.drainByOperator(record('scan-005'), auditOf('bob')), StorageError);
    assert.deepEqual(store.drains(), []);
    assert.deepEqual(store.auditTrail().map((a) => a.who), ['alice']);
    assert.equal(store.health().status, 'degraded');
    assert.throws(() => store.releaseByOperator('scanners', 'scan-001', auditOf('bob')), StorageError, 'refused while degraded');
    fs.free();
    clock.advance(2_000);
    assert.equal(store.health().status, 'ok', 'nothing was pending: a probe write proved the disk');
    assert.equal(store.releaseByOperator('scanners', 'scan-001', auditOf('bob')), true);
    store.close();
    assert.deepEqual(onDisk(path), { drains: [], holds: [], audit: ['alice', 'bob'], times: 0 });
  });

  it('the controller drains through a full disk; operators get 503 BB_ERR_STORAGE; the records land later', async () => {
    const storeClock = new FakeClock();
    const path = join(fs.dir, 'scenario.db');
    const s = new Scenario(undefined, new DrainStore(path, { clock: storeClock }));
    await s.reconcile();
    fs.fill();
    s.setOutlets('dal3-r07-a', Array.from({ length: 24 }, (_, i) => i + 1), 'off');
    await s.reconcile();
    assert.equal(s.membersFile().length, 60, 'the backend was told: no traffic to servers without power');
    assert.equal(s.drained().length, 20);
    assert.equal(s.store.health().status, 'degraded');
    for (const change of [
      () => s.controller.hold('scanners', 'scan-003', 'out', 'disk swap', 'carol'),
      () => s.controller.drain('scanners', 'scan-004', 'noisy fan', 'carol'),
      () => s.controller.release('scanners', 'scan-005', 'done', 'carol'),
    ]) {
      assert.throws(change, (err: unknown) => err instanceof OperatorError && err.status === 503 && err.code === 'BB_ERR_STORAGE');
    }
    assert.deepEqual(s.controller.holdsIn('scanners'), []);
    fs.free();
    storeClock.advance(2_000);
    assert.equal(s.store.health().status, 'ok');
    s.store.close();
    assert.deepEqual(onDisk(path).drains, range(57, 76));
  });
});

describe('drain store: the database file deleted or replaced while open', () => {
  let dir: Tmpfs;
  before(() => { dir = mountTmpfs('8m'); });
  after(() => { dir.unmount(); });

  const filled = (path: string, clock: FakeClock, notices: StorageNotice[]) => {
    const store = new DrainStore(path, { clock, onHealth: (n) => notices.push(n) });
    store.putDrains([record('scan-001'), record('scan-002')]);
    store.holdByOperator({ pool: 'scanners', node: 'scan-010', mode: 'out', reason: 'disk swap', by: 'alice', since: 1 }, auditOf('alice'));
    store.recordDrainTimes('scanners', [clock.now(), clock.now()]);
    return store;
  };

  it('deleted: found by the periodic check, re-created from memory, nothing lost at the next start', () => {
    const clock = new FakeClock();
    const notices: StorageNotice[] = [];
    const path = join(dir.dir, 'deleted.db');
    const store = filled(path, clock, notices);
    for (const f of readdirSync(dir.dir).filter((f) => f.startsWith('deleted.db') && !f.endsWith('.lock'))) rmSync(join(dir.dir, f));
    assert.equal(existsSync(path), false);
    clock.advance(5_000); // the check
    assert.equal(notices.length, 1);
    assert.equal(notices[0]!.status, 'degraded');
    assert.match(notices[0]!.message, /deleted\.db vanished while in use; re-creating it from memory/);
    store.putDrains([record('scan-003')]); // decided meanwhile: kept
    clock.advance(2_000); // the retry re-creates
    assert.equal(store.health().status, 'ok');
    assert.match(notices[1]!.message, /re-created from memory \(3 drain records, 1 holds, 1 audit entries\)/);
    assert.ok(existsSync(path));
    store.putDrains([record('scan-004')]); // and the new file takes writes
    store.close();
    assert.deepEqual(onDisk(path), { drains: ['scan-001', 'scan-002', 'scan-003', 'scan-004'], holds: ['scan-010'], audit: ['alice'], times: 2 });
  });

  it('replaced: found at the next write, the stranger kept aside, the database re-created from memory', () => {
    const clock = new FakeClock();
    const notices: StorageNotice[] = [];
    const path = join(dir.dir, 'replaced.db');
    const store = filled(path, clock, notices);
    const stranger = join(dir.dir, 'stranger.db');
    const other = new Database(stranger);
    other.exec("CREATE TABLE t (x TEXT); INSERT INTO t VALUES ('someone else')");
    other.close();
    renameSync(stranger, path);
    store.putDrains([record('scan-005')]); // the write notices
    assert.equal(store.health().status, 'degraded');
    assert.match(notices[0]!.message, /replaced\.db was replaced by another file while in use/);
    // Operator changes wait until the file is ours again.
    assert.throws(() => store.drainByOperator(record('scan-006'), auditOf('bob')), StorageError);
    clock.advance(2_000);
    assert.equal(store.health().status, 'ok');
    const aside = readdirSync(dir.dir).filter((f) => /^replaced\.db\.replaced-.*Z$/.test(f));
    assert.equal(aside.length, 1, 'the file put there is kept');
    const kept = new Database(join(dir.dir, aside[0]!), { readonly: true });
    assert.deepEqual(kept.prepare('SELECT x FROM t').all(), [{ x: 'someone else' }]);
    kept.close();
    store.close();
    assert.deepEqual(onDisk(path), { drains: ['scan-001', 'scan-002', 'scan-005'], holds: ['scan-010'], audit: ['alice'], times: 2 });
  });

  it('garbage written over the file is a replacement too', () => {
    const clock = new FakeClock();
    const notices: StorageNotice[] = [];
    const path = join(dir.dir, 'garbage.db');
    const store = filled(path, clock, notices);
    rmSync(path);
    writeFileSync(path, 'not a database');
    clock.advance(5_000);
    assert.match(notices[0]!.message, /was replaced/);
    clock.advance(2_000);
    assert.equal(store.health().status, 'ok');
    store.close();
    assert.deepEqual(onDisk(path).drains, ['scan-001', 'scan-002']);
  });
});

describe('drain store: one process per database, rate-limit history', () => {
  let dir: Tmpfs;
  before(() => { dir = mountTmpfs('4m'); });
  after(() => { dir.unmount(); });

  it('a second store on the same file is refused with a one-line message; after close it opens', () => {
    const path = join(dir.dir, 'one.db');
    const first = new DrainStore(path, { clock: new FakeClock() });
    assert.throws(() => new DrainStore(path), (err: unknown) => err instanceof DatabaseLockedError && !err.message.includes('\n') && err.message.includes(path));
    first.close();
    new DrainStore(path, { clock: new FakeClock() }).close();
    // Memory databases are each their own.
    const a = new DrainStore(':memory:');
    const b = new DrainStore(':memory:');
    a.close();
    b.close();
  });

  it('drain times persist for an hour and are pruned after', () => {
    const clock = new FakeClock();
    const path = join(dir.dir, 'times.db');
    const store = new DrainStore(path, { clock });
    const t0 = clock.now();
    store.recordDrainTimes('scanners', [t0, t0 + 1]);
    store.recordDrainTimes('archive', [t0 + 2]);
    assert.deepEqual(store.drainTimesSince(t0 + 1), [{ pool: 'scanners', time: t0 + 1 }, { pool: 'archive', time: t0 + 2 }]);
    clock.advance(61 * 60_000);
    store.recordDrainTimes('scanners', [clock.now()]);
    assert.deepEqual(store.drainTimesSince(0), [{ pool: 'scanners', time: clock.now() }], 'older than an hour: gone');
    store.close();
    const db = new Database(path, { readonly: true });
    assert.deepEqual(db.prepare('SELECT pool, time FROM drain_times').all(), [{ pool: 'scanners', time: clock.now() }], 'pruned on disk too');
    db.close();
  });
});
