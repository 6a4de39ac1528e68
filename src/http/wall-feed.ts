// The wall's live feed: a snapshot when a wall connects, then only what changed, batched per short tick.
//
// Every change to what a wall shows marks the thing it changed (a PDU, a node, a pool); a tick builds
// just the marked things, compares each with what the walls were last sent and sends the ones that
// differ, as one delta from version N to N+1. A change of state (a node's power health, a pool's
// members, an event) goes out at once; routine readings (a poll that moved an outlet's amps) gather
// for a second, so the delta that carries a trip carries little else. Deltas carry whole entities, so applying one twice is
// harmless, and a wall that connects between two ticks loses nothing. A wall that falls behind (its
// socket's send buffer backs up) is skipped and sent a fresh snapshot once it drains, instead of
// queueing deltas it cannot keep up with. A wall may ask for part of the site (a site, a row, a rack);
// it is sent only that part. A topology change (a reload) sends every wall a fresh snapshot.
//
// A snapshot goes on the wire packed, as JSON, gzipped (a binary message the wall inflates), and is
// encoded once for every wall of its part of the site that connects within a second: those walls are
// sent it and the deltas sent since, so a NOC's walls opening together cost one snapshot, not one each.
//
// What only a reload changes (the racks, each PDU's and node's place and cabling, the pools' members:
// the topology) is not in the snapshot but sent before it, and only to a wall that does not hold its
// version (the wall says which it holds when it connects: `auth: {topology}`). Deltas are of the whole
// entities, as the wall has them once it put its topology back into the snapshot; a new topology is
// always sent with a fresh snapshot, never under deltas.
import { gzipSync } from 'node:zlib';
import type { Server as SocketServer, Socket } from 'socket.io';
import type { Clock } from '../clock.js';
import type { Topology } from '../health/topology.js';
import type { ApiDelta, ApiEvent, ApiPool, ApiSnapshot } from './api-types.js';
import { diff, pack, type Json } from './patch.js';
import { healthView, nodeView, pduView, poolView, reloadView, removedPoolView, serviceView, topologyView, withoutTopology, type ReadModel } from './snapshot.js';
import { keyOf, parseKey, scopedSites, scopeNames, scoped, scopeOf, type ScopeSets, type WallScope } from './wall-scope.js';

/** At most one delta per this long: changes within it gather into one. */
export const TICK_MS = 25;
/** Routine readings go out at most this often; a wall is sent its singletons (reload countdown, health) and a share of the sweep at least this often. */
export const ROUTINE_MS = 1_000;
/** A socket with more packets than this waiting to be written is behind: skipped, then resynced. */
const BEHIND_PACKETS = 8;
/** A snapshot built for one wall serves others of its scope that connect within this long (with the deltas sent since). */
const SNAPSHOT_REUSE_MS = 1_000;
/** …unless more deltas than this have followed it. */
const SNAPSHOT_REUSE_DELTAS = 50;
const BEHIND_ROOM = 'behind';

/** A scope's topology, as sent to its walls. */
interface SentTopology { of: Topology; version: string; payload: Buffer }
/** A snapshot as sent to a scope's walls, the topology it was built on, and the deltas its walls were sent since. */
interface SentSnapshot { at: number; payload: Buffer; topology: SentTopology; deltas: object[] }
/** What the feed keeps on a wall's socket: its scope's key, and the version of the topology it holds. */
interface WallData { scope?: string; topology?: string }

type Kind = 'pdus' | 'nodes' | 'pools';

