// The cluster's engine for the drain store: PostgreSQL, written in order, each batch in one
// transaction fenced by the controller's lease. Automatic writes are kept in memory and retried
// while the database is away (durable() waits for them, and a backend is touched only after it);
// operator changes are refused while it is. A write refused by the fence ends this process's turn
// as controller: nothing it decided after losing the lease ever lands.
import type pg from 'pg';
import type { Alert, Silence } from '../alerts/alert-engine.js';
import type { OutboxItem } from '../alerts/outbox.js';
import type { Clock } from '../clock.js';
import { StorageError, STORE_LIMITS, type AuditEntry, type DrainRecord, type Hold, type Loaded, type Persistence, type StorageHealth, type StorageNotice, type StorageProblem } from '../drain/drain-store.js';
import { reasonOf } from '../drain/sqlite-persistence.js';
import type { StoreOp } from '../drain/store-file.js';
import type { ApiEvent } from '../http/api-types.js';
import type { Incident } from '../status/incidents.js';
import { FencedError, type Lease } from './lease.js';

const RETRY_FIRST_MS = 500;
const RETRY_MAX_MS = 5_000;
/** Resolved alerts and delivered pages the database keeps. */
const DONE_KEPT = 5_000;
const IN_MEMORY = 1_000;

export interface PgPersistenceOptions {
  clock: Clock;
  onHealth: (notice: StorageNotice) => void;
  /** The lease is another process's: this one must stop acting now. */
  onFenced: (why: string) => void;
}

export class PgPersistence implements Persistence {
  private readonly queue: StoreOp[][] = [];
  private running: Promise<void> | null = null;
  private problem: StorageProblem | null = null;
  private attempt = 0;
  private closed = false;
  private fenced: string | null = null;

  constructor(private readonly pool: pg.Pool, private readonly lease: Lease, private readonly options: PgPersistenceOptions) {}

  /** Everything the controller starts from. */
  static async load(pool: pg.Pool, now: number): Promise<Loaded> {
    const q = async <T>(sql: string, params: unknown[] = []) => (await pool.query(sql, params)).rows as T[];
    const bodies = async <T>(sql: string, params: unknown[] = []) => (await q<{ body: T }>(sql, params)).map((r) => r.body);
    const [drains, holds, drainTimes, audit, alerts, resolved, outbox, delivered, silences, incidents, last] = await Promise.all([
      bodies<DrainRecord>('SELECT body FROM bb_drains'),
      bodies<Hold>('SELECT body FROM bb_holds'),
      q<{ pool: string; time: number }>('SELECT pool, time FROM bb_drain_times WHERE time >= $1 ORDER BY time', [now - STORE_LIMITS.drainTimesKeptMs]),
      q<AuditEntry>('SELECT id, time, who, action, pool, node, why FROM bb_audit ORDER BY id DESC LIMIT $1', [STORE_LIMITS.auditKept]),
      bodies<Alert>("SELECT body FROM bb_alerts WHERE state != 'resolved' ORDER BY id"),
      bodies<Alert>("SELECT body FROM bb_alerts WHERE state = 'resolved' ORDER BY id DESC LIMIT $1", [IN_MEMORY]),
      bodies<OutboxItem>('SELECT body FROM bb_outbox WHERE NOT done ORDER BY id'),
      bodies<OutboxItem>('SELECT body FROM bb_outbox WHERE done ORDER BY id DESC LIMIT $1', [IN_MEMORY]),
      bodies<Silence>('SELECT body FROM bb_silences ORDER BY id'),
      bodies<Incident>('SELECT body FROM bb_incidents ORDER BY id DESC LIMIT $1', [STORE_LIMITS.incidentsKept]),
      q<{ id: number }>('SELECT COALESCE(MAX(id), 0) AS id FROM bb_audit'),
    ]);
    return {
      contents: {
        drains, holds, drainTimes: drainTimes.map((t) => ({ pool: t.pool, time: Number(t.time) })),
        audit: audit.reverse().map((a) => ({ ...a, id: Number(a.id), time: Number(a.time) })),
        alerts: [...alerts, ...resolved.reverse()], outbox: [...outbox, ...delivered.reverse()], silences,
      },
      incidents: incidents.reverse(),
      lastAuditId: Number(last[0]?.id ?? 0),
    };
  }

  /** The shared journal's events after `after` (oldest first, at most `limit`), and its last id. */
  static async loadEvents(pool: pg.Pool, after: number, limit = 10_000): Promise<{ events: ApiEvent[]; lastId: number }> {
    const [{ rows }, last] = await Promise.all([
      pool.query<{ body: ApiEvent }>('SELECT body FROM bb_events WHERE id > $1 ORDER BY id LIMIT $2', [after, limit]),
      pool.query<{ id: number }>('SELECT COALESCE(MAX(id), 0) AS id FROM bb_events'),
    ]);
    return { events: rows.map((r) => r.body), lastId: Number(last.rows[0]?.id ?? 0) };
  }

  health(): StorageHealth {
    return this.problem ? { status: 'degraded', problems: [this.problem] } : { status: 'ok', problems: [] };
  }

  unwritable(): StorageProblem | null {
    if (this.problem) return this.problem;
    if (this.fenced || !this.lease.valid()) return { code: 'BB_ERR_STORAGE', message: this.fenced ?? 'this process no longer holds the controller lease' };
    return null;
  }

  keep(ops: StoreOp[]): void {
    if (this.closed || this.fenced) return;
    this.queue.push(ops);
    this.run();
  }

  /** Refused while the database is away or the lease is in doubt; otherwise queued first-come, and written in order. */
  commit(ops: StoreOp[]): void {
    const problem = this.unwritable();
    if (problem) throw new StorageError(problem.message);
    this.keep(ops);
  }

