// Power history: where points and events go (InfluxDB when configured, else the embedded store; the
// journal always to the embedded store), and what records them as facts, health and pools change.
import { resolve } from 'node:path';
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { Config, Settings } from '../config/schema.js';
import type { ApiEvent } from '../http/api-types.js';
import type { PowerView } from '../health/power-health.js';
import type { Topology } from '../health/topology.js';
import type { StateStore } from '../state/state-store.js';
import { EmbeddedStore, type EventFilter } from './embedded-store.js';
import { InfluxStore, type WriterStats } from './influx-store.js';
import { devicePoints, eventPoints, headroomPoints, nodePoint, poolPoint, TagCache, type Point } from './points.js';
import type { PartHeadroom } from '../capacity/headroom.js';
import type { HistoryPoint, HistoryQuery, HistorySeries } from './query.js';
import { Sparklines } from './sparklines.js';

export type HistorySettings = Settings['history'];

export interface HistoryStats extends Partial<WriterStats> {
  store: 'influxdb' | 'embedded';
}

export class History {
  private readonly sparklines = new Sparklines();

  private constructor(
    private readonly embedded: EmbeddedStore,
    private readonly influx: InfluxStore | null,
  ) {}

  /**
   * Opens the stores. `memory`: the embedded store lives in memory (a state database of ':memory:');
   * relative paths resolve in `stateDir`.
   */
  static async open(settings: HistorySettings, options: { stateDir: string; memory: boolean; clock: Clock; log: Logger }): Promise<History> {
    const e = settings.embedded;
    const embedded = new EmbeddedStore({
      path: options.memory ? ':memory:' : resolve(options.stateDir, e.database),
      minuteRetentionMs: e.minuteRetention, hourRetentionMs: e.hourRetention, eventRetentionMs: e.eventRetention,
    }, options.clock, options.log);
    const i = settings.influxdb;
    const influx = i === null ? null : await InfluxStore.open(
      { url: i.url, database: i.database, username: i.username, password: i.password, retention: i.retention },
      { batchSize: settings.batchSize, flushIntervalMs: settings.flushInterval, spoolDir: resolve(options.stateDir, settings.spool.dir), spoolMaxBytes: settings.spool.maxBytes },
      options.clock, options.log,
    );
    if (influx) options.log.info({ influxdb: influx.where }, 'history: writing to InfluxDB');
    return new History(embedded, influx);
  }

  get source(): 'influxdb' | 'embedded' {
    return this.influx ? 'influxdb' : 'embedded';
  }

  record(points: readonly Point[]): void {
    this.sparklines.add(points);
    if (this.influx) this.influx.add(points);
    else this.embedded.add(points);
  }

  /**
   * A PDU's power (no bank) or a bank's load over the last hour, a point a minute: from memory, or
   * from the store for a PDU nothing was recorded for since start.
   */
  async sparkline(pdu: string, bank: number | undefined, now: number): Promise<HistoryPoint[]> {
    const from = now - 3_600_000;
    const kept = this.sparklines.get(pdu, bank, from);
    if (kept) return kept;
    const q: Pick<HistoryQuery, 'measurement' | 'tags' | 'field'> = bank === undefined
      ? { measurement: 'pdu', tags: { pdu }, field: 'power_w' }
      : { measurement: 'bank', tags: { pdu, bank: String(bank) }, field: 'load_pct' };
    return (await this.query({ ...q, from, to: now, stepMs: 60_000 })).points;
  }

  /** Forgets what is kept in memory of PDUs no longer configured. */
  retain(pdus: ReadonlySet<string>): void {
    this.sparklines.retain(pdus);
  }

  event(e: ApiEvent): void {
    this.embedded.addEvent(e);
    this.influx?.add(eventPoints(e));
  }

  query(q: HistoryQuery): Promise<HistorySeries> {
    return this.influx ? this.influx.query(q) : Promise.resolve(this.embedded.query(q));
  }

  events(filter: EventFilter): ApiEvent[] {
    return this.embedded.events(filter);
  }

  latestEvents(n: number): ApiEvent[] {
    return this.embedded.latestEvents(n);
  }

  lastEventId(): number {
    return this.embedded.lastEventId();
  }

  stats(): HistoryStats {
    return { store: this.source, ...this.influx?.stats() };
  }