export class WallFeed {
  /** The version of the state the walls were last sent. */
  version = 0;
  /** Marked by routine readings: sent with the next routine tick. */
  private readonly dirty: Record<Kind, Set<string>> = { pdus: new Set(), nodes: new Set(), pools: new Set() };
  /** Marked by a change of state: sent with the next tick. */
  private readonly urgent: Record<Kind, Set<string>> = { pdus: new Set(), nodes: new Set(), pools: new Set() };
  private poked = false;
  private timerDue = Infinity;
  private lastRoutineAt = -Infinity;
  /** What the walls were last sent, per entity; forgotten while nobody watches. Changes are sent as patches of these. */
  private readonly sent: Record<Kind | 'services', Map<string, Json>> = { pdus: new Map(), nodes: new Map(), pools: new Map(), services: new Map() };
  /** The singletons (reload, health, …) as last sent, as JSON. */
  private readonly sentSingle = new Map<string, string>();
  /** The pools as last built, for the services' status. */
  private readonly poolObjects = new Map<string, ApiPool>();
  private poolOrder = '';
  private resyncAll = false;
  private timer: { cancel(): void } | null = null;
  private heartbeat: { cancel(): void } | null = null;
  private readonly scopes = new Map<string, ScopeSets>();
  private scopesOf: Topology | null = null;
  /** The entities the sweep re-checks, a share per tick, so a change nobody marked still reaches the walls. */
  private sweepCursor = 0;
  private sweepList: { of: Topology; items: (readonly [Kind, string])[] } | null = null;
  private lastSweepAt: number;
  /** Per scope key, the last snapshot sent, for walls that connect soon after. */
  private readonly snapshots = new Map<string, SentSnapshot>();
  /** Per scope key, its topology, built once per topology. */
  private readonly topologies = new Map<string, SentTopology>();
  /** The topology of the snapshots the walls were last sent: their deltas apply to it alone. */
  private builtOf: Topology | null = null;
  private lastFlushAt = -Infinity;
  /** Whether some wall has been sent a snapshot since the feed last forgot (nobody watching). */
  private watching = false;
  private stopped = false;

  constructor(private readonly io: SocketServer, private readonly rm: ReadModel, private readonly clock: Clock) {
    this.lastSweepAt = clock.now();
  }

  /** A wall connected (past the access check): it is sent its snapshot and then its deltas. */
  connect(socket: Socket): void {
    const scope = scopeOf(socket.handshake.query);
    const sets = this.scopeSets(scope);
    if (!this.watching) this.forget();
    const flushFirst = this.watching;
    this.watching = true;
    const data = socket.data as WallData;
    data.scope = sets.key;
    const held = (socket.handshake.auth as { topology?: unknown }).topology;
    if (typeof held === 'string') data.topology = held;
    this.sendSnapshot(socket, sets, flushFirst);
    void socket.join(roomOf(sets.key));
    this.beat(true);
    socket.on('resync', () => {
      // Out of its room meanwhile: what goes to the other walls first is in its snapshot.
      const room = roomOf(this.scopeSets(scope).key);
      void socket.leave(room);
      this.sendSnapshot(socket, this.scopeSets(scope), true);
      void socket.join(room);
    });
  }

  /** A poll recorded new readings for the device (routine: they go out with the next routine tick). */
  markPdu(name: string): void { this.mark('pdus', name, false); }
  markNode(name: string): void { this.mark('nodes', name, false); }
  /** A pool's members or drains changed. */
  markPool(name: string): void { this.mark('pools', name, true); }

  /** Power health changed for these nodes: they, their pools and the PDUs that feed them; and these PDUs' reachability. */
  healthChanged(nodes: Iterable<string>, pdus: Iterable<string>): void {
    const topology = this.rm.topology();
    for (const node of nodes) {
      this.mark('nodes', node, true);
      for (const pool of topology.poolsOfNode(node)) this.mark('pools', pool, true);
      for (const psu of topology.nodes.get(node)?.psus ?? []) this.mark('pdus', psu.pdu, true);
    }
    for (const pdu of pdus) this.mark('pdus', pdu, true);
  }

  /** Something outside the entities changed (reload info, health, the simulator's faults, an event). */
  poke(): void {
    this.poked = true;
    this.schedule();
  }

