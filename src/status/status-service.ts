// The status page's live side: after each reconcile of a pool (and each change of a maintenance
// window) the state of the services it serves is worked out again; a change is recorded as a
// `service-state` event (persisted in the journal, where the days of the page are read from) and
// drafts or redrafts the incident going on.
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { Config } from '../config/schema.js';
import type { DrainRecord } from '../drain/drain-store.js';
import type { EventLog } from '../events/event-log.js';
import type { Topology } from '../health/topology.js';
import type { EventFilter } from '../history/embedded-store.js';
import type { ApiEvent, ApiPool } from '../http/api-types.js';
import type { Maintenance } from '../maintenance/maintenance.js';
import { coverage, localZone, stateAt, type Coverage } from '../maintenance/windows.js';
import { inRotation, type ServiceStateDetail } from './draft.js';
import { IncidentBook, publicIncident, type Incident, type IncidentStore, type PublicIncident } from './incidents.js';
import { capacityOf, dayStates, nextState, serviceState, STATE_LABEL, type DayCell, type PoolCapacity, type PublicState } from './states.js';

/** Days the page shows. */
export const STATUS_DAYS = 90;
const DAY_MS = 86_400_000;
/** Maintenance is announced in the feeds from this long before its start. */
export const ANNOUNCE_AHEAD_MS = 7 * DAY_MS;
/** Causes kept per change: the draft needs the first few, not every node's. */
const CAUSES_KEPT = 5;
/** Events about a pool (their subject) that change its members: the services are looked at right after, not at the next reconcile. */
const POOL_EVENTS = new Set(['drain', 'readmit', 'hold', 'release']);
/** The page is worked out again at most this often when nothing changed (the day rolls over, windows come). */
const VIEW_FRESH_MS = 30_000;

export interface StatusDeps {
  config: () => Config;
  topology: () => Topology;
  /** A configured pool as the API shows it, or null. */
  pool: (name: string) => ApiPool | null;
  /** Breakerbox's drain records of a pool (why each drained member is out). */
  records: (pool: string) => DrainRecord[];
  onPoolChanged: (listener: (pool: string) => void) => () => void;
  maintenance: Pick<Maintenance, 'windows' | 'onChange'>;
  events: EventLog;
  /** The stored journal. */
  journal: (filter: EventFilter) => ApiEvent[];
  store: IncidentStore;
  clock: Clock;
  log: Logger;
}

/** A maintenance window as the public sees it: which services, when; never its name, scope or reason. */
export interface Announcement { key: string; services: string[]; start: number; end: number; inForce: boolean }

export interface StatusView {
  title: string;
  zone: string;
  now: number;
  /** The first thing ever recorded (days before it have no data). */
  dataSince: number | null;
  services: { name: string; state: PublicState; days: DayCell[] }[];
  maintenance: Announcement[];
  /** Published, going on or begun within the days shown; newest first. */
  incidents: PublicIncident[];
}

export class StatusService {
  readonly book: IncidentBook;
  private readonly last = new Map<string, ServiceStateDetail>();
  private readonly unsubscribe: (() => void)[] = [];
  private covered: { topology: Topology; byName: Map<string, Coverage> } | null = null;
  private version = 0;
  private cached: { view: StatusView; version: number; at: number; topology: Topology } | null = null;
  private stopped = false;

  constructor(private readonly deps: StatusDeps) {
    this.book = new IncidentBook({
      store: deps.store, clock: deps.clock,
      changesSince: (t) => this.changes({ from: t }).map((e) => ({ ...e.service!, time: e.time })),
      context: () => ({ zone: this.zone(), siteOf: (pdu) => this.siteOf(pdu) }),
    });
  }

  /** Carries on from the last recorded state of each service, then looks at every service now. */
  start(): void {
    for (const e of this.changes({})) this.last.set(e.service!.name, e.service!);
    this.unsubscribe.push(this.deps.onPoolChanged((pool) => this.poolChanged(pool)));
    // After the event is told to everyone (the journal first), so a re-admission and the restore it makes keep their order.
    this.unsubscribe.push(this.deps.events.subscribe((e) => { if (POOL_EVENTS.has(e.type)) queueMicrotask(() => this.poolChanged(e.subject)); }));
    this.deps.maintenance.onChange(() => { if (!this.stopped) this.evaluate(this.deps.config().services.map((s) => s.name)); });
    this.evaluate(this.deps.config().services.map((s) => s.name));
  }

