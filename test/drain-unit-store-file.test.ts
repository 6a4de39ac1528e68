// The SQLite file under the drain store, on its own: every kind of write and what a load gives back,
// audit ids that stay unique after pruning, the probe write, a refill from memory, a file deleted or
// replaced under an open connection, a schema that cannot be set up, and the helpers that move a
// stranger's file aside and clear a vanished file's WAL leftovers.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import type { AuditEntry, DrainRecord, Hold } from '../src/drain/drain-store.js';
import { moveAside, removeLeftovers, StoreFile } from '../src/drain/store-file.js';

const root = mkdtempSync(join(tmpdir(), 'bb-store-file-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
/** A fresh path in a directory that does not exist yet. */
const freshPath = () => join(root, `case-${++n}`, 'sub', 'store.db');

const record = (node: string, shadow = false): DrainRecord => ({
  pool: 'scanners', node, reason: 'power lost', since: 1_000, by: 'breakerbox', shadow,
  chain: { cause: 'bank 1 tripped', impact: `${node} lost power`, action: `drained ${node}` },
});
const hold = (node: string, mode: 'out' | 'in' = 'out'): Hold => ({ pool: 'scanners', node, mode, reason: 'disk swap', by: 'alice', since: 2_000 });
const entry = (id: number, who = 'alice'): AuditEntry => ({ id, time: 3_000 + id, who, action: 'hold-out', pool: 'scanners', node: `scan-${id}`, why: 'disk swap' });

/** What another connection sees in the file right now. */
function peek<T>(path: string, sql: string): T[] {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare(sql).all() as T[];
  } finally {
    db.close();
  }
}

describe('StoreFile: writes and loads', () => {
  it('creates the missing directories and an empty WAL database with every table', () => {
    const path = freshPath();
    const file = new StoreFile(path);
    try {
      assert.equal(existsSync(path), true);
      assert.deepEqual(file.load(10, 0), { drains: [], holds: [], drainTimes: [], audit: [], alerts: [], outbox: [], silences: [] });
      assert.equal(file.lastAuditId(), 0);
      const tables = peek<{ name: string }>(path, "SELECT name FROM sqlite_master WHERE type IN ('table', 'index') AND name NOT LIKE 'sqlite_%' ORDER BY name").map((t) => t.name);
      assert.deepEqual(tables, ['alerts', 'alerts_state', 'audit', 'drain_times', 'drain_times_time', 'drains', 'holds', 'incidents', 'meta', 'outbox', 'silences']);
      assert.equal(peek<{ journal_mode: string }>(path, 'PRAGMA journal_mode')[0]!.journal_mode, 'wal');
    } finally {
      file.close();
    }
  });

  it('a drain record comes back whole: its chain parsed, shadow as a boolean either way', () => {
    const path = freshPath();
    const file = new StoreFile(path);
    file.apply([{ op: 'put-drain', record: record('scan-001', true) }, { op: 'put-drain', record: record('scan-002', false) }]);
    assert.deepEqual(peek(path, 'SELECT node, chain, shadow FROM drains ORDER BY node'), [
      { node: 'scan-001', chain: JSON.stringify(record('scan-001').chain), shadow: 1 },
      { node: 'scan-002', chain: JSON.stringify(record('scan-002').chain), shadow: 0 },
    ]);
    const drains = file.load(10, 0).drains.sort((a, b) => a.node.localeCompare(b.node));
    assert.deepEqual(drains, [record('scan-001', true), record('scan-002', false)]);
    assert.equal(drains[0]!.shadow, true);
    file.close();
  });

  it('put and delete of drains and holds: a put replaces, a delete removes only its own key', () => {
    const path = freshPath();
    const file = new StoreFile(path);
    file.apply([
      { op: 'put-drain', record: record('scan-001') },
      { op: 'put-drain', record: record('scan-002') },
      { op: 'put-drain', record: { ...record('scan-001'), reason: 'again' } },
      { op: 'put-hold', hold: hold('scan-010') },
      { op: 'put-hold', hold: hold('scan-011', 'in') },
    ]);
    assert.deepEqual(peek(path, 'SELECT node, reason FROM drains ORDER BY node'), [{ node: 'scan-001', reason: 'again' }, { node: 'scan-002', reason: 'power lost' }]);
    assert.deepEqual(peek(path, 'SELECT * FROM holds ORDER BY node'), [hold('scan-010'), hold('scan-011', 'in')]);

    file.apply([{ op: 'del-drain', pool: 'scanners', node: 'scan-001' }, { op: 'del-hold', pool: 'scanners', node: 'scan-011' }]);
    assert.deepEqual(peek(path, 'SELECT node FROM drains'), [{ node: 'scan-002' }]);
    assert.deepEqual(peek(path, 'SELECT node FROM holds'), [{ node: 'scan-010' }]);
    assert.deepEqual(file.load(10, 0).holds, [hold('scan-010')]);

    file.apply([{ op: 'del-drain', pool: 'other', node: 'scan-002' }, { op: 'del-hold', pool: 'other', node: 'scan-010' }]);
    assert.equal(peek(path, 'SELECT node FROM drains').length, 1, 'another pool\'s key deletes nothing');
    assert.equal(peek(path, 'SELECT node FROM holds').length, 1);
    file.close();
  });

  it('a list of ops is one transaction: one that fails takes the others with it', () => {
    const path = freshPath();
    const file = new StoreFile(path);
    const bad = { ...hold('scan-020'), mode: 'sideways' } as unknown as Hold;
    assert.throws(() => file.apply([{ op: 'put-drain', record: record('scan-001') }, { op: 'put-hold', hold: bad }]), { code: 'SQLITE_CONSTRAINT_CHECK' });
    assert.deepEqual(peek(path, 'SELECT * FROM drains'), []);
    file.close();
  });

  it('the audit trail: loaded oldest first, only the last `auditKept` entries; ids stay unique after rows are pruned', () => {
    const path = freshPath();
    const file = new StoreFile(path);
    file.apply([1, 2, 3, 4].map((id) => ({ op: 'audit' as const, entry: entry(id, `who-${id}`) })));
    assert.deepEqual(file.load(10, 0).audit, [entry(1, 'who-1'), entry(2, 'who-2'), entry(3, 'who-3'), entry(4, 'who-4')]);
    assert.deepEqual(file.load(2, 0).audit.map((a) => a.id), [3, 4]);
    assert.equal(file.lastAuditId(), 4);
    const other = new Database(path);
    other.exec('DELETE FROM audit WHERE id >= 3');
    other.close();
    assert.equal(file.lastAuditId(), 4, 'the sequence remembers what the table lost');
    assert.deepEqual(file.load(10, 0).audit.map((a) => a.id), [1, 2]);
    file.close();
  });

  it('the highest audit id is 0 for an empty trail, and the larger of the table and the sequence', () => {
    const path = freshPath();
    const file = new StoreFile(path);
    assert.strictEqual(file.lastAuditId(), 0);
    file.apply([{ op: 'audit', entry: entry(7) }]);
    assert.strictEqual(file.lastAuditId(), 7);
    file.close();
  });

  it('drain times: written per pool, pruned before a time on disk, loaded from a time on, oldest first', () => {
    const path = freshPath();
    const file = new StoreFile(path);
    file.apply([{ op: 'drain-times', pool: 'scanners', times: [500, 100, 300], prunedBefore: 0 }]);
    file.apply([{ op: 'drain-times', pool: 'archive', times: [400], prunedBefore: 300 }]);
    assert.deepEqual(peek(path, 'SELECT pool, time FROM drain_times ORDER BY time'), [
      { pool: 'scanners', time: 300 }, { pool: 'archive', time: 400 }, { pool: 'scanners', time: 500 },
    ]);
    assert.deepEqual(file.load(10, 400).drainTimes, [{ pool: 'archive', time: 400 }, { pool: 'scanners', time: 500 }]);
    assert.deepEqual(file.load(10, 0).drainTimes.map((t) => t.time), [300, 400, 500]);
    file.close();
  });

  it('a probe writes the time of the probe and nothing else', () => {
    const path = freshPath();
    const file = new StoreFile(path);
    file.probe(1_234);
    assert.deepEqual(peek(path, 'SELECT key, value FROM meta'), [{ key: 'last-probe', value: '1234' }]);
    file.probe(5_678);
    assert.deepEqual(peek(path, 'SELECT key, value FROM meta'), [{ key: 'last-probe', value: '5678' }]);
    assert.deepEqual(file.load(10, 0), { drains: [], holds: [], drainTimes: [], audit: [], alerts: [], outbox: [], silences: [] });
    file.close();
  });

  it('fill: the file holds exactly what it is given, whatever it held before', () => {
    const path = freshPath();
    const file = new StoreFile(path);
    file.apply([
      { op: 'put-drain', record: record('old-drain') }, { op: 'put-hold', hold: hold('old-hold') },
      { op: 'audit', entry: entry(1, 'old') }, { op: 'drain-times', pool: 'old', times: [1], prunedBefore: 0 },
    ]);
    const contents = {
      drains: [record('scan-001', true), record('scan-002')],
      holds: [hold('scan-010'), hold('scan-011', 'in')],
      drainTimes: [{ pool: 'scanners', time: 10 }, { pool: 'archive', time: 20 }],
      audit: [entry(5, 'bob'), entry(6, 'carol')],
      outbox: [],
      silences: [],
      alerts: [
        { id: 3, key: 'breaker-tripped:bank:r07-a bank 1', rule: 'breaker-tripped' as const, severity: 'critical' as const, subject: { kind: 'bank' as const, name: 'r07-a bank 1' }, labels: { pdu: 'r07-a' }, summary: 'bank 1 breaker tripped on r07-a', causes: ['bank 1 breaker tripped on r07-a'], state: 'firing' as const, since: 1, firedAt: 1, resolvedAt: null, flapping: false, muted: null, group: null },
        { id: 2, key: 'node-power-lost:node:scan-057', rule: 'node-power-lost' as const, severity: 'critical' as const, subject: { kind: 'node' as const, name: 'scan-057' }, labels: {}, summary: 'scan-057 lost power', causes: [], state: 'resolved' as const, since: 1, firedAt: 1, resolvedAt: 2, flapping: false, muted: null, group: null },
      ],
    };
    file.fill(contents);
    const loaded = file.load(10, 0);
    assert.deepEqual(loaded.alerts, contents.alerts, 'active alerts, then the resolved ones');
    assert.deepEqual(loaded.drains.sort((a, b) => a.node.localeCompare(b.node)), contents.drains);
    assert.deepEqual(loaded.holds.sort((a, b) => a.node.localeCompare(b.node)), contents.holds);
    assert.deepEqual(loaded.drainTimes, contents.drainTimes);
    assert.deepEqual(loaded.audit, contents.audit);
    assert.equal(file.lastAuditId(), 6);
    file.close();
  });
});

describe('StoreFile: the file at the path', () => {
  it('moved(): null while the path names the opened file, "vanished" once it is gone, "replaced" for another file', () => {
    const path = freshPath();
    const file = new StoreFile(path);
    assert.strictEqual(file.moved(), null);
    renameSync(path, `${path}.away`);
    assert.strictEqual(file.moved(), 'vanished');
    writeFileSync(path, 'someone else');
    assert.strictEqual(file.moved(), 'replaced');
    rmSync(path);
    renameSync(`${path}.away`, path);
    assert.strictEqual(file.moved(), null, 'the same file back at the path is no change');
    file.close();
  });

  it('":memory:" has no file: it never moves, whatever a file of that name in the working directory does', () => {
    const cwd = process.cwd();
    const dir = mkdtempSync(join(root, 'cwd-'));
    process.chdir(dir);
    try {
      writeFileSync(':memory:', 'a file with that name');
      const file = new StoreFile(':memory:');
      assert.strictEqual(file.moved(), null);
      rmSync(':memory:');
      assert.strictEqual(file.moved(), null);
      file.apply([{ op: 'put-drain', record: record('scan-001') }]);
      assert.deepEqual(file.load(10, 0).drains, [record('scan-001')]);
      file.close();
      assert.deepEqual(readdirSync(dir), [], 'nothing written to the working directory');
    } finally {
      process.chdir(cwd);
    }
  });

  it('close checkpoints the WAL into the file and removes it', () => {
    const path = freshPath();
    const file = new StoreFile(path);
    file.apply([{ op: 'put-drain', record: record('scan-001') }]);
    assert.equal(existsSync(`${path}-wal`), true);
    file.close();
    assert.equal(existsSync(`${path}-wal`), false);
    assert.equal(existsSync(`${path}-shm`), false);
    assert.deepEqual(peek(path, 'SELECT node FROM drains'), [{ node: 'scan-001' }]);
    file.close(); // a second close is harmless
  });

  it('a file whose schema cannot be set up is refused', () => {
    const path = freshPath();
    mkdirSync(join(path, '..'), { recursive: true });
    const other = new Database(path);
    other.exec('CREATE TABLE drain_times_time (x TEXT)'); // the name the index needs
    other.close();
    assert.throws(() => new StoreFile(path), { code: 'SQLITE_ERROR', message: 'there is already a table named drain_times_time' });
  });

  it('a file that is not a database is refused', () => {
    const path = freshPath();
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, 'not a database, not at all; '.repeat(10));
    assert.throws(() => new StoreFile(path), { code: 'SQLITE_NOTADB' });
    assert.equal(readFileSync(path, 'utf8').startsWith('not a database'), true, 'left as it was');
  });
});

