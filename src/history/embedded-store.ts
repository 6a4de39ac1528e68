// History without an InfluxDB: 1-minute means and maxima of every series, hourly ones of the
// long-term measurements, and the event journal, in an SQLite file of its own.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Logger } from 'pino';
import type { ApiEvent } from '../http/api-types.js';
import type { Clock } from '../clock.js';
import type { Point } from './points.js';
import type { HistoryQuery, HistorySeries } from './query.js';
import { MEASUREMENT, MEASUREMENTS, type MeasurementSpec } from './schema.js';

export interface EmbeddedOptions {
  /** A file path, or ':memory:'. */
  path: string;
  /** How long 1-minute values are kept, and hourly ones of the long-term measurements; events, ms. */
  minuteRetentionMs: number;
  hourRetentionMs: number;
  eventRetentionMs: number;
}

export interface EventFilter {
  from?: number | undefined;
  to?: number | undefined;
  types?: readonly string[] | undefined;
  severities?: readonly string[] | undefined;
  subject?: string | undefined;
  /** Events with a greater id only. */
  after?: number | undefined;
  /** Events with a smaller id only: then the newest `limit` of them (still oldest first), a page back in time. */
  before?: number | undefined;
  limit: number;
}

const MINUTE = 60_000;
const HOUR = 3_600_000;
/** Rows per transaction, so a large site's minute never holds the event loop for long. */
const ROWS_PER_STEP = 5_000;

interface Open { series: number; minute: number; sum: number; n: number; max: number }

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS series (id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, long INTEGER NOT NULL);
  CREATE TABLE IF NOT EXISTS minute (series INTEGER NOT NULL, t INTEGER NOT NULL, mean REAL NOT NULL, max REAL NOT NULL, PRIMARY KEY (series, t)) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS hour (series INTEGER NOT NULL, t INTEGER NOT NULL, mean REAL NOT NULL, max REAL NOT NULL, PRIMARY KEY (series, t)) WITHOUT ROWID;
  CREATE INDEX IF NOT EXISTS minute_t ON minute (t);
  CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY, time INTEGER NOT NULL, type TEXT NOT NULL, severity TEXT NOT NULL, subject TEXT NOT NULL, body TEXT NOT NULL);
  CREATE INDEX IF NOT EXISTS events_time ON events (time);
  CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
