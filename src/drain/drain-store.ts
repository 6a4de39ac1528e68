import { statSync } from 'node:fs';
import type { Alert, Silence } from '../alerts/alert-engine.js';
import type { OutboxItem } from '../alerts/outbox.js';
import { systemClock, type Clock } from '../clock.js';
import type { Incident } from '../status/incidents.js';
import { moveAside, removeLeftovers, StoreFile, type StoreContents, type StoreOp } from './store-file.js';
import { DatabaseLock } from './store-lock.js';

export { DatabaseLockedError } from './store-lock.js';

/** Breakerbox's mark on a member it took out: it re-admits only what carries one. */
export interface DrainRecord {
  pool: string;
  node: string;
  reason: string;
  since: number;
  chain: { cause: string; impact: string; action: string };
  /** "breakerbox", or the operator who drained it by hand. */
  by: string;
  /** Decided in shadow mode: shown, never applied to a backend. */
  shadow: boolean;
  /** Taken out ahead of this maintenance window: let back at its end. */
  maintenance?: string;
}

/** An operator's pin: out (kept out of the pool) or in (never drained). Breakerbox never changes one. */
export interface Hold {
  pool: string;
  node: string;
  mode: 'out' | 'in';
  reason: string;
  by: string;
  since: number;
}

export interface AuditEntry {
  id: number;
  time: number;
  who: string;
  action: string; // hold, release, drain, reload …
  pool: string | null;
  node: string | null;
  why: string;
}

export interface StorageProblem { code: 'BB_ERR_STORAGE'; message: string }
export interface StorageHealth { status: 'ok' | 'degraded'; problems: StorageProblem[] }
/** A change between ok and degraded, with one sentence saying what happened. */
export interface StorageNotice extends StorageHealth { message: string }

export interface DrainStoreOptions {
  /** Paces the retries and the check that the file is still the one opened. */
  clock?: Clock;
  /** Told of every change between ok and degraded. */
  onHealth?: (notice: StorageNotice) => void;
}

/** An operator change that could not be recorded, so it was not made. */
export class StorageError extends Error {
  readonly code = 'BB_ERR_STORAGE';
}

const RETRY_FIRST_MS = 2_000;
const RETRY_MAX_MS = 30_000;
const CHECK_EVERY_MS = 5_000;
const AUDIT_KEPT = 10_000; // what a re-created file gets back of the audit trail
const DRAIN_TIMES_KEPT_MS = 60 * 60_000;
/** Alerts held in memory (and given back by a re-created file): the active ones and the latest resolved. */
const ALERTS_IN_MEMORY = 1_000;
/** The status page's incidents held in memory: far more than its 90 days ever show. */
const INCIDENTS_KEPT = 1_000;

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

const key = (pool: string, node: string) => `${pool}\u0000${node}`;
const reasonOf = (err: unknown) => {
  const e = err as { message?: string; code?: string };
  return e.code && !String(e.message).includes(e.code) ? `${e.message} (${e.code})` : String(e.message ?? err);
};

/**
 * Drain records, holds, the rate-limit history and the audit trail: held in memory, written to
 * SQLite (WAL) before any backend is touched, so they survive a restart and a kill -9.
 *
 * A write that fails never loses a decision: automatic writes are kept in order and retried with
 * backoff until they land, and health turns degraded meanwhile; operator changes are all or nothing
 * and refused while the file cannot be written. A database file deleted or replaced while open is
 * re-created from memory. One process per file (see DatabaseLock); ":memory:" is exempt.
 */
export class DrainStore {
  private file: StoreFile | null;
  private lock: DatabaseLock | null;
  private readonly clock: Clock;
  private readonly onHealth: (notice: StorageNotice) => void;
  private readonly drainMap = new Map<string, DrainRecord>();
  private readonly holdMap = new Map<string, Hold>();
  private drainTimes: { pool: string; time: number }[] = [];
  private auditLog: AuditEntry[] = [];
  private auditId = 0;
  /** Active alerts and the latest resolved ones, by id. */
  private readonly alertMap = new Map<number, Alert>();
  /** Pages not yet delivered and the latest delivered ones, by id. */
  private readonly pageMap = new Map<number, OutboxItem>();
  private readonly silenceMap = new Map<number, Silence>();
  private readonly incidentMap = new Map<number, Incident>();
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

