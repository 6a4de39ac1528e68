// The cluster's tables in PostgreSQL, as numbered migrations: each is applied once, in order, in its
// own transaction, by whichever process starts first (an advisory lock keeps two from racing). A
// database migrated by a newer Breakerbox than this one is refused: its tables may mean more.
import type pg from 'pg';

const MIGRATIONS: { version: number; what: string; sql: string }[] = [
  {
    version: 1,
    what: 'lease, members, drain records, holds, audit, rate-limit history, alerts, pages, silences, incidents',
    sql: `
      CREATE TABLE bb_lease (name TEXT PRIMARY KEY, holder TEXT, url TEXT, epoch BIGINT NOT NULL,
        acquired_at TIMESTAMPTZ NOT NULL, renewed_at TIMESTAMPTZ NOT NULL, expires_at TIMESTAMPTZ NOT NULL);
      CREATE TABLE bb_members (id TEXT PRIMARY KEY, host TEXT NOT NULL, pid INTEGER NOT NULL, url TEXT,
        role TEXT NOT NULL, started_at TIMESTAMPTZ NOT NULL, seen_at TIMESTAMPTZ NOT NULL);
      CREATE TABLE bb_drains (pool TEXT NOT NULL, node TEXT NOT NULL, body JSONB NOT NULL, epoch BIGINT NOT NULL, PRIMARY KEY (pool, node));
      CREATE TABLE bb_holds (pool TEXT NOT NULL, node TEXT NOT NULL, body JSONB NOT NULL, PRIMARY KEY (pool, node));
      CREATE TABLE bb_audit (id BIGINT PRIMARY KEY, time BIGINT NOT NULL, who TEXT NOT NULL, action TEXT NOT NULL,
        pool TEXT, node TEXT, why TEXT NOT NULL, epoch BIGINT NOT NULL);
      CREATE TABLE bb_drain_times (pool TEXT NOT NULL, time BIGINT NOT NULL, epoch BIGINT NOT NULL);
      CREATE INDEX bb_drain_times_time ON bb_drain_times (time);
      CREATE TABLE bb_alerts (id BIGINT PRIMARY KEY, state TEXT NOT NULL, body JSONB NOT NULL);
      CREATE INDEX bb_alerts_state ON bb_alerts (state, id);
      CREATE TABLE bb_outbox (id BIGINT PRIMARY KEY, done BOOLEAN NOT NULL, body JSONB NOT NULL);
      CREATE TABLE bb_silences (id BIGINT PRIMARY KEY, body JSONB NOT NULL);
      CREATE TABLE bb_incidents (id BIGINT PRIMARY KEY, body JSONB NOT NULL);
    `,
  },
  {
    version: 2,
    what: 'facts published by each process\'s polls; the number of devices each process polls',
    sql: `
      CREATE SEQUENCE bb_facts_seq;
      CREATE TABLE bb_facts (kind TEXT NOT NULL, name TEXT NOT NULL, poller TEXT NOT NULL, seq BIGINT NOT NULL,
        polled_at BIGINT, body JSONB NOT NULL, PRIMARY KEY (kind, name));
      CREATE INDEX bb_facts_seq_idx ON bb_facts (seq);
      ALTER TABLE bb_members ADD COLUMN devices INTEGER;
    `,
  },
  {
    version: 3,
    what: 'the event journal, shared by the controllers in turn',
    sql: `
      CREATE TABLE bb_events (id BIGINT PRIMARY KEY, time BIGINT NOT NULL, body JSONB NOT NULL);
      CREATE INDEX bb_events_time ON bb_events (time);
    `,
  },
  {
    version: 4,
    what: 'traps received by standbys, for the controller',
    sql: `
      CREATE TABLE bb_traps (id BIGSERIAL PRIMARY KEY, received_at BIGINT NOT NULL, receiver TEXT NOT NULL, body JSONB NOT NULL);
      CREATE INDEX bb_traps_received ON bb_traps (received_at);
    `,
  },
];

/** The schema version this Breakerbox writes. */
export const SCHEMA_VERSION = MIGRATIONS.at(-1)!.version;

/** Arbitrary, fixed: the advisory lock taken while migrating. */
const MIGRATION_LOCK = 0x6262_0001;

export class SchemaTooNewError extends Error {
  readonly code = 'BB_ERR_SCHEMA';
}

/** Applies the migrations the database lacks; returns the versions applied now. */
export async function migrate(pool: pg.Pool): Promise<number[]> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await client.query('CREATE TABLE IF NOT EXISTS bb_schema (version INTEGER PRIMARY KEY, what TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())');
    const { rows } = await client.query<{ version: number }>('SELECT version FROM bb_schema ORDER BY version');
    const have = new Set(rows.map((r) => r.version));
    const newest = Math.max(0, ...have);
    if (newest > SCHEMA_VERSION) throw new SchemaTooNewError(`the cluster database has schema version ${newest}; this Breakerbox knows up to ${SCHEMA_VERSION}: upgrade it [BB_ERR_SCHEMA]`);
    const applied: number[] = [];
    for (const m of MIGRATIONS) {
      if (have.has(m.version)) continue;
      await client.query('BEGIN');
      try {
        await client.query(m.sql);
        await client.query('INSERT INTO bb_schema (version, what) VALUES ($1, $2)', [m.version, m.what]);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK');
        throw err;
      }
      applied.push(m.version);
    }
    return applied;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => {});
    client.release();
  }
}
