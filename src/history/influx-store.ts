// InfluxDB 1.x (or 2.x's 1.x-compatible API) through npm `influx`: the schema's retention policies and
// continuous queries, batched writes that spool to disk while the server is away, and history queries.
import { createHash } from 'node:crypto';
import { escape, InfluxDB, type IPoint } from 'influx';
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import { MEASUREMENTS, numericFields } from './schema.js';
import type { Point } from './points.js';
import type { HistoryQuery, HistorySeries } from './query.js';
import { Spool } from './spool.js';

export interface InfluxSettings {
  url: string;
  database: string;
  username?: string | undefined;
  password?: string | undefined;
  /** How long each resolution is kept, ms: raw points, 1-minute and 1-hour means. */
  retention: { raw: number; minute: number; hour: number };
}

export interface WriterOptions {
  batchSize: number;
  flushIntervalMs: number;
  spoolDir: string;
  spoolMaxBytes: number;
  /** Longest wait between attempts while InfluxDB is away. */
  retryMaxMs?: number;
}

export interface WriterStats {
  /** Points waiting in memory. */
  queued: number;
  spoolBytes: number;
  spooledPoints: number;
  /** Points lost since start: past the spool's bound, or unreadable after a crash. */
  droppedPoints: number;
  written: number;
  /** Is the last write or query through? */
  up: boolean;
}

/** Resolutions, finest first: each is downsampled into the next by a continuous query. */
const POLICIES = [
  { name: 'raw', step: 0 },
  { name: 'minute', step: 60_000 },
  { name: 'hour', step: 3_600_000 },
] as const;

/** Measurements whose points are decisions and text, never downsampled. */
const NOT_DOWNSAMPLED = new Set(['drain', 'event']);

export const influxDuration = (ms: number): string => (ms % 3_600_000 === 0 ? `${ms / 3_600_000}h` : `${Math.max(1, Math.round(ms / 60_000))}m`);

/** The continuous queries the schema asks for, by name: the name carries a hash of the query, so a changed schema replaces it. */
export function continuousQueries(database: string): Map<string, string> {
  const db = escape.quoted(database);
  const out = new Map<string, string>();
  for (const m of MEASUREMENTS) {
    if (NOT_DOWNSAMPLED.has(m.name)) continue;
    const fields = numericFields(m);
    for (const [from, to, every] of [['raw', 'minute', '1m'], ['minute', 'hour', '1h']] as const) {
      const select = fields.map((f) => {
        const max = from === 'raw' ? f.name : `${f.name}_max`;
        return `mean(${escape.quoted(f.name)}) AS ${escape.quoted(f.name)}, max(${escape.quoted(max)}) AS ${escape.quoted(`${f.name}_max`)}`;
      }).join(', ');
      const q = `SELECT ${select} INTO ${db}.${escape.quoted(to)}.${escape.quoted(m.name)} FROM ${db}.${escape.quoted(from)}.${escape.quoted(m.name)} GROUP BY time(${every}), *`;
      const hash = createHash('sha256').update(q).digest('hex').slice(0, 8);
      out.set(`bb_${to}_${m.name}_${hash}`, q);
    }
  }
  return out;
}

/** Where one query reads: the finest resolution still holding its start, and a step no finer than it. */
export function policyFor(q: Pick<HistoryQuery, 'from' | 'stepMs'>, now: number, retention: InfluxSettings['retention']): { policy: string; stepMs: number } {
  const age = now - q.from;
  const policy = POLICIES.find((p) => retention[p.name] >= age) ?? POLICIES[POLICIES.length - 1]!;
  return { policy: policy.name, stepMs: Math.max(q.stepMs, policy.step) };
}

export class InfluxStore {
  readonly influx: InfluxDB;
  private pending: Point[][] = [];
  private inFlight: Point[] | null = null;
  private pendingPoints = 0;
  private flushTimer: { cancel(): void } | null = null;
  private wake: (() => void) | null = null;
  private pump: Promise<void> | null = null;
  private stopping = false;
  private written = 0;
  private up = true;
  private schemaReady = false;
  private retryMs: number;

