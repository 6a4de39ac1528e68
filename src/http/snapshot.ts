import { createHash } from 'node:crypto';
import type { ClusterHealth } from '../cluster/cluster-health.js';
import type { Config, NodeConfig, PduConfig, PoolConfig, ServiceConfig } from '../config/schema.js';
import type { DrainController } from '../drain/drain-controller.js';
import type { EventLog } from '../events/event-log.js';
import type { PowerView } from '../health/power-health.js';
import type { Topology } from '../health/topology.js';
import type { Measure } from '../model.js';
import type { Reloader } from '../reload/reloader.js';
import type { StateStore } from '../state/state-store.js';
import type { ApiLoad, ApiMember, ApiNode, ApiProblem, ApiPdu, ApiPool, ApiReloadInfo, ApiService, ApiSite, ApiSnapshot, ApiTopology, ApiWallSnapshot } from './api-types.js';

/** What the read side of the API needs; the composition root provides it. */
export interface ReadModel {
  config(): Config;
  topology(): Topology;
  view(): PowerView;
  store: StateStore;
  controller: DrainController;
  events: EventLog;
  reloader: Reloader;
  now(): number;
  simFaults(): { enabled: boolean; faults: { id: string; spec: Record<string, unknown>; since: number }[] };
  /** Faults of Breakerbox itself (a database it cannot write): health is degraded while any is listed. */
  problems(): ApiProblem[];
  /** What Breakerbox itself costs and how its polls keep up. */
  load(): ApiLoad;
  /** This process's place in a cluster (absent: one process on its own). */
  cluster?(): ClusterHealth;
}

export function healthView(rm: ReadModel): ApiSnapshot['health'] {
  const problems = rm.problems();
  return { status: problems.length > 0 ? 'degraded' : 'ok', problems };
}

const value = (m: Measure): number | null => (m.quality === 'ok' ? m.value : null);

export function pdusView(rm: ReadModel): ApiPdu[] {
  const topology = rm.topology();
  const view = rm.view();
  return rm.config().pdus.map((pdu) => pduView(rm, topology, view, pdu));
}

/** One PDU (or UPS, or ATS) as the API and the wall show it. */
export function pduView(rm: ReadModel, topology: Topology, view: PowerView, pdu: PduConfig): ApiPdu {
  const facts = rm.store.pdu(pdu.name);
  const health = view.pdus.get(pdu.name);
  const reading = facts?.reading ?? null;
  // Only a fresh, answered read speaks for now; older numbers are not shown as current.
  const live = health?.reachable === true ? reading : null;
  const v = (m: Measure) => (live ? value(m) : null);
  // A device no profile reads (kind unknown) says nothing of its outlets and banks: the configured ones are drawn, unknown.
  const layout = reading?.kind === 'unknown' ? null : reading;
  const outlets = layout?.outlets.map((o) => o.index) ?? range(pdu.outlets);
  const outletAt = byIndex(reading?.outlets);
  const liveOutletAt = byIndex(live?.outlets);
  const liveBankAt = byIndex(live?.banks);
  const bankAt = byIndex(reading?.banks);
  const banks = layout?.banks.map((b) => b.index) ?? range(pdu.banks);
  return {
    name: pdu.name,
    kind: reading?.kind ?? null,
    rack: pdu.rack,
    feed: pdu.feed ?? null,
    address: pdu.address,
    vendor: reading?.identity.vendor ?? null,
    model: reading?.identity.model ?? null,
    serial: reading?.identity.serial ?? null,
    firmware: reading?.identity.firmware ?? null,
    profile: reading?.profile ?? null,
    sysObjectId: reading?.sysObjectId ?? null,
    upSince: live ? upSince(facts?.lastOkAt ?? null, value(live.upTime)) : null,
    reachable: health?.reachable ?? null,
    dark: health?.dark ?? false,
    misbehaving: misbehavingOf(rm.store.misbehaving('pdu', pdu.name)),
    lastPollAt: facts?.lastPollAt ?? null,
    lastOkAt: facts?.lastOkAt ?? null,
    error: facts?.error ?? null,
    configured: { outlets: pdu.outlets, banks: pdu.banks, phases: pdu.phases },
    power: live ? value(live.power) : null,
    badValues: reading?.badValues ?? 0,
    loadState: live ? live.loadState : null,
    inlets: (reading?.inlets ?? []).map((i) => ({ index: i.index, name: i.name, voltage: v(i.voltage), current: v(i.current), power: v(i.power), energy: v(i.energy), frequency: v(i.frequency) })),
    sensors: (reading?.sensors ?? []).map((x) => ({ index: x.index, kind: x.kind, name: x.name, value: v(x.value) })),
    ups: live?.ups ? flatten(live.ups) : null,
    ats: live?.ats ? flatten(live.ats) : null,
    phases: (reading?.phases ?? []).map((p) => ({ index: p.index, current: v(p.current), voltage: v(p.voltage), power: v(p.power) })),
    bypass: (reading?.bypass ?? []).map((b) => ({ index: b.index, name: b.name, voltage: v(b.voltage), current: v(b.current), power: v(b.power), frequency: v(b.frequency) })),
    banks: banks.map((index) => {
      const b = liveBankAt.get(index);
      const known = bankAt.get(index);
      return { index, breaker: b?.breaker ?? 'unknown', breakerInferred: b?.breakerInferred ?? false, current: b ? value(b.current) : null, rating: known ? value(known.rating) : null };
    }),
    outlets: outlets.map((index) => {
      const o = outletAt.get(index);
      const now = liveOutletAt.get(index);
      return {
        index, name: o?.name ?? null, state: now?.state ?? 'unknown',
        bank: o?.bank ?? topology.configuredBank(pdu, index),
        current: now ? value(now.current) : null, power: now ? value(now.power) : null,
        feeds: topology.outletFeeds(pdu.name, index),
      };
    }),
  };
}

