// Shapes served by the HTTP API and pushed to the wall over socket.io.
// Outside checks read these: add fields freely, never rename or remove one.
import type { BreakerState, Feed, MemberState, OnOff, PowerState } from '../model.js';
import type { ServiceStateDetail } from '../status/draft.js';

export interface ApiMember {
  node: string;
  state: MemberState;
  reason: string | null;
  since: number | null; // epoch ms
  power: PowerState;
  /** Who drained or holds it: "breakerbox" or an operator. */
  by?: string;
  /** Held in by an operator: Breakerbox will not drain it. */
  pinned?: boolean;
  /** Shadow mode: Breakerbox would have drained it. */
  wouldDrain?: boolean;
  /** The gate of the drain controller that decided this member's state at the last reconcile, and why. */
  gate?: { name: string; message: string };
  /** Held out of service in the backend itself (by hand, not by Breakerbox): Breakerbox leaves it alone. */
  external?: boolean;
}

export interface ApiPool {
  name: string;
  members: ApiMember[];
  active: number;
  drained: number;
  held: number;
  total: number;
  maxDrainedFraction: number;
  /** The first safety rule blocking drains here now, with its message (all of them in blockedBy). */
  blocked: { rule: string; message: string; nodes: string[] } | null;
  blockedBy: { rule: string; message: string; nodes: string[] }[];
  /** Decisions are shown but no backend is touched. */
  shadow: boolean;
  wouldDrain: number;
  /** No longer configured, yet Breakerbox keeps drain records of it (in force again if the pool returns). */
  removed?: boolean;
}

export interface ApiPsu {
  pdu: string;
  outlet: number;
  feed: Feed;
  reason: string;
}

export interface ApiNode {
  name: string;
  rack: string;
  kind: string;
  power: PowerState;
  reachable: boolean | null;
  reason: string;
  pools: string[];
  psus: ApiPsu[];
  uptimeSeconds: number | null;
  /** From the node's agent where it serves them: 1-minute load average, CPU %, interfaces up of admin-up. */
  load1: number | null;
  cpuLoad: number | null;
  interfaces: { up: number; total: number } | null;
  reachableSince: number | null;
  lastRebootAt: number | null;
}

export interface ApiPhase { index: number; current: number | null; voltage: number | null; power: number | null }
/** A UPS's bypass line. */
export interface ApiBypass { index: number; name: string | null; voltage: number | null; current: number | null; power: number | null; frequency: number | null }
/** `rating`: the breaker's rating, A, as last read (a rating does not change while a PDU is away). */
export interface ApiBank { index: number; breaker: BreakerState; breakerInferred: boolean; current: number | null; rating: number | null }
export interface ApiOutlet {
  index: number;
  name: string | null;
  state: OnOff;
  bank: number | null;
  current: number | null;
  power: number | null;
  /** The node and PSU this outlet feeds, from the configured cabling. */
  feeds: { node: string; psu: number } | null;
}

export interface ApiPdu {
  name: string;
  /** pdu, ups or ats: what the device's profile says it is; unknown when no vendor profile matched. */
  kind: string | null;
  rack: string;
  feed: string | null;
  address: string;
  vendor: string | null;
  model: string | null;
  serial: string | null;
  firmware: string | null;
  /** The profile that reads it; "system" when it answers but no vendor profile matched (kind "unknown"). */
  profile: string | null;
  sysObjectId: string | null;
  /** When the device's agent started (epoch ms, to the minute: from sysUpTime at its last good poll), while it answers. */
  upSince: number | null;
  reachable: boolean | null;
  /** Inferred: unreachable together with every node it alone feeds, so it has most likely lost power. */
  dark: boolean;
  /** Broke a polling bound (deadline, rows per table, bytes per value): its readings are ignored until a clean poll. */
  misbehaving: { reason: string; since: number } | null;
  lastPollAt: number | null;
  lastOkAt: number | null;
  error: string | null;
  /** Size as configured: what the wall draws before the first reading. */
  configured: { outlets: number; banks: number; phases: number };
  /** Values are null unless the PDU answered its latest poll. */
  power: number | null;
  badValues: number;
  loadState: string | null;
  inlets: { index: number; name: string | null; voltage: number | null; current: number | null; power: number | null; energy: number | null; frequency: number | null }[];
  phases: ApiPhase[];
  /** A UPS's bypass lines; empty for other devices. */
  bypass: ApiBypass[];
  banks: ApiBank[];
  outlets: ApiOutlet[];
  sensors: { index: number; kind: string; name: string | null; value: number | null }[];
  ups: Record<string, string | number | null> | null;
  ats: Record<string, string | number | null> | null;
}

export type Severity = 'info' | 'warning' | 'critical';

export interface ApiEvent {
  id: number;
  time: number; // epoch ms
  type: string; // e.g. "drain", "drain-blocked", "readmit", "reload", "device-unreachable", "sim-fault"
  severity: Severity;
  subject: string; // pool, node or device name
  message: string;
  chain?: { cause: string; impact: string; action: string };
  /** Repeats folded into this entry (absent: it happened once); `time` is the latest. */
  count?: number;
  /** When the first of the folded repeats happened, epoch ms. */
  firstTime?: number;
  /** The id of the entry this one supersedes (same kind and source); that id is no longer served. */
  replaces?: number;
  /** A `service-state` event: the service's public state then, each of its pools' capacity, and why (src/status/). */
  service?: ServiceStateDetail;
}

export interface ApiService {
  name: string;
  pools: string[];
  /** ok: every pool fully active; reduced: some members drained or unhealthy; down: a pool has no active member. */
  status: 'ok' | 'reduced' | 'down';
}

