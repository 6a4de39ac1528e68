// One Breakerbox per database: the lock file beside it, a second holder refused at once with a
// one-line message, the lock free again after close, a lock file deleted or replaced noticed, errors
// that are not contention passed on as they are, and the dev:inode identity of a path.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { DatabaseLock, DatabaseLockedError, identityOf } from '../src/drain/store-lock.js';

const root = mkdtempSync(join(tmpdir(), 'bb-store-lock-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshPath = () => join(root, `case-${++n}`, 'deeper', 'breakerbox.db');

describe('identityOf', () => {
  it('is "dev:inode" of what the path names now', () => {
    const path = join(root, 'identity-file');
    writeFileSync(path, 'x');
    const s = statSync(path, { bigint: true });
    assert.equal(identityOf(path), `${s.dev}:${s.ino}`);
    assert.match(identityOf(path)!, /^\d+:\d+$/);
  });

  it('changes when another file takes the path, and is null when nothing is there', () => {
    const path = join(root, 'identity-swap');
    writeFileSync(path, 'one');
    const before = identityOf(path);
    writeFileSync(`${path}.new`, 'two');
    renameSync(`${path}.new`, path);
    assert.notEqual(identityOf(path), before);
    rmSync(path);
    assert.strictEqual(identityOf(path), null);
    assert.strictEqual(identityOf(join(root, 'no-such-dir', 'x')), null);
  });
});

describe('DatabaseLock', () => {
  it('takes <database>.lock, creating the directories it needs; the database itself is not created', () => {
    const path = freshPath();
    const lock = new DatabaseLock(path);
    try {
      assert.equal(lock.file, `${path}.lock`);
      assert.equal(lock.databasePath, path);
      assert.equal(existsSync(`${path}.lock`), true);
      assert.equal(existsSync(path), false);
      assert.equal(lock.moved(), false);
    } finally {
      lock.close();
    }
  });

  it('a second holder is refused at once, with the code and a one-line message naming the database and the lock', () => {
    const path = freshPath();
    const first = new DatabaseLock(path);
    try {
      const started = Date.now();
      let caught: unknown;
      try {
        new DatabaseLock(path).close();
      } catch (err) {
        caught = err;
      }
      assert.ok(Date.now() - started < 2_000, 'refused without waiting for the holder');
      assert.ok(caught instanceof DatabaseLockedError, `a DatabaseLockedError, got ${String(caught)}`);
      assert.ok(caught instanceof Error);
      assert.equal(caught.code, 'BB_ERR_DB_LOCKED');
      assert.equal(caught.path, path);
      assert.equal(caught.message,
        `breakerbox: database ${path} is in use by another Breakerbox process (lock ${path}.lock); stop that one first [BB_ERR_DB_LOCKED]`);
      assert.equal(first.moved(), false, 'the refused one left the lock file alone');
    } finally {
      first.close();
    }
  });

  it('after close the lock can be taken again; a second close is harmless', () => {
    const path = freshPath();
    const first = new DatabaseLock(path);
    first.close();
    first.close();
    const second = new DatabaseLock(path);
    assert.throws(() => new DatabaseLock(path), DatabaseLockedError);
    second.close();
  });

  it('moved(): true once the lock file is deleted, and once another file takes its place', () => {
    const path = freshPath();
    const deleted = new DatabaseLock(path);
    rmSync(deleted.file);
    assert.equal(deleted.moved(), true);
    // Nothing holds a lock on the new file at the path: another process could take it.
    const other = new DatabaseLock(path);
    assert.equal(other.moved(), false);
    assert.equal(deleted.moved(), true);
    other.close();
    deleted.close();

    const path2 = freshPath();
    const replaced = new DatabaseLock(path2);
    writeFileSync(`${path2}.other`, '');
    renameSync(`${path2}.other`, replaced.file);
    assert.equal(replaced.moved(), true);
    replaced.close();
  });

  it('a lock file that is not a database: the error is passed on as it is, not called contention', () => {
    const path = freshPath();
    new DatabaseLock(path).close(); // creates the directory and a lock file
    writeFileSync(`${path}.lock`, 'this is not an SQLite database file, not at all. '.repeat(4));
    assert.throws(() => new DatabaseLock(path), (err: unknown) => {
      assert.equal(err instanceof DatabaseLockedError, false);
      assert.equal((err as { code?: string }).code, 'SQLITE_NOTADB');
      assert.equal((err as Error).message, 'file is not a database');
      return true;
    });
    // and nothing was left holding it: once the file is fixed, the lock is taken
    rmSync(`${path}.lock`);
    new DatabaseLock(path).close();
  });

  it('a path under a regular file cannot be locked: the file-system error is passed on', () => {
    const blocker = join(root, 'a-file');
    writeFileSync(blocker, 'x');
    assert.throws(() => new DatabaseLock(join(blocker, 'breakerbox.db')), { code: 'EEXIST' });
  });
});
