// Alerts as state: a condition becomes a pending alert, fires once it has held for its rule's `for`,
// and resolves when it no longer holds. An alert that keeps changing state is flapping. Whether an
// alert is muted, and why, is decided in one place (muteReason): the API, the wall and the pages all
// show that reason.
import type { FrozenDomain } from '../drain/mass-failure.js';
import { inPlace, type Condition, type SubjectKind } from './conditions.js';
import type { AlertSettings, Rule, RuleName } from './rules.js';

export type AlertState = 'pending' | 'firing' | 'resolved';

export interface Mute {
  kind: 'maintenance' | 'silenced' | 'acknowledged' | 'flapping' | 'inhibited';
  why: string;
  /** The silence that mutes it (so it can be ended). */
  silence?: number;
}

/** What mutes alerts besides each other: frozen domains, silences, maintenance windows. */
export interface MuteContext {
  /** The domains where the monitoring path broke (their node and PDU alerts are muted). */
  frozen?: readonly FrozenDomain[];
  /** The operators' silences (those past their end are ignored). */
  silences?: readonly Silence[];
  /** The maintenance window under way over a thing with these labels, or null. */
  maintenance?: (labels: Alert['labels']) => { name: string; end: number | null; reason: string } | null;
  now?: number;
}

/** An operator's silence: alerts matching every given field are muted until it ends. */
export interface Silence {
  id: number;
  /** Matchers: the rule, the subject's name, or a place (labels). Each given one must match. */
  match: { rule?: string; subject?: string; site?: string; row?: string; rack?: string; pdu?: string; node?: string; pool?: string };
  until: number;
  by: string;
  reason: string;
  created: number;
}

export function silenceMatches(s: Silence, a: Pick<Alert, 'rule' | 'subject' | 'labels'>): boolean {
  const { rule, subject, ...place } = s.match;
  return (rule === undefined || rule === a.rule) && (subject === undefined || subject === a.subject.name) && inPlace(place, a.labels);
}

/** A condition with a life: when it was first seen, fired, resolved, and how it is muted. */
export interface Alert extends Condition {
  id: number;
  state: AlertState;
  /** When the condition was first seen (epoch ms). */
  since: number;
  firedAt: number | null;
  resolvedAt: number | null;
  /** Set while it changes state more than the flapping setting allows. */
  flapping: boolean;
  muted: Mute | null;
  /** The key of the alert whose story this one is part of (the tripped bank of a node that lost power), or null. */
  group: string | null;
  /** The receivers its page was queued for: they get its resolve. */
  paged?: string[];
  /** Per receiver, when it was last paged about it (for the receiver's repeat interval). */
  pagedAt?: Record<string, number>;
  /** Who acknowledged it, why and when: no further notice until it resolves. */
  acknowledged?: { by: string; reason: string; at: number };
}

export interface AlertChanges {
  fired: Alert[];
  resolved: Alert[];
  /** Every alert whose record changed (state, summary, mute, flapping): what is persisted. */
  changed: Alert[];
  /** Alerts whose key started flapping with this update. */
  flapping: Alert[];
}

/**
 * Whether an alert is muted, and why: the one place that decides. In order: a maintenance window
 * over it, an operator's silence, an acknowledgement, flapping, then inhibition by another alert
 * that explains it (power lost explains unreachable; an unreachable PDU its banks; a monitoring
 * fault its domain).
 */
export function muteReason(alert: Alert, active: ReadonlyMap<string, Alert>, flappingWhy: string | null, ctx: MuteContext = {}): Mute | null {
  const { frozen = [], silences = [], now = 0 } = ctx;
  const window = ctx.maintenance?.(alert.labels);
  if (window) return { kind: 'maintenance', why: `in maintenance window ${window.name}${window.end !== null ? ` until ${new Date(window.end).toISOString()}` : ''}: ${window.reason}` };
  const silence = silences.find((s) => s.until > now && silenceMatches(s, alert));
  if (silence) return { kind: 'silenced', why: `silenced by ${silence.by} until ${new Date(silence.until).toISOString()}: ${silence.reason}`, silence: silence.id };
  if (alert.acknowledged) return { kind: 'acknowledged', why: `acknowledged by ${alert.acknowledged.by}: ${alert.acknowledged.reason}` };
  if (alert.flapping && flappingWhy) return { kind: 'flapping', why: flappingWhy };
  const on = (rule: RuleName, kind: SubjectKind, name: string) => {
    const a = active.get(`${rule}:${kind}:${name}`);
    return a && a.state !== 'resolved' ? a : null;
  };
  const pdu = alert.labels.pdu;
  switch (alert.rule) {
    case 'node-unreachable': {
      const lost = on('node-power-lost', 'node', alert.subject.name);
      if (lost) return { kind: 'inhibited', why: `${alert.subject.name} lost power (${lost.summary})` };
      break;
    }
    case 'breaker-tripped': case 'load-high': case 'ups-on-battery': case 'ups-runtime-low': case 'ats-redundancy-lost':
      if (pdu && on('pdu-unreachable', 'pdu', pdu)) return { kind: 'inhibited', why: `${pdu} does not answer: what it said last is not news` };
      break;
    default:
  }
  // Inside a frozen domain (the monitoring path broke, not the power): its one monitoring-fault alert speaks for it.
  const node = alert.subject.kind === 'node' ? alert.subject.name : null;
  const domain = frozen.find((d) => (node !== null && d.nodes.has(node)) || (alert.rule === 'pdu-unreachable' && d.pdus.includes(alert.subject.name)));
  if (domain && on('monitoring-fault', 'domain', domain.domain)) return { kind: 'inhibited', why: `monitoring fault in ${domain.domain}: drains are frozen there` };
  return null;
}