  constructor(readonly path: string, options: DrainStoreOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.onHealth = options.onHealth ?? (() => {});
    const memory = path === ':memory:';
    this.lock = memory ? null : new DatabaseLock(path);
    try {
      this.file = new StoreFile(path);
      const contents = this.file.load(AUDIT_KEPT, this.clock.now() - DRAIN_TIMES_KEPT_MS);
      for (const r of contents.drains) this.drainMap.set(key(r.pool, r.node), r);
      for (const h of contents.holds) this.holdMap.set(key(h.pool, h.node), h);
      this.drainTimes = contents.drainTimes;
      this.auditLog = contents.audit;
      for (const a of contents.alerts) this.alertMap.set(a.id, a);
      for (const p of contents.outbox) this.pageMap.set(p.id, p);
      for (const x of contents.silences) this.silenceMap.set(x.id, x);
      for (const i of this.file.loadIncidents(INCIDENTS_KEPT)) this.incidentMap.set(i.id, i);
      this.auditId = this.file.lastAuditId();
    } catch (err) {
      this.lock?.close();
      throw err;
    }
    if (!memory) this.scheduleCheck();
  }

  // ---- reads, from memory: what was decided, written or not yet ----------------------------

  drains(): DrainRecord[] {
    return [...this.drainMap.values()];
  }

  holds(): Hold[] {
    return [...this.holdMap.values()];
  }

  auditTrail(limit = 200): AuditEntry[] {
    return this.auditLog.slice(-limit).reverse();
  }

  /** Active alerts and the latest resolved ones, oldest first. */
  alerts(): Alert[] {
    return [...this.alertMap.values()].sort((a, b) => a.id - b.id);
  }

  /** Rate-limit history: drain times at or after `since`, oldest first. */
  drainTimesSince(since: number): { pool: string; time: number }[] {
    return this.drainTimes.filter((t) => t.time >= since);
  }

  health(): StorageHealth {
    return this.problem ? { status: 'degraded', problems: [this.problem] } : { status: 'ok', problems: [] };
  }

  /** Why a change cannot be recorded now, or null when it can. */
  unwritable(): StorageProblem | null {
    return this.problem ?? this.checkFile();
  }

  // ---- automatic writes: never refused, kept in memory until written -----------------------

  /** Several records in one transaction: a burst is all written, or none. */
  putDrains(records: DrainRecord[]): void {
    for (const r of records) this.drainMap.set(key(r.pool, r.node), r);
    this.keep(records.map((record) => ({ op: 'put-drain', record })));
  }

  deleteDrains(keys: { pool: string; node: string }[]): void {
    for (const k of keys) this.drainMap.delete(key(k.pool, k.node));
    this.keep(keys.map((k) => ({ op: 'del-drain', ...k })));
  }

  putHold(hold: Hold): void {
    this.holdMap.set(key(hold.pool, hold.node), hold);
    this.keep([{ op: 'put-hold', hold }]);
  }

  deleteHold(pool: string, node: string): boolean {
    if (!this.holdMap.delete(key(pool, node))) return false;
    this.keep([{ op: 'del-hold', pool, node }]);
    return true;
  }

  audit(entry: Omit<AuditEntry, 'id'>): void {
    const full = { ...entry, id: ++this.auditId };
    this.remember(full);
    this.keep([{ op: 'audit', entry: full }]);
  }

  /** Alerts whose record changed (a copy of each is kept: the engine goes on changing its own). */
  putAlerts(alerts: readonly Alert[]): void {
    if (alerts.length === 0) return;
    const copies = alerts.map((a) => structuredClone(a));
    for (const a of copies) this.alertMap.set(a.id, a);
    if (this.alertMap.size > ALERTS_IN_MEMORY * 1.1) {
      const resolved = [...this.alertMap.values()].filter((a) => a.state === 'resolved').sort((a, b) => a.id - b.id);
      for (const a of resolved.slice(0, Math.max(0, this.alertMap.size - ALERTS_IN_MEMORY))) this.alertMap.delete(a.id);
    }
    this.keep(copies.map((alert) => ({ op: 'put-alert', alert })));
  }

