import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { BackendState, PoolBackend } from '../backends/pool-backend.js';
import type { Config, PoolConfig } from '../config/schema.js';
import type { EventLog } from '../events/event-log.js';
import type { Facts, PowerView } from '../health/power-health.js';
import type { Topology } from '../health/topology.js';
import { BackendSync } from './backend-sync.js';
import { drainChain } from './chain.js';
import { nameRanges, percent } from './describe.js';
import { desiredMembership } from './desired-membership.js';
import { DrainNotices } from './drain-notices.js';
import { drainCondition } from './drain-policy.js';
import { StorageError, type DrainRecord, type DrainStore, type Hold } from './drain-store.js';
import { decide, type GateInput, type GateOutcome, type MemberDecision } from './gates.js';
import { frozenDomains, type FrozenDomain } from './mass-failure.js';
import { OperatorError } from './operator-error.js';
import { Ownership } from './ownership.js';
import type { Blocked, SafetyRuleName } from './safety-rules.js';
import { WorkQueue } from './work-queue.js';

export type { DrainRecord } from './drain-store.js';
export type { MemberDecision } from './gates.js';
export { OperatorError } from './operator-error.js';

export interface DrainControllerDeps {
  topology: () => Topology;
  settings: () => Config['settings'];
  view: () => PowerView;
  facts: Facts;
  store: DrainStore;
  backendFor: (pool: string) => PoolBackend;
  events: EventLog;
  clock: Clock;
  log: Logger;
  /** A maintenance window that drains, in force over this member of this pool: why it should be out (none: no windows). */
  maintenance?: (pool: string, node: string) => { window: string; why: string } | null;
}

export interface ReadmitOutcome {
  pool: string;
  readmitted: string[];
  kept: { node: string; why: string; gate: string }[];
}

const MINUTE = 60_000;

/**
 * One reconcile loop per pool, level-triggered: triggers only enqueue a pool; reconcile reads
 * topology, power health, drain records, holds and the backend, runs every member through the
 * gates (gates.ts: the one place that decides), then writes the difference. Records are committed
 * before any backend is touched; Breakerbox re-admits only what it drained, never changes a member
 * an operator holds, and leaves alone what someone took out in the backend itself.
 *
 * A pool removed by a reload keeps its drain records (shown as a removed pool): if it comes back,
 * its members stay out until a reload re-admits them past the hold-down.
 */
export class DrainController {
  private readonly drains = new Map<string, Map<string, DrainRecord>>();
  private readonly holds = new Map<string, Map<string, Hold>>();
  private readonly recent = new Map<string, number[]>(); // drain times per pool in the last minute, for the rate limit
  private readonly conditionSince = new Map<string, Map<string, number>>();
  private readonly decisions = new Map<string, Map<string, MemberDecision>>();
  private readonly blocked = new Map<string, Blocked[]>();
  private frozen: FrozenDomain[] = [];
  /** The power view (and its version) the frozen domains were last found from. */
  private frozenFrom: { view: PowerView; version: number | undefined } | null = null;
  private debounceTimer: { at: number; timer: { cancel(): void } } | null = null;
  private readonly queue: WorkQueue;
  private readonly sync: BackendSync;
  private readonly notices: DrainNotices;
  private readonly ownership = new Ownership();
  private readonly poolListeners = new Set<(pool: string) => void>();
  /** For GET /metrics: reconcile runs, and runs in which each safety rule blocked a drain. */
  private readonly runs = { reconciles: 0, blocks: new Map<SafetyRuleName, number>() };

  constructor(private readonly deps: DrainControllerDeps) {
    for (const r of deps.store.drains()) this.bucket(this.drains, r.pool).set(r.node, r);
    for (const h of deps.store.holds()) this.bucket(this.holds, h.pool).set(h.node, h);
    // The rate limit remembers drains from before a restart.
    for (const { pool, time } of deps.store.drainTimesSince(deps.clock.now() - MINUTE)) this.recent.set(pool, [...(this.recent.get(pool) ?? []), time]);
    this.queue = new WorkQueue(
      async (pool) => {
        if (this.noteFrozen()) this.enqueueAll();
        try {
          await this.reconcile(pool);
        } finally {
          this.poolChanged(pool);
        }
      },
      (pool, err) => this.deps.log.error({ err: (err as Error).message, pool }, 'reconcile failed'),
    );
    this.sync = new BackendSync({ events: deps.events, clock: deps.clock, log: deps.log, enqueue: (pool) => this.enqueue(pool) });
    this.notices = new DrainNotices(deps.events, deps.clock);
  }

