import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { MembershipEntry, PoolBackend } from '../backends/pool-backend.js';
import type { EventLog } from '../events/event-log.js';
import type { Facts, NodeHealth, PowerView } from '../health/power-health.js';
import type { Topology } from '../health/topology.js';
import { drainChain } from './chain.js';
import { nameRanges } from './describe.js';
import { applySafetyRules, type Blocked } from './safety-rules.js';

/** Breakerbox's mark on a member it took out: it re-admits only what carries one. */
export interface DrainRecord {
  node: string;
  pool: string;
  reason: string;
  since: number;
  chain: { cause: string; impact: string; action: string };
}

export interface DrainControllerDeps {
  topology: () => Topology;
  view: () => PowerView;
  facts: Facts;
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

const BACKEND_RETRY_MS = 2_000;

const formatSeconds = (ms: number) => (ms % 60_000 === 0 ? `${ms / 60_000} min` : `${Math.round(ms / 1000)} s`);

/**
 * One reconcile loop per pool, level-triggered: triggers only enqueue a pool; reconcile reads
 * topology, power health, drain records and the backend, then writes the difference.
 */
export class DrainController {
  private readonly drains = new Map<string, Map<string, DrainRecord>>();
  private readonly blocked = new Map<string, Blocked>();
  private readonly lastApplied = new Map<string, string>();
  private readonly dirty = new Set<string>();
  private readonly backendFailing = new Set<string>();
  private running: Promise<void> | null = null;
  private retry: { cancel(): void } | null = null;
  private stopped = false;

  constructor(private readonly deps: DrainControllerDeps) {}

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
    while (this.running) await this.running;
  }

  stop(): void {
    this.stopped = true;
    this.retry?.cancel();
  }

  records(pool: string): DrainRecord[] {
    return [...(this.drains.get(pool)?.values() ?? [])];
  }

  blockedIn(pool: string): Blocked | null {
    return this.blocked.get(pool) ?? null;
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
        else {
          outcome.readmitted.push(record.node);
          records.delete(record.node);
        }
      }
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

  private kick(): void {
    if (this.running || this.stopped) return;
    this.running = (async () => {
      // Yield once so a burst of triggers coalesces into one reconcile per pool.
      await new Promise((r) => setImmediate(r));
      while (this.dirty.size > 0 && !this.stopped) {
        const pools = [...this.dirty];
        this.dirty.clear();
        await Promise.all(pools.map((pool) => this.reconcile(pool)));
      }
    })().finally(() => { this.running = null; });
  }

  private async reconcile(poolName: string): Promise<void> {
    const topology = this.deps.topology();
    const pool = topology.pools.get(poolName);
    let records = this.drains.get(poolName);
    if (!pool) {
      this.drains.delete(poolName);
      this.blocked.delete(poolName);
      return;
    }
    if (!records) this.drains.set(poolName, (records = new Map()));
    for (const node of records.keys()) if (!pool.members.includes(node)) records.delete(node);

    const view = this.deps.view();
    const now = this.deps.clock.now();
    const drainOn = new Set(['lost', ...pool.drain.on]);
    const candidates = pool.members.filter((m) => !records.has(m) && drainOn.has(view.nodes.get(m)?.power ?? 'unknown'));
    const { admitted, blocked } = applySafetyRules(pool, records.size, candidates);

    if (admitted.length > 0) {
      const drainedAfter = records.size + admitted.length;
      const chain = drainChain(view, admitted, {
        pool: poolName, total: pool.members.length, drainedAfter, cap: pool.drain.maxDrainedFraction,
      });
      for (const node of admitted) {
        records.set(node, { node, pool: poolName, reason: view.nodes.get(node)?.reason ?? 'power lost', since: now, chain });
      }
      this.deps.events.add({
        type: 'drain', severity: 'critical', subject: poolName,
        message: `${chain.cause} → ${chain.impact} → ${chain.action}`, chain,
      });
    }
    this.noteBlocked(poolName, blocked);
    await this.applyToBackend(poolName, pool.members, records, view);
  }

  private noteBlocked(pool: string, blocked: Blocked | null): void {
    const before = this.blocked.get(pool);
    if (!blocked) {
      this.blocked.delete(pool);
      return;
    }
    this.blocked.set(pool, blocked);
    if (before && before.rule === blocked.rule && before.nodes.join() === blocked.nodes.join()) return;
    this.deps.events.add({
      type: 'drain-blocked', severity: 'critical', subject: pool,
      message: `drain of ${nameRanges(blocked.nodes)} from pool ${pool} blocked by rule ${blocked.rule}: ${blocked.message}`,
      chain: { cause: `${nameRanges(blocked.nodes)} lost power`, impact: `pool ${pool} would drop below its safety margin`, action: `not drained (rule ${blocked.rule})` },
    });
  }

  private async applyToBackend(pool: string, members: readonly string[], records: Map<string, DrainRecord>, view: PowerView): Promise<void> {
    const blocked = this.blocked.get(pool);
    const entries: MembershipEntry[] = members.map((node) => {
      const record = records.get(node);
      if (record) return { node, state: 'drained', reason: record.reason, since: record.since };
      const reason = blocked?.nodes.includes(node) ? `drain blocked by ${blocked.rule}` : view.nodes.get(node)?.power === 'normal' ? null : view.nodes.get(node)?.reason ?? null;
      return { node, state: 'active', reason, since: null };
    });
    const backend = this.deps.backendFor(pool);
    const desired = JSON.stringify(entries.map((e) => [e.node, e.state, e.reason]));
    try {
      const actual = await backend.readActive(pool);
      const wantActive = entries.filter((e) => e.state === 'active').map((e) => e.node);
      const drifted = actual !== null && (actual.size !== wantActive.length || wantActive.some((n) => !actual.has(n)));
      if (actual !== null && !drifted && this.lastApplied.get(pool) === desired) return;
      if (drifted && this.lastApplied.has(pool) && this.lastApplied.get(pool) === desired) {
        this.deps.log.warn({ pool, backend: backend.kind }, 'backend drifted from desired membership; re-applying');
      }
      await backend.apply(pool, entries);
      this.lastApplied.set(pool, desired);
      if (this.backendFailing.delete(pool)) {
        this.deps.events.add({ type: 'backend-recovered', severity: 'info', subject: pool, message: `${backend.kind} backend of pool ${pool} written again` });
      }
    } catch (err) {
      if (!this.backendFailing.has(pool)) {
        this.backendFailing.add(pool);
        this.deps.events.add({ type: 'backend-error', severity: 'critical', subject: pool, message: `cannot update the ${backend.kind} backend of pool ${pool}: ${(err as Error).message}; retrying` });
      }
      this.retry?.cancel();
      this.retry = this.deps.clock.setTimeout(() => this.enqueue(pool), BACKEND_RETRY_MS);
    }
  }
}
