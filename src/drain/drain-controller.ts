import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { MembershipEntry, PoolBackend } from '../backends/pool-backend.js';
import type { Config, PoolConfig } from '../config/schema.js';
import type { EventLog } from '../events/event-log.js';
import type { Facts, NodeHealth, PowerView } from '../health/power-health.js';
import type { Topology } from '../health/topology.js';
import { drainChain } from './chain.js';
import { nameRanges } from './describe.js';
import { drainCondition } from './drain-policy.js';
import type { DrainRecord, DrainStore, Hold } from './drain-store.js';
import { frozenDomains, type FrozenDomain } from './mass-failure.js';
import { applySafetyRules, type Blocked } from './safety-rules.js';

export type { DrainRecord } from './drain-store.js';

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
}

export interface ReadmitOutcome {
  pool: string;
  readmitted: string[];
  kept: { node: string; why: string }[];
}

export class OperatorError extends Error {
  constructor(message: string, readonly status: number, readonly code: string) {
    super(message);
  }
}

const MINUTE = 60_000;
const BLOCKED_REPEAT_MS = 10 * MINUTE;
const RETRY_FIRST_MS = 1_000;
const RETRY_MAX_MS = 60_000;
const formatSeconds = (ms: number) => (ms % 60_000 === 0 ? `${ms / 60_000} min` : `${Math.round(ms / 1000)} s`);

/**
 * One reconcile loop per pool, level-triggered: triggers only enqueue a pool; reconcile reads
 * topology, power health, drain records, holds and the backend, then writes the difference.
 * Records are committed before any backend is touched; Breakerbox re-admits only what it drained
 * and never changes a member an operator holds.
 */
export class DrainController {
  private readonly drains = new Map<string, Map<string, DrainRecord>>();
  private readonly holds = new Map<string, Map<string, Hold>>();
  private readonly recent = new Map<string, number[]>(); // drain times per pool, for the rate limit
  private readonly conditionSince = new Map<string, number>(); // "pool node" → when it first met its drain condition
  private readonly blocked = new Map<string, Blocked[]>();
  private readonly blockedSaid = new Map<string, number>();
  private frozen: FrozenDomain[] = [];
  private readonly lastApplied = new Map<string, string>();
  private readonly retries = new Map<string, { attempt: number; timer: { cancel(): void }; due: boolean }>();
  private readonly dirty = new Set<string>();
  private debounceTimer: { at: number; timer: { cancel(): void } } | null = null;
  private readonly inFlight = new Map<string, Promise<void>>();
  private stopped = false;

  constructor(private readonly deps: DrainControllerDeps) {
    for (const r of deps.store.drains()) this.bucket(this.drains, r.pool).set(r.node, r);
    for (const h of deps.store.holds()) this.bucket(this.holds, h.pool).set(h.node, h);
  }

  enqueue(pool: string): void {
    this.dirty.add(pool);
    this.kick();
  }

  enqueueAll(): void {
    for (const pool of this.deps.topology().pools.keys()) this.dirty.add(pool);
    this.kick();
  }