  enqueue(pool: string): void {
    this.queue.add(pool);
  }

  /** Called with a pool whose members' states, holds, records or blocks may have changed (after each reconcile). */
  onPoolChanged(listener: (pool: string) => void): () => void {
    this.poolListeners.add(listener);
    return () => this.poolListeners.delete(listener);
  }

  private poolChanged(pool: string): void {
    for (const listener of this.poolListeners) {
      try {
        listener(pool);
      } catch (err) {
        this.deps.log.error({ err: (err as Error).message, pool }, 'pool change listener failed');
      }
    }
  }

  /** Power health changed for these nodes: their pools are looked at again, every pool when the frozen domains changed. */
  powerChanged(nodes: Iterable<string>): void {
    if (this.noteFrozen()) return this.enqueueAll();
    const topology = this.deps.topology();
    for (const node of nodes) this.queue.addAll(topology.poolsOfNode(node));
  }

  /**
   * A device's facts changed beyond its power health: a drained or held node's answers decide when it
   * may go back (whether it answers at all is in its power health, which reaches every pool through
   * `powerChanged`), a UPS's battery decides pools that drain on it.
   */
  factChanged(change: { kind: 'pdu' | 'node'; name: string }): void {
    const topology = this.deps.topology();
    if (change.kind === 'node') {
      for (const pool of topology.poolsOfNode(change.name)) {
        if (this.drains.get(pool)?.has(change.name) || this.holds.get(pool)?.has(change.name)) this.queue.add(pool);
      }
      return;
    }
    for (const pdu of topology.pdusFedFrom(change.name)) {
      for (const node of topology.nodesFedBy(pdu.name)) this.queue.addAll(topology.poolsOfNode(node.name));
    }
  }

  enqueueAll(): void {
    this.notices.poolsRemoved(this.removedPools(), (pool) => this.records(pool).map((r) => r.node));
    this.queue.addAll(this.deps.topology().pools.keys());
  }

  /** Resolves when every enqueued pool has been reconciled. */
  settle(): Promise<void> {
    return this.queue.settle();
  }

  stop(): void {
    this.queue.stop();
    this.sync.stop();
    this.debounceTimer?.timer.cancel();
  }

  records(pool: string): DrainRecord[] {
    return [...(this.drains.get(pool)?.values() ?? [])];
  }

  holdsIn(pool: string): Hold[] {
    return [...(this.holds.get(pool)?.values() ?? [])];
  }

  /** Reconcile runs since start, and how many of them each safety rule blocked a drain in. */
  counts(): { reconciles: number; blocks: ReadonlyMap<SafetyRuleName, number> } {
    return this.runs;
  }

  /** Every pool with drains a safety rule refused. */
  allBlocked(): ReadonlyMap<string, Blocked[]> {
    return this.blocked;
  }

  /** Pools whose backend cannot be updated, with why. */
  failingBackends(): Map<string, string> {
    return this.sync.failing();
  }

  blockedIn(pool: string): Blocked[] {
    return this.blocked.get(pool) ?? [];
  }

  /** The last reconcile's decision for each member of the pool, with the gate that made it. */
  decisionsIn(pool: string): MemberDecision[] {
    return [...(this.decisions.get(pool)?.values() ?? [])];
  }

  /** Pools no longer configured whose drain records are kept. */
  removedPools(): string[] {
    const configured = this.deps.topology().pools;
    return [...this.drains].filter(([pool, records]) => records.size > 0 && !configured.has(pool)).map(([pool]) => pool);
  }

  frozenDomains(): FrozenDomain[] {
    return this.frozen;
  }

  isShadow(pool: string): boolean {
    return this.deps.topology().pools.get(pool)?.shadow ?? this.deps.settings().mode === 'shadow';
  }