  stop(): void {
    this.stopped = true;
    for (const u of this.unsubscribe) u();
  }

  /** The zone the page tells times and days in: the reload schedule's, else this machine's. */
  zone(): string {
    return this.deps.config().settings.reload.timezone ?? localZone();
  }

  incidents(): Incident[] {
    return this.book.list();
  }

  edit(id: number, change: { title?: unknown; text?: unknown }, by: string, why: string): Incident {
    const incident = this.book.edit(id, change, by, why);
    this.version++;
    return incident;
  }

  publish(id: number, by: string, why: string): Incident {
    const incident = this.book.publish(id, by, why);
    this.version++;
    return incident;
  }

  /** What the public page and feeds show, worked out again when something changed (or every 30 s). */
  view(): StatusView {
    const now = this.deps.clock.now();
    const topology = this.deps.topology();
    const c = this.cached;
    if (c && c.version === this.version && c.topology === topology && now - c.at < VIEW_FRESH_MS) return c.view;
    const view = this.build(now);
    this.cached = { view, version: this.version, at: now, topology };
    return view;
  }

  private build(now: number): StatusView {
    const config = this.deps.config();
    const zone = this.zone();
    const names = config.services.map((s) => s.name);
    const changes = this.changes({}).map((e) => ({ time: e.time, service: e.service!.name, state: e.service!.state }));
    const dataSince = this.deps.journal({ limit: 1 })[0]?.time ?? null;
    const days = dayStates(changes, names, { now, days: STATUS_DAYS, zone, dataSince });
    const shownFrom = now - STATUS_DAYS * DAY_MS;
    return {
      title: `${config.sites.map((s) => s.name).join(', ')} status`,
      zone, now, dataSince,
      services: names.map((name) => ({ name, state: this.last.get(name)?.state ?? 'operational', days: days.get(name)! })),
      maintenance: this.announcements(now),
      incidents: this.book.list().flatMap((i) => publicIncident(i) ?? []).filter((i) => i.resolvedAt === null || i.resolvedAt >= shownFrom),
    };
  }

  /** Windows in force or coming that touch a service: the next occurrence of each. */
  private announcements(now: number): Announcement[] {
    const out: Announcement[] = [];
    for (const w of this.deps.maintenance.windows()) {
      const s = stateAt(w, now);
      if (s.phase === 'done' || s.start === null || s.end === null) continue;
      const services = this.servicesCovered(w.name, w.scope);
      if (services.length === 0) continue;
      const key = createHash('sha256').update(`${w.name}\u0000${s.start}`).digest('hex').slice(0, 16);
      out.push({ key, services, start: s.start, end: s.end, inForce: s.phase === 'active' || s.phase === 'draining' });
    }
    return out.sort((a, b) => a.start - b.start);
  }

  private poolChanged(pool: string): void {
    if (this.stopped) return;
    this.evaluate(this.deps.config().services.filter((s) => s.pools.includes(pool)).map((s) => s.name));
  }

