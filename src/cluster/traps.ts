// Traps in a cluster: devices may send them to any process. A standby receives them with the same
// checks as the controller (allow-list, rate, communities, v3 users) and writes each accepted trap
// to PostgreSQL; the controller reads them and hands them to its own pipeline, which attributes,
// journals and confirms them by poll as if they had come to it. A trap is only ever a hint: one
// missed on the way costs no more than the next poll.
import type pg from 'pg';
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { IncomingTrap } from '../traps/trap-types.js';
import { follow } from './follow.js';

const EVERY_MS = 50;
/** A forwarded trap older than this when the controller reads it is left: the polls since have said more. */
const STALE_MS = 30_000;

/** A standby's side: each accepted trap written as it comes. */
export class TrapForwarder {
  forwarded = 0;
  private failing: string | null = null;

  constructor(private readonly pool: pg.Pool, private readonly self: string, private readonly log: Logger) {}

  forward(trap: IncomingTrap): void {
    this.pool.query('INSERT INTO bb_traps (received_at, receiver, body) VALUES ($1, $2, $3)', [trap.receivedAt, this.self, trap]).then(
      () => { this.forwarded++; this.failing = null; },
      (err: Error) => {
        if (this.failing !== err.message) this.log.warn({ err: err.message }, 'cannot forward a trap to the cluster database; the controller\'s polls will see the fault');
        this.failing = err.message;
      },
    );
  }
}

/** The controller's side: the traps other processes received, into its pipeline, in the order written. */
export class TrapFeed {
  private cursor = 0;
  private loop: { stop(): void } | null = null;
  private prunedAt = 0;
  /** Traps taken in (for metrics and tests). */
  taken = 0;

  constructor(private readonly pool: pg.Pool, private readonly clock: Clock, private readonly log: Logger, private readonly handle: (trap: IncomingTrap) => void) {}

  /** Starts after what is there now: the controller before this one handled those. */
  async start(): Promise<void> {
    const { rows } = await this.pool.query<{ id: number }>('SELECT COALESCE(MAX(id), 0) AS id FROM bb_traps');
    this.cursor = Number(rows[0]!.id);
    this.loop = follow(this.clock, () => EVERY_MS, () => this.read());
  }

  stop(): void {
    this.loop?.stop();
  }

  private async read(): Promise<void> {
    try {
      const { rows } = await this.pool.query<{ id: number; body: IncomingTrap }>('SELECT id, body FROM bb_traps WHERE id > $1 ORDER BY id LIMIT 1000', [this.cursor]);
      const now = this.clock.now();
      for (const r of rows) {
        this.cursor = Math.max(this.cursor, Number(r.id));
        if (r.body.receivedAt < now - STALE_MS) continue;
        this.taken++;
        this.handle(r.body);
      }
      // What is an hour old serves nobody: cleared once a minute.
      if (now - this.prunedAt > 60_000) {
        this.prunedAt = now;
        await this.pool.query('DELETE FROM bb_traps WHERE received_at < $1', [now - 3_600_000]);
      }
    } catch (err) {
      this.log.debug({ err: (err as Error).message }, 'cannot read forwarded traps; trying again');
    }
  }
}
