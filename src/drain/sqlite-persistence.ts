import { statSync } from 'node:fs';
import type { Clock } from '../clock.js';
import type { Incident } from '../status/incidents.js';
import type { Persistence, StorageHealth, StorageNotice, StorageProblem } from './drain-store.js';
import { StorageError } from './drain-store.js';
import { moveAside, removeLeftovers, StoreFile, type StoreContents, type StoreOp } from './store-file.js';
import { DatabaseLock } from './store-lock.js';

const RETRY_FIRST_MS = 2_000;
const RETRY_MAX_MS = 30_000;
const CHECK_EVERY_MS = 5_000;

/**
 * What a path names now, or null: inode, size and change time, so a file put there after the store's own
 * was deleted is told apart even on a reused inode (nothing holds the store's own open to prevent that).
 */
const fingerprint = (path: string): string | null => {
  try {
    const s = statSync(path, { bigint: true });
    return `${s.dev}:${s.ino}:${s.size}:${s.ctimeNs}`;
  } catch {
    return null;
  }
};
/** Nothing at the path, or just what a failed re-create left there. */
const sameFile = (now: string | null, leftover: string | null) => now === null || now === leftover;

export const reasonOf = (err: unknown): string => {
  const e = err as { message?: string; code?: string };
  return e.code && !String(e.message).includes(e.code) ? `${e.message} (${e.code})` : String(e.message ?? err);
};

export interface SqliteOptions {
  clock: Clock;
  onHealth: (notice: StorageNotice) => void;
  /** Everything held in memory: what a re-created file is filled with. */
  contents: () => StoreContents;
}

/**
 * The embedded engine: one SQLite file (WAL), written synchronously, so a record is on disk before
 * any backend is touched.
 *
 * A write that fails never loses a decision: automatic writes are kept in order and retried with
 * backoff until they land, and health turns degraded meanwhile; operator changes are all or nothing
 * and refused while the file cannot be written. A database file deleted or replaced while open is
 * re-created from memory. One process per file (see DatabaseLock); ":memory:" is exempt.
 */
export class SqlitePersistence implements Persistence {
  private file: StoreFile | null;
  private lock: DatabaseLock | null;
  private readonly pending: StoreOp[] = [];
  private problem: StorageProblem | null = null;
  private firstMessage = '';
  /** The file at the path is not (or no longer) the one opened: the retry re-creates it. */
  private moved: 'vanished' | 'replaced' | null = null;
  /** What a re-create that failed left at the path (SQLite may make an empty file): the store's own, not kept aside. */
  private leftover: string | null = null;
  private attempt = 0;
  private retryTimer: { cancel(): void } | null = null;
  private checkTimer: { cancel(): void } | null = null;
  private closed = false;

  constructor(readonly path: string, private readonly options: SqliteOptions) {
    const memory = path === ':memory:';
    this.lock = memory ? null : new DatabaseLock(path);
    try {
      this.file = new StoreFile(path);
    } catch (err) {
      this.lock?.close();
      throw err;
    }
    if (!memory) this.scheduleCheck();
  }

  /** What the file holds (the audit trail as far back as `auditKept`), its incidents and the last audit id. */
  load(auditKept: number, timesSince: number, incidentsKept: number): { contents: StoreContents; incidents: Incident[]; lastAuditId: number } {
    try {
      const file = this.file!;
      return { contents: file.load(auditKept, timesSince), incidents: file.loadIncidents(incidentsKept), lastAuditId: file.lastAuditId() };
    } catch (err) {
      this.close();
      throw err;
    }
  }

  health(): StorageHealth {
    return this.problem ? { status: 'degraded', problems: [this.problem] } : { status: 'ok', problems: [] };
  }

  unwritable(): StorageProblem | null {
    return this.problem ?? this.checkFile();
  }

  /** Written synchronously: whatever could be written, was. */
  durable(): Promise<void> {
    return Promise.resolve();
  }

  /** One process per file: the one that opened it acts. */
  mayAct(): boolean {
    return true;
  }

  /** An automatic write: written now if it can be, else kept in order for the retry. */
  keep(ops: StoreOp[]): void {
    if (ops.length === 0) return;
    if (this.unwritable() || !this.file) {
      this.pending.push(...ops);
      return;
    }
    try {
      this.file.apply(ops);
    } catch (err) {
      this.pending.push(...ops);
      this.fail(`cannot write the database ${this.path}: ${reasonOf(err)}`);
    }
  }