  /** Resolves when every enqueued pool has been reconciled. */
  async settle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight.values()]);
  }

  stop(): void {
    this.stopped = true;
    for (const r of this.retries.values()) r.timer.cancel();
    this.debounceTimer?.timer.cancel();
  }

  records(pool: string): DrainRecord[] {
    return [...(this.drains.get(pool)?.values() ?? [])];
  }

  holdsIn(pool: string): Hold[] {
    return [...(this.holds.get(pool)?.values() ?? [])];
  }

  blockedIn(pool: string): Blocked[] {
    return this.blocked.get(pool) ?? [];
  }

  frozenDomains(): FrozenDomain[] {
    return this.frozen;
  }

  isShadow(pool: string): boolean {
    return this.deps.topology().pools.get(pool)?.shadow ?? this.deps.settings().mode === 'shadow';
  }

  // ---- operator control ------------------------------------------------------------------

  hold(pool: string, node: string, mode: 'out' | 'in', reason: string, by: string): Hold {
    this.member(pool, node);
    const hold: Hold = { pool, node, mode, reason, by, since: this.deps.clock.now() };
    this.deps.store.putHold(hold);
    this.deps.store.audit({ time: hold.since, who: by, action: `hold-${mode}`, pool, node, why: reason });
    this.bucket(this.holds, pool).set(node, hold);
    // An operator's decision supersedes Breakerbox's own mark.
    if (this.drains.get(pool)?.delete(node)) this.deps.store.deleteDrains([{ pool, node }]);
    this.deps.events.add({ type: 'hold', severity: 'info', subject: pool, message: `${by} holds ${node} ${mode === 'out' ? 'out of' : 'in'} pool ${pool}: ${reason}` });
    this.enqueue(pool);
    return hold;
  }

  release(pool: string, node: string, reason: string, by: string): void {
    this.member(pool, node);
    if (!this.deps.store.deleteHold(pool, node)) throw new OperatorError(`${node} is not held in pool ${pool}`, 404, 'BB_ERR_NOT_HELD');
    this.holds.get(pool)?.delete(node);
    this.deps.store.audit({ time: this.deps.clock.now(), who: by, action: 'release', pool, node, why: reason });
    this.deps.events.add({ type: 'release', severity: 'info', subject: pool, message: `${by} released ${node} in pool ${pool}: ${reason}` });
    this.enqueue(pool);
  }

  /** A drain by hand: Breakerbox owns it from now on, and re-admits it at a reload once its power is normal. */
  drain(pool: string, node: string, reason: string, by: string): DrainRecord {
    this.member(pool, node);
    if (this.holds.get(pool)?.has(node)) throw new OperatorError(`${node} is held in pool ${pool}: release it first`, 409, 'BB_ERR_HELD');
    const now = this.deps.clock.now();
    const record: DrainRecord = {
      pool, node, reason: `drained by ${by}: ${reason}`, since: now, by, shadow: this.isShadow(pool),
      chain: { cause: reason, impact: node, action: `${by} drained ${node} from pool ${pool}` },
    };
    this.deps.store.putDrains([record]);
    this.deps.store.audit({ time: now, who: by, action: 'drain', pool, node, why: reason });
    this.bucket(this.drains, pool).set(node, record);
    this.deps.events.add({ type: 'drain', severity: 'warning', subject: pool, message: `${by} drained ${node} from pool ${pool}: ${reason}`, chain: record.chain });
    this.enqueue(pool);
    return record;
  }

  /** The reload's re-admission: drained members with normal power that answered for the hold-down go back. */
  readmit(holdDownMs: number): ReadmitOutcome[] {
    const now = this.deps.clock.now();
    const view = this.deps.view();
    const outcomes: ReadmitOutcome[] = [];
    for (const [pool, records] of this.drains) {
      if (records.size === 0) continue;
      const outcome: ReadmitOutcome = { pool, readmitted: [], kept: [] };
      for (const record of records.values()) {
        const why = this.whyNotReadmit(view.nodes.get(record.node), now, holdDownMs);
        if (why) outcome.kept.push({ node: record.node, why });
        else outcome.readmitted.push(record.node);
      }
      this.deps.store.deleteDrains(outcome.readmitted.map((node) => ({ pool, node })));
      for (const node of outcome.readmitted) records.delete(node);
      outcomes.push(outcome);
      this.dirty.add(pool);
    }
    this.kick();
    return outcomes;
  }

  private whyNotReadmit(health: NodeHealth | undefined, now: number, holdDownMs: number): string | null {
    if (!health) return 'no longer configured';
    if (health.power !== 'normal') return health.power === 'lost' ? 'still without power' : `power ${health.power}`;
    const since = this.deps.facts.node(health.name)?.reachableSince ?? null;
    if (health.reachable !== true || since === null) return 'not answering';
    if (now - since < holdDownMs) return `back for less than the ${formatSeconds(holdDownMs)} hold-down`;
    return null;
  }

  private member(pool: string, node: string): PoolConfig {
    const p = this.deps.topology().pools.get(pool);
    if (!p) throw new OperatorError(`no pool "${pool}"`, 404, 'BB_ERR_NO_POOL');
    if (!p.members.includes(node)) throw new OperatorError(`${node} is not a member of pool ${pool}`, 404, 'BB_ERR_NOT_MEMBER');
    return p;
  }

  // ---- the loop --------------------------------------------------------------------------

  /** Each pool reconciles on its own: a slow backend holds up its own pool, never the others. */
  private kick(): void {
    if (this.stopped) return;
    for (const pool of [...this.dirty]) {
      if (this.inFlight.has(pool)) continue;
      this.dirty.delete(pool);
      const run = (async () => {
        // Yield once so a burst of triggers coalesces into one reconcile.
        await new Promise((r) => setImmediate(r));
        this.dirty.delete(pool);
        this.noteFrozen();
        await this.reconcile(pool);
      })().catch((err: unknown) => this.deps.log.error({ err: (err as Error).message, pool }, 'reconcile failed'))
        .finally(() => {
          this.inFlight.delete(pool);
          if (this.dirty.has(pool)) this.kick();
        });
      this.inFlight.set(pool, run);
    }
  }

  private async reconcile(poolName: string): Promise<void> {
    const topology = this.deps.topology();
    const pool = topology.pools.get(poolName);
    if (!pool) {
      this.drains.delete(poolName);
      this.blocked.delete(poolName);
      return;
    }
    const records = this.bucket(this.drains, poolName);
    const holds = this.bucket(this.holds, poolName);
    const view = this.deps.view();
    const now = this.deps.clock.now();
    const shadow = this.isShadow(poolName);

    const candidates = this.debounced(pool, now, (node) =>
      records.has(node) || holds.has(node) ? null : drainCondition(pool, view.nodes.get(node), topology, this.deps.facts));
    const recent = (this.recent.get(poolName) ?? []).filter((t) => t > now - MINUTE);
    const frozenBy = new Map<string, string>();
    for (const d of this.frozen) for (const n of d.nodes) frozenBy.set(n, d.message);
    const heldOut = [...holds.values()].filter((h) => h.mode === 'out').length;
    const { admitted, blocked } = applySafetyRules({
      pool, active: pool.members.length - records.size - heldOut, drained: records.size, recentDrains: recent.length,
      frozen: (n) => frozenBy.get(n) ?? null,
    }, candidates);

    if (admitted.length > 0) {
      const chain = drainChain(view, admitted, {
        pool: poolName, total: pool.members.length, drainedAfter: records.size + admitted.length, cap: pool.drain.maxDrainedFraction, shadow,
      });
      const fresh = admitted.map((node): DrainRecord => ({
        pool: poolName, node, reason: view.nodes.get(node)?.reason ?? 'power lost', since: now, chain, by: 'breakerbox', shadow,
      }));
      this.deps.store.putDrains(fresh); // committed before any backend is touched
      for (const r of fresh) records.set(r.node, r);
      this.recent.set(poolName, [...recent, ...admitted.map(() => now)]);
      this.deps.events.add({
        type: shadow ? 'would-drain' : 'drain', severity: shadow ? 'warning' : 'critical', subject: poolName,
        message: `${chain.cause} → ${chain.impact} → ${chain.action}`, chain,
      });
    }
    this.noteBlocked(poolName, blocked);
    if (!shadow) await this.applyToBackend(poolName, pool.members, records, holds, view);
  }

  /** Members whose drain condition has held for the pool's debounce; schedules a look when the next one will have. */
  private debounced(pool: PoolConfig, now: number, condition: (node: string) => string | null): string[] {
    const out: string[] = [];
    let next = Infinity;
    for (const node of pool.members) {
      const key = `${pool.name} ${node}`;
      if (!condition(node)) {
        this.conditionSince.delete(key);
        continue;
      }
      const since = this.conditionSince.get(key) ?? now;
      this.conditionSince.set(key, since);
      if (now - since >= pool.drain.debounce) out.push(node);
      else next = Math.min(next, since + pool.drain.debounce);
    }
    if (next < Infinity && (!this.debounceTimer || this.debounceTimer.at > next)) {
      this.debounceTimer?.timer.cancel();
      this.debounceTimer = { at: next, timer: this.deps.clock.setTimeout(() => { this.debounceTimer = null; this.enqueueAll(); }, next - now) };
    }
    return out;
  }

  private noteFrozen(): void {
    const before = new Set(this.frozen.map((d) => d.domain));
    this.frozen = frozenDomains(this.deps.topology(), this.deps.view(), this.deps.facts, this.deps.settings().massFailure);
    const now = new Set(this.frozen.map((d) => d.domain));
    for (const d of this.frozen) {
      if (!before.has(d.domain)) this.deps.events.add({ type: 'monitoring-fault', severity: 'critical', subject: d.domain, message: `${d.message}: automatic drains frozen there (rule mass-failure)` });
    }
    for (const name of before) {
      if (!now.has(name)) this.deps.events.add({ type: 'monitoring-recovered', severity: 'info', subject: name, message: `${name}: PDUs and nodes agree again; automatic drains resume` });
    }
  }

  private noteBlocked(pool: string, blocked: Blocked[]): void {
    if (blocked.length === 0) this.blocked.delete(pool);
    else this.blocked.set(pool, blocked);
    const now = this.deps.clock.now();
    for (const b of blocked) {
      // The same refusal is said once, not again each time a wavering fact lets it lapse and return.
      const key = `${pool} ${b.rule} ${b.nodes.join()}`;
      if ((this.blockedSaid.get(key) ?? -Infinity) + BLOCKED_REPEAT_MS > now) continue;
      if (this.blockedSaid.size > 1_000) this.blockedSaid.clear();
      this.blockedSaid.set(key, now);
      this.deps.events.add({
        type: 'drain-blocked', severity: 'critical', subject: pool,
        message: `drain of ${nameRanges(b.nodes)} from pool ${pool} blocked by rule ${b.rule}: ${b.message}`,
        chain: { cause: `${nameRanges(b.nodes)} met the pool's drain policy`, impact: `pool ${pool} would break rule ${b.rule}`, action: `not drained (rule ${b.rule})` },
      });
    }
  }

  private async applyToBackend(pool: string, members: readonly string[], records: Map<string, DrainRecord>, holds: Map<string, Hold>, view: PowerView): Promise<void> {
    const blockedNodes = new Map<string, string>();
    for (const b of this.blocked.get(pool) ?? []) for (const n of b.nodes) blockedNodes.set(n, b.rule);
    const entries: MembershipEntry[] = members.map((node) => {
      const hold = holds.get(node);
      if (hold?.mode === 'out') return { node, state: 'held', reason: `held out by ${hold.by}: ${hold.reason}`, since: hold.since };
      const record = records.get(node);
      if (record && !record.shadow) return { node, state: 'drained', reason: record.reason, since: record.since };
      const health = view.nodes.get(node);
      const reason = blockedNodes.has(node) ? `drain blocked by ${blockedNodes.get(node)}` : health?.power === 'normal' ? null : health?.reason ?? null;
      return { node, state: 'active', reason, since: null };
    });
    const backend = this.deps.backendFor(pool);
    const desired = JSON.stringify(entries.map((e) => [e.node, e.state, e.reason]));
    // A failing backend is tried again when its backoff says so, not at every reconcile.
    const pending = this.retries.get(pool);
    if (pending && !pending.due) return;
    try {
      const actual = await backend.readActive(pool);
      const wantActive = entries.filter((e) => e.state === 'active').map((e) => e.node);
      const drifted = actual !== null && (actual.size !== wantActive.length || wantActive.some((n) => !actual.has(n)));
      if (actual !== null && !drifted && this.lastApplied.get(pool) === desired) return;
      if (drifted && this.lastApplied.get(pool) === desired) {
        this.deps.events.add({ type: 'backend-drift', severity: 'warning', subject: pool, message: `the ${backend.kind} backend of pool ${pool} no longer matches (reloaded or edited): desired membership re-applied` });
      }
      await backend.apply(pool, entries);
      this.lastApplied.set(pool, desired);
      const retry = this.retries.get(pool);
      if (retry) {
        retry.timer.cancel();
        this.retries.delete(pool);
        this.deps.events.add({ type: 'backend-recovered', severity: 'info', subject: pool, message: `${backend.kind} backend of pool ${pool} updated again` });
      }
    } catch (err) {
      // Retried with backoff; other pools are not held up.
      const previous = this.retries.get(pool);
      const attempt = (previous?.attempt ?? 0) + 1;
      previous?.timer.cancel();
      const delay = Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** (attempt - 1));
      if (!previous) {
        this.deps.events.add({ type: 'backend-error', severity: 'critical', subject: pool, message: `cannot update the ${backend.kind} backend of pool ${pool}: ${(err as Error).message}; retrying` });
      }
      this.deps.log.warn({ pool, backend: backend.kind, attempt, retryInMs: delay, err: (err as Error).message }, 'backend update failed');
      const retry = { attempt, due: false, timer: this.deps.clock.setTimeout(() => { retry.due = true; this.enqueue(pool); }, delay) };
      this.retries.set(pool, retry);
    }
  }

  private bucket<T>(map: Map<string, Map<string, T>>, pool: string): Map<string, T> {
    let m = map.get(pool);
    if (!m) map.set(pool, (m = new Map()));
    return m;
  }
}
