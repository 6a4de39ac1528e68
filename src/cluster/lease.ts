// The controller's lease: one row in PostgreSQL with a holder, an epoch and an expiry kept in the
// database's own clock. Taking an expired lease bumps the epoch; every write the controller makes
// locks that row and checks the epoch first (fence), so once another process has taken the lease
// nothing the old holder sends can land. Backend calls, which no database can fence, are made only
// while the lease renewed last is still running here (valid), measured on this process's monotonic
// clock from before the renewal was asked: a process paused past its lease wakes up refusing.
import type pg from 'pg';

export interface LeaseRow {
  holder: string | null;
  url: string | null;
  epoch: number;
  acquiredAt: number;
  renewedAt: number;
  expiresAt: number;
  /** The database's clock when this was read. */
  now: number;
}

/** A write refused because the lease is another process's now. */
export class FencedError extends Error {
  readonly code = 'BB_ERR_FENCED';
}

export interface LeaseOptions {
  pool: pg.Pool;
  /** This process, as other processes and `breakerbox cluster status` name it. */
  holder: string;
  /** Where this process serves its API (told to the others, for redirects and status); settable later. */
  url: string | null;
  leaseMs: number;
  /** Milliseconds on a clock that never jumps (performance.now() by default). */
  monotonic?: () => number;
  name?: string;
}

export class Lease {
  /** The epoch this process holds the lease in, or null. */
  epoch: number | null = null;
  /** Where this process serves its API, written with the lease. */
  url: string | null;
  private deadline = 0;
  private readonly monotonic: () => number;
  private readonly name: string;

  constructor(private readonly options: LeaseOptions) {
    this.monotonic = options.monotonic ?? (() => performance.now());
    this.url = options.url;
    this.name = options.name ?? 'controller';
  }

  /** How long before its end here a lease is no longer trusted (clock rates differ; a call takes time). */
  get margin(): number {
    return Math.max(200, Math.round(this.options.leaseMs / 5));
  }

  /** One try: takes the lease if nobody holds it or its holder let it expire. True when held now. */
  async tryAcquire(): Promise<boolean> {
    const asked = this.monotonic();
    const { rows } = await this.options.pool.query<{ epoch: number }>(`
      INSERT INTO bb_lease AS l (name, holder, url, epoch, acquired_at, renewed_at, expires_at)
        VALUES ($1, $2, $3, 1, clock_timestamp(), clock_timestamp(), clock_timestamp() + $4 * interval '1 millisecond')
      ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, url = excluded.url, epoch = l.epoch + 1,
        acquired_at = excluded.acquired_at, renewed_at = excluded.renewed_at, expires_at = excluded.expires_at
        WHERE l.expires_at < clock_timestamp() OR l.holder IS NULL
      RETURNING epoch`, [this.name, this.options.holder, this.url, this.options.leaseMs]);
    if (rows.length === 0) return false;
    this.epoch = Number(rows[0]!.epoch);
    this.deadline = asked + this.options.leaseMs - this.margin;
    return true;
  }

  /**
   * Extends the lease. False when it is not ours any more (another process took it: the epoch moved);
   * a lease that ran out but that nobody took is still ours (nobody else can have acted). Throws when
   * the database cannot be reached: the caller keeps trying while valid() holds.
   */
  async renew(): Promise<boolean> {
    if (this.epoch === null) return false;
    const asked = this.monotonic();
    const { rowCount } = await this.options.pool.query(`
      UPDATE bb_lease SET renewed_at = clock_timestamp(), expires_at = clock_timestamp() + $4 * interval '1 millisecond', url = $3
      WHERE name = $1 AND holder = $2 AND epoch = $5`, [this.name, this.options.holder, this.url, this.options.leaseMs, this.epoch]);
    if (rowCount === 0) {
      this.epoch = null;
      return false;
    }
    this.deadline = asked + this.options.leaseMs - this.margin;
    return true;
  }

  /** Whether this process may act as the holder now: the lease it last renewed has not run out here. */
  valid(): boolean {
    return this.epoch !== null && this.monotonic() < this.deadline;
  }

  /** Milliseconds of the lease left here (0 when not held). */
  left(): number {
    return this.epoch === null ? 0 : Math.max(0, this.deadline - this.monotonic());
  }

  /**
   * Inside a transaction: locks the lease row and checks the lease is still this process's in its
   * epoch. A takeover updates that row, so it waits for this transaction, or this one sees it.
   */
  async fence(client: pg.PoolClient): Promise<void> {
    const epoch = this.epoch;
    const { rows } = await client.query<{ holder: string | null; epoch: number }>('SELECT holder, epoch FROM bb_lease WHERE name = $1 FOR UPDATE', [this.name]);
    const row = rows[0];
    if (epoch === null || !row || row.holder !== this.options.holder || Number(row.epoch) !== epoch) {
      this.epoch = null;
      throw new FencedError(`refused: the ${this.name} lease is ${row?.holder ? `held by ${row.holder} in epoch ${row.epoch}` : 'not held'}, not by this process${epoch === null ? '' : ` (epoch ${epoch})`} [BB_ERR_FENCED]`);
    }
  }

  /** Gives the lease up at a clean stop, so a standby takes over at once instead of after it expires. */
  async release(): Promise<void> {
    const epoch = this.epoch;
    this.epoch = null;
    if (epoch === null) return;
    await this.options.pool.query("UPDATE bb_lease SET holder = NULL, expires_at = clock_timestamp() - interval '1 millisecond' WHERE name = $1 AND holder = $2 AND epoch = $3", [this.name, this.options.holder, epoch]);
  }
}

/** The lease as the database has it now, or null before anyone took it. */
export async function readLease(pool: pg.Pool, name = 'controller'): Promise<LeaseRow | null> {
  const { rows } = await pool.query<{ holder: string | null; url: string | null; epoch: number; acquired_at: Date; renewed_at: Date; expires_at: Date; now: Date }>(
    'SELECT holder, url, epoch, acquired_at, renewed_at, expires_at, clock_timestamp() AS now FROM bb_lease WHERE name = $1', [name]);
  const r = rows[0];
  return r ? { holder: r.holder, url: r.url, epoch: Number(r.epoch), acquiredAt: r.acquired_at.getTime(), renewedAt: r.renewed_at.getTime(), expiresAt: r.expires_at.getTime(), now: r.now.getTime() } : null;
}
