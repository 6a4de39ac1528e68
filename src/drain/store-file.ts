import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { identityOf } from './store-lock.js';
import type { Alert, Silence } from '../alerts/alert-engine.js';
import type { OutboxItem } from '../alerts/outbox.js';
import type { Incident } from '../status/incidents.js';
import type { AuditEntry, DrainRecord, Hold } from './drain-store.js';
import type { ApiEvent } from '../http/api-types.js';

/** One change to the database; a list of them is written in one transaction, all or nothing. */
export type StoreOp =
  | { op: 'put-drain'; record: DrainRecord }
  | { op: 'del-drain'; pool: string; node: string }
  | { op: 'put-hold'; hold: Hold }
  | { op: 'del-hold'; pool: string; node: string }
  | { op: 'audit'; entry: AuditEntry }
  | { op: 'drain-times'; pool: string; times: number[]; prunedBefore: number }
  | { op: 'put-alert'; alert: Alert }
  | { op: 'put-page'; page: OutboxItem }
  | { op: 'put-silence'; silence: Silence }
  | { op: 'del-silence'; id: number }
  | { op: 'put-incident'; incident: Incident }
  /** An event of the journal: kept by a cluster's engine with the records; the embedded journal is History's own. */
  | { op: 'event'; event: ApiEvent };

/** Everything the database holds: what it is loaded into, and re-created from. */
export interface StoreContents {
  drains: DrainRecord[];
  holds: Hold[];
  drainTimes: { pool: string; time: number }[];
  audit: AuditEntry[];
  /** Active alerts and the latest resolved ones. */
  alerts: Alert[];
  /** Pages not yet delivered, then the latest delivered ones. */
  outbox: OutboxItem[];
  silences: Silence[];
  /** The status page's incidents (loaded on their own: loadIncidents). */
  incidents?: Incident[];
}