`;

/** The tags that name a thing (a PDU's bank, a node): not its place, not what it feeds; per measurement. */
const IDENTITY = new Map(MEASUREMENTS.map((m) => [m.name, m.name === 'node' ? ['node'] : m.tags.filter((t) => t !== 'kind' && t !== 'node')]));

/** One series of the embedded store: a measurement, the thing's identity and a field. */
export function seriesKey(measurement: string, tags: Record<string, string>, field: string): string | null {
  const identity = IDENTITY.get(measurement);
  if (!identity) return null;
  let key = measurement;
  for (const t of identity) key += `\u0000${tags[t] ?? ''}`;
  return `${key}\u0000${field}`;
}

export class EmbeddedStore {
  private readonly db: Database.Database;
  private readonly seriesIds = new Map<string, number>();
  private readonly open = new Map<number, Open>();
  /** Minutes that ended when their series' next point came: written at the next tick. */
  private closedRows: Open[] = [];
  /** Ended minutes being written a step at a time (close() writes what is left). */
  private unwritten: Open[] = [];
  private pendingEvents: ApiEvent[] = [];
  private rolledUntil: number;
  private timer: { cancel(): void } | null = null;
  private closed = false;

  constructor(private readonly options: EmbeddedOptions, private readonly clock: Clock, private readonly log: Logger) {
    if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
    this.db = new Database(options.path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(SCHEMA);
    for (const row of this.db.prepare('SELECT id, key FROM series').all() as { id: number; key: string }[]) this.seriesIds.set(row.key, row.id);
    const rolled = this.db.prepare("SELECT value FROM meta WHERE key = 'rolled_until'").get() as { value: number } | undefined;
    this.rolledUntil = rolled?.value ?? Math.floor(clock.now() / HOUR) * HOUR;
    this.schedule();
  }

  /** Numeric fields go into their series' open minute; text fields are for InfluxDB only. */
  add(points: readonly Point[]): void {
    for (const p of points) {
      const m = MEASUREMENT.get(p.measurement);
      if (!m || p.measurement === 'event' || p.measurement === 'drain') continue;
      const minute = Math.floor(p.time / MINUTE) * MINUTE;
      for (const [field, value] of Object.entries(p.fields)) {
        if (typeof value !== 'number') continue;
        const series = this.seriesId(m, p.tags, field);
        let o = this.open.get(series);
        if (o && o.minute !== minute) {
          if (minute < o.minute) continue; // late: that minute is closed already
          this.closedRows.push(o);
          o = undefined;
        }
        if (!o) this.open.set(series, { series, minute, sum: value, n: 1, max: value });
        else {
          o.sum += value;
          o.n++;
          if (value > o.max) o.max = value;
        }
      }
    }
  }

  addEvent(e: ApiEvent): void {
    this.pendingEvents.push(e);
    if (this.pendingEvents.length === 1) this.clock.setTimeout(() => this.flushEvents(), 1_000);
  }

  /** The event ids carry on from the stored ones, so they stay unique across restarts. */
  lastEventId(): number {
    this.flushEvents();
    return (this.db.prepare('SELECT MAX(id) AS id FROM events').get() as { id: number | null }).id ?? 0;
  }

  events(filter: EventFilter): ApiEvent[] {
    this.flushEvents();
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (filter.from !== undefined) { where.push('time >= ?'); args.push(filter.from); }
    if (filter.to !== undefined) { where.push('time < ?'); args.push(filter.to); }
    if (filter.after !== undefined) { where.push('id > ?'); args.push(filter.after); }
    if (filter.before !== undefined) { where.push('id < ?'); args.push(filter.before); }
    if (filter.types?.length) { where.push(`type IN (${filter.types.map(() => '?').join(',')})`); args.push(...filter.types); }
    if (filter.severities?.length) { where.push(`severity IN (${filter.severities.map(() => '?').join(',')})`); args.push(...filter.severities); }
    if (filter.subject !== undefined) { where.push('subject = ?'); args.push(filter.subject); }
    const backwards = filter.before !== undefined;
    const sql = `SELECT body FROM events ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id ${backwards ? 'DESC' : ''} LIMIT ?`;
    const rows = (this.db.prepare(sql).all(...args, filter.limit) as { body: string }[]).map((r) => JSON.parse(r.body) as ApiEvent);
    return backwards ? rows.reverse() : rows;
  }

  /** The newest `n` events, oldest first: what the journal starts from after a restart. */
  latestEvents(n: number): ApiEvent[] {
    this.flushEvents();
    return (this.db.prepare('SELECT body FROM (SELECT id, body FROM events ORDER BY id DESC LIMIT ?) ORDER BY id').all(n) as { body: string }[]).map((r) => JSON.parse(r.body) as ApiEvent);
  }

  query(q: HistoryQuery): HistorySeries {
    const key = seriesKey(q.measurement, q.tags, q.field);
    const series = key === null ? undefined : this.seriesIds.get(key);
    const minuteHolds = this.clock.now() - this.options.minuteRetentionMs <= q.from;
    const useHours = !minuteHolds && MEASUREMENT.get(q.measurement)!.longTerm;
    const stepMs = Math.max(q.stepMs, useHours ? HOUR : MINUTE);
    if (series === undefined) return { stepMs, points: [], source: 'embedded' };
    const rows = this.db.prepare(`SELECT t - (t % ?) AS b, AVG(mean) AS mean, MAX(max) AS max FROM ${useHours ? 'hour' : 'minute'} WHERE series = ? AND t >= ? AND t < ? GROUP BY b ORDER BY b`)
      .all(stepMs, series, q.from, q.to) as { b: number; mean: number; max: number }[];
    const points = rows.map((r) => ({ t: r.b, mean: r.mean, max: r.max }));
    // The minute still open is not written yet, but a wall's sparkline wants it.
    const o = this.open.get(series);
    if (o && o.minute >= q.from && o.minute < q.to) {
      const b = Math.floor(o.minute / stepMs) * stepMs;
      const last = points.at(-1);
      if (last && last.t === b) last.max = Math.max(last.max, o.max);
      else points.push({ t: b, mean: o.sum / o.n, max: o.max });
    }
    return { stepMs, points, source: 'embedded' };
  }

  /** Writes what is open (at shutdown: the current minute is kept, partial as it is). */
  close(): void {
    if (this.closed) return;
    this.timer?.cancel();
    this.flushEvents();
    this.writeRows([...this.unwritten, ...this.closedRows, ...this.open.values()]);
    this.unwritten = [];
    this.closedRows = [];
    this.open.clear();
    this.closed = true;
    this.db.close();
  }

  /** Every minute: minutes that ended are written; every hour, hourly rollups and retention. */
  private schedule(): void {
    const now = this.clock.now();
    this.timer = this.clock.setTimeout(() => {
      try {
        this.tick();
      } catch (err) {
        this.log.error({ err }, 'history: the embedded store could not be written');
      }
      if (!this.closed) this.schedule();
    }, MINUTE - (now % MINUTE) + 1_000);
  }

  private tick(): void {
    const current = Math.floor(this.clock.now() / MINUTE) * MINUTE;
    const ended = [...this.open.values()].filter((o) => o.minute < current);
    for (const o of ended) this.open.delete(o.series);
    const rows = [...this.closedRows, ...ended];
    this.closedRows = [];
    this.flushEvents();
    const hour = Math.floor(this.clock.now() / HOUR) * HOUR;
    // A large site's minute is written a few thousand rows at a time, the event loop free in between.
    this.writeRowsInSteps(rows, () => { if (hour > this.rolledUntil && !this.closed) this.rollUp(hour); });
  }

  private writeRowsInSteps(rows: readonly Open[], then: () => void): void {
    this.unwritten.push(...rows);
    const step = () => {
      if (this.closed) return;
      try {
        this.writeRows(this.unwritten.splice(0, ROWS_PER_STEP));
        if (this.unwritten.length > 0) {
          setImmediate(step);
          return;
        }
        then();
      } catch (err) {
        this.log.error({ err }, 'history: the embedded store could not be written');
      }
    };
    step();
  }

  private rollUp(until: number): void {
    const now = this.clock.now();
    this.db.transaction(() => {
      this.db.prepare(`INSERT OR REPLACE INTO hour (series, t, mean, max)
        SELECT m.series, (m.t / ${HOUR}) * ${HOUR}, AVG(m.mean), MAX(m.max) FROM minute m JOIN series s ON s.id = m.series
        WHERE s.long = 1 AND m.t >= ? AND m.t < ? GROUP BY m.series, m.t / ${HOUR}`).run(this.rolledUntil, until);
      this.db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('rolled_until', ?)").run(until);
      this.db.prepare('DELETE FROM minute WHERE t < ?').run(now - this.options.minuteRetentionMs);
      this.db.prepare('DELETE FROM hour WHERE t < ?').run(now - this.options.hourRetentionMs);
      this.db.prepare('DELETE FROM events WHERE time < ?').run(now - this.options.eventRetentionMs);
    })();
    this.rolledUntil = until;
  }

  private seriesId(m: MeasurementSpec, tags: Record<string, string>, field: string): number {
    const key = seriesKey(m.name, tags, field)!;
    let id = this.seriesIds.get(key);
    if (id === undefined) {
      id = Number(this.db.prepare('INSERT INTO series (key, long) VALUES (?, ?)').run(key, m.longTerm ? 1 : 0).lastInsertRowid);
      this.seriesIds.set(key, id);
    }
    return id;
  }

  private writeRows(rows: readonly Open[]): void {
    if (rows.length === 0) return;
    const insert = this.db.prepare('INSERT OR REPLACE INTO minute (series, t, mean, max) VALUES (?, ?, ?, ?)');
    for (let i = 0; i < rows.length; i += ROWS_PER_STEP) {
      const chunk = rows.slice(i, i + ROWS_PER_STEP);
      this.db.transaction(() => { for (const o of chunk) insert.run(o.series, o.minute, o.sum / o.n, o.max); })();
    }
  }

  private flushEvents(): void {
    if (this.closed || this.pendingEvents.length === 0) return;
    const events = this.pendingEvents;
    this.pendingEvents = [];
    const insert = this.db.prepare('INSERT OR REPLACE INTO events (id, time, type, severity, subject, body) VALUES (?, ?, ?, ?, ?, ?)');
    const drop = this.db.prepare('DELETE FROM events WHERE id = ?');
    this.db.transaction(() => {
      for (const e of events) {
        // A folded repeat supersedes the entry it replaces, in storage as in the journal.
        if (e.replaces !== undefined) drop.run(e.replaces);
        insert.run(e.id, e.time, e.type, e.severity, e.subject, JSON.stringify(e));
      }
    })();
  }
}