  // ---- operator control ------------------------------------------------------------------

  hold(pool: string, node: string, mode: 'out' | 'in', reason: string, by: string): Hold {
    refuseUnlessWritable(this.deps.store);
    this.member(pool, node);
    const hold: Hold = { pool, node, mode, reason, by, since: this.deps.clock.now() };
    // The hold, its audit entry and the end of Breakerbox's own mark are one transaction.
    recorded(() => this.deps.store.holdByOperator(hold, { time: hold.since, who: by, action: `hold-${mode}`, pool, node, why: reason }));
    this.bucket(this.holds, pool).set(node, hold);
    // An operator's decision supersedes Breakerbox's own mark.
    if (this.drains.get(pool)?.delete(node)) this.ownership.letBack(pool, node);
    this.deps.events.add({ type: 'hold', severity: 'info', subject: pool, message: `${by} holds ${node} ${mode === 'out' ? 'out of' : 'in'} pool ${pool}: ${reason}` });
    this.enqueue(pool);
    return hold;
  }

  release(pool: string, node: string, reason: string, by: string): void {
    refuseUnlessWritable(this.deps.store);
    this.member(pool, node);
    const audit = { time: this.deps.clock.now(), who: by, action: 'release', pool, node, why: reason };
    if (!recorded(() => this.deps.store.releaseByOperator(pool, node, audit))) throw new OperatorError(`${node} is not held in pool ${pool}`, 404, 'BB_ERR_NOT_HELD');
    if (this.holds.get(pool)?.get(node)?.mode === 'out') this.ownership.letBack(pool, node);
    this.holds.get(pool)?.delete(node);
    this.deps.events.add({ type: 'release', severity: 'info', subject: pool, message: `${by} released ${node} in pool ${pool}: ${reason}` });
    this.enqueue(pool);
  }

  /** A drain by hand: Breakerbox owns it from now on, and re-admits it at a reload once its power is normal. */
  drain(pool: string, node: string, reason: string, by: string): DrainRecord {
    refuseUnlessWritable(this.deps.store);
    this.member(pool, node);
    if (this.holds.get(pool)?.has(node)) throw new OperatorError(`${node} is held in pool ${pool}: release it first`, 409, 'BB_ERR_HELD');
    const now = this.deps.clock.now();
    const record: DrainRecord = {
      pool, node, reason: `drained by ${by}: ${reason}`, since: now, by, shadow: this.isShadow(pool),
      chain: { cause: reason, impact: node, action: `${by} drained ${node} from pool ${pool}` },
    };
    recorded(() => this.deps.store.drainByOperator(record, { time: now, who: by, action: 'drain', pool, node, why: reason }));
    this.bucket(this.drains, pool).set(node, record);
    this.deps.events.add({ type: 'drain', severity: 'warning', subject: pool, message: `${by} drained ${node} from pool ${pool}: ${reason}`, chain: record.chain });
    this.enqueue(pool);
    return record;
  }

  /**
   * The reload's re-admission: the gates decide, with `readmitting` set, which drained members go
   * back. `window`: only those a maintenance window of that name drained (at its end).
   */
  readmit(holdDownMs: number, window?: string): ReadmitOutcome[] {
    const now = this.deps.clock.now();
    const view = this.deps.view();
    const topology = this.deps.topology();
    const outcomes: ReadmitOutcome[] = [];
    for (const [pool, all] of this.drains) {
      const records = window === undefined ? all : new Map([...all].filter(([, r]) => r.maintenance === window));
      if (records.size === 0) continue;
      const outcome: ReadmitOutcome = { pool, readmitted: [], kept: [] };
      outcomes.push(outcome);
      const config = topology.pools.get(pool);
      if (!config) {
        for (const r of records.values()) outcome.kept.push({ node: r.node, why: `pool ${pool} is no longer configured`, gate: 'pool-removed' });
        continue;
      }
      const { decisions } = this.evaluate(config, view, now, { readmitting: true, holdDownMs });
      for (const record of records.values()) {
        const d = decisions.get(record.node)!;
        if (d.change === 'readmit') outcome.readmitted.push(record.node);
        else outcome.kept.push({ node: record.node, why: d.gate.message, gate: d.gate.name });
      }
      this.deps.store.deleteDrains(outcome.readmitted.map((node) => ({ pool, node })));
      for (const node of outcome.readmitted) {
        all.delete(node);
        this.ownership.letBack(pool, node);
      }
      if (outcome.readmitted.length > 0) {
        const after = window === undefined ? '' : ` after maintenance window ${window}`;
        this.deps.events.add({ type: 'readmit', severity: 'info', subject: pool, message: `${nameRanges(outcome.readmitted)} re-admitted to pool ${pool}${after}: power normal and answering for the hold-down` });
      }
      this.queue.add(pool);
    }
    return outcomes;
  }

