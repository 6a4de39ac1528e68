// InfluxDB 1.x (or 2.x's 1.x-compatible API) through npm `influx`: the schema's retention policies and
// continuous queries, batched writes that spool to disk while the server is away, and history queries.
import { createHash } from 'node:crypto';
import { escape, InfluxDB } from 'influx';
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import { MEASUREMENTS, numericFields } from './schema.js';
import type { Point } from './points.js';
import type { HistoryQuery, HistorySeries } from './query.js';
import { Spool } from './spool.js';
import { toLine } from './line-protocol.js';

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
  /** Points waiting in memory (being written included). */
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

/** Decisions and the journal: never downsampled, written to a policy of their own kept as long as hourly values. */
const NOT_DOWNSAMPLED = new Set(['drain', 'event']);
export const JOURNAL_POLICY = 'journal';

/** Requests in flight at once: InfluxDB parses and indexes them on cores of its own. */
const CONCURRENCY = 2;

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
  /** Lines not yet handed to a request, by policy. */
  private pending: string[] = [];
  private pendingJournal: string[] = [];
  private inFlight = 0;
  private flushTimer: { cancel(): void } | null = null;
  private wake: (() => void) | null = null;
  private pump: Promise<void> | null = null;
  private stopping = false;
  private written = 0;
  private rejected = 0;
  private up = true;
  private schemaReady = false;
  private retryMs = 500;
  private readonly writeUrl: (policy: string) => string;
  private readonly auth: string | null;

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
    const base = settings.url.replace(/\/+$/, '');
    this.writeUrl = (policy) => `${base}/write?${new URLSearchParams({ db: settings.database, rp: policy, precision: 'u' }).toString()}`;
    this.auth = settings.username === undefined ? null : `Basic ${Buffer.from(`${settings.username}:${settings.password ?? ''}`).toString('base64')}`;
  }

  static async open(settings: InfluxSettings, options: WriterOptions, clock: Clock, log: Logger): Promise<InfluxStore> {
    const spool = await Spool.open({ dir: options.spoolDir, maxBytes: options.spoolMaxBytes });
    const store = new InfluxStore(settings, options, spool, clock, log);
    const left = spool.stats();
    if (left.lines > 0) log.info({ points: left.lines, bytes: left.bytes }, 'history: replaying points spooled by an earlier run');
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
    for (const p of points) {
      const line = toLine(p);
      if (line === '') continue;
      (NOT_DOWNSAMPLED.has(p.measurement) ? this.pendingJournal : this.pending).push(line);
    }
    // While the server is slow, memory holds a few batches; the rest waits on disk.
    if (this.pending.length > this.options.batchSize * 4) this.spoolPending();
    if (this.pending.length >= this.options.batchSize) this.poke();
    else this.flushTimer ??= this.clock.setTimeout(() => { this.flushTimer = null; this.poke(); }, this.options.flushIntervalMs);
  }

  stats(): WriterStats {
    const s = this.spool.stats();
    return {
      queued: this.pending.length + this.pendingJournal.length + this.inFlight, spoolBytes: s.bytes, spooledPoints: s.lines,
      droppedPoints: s.dropped + this.rejected, written: this.written, up: this.up,
    };
  }

  /** Writes what it can; what is left in memory goes to the spool for the next run. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.flushTimer?.cancel();
    this.poke();
    await this.pump;
    this.spoolPending();
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
    const policies = [...POLICIES.map((p) => ({ name: p.name, duration: retention[p.name] })), { name: JOURNAL_POLICY, duration: retention.hour }];
    for (const p of policies) {
      const options = { database, duration: influxDuration(p.duration), replication: 1, isDefault: p.name === 'raw' };
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

  /** Lines wait on disk behind what is there; decisions and events are marked for their own policy. */
  private spoolPending(): void {
    const lines = [...this.pendingJournal.map((l) => `${JOURNAL_MARK}${l}`), ...this.pending];
    this.pending = [];
    this.pendingJournal = [];
    if (lines.length > 0) void this.spool.append(lines).catch((err: unknown) => this.log.error({ err }, 'history: spooling failed'));
  }

  /** The one writer: the spool first (oldest points), then what is in memory. */
  private async run(): Promise<void> {
    for (;;) {
      // Stopping: what is in memory is written unless older points wait on disk (then it joins them there).
      if (this.stopping && (!this.spool.empty || !this.due())) return;
      let raw: string[] = [];
      let journal: string[] = [];
      try {
        if (!this.schemaReady) await this.prepare();
        if (!this.spool.empty) {
          await this.spool.replayOne((lines) => this.send(lines));
        } else if (this.due()) {
          raw = this.pending.splice(0, this.options.batchSize * CONCURRENCY);
          journal = this.pendingJournal.splice(0);
          this.inFlight = raw.length + journal.length;
          await this.write(raw, journal);
          raw = [];
          journal = [];
        } else if (!this.stopping) {
          await new Promise<void>((resolve) => { this.wake = resolve; });
        }
        this.recovered();
      } catch (err) {
        this.failed(err);
        // What was being written waits on disk, behind what is there already; so does the rest of memory.
        // (Part of it may have been written: InfluxDB keeps one point per series and time, so a repeat changes nothing.)
        const taken = [...journal.map((l) => `${JOURNAL_MARK}${l}`), ...raw];
        if (taken.length > 0) void this.spool.append(taken).catch((e: unknown) => this.log.error({ err: e }, 'history: spooling failed'));
        this.spoolPending();
        if (this.stopping) return;
        await new Promise<void>((resolve) => {
          const t = this.clock.setTimeout(() => { this.wake = null; resolve(); }, this.retryMs);
          this.wake = () => { t.cancel(); resolve(); };
        });
        this.retryMs = Math.min(this.retryMs * 2, this.options.retryMaxMs ?? 30_000);
      } finally {
        this.inFlight = 0;
      }
    }
  }

  /** Is what waits in memory to be written now: a full batch, the flush tick past, or stopping? */
  private due(): boolean {
    return this.pending.length + this.pendingJournal.length > 0 && (this.stopping || this.flushTimer === null || this.pending.length >= this.options.batchSize);
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

  /** Spooled lines: journal lines (marked) go to their own policy. */
  private send(lines: readonly string[]): Promise<void> {
    const journal: string[] = [];
    const raw: string[] = [];
    for (const l of lines) {
      if (l.charCodeAt(0) === 1) journal.push(l.slice(JOURNAL_MARK.length));
      else if (l !== '') raw.push(l);
    }
    return this.write(raw, journal);
  }

  /** Lines in batches, CONCURRENCY requests at a time. */
  private async write(raw: readonly string[], journal: readonly string[]): Promise<void> {
    const batches: [string, readonly string[]][] = [];
    if (journal.length > 0) batches.push([JOURNAL_POLICY, journal]);
    for (let i = 0; i < raw.length; i += this.options.batchSize) batches.push(['raw', raw.length <= this.options.batchSize ? raw : raw.slice(i, i + this.options.batchSize)]);
    let next = 0;
    const worker = async () => {
      while (next < batches.length) {
        const [policy, batch] = batches[next++]!;
        await this.post(policy, batch);
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, batches.length) }, worker));
  }

  /**
   * One write request. A server error or no answer is thrown (the lines wait and are tried again); a
   * refusal of the lines themselves (400: a field of another type, a line it cannot parse) is not: InfluxDB
   * keeps the good lines of a batch, and retrying the bad ones would block every later point.
   */
  private async post(policy: string, lines: readonly string[]): Promise<void> {
    const res = await fetch(this.writeUrl(policy), {
      method: 'POST', body: lines.join('\n'), signal: AbortSignal.timeout(10_000),
      headers: { 'content-type': 'text/plain; charset=utf-8', ...(this.auth ? { authorization: this.auth } : {}) },
    });
    if (res.status === 204) {
      this.written += lines.length;
      return;
    }
    const body = (await res.text()).slice(0, 300);
    if (res.status === 400) {
      const dropped = /dropped=(\d+)/.exec(body);
      const bad = dropped ? Number(dropped[1]) : lines.length;
      this.rejected += bad;
      this.written += lines.length - bad;
      this.log.warn({ influxdb: this.where, status: res.status, error: body }, 'history: InfluxDB refused some points; they are dropped and counted');
      return;
    }
    throw new Error(`InfluxDB answered ${res.status}: ${body}`);
  }

  private recovered(): void {
    this.retryMs = 500;
    if (this.up) return;
    this.up = true;
    this.log.info({ influxdb: this.where, spooled: this.spool.stats().lines }, 'history: InfluxDB is back; writing what waited');
  }

  private failed(err: unknown): void {
    if (!this.up) return;
    this.up = false;
    this.log.warn({ influxdb: this.where, err: { message: (err as Error).message } }, 'history: InfluxDB cannot be written; points wait on disk');
  }
}

/** Marks a spooled line of the journal policy (line protocol never starts with a control character). */
const JOURNAL_MARK = '\u0001';
