// What is wrong right now, per rule: a pure function of the topology, the facts, the power view and
// the drain controller's state. Each condition names its thing, its place in the site (labels from
// the topology, never maintained by hand) and the causes it shares with others, which is how alerts
// of one cause are grouped (a tripped bank and the nodes it took down).
import type { Blocked } from '../drain/safety-rules.js';
import type { FrozenDomain } from '../drain/mass-failure.js';
import { darkCause, type Facts, type PowerView } from '../health/power-health.js';
import type { Topology } from '../health/topology.js';
import type { DeviceReading } from '../model.js';
import type { Finding } from '../capacity/audit.js';
import type { PartHeadroom } from '../capacity/headroom.js';
import type { Rule, RuleName, Severity } from './rules.js';

export type SubjectKind = 'pdu' | 'bank' | 'phase' | 'inlet' | 'ups' | 'ats' | 'node' | 'pool' | 'service' | 'domain' | 'breakerbox';

/** Where a thing is, from the topology: what routing, grouping and the wall's scopes go by. */
export interface Labels {
  site?: string;
  row?: string;
  rack?: string;
  pdu?: string;
  node?: string;
  pool?: string;
}

/** Whether `labels` are in `place`: every field `place` gives matches (none given: anywhere). */
export function inPlace(place: Readonly<Labels>, labels: Readonly<Labels>): boolean {
  return Object.entries(place).every(([k, v]) => v === undefined || labels[k as keyof Labels] === v);
}

/** "45 s", "12 min", "3.5 h". */
export function spokenDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 120 ? `${s} s` : s < 7_200 ? `${Math.round(s / 60)} min` : `${(s / 3_600).toFixed(1)} h`;
}

export interface Condition {
  /** rule + thing: one alert per key. */
  key: string;
  rule: RuleName;
  severity: Severity;
  subject: { kind: SubjectKind; name: string };
  labels: Labels;
  summary: string;
  /** The causes this condition follows from ("bank 1 breaker tripped on r01-b"): alerts sharing one are one story. */
  causes: string[];
  /** How long it must hold before it fires, when not its rule's `for`. */
  forMs?: number;
}

export interface ConditionInput {
  topology: Topology;
  view: PowerView;
  facts: Facts;
  now: number;
  /** Facts older than this are not looked at (their device's own alert says so). */
  staleMs: number;
  rules: Record<RuleName, Rule>;
  frozen: readonly FrozenDomain[];
  /** Per pool, the drains a safety rule refused. */
  blocked: ReadonlyMap<string, readonly Blocked[]>;
  /** Pools whose backend cannot be updated, with why. */
  failingBackends: ReadonlyMap<string, string>;
  /** Why Breakerbox's own polls are stale, or null when they keep up. */
  pollsStale: string | null;
  /** Whether an alert is active now (pending or firing): a threshold clears only past its clear level. */
  active: (key: string) => boolean;
  /** N-1 headroom and single points of failure (src/capacity/), asked for only when their rule is enabled. */
  capacity?: { headroom(): readonly PartHeadroom[]; audit(): readonly Finding[] };
}

