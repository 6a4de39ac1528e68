import type { Alert, Silence } from '../alerts/alert-engine.js';
import type { OutboxItem } from '../alerts/outbox.js';
import { systemClock, type Clock } from '../clock.js';
import type { Incident } from '../status/incidents.js';
import { SqlitePersistence } from './sqlite-persistence.js';
import type { StoreContents, StoreOp } from './store-file.js';

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

/** What memory and a re-created store keep: the audit trail, the rate-limit history, the status page's incidents. */
export const STORE_LIMITS = { auditKept: 10_000, drainTimesKeptMs: 60 * 60_000, incidentsKept: 1_000 } as const;
const { auditKept: AUDIT_KEPT, drainTimesKeptMs: DRAIN_TIMES_KEPT_MS, incidentsKept: INCIDENTS_KEPT } = STORE_LIMITS;
/** Alerts held in memory (and given back by a re-created file): the active ones and the latest resolved. */
const ALERTS_IN_MEMORY = 1_000;

const key = (pool: string, node: string) => `${pool}\u0000${node}`;

/**
 * Where the records are kept: the embedded SQLite file, or the cluster's PostgreSQL. Memory is what
 * was decided; the engine is told every change, in order.
 */
export interface Persistence {
  /** An automatic write: never refused, kept in order until it lands. */
  keep(ops: StoreOp[]): void;
  /** An operator's change with its audit entry: all or nothing; throws StorageError when it cannot be made now. */
  commit(ops: StoreOp[]): void;
  /** Why a change cannot be recorded now, or null when it can. */
  unwritable(): StorageProblem | null;
  health(): StorageHealth;
  /** Resolves once every change told so far is written as far as the engine can take it. */
  durable(): Promise<void>;
  /** Whether this process may act on the records now (touch a backend, send a page): in a cluster, only while it holds the controller lease. */
  mayAct(): boolean;
  close(): void;
}

/** What an engine gives back at start: the records, the incidents, and the highest audit id ever given out. */
export interface Loaded {
  contents: StoreContents;
  incidents: Incident[];
  lastAuditId: number;
}

/**
 * Drain records, holds, the rate-limit history and the audit trail, with alerts, pages, silences and
 * incidents: held in memory, where every decision is made and read, and told to the persistence
 * engine (embedded SQLite by default, PostgreSQL in a cluster) before any backend is touched, so
 * they survive a restart and a kill -9.
 */
export class DrainStore {
  private readonly persistence: Persistence;
  private readonly clock: Clock;
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

  /** The embedded store: the SQLite file at `path` (":memory:" for none). */
  constructor(path: string, options?: DrainStoreOptions);
  /** A store over another engine, filled with what it loaded. */
  constructor(engine: { persistence: Persistence; loaded: Loaded }, options?: DrainStoreOptions);
  constructor(where: string | { persistence: Persistence; loaded: Loaded }, options: DrainStoreOptions = {}) {
    this.clock = options.clock ?? systemClock;
    let loaded: Loaded;
    if (typeof where === 'string') {
      const sqlite = new SqlitePersistence(where, { clock: this.clock, onHealth: options.onHealth ?? (() => {}), contents: () => this.contents() });
      loaded = sqlite.load(AUDIT_KEPT, this.clock.now() - DRAIN_TIMES_KEPT_MS, INCIDENTS_KEPT);
      this.persistence = sqlite;
    } else {
      ({ persistence: this.persistence, loaded } = where);
    }
    const { contents } = loaded;
    for (const r of contents.drains) this.drainMap.set(key(r.pool, r.node), r);
    for (const h of contents.holds) this.holdMap.set(key(h.pool, h.node), h);
    this.drainTimes = contents.drainTimes;
    this.auditLog = contents.audit;
    for (const a of contents.alerts) this.alertMap.set(a.id, a);
    for (const p of contents.outbox) this.pageMap.set(p.id, p);
    for (const x of contents.silences) this.silenceMap.set(x.id, x);
    for (const i of loaded.incidents) this.incidentMap.set(i.id, i);
    this.auditId = loaded.lastAuditId;
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
    return this.persistence.health();
  }

  /** Why a change cannot be recorded now, or null when it can. */
  unwritable(): StorageProblem | null {
    return this.persistence.unwritable();
  }

  /** Resolves once every change so far is written as far as the engine can take it: asked before a backend is touched. */
  durable(): Promise<void> {
    return this.persistence.durable();
  }

  /** Whether this process may act on the records now: touch a backend, send a page. */
  mayAct(): boolean {
    return this.persistence.mayAct();
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
    this.persistence.close();
  }

  // ---- the write path ------------------------------------------------------------------------

  private remember(entry: AuditEntry): void {
    this.auditId = Math.max(this.auditId, entry.id);
    this.auditLog.push(entry);
    if (this.auditLog.length > AUDIT_KEPT * 1.1) this.auditLog = this.auditLog.slice(-AUDIT_KEPT);
  }

  private keep(ops: StoreOp[]): void {
    if (ops.length > 0) this.persistence.keep(ops);
  }

  private commit(ops: StoreOp[]): void {
    this.persistence.commit(ops);
  }

  private contents(): StoreContents {
    return { drains: this.drains(), holds: this.holds(), drainTimes: this.drainTimes, audit: this.auditLog, alerts: this.alerts(), outbox: this.outbox(), silences: this.silences(), incidents: this.incidents() };
  }
}
