// The alerts, kept up to date: conditions are looked at again shortly after power health or the
// drains change, and every few seconds for what time alone changes (a `for` that ran out, polls that
// went stale). Changed alerts are persisted in the embedded database; firing and resolving are events.
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { Config } from '../config/schema.js';
import type { DrainController } from '../drain/drain-controller.js';
import type { DrainStore } from '../drain/drain-store.js';
import type { EventLog } from '../events/event-log.js';
import type { Facts, PowerView } from '../health/power-health.js';
import type { Topology } from '../health/topology.js';
import type { Maintenance, MaintenanceView } from '../maintenance/maintenance.js';
import { AlertEngine, type Alert, type AlertChanges, type Silence } from './alert-engine.js';
import { conditions, inPlace, spokenDuration, type ConditionInput } from './conditions.js';
import { Outbox, post } from './outbox.js';
import { alertmanagerAlert, alertmanagerUrl } from './receivers.js';
import { resolveRules, SEVERITY_RANK } from './rules.js';
import { joinedFaults, stories, storyText, type StoryContext } from './stories.js';
import { pollsStale } from '../health/polls-stale.js';

/** Records that an alert's story went to these receivers now. */
function paged(a: Alert, receivers: readonly string[], now: number): void {
  if (receivers.length === 0) return;
  a.paged = [...new Set([...(a.paged ?? []), ...receivers])];
  a.pagedAt = { ...a.pagedAt, ...Object.fromEntries(receivers.map((r) => [r, now])) };
}


/** Changes gather this long before the conditions are looked at again. */
const SETTLE_MS = 250;
/** A story is paged this long after its root fired: the drain it caused and the alerts joining it are in the page. */
const GROUP_WAIT_MS = 500;
/** What only time changes is looked at this often. */
const EVERY_MS = 5_000;
/** Firing alerts are sent to Alertmanager again this often (it holds each for ALERTMANAGER_HOLD_MS). */
const ALERTMANAGER_REFRESH_MS = 60_000;

export interface AlertServiceDeps {
  config: () => Config;
  topology: () => Topology;
  view: () => PowerView;
  facts: Facts;
  controller: DrainController;
  store: DrainStore;
  events: EventLog;
  clock: Clock;
  log: Logger;
  /** The maintenance windows: what one under way covers pages nobody. */
  maintenance?: Pick<Maintenance, 'muting' | 'list'>;
  /** N-1 headroom and single points of failure, for their rules. */
  capacity?: ConditionInput['capacity'];
}

export class AlertService {
  private readonly engine: AlertEngine;
  readonly outbox: Outbox;
  private timer: { cancel(): void } | null = null;
  private timerAt = Infinity;
  /** When the latest poll was recorded; null before the first. */
  private lastFactAt: number | null = null;
  private stopped = false;
  private lastRefreshAt = 0;
  private readonly startedAt: number;
  private isWarm = false;
  private readonly listeners: ((changes: AlertChanges) => void)[] = [];

  constructor(private readonly deps: AlertServiceDeps) {
    const settings = () => deps.config().settings.alerts;
    this.engine = new AlertEngine(() => resolveRules(settings()), () => settings().flapping, deps.store.alerts());
    this.startedAt = deps.clock.now();
    this.outbox = new Outbox({ store: deps.store, receivers: () => settings().receivers, clock: deps.clock, events: deps.events, log: deps.log });
  }