  /** Operators' silences, ended ones included until deleted. */
  silences(): Silence[] {
    return [...this.silenceMap.values()].sort((a, b) => a.id - b.id);
  }

  /** An operator's silence, recorded with its audit entry in one transaction, or not at all. */
  silenceByOperator(silence: Silence, entry: Omit<AuditEntry, 'id'>): void {
    const audit = { ...entry, id: this.auditId + 1 };
    this.commit([{ op: 'put-silence', silence }, { op: 'audit', entry: audit }]);
    this.silenceMap.set(silence.id, silence);
    this.remember(audit);
  }

  /** False when there was no such silence. */
  unsilenceByOperator(id: number, entry: Omit<AuditEntry, 'id'>): boolean {
    if (!this.silenceMap.has(id)) return false;
    const audit = { ...entry, id: this.auditId + 1 };
    this.commit([{ op: 'del-silence', id }, { op: 'audit', entry: audit }]);
    this.silenceMap.delete(id);
    this.remember(audit);
    return true;
  }

  /** An acknowledgement: the alert as acknowledged and its audit entry, in one transaction. */
  acknowledgeByOperator(alert: Alert, entry: Omit<AuditEntry, 'id'>): void {
    const audit = { ...entry, id: this.auditId + 1 };
    const copy = structuredClone(alert);
    this.commit([{ op: 'put-alert', alert: copy }, { op: 'audit', entry: audit }]);
    this.alertMap.set(copy.id, copy);
    this.remember(audit);
  }

  /** The status page's incidents, oldest first. */
  incidents(): Incident[] {
    return [...this.incidentMap.values()].sort((a, b) => a.id - b.id);
  }

  /** An incident drafted or redrafted by Breakerbox: kept like a drain record, never refused. */
  putIncident(incident: Incident): void {
    const copy = structuredClone(incident);
    this.incidentMap.set(copy.id, copy);
    this.forgetOldIncidents();
    this.keep([{ op: 'put-incident', incident: copy }]);
  }

  /** An operator's edit or publication, recorded with its audit entry in one transaction, or not at all. */
  incidentByOperator(incident: Incident, entry: Omit<AuditEntry, 'id'>): void {
    const audit = { ...entry, id: this.auditId + 1 };
    const copy = structuredClone(incident);
    this.commit([{ op: 'put-incident', incident: copy }, { op: 'audit', entry: audit }]);
    this.incidentMap.set(copy.id, copy);
    this.remember(audit);
  }

  private forgetOldIncidents(): void {
    if (this.incidentMap.size <= INCIDENTS_KEPT) return;
    for (const id of [...this.incidentMap.keys()].sort((a, b) => a - b).slice(0, this.incidentMap.size - INCIDENTS_KEPT)) this.incidentMap.delete(id);
  }

  /** Pages not yet delivered, then the latest delivered, oldest first. */
  outbox(): OutboxItem[] {
    return [...this.pageMap.values()].sort((a, b) => a.id - b.id);
  }

  /** A page queued, or its delivery's progress: written before it is sent, and after. */
  putPage(page: OutboxItem): void {
    const copy = structuredClone(page);
    this.pageMap.set(copy.id, copy);
    if (this.pageMap.size > ALERTS_IN_MEMORY * 1.1) {
      const done = [...this.pageMap.values()].filter((p) => p.deliveredAt !== null || p.rejected !== null).sort((a, b) => a.id - b.id);
      for (const p of done.slice(0, Math.max(0, this.pageMap.size - ALERTS_IN_MEMORY))) this.pageMap.delete(p.id);
    }
    this.keep([{ op: 'put-page', page: copy }]);
  }

  /** Drain times of a pool, for the rate limit to survive a restart; history older than an hour is dropped. */
  recordDrainTimes(pool: string, times: number[]): void {
    if (times.length === 0) return;
    const prunedBefore = this.clock.now() - DRAIN_TIMES_KEPT_MS;
    this.drainTimes = [...this.drainTimes.filter((t) => t.time >= prunedBefore), ...times.map((time) => ({ pool, time }))];
    this.keep([{ op: 'drain-times', pool, times, prunedBefore }]);
  }