/** Every condition that holds now, for enabled rules. */
export function conditions(input: ConditionInput): Condition[] {
  const { topology, view, facts, now, staleMs, rules } = input;
  const where = locations(topology);
  const out: Condition[] = [];
  const add = (rule: RuleName, subject: Condition['subject'], labels: Labels, summary: string, causes: string[] = [], severity?: Severity, forMs?: number) => {
    if (!rules[rule].enabled) return;
    out.push({ key: `${rule}:${subject.kind}:${subject.name}`, rule, severity: severity ?? rules[rule].severity, subject, labels, summary, causes, ...(forMs !== undefined ? { forMs } : {}) });
  };
  const nodeLabels = (node: string): Labels => {
    const rack = topology.nodes.get(node)?.rack;
    return { ...where.get(rack ?? ''), ...(rack ? { rack } : {}), node };
  };
  const pduLabels = (pdu: string): Labels => {
    const rack = topology.pdus.get(pdu)?.rack;
    return { ...where.get(rack ?? ''), ...(rack ? { rack } : {}), pdu };
  };

  for (const [name, h] of view.nodes) {
    const causes = [...new Set(h.psus.flatMap((p) => (p.feed === 'down' && p.cause ? [p.cause] : [])))].sort();
    if (h.power === 'lost') add('node-power-lost', { kind: 'node', name }, nodeLabels(name), `${name} lost power: ${h.reason}`, causes);
    else if (h.power === 'degraded') add('node-power-degraded', { kind: 'node', name }, nodeLabels(name), `${name} runs on one feed: ${h.reason}`, causes);
    if (h.reachable === false) add('node-unreachable', { kind: 'node', name }, nodeLabels(name), `${name} does not answer`);
  }

  for (const [name, h] of view.pdus) {
    if (h.reachable === false) {
      const fed = topology.nodesFedBy(name).length;
      add('pdu-unreachable', { kind: 'pdu', name }, pduLabels(name),
        h.dark ? `${name} does not answer, nor do the ${fed} nodes it feeds alone: it has most likely lost power` : `${name} does not answer (its management card or network; the power it gives is unknown)`,
        h.dark ? [darkCause(name)] : [], undefined,
        // Dark, its nodes silent too: a power loss, told as soon as one would be (not after a management card's patience).
        h.dark ? Math.min(rules['pdu-unreachable'].for, rules['node-power-lost'].for) : undefined);
    }
    const f = facts.pdu(name);
    const reading = f?.reachable && f.reading && f.lastPollAt !== null && now - f.lastPollAt <= staleMs ? f.reading : null;
    if (reading) deviceConditions(name, reading, pduLabels(name), input, add);
  }

  for (const d of input.frozen) {
    add('monitoring-fault', { kind: 'domain', name: d.domain }, {}, `${d.message}`, [`monitoring fault in ${d.domain}`]);
  }
  for (const [pool, blocked] of input.blocked) {
    for (const b of blocked) {
      add('drain-blocked', { kind: 'pool', name: `${pool} ${b.rule}` }, { pool }, `drain of ${b.nodes.length} in pool ${pool} blocked by rule ${b.rule}: ${b.message}`);
    }
  }
  for (const [pool, why] of input.failingBackends) add('backend-failing', { kind: 'pool', name: pool }, { pool }, `the backend of pool ${pool} cannot be updated: ${why}`);
  if (input.pollsStale) add('polls-stale', { kind: 'breakerbox', name: 'polls' }, {}, input.pollsStale);
  if (input.capacity && rules['headroom-low'].enabled) {
    for (const p of input.capacity.headroom()) {
      if (p.state !== 'warning' && p.state !== 'critical') continue;
      const name = `${p.pdu} ${p.part} ${p.index}`;
      add('headroom-low', { kind: p.part, name }, pduLabels(p.pdu), `N-1: ${name} ${p.reason}`, [], p.state === 'critical' ? 'critical' : undefined);
    }
  }
  if (input.capacity && rules['single-point-of-failure'].enabled) {
    for (const f of input.capacity.audit()) {
      const subject = f.subject.kind === 'node' ? nodeLabels(f.subject.name) : f.subject.kind === 'ats' ? pduLabels(f.subject.name) : f.subject.kind === 'pool' ? { pool: f.subject.name } : {};
      add('single-point-of-failure', { kind: f.subject.kind, name: `${f.subject.name} ${f.kind}` }, subject, f.message);
    }
  }
  return out;
}

type Add = (rule: RuleName, subject: Condition['subject'], labels: Labels, summary: string, causes?: string[], severity?: Severity) => void;

