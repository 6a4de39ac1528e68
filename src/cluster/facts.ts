// Facts between the processes of a cluster, through PostgreSQL: each process publishes the facts of
// the devices it polled (normalized, not raw walks: the same PduFacts and NodeFacts its own store
// holds), and the controller adopts everyone else's into its store. A row carries its poll time,
// so an older fact never replaces a newer one, and a device whose poller went quiet ages into
// unknown on the controller like one that stopped answering — never "down".
import type pg from 'pg';
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { NodeFacts, PduFacts, StateStore } from '../state/state-store.js';
import { follow } from './follow.js';

const EVERY_MS = 100;
/** Rows committed out of their sequence order (two pollers writing at once) are read again for this long. */
const REREAD_MS = 1_000;
const PAGE = 5_000;

type Kind = 'pdu' | 'node';

/** Publishes the facts this process records from its own polls, batched every 100 ms. */
export class FactPublisher {
  private readonly dirty = new Set<string>();
  private timer: { cancel(): void } | null = null;
  private failing: string | null = null;
  private stopped = false;
  private readonly unsubscribe: () => void;
  /** Rows written (for metrics and tests). */
  written = 0;

  constructor(private readonly pool: pg.Pool, private readonly store: StateStore, private readonly self: string, private readonly clock: Clock, private readonly log: Logger) {
    this.unsubscribe = store.onChange((change) => {
      if (change.adopted) return;
      this.dirty.add(`${change.kind}:${change.name}`);
      this.schedule();
    });
  }

  stop(): void {
    this.stopped = true;
    this.unsubscribe();
    this.timer?.cancel();
  }

  private schedule(): void {
    if (this.timer || this.stopped) return;
    this.timer = this.clock.setTimeout(() => void this.flush(), EVERY_MS);
  }

  private async flush(): Promise<void> {
    const keys = [...this.dirty];
    this.dirty.clear();
    const rows = keys.flatMap((k) => {
      const kind = k.slice(0, k.indexOf(':')) as Kind;
      const name = k.slice(k.indexOf(':') + 1);
      const facts = kind === 'pdu' ? this.store.pdu(name) : this.store.node(name);
      return facts ? [{ kind, name, polled_at: facts.lastPollAt, body: facts }] : [];
    });
    try {
      if (rows.length > 0) {
        await this.pool.query(`
          INSERT INTO bb_facts (kind, name, poller, seq, polled_at, body)
            SELECT r.kind, r.name, $2, nextval('bb_facts_seq'), r.polled_at, r.body FROM jsonb_to_recordset($1::jsonb) AS r(kind TEXT, name TEXT, polled_at BIGINT, body JSONB)
          ON CONFLICT (kind, name) DO UPDATE SET poller = excluded.poller, seq = excluded.seq, polled_at = excluded.polled_at, body = excluded.body
            WHERE bb_facts.polled_at IS NULL OR excluded.polled_at >= bb_facts.polled_at`, [JSON.stringify(rows), this.self]);
        this.written += rows.length;
      }
      if (this.failing) this.log.info('publishing facts to the cluster database again');
      this.failing = null;
    } catch (err) {
      // Kept for the next try; a device polled again meanwhile is sent once, with its newest facts.
      for (const k of keys) this.dirty.add(k);
      const message = (err as Error).message;
      if (this.failing !== message) this.log.warn({ err: message }, 'cannot publish facts to the cluster database; retrying');
      this.failing = message;
    }
    this.timer = null;
    if (this.dirty.size > 0 && !this.stopped) {
      this.timer = this.clock.setTimeout(() => void this.flush(), this.failing ? 1_000 : EVERY_MS);
    }
  }
}

/** The controller's side: adopts the facts other processes published, in the order they were written. */
export class FactFeed {
  private cursor = 0;
  /** Past cursors with their times: reading starts from the one REREAD_MS ago. */
  private readonly marks: { at: number; cursor: number }[] = [];
  private loop: { stop(): void } | null = null;
  private failing: string | null = null;
  /** Facts adopted (for metrics and tests). */
  adopted = 0;

  constructor(private readonly pool: pg.Pool, private readonly store: StateStore, private readonly self: string, private readonly clock: Clock, private readonly log: Logger) {}

  /** Reads everything there is now (so the controller starts warm), then follows. */
  async start(): Promise<void> {
    await this.read().catch(() => {});
    this.loop = follow(this.clock, () => (this.failing ? 1_000 : EVERY_MS), () => this.read());
  }

  stop(): void {
    this.loop?.stop();
  }

  private async read(): Promise<void> {
    const now = this.clock.now();
    // From the cursor of the newest read at least REREAD_MS old (0 at first: everything there is).
    while (this.marks.length > 1 && this.marks[1]!.at <= now - REREAD_MS) this.marks.shift();
    const from = this.marks[0]?.cursor ?? 0;
    try {
      for (let after = from; ;) {
        const { rows } = await this.pool.query<{ kind: Kind; poller: string; seq: number; body: PduFacts | NodeFacts }>(
          'SELECT kind, poller, seq, body FROM bb_facts WHERE seq > $1 ORDER BY seq LIMIT $2', [after, PAGE]);
        for (const r of rows) {
          if (r.poller !== this.self && (r.kind === 'pdu' ? this.store.adopt('pdu', r.body as PduFacts) : this.store.adopt('node', r.body as NodeFacts))) this.adopted++;
          after = Math.max(after, Number(r.seq));
        }
        this.cursor = Math.max(this.cursor, after);
        if (rows.length < PAGE) break;
      }
      this.marks.push({ at: now, cursor: this.cursor });
      if (this.failing) this.log.info('reading facts from the cluster database again');
      this.failing = null;
    } catch (err) {
      const message = (err as Error).message;
      if (this.failing !== message) this.log.warn({ err: message }, 'cannot read facts from the cluster database; retrying');
      this.failing = message;
      throw err;
    }
  }
}