  // ---- operator changes: recorded with their audit entry in one transaction, or not made -----

  holdByOperator(hold: Hold, entry: Omit<AuditEntry, 'id'>): void {
    const audit = { ...entry, id: this.auditId + 1 };
    this.commit([{ op: 'put-hold', hold }, { op: 'del-drain', pool: hold.pool, node: hold.node }, { op: 'audit', entry: audit }]);
    this.holdMap.set(key(hold.pool, hold.node), hold);
    this.drainMap.delete(key(hold.pool, hold.node));
    this.remember(audit);
  }

  /** False when there was no hold to release (nothing written). */
  releaseByOperator(pool: string, node: string, entry: Omit<AuditEntry, 'id'>): boolean {
    if (!this.holdMap.has(key(pool, node))) return false;
    const audit = { ...entry, id: this.auditId + 1 };
    this.commit([{ op: 'del-hold', pool, node }, { op: 'audit', entry: audit }]);
    this.holdMap.delete(key(pool, node));
    this.remember(audit);
    return true;
  }

  drainByOperator(record: DrainRecord, entry: Omit<AuditEntry, 'id'>): void {
    const audit = { ...entry, id: this.auditId + 1 };
    this.commit([{ op: 'put-drain', record }, { op: 'audit', entry: audit }]);
    this.drainMap.set(key(record.pool, record.node), record);
    this.remember(audit);
  }

  close(): void {
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

  // ---- the write path ------------------------------------------------------------------------

  private remember(entry: AuditEntry): void {
    this.auditId = Math.max(this.auditId, entry.id);
    this.auditLog.push(entry);
    if (this.auditLog.length > AUDIT_KEPT * 1.1) this.auditLog = this.auditLog.slice(-AUDIT_KEPT);
  }

  /** An automatic write: written now if it can be, else kept in order for the retry. */
  private keep(ops: StoreOp[]): void {
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

  private commit(ops: StoreOp[]): void {
    const problem = this.unwritable();
    if (problem || !this.file) throw new StorageError(problem?.message ?? `the database ${this.path} is not open`);
    try {
      this.file.apply(ops);
    } catch (err) {
      this.fail(`cannot write the database ${this.path}: ${reasonOf(err)}`);
      throw new StorageError(this.problem!.message);
    }
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
    this.retryTimer = this.clock.setTimeout(() => { this.retryTimer = null; this.retry(); }, delay);
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
        this.recreate();
        done = `the database ${this.path} was re-created from memory (${this.drainMap.size} drain records, ${this.holdMap.size} holds, ${this.auditLog.length} audit entries)`;
      } else {
        if (this.pending.length > 0) this.file!.apply(this.pending);
        else this.file!.probe(this.clock.now());
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
  private recreate(): void {
    // Asked while the old connection is still open: its file's inode cannot be reused by a newcomer.
    const stranger = this.file ? this.file.moved() === 'replaced' : !sameFile(fingerprint(this.path), this.leftover);
    this.file?.close();
    this.file = null;
    removeLeftovers(this.path); // held by the lock: nobody else's
    if (stranger) moveAside(this.path, `replaced-${new Date(this.clock.now()).toISOString().replace(/[:.]/g, '-')}`);
    this.leftover = null;
    try {
      this.file = new StoreFile(this.path);
    } catch (err) {
      this.leftover = fingerprint(this.path);
      throw err;
    }
    this.file.fill(this.contents()); // if this fails the file stays open, and is known as ours by it
  }

  private contents(): StoreContents {
    return { drains: this.drains(), holds: this.holds(), drainTimes: this.drainTimes, audit: this.auditLog, alerts: this.alerts(), outbox: this.outbox(), silences: this.silences(), incidents: this.incidents() };
  }

  private scheduleCheck(): void {
    this.checkTimer = this.clock.setTimeout(() => {
      if (this.closed) return;
      if (!this.problem) this.checkFile();
      this.scheduleCheck();
    }, CHECK_EVERY_MS);
  }

  /** The listener's failure is never the store's. */
  private tell(message: string): void {
    try {
      this.onHealth({ ...this.health(), message });
    } catch {
      // a listener that throws is its own problem
    }
  }
}