  private constructor(
    readonly settings: InfluxSettings,
    private readonly options: WriterOptions,
    private readonly spool: Spool,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {
    const url = new URL(settings.url);
    this.influx = new InfluxDB({
      host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port || (url.protocol === 'https:' ? 443 : 8086)),
      protocol: url.protocol === 'https:' ? 'https' : 'http', database: settings.database,
      ...(settings.username !== undefined ? { username: settings.username, password: settings.password ?? '' } : {}),
      pool: { maxRetries: 0, requestTimeout: 10_000 },
    });
    this.retryMs = 500;
  }

  static async open(settings: InfluxSettings, options: WriterOptions, clock: Clock, log: Logger): Promise<InfluxStore> {
    const spool = await Spool.open({ dir: options.spoolDir, maxBytes: options.spoolMaxBytes });
    const store = new InfluxStore(settings, options, spool, clock, log);
    const left = spool.stats();
    if (left.points > 0) log.info({ points: left.points, bytes: left.bytes }, 'history: replaying points spooled by an earlier run');
    store.pump = store.run();
    return store;
  }

  /** Where the server is, for logs: never its credentials. */
  get where(): string {
    const url = new URL(this.settings.url);
    return `${url.protocol}//${url.host}/${this.settings.database}`;
  }

  add(points: readonly Point[]): void {
    if (points.length === 0 || this.stopping) return;
    // Batches of batchSize; a partly full one goes out at the next flush tick.
    let last = this.pending.at(-1);
    for (const p of points) {
      if (!last || last.length >= this.options.batchSize) {
        last = [];
        this.pending.push(last);
      }
      last.push(p);
    }
    this.pendingPoints += points.length;
    // While the server is slow, memory holds a few batches; the rest waits on disk.
    if (this.pendingPoints > this.options.batchSize * 4) {
      const overflow = this.pending.splice(0);
      this.pendingPoints = 0;
      void this.spool.append(overflow.flat()).catch((err: unknown) => this.log.error({ err }, 'history: spooling failed'));
    }
    if (this.pending.length === 0 || this.pending.length > 1 || this.pending[0]!.length >= this.options.batchSize) this.poke();
    else this.flushTimer ??= this.clock.setTimeout(() => { this.flushTimer = null; this.poke(); }, this.options.flushIntervalMs);
  }

  stats(): WriterStats {
    const s = this.spool.stats();
    return { queued: this.pendingPoints, spoolBytes: s.bytes, spooledPoints: s.points, droppedPoints: s.dropped, written: this.written, up: this.up };
  }

  /** Writes what it can; what is left in memory goes to the spool for the next run. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.flushTimer?.cancel();
    this.poke();
    await this.pump;
    const left = this.pending.flat();
    this.pending = [];
    this.pendingPoints = 0;
    await this.spool.append(left);
    await this.spool.settle();
  }

  async query(q: HistoryQuery): Promise<HistorySeries> {
    const { policy, stepMs } = policyFor(q, this.clock.now(), this.settings.retention);
    const max = policy === 'raw' ? q.field : `${q.field}_max`;
    const where = Object.entries(q.tags).map(([k, v]) => `${escape.quoted(k)} = ${escape.stringLit(v)}`);
    where.push(`time >= ${Math.floor(q.from)}ms`, `time < ${Math.ceil(q.to)}ms`);
    const text = `SELECT mean(${escape.quoted(q.field)}) AS "mean", max(${escape.quoted(max)}) AS "max" FROM ${escape.quoted(this.settings.database)}.${escape.quoted(policy)}.${escape.quoted(q.measurement)} WHERE ${where.join(' AND ')} GROUP BY time(${influxDuration(stepMs)}) fill(none)`;
    const rows = await this.influx.queryRaw(text, { precision: 'ms' }) as { results: { series?: { values: [number, number | null, number | null][] }[]; error?: string }[] };
    const result = rows.results[0];
    if (result?.error) throw new Error(`InfluxDB: ${result.error}`);
    const values = result?.series?.[0]?.values ?? [];
    return { stepMs, points: values.filter((v) => v[1] !== null).map(([t, mean, mx]) => ({ t, mean: mean!, max: mx ?? mean! })), source: 'influxdb' };
  }

  /** The database, its retention policies and continuous queries, made to match the schema. */
  async ensureSchema(): Promise<void> {
    const { database, retention } = this.settings;
    const names = await this.influx.getDatabaseNames();
    if (!names.includes(database)) await this.influx.createDatabase(database);
    const existing = new Map((await this.influx.showRetentionPolicies(database)).map((p) => [p.name, p]));
    for (const p of POLICIES) {
      const options = { database, duration: influxDuration(retention[p.name]), replication: 1, isDefault: p.name === 'raw' };
      if (!existing.has(p.name)) await this.influx.createRetentionPolicy(p.name, options);
      else await this.influx.alterRetentionPolicy(p.name, options);
    }
    const wanted = continuousQueries(database);
    const have = new Set((await this.influx.showContinousQueries(database)).map((c) => c.name));
    for (const name of have) if (name.startsWith('bb_') && !wanted.has(name)) await this.influx.dropContinuousQuery(name, database);
    for (const [name, q] of wanted) if (!have.has(name)) await this.influx.createContinuousQuery(name, q, database);
    this.schemaReady = true;
  }