/** Alerts that stand for a cause: the alerts sharing it are grouped under them. */
const CAUSE_RULES: ReadonlySet<RuleName> = new Set(['breaker-tripped', 'ups-on-battery', 'monitoring-fault', 'pdu-unreachable']);
/** Power faults fired this close together at one site are one event: one story, one page. */
export const EVENT_WINDOW_MS = 60_000;

/**
 * Which alert each active alert's story is told under (its key), or none (it is a root):
 * - an alert sharing a cause with an alert that stands for it (a tripped bank, a dark PDU, a UPS on
 *   battery, a monitoring fault) is grouped under that one;
 * - nodes that lost power for a cause no alert stands for (an inlet without voltage, an outlet
 *   switched off) are grouped under the first of them;
 * - power faults that fired within EVENT_WINDOW_MS of the first at one site (breakers, dark PDUs,
 *   UPSes on battery, nodes without power), none muted for its place or inhibited, are grouped
 *   under that first one (acknowledging it acknowledges the event).
 */
export function groups(active: readonly Alert[], mutedOf: (a: Alert) => Mute | null): Map<Alert, string | null> {
  const out = new Map<Alert, string | null>();
  const byCause = new Map<string, string>();
  const byId = (x: Alert, y: Alert) => x.id - y.id;
  for (const a of active) if (CAUSE_RULES.has(a.rule)) for (const c of a.causes) if (!byCause.has(c)) byCause.set(c, a.key);
  const nodeLeader = new Map<string, string>();
  for (const a of [...active].sort(byId)) {
    let group = a.causes.map((c) => byCause.get(c)).find((k) => k !== undefined && k !== a.key) ?? null;
    if (group === null && (a.rule === 'node-power-lost' || a.rule === 'node-power-degraded')) {
      const cause = a.causes.find((c) => !byCause.has(c));
      if (cause !== undefined) {
        const leader = nodeLeader.get(cause);
        if (leader === undefined) nodeLeader.set(cause, a.key);
        else group = leader;
      }
    }
    out.set(a, group);
  }
  const powerFault = (a: Alert) => a.rule === 'breaker-tripped' || a.rule === 'ups-on-battery' || a.rule === 'node-power-lost'
    || (a.rule === 'pdu-unreachable' && a.causes.length > 0);
  const firstAt = new Map<string, Alert>();
  // Muted for its place (a window, a silence) or explained by another alert: it does not speak for others.
  const quiet = (a: Alert) => ['maintenance', 'silenced', 'inhibited'].includes(mutedOf(a)?.kind ?? '');
  const candidates = active.filter((a) => out.get(a) === null && a.state === 'firing' && powerFault(a) && !quiet(a))
    .sort((x, y) => x.firedAt! - y.firedAt! || x.id - y.id);
  for (const a of candidates) {
    const site = a.labels.site ?? '';
    const first = firstAt.get(site);
    if (first && a.firedAt! - first.firedAt! <= EVENT_WINDOW_MS) out.set(a, first.key);
    else firstAt.set(site, a);
  }
  return out;
}

/**
 * The alerts' lifecycle. `update` takes every condition that holds now and returns what fired,
 * resolved and changed. Resolved alerts are kept (the latest `keepResolved`) for the API.
 */
export class AlertEngine {
  private readonly active = new Map<string, Alert>();
  private readonly resolvedList: Alert[] = [];
  /** Per key, the times it fired or resolved within the flapping window. */
  private readonly flips = new Map<string, number[]>();
  /** Keys flapping now: a key that starts flapping is told once. */
  private readonly flappingKeys = new Set<string>();
  private nextId: number;

