import { mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

/** A second Breakerbox on the same database would undo the first one's decisions: it refuses to start. */
export class DatabaseLockedError extends Error {
  readonly code = 'BB_ERR_DB_LOCKED';
  constructor(readonly path: string) {
    super(`breakerbox: database ${path} is in use by another Breakerbox process (lock ${path}.lock); stop that one first [BB_ERR_DB_LOCKED]`);
  }
}

/** dev/inode of what a path names now, or null when nothing is there. */
export function identityOf(path: string): string | null {
  try {
    const s = statSync(path, { bigint: true });
    return `${s.dev}:${s.ino}`;
  } catch {
    return null;
  }
}

/**
 * One process per database: SQLite's exclusive locking mode on a file beside the database, taken
 * by an empty exclusive transaction and kept until the connection closes or the process dies. The
 * OS holds it (fcntl), so there is no check-then-create race and kill -9 releases it. Readers of the
 * database itself (backups, sqlite3) are not blocked.
 */
export class DatabaseLock {
  private readonly db: Database.Database;
  private readonly identity: string | null;
  readonly file: string;

  constructor(readonly databasePath: string) {
    this.file = `${databasePath}.lock`;
    mkdirSync(dirname(databasePath), { recursive: true });
    this.db = new Database(this.file, { timeout: 0 });
    try {
      this.db.pragma('locking_mode = EXCLUSIVE');
      this.db.exec('BEGIN EXCLUSIVE; COMMIT');
    } catch (err) {
      this.db.close();
      const code = (err as { code?: string }).code ?? '';
      if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) throw new DatabaseLockedError(databasePath);
      throw err;
    }
    this.identity = identityOf(this.file);
  }

  /** The lock file was deleted or replaced: another process could take a new one. */
  moved(): boolean {
    return identityOf(this.file) !== this.identity;
  }

  close(): void {
    try {
      this.db.close();
    } catch {
      // closing releases the OS lock whatever SQLite says
    }
  }
}