  private poke(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  /** The one writer: the spool first (oldest points), then what is in memory, one request at a time. */
  private async run(): Promise<void> {
    for (;;) {
      // Stopping: what is in memory is written unless older points wait on disk (then it joins them there).
      if (this.stopping && (!this.spool.empty || this.pending.length === 0)) return;
      try {
        if (!this.schemaReady) await this.prepare();
        if (!this.spool.empty) {
          await this.spool.replayOne((points) => this.send(points));
        } else if (this.pending.length > 0 && (this.stopping || this.pending.length > 1 || this.pending[0]!.length >= this.options.batchSize || this.flushTimer === null)) {
          this.inFlight = this.pending.shift()!;
          this.pendingPoints -= this.inFlight.length;
          await this.send(this.inFlight);
          this.inFlight = null;
        } else if (!this.stopping) {
          await new Promise<void>((resolve) => { this.wake = resolve; });
        }
        this.recovered();
      } catch (err) {
        this.failed(err);
        // What is in memory waits on disk, behind what is there already: nothing is held in memory through an outage.
        const batches = [this.inFlight ?? [], ...this.pending.splice(0)];
        this.inFlight = null;
        this.pendingPoints = 0;
        await this.spool.append(batches.flat()).catch((e: unknown) => this.log.error({ err: e }, 'history: spooling failed'));
        if (this.stopping) return;
        await new Promise<void>((resolve) => {
          const t = this.clock.setTimeout(() => { this.wake = null; resolve(); }, this.retryMs);
          this.wake = () => { t.cancel(); resolve(); };
        });
        this.retryMs = Math.min(this.retryMs * 2, this.options.retryMaxMs ?? 30_000);
      }
    }
  }

  /** The schema, once the server answers; a server that answers but refuses (no admin rights) is written to as it is. */
  private async prepare(): Promise<void> {
    try {
      await this.ensureSchema();
    } catch (err) {
      if (typeof (err as { code?: unknown }).code === 'string') throw err; // not reached: try again later
      this.log.warn({ influxdb: this.where, err: { message: (err as Error).message } }, 'history: cannot create the database, retention policies or continuous queries; writing to what is there');
      this.schemaReady = true;
    }
  }

  private async send(points: readonly Point[]): Promise<void> {
    for (let i = 0; i < points.length; i += this.options.batchSize) {
      const chunk = points.slice(i, i + this.options.batchSize);
      await this.influx.writePoints(chunk.map(toInflux), { precision: 'u', retentionPolicy: 'raw' });
      this.written += chunk.length;
    }
  }

  private recovered(): void {
    this.retryMs = 500;
    if (this.up) return;
    this.up = true;
    this.log.info({ influxdb: this.where, spooled: this.spool.stats().points }, 'history: InfluxDB is back; writing what waited');
  }

  private failed(err: unknown): void {
    if (!this.up) return;
    this.up = false;
    this.log.warn({ influxdb: this.where, err: { message: (err as Error).message } }, 'history: InfluxDB cannot be written; points wait on disk');
  }
}

/** Microseconds: the sub-millisecond part keeps apart entries that share a millisecond (events, decisions). */
function toInflux(p: Point): IPoint {
  return { measurement: p.measurement, tags: p.tags, fields: p.fields, timestamp: p.time * 1000 + (p.seq ?? 0) };
}