/**
 * The agent's start, to the minute: stable from poll to poll (an uptime would change at every one and send every
 * PDU to every wall each time); a reboot moves it.
 */
function upSince(at: number | null, upSeconds: number | null): number | null {
  return at === null || upSeconds === null ? null : Math.round((at - upSeconds * 1000) / 60_000) * 60_000;
}

function misbehavingOf(m: { reason: string; since: number } | undefined): ApiPdu['misbehaving'] {
  return m ? { reason: m.reason, since: m.since } : null;
}

/** Measures to plain numbers (null unless trusted), words as they are. */
function flatten(section: object): Record<string, string | number | null> {
  return Object.fromEntries(Object.entries(section).map(([k, x]) => [k, typeof x === 'object' && x !== null && 'quality' in x ? value(x as Measure) : (x as string)]));
}

/** Rows by index, the first of a repeated index winning (as a search would). */
function byIndex<T extends { index: number }>(rows: readonly T[] | undefined): Map<number, T> {
  const out = new Map<number, T>();
  for (const r of rows ?? []) if (!out.has(r.index)) out.set(r.index, r);
  return out;
}
const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

export function nodesView(rm: ReadModel): ApiNode[] {
  const topology = rm.topology();
  const view = rm.view();
  return rm.config().nodes.map((node) => nodeView(rm, topology, view, node));
}

/** One server: its power, its PSUs' feeds and what it answers. */
export function nodeView(rm: ReadModel, topology: Topology, view: PowerView, node: NodeConfig): ApiNode {
  const health = view.nodes.get(node.name);
  const facts = rm.store.node(node.name);
  return {
    name: node.name,
    rack: node.rack,
    kind: node.kind,
    power: health?.power ?? 'unknown',
    reachable: health?.reachable ?? null,
    reason: health?.reason ?? 'not assessed yet',
    pools: [...topology.poolsOfNode(node.name)],
    psus: (health?.psus ?? []).map((p) => ({ pdu: p.pdu, outlet: p.outlet, feed: p.feed, reason: p.reason })),
    uptimeSeconds: facts?.reachable && facts.reading?.uptimeTicks != null ? Math.floor(facts.reading.uptimeTicks / 100) : null,
    load1: facts?.reading?.load1 ?? null,
    cpuLoad: facts?.reading?.cpuLoad ?? null,
    interfaces: facts?.reading?.interfaces ?? null,
    reachableSince: facts?.reachableSince ?? null,
    lastRebootAt: facts?.lastRebootAt ?? null,
  };
}