  private member(pool: string, node: string): PoolConfig {
    const p = this.deps.topology().pools.get(pool);
    if (!p) throw new OperatorError(`no pool "${pool}"`, 404, 'BB_ERR_NO_POOL');
    if (!p.members.includes(node)) throw new OperatorError(`${node} is not a member of pool ${pool}`, 404, 'BB_ERR_NOT_MEMBER');
    return p;
  }

  // ---- the loop --------------------------------------------------------------------------

  /** Every member through the gates, with what is known now; `external` from the backend as last read. */
  private evaluate(pool: PoolConfig, view: PowerView, now: number, opts: { readmitting: boolean; holdDownMs: number }, external = this.ownership.external(pool.name), backendKind = ''): GateOutcome {
    return decide(this.gateInput(pool, view, this.deps.facts, this.frozen, now, opts, external, backendKind));
  }

  /**
   * The gates' input for one pool: this controller's drain records, holds, recent drains, debounce
   * clocks and view of the backend, with the power view, facts and frozen domains given. A reconcile
   * passes what is known; what-if (src/capacity/what-if.ts) passes hypothetical ones, so a prediction
   * goes through the very gates a reconcile does.
   */
  gateInput(
    pool: PoolConfig, view: PowerView, facts: Facts, frozen: readonly FrozenDomain[], now: number,
    opts: { readmitting: boolean; holdDownMs: number }, external = this.ownership.external(pool.name), backendKind = '',
  ): GateInput {
    const topology = this.deps.topology();
    const frozenBy = frozenIndex(frozen);
    const recent = (this.recent.get(pool.name) ?? []).filter((t) => t > now - MINUTE);
    return {
      pool, now, shadow: this.isShadow(pool.name),
      records: this.bucket(this.drains, pool.name), holds: this.bucket(this.holds, pool.name), external, backendKind,
      health: (node) => view.nodes.get(node),
      condition: (node) => drainCondition(pool, view.nodes.get(node), topology, facts),
      maintenance: (node) => this.deps.maintenance?.(pool.name, node) ?? null,
      conditionSince: this.conditionSince.get(pool.name) ?? new Map(),
      reachableSince: (node) => facts.node(node)?.reachableSince ?? null,
      frozen: (node) => frozenBy.get(node) ?? null,
      recentDrains: recent.length,
      ...opts,
    };
  }

  /** From a fresh read of the backend: members out of service there that Breakerbox did not take out. */
  private externalFrom(pool: string, state: BackendState): Map<string, string> {
    return this.ownership.read(pool, state, (node) => {
      const record = this.drains.get(pool)?.get(node);
      return (record !== undefined && !record.shadow) || this.holds.get(pool)?.get(node)?.mode === 'out' || this.sync.tookOut(pool, node);
    });
  }