describe('moveAside and removeLeftovers', () => {
  it('moveAside renames the file to <path>.<suffix> and says where', () => {
    const dir = mkdtempSync(join(root, 'aside-'));
    const path = join(dir, 'store.db');
    writeFileSync(path, 'stranger');
    assert.equal(moveAside(path, 'replaced-x'), `${path}.replaced-x`);
    assert.deepEqual(readdirSync(dir), ['store.db.replaced-x']);
    assert.equal(readFileSync(`${path}.replaced-x`, 'utf8'), 'stranger');
  });

  it('moveAside of nothing moves nothing and does not fail', () => {
    const dir = mkdtempSync(join(root, 'aside-'));
    const path = join(dir, 'store.db');
    assert.equal(moveAside(path, 'replaced-y'), `${path}.replaced-y`);
    assert.deepEqual(readdirSync(dir), []);
  });

  it('removeLeftovers removes the -wal and -shm files beside the path, and nothing else', () => {
    const dir = mkdtempSync(join(root, 'left-'));
    const path = join(dir, 'store.db');
    for (const f of ['store.db', 'store.db-wal', 'store.db-shm', 'store.db.lock', 'store.db-journal']) writeFileSync(join(dir, f), 'x');
    removeLeftovers(path);
    assert.deepEqual(readdirSync(dir).sort(), ['store.db', 'store.db-journal', 'store.db.lock']);
  });

  it('removeLeftovers with nothing left over does not fail', () => {
    const dir = mkdtempSync(join(root, 'left-'));
    removeLeftovers(join(dir, 'store.db'));
    assert.deepEqual(readdirSync(dir), []);
  });
});

describe('StoreFile: a file from before maintenance windows', () => {
  it('gains the maintenance column when opened, keeps its drains, and keeps a window\'s name', () => {
    const path = freshPath();
    mkdirSync(join(path, '..'), { recursive: true });
    const old = new Database(path);
    old.exec(`CREATE TABLE drains (pool TEXT NOT NULL, node TEXT NOT NULL, reason TEXT NOT NULL, since INTEGER NOT NULL,
      chain TEXT NOT NULL, by TEXT NOT NULL, shadow INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (pool, node))`);
    old.prepare('INSERT INTO drains VALUES (?, ?, ?, ?, ?, ?, ?)').run('scanners', 'scan-001', 'power lost', 1_000, JSON.stringify(record('scan-001').chain), 'breakerbox', 0);
    old.close();
    const file = new StoreFile(path);
    file.apply([{ op: 'put-drain', record: { ...record('scan-002'), maintenance: 'r07-breakers' } }]);
    const drains = file.load(10, 0).drains;
    file.close();
    assert.deepEqual(drains.map((d) => [d.node, d.maintenance]), [['scan-001', undefined], ['scan-002', 'r07-breakers']]);
    assert.equal('maintenance' in drains[0]!, false, 'an old drain has no window');
  });
});