export function poolsView(rm: ReadModel): ApiPool[] {
  const view = rm.view();
  const configured = rm.config().pools.map((pool) => poolView(rm, view, pool));
  return [...configured, ...rm.controller.removedPools().map((name) => removedPoolView(rm, view, name))];
}

/** One pool: each member's state as the drain controller holds it, and the safety rules in force. */
export function poolView(rm: ReadModel, view: PowerView, pool: PoolConfig): ApiPool {
  const records = new Map(rm.controller.records(pool.name).map((r) => [r.node, r]));
  const holds = new Map(rm.controller.holdsIn(pool.name).map((h) => [h.node, h]));
  const decisions = new Map(rm.controller.decisionsIn(pool.name).map((d) => [d.node, d]));
  const blockedBy = rm.controller.blockedIn(pool.name);
  const blockedRule = new Map(blockedBy.flatMap((b) => b.nodes.map((n) => [n, b.rule] as const)));
  const shadow = rm.controller.isShadow(pool.name);
  const members = pool.members.map((node): ApiMember => {
    const record = records.get(node);
    const hold = holds.get(node);
    const power = view.nodes.get(node)?.power ?? 'unknown';
    const decision = decisions.get(node);
    const gate = decision ? { gate: { name: decision.gate.name, message: decision.gate.message } } : {};
    if (hold?.mode === 'out') return { node, state: 'held', reason: `held out by ${hold.by}: ${hold.reason}`, since: hold.since, power, by: hold.by, ...gate };
    if (decision?.gate.name === 'external-hold' && !record) return { node, state: 'held', reason: decision.gate.message, since: null, power, by: decision.heldBy ?? pool.backend.type, external: true, ...gate };
    if (record && !record.shadow) return { node, state: 'drained', reason: record.reason, since: record.since, power, by: record.by, ...gate };
    const health = view.nodes.get(node);
    const reason = record ? `would be drained (shadow mode): ${record.reason}`
      : hold ? `pinned in by ${hold.by}: ${hold.reason}`
        : blockedRule.has(node) ? `drain blocked by ${blockedRule.get(node)}`
          : health && health.power !== 'normal' ? health.reason : null;
    return { node, state: 'active', reason, since: record?.since ?? hold?.since ?? null, power, ...(record ? { wouldDrain: true } : {}), ...(hold ? { pinned: true, by: hold.by } : {}), ...gate };
  });
  const count = (state: string) => members.filter((m) => m.state === state).length;
  return {
    name: pool.name, members, active: count('active'), drained: count('drained'), held: count('held'), total: members.length,
    maxDrainedFraction: pool.drain.maxDrainedFraction, blocked: blockedBy[0] ?? null, blockedBy, shadow,
    wouldDrain: members.filter((m) => m.wouldDrain).length,
  };
}

/** A pool removed by a reload whose drain records are kept: shown with just those members. */
export function removedPoolView(rm: ReadModel, view: PowerView, name: string): ApiPool {
  const members = rm.controller.records(name).map((r): ApiMember => ({
    node: r.node, state: r.shadow ? 'active' : 'drained', reason: `${r.reason} (pool no longer configured: record kept)`, since: r.since,
    power: view.nodes.get(r.node)?.power ?? 'unknown', by: r.by, ...(r.shadow ? { wouldDrain: true } : {}),
  }));
  const drained = members.filter((m) => m.state === 'drained').length;
  return {
    name, members, active: members.length - drained, drained, held: 0, total: members.length, maxDrainedFraction: 0,
    blocked: null, blockedBy: [], shadow: false, wouldDrain: members.length - drained, removed: true,
  };
}

export function servicesView(rm: ReadModel, pools: ApiPool[] = poolsView(rm)): ApiService[] {
  const byName = new Map(pools.map((p) => [p.name, p]));
  return rm.config().services.map((s) => serviceView(s, byName));
}