function deviceConditions(pdu: string, reading: DeviceReading, labels: Labels, input: ConditionInput, add: Add): void {
  const { topology, rules } = input;
  const config = topology.pdus.get(pdu);
  for (const bank of reading.banks) {
    const name = `${pdu} bank ${bank.index}`;
    if (bank.breaker === 'tripped') {
      const cause = `bank ${bank.index} breaker tripped on ${pdu}`;
      const fed = topology.nodesFedBy(pdu).filter((n) => n.psus.some((p) => p.pdu === pdu && config && bankOf(reading, p.outlet, () => topology.configuredBank(config, p.outlet)) === bank.index));
      add('breaker-tripped', { kind: 'bank', name }, labels, `${cause}: ${fed.length} node${fed.length === 1 ? '' : 's'} behind it`, [cause]);
    }
    const amps = bank.current.quality === 'ok' ? bank.current.value : null;
    const rating = bank.rating.quality === 'ok' ? bank.rating.value : null;
    if (amps !== null && rating) {
      const pct = (100 * amps) / rating;
      const rule = rules['load-high'];
      const key = `load-high:bank:${name}`;
      if (pct >= rule.threshold! || (input.active(key) && pct > rule.clear!)) {
        add('load-high', { kind: 'bank', name }, labels, `${name} at ${pct.toFixed(0)}% of its ${rating} A rating (${amps.toFixed(1)} A)`, [], pct >= 100 ? 'critical' : undefined);
      }
    } else if (bank.loadState === 'near-overload' || bank.loadState === 'overload') {
      add('load-high', { kind: 'bank', name }, labels, `${name} reports ${bank.loadState}`, [], bank.loadState === 'overload' ? 'critical' : undefined);
    }
  }
  // Phases and inlets carry no rating in most MIBs: the device's own verdict on its thresholds.
  for (const [kind, parts] of [['phase', reading.phases], ['inlet', reading.inlets]] as const) {
    for (const p of parts) {
      if (p.loadState !== 'near-overload' && p.loadState !== 'overload') continue;
      const name = `${pdu} ${kind} ${p.index}`;
      add('load-high', { kind, name }, labels, `${name} reports ${p.loadState}${p.current.quality === 'ok' ? ` (${p.current.value} A)` : ''}`, [], p.loadState === 'overload' ? 'critical' : undefined);
    }
  }
  const ups = reading.ups;
  if (ups) {
    const onBattery = ups.source === 'battery';
    if (onBattery) add('ups-on-battery', { kind: 'ups', name: pdu }, labels, `${pdu} is on battery${ups.runtime.quality === 'ok' ? `, ${spokenDuration(ups.runtime.value! * 1000)} left` : ''}`, [`${pdu} on battery`]);
    const rule = rules['ups-runtime-low'];
    const key = `ups-runtime-low:ups:${pdu}`;
    const left = ups.runtime.quality === 'ok' ? ups.runtime.value : null;
    if (left !== null && (left < rule.threshold! || (input.active(key) && left < rule.clear!))) {
      add('ups-runtime-low', { kind: 'ups', name: pdu }, labels, `${pdu} has ${spokenDuration(left * 1000)} of runtime left${onBattery ? ' on battery' : ''}`, onBattery ? [`${pdu} on battery`] : []);
    }
  }
  if (reading.ats?.redundancy === 'lost') {
    add('ats-redundancy-lost', { kind: 'ats', name: pdu }, labels, `${pdu} lost its redundant source (active: ${reading.ats.activeSource})`);
  }
}

function bankOf(reading: DeviceReading, outlet: number, configured: () => number): number {
  return reading.outlets.find((o) => o.index === outlet)?.bank ?? configured();
}


const locationCache = new WeakMap<Topology, Map<string, Labels>>();

/** Each rack's site and row, from the config's sites. */
function locations(topology: Topology): Map<string, Labels> {
  let m = locationCache.get(topology);
  if (m) return m;
  m = new Map();
  for (const site of topology.config.sites) for (const row of site.rows) for (const rack of row.racks) m.set(rack, { site: site.name, row: row.name });
  locationCache.set(topology, m);
  return m;
}