  async durable(): Promise<void> {
    while (this.running) await this.running;
    if (this.fenced) throw new FencedError(this.fenced);
  }

  mayAct(): boolean {
    return !this.fenced && !this.closed && this.lease.valid();
  }

  close(): void {
    this.closed = true;
  }

  private run(): void {
    this.running ??= this.drain().finally(() => { this.running = null; });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0 && !this.fenced) {
      const batches = this.queue.length;
      try {
        await this.write(this.queue.slice(0, batches).flat());
      } catch (err) {
        if (err instanceof FencedError) {
          this.fenced = err.message;
          this.queue.length = 0;
          this.options.onFenced(err.message);
          return;
        }
        this.failed(err);
        if (this.closed) return;
        await new Promise<void>((r) => this.options.clock.setTimeout(r, Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** (this.attempt - 1))));
        continue;
      }
      this.queue.splice(0, batches);
      if (this.problem) {
        const kept = this.problem;
        this.problem = null;
        this.attempt = 0;
        this.tell(`the cluster database takes writes again: the changes kept meanwhile are written (${kept.message.replace(/^cannot write the cluster database: /, 'after: ')})`);
      }
    }
  }

  private failed(err: unknown): void {
    this.attempt++;
    const message = `cannot write the cluster database: ${reasonOf(err)}`;
    if (!this.problem) {
      this.problem = { code: 'BB_ERR_STORAGE', message };
      this.tell(`${message}. Decisions are kept in memory and written when it is back; no backend is touched before they are; operator changes are refused until then`);
    }
  }

  private async write(ops: StoreOp[]): Promise<void> {
    const client = await this.pool.connect();
    let broken = false;
    try {
      await client.query('BEGIN');
      await this.lease.fence(client);
      const epoch = this.lease.epoch!;
      for (const op of ops) await run(client, op, epoch);
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => { broken = true; });
      throw err;
    } finally {
      client.release(broken);
    }
  }

  private tell(message: string): void {
    try {
      this.options.onHealth({ ...this.health(), message });
    } catch {
      // a listener that throws is its own problem
    }
  }
}

async function run(client: pg.PoolClient, op: StoreOp, epoch: number): Promise<void> {
  switch (op.op) {
    case 'put-drain':
      await client.query('INSERT INTO bb_drains (pool, node, body, epoch) VALUES ($1, $2, $3, $4) ON CONFLICT (pool, node) DO UPDATE SET body = excluded.body, epoch = excluded.epoch', [op.record.pool, op.record.node, op.record, epoch]);
      break;
    case 'del-drain': await client.query('DELETE FROM bb_drains WHERE pool = $1 AND node = $2', [op.pool, op.node]); break;
    case 'put-hold':
      await client.query('INSERT INTO bb_holds (pool, node, body) VALUES ($1, $2, $3) ON CONFLICT (pool, node) DO UPDATE SET body = excluded.body', [op.hold.pool, op.hold.node, op.hold]);
      break;
    case 'del-hold': await client.query('DELETE FROM bb_holds WHERE pool = $1 AND node = $2', [op.pool, op.node]); break;
    case 'audit': {
      const e = op.entry;
      await client.query('INSERT INTO bb_audit (id, time, who, action, pool, node, why, epoch) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)', [e.id, e.time, e.who, e.action, e.pool, e.node, e.why, epoch]);
      break;
    }
    case 'drain-times':
      if (op.times.length > 0) await client.query('INSERT INTO bb_drain_times (pool, time, epoch) SELECT $1, t, $3 FROM unnest($2::bigint[]) AS t', [op.pool, op.times, epoch]);
      await client.query('DELETE FROM bb_drain_times WHERE time < $1', [op.prunedBefore]);
      break;
    case 'put-alert':
      await client.query('INSERT INTO bb_alerts (id, state, body) VALUES ($1, $2, $3) ON CONFLICT (id) DO UPDATE SET state = excluded.state, body = excluded.body', [op.alert.id, op.alert.state, op.alert]);
      if (op.alert.state === 'resolved' && op.alert.id % 100 === 0) {
        await client.query(`DELETE FROM bb_alerts WHERE state = 'resolved' AND id <= (SELECT id FROM bb_alerts WHERE state = 'resolved' ORDER BY id DESC LIMIT 1 OFFSET ${DONE_KEPT})`);
      }
      break;
    case 'put-page': {
      const done = op.page.deliveredAt !== null || op.page.rejected !== null;
      await client.query('INSERT INTO bb_outbox (id, done, body) VALUES ($1, $2, $3) ON CONFLICT (id) DO UPDATE SET done = excluded.done, body = excluded.body', [op.page.id, done, op.page]);
      if (done && op.page.id % 100 === 0) await client.query(`DELETE FROM bb_outbox WHERE done AND id <= (SELECT id FROM bb_outbox WHERE done ORDER BY id DESC LIMIT 1 OFFSET ${DONE_KEPT})`);
      break;
    }
    case 'put-silence':
      await client.query('INSERT INTO bb_silences (id, body) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET body = excluded.body', [op.silence.id, op.silence]);
      break;
    case 'del-silence': await client.query('DELETE FROM bb_silences WHERE id = $1', [op.id]); break;
    case 'event':
      await client.query('INSERT INTO bb_events (id, time, body) VALUES ($1, $2, $3) ON CONFLICT (id) DO UPDATE SET time = excluded.time, body = excluded.body', [op.event.id, op.event.time, op.event]);
      if (op.event.replaces !== undefined) await client.query('DELETE FROM bb_events WHERE id = $1', [op.event.replaces]);
      break;
    case 'put-incident':
      await client.query('INSERT INTO bb_incidents (id, body) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET body = excluded.body', [op.incident.id, op.incident]);
      break;
  }
}