  /** What waits to be written to InfluxDB (null without one: the embedded store writes as it goes). */
  backlog(): WriterStats | null {
    return this.influx?.stats() ?? null;
  }

  async stop(): Promise<void> {
    await this.influx?.stop();
    this.embedded.close();
  }
}

export interface RecorderDeps {
  history: History;
  store: StateStore;
  config: () => Config;
  topology: () => Topology;
  view: () => PowerView;
  /** A pool's member counts as the wall shows them. */
  pool: (name: string) => { name: string; total: number; active: number; drained: number; held: number } | null;
  clock: Clock;
  /** A PDU's N-1 headroom now, recorded with each of its polls. */
  headroom?: (pdu: string) => readonly PartHeadroom[];
}

/**
 * What history hears: each recorded poll (a device's readings, a node's answer and health), each
 * change of a node's power health, each pool change, and every pool once per poll interval so its
 * graph has no gaps.
 */
export class HistoryRecorder {
  /** The topology the tags and last polls were kept for: a reload forgets what it dropped. */
  private keptFor: Topology;
  private timer: { cancel(): void } | null = null;
  private readonly lastPoll = new Map<string, number>();
  private readonly lastPool = new Map<string, string>();
  private readonly tags = new TagCache();

  constructor(private readonly deps: RecorderDeps) {
    this.keptFor = deps.topology();
    this.schedule();
  }

  /** A fact was recorded: a poll (or a trap's confirming read) of this device. */
  factRecorded(kind: 'pdu' | 'node', name: string): void {
    const facts = kind === 'pdu' ? this.deps.store.pdu(name) : this.deps.store.node(name);
    if (!facts || facts.lastPollAt === null) return;
    // A device marked misbehaving records nothing new; only a new poll is news.
    const key = `${kind}:${name}`;
    if (this.lastPoll.get(key) === facts.lastPollAt) return;
    this.lastPoll.set(key, facts.lastPollAt);
    const time = facts.lastPollAt;
    if (kind === 'pdu') {
      const f = this.deps.store.pdu(name)!;
      const fresh = f.lastOkAt === time ? f.reading : null;
      this.deps.history.record(devicePoints(this.current(), name, time, fresh, f.reachable === true, f.reading?.kind, this.tags));
      if (fresh && this.deps.headroom) this.deps.history.record(headroomPoints(this.current(), this.deps.headroom(name), time, this.tags));
    } else {
      this.node(name, time);
    }
  }

  /** Nodes whose power health changed: their new state, now. */
  healthChanged(nodes: Iterable<string>): void {
    const now = this.deps.clock.now();
    for (const n of nodes) this.node(n, now);
  }

  /** A pool was looked at again: written when its counts moved (every poll interval they are written anyway). */
  poolChanged(pool: string, always = false): void {
    const counts = this.deps.pool(pool);
    if (!counts) return;
    const key = `${counts.total}/${counts.active}/${counts.drained}/${counts.held}`;
    if (!always && this.lastPool.get(pool) === key) return;
    this.lastPool.set(pool, key);
    this.deps.history.record([poolPoint(counts, this.deps.clock.now())]);
  }

  stop(): void {
    this.timer?.cancel();
  }

  private node(name: string, time: number): void {
    const facts = this.deps.store.node(name);
    const point = nodePoint(this.current(), name, time, this.deps.view().nodes.get(name), facts?.reading ?? null, facts?.reachable ?? null);
    if (point) this.deps.history.record([point]);
  }

  /** The topology now; after a reload, what the old one kept is let go first. */
  private current(): Topology {
    const topology = this.deps.topology();
    if (topology !== this.keptFor) {
      this.keptFor = topology;
      this.tags.clear();
      this.deps.history.retain(new Set(topology.pdus.keys()));
      for (const key of this.lastPoll.keys()) {
        const [kind, name] = [key.slice(0, key.indexOf(':')), key.slice(key.indexOf(':') + 1)];
        if (!(kind === 'pdu' ? topology.pdus : topology.nodes).has(name)) this.lastPoll.delete(key);
      }
    }
    return topology;
  }

  private schedule(): void {
    this.timer = this.deps.clock.setTimeout(() => {
      for (const pool of this.deps.config().pools) this.poolChanged(pool.name, true);
      this.schedule();
    }, this.deps.config().settings.pollInterval);
  }
}