  private async reconcile(poolName: string): Promise<void> {
    this.runs.reconciles++;
    const pool = this.deps.topology().pools.get(poolName);
    if (!pool) {
      // Its records stay: shown as a removed pool, and in force again if it comes back.
      this.blocked.delete(poolName);
      this.decisions.delete(poolName);
      return;
    }
    const shadow = this.isShadow(poolName);
    // Shadow mode touches no backend, not even to read it.
    const backend = shadow ? null : this.deps.backendFor(poolName);
    const kind = backend?.kind ?? '';
    const opts = { readmitting: false, holdDownMs: this.deps.settings().reload.holdDown };
    // Decided and committed first, with the backend as last read: a drain never waits for a backend.
    const now = this.deps.clock.now();
    const view = this.deps.view();
    const outcome = this.evaluate(pool, view, now, opts, this.ownership.external(poolName), kind);
    this.conditionSince.set(poolName, outcome.conditionSince);
    this.scheduleDebounce(outcome.debounceEndsAt, now);
    const admitted = [...outcome.decisions.values()].filter((d) => d.change === 'drain').map((d) => d.node);
    const planned = admitted.filter((n) => outcome.planned.has(n));
    const faults = admitted.filter((n) => !outcome.planned.has(n));
    if (faults.length > 0) this.drainNow(pool, faults, view, now, shadow);
    if (planned.length > 0) this.drainPlanned(pool, planned, outcome.planned, now, shadow);
    for (const rule of new Set(outcome.blocked.map((b) => b.rule))) this.runs.blocks.set(rule, (this.runs.blocks.get(rule) ?? 0) + 1);
    if (outcome.blocked.length === 0) this.blocked.delete(poolName);
    else this.blocked.set(poolName, outcome.blocked);
    this.notices.blocked(poolName, outcome.blocked);
    this.decisions.set(poolName, outcome.decisions);
    if (!backend) return;
    // Decided: the wall need not wait for the backend to show it.
    if (admitted.length > 0) this.poolChanged(poolName);

    const read = await this.sync.read(poolName, backend);
    let decisions = outcome.decisions;
    const before = this.ownership.external(poolName);
    const external = read.fresh && read.state ? this.externalFrom(poolName, read.state) : null;
    if (external && (external.size !== before.size || [...external.keys()].some((n) => !before.has(n)))) {
      // Someone took members out in the backend, or put them back: decide again with that.
      const again = this.evaluate(pool, this.deps.view(), this.deps.clock.now(), opts, external, kind);
      this.notices.external(poolName, kind, decisions, again.decisions);
      decisions = again.decisions;
      this.decisions.set(poolName, decisions);
      // A drain this second look would make waits for the next reconcile, which commits it first.
      if ([...decisions.values()].some((d) => d.change === 'drain')) this.enqueue(poolName);
    }
    const entries = desiredMembership(pool, decisions, this.bucket(this.drains, poolName), this.bucket(this.holds, poolName), view);
    const own = entries.filter((e) => e.state !== 'active' && decisions.get(e.node)?.gate.name !== 'external-hold').map((e) => e.node);
    // The records first, as far as the engine takes them; and only a process that may act touches a backend.
    await this.deps.store.durable();
    if (!this.deps.store.mayAct()) {
      this.deps.log.warn({ pool: poolName }, 'backend left untouched: this process may not act (it no longer holds the controller lease)');
      return;
    }
    if (await this.sync.apply(poolName, backend, entries, read.fresh ? read.state : null, own)) this.ownership.applied(poolName);
  }

  private drainNow(pool: PoolConfig, admitted: string[], view: PowerView, now: number, shadow: boolean): void {
    const records = this.bucket(this.drains, pool.name);
    const chain = drainChain(view, admitted, {
      pool: pool.name, total: pool.members.length, drainedAfter: records.size + admitted.length, cap: pool.drain.maxDrainedFraction, shadow,
    });
    const fresh = admitted.map((node): DrainRecord => ({
      pool: pool.name, node, reason: view.nodes.get(node)?.reason ?? 'power lost', since: now, chain, by: 'breakerbox', shadow,
    }));
    this.deps.store.putDrains(fresh); // committed before any backend is touched
    const times = admitted.map(() => now);
    this.deps.store.recordDrainTimes(pool.name, times);
    for (const r of fresh) records.set(r.node, r);
    this.recent.set(pool.name, [...(this.recent.get(pool.name) ?? []).filter((t) => t > now - MINUTE), ...times]);
    this.deps.events.add({
      type: shadow ? 'would-drain' : 'drain', severity: shadow ? 'warning' : 'critical', subject: pool.name,
      message: `${chain.cause} → ${chain.impact} → ${chain.action}`, chain,
    });
  }