  start(): void {
    this.outbox.start();
    this.schedule(0);
  }

  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
    this.outbox.stop();
  }

  /**
   * Whether the facts are fresh enough for an alert's condition, not seen, to be gone: every device
   * polled since the start, or the stale time passed. Until then nothing resolves, so a restart
   * never resolves and re-fires (and re-pages) what was firing before it.
   */
  private warm(c: Config, now: number, staleMs: number): boolean {
    if (this.isWarm) return true;
    const polled = (f: { lastPollAt: number | null } | undefined) => f?.lastPollAt != null && f.lastPollAt >= this.startedAt;
    this.isWarm = now - this.startedAt >= staleMs
      || (c.pdus.every((p) => polled(this.deps.facts.pdu(p.name))) && c.nodes.every((n) => polled(this.deps.facts.node(n.name))));
    return this.isWarm;
  }

  /** A poll was recorded: Breakerbox's own polls are alive. */
  factRecorded(): void {
    this.lastFactAt = this.deps.clock.now();
  }

  /** Something alerts look at changed (power health, drains, backends): look again soon. */
  changed(): void {
    this.schedule(SETTLE_MS);
  }

  onChange(fn: (changes: AlertChanges) => void): void {
    this.listeners.push(fn);
  }

  /** Pending and firing alerts, then the latest resolved, newest first. */
  list(): Alert[] {
    return [...this.engine.current().sort((a, b) => b.id - a.id), ...this.engine.resolved().reverse()];
  }

  /** Looks at every condition now. */
  evaluate(): AlertChanges {
    const { config, topology, view, facts, controller, clock } = this.deps;
    const c = config();
    const now = clock.now();
    const staleMs = c.settings.pollInterval * c.settings.staleAfterPolls;
    const stuck = pollsStale(this.lastFactAt, this.startedAt, c.pdus.length + c.nodes.length, now, staleMs);
    const frozen = controller.frozenDomains();
    const found = conditions({
      topology: topology(), view: view(), facts, now, staleMs, rules: resolveRules(c.settings.alerts), frozen,
      blocked: controller.allBlocked(), failingBackends: controller.failingBackends(), pollsStale: stuck?.message ?? null,
      active: (key) => this.engine.isActive(key), capacity: this.deps.capacity,
    });
    const maintenance = this.deps.maintenance;
    const changes = this.engine.update(found, now, {
      frozen, silences: this.deps.store.silences(), ...(maintenance ? { maintenance: (labels) => maintenance.muting(labels, now) } : {}),
    }, !this.warm(c, now, staleMs));
    const paged = this.page(changes);
    this.deps.store.putAlerts([...new Set([...changes.changed, ...paged])]);
    // One event per story: the alerts grouped under another are counted in its event, not each told.
    const under = (a: Alert) => [...this.engine.current(), ...changes.resolved].filter((x) => x.group === a.key).length;
    const grouped = (n: number) => (n > 0 ? ` (+${n} grouped)` : '');
    for (const a of changes.fired) {
      if (a.group !== null) continue;
      this.deps.events.add({ type: 'alert', severity: a.muted ? 'info' : a.severity, subject: a.subject.name, message: `${a.rule}: ${a.summary}${grouped(under(a))}${a.muted ? ` (muted: ${a.muted.why})` : ''}` });
    }
    for (const a of changes.resolved) {
      if (a.group !== null) continue;
      this.deps.events.add({ type: 'alert-resolved', severity: 'info', subject: a.subject.name, message: `${a.rule} resolved after ${spokenDuration(a.resolvedAt! - (a.firedAt ?? a.since))}: ${a.summary}${grouped(under(a))}` });
    }
    if (changes.changed.length > 0) for (const fn of this.listeners) fn(changes);
    if (now - this.lastRefreshAt >= ALERTMANAGER_REFRESH_MS) this.refreshAlertmanagers(now);
    return changes;
  }

  /**
   * Acknowledges an active alert: recorded with its audit entry (or refused, changing nothing),
   * muted from then on, and the receivers it paged are told. Null when no such alert is active.
   */
  acknowledge(id: number, by: string, reason: string): Alert | null {
    const now = this.deps.clock.now();
    const current = this.engine.current().find((a) => a.id === id);
    if (!current) return null;
    const ack = { by, reason, at: now };
    this.deps.store.acknowledgeByOperator({ ...current, acknowledged: ack }, { time: now, who: by, action: 'acknowledge', pool: current.labels.pool ?? null, node: current.subject.name, why: reason });
    const a = this.engine.acknowledge(id, ack)!;
    if (a.paged?.length) {
      const story = stories(this.engine.current()).find((s) => s.key === a.key) ?? { key: a.key, root: a, members: [], severity: a.severity };
      const text = storyText(story, this.storyContext());
      for (const name of a.paged) this.outbox.enqueue(name, `${a.id}:acknowledge`, 'acknowledge', story, text);
    }
    this.evaluate(); // muted now, as the caller is told
    return a;
  }

  /** Silences what matches until `until`; recorded with its audit entry, or refused. */
  silence(match: Silence['match'], until: number, by: string, reason: string): Silence {
    const now = this.deps.clock.now();
    const silence: Silence = { id: Math.max(0, ...this.deps.store.silences().map((s) => s.id)) + 1, match, until, by, reason, created: now };
    const what = Object.entries(match).map(([k, v]) => `${k}=${v}`).join(' ');
    this.deps.store.silenceByOperator(silence, { time: now, who: by, action: 'silence', pool: match.pool ?? null, node: match.node ?? match.subject ?? null, why: `${what} until ${new Date(until).toISOString()}: ${reason}` });
    this.evaluate();
    return silence;
  }

  /** Ends a silence; false when there was none with that id. */
  unsilence(id: number, by: string, reason: string): boolean {
    const ok = this.deps.store.unsilenceByOperator(id, { time: this.deps.clock.now(), who: by, action: 'unsilence', pool: null, node: null, why: `silence ${id}: ${reason}` });
    if (ok) this.evaluate();
    return ok;
  }

  silences(): Silence[] {
    return this.deps.store.silences();
  }

  /** The maintenance windows, in force first. */
  maintenance(): MaintenanceView[] {
    return this.deps.maintenance?.list() ?? [];
  }

  /**
   * Alertmanager forgets a firing alert it does not hear of again (its `endsAt` passes): the firing
   * stories it was paged are sent again every minute, as Prometheus does. Best effort: a missed
   * refresh is mended by the next; the trigger and the resolve themselves go through the outbox.
   */
  private refreshAlertmanagers(now: number): void {
    this.lastRefreshAt = now;
    const receivers = this.deps.config().settings.alerts.receivers.filter((r) => r.type === 'alertmanager');
    if (receivers.length === 0) return;
    const ctx = this.storyContext();
    const firing = stories(this.engine.current()).filter((s) => s.root.state === 'firing' && !s.root.muted);
    for (const r of receivers) {
      const mine = firing.filter((s) => s.root.paged?.includes(r.name));
      if (mine.length === 0) continue;
      const url = alertmanagerUrl(r.url);
      const body = JSON.stringify(mine.map((s) => alertmanagerAlert('trigger', s, storyText(s, ctx), now)));
      void post(url, { 'Content-Type': 'application/json', 'User-Agent': 'breakerbox' }, body, r.timeout, this.deps.clock).then((res) => {
        if (!res.ok) this.deps.log.warn({ receiver: r.name, err: res.what }, 'alertmanager refresh failed; the next one tries again');
      });
    }
  }

  /** Pages for the stories that need one; returns the alerts whose `paged` changed. */
  private page(changes: AlertChanges): Alert[] {
    const receivers = this.deps.config().settings.alerts.receivers;
    if (receivers.length === 0) return [];
    const told = (a: Alert) => receivers.filter((r) => SEVERITY_RANK[a.severity] >= SEVERITY_RANK[r.minSeverity] && inPlace(r.scope ?? {}, a.labels));
    const now = this.deps.clock.now();
    const all = stories([...this.engine.current(), ...changes.resolved]);
    const byKey = new Map(all.map((s) => [s.key, s]));
    const ctx = this.storyContext();
    const out: Alert[] = [];
    // A root firing and not muted is paged once per receiver: at its firing, or when it stops being
    // muted, or when a receiver is added while it fires.
    for (const story of all) {
      const a = story.root;
      if (a.state !== 'firing') continue;
      // A fresh story waits a moment, so its page carries what the drain did and the alerts that join it.
      const waited = now - (a.firedAt ?? now);
      if (waited < GROUP_WAIT_MS) {
        this.schedule(GROUP_WAIT_MS - waited);
        continue;
      }
      const joined = joinedFaults(story).filter((m) => m.state === 'firing');
      if (!a.muted) {
        const mine = told({ ...a, severity: story.severity });
        const to = mine.filter((r) => !a.paged?.includes(r.name));
        // Still firing, not acknowledged (acknowledged ones are muted): again after each receiver's repeat interval.
        const again = mine.filter((r) => r.repeat && a.paged?.includes(r.name) && now - (a.pagedAt?.[r.name] ?? a.firedAt ?? now) >= r.repeat);
        if (to.length > 0 || again.length > 0) {
          const text = storyText(story, ctx);
          for (const r of to) this.outbox.enqueue(r.name, `${a.id}:trigger`, 'trigger', story, text);
          for (const r of again) this.outbox.enqueue(r.name, `${a.id}:repeat:${now}`, 'trigger', story, text);
          paged(a, [...to, ...again].map((r) => r.name), now);
          // The faults already in the story were told with it.
          for (const m of joined) paged(m, to.map((r) => r.name), now);
          out.push(a, ...joined);
        }
      }
      // A fault that joined the event later is news: the story, as it is now, goes to whoever that
      // fault alone would have gone to (its own place's receivers too), even if the rest was acknowledged.
      for (const m of joined) {
        if (m.muted) continue;
        const since = now - (m.firedAt ?? now);
        if (since < GROUP_WAIT_MS) {
          this.schedule(GROUP_WAIT_MS - since);
          continue;
        }
        const to = told(m).filter((r) => !m.paged?.includes(r.name));
        if (to.length === 0) continue;
        const text = storyText(story, ctx);
        for (const r of to) this.outbox.enqueue(r.name, `${a.id}:joined:${m.id}`, 'trigger', story, text);
        paged(m, to.map((r) => r.name), now);
        out.push(m);
      }
    }
    for (const a of changes.resolved) {
      if (!a.paged?.length) continue;
      // What resolved, with what resolved with it: faults still firing are told apart, when they end.
      const whole = byKey.get(a.key);
      const story = whole ? { ...whole, members: whole.members.filter((m) => m.state === 'resolved') } : { key: a.key, root: a, members: [], severity: a.severity };
      const text = storyText(story, ctx);
      for (const name of a.paged) this.outbox.enqueue(name, `${a.id}:resolve`, 'resolve', story, text);
    }
    for (const a of changes.flapping) {
      const story = byKey.get(a.key);
      if (!story) continue;
      const text = storyText(story, ctx);
      for (const r of told(a)) this.outbox.enqueue(r.name, `${a.id}:flapping`, 'flapping', story, text);
    }
    return out;
  }

  private storyContext(): StoryContext {
    const topology = this.deps.topology();
    const drains = this.deps.store.drains().filter((d) => !d.shadow);
    const holds = this.deps.store.holds().filter((h) => h.mode === 'out');
    const wall = this.deps.config().settings.alerts.wallUrl ?? null;
    return {
      poolsOf: (node) => topology.poolsOfNode(node),
      pool: (name) => {
        const pool = topology.pools.get(name);
        if (!pool) return null;
        const drained = drains.filter((d) => d.pool === name).length;
        const held = holds.filter((h) => h.pool === name).length;
        return { members: pool.members.length, active: pool.members.length - drained - held, drained };
      },
      servicesOf: (pool) => topology.config.services.filter((s) => s.pools.includes(pool)).map((s) => s.name),
      blocked: (pool) => this.deps.controller.blockedIn(pool).map((b) => `${b.rule}: ${b.message}`),
      link: (labels) => {
        if (!wall) return null;
        const url = new URL(wall);
        if (labels.rack) url.searchParams.set('rack', labels.rack);
        else if (labels.row) url.searchParams.set('row', labels.row);
        return url.href;
      },
    };
  }

  private schedule(inMs: number): void {
    if (this.stopped) return;
    const at = this.deps.clock.now() + inMs;
    if (this.timer && this.timerAt <= at) return;
    this.timer?.cancel();
    this.timerAt = at;
    this.timer = this.deps.clock.setTimeout(() => {
      this.timer = null;
      this.timerAt = Infinity;
      try {
        this.evaluate();
      } catch (err) {
        this.deps.log.error({ err: (err as Error).message }, 'alert evaluation failed');
      }
      this.schedule(EVERY_MS);
    }, inMs);
  }
}