  /** The topology changed: every wall gets a fresh snapshot at the next tick. */
  resync(): void {
    this.resyncAll = true;
    this.poke();
  }

  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
    this.heartbeat?.cancel();
    this.timer = this.heartbeat = null;
  }

  private mark(kind: Kind, name: string, urgent: boolean): void {
    (urgent ? this.urgent : this.dirty)[kind].add(name);
    this.schedule();
  }

  /**
   * A change of state after a quiet spell goes out at once (with whatever else this turn of the loop
   * changed), then at most one delta per tick; routine readings wait for the routine tick.
   */
  private schedule(): void {
    if (this.stopped) return;
    const u = this.urgent;
    const urgent = this.poked || u.pdus.size + u.nodes.size + u.pools.size > 0;
    const due = urgent ? this.lastFlushAt + TICK_MS : this.lastRoutineAt + ROUTINE_MS;
    if (this.timer && this.timerDue <= due) return;
    this.timer?.cancel();
    this.timerDue = due;
    this.timer = this.clock.setTimeout(() => { this.timer = null; this.timerDue = Infinity; this.flush(); }, Math.max(0, due - this.clock.now()));
  }

  /**
   * While walls watch, a routine tick at least every second: readings, singletons, the sweep, and walls
   * catching up. A snapshot just sent has everything: `restart` counts the second from now.
   */
  private beat(restart = false): void {
    if (this.stopped || (this.heartbeat && !restart)) return;
    this.heartbeat?.cancel();
    this.heartbeat = this.clock.setTimeout(() => {
      this.heartbeat = null;
      if (this.watchers() === 0) return;
      this.flush(true);
      this.beat();
    }, ROUTINE_MS);
  }

  /**
   * A new event, to every wall that keeps up. A wall that fell behind gets none: it is waiting for its
   * buffer to drain to be sent a snapshot (which carries the latest events), and more messages would
   * keep it from ever draining.
   */
  event(e: ApiEvent): void {
    this.io.except(BEHIND_ROOM).emit('event', e);
    this.poke();
  }

  /** Walls connected now (GET /metrics). */
  clients(): number {
    return this.watchers();
  }

  private watchers(): number {
    return this.io.of('/').sockets.size;
  }

  /**
   * Sends what changed since the last tick to every wall that keeps up: the changes of state, and the
   * routine readings too when the routine tick is due or `all` (before a snapshot, which must not be
   * ahead of what the other walls were sent).
   */
  flush(all = false): void {
    this.timer?.cancel();
    this.timer = null;
    this.timerDue = Infinity;
    this.poked = false;
    if (this.watchers() === 0) return this.forget();
    const now = this.clock.now();
    this.lastFlushAt = now;
    // A new topology goes to the walls with fresh snapshots: deltas of it against the old one would not apply.
    if (this.resyncAll || this.rm.topology() !== this.builtOf) return this.resyncEveryone();
    const rm = this.rm;
    const view = rm.view(); // may itself find health changes, which mark entities
    const topology = rm.topology();
    const routine = all || now - this.lastRoutineAt >= ROUTINE_MS;
    if (routine) {
      this.lastRoutineAt = now;
      this.sweep(topology, now);
    }
    const delta: ApiDelta = { from: this.version, to: this.version + 1, time: now };

    const pdus = this.take('pdus', routine);
    for (const name of pdus) {
      const pdu = topology.pdus.get(name);
      if (pdu) this.diff('pdus', name, pduView(rm, topology, view, pdu), delta);
    }
    for (const name of this.take('nodes', routine)) {
      const node = topology.nodes.get(name);
      if (node) this.diff('nodes', name, nodeView(rm, topology, view, node), delta);
    }
    const removedPools = rm.controller.removedPools();
    const removed = new Set(removedPools);
    const order = [...topology.pools.keys(), ...removedPools];
    const pools = this.take('pools', routine);
    const orderKey = order.join('\n');
    if (orderKey !== this.poolOrder) {
      // A removed pool appeared or went: its name joins or leaves, and the walls get the new order.
      const before = new Set(this.poolOrder === '' ? [] : this.poolOrder.split('\n'));
      for (const name of order) if (!before.has(name)) pools.add(name);
      const now = new Set(order);
      for (const name of before) if (!now.has(name)) this.gone(name, delta);
      delta.poolOrder = order;
      this.poolOrder = orderKey;
    }
    let poolsChanged = delta.poolOrder !== undefined;
    for (const name of pools) {
      const pool = topology.pools.get(name);
      const built = pool ? poolView(rm, view, pool) : removed.has(name) ? removedPoolView(rm, view, name) : null;
      if (!built) continue;
      this.poolObjects.set(name, built);
      if (this.diff('pools', name, built, delta)) poolsChanged = true;
    }
    if (poolsChanged) {
      for (const pool of order) {
        if (this.poolObjects.has(pool)) continue;
        const p = topology.pools.get(pool);
        this.poolObjects.set(pool, p ? poolView(rm, view, p) : removedPoolView(rm, view, pool));
      }
      for (const s of rm.config().services) this.diff('services', s.name, serviceView(s, this.poolObjects), delta);
    }
    this.single('reload', reloadView(rm), delta);
    this.single('health', healthView(rm), delta);
    this.single('sim', rm.simFaults(), delta);
    this.single('pollIntervalMs', rm.config().settings.pollInterval, delta);

    // Routine readings still waiting get their own tick.
    if (!routine && this.dirty.pdus.size + this.dirty.nodes.size + this.dirty.pools.size > 0) this.schedule();
    if (hasChanges(delta)) {
      this.version++;
      this.markBehind();
      const live = new Set<string>();
      for (const sets of this.liveScopes()) {
        const message = pack(sets.pdus === null ? delta : scoped(delta, sets, removed));
        this.io.to(roomOf(sets.key)).except(BEHIND_ROOM).emit('delta', message);
        this.snapshots.get(sets.key)?.deltas.push(message);
        live.add(sets.key);
      }
      // A snapshot of a scope nobody watched while a delta went by would miss it.
      for (const key of this.snapshots.keys()) if (!live.has(key)) this.snapshots.delete(key);
    }
    // Walls that fell behind and drained catch up once everything went out (a snapshot is only as new as what all walls were sent).
    if (routine) this.catchUp();
  }

  /**
   * Sends a wall its snapshot: the one its scope's walls were sent lately, with the deltas since, or a
   * fresh one. A fresh one is built after everything that changed went to the walls already watching
   * (`flushFirst`, unless that just happened), so they and it agree. A wall that does not hold the
   * topology the snapshot was built on is sent it first.
   */
  private sendSnapshot(socket: Socket, sets: ScopeSets, flushFirst: boolean): void {
    const now = this.clock.now();
    let sent = this.snapshots.get(sets.key);
    if (!sent || now - sent.at >= SNAPSHOT_REUSE_MS || sent.deltas.length > SNAPSHOT_REUSE_DELTAS) {
      if (flushFirst) this.flush(true);
      this.lastRoutineAt = now; // the snapshot has every reading as of now
      const topology = this.topology(sets);
      sent = { at: now, payload: encode(withoutTopology(this.build(sets), topology.version)), topology, deltas: [] };
      this.snapshots.set(sets.key, sent);
    }
    const data = socket.data as WallData;
    if (data.topology !== sent.topology.version) {
      socket.emit('topology', sent.topology.payload);
      data.topology = sent.topology.version;
    }
    socket.emit('snapshot', sent.payload);
    for (const delta of sent.deltas) socket.emit('delta', delta);
  }

  /** A fresh snapshot for one wall (of its part of the site; its racks are in its topology), at the current version; what every wall now has. */
  private build(sets: ScopeSets): Omit<ApiSnapshot, 'sites'> {
    const now = this.clock.now();
    const rm = this.rm;
    const view = rm.view();
    const topology = rm.topology();
    this.builtOf = topology;
    const config = rm.config();
    const inScope = (set: Set<string> | null, name: string) => set === null || set.has(name);
    // A removed pool whose drain records are kept is shown on every wall, whatever its scope: there are few.
    const removed = rm.controller.removedPools();
    this.poolOrder = [...topology.pools.keys(), ...removed].join('\n');
    const pools = [
      ...config.pools.filter((p) => inScope(sets.pools, p.name)).map((p) => poolView(rm, view, p)),
      ...removed.map((name) => removedPoolView(rm, view, name)),
    ];
    const byName = new Map(pools.map((p) => [p.name, p]));
    for (const p of pools) this.poolObjects.set(p.name, p);
    const snapshot: Omit<ApiSnapshot, 'sites'> = {
      version: this.version,
      scope: sets.scope,
      time: now,
      pdus: config.pdus.filter((p) => inScope(sets.pdus, p.name)).map((p) => pduView(rm, topology, view, p)),
      nodes: config.nodes.filter((n) => inScope(sets.nodes, n.name)).map((n) => nodeView(rm, topology, view, n)),
      pools,
      services: config.services.filter((s) => inScope(sets.services, s.name)).map((s) => serviceView(s, byName)),
      events: rm.events.latest(40),
      reload: reloadView(rm),
      pollIntervalMs: config.settings.pollInterval,
      sim: rm.simFaults(),
      health: healthView(rm),
    };
    // Every wall now has what this snapshot says (changes before it were flushed first): the baseline.
    for (const kind of ['pdus', 'nodes', 'pools', 'services'] as const) for (const x of snapshot[kind]) this.sent[kind].set(x.name, x as unknown as Json);
    for (const key of ['reload', 'health', 'sim', 'pollIntervalMs'] as const) this.sentSingle.set(key, JSON.stringify(snapshot[key]));
    return snapshot;
  }

  /** A scope's topology, built once per topology. */
  private topology(sets: ScopeSets): SentTopology {
    const topology = this.rm.topology();
    const known = this.topologies.get(sets.key);
    if (known?.of === topology) return known;
    const view = topologyView(topology, scopedSites(this.rm.config().sites, topology, sets), sets);
    const sent = { of: topology, version: view.version, payload: encode(view) };
    this.topologies.set(sets.key, sent);
    return sent;
  }

  /** Nobody watches: nothing is built, and what was sent is forgotten (the next wall starts from a snapshot). */
  private forget(): void {
    for (const set of [...Object.values(this.dirty), ...Object.values(this.urgent)]) set.clear();
    for (const map of Object.values(this.sent)) map.clear();
    this.sentSingle.clear();
    this.poolObjects.clear();
    this.poolOrder = '';
    this.resyncAll = false;
    this.snapshots.clear();
    this.watching = false;
  }

  private resyncEveryone(): void {
    this.forget();
    this.watching = true;
    this.scopes.clear();
    this.version++;
    for (const socket of this.io.of('/').sockets.values()) {
      const key = (socket.data as { scope?: string }).scope ?? '';
      void socket.leave(BEHIND_ROOM);
      this.sendSnapshot(socket, this.scopeSets(parseKey(key)), false);
    }
  }

  /** The marked things of a kind, and the routine ones too on a routine tick. */
  private take(kind: Kind, routine: boolean): Set<string> {
    const out = new Set(this.urgent[kind]);
    this.urgent[kind].clear();
    if (routine) {
      for (const name of this.dirty[kind]) out.add(name);
      this.dirty[kind].clear();
    }
    return out;
  }

  /** Adds what changed in the entity to the delta (all of it if the walls never had it); says whether anything did. */
  private diff(kind: Kind | 'services', name: string, value: { name: string }, delta: ApiDelta): boolean {
    const now = value as unknown as Json;
    const before = this.sent[kind].get(name);
    const patch = diff(before, now);
    if (patch === undefined) return false;
    this.sent[kind].set(name, now);
    const entry = before !== undefined && isPatch(patch) ? { name, ...(patch as object) } : value;
    ((delta[kind] ??= []) as unknown[]).push(entry);
    return true;
  }

  private gone(pool: string, delta: ApiDelta): void {
    this.sent.pools.delete(pool);
    this.poolObjects.delete(pool);
    (delta.removedPools ??= []).push(pool);
  }

  private single<K extends 'reload' | 'health' | 'sim' | 'pollIntervalMs'>(key: K, value: NonNullable<ApiDelta[K]>, delta: ApiDelta): void {
    const json = JSON.stringify(value);
    if (this.sentSingle.get(key) === json) return;
    this.sentSingle.set(key, json);
    delta[key] = value;
  }

  /** Re-checks a share of every entity, sized so that all are re-checked once per poll interval. */
  private sweep(topology: Topology, now: number): void {
    const total = topology.pdus.size + topology.nodes.size + topology.pools.size;
    if (total === 0) return;
    const interval = Math.max(1, this.rm.config().settings.pollInterval);
    const share = Math.min(total, Math.ceil((total * (now - this.lastSweepAt)) / interval));
    if (share <= 0) return;
    this.lastSweepAt = now;
    if (this.sweepList?.of !== topology) {
      this.sweepList = { of: topology, items: [...topology.pdus.keys()].map((n) => ['pdus', n] as const) };
      for (const n of topology.nodes.keys()) this.sweepList.items.push(['nodes', n]);
      for (const n of topology.pools.keys()) this.sweepList.items.push(['pools', n]);
    }
    const items = this.sweepList.items;
    for (let i = 0; i < share; i++) {
      const [kind, name] = items[(this.sweepCursor + i) % total]!;
      this.dirty[kind].add(name);
    }
    this.sweepCursor = (this.sweepCursor + share) % total;
  }

  /** Walls whose send buffer backs up stop getting deltas. */
  private markBehind(): void {
    for (const socket of this.io.of('/').sockets.values()) {
      if (writeBacklog(socket) > BEHIND_PACKETS) void socket.join(BEHIND_ROOM);
    }
  }

  /** Walls that were behind and have drained get a fresh snapshot. */
  private catchUp(): void {
    const behind = this.io.of('/').adapter.rooms.get(BEHIND_ROOM);
    if (!behind || behind.size === 0) return;
    for (const id of [...behind]) {
      const socket = this.io.of('/').sockets.get(id);
      if (!socket || writeBacklog(socket) > 0) continue;
      void socket.leave(BEHIND_ROOM);
      this.sendSnapshot(socket, this.scopeSets(parseKey((socket.data as { scope?: string }).scope ?? '')), false);
    }
  }

  private *liveScopes(): Iterable<ScopeSets> {
    const rooms = this.io.of('/').adapter.rooms;
    for (const sets of this.scopes.values()) if ((rooms.get(roomOf(sets.key))?.size ?? 0) > 0) yield sets;
  }

  /** The names a scope covers, found once per topology. */
  private scopeSets(scope: WallScope): ScopeSets {
    const topology = this.rm.topology();
    if (this.scopesOf !== topology) {
      this.scopes.clear();
      this.topologies.clear();
      this.scopesOf = topology;
    }
    const key = keyOf(scope);
    const known = this.scopes.get(key);
    if (known) return known;
    const sets = key === '' ? { key, scope, racks: null, pdus: null, nodes: null, pools: null, services: null } : scopeNames(this.rm, topology, scope, key);
    this.scopes.set(key, sets);
    return sets;
  }
}

const isPatch = (p: Json): boolean => typeof p === 'object' && p !== null && !Array.isArray(p) && '$p' in p;

function hasChanges(d: ApiDelta): boolean {
  return d.pdus !== undefined || d.nodes !== undefined || d.pools !== undefined || d.services !== undefined || d.removedPools !== undefined
    || d.poolOrder !== undefined || d.reload !== undefined || d.health !== undefined || d.sim !== undefined || d.pollIntervalMs !== undefined;
}

/** Packets queued on the socket's connection but not yet written. */
function writeBacklog(socket: Socket): number {
  return (socket.conn as unknown as { writeBuffer?: unknown[] }).writeBuffer?.length ?? 0;
}

const roomOf = (key: string) => `scope:${key}`;

/** A message as a snapshot or topology goes on the wire: packed, JSON, gzipped. */
const encode = (message: object): Buffer => gzipSync(JSON.stringify(pack(message)), { level: 1 });
