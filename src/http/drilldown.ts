// What a drill-down shows of one thing (GET /api/pdus/NAME, /api/nodes/NAME, /api/pools/NAME,
// /api/services/NAME): the thing as its list shows it, plus where it stands, what it is tied to (a
// PSU's outlet and breaker, a node's pools with their drain records and holds), a pool's room under
// its safety rules, and its recent events. Outside checks read these shapes: add fields, never rename.
import type { PoolConfig } from '../config/schema.js';
import type { AuditEntry, DrainStore } from '../drain/drain-store.js';
import { mentions } from '../events/mentions.js';
import type { BreakerState, OnOff } from '../model.js';
import type { ApiEvent, ApiMember, ApiNode, ApiPdu, ApiPool, ApiPsu, ApiService } from './api-types.js';
import { nodeView, pduView, poolsView, serviceView, type ReadModel } from './snapshot.js';

/** A pool's room to drain under its safety rules (src/drain/safety-rules.ts), counted from its members now. */
export interface ApiPoolCapacity {
  total: number;
  /** In rotation: neither drained nor held out. */
  active: number;
  /** In rotation with normal power: serving at full strength. */
  healthy: number;
  drained: number;
  held: number;
  /** Rule min-healthy: never fewer than this many in rotation. */
  floor: number;
  /** Rule max-drained-fraction: never more than this many drained at once. */
  cap: number;
  /** How many more Breakerbox may drain now before one of those two rules blocks it. */
  room: number;
}

/** A PSU with the outlet it is plugged into, that outlet's bank and breaker, and its PDU, as last read. */
export interface ApiPsuDetail extends ApiPsu {
  /** 1-based, in the order the config lists them. */
  psu: number;
  pduFeed: string | null;
  pduRack: string | null;
  pduReachable: boolean | null;
  outletState: OnOff;
  outletCurrent: number | null;
  bank: number | null;
  breaker: BreakerState;
}

/** Breakerbox's drain record of a member: why, since when, and the chain cause → impact → action. */
export interface ApiDrainRecord {
  reason: string;
  since: number;
  by: string;
  shadow: boolean;
  chain: { cause: string; impact: string; action: string };
  maintenance: string | null;
}

export interface ApiHold { mode: 'out' | 'in'; reason: string; by: string; since: number }

export interface ApiAuditEntry { id: number; time: number; who: string; action: string; pool: string | null; node: string | null; why: string }

/** A node in one pool: its member state and why, the drain record or hold behind it, the pool's room. */
export interface ApiMembership {
  pool: string;
  member: ApiMember;
  record: ApiDrainRecord | null;
  hold: ApiHold | null;
  shadow: boolean;
  capacity: ApiPoolCapacity;
  /** The pool is no longer configured; Breakerbox keeps its drain record. */
  removed?: boolean;
}

export interface ApiNodeDetail extends ApiNode {
  site: string | null;
  row: string | null;
  psus: ApiPsuDetail[];
  memberships: ApiMembership[];
  /** Events about it (by subject, by name, or within a range of names), oldest first. */
  events: ApiEvent[];
  /** Operators' actions on it, newest first. */
  audit: ApiAuditEntry[];
}

export interface ApiPduDetail extends ApiPdu {
  site: string | null;
  row: string | null;
  /** The UPS that feeds it (config `upstream`). */
  upstream: string | null;
  /** For a UPS: the PDUs it feeds. */
  feedsPdus: string[];
  /** Each node with a PSU on it: its power now, which outlets, and how many PSUs it has in all. */
  nodes: { name: string; power: string; reachable: boolean | null; outlets: number[]; psus: number }[];
  events: ApiEvent[];
}

export interface ApiPoolDetail extends ApiPool {
  services: string[];
  /** The backend's kind (file, haproxy, webhook); its settings stay private. */
  backend: string | null;
  policy: { on: string[]; debounceMs: number; maxDrainsPerMinute: number; minHealthy: { count: number; fraction: number } } | null;
  capacity: ApiPoolCapacity;
  events: ApiEvent[];
  audit: ApiAuditEntry[];
}

export interface ApiServiceDetail extends ApiService {
  /** Each of its pools' room, in the order the service lists them (a pool not configured is left out). */
  capacity: (ApiPoolCapacity & { pool: string })[];
  events: ApiEvent[];
}

/** How many events a drill-down shows, and how far back in the live journal it looks for them. */
const EVENTS_SHOWN = 50;
const EVENTS_SCANNED = 25_000;
const AUDIT_SHOWN = 20;

/** The latest events that pass `about`, oldest first. */
export function eventsAbout(rm: ReadModel, about: (e: ApiEvent) => boolean): ApiEvent[] {
  const all = rm.events.latest(EVENTS_SCANNED);
  const out: ApiEvent[] = [];
  for (let i = all.length - 1; i >= 0 && out.length < EVENTS_SHOWN; i--) if (about(all[i]!)) out.push(all[i]!);
  return out.reverse();
}

const aboutName = (name: string) => (e: ApiEvent) => e.subject === name || mentions(e.message, name);

/** Room under min-healthy and max-drained-fraction, as the rules count it; a pool no longer configured has none. */
export function poolCapacity(config: PoolConfig | undefined, pool: ApiPool): ApiPoolCapacity {
  const total = pool.members.length;
  const active = pool.members.filter((m) => m.state === 'active').length;
  const healthy = pool.members.filter((m) => m.state === 'active' && m.power === 'normal').length;
  const drained = pool.members.filter((m) => m.state === 'drained').length;
  const held = pool.members.filter((m) => m.state === 'held').length;
  if (!config) return { total, active, healthy, drained, held, floor: 0, cap: 0, room: 0 };
  const { count, fraction } = config.drain.minHealthy;
  const floor = Math.max(count, Math.ceil(fraction * config.members.length));
  const cap = Math.floor(config.drain.maxDrainedFraction * config.members.length);
  return { total, active, healthy, drained, held, floor, cap, room: Math.max(0, Math.min(active - floor, cap - drained)) };
}