/** A service is down when one of its pools has no powered member left in, reduced when one has any member out or degraded. */
export function serviceView(s: ServiceConfig, pools: ReadonlyMap<string, ApiPool>): ApiService {
  const mine = s.pools.flatMap((name) => pools.get(name) ?? []);
  const down = mine.some((p) => p.members.every((m) => m.state !== 'active' || m.power === 'lost'));
  const reduced = mine.some((p) => p.members.some((m) => m.state !== 'active' || m.power !== 'normal'));
  return { name: s.name, pools: s.pools, status: down ? 'down' : reduced ? 'reduced' : 'ok' };
}

export function sitesView(rm: ReadModel): ApiSite[] {
  const topology = rm.topology();
  return rm.config().sites.map((site) => ({
    name: site.name,
    rows: site.rows.map((row) => ({
      name: row.name,
      racks: row.racks.map((rack) => ({
        name: rack,
        pdus: [...topology.inRack(rack).pdus],
        nodes: [...topology.inRack(rack).nodes],
      })),
    })),
  }));
}

/** What of a wall's snapshot only a reload changes, for the named PDUs, nodes and pools (null: all), from the config alone. */
export function topologyView(topology: Topology, sites: ApiSite[], names: { pdus: ReadonlySet<string> | null; nodes: ReadonlySet<string> | null; pools: ReadonlySet<string> | null }): ApiTopology {
  const named = <T extends { name: string }>(all: ReadonlyMap<string, T>, set: ReadonlySet<string> | null) => [...all.values()].filter((x) => set === null || set.has(x.name));
  const content = {
    sites,
    pdus: named(topology.pdus, names.pdus).map((p) => ({
      name: p.name, rack: p.rack, feed: p.feed ?? null, address: p.address,
      configured: { outlets: p.outlets, banks: p.banks, phases: p.phases },
      // In the order Topology indexes them, so a doubly used outlet feeds the same PSU here as there.
      cabling: topology.nodesFedBy(p.name).flatMap((n) => n.psus.flatMap((psu, i) => (psu.pdu === p.name ? [{ outlet: psu.outlet, node: n.name, psu: i + 1 }] : []))),
    })),
    nodes: named(topology.nodes, names.nodes).map((n) => ({
      name: n.name, rack: n.rack, kind: n.kind, pools: [...topology.poolsOfNode(n.name)], psus: n.psus.map((p) => ({ pdu: p.pdu, outlet: p.outlet })),
    })),
    pools: named(topology.pools, names.pools).map((p) => ({ name: p.name, members: [...p.members] })),
  };
  return { version: createHash('sha256').update(JSON.stringify(content)).digest('hex').slice(0, 16), ...content };
}

/** A wall's snapshot without what its topology says (`topologyView`; the wall puts it back). */
export function withoutTopology(s: Omit<ApiSnapshot, 'sites'>, version: string): ApiWallSnapshot {
  return {
    ...s,
    topology: version,
    pdus: s.pdus.map(({ rack, feed, address, configured, outlets, ...p }) => ({ ...p, outlets: outlets.map(({ feeds, ...o }) => o) })),
    nodes: s.nodes.map(({ rack, kind, pools, psus, ...n }) => ({ ...n, psus: psus.map(({ pdu, outlet, ...p }) => p) })),
    pools: s.pools.map((p) => (p.removed ? p : { ...p, members: p.members.map(({ node, ...m }) => m) })),
  };
}

export function reloadView(rm: ReadModel): ApiReloadInfo {
  const settings = rm.config().settings.reload;
  const last = rm.reloader.lastResult();
  return { schedule: settings.schedule, nextAt: rm.reloader.nextAt(), holdDownMs: settings.holdDown, lastAt: last?.at ?? null, lastOutcome: last?.outcome ?? null };
}

export function snapshot(rm: ReadModel): ApiSnapshot {
  const pools = poolsView(rm);
  return {
    time: rm.now(),
    sites: sitesView(rm),
    pdus: pdusView(rm),
    nodes: nodesView(rm),
    pools,
    services: servicesView(rm, pools),
    events: rm.events.latest(40),
    reload: reloadView(rm),
    pollIntervalMs: rm.config().settings.pollInterval,
    sim: rm.simFaults(),
    health: healthView(rm),
  };
}