/** Resolved alerts the file keeps (the oldest beyond are deleted). */
const ALERTS_KEPT = 5_000;

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS drains (pool TEXT NOT NULL, node TEXT NOT NULL, reason TEXT NOT NULL, since INTEGER NOT NULL,
    chain TEXT NOT NULL, by TEXT NOT NULL, shadow INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (pool, node));
  CREATE TABLE IF NOT EXISTS holds (pool TEXT NOT NULL, node TEXT NOT NULL, mode TEXT NOT NULL CHECK (mode IN ('out', 'in')),
    reason TEXT NOT NULL, by TEXT NOT NULL, since INTEGER NOT NULL, PRIMARY KEY (pool, node));
  CREATE TABLE IF NOT EXISTS audit (id INTEGER PRIMARY KEY AUTOINCREMENT, time INTEGER NOT NULL, who TEXT NOT NULL,
    action TEXT NOT NULL, pool TEXT, node TEXT, why TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS drain_times (pool TEXT NOT NULL, time INTEGER NOT NULL);
  CREATE INDEX IF NOT EXISTS drain_times_time ON drain_times (time);
  CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS alerts (id INTEGER PRIMARY KEY, key TEXT NOT NULL, state TEXT NOT NULL, body TEXT NOT NULL);
  CREATE INDEX IF NOT EXISTS alerts_state ON alerts (state, id);
  CREATE TABLE IF NOT EXISTS silences (id INTEGER PRIMARY KEY, body TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS outbox (id INTEGER PRIMARY KEY, receiver TEXT NOT NULL, idem TEXT NOT NULL, done INTEGER NOT NULL, body TEXT NOT NULL, UNIQUE (receiver, idem));
  CREATE TABLE IF NOT EXISTS incidents (id INTEGER PRIMARY KEY, body TEXT NOT NULL);
`;

type DrainRow = Omit<DrainRecord, 'chain' | 'shadow' | 'maintenance'> & { chain: string; shadow: number; maintenance: string | null };

/** Columns added since a file was first made: added to an older file when it is opened. */
function migrate(db: Database.Database): void {
  const columns = new Set((db.prepare('PRAGMA table_info(drains)').all() as { name: string }[]).map((c) => c.name));
  if (!columns.has('maintenance')) db.exec('ALTER TABLE drains ADD COLUMN maintenance TEXT');
}

/** The SQLite file itself: opened, loaded, written, and told apart from a file put in its place. */
export class StoreFile {
  private readonly db: Database.Database;
  private readonly identity: string | null;
  private readonly stmts;

  constructor(readonly path: string) {
    const memory = path === ':memory:';
    if (!memory) mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    try {
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = NORMAL');
      this.db.exec(SCHEMA);
      migrate(this.db);
    } catch (err) {
      this.db.close();
      throw err;
    }
    this.identity = memory ? null : identityOf(path);
    this.stmts = {
      putDrain: this.db.prepare('INSERT OR REPLACE INTO drains (pool, node, reason, since, chain, by, shadow, maintenance) VALUES (@pool, @node, @reason, @since, @chain, @by, @shadow, @maintenance)'),
      delDrain: this.db.prepare('DELETE FROM drains WHERE pool = ? AND node = ?'),
      putHold: this.db.prepare('INSERT OR REPLACE INTO holds (pool, node, mode, reason, by, since) VALUES (@pool, @node, @mode, @reason, @by, @since)'),
      delHold: this.db.prepare('DELETE FROM holds WHERE pool = ? AND node = ?'),
      audit: this.db.prepare('INSERT INTO audit (id, time, who, action, pool, node, why) VALUES (@id, @time, @who, @action, @pool, @node, @why)'),
      putTime: this.db.prepare('INSERT INTO drain_times (pool, time) VALUES (?, ?)'),
      pruneTimes: this.db.prepare('DELETE FROM drain_times WHERE time < ?'),
      meta: this.db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)'),
      putAlert: this.db.prepare('INSERT OR REPLACE INTO alerts (id, key, state, body) VALUES (?, ?, ?, ?)'),
      putSilence: this.db.prepare('INSERT OR REPLACE INTO silences (id, body) VALUES (?, ?)'),
      delSilence: this.db.prepare('DELETE FROM silences WHERE id = ?'),
      putIncident: this.db.prepare('INSERT OR REPLACE INTO incidents (id, body) VALUES (?, ?)'),
      putPage: this.db.prepare('INSERT OR REPLACE INTO outbox (id, receiver, idem, done, body) VALUES (?, ?, ?, ?, ?)'),
      prunePages: this.db.prepare(`DELETE FROM outbox WHERE done = 1 AND id <= (SELECT id FROM outbox WHERE done = 1 ORDER BY id DESC LIMIT 1 OFFSET ${ALERTS_KEPT})`),
      pruneAlerts: this.db.prepare(`DELETE FROM alerts WHERE state = 'resolved' AND id <= (SELECT id FROM alerts WHERE state = 'resolved' ORDER BY id DESC LIMIT 1 OFFSET ${ALERTS_KEPT})`),
    };
  }

  /** What the file holds; the audit trail only as far back as `auditKept` entries. */
  load(auditKept: number, timesSince: number, alertsKept = 1_000): StoreContents {
    const drains = (this.db.prepare('SELECT * FROM drains').all() as DrainRow[])
      .map(({ maintenance, ...r }) => ({ ...r, chain: JSON.parse(r.chain) as DrainRecord['chain'], shadow: r.shadow === 1, ...(maintenance ? { maintenance } : {}) }));
    const holds = this.db.prepare('SELECT * FROM holds').all() as Hold[];
    const drainTimes = this.db.prepare('SELECT pool, time FROM drain_times WHERE time >= ? ORDER BY time').all(timesSince) as { pool: string; time: number }[];
    const audit = (this.db.prepare('SELECT * FROM audit ORDER BY id DESC LIMIT ?').all(auditKept) as AuditEntry[]).reverse();
    const alerts = [
      ...(this.db.prepare("SELECT body FROM alerts WHERE state != 'resolved'").all() as { body: string }[]),
      ...(this.db.prepare("SELECT body FROM alerts WHERE state = 'resolved' ORDER BY id DESC LIMIT ?").all(alertsKept) as { body: string }[]).reverse(),
    ].map((r) => JSON.parse(r.body) as Alert);
    const outbox = [
      ...(this.db.prepare('SELECT body FROM outbox WHERE done = 0 ORDER BY id').all() as { body: string }[]),
      ...(this.db.prepare('SELECT body FROM outbox WHERE done = 1 ORDER BY id DESC LIMIT ?').all(alertsKept) as { body: string }[]).reverse(),
    ].map((r) => JSON.parse(r.body) as OutboxItem);
    const silences = (this.db.prepare('SELECT body FROM silences ORDER BY id').all() as { body: string }[]).map((r) => JSON.parse(r.body) as Silence);
    return { drains, holds, drainTimes, audit, alerts, outbox, silences };
  }

  /** The status page's latest `kept` incidents, oldest first. */
  loadIncidents(kept: number): Incident[] {
    return (this.db.prepare('SELECT body FROM incidents ORDER BY id DESC LIMIT ?').all(kept) as { body: string }[]).reverse().map((r) => JSON.parse(r.body) as Incident);
  }

  /** The highest audit id ever given out, so ids stay unique after entries were pruned from memory. */
  lastAuditId(): number {
    const row = this.db.prepare("SELECT MAX(seq) AS seq FROM (SELECT MAX(id) AS seq FROM audit UNION ALL SELECT seq FROM sqlite_sequence WHERE name = 'audit')").get() as { seq: number | null };
    return row.seq ?? 0;
  }

  apply(ops: readonly StoreOp[]): void {
    this.db.transaction(() => { for (const op of ops) this.run(op); })();
  }

  /** A write that changes nothing that matters: proves the file takes writes again. */
  probe(now: number): void {
    this.stmts.meta.run('last-probe', String(now));
  }

  /** Fills a fresh file with everything held in memory, in one transaction. */
  fill(contents: StoreContents): void {
    this.db.transaction(() => {
      this.db.exec('DELETE FROM drains; DELETE FROM holds; DELETE FROM drain_times; DELETE FROM audit; DELETE FROM alerts; DELETE FROM outbox; DELETE FROM silences; DELETE FROM incidents;');
      for (const silence of contents.silences) this.run({ op: 'put-silence', silence });
      for (const incident of contents.incidents ?? []) this.run({ op: 'put-incident', incident });
      for (const alert of contents.alerts) this.run({ op: 'put-alert', alert });
      for (const page of contents.outbox) this.run({ op: 'put-page', page });
      for (const record of contents.drains) this.run({ op: 'put-drain', record });
      for (const hold of contents.holds) this.run({ op: 'put-hold', hold });
      for (const t of contents.drainTimes) this.stmts.putTime.run(t.pool, t.time);
      for (const entry of contents.audit) this.run({ op: 'audit', entry });
    })();
  }

  /** 'vanished' or 'replaced' when the path no longer names the file this connection opened. */
  moved(): 'vanished' | 'replaced' | null {
    if (this.identity === null) return null;
    const now = identityOf(this.path);
    return now === null ? 'vanished' : now === this.identity ? null : 'replaced';
  }

  close(): void {
    try {
      this.db.close();
    } catch {
      // a file that vanished may refuse its last checkpoint; nothing more to save through it
    }
  }

  private run(op: StoreOp): void {
    switch (op.op) {
      case 'put-drain': this.stmts.putDrain.run({ ...op.record, chain: JSON.stringify(op.record.chain), shadow: op.record.shadow ? 1 : 0, maintenance: op.record.maintenance ?? null }); break;
      case 'del-drain': this.stmts.delDrain.run(op.pool, op.node); break;
      case 'put-hold': this.stmts.putHold.run(op.hold); break;
      case 'del-hold': this.stmts.delHold.run(op.pool, op.node); break;
      case 'audit': this.stmts.audit.run(op.entry); break;
      case 'drain-times':
        for (const t of op.times) this.stmts.putTime.run(op.pool, t);
        this.stmts.pruneTimes.run(op.prunedBefore);
        break;
      case 'put-alert':
        this.stmts.putAlert.run(op.alert.id, op.alert.key, op.alert.state, JSON.stringify(op.alert));
        if (op.alert.state === 'resolved' && op.alert.id % 100 === 0) this.stmts.pruneAlerts.run();
        break;
      case 'put-silence': this.stmts.putSilence.run(op.silence.id, JSON.stringify(op.silence)); break;
      case 'del-silence': this.stmts.delSilence.run(op.id); break;
      case 'put-incident': this.stmts.putIncident.run(op.incident.id, JSON.stringify(op.incident)); break;
      case 'event': break; // History keeps the embedded journal
      case 'put-page': {
        const done = op.page.deliveredAt !== null || op.page.rejected !== null;
        this.stmts.putPage.run(op.page.id, op.page.receiver, op.page.idem, done ? 1 : 0, JSON.stringify(op.page));
        if (done && op.page.id % 100 === 0) this.stmts.prunePages.run();
        break;
      }
    }
  }
}

/** A file put in the database's place is kept beside it, never overwritten. */
export function moveAside(path: string, suffix: string): string {
  const aside = `${path}.${suffix}`;
  if (existsSync(path)) renameSync(path, aside);
  return aside;
}

/**
 * The WAL and shared-memory files a closed connection left at the path: they belong to the file that
 * vanished, and SQLite would replay them into a new file at that path.
 */
export function removeLeftovers(path: string): void {
  for (const ext of ['-wal', '-shm']) rmSync(path + ext, { force: true });
}
