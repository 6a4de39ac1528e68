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
import { AlertEngine, type Alert, type AlertChanges } from './alert-engine.js';
import { conditions } from './conditions.js';
import { resolveRules } from './rules.js';

/** Changes gather this long before the conditions are looked at again. */
const SETTLE_MS = 250;
/** What only time changes is looked at this often. */
const EVERY_MS = 5_000;

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
}

export class AlertService {
  private readonly engine: AlertEngine;
  private timer: { cancel(): void } | null = null;
  private timerAt = Infinity;
  private lastFactAt: number;
  private stopped = false;
  private readonly listeners: ((changes: AlertChanges) => void)[] = [];

  constructor(private readonly deps: AlertServiceDeps) {
    const settings = () => deps.config().settings.alerts;
    this.engine = new AlertEngine(() => resolveRules(settings()), () => settings().flapping, deps.store.alerts());
    this.lastFactAt = deps.clock.now();
  }

  start(): void {
    this.schedule(0);
  }

  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
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
    const devices = c.pdus.length + c.nodes.length;
    const silentMs = now - this.lastFactAt;
    const pollsStale = devices > 0 && silentMs > staleMs
      ? `no poll of any of the ${devices} devices recorded for ${Math.round(silentMs / 1000)} s: Breakerbox's own polling is stuck, and everything it shows is stale`
      : null;
    const frozen = controller.frozenDomains();
    const found = conditions({
      topology: topology(), view: view(), facts, now, staleMs, rules: resolveRules(c.settings.alerts), frozen,
      blocked: controller.allBlocked(), failingBackends: controller.failingBackends(), pollsStale,
      active: (key) => this.engine.isActive(key),
    });
    const changes = this.engine.update(found, now, frozen);
    this.deps.store.putAlerts(changes.changed);
    for (const a of changes.fired) {
      this.deps.events.add({ type: 'alert', severity: a.muted ? 'info' : a.severity, subject: a.subject.name, message: `${a.rule}: ${a.summary}${a.muted ? ` (muted: ${a.muted.why})` : ''}` });
    }
    for (const a of changes.resolved) {
      this.deps.events.add({ type: 'alert-resolved', severity: 'info', subject: a.subject.name, message: `${a.rule} resolved after ${duration(a.resolvedAt! - (a.firedAt ?? a.since))}: ${a.summary}` });
    }
    if (changes.changed.length > 0) for (const fn of this.listeners) fn(changes);
    return changes;
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

function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 120 ? `${s} s` : s < 7_200 ? `${Math.round(s / 60)} min` : `${(s / 3_600).toFixed(1)} h`;
}