export interface ApiSite {
  name: string;
  rows: { name: string; racks: { name: string; pdus: string[]; nodes: string[] }[] }[];
}

export interface ApiReloadInfo {
  schedule: string;
  nextAt: number | null;
  holdDownMs: number;
  lastAt: number | null;
  lastOutcome: string | null;
}

export interface ApiSimFault { id: string; spec: Record<string, unknown>; since: number }

/** Something wrong with Breakerbox itself (its database, …): health is degraded while any is listed. */
export interface ApiProblem {
  code: string;
  message: string;
  /** Since when it holds, where that says how old the data is (BB_POLLS_STALE: the latest recorded poll). */
  since?: number;
}

/** Everything the wall needs, pushed on connect and whenever state changes (throttled). */
export interface ApiSnapshot {
  /** The wall feed's version this snapshot is at: deltas from it follow (absent from /api/snapshot). */
  version?: number;
  /** The part of the site it covers (a wall's subscription); absent or empty: all of it. */
  scope?: { site?: string; row?: string; rack?: string };
  time: number;
  sites: ApiSite[];
  pdus: ApiPdu[];
  nodes: ApiNode[];
  pools: ApiPool[];
  services: ApiService[];
  events: ApiEvent[]; // the latest ones, oldest first
  reload: ApiReloadInfo;
  pollIntervalMs: number;
  sim: { enabled: boolean; faults: ApiSimFault[] };
  /** Breakerbox's own health, as /api/health says it: the wall shows a banner while degraded. */
  health: { status: 'ok' | 'degraded'; problems: ApiProblem[] };
}

/**
 * What of a wall's snapshot only a reload changes, for its part of the site: the racks, each PDU's and
 * node's place and cabling, the configured pools' members. Sent to a wall that does not hold this
 * version, before its snapshot; the wall keeps it and puts it back into each snapshot (`withTopology`
 * in dashboards/wall/patch.js).
 */
export interface ApiTopology {
  /** A hash of the rest: it changes when (and only when) the content does. */
  version: string;
  sites: ApiSite[];
  pdus: (Pick<ApiPdu, 'name' | 'rack' | 'feed' | 'address' | 'configured'> & { cabling: { outlet: number; node: string; psu: number }[] })[];
  nodes: (Pick<ApiNode, 'name' | 'rack' | 'kind' | 'pools'> & { psus: Pick<ApiPsu, 'pdu' | 'outlet'>[] })[];
  pools: { name: string; members: string[] }[];
}

/** A wall's snapshot on the wire: without what its topology (of version `topology`) says. */
export type ApiWallSnapshot = Omit<ApiSnapshot, 'sites' | 'pdus' | 'nodes' | 'pools'> & {
  topology: string;
  pdus: (Omit<ApiPdu, 'rack' | 'feed' | 'address' | 'configured' | 'outlets'> & { outlets: Omit<ApiOutlet, 'feeds'>[] })[];
  nodes: (Omit<ApiNode, 'rack' | 'kind' | 'pools' | 'psus'> & { psus: Omit<ApiPsu, 'pdu' | 'outlet'>[] })[];
  /** A removed pool is not in the topology: it comes whole. */
  pools: (ApiPool | (Omit<ApiPool, 'members'> & { members: Omit<ApiMember, 'node'>[] }))[];
};

/** What changed in one entity the wall has: `$p` is a patch (src/http/patch.ts) of its fields. */
export interface ApiPatch { name: string; $p: Record<string, unknown> }

/**
 * What changed since version `from`, pushed to the wall per short tick: per entity, a patch of what
 * changed in it, or the whole entity when the wall may not have it (applying either twice is harmless).
 * Absent keys did not change.
 */
export interface ApiDelta {
  from: number;
  to: number;
  time: number;
  pdus?: (ApiPdu | ApiPatch)[];
  nodes?: (ApiNode | ApiPatch)[];
  pools?: (ApiPool | ApiPatch)[];
  services?: (ApiService | ApiPatch)[];
  /** Pools no longer shown (a removed pool whose records were all cleared). */
  removedPools?: string[];
  /** The pools' order, sent when the set of pools changed. */
  poolOrder?: string[];
  reload?: ApiReloadInfo;
  health?: ApiSnapshot['health'];
  sim?: ApiSnapshot['sim'];
  pollIntervalMs?: number;
}

/** How a kind of device's polls keep up: due → facts recorded, over the most recent polls. */
export interface ApiPollTimes {
  polls: number;
  p50Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
  /** p99 as a share of the device's poll interval. */
  p99OfInterval: number | null;
}

/** GET /api/health's `process` and `polls`: what Breakerbox costs, and whether its polls keep up. */
export interface ApiLoad {
  process: {
    rssBytes: number;
    heapUsedBytes: number;
    windowSeconds: number;
    cpuPercent: number;
    eventLoopLagMs: { p50: number; p99: number; max: number };
  };
  polls: { pdu: ApiPollTimes; node: ApiPollTimes; running: number; waiting: number; devices: number; worker: ApiPollWorker | null };
}

/** The poll worker's own cost (null: polls run on the main thread, or the worker has not reported yet). */
export interface ApiPollWorker {
  heapUsedBytes: number;
  heapLimitBytes: number;
  /** Its event loop's lag over its last window: how late answers are read. */
  eventLoopLagMs: { p50: number; p99: number; max: number };
  /** Workers started since Breakerbox started (more than 1: one died and was replaced). */
  starts: number;
}