  /** Works out the named services' states; records each change and tells the incident book. */
  private evaluate(names: readonly string[]): void {
    if (names.length === 0) return;
    const config = this.deps.config();
    const inWindow = this.servicesInWindow(this.deps.clock.now());
    const pools = new Map<string, ReturnType<StatusService['capacity']>>();
    for (const name of names) {
      const service = config.services.find((s) => s.name === name);
      if (!service) continue;
      const mine = service.pools.map((p) => pools.get(p) ?? pools.set(p, this.capacity(p)).get(p)!);
      const previous = this.last.get(name);
      const computed = serviceState(mine.map((m) => m.capacity), inWindow.has(name));
      const state = nextState(previous?.state ?? 'operational', computed, mine.some((m) => m.unknown));
      // Kept for want of evidence: nothing new to record until the power is known.
      if (state !== computed) continue;
      const detail: ServiceStateDetail = { name, state, pools: mine.map((m) => m.capacity), causes: [...new Set(mine.flatMap((m) => m.causes))].slice(0, CAUSES_KEPT) };
      if (!changed(previous, detail)) continue;
      this.last.set(name, detail);
      // A first look that finds nothing wrong has nothing to say.
      if (!previous && state === 'operational') continue;
      const severity = state === 'outage' ? 'critical' : state === 'reduced' ? 'warning' : 'info';
      const message = `${name}: ${STATE_LABEL[state].toLowerCase()}${state === 'operational' ? '' : ` (${inRotation(detail.pools)})`}`;
      const e = this.deps.events.add({ type: 'service-state', severity, subject: name, message, service: detail });
      this.version++;
      try {
        this.book.changed({ time: e.time, state });
      } catch (err) {
        this.deps.log.error({ err }, 'status: the incident could not be drafted');
      }
    }
  }

  /** A pool's capacity now, whether some member's power is not known, and the causes of what is out. */
  private capacity(pool: string): { capacity: PoolCapacity; unknown: boolean; causes: string[] } {
    const view = this.deps.pool(pool);
    if (!view) return { capacity: capacityOf(pool, []), unknown: false, causes: [] };
    const records = new Map(this.deps.records(pool).map((r) => [r.node, r]));
    const causes: string[] = [];
    const members = view.members.map((m) => {
      const record = records.get(m.node);
      if (m.state !== 'drained') {
        if (m.state === 'active' && m.power === 'lost' && m.reason) causes.push(m.reason);
        return { state: m.state, power: m.power };
      }
      const drainedFor = record?.maintenance ? 'maintenance' as const : (record?.by ?? 'breakerbox') === 'breakerbox' ? 'fault' as const : 'operator' as const;
      if (drainedFor === 'fault' && record) causes.push(record.chain.cause);
      return { state: m.state, power: m.power, drainedFor };
    });
    return { capacity: capacityOf(pool, members), unknown: view.members.some((m) => m.state === 'active' && m.power === 'unknown'), causes };
  }

  /** Services a maintenance window in force (under way, or draining ahead) covers. */
  private servicesInWindow(now: number): Set<string> {
    const out = new Set<string>();
    for (const w of this.deps.maintenance.windows()) {
      const phase = stateAt(w, now).phase;
      if (phase === 'active' || phase === 'draining') for (const s of this.servicesCovered(w.name, w.scope)) out.add(s);
    }
    return out;
  }

  private servicesCovered(name: string, scope: Parameters<typeof coverage>[0]): string[] {
    const topology = this.deps.topology();
    if (this.covered?.topology !== topology) this.covered = { topology, byName: new Map() };
    let c = this.covered.byName.get(name);
    if (!c) this.covered.byName.set(name, (c = coverage(scope, topology)));
    const covered = c;
    return this.deps.config().services.filter((s) => s.pools.some((p) => (covered.pools === null || covered.pools.has(p))
      && (topology.pools.get(p)?.members.some((n) => covered.nodes.has(n)) ?? false))).map((s) => s.name);
  }

  private siteOf(pdu: string): string | null {
    const topology = this.deps.topology();
    const rack = topology.pdus.get(pdu)?.rack;
    return rack === undefined ? null : topology.place(rack)?.site ?? null;
  }

  /** Recorded service-state changes, oldest first. */
  private changes(filter: Partial<EventFilter>): (ApiEvent & { service: ServiceStateDetail })[] {
    return this.deps.journal({ ...filter, types: ['service-state'], limit: 100_000 }).filter((e): e is ApiEvent & { service: ServiceStateDetail } => e.service !== undefined);
  }
}

/** Worth recording: another state, or other capacity while not operational. */
function changed(previous: ServiceStateDetail | undefined, next: ServiceStateDetail): boolean {
  if (!previous || previous.state !== next.state) return true;
  const key = (pools: readonly PoolCapacity[]) => pools.map((p) => `${p.pool}:${p.total}/${p.inRotation}/${p.drained}/${p.unpowered}/${p.planned}`).join(',');
  return next.state !== 'operational' && key(previous.pools) !== key(next.pools);
}
