import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

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

/**
 * Drain records, holds and the audit trail in SQLite: each write is committed (WAL) before the
 * backend is touched, so they survive a restart and a kill -9.
 */
export class DrainStore {
  private readonly db: Database.Database;
  private readonly stmts;

  constructor(path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS drains (pool TEXT NOT NULL, node TEXT NOT NULL, reason TEXT NOT NULL, since INTEGER NOT NULL,
        chain TEXT NOT NULL, by TEXT NOT NULL, shadow INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (pool, node));
      CREATE TABLE IF NOT EXISTS holds (pool TEXT NOT NULL, node TEXT NOT NULL, mode TEXT NOT NULL CHECK (mode IN ('out', 'in')),
        reason TEXT NOT NULL, by TEXT NOT NULL, since INTEGER NOT NULL, PRIMARY KEY (pool, node));
      CREATE TABLE IF NOT EXISTS audit (id INTEGER PRIMARY KEY AUTOINCREMENT, time INTEGER NOT NULL, who TEXT NOT NULL,
        action TEXT NOT NULL, pool TEXT, node TEXT, why TEXT NOT NULL);
    `);
    this.stmts = {
      drains: this.db.prepare('SELECT * FROM drains'),
      putDrain: this.db.prepare('INSERT OR REPLACE INTO drains (pool, node, reason, since, chain, by, shadow) VALUES (@pool, @node, @reason, @since, @chain, @by, @shadow)'),
      delDrain: this.db.prepare('DELETE FROM drains WHERE pool = ? AND node = ?'),
      holds: this.db.prepare('SELECT * FROM holds'),
      putHold: this.db.prepare('INSERT OR REPLACE INTO holds (pool, node, mode, reason, by, since) VALUES (@pool, @node, @mode, @reason, @by, @since)'),
      delHold: this.db.prepare('DELETE FROM holds WHERE pool = ? AND node = ?'),
      audit: this.db.prepare('INSERT INTO audit (time, who, action, pool, node, why) VALUES (@time, @who, @action, @pool, @node, @why)'),
      audits: this.db.prepare('SELECT * FROM audit ORDER BY id DESC LIMIT ?'),
    };
  }

  drains(): DrainRecord[] {
    return (this.stmts.drains.all() as (Omit<DrainRecord, 'chain' | 'shadow'> & { chain: string; shadow: number })[])
      .map((r) => ({ ...r, chain: JSON.parse(r.chain) as DrainRecord['chain'], shadow: r.shadow === 1 }));
  }

  /** Several records in one transaction: a burst is all written, or none. */
  putDrains(records: DrainRecord[]): void {
    this.db.transaction(() => {
      for (const r of records) this.stmts.putDrain.run({ ...r, chain: JSON.stringify(r.chain), shadow: r.shadow ? 1 : 0 });
    })();
  }

  deleteDrains(keys: { pool: string; node: string }[]): void {
    this.db.transaction(() => { for (const k of keys) this.stmts.delDrain.run(k.pool, k.node); })();
  }

  holds(): Hold[] {
    return this.stmts.holds.all() as Hold[];
  }

  putHold(hold: Hold): void {
    this.stmts.putHold.run(hold);
  }

  deleteHold(pool: string, node: string): boolean {
    return this.stmts.delHold.run(pool, node).changes > 0;
  }

  audit(entry: Omit<AuditEntry, 'id'>): void {
    this.stmts.audit.run(entry);
  }

  auditTrail(limit = 200): AuditEntry[] {
    return this.stmts.audits.all(limit) as AuditEntry[];
  }

  close(): void {
    this.db.close();
  }
}