  /** Members a maintenance window takes out ahead of its start: recorded as its, so its end lets them back. */
  private drainPlanned(pool: PoolConfig, admitted: string[], why: ReadonlyMap<string, string>, now: number, shadow: boolean): void {
    const records = this.bucket(this.drains, pool.name);
    const byWindow = new Map<string, string[]>();
    for (const node of admitted) {
      const window = this.deps.maintenance?.(pool.name, node)?.window ?? 'maintenance';
      byWindow.set(window, [...(byWindow.get(window) ?? []), node]);
    }
    for (const [window, nodes] of byWindow) {
      const chain = {
        cause: why.get(nodes[0]!)!,
        impact: `${nameRanges(nodes)} in its scope`,
        action: shadow
          ? `would drain ${nodes.length} of ${pool.members.length} from pool ${pool.name} (shadow mode: no backend touched)`
          : `drained ${nodes.length} of ${pool.members.length} from pool ${pool.name} (${records.size + nodes.length} drained, cap ${percent(pool.drain.maxDrainedFraction)}); back after the window`,
      };
      const fresh = nodes.map((node): DrainRecord => ({ pool: pool.name, node, reason: why.get(node)!, since: now, chain, by: 'breakerbox', shadow, maintenance: window }));
      this.deps.store.putDrains(fresh); // committed before any backend is touched
      this.deps.store.recordDrainTimes(pool.name, nodes.map(() => now));
      for (const r of fresh) records.set(r.node, r);
      this.recent.set(pool.name, [...(this.recent.get(pool.name) ?? []).filter((t) => t > now - MINUTE), ...nodes.map(() => now)]);
      this.deps.events.add({ type: shadow ? 'would-drain' : 'drain', severity: 'info', subject: pool.name, message: `${chain.cause} → ${chain.impact} → ${chain.action}`, chain });
    }
  }

  /** The controller's own timer looks again when the next debounce ends. */
  private scheduleDebounce(at: number | null, now: number): void {
    if (at === null || (this.debounceTimer && this.debounceTimer.at <= at)) return;
    this.debounceTimer?.timer.cancel();
    this.debounceTimer = { at, timer: this.deps.clock.setTimeout(() => { this.debounceTimer = null; this.enqueueAll(); }, at - now) };
  }

  /** Finds the frozen domains again when power health changed since last time; true when they changed. */
  private noteFrozen(): boolean {
    const view = this.deps.view();
    if (this.frozenFrom?.view === view && view.version !== undefined && this.frozenFrom.version === view.version) return false;
    this.frozenFrom = { view, version: view.version };
    const before = this.frozen;
    this.frozen = frozenDomains(this.deps.topology(), view, this.deps.facts, this.deps.settings().massFailure);
    this.notices.frozen(before, this.frozen);
    const key = (ds: FrozenDomain[]) => ds.map((d) => `${d.domain}:${[...d.nodes].join(',')}`).join('|');
    return key(before) !== key(this.frozen);
  }

  private bucket<T>(map: Map<string, Map<string, T>>, pool: string): Map<string, T> {
    let m = map.get(pool);
    if (!m) map.set(pool, (m = new Map()));
    return m;
  }
}

/** Node → why its domain is frozen, built once per list of frozen domains (each pool's gates ask of the same list). */
const frozenIndexes = new WeakMap<readonly FrozenDomain[], Map<string, string>>();
function frozenIndex(frozen: readonly FrozenDomain[]): Map<string, string> {
  let index = frozenIndexes.get(frozen);
  if (!index) {
    index = new Map();
    for (const d of frozen) for (const n of d.nodes) index.set(n, d.message);
    frozenIndexes.set(frozen, index);
  }
  return index;
}

/** Operator changes wait for a writable database: an unrecorded hold or drain would be forgotten at the next restart. */
function refuseUnlessWritable(store: DrainStore): void {
  const problem = store.unwritable();
  if (problem) throw new OperatorError(`${problem.message}; operator changes are refused until the database takes writes again`, 503, 'BB_ERR_STORAGE');
}

function recorded<T>(change: () => T): T {
  try {
    return change();
  } catch (err) {
    if (err instanceof StorageError) throw new OperatorError(`${err.message}; nothing was changed`, 503, 'BB_ERR_STORAGE');
    throw err;
  }
}