function auditOf(store: DrainStore, test: (a: AuditEntry) => boolean): ApiAuditEntry[] {
  return store.auditTrail(1_000).filter(test).slice(0, AUDIT_SHOWN).map((a) => ({ id: a.id, time: a.time, who: a.who, action: a.action, pool: a.pool, node: a.node, why: a.why }));
}

function placeOf(rm: ReadModel, rack: string): { site: string | null; row: string | null } {
  const place = rm.topology().place(rack);
  return { site: place?.site ?? null, row: place?.row ?? null };
}

export function pduDetail(rm: ReadModel, name: string): ApiPduDetail | null {
  const topology = rm.topology();
  const config = topology.pdus.get(name);
  if (!config) return null;
  const view = rm.view();
  const nodes = topology.nodesFedBy(name).map((n) => ({
    name: n.name, power: view.nodes.get(n.name)?.power ?? 'unknown', reachable: view.nodes.get(n.name)?.reachable ?? null,
    outlets: n.psus.filter((p) => p.pdu === name).map((p) => p.outlet), psus: n.psus.length,
  }));
  return {
    ...pduView(rm, topology, view, config), ...placeOf(rm, config.rack),
    upstream: config.upstream ?? null, feedsPdus: topology.pdusFedFrom(name).map((p) => p.name), nodes,
    events: eventsAbout(rm, aboutName(name)),
  };
}

export function nodeDetail(rm: ReadModel, store: DrainStore, name: string): ApiNodeDetail | null {
  const topology = rm.topology();
  const config = topology.nodes.get(name);
  if (!config) return null;
  const view = rm.view();
  const node = nodeView(rm, topology, view, config);
  // Each PDU this node plugs into, built once, for its outlets' and banks' state.
  const pdus = new Map(config.psus.map((p) => p.pdu).filter((p, i, all) => all.indexOf(p) === i)
    .flatMap((p) => (topology.pdus.has(p) ? [[p, pduView(rm, topology, view, topology.pdus.get(p)!)] as const] : [])));
  const psus = config.psus.map((p, i): ApiPsuDetail => {
    const health = node.psus.find((h) => h.pdu === p.pdu && h.outlet === p.outlet);
    const pdu = pdus.get(p.pdu);
    const outlet = pdu?.outlets.find((o) => o.index === p.outlet);
    const bank = pdu?.banks.find((b) => b.index === outlet?.bank);
    return {
      psu: i + 1, pdu: p.pdu, outlet: p.outlet, feed: health?.feed ?? 'unknown', reason: health?.reason ?? 'not assessed yet',
      pduFeed: pdu?.feed ?? null, pduRack: pdu?.rack ?? null, pduReachable: pdu?.reachable ?? null,
      outletState: outlet?.state ?? 'unknown', outletCurrent: outlet?.current ?? null, bank: outlet?.bank ?? null, breaker: bank?.breaker ?? 'unknown',
    };
  });
  const memberships = poolsView(rm).flatMap((pool): ApiMembership[] => {
    const member = pool.members.find((m) => m.node === name);
    if (!member) return [];
    const record = rm.controller.records(pool.name).find((r) => r.node === name);
    const hold = rm.controller.holdsIn(pool.name).find((h) => h.node === name);
    return [{
      pool: pool.name, member, shadow: pool.shadow, capacity: poolCapacity(topology.pools.get(pool.name), pool),
      record: record ? { reason: record.reason, since: record.since, by: record.by, shadow: record.shadow, chain: record.chain, maintenance: record.maintenance ?? null } : null,
      hold: hold ? { mode: hold.mode, reason: hold.reason, by: hold.by, since: hold.since } : null,
      ...(pool.removed ? { removed: true } : {}),
    }];
  });
  return {
    ...node, ...placeOf(rm, config.rack), psus, memberships,
    events: eventsAbout(rm, aboutName(name)),
    audit: auditOf(store, (a) => a.node === name),
  };
}

export function poolDetail(rm: ReadModel, store: DrainStore, name: string): ApiPoolDetail | null {
  const pool = poolsView(rm).find((p) => p.name === name);
  if (!pool) return null;
  const config = rm.topology().pools.get(name);
  return {
    ...pool,
    services: rm.config().services.filter((s) => s.pools.includes(name)).map((s) => s.name),
    backend: config?.backend.type ?? null,
    policy: config ? { on: config.drain.on, debounceMs: config.drain.debounce, maxDrainsPerMinute: config.drain.maxDrainsPerMinute, minHealthy: config.drain.minHealthy } : null,
    capacity: poolCapacity(config, pool),
    events: eventsAbout(rm, (e) => e.subject === name),
    audit: auditOf(store, (a) => a.pool === name),
  };
}

export function serviceDetail(rm: ReadModel, name: string): ApiServiceDetail | null {
  const service = rm.config().services.find((s) => s.name === name);
  if (!service) return null;
  const pools = new Map(poolsView(rm).map((p) => [p.name, p]));
  const topology = rm.topology();
  return {
    ...serviceView(service, pools),
    capacity: service.pools.flatMap((p) => (pools.has(p) ? [{ pool: p, ...poolCapacity(topology.pools.get(p), pools.get(p)!) }] : [])),
    events: eventsAbout(rm, (e) => e.subject === name || service.pools.includes(e.subject)),
  };
}