  commit(ops: StoreOp[]): void {
    const problem = this.unwritable();
    if (problem || !this.file) throw new StorageError(problem?.message ?? `the database ${this.path} is not open`);
    try {
      this.file.apply(ops);
    } catch (err) {
      this.fail(`cannot write the database ${this.path}: ${reasonOf(err)}`);
      throw new StorageError(this.problem!.message);
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.retryTimer?.cancel();
    this.checkTimer?.cancel();
    // Whatever is still unwritten gets one last try.
    if (this.pending.length > 0 && !this.moved && this.file) {
      try {
        this.file.apply(this.pending);
      } catch {
        // nothing more can be done; it was reported
      }
    }
    this.file?.close();
    this.lock?.close();
  }

  /** Compares the file at the path with the one opened; a difference is a storage problem. */
  private checkFile(): StorageProblem | null {
    if (this.closed || !this.file) return null;
    const moved = this.file.moved();
    if (moved) {
      this.moved = moved;
      this.fail(`the database file ${this.path} ${moved === 'vanished' ? 'vanished' : 'was replaced by another file'} while in use; re-creating it from memory`);
      return this.problem;
    }
    if (this.lock?.moved()) {
      this.fail(`the lock file ${this.lock.file} vanished or was replaced while in use; taking it again`);
      return this.problem;
    }
    return null;
  }

  private fail(message: string): void {
    if (!this.problem) {
      this.firstMessage = message;
      this.problem = { code: 'BB_ERR_STORAGE', message };
      this.tell(`${message}. Automatic drains go on and their records are kept in memory until written; operator changes are refused until then`);
    }
    if (!this.retryTimer && !this.closed) this.scheduleRetry();
  }

  private scheduleRetry(): void {
    const delay = Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** this.attempt);
    this.retryTimer = this.options.clock.setTimeout(() => { this.retryTimer = null; this.retry(); }, delay);
  }

  private retry(): void {
    if (this.closed) return;
    try {
      if (this.lock?.moved()) {
        this.lock.close();
        this.lock = new DatabaseLock(this.path);
      }
      const moved = this.moved ?? (this.file ? this.file.moved() : 'vanished');
      let done: string;
      if (moved) {
        const held = this.recreate();
        done = `the database ${this.path} was re-created from memory (${held.drains.length} drain records, ${held.holds.length} holds, ${held.audit.length} audit entries)`;
      } else {
        if (this.pending.length > 0) this.file!.apply(this.pending);
        else this.file!.probe(this.options.clock.now());
        done = `the database ${this.path} takes writes again${this.pending.length ? `: ${this.pending.length} kept changes written` : ''}`;
      }
      this.pending.length = 0;
      this.problem = null;
      this.moved = null;
      this.attempt = 0;
      this.tell(done);
    } catch (err) {
      this.attempt++;
      const reason = reasonOf(err);
      const again = this.firstMessage.endsWith(reason) ? `${this.attempt} ${this.attempt === 1 ? 'retry' : 'retries'} failed alike` : `retry ${this.attempt} failed: ${reason}`;
      if (this.problem) this.problem = { ...this.problem, message: `${this.firstMessage} (${again})` };
      this.scheduleRetry();
    }
  }

  /**
   * A fresh file at the path, filled from memory; a file someone put there is kept beside it. What is
   * at the path is looked at again on every try, whatever was found before: a file can appear there
   * (a backup put back) after the store's own vanished, or between two tries.
   */
  private recreate(): StoreContents {
    // Asked while the old connection is still open: its file's inode cannot be reused by a newcomer.
    const stranger = this.file ? this.file.moved() === 'replaced' : !sameFile(fingerprint(this.path), this.leftover);
    this.file?.close();
    this.file = null;
    removeLeftovers(this.path); // held by the lock: nobody else's
    if (stranger) moveAside(this.path, `replaced-${new Date(this.options.clock.now()).toISOString().replace(/[:.]/g, '-')}`);
    this.leftover = null;
    try {
      this.file = new StoreFile(this.path);
    } catch (err) {
      this.leftover = fingerprint(this.path);
      throw err;
    }
    const contents = this.options.contents();
    this.file.fill(contents); // if this fails the file stays open, and is known as ours by it
    return contents;
  }

  private scheduleCheck(): void {
    this.checkTimer = this.options.clock.setTimeout(() => {
      if (this.closed) return;
      if (!this.problem) this.checkFile();
      this.scheduleCheck();
    }, CHECK_EVERY_MS);
  }

  /** The listener's failure is never the store's. */
  private tell(message: string): void {
    try {
      this.options.onHealth({ ...this.health(), message });
    } catch {
      // a listener that throws is its own problem
    }
  }
}