  constructor(
    private readonly rules: () => Record<RuleName, Rule>,
    private readonly flapping: () => AlertSettings['flapping'],
    restored: Alert[] = [],
    private readonly keepResolved = 1_000,
  ) {
    for (const a of restored) {
      if (a.state === 'resolved') this.resolvedList.push(a);
      else this.active.set(a.key, a);
    }
    this.resolvedList.sort((a, b) => a.id - b.id).splice(0, Math.max(0, this.resolvedList.length - keepResolved));
    this.nextId = Math.max(0, ...restored.map((a) => a.id)) + 1;
  }

  isActive(key: string): boolean {
    return this.active.has(key);
  }

  /** Pending and firing alerts. */
  current(): Alert[] {
    return [...this.active.values()];
  }

  resolved(): Alert[] {
    return [...this.resolvedList];
  }

  /** Marks an active alert acknowledged; null when there is no such active alert. */
  acknowledge(id: number, ack: NonNullable<Alert['acknowledged']>): Alert | null {
    const a = [...this.active.values()].find((x) => x.id === id);
    if (!a) return null;
    a.acknowledged = ack;
    return a;
  }

  /** `mutes`: what mutes besides other alerts; `keepAbsent`: resolve nothing (the facts are not fresh yet, as just after a start). */
  update(now: Condition[], at: number, mutes: MuteContext = {}, keepAbsent = false): AlertChanges {
    const rules = this.rules();
    const { changes: maxChanges, window } = this.flapping();
    const fired: Alert[] = [];
    const resolved: Alert[] = [];
    const changed = new Set<Alert>();
    const startedFlapping: Alert[] = [];
    const seen = new Set<string>();
    const flip = (key: string) => {
      const times = (this.flips.get(key) ?? []).filter((t) => t > at - window);
      times.push(at);
      this.flips.set(key, times);
    };

    for (const c of now) {
      seen.add(c.key);
      let a = this.active.get(c.key);
      if (!a) {
        a = { id: this.nextId++, key: c.key, rule: c.rule, severity: c.severity, subject: c.subject, labels: c.labels, summary: c.summary, causes: c.causes, state: 'pending', since: at, firedAt: null, resolvedAt: null, flapping: false, muted: null, group: null };
        this.active.set(c.key, a);
        changed.add(a);
      } else if (a.summary !== c.summary || a.severity !== c.severity || a.causes.join('\n') !== c.causes.join('\n')) {
        Object.assign(a, { summary: c.summary, severity: c.severity, causes: c.causes, labels: c.labels });
        changed.add(a);
      }
      if (a.state === 'pending' && at - a.since >= (c.forMs ?? rules[c.rule].for)) {
        a.state = 'firing';
        a.firedAt = at;
        flip(a.key);
        fired.push(a);
        changed.add(a);
      }
    }
    for (const [key, a] of this.active) {
      // Until the facts are fresh (just started), a condition not seen is not known to be gone.
      if (seen.has(key) || keepAbsent) continue;
      this.active.delete(key);
      if (a.state === 'pending') continue; // never fired: nothing to resolve
      a.state = 'resolved';
      a.resolvedAt = at;
      flip(key);
      resolved.push(a);
      changed.add(a);
      this.resolvedList.push(a);
    }
    if (this.resolvedList.length > this.keepResolved) this.resolvedList.splice(0, this.resolvedList.length - this.keepResolved);

    // Flapping, grouping and muting, over what is active now.
    for (const [key, times] of this.flips) {
      const recent = times.filter((t) => t > at - window);
      if (recent.length === 0) this.flips.delete(key);
      else if (recent.length !== times.length) this.flips.set(key, recent);
    }
    const next = new Map<Alert, { flapping: boolean; muted: Mute | null; group: string | null }>();
    for (const a of [...this.active.values(), ...resolved]) {
      const flips = this.flips.get(a.key)?.length ?? 0;
      const flapping = flips > maxChanges || (a.flapping && flips > 0);
      const muted = a.state === 'resolved' ? a.muted : muteReason({ ...a, flapping }, this.active, flapping ? `changed state ${flips} times in ${Math.round(window / 60_000)} min` : null, { ...mutes, now: at });
      next.set(a, { flapping, muted, group: null });
    }
    for (const [a, g] of groups([...this.active.values()], (a) => next.get(a)!.muted)) next.get(a)!.group = g;
    for (const a of resolved) next.get(a)!.group = a.group;
    for (const [a, { flapping, muted, group }] of next) {
      if (flapping && !this.flappingKeys.has(a.key)) startedFlapping.push(a);
      if (flapping) this.flappingKeys.add(a.key);
      if (flapping !== a.flapping || group !== a.group || JSON.stringify(muted) !== JSON.stringify(a.muted)) {
        Object.assign(a, { flapping, group, muted });
        changed.add(a);
      }
    }
    for (const key of this.flappingKeys) if (!this.flips.has(key)) this.flappingKeys.delete(key);
    return { fired, resolved, changed: [...changed], flapping: startedFlapping };
  }
}
