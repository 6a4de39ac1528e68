import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import { readBackendState, type BackendState, type MembershipEntry, type PoolBackend } from '../backends/pool-backend.js';
import type { EventLog } from '../events/event-log.js';

const RETRY_FIRST_MS = 1_000;
const RETRY_MAX_MS = 60_000;

export interface BackendSyncDeps {
  events: EventLog;
  clock: Clock;
  log: Logger;
  /** Asks for another reconcile of the pool (when a retry is due). */
  enqueue: (pool: string) => void;
}

/**
 * Reads each pool's backend and writes the difference: drift (the backend reloaded or edited) is
 * re-applied with an event, a failing backend is retried with backoff without holding up other
 * pools, and what Breakerbox itself took out is remembered, so it never undoes anyone else's work.
 */
export class BackendSync {
  private readonly lastApplied = new Map<string, string>();
  private readonly lastState = new Map<string, BackendState | null>();
  private readonly ownOut = new Map<string, Set<string>>();
  private readonly retries = new Map<string, { attempt: number; timer: { cancel(): void }; due: boolean; error: string }>();

  constructor(private readonly deps: BackendSyncDeps) {}

  /** The backend's state now; while a failed backend waits for its retry, the last state read (null: never read). */
  async read(pool: string, backend: PoolBackend): Promise<{ state: BackendState | null; fresh: boolean }> {
    if (this.waiting(pool)) return { state: this.lastState.get(pool) ?? null, fresh: false };
    try {
      const state = await readBackendState(backend, pool);
      this.lastState.set(pool, state);
      return { state, fresh: true };
    } catch (err) {
      this.failed(pool, backend, err);
      return { state: this.lastState.get(pool) ?? null, fresh: false };
    }
  }

  /** Whether Breakerbox's last apply took this member out itself (a drain, an operator's hold through it). */
  tookOut(pool: string, node: string): boolean {
    return this.ownOut.get(pool)?.has(node) ?? false;
  }

  /**
   * Applies `entries` unless the backend (`actual`, just read) already matches what was last applied.
   * `own`: the members out of service by Breakerbox's own decision in `entries`. True when the
   * backend matches now.
   */
  async apply(pool: string, backend: PoolBackend, entries: MembershipEntry[], actual: BackendState | null, own: Iterable<string>): Promise<boolean> {
    if (this.waiting(pool)) return false;
    const desired = JSON.stringify(entries.map((e) => [e.node, e.state, e.reason]));
    const wantActive = entries.filter((e) => e.state === 'active').map((e) => e.node);
    const drifted = actual !== null && (actual.active.size !== wantActive.length || wantActive.some((n) => !actual.active.has(n)));
    if (actual !== null && !drifted && this.lastApplied.get(pool) === desired) return true;
    // Drift: the backend lost what was applied (a restart forgets runtime state, a file edited by hand).
    const ownBack = actual !== null && [...(this.ownOut.get(pool) ?? [])].some((n) => actual.active.has(n));
    if (drifted && (this.lastApplied.get(pool) === desired || ownBack)) {
      this.deps.events.add({ type: 'backend-drift', severity: 'warning', subject: pool, message: `the ${backend.kind} backend of pool ${pool} no longer matches (reloaded or edited): desired membership re-applied` });
    }
    try {
      await backend.apply(pool, entries);
    } catch (err) {
      this.failed(pool, backend, err);
      return false;
    }
    this.lastApplied.set(pool, desired);
    this.ownOut.set(pool, new Set(own));
    const retry = this.retries.get(pool);
    if (retry) {
      retry.timer.cancel();
      this.retries.delete(pool);
      this.deps.events.add({ type: 'backend-recovered', severity: 'info', subject: pool, message: `${backend.kind} backend of pool ${pool} updated again` });
    }
    return true;
  }

  /** Pools whose backend failed its last update, with the error: until an update lands again. */
  failing(): Map<string, string> {
    return new Map([...this.retries].map(([pool, r]) => [pool, `${r.error} (${r.attempt} attempt${r.attempt === 1 ? '' : 's'})`]));
  }

  stop(): void {
    for (const r of this.retries.values()) r.timer.cancel();
  }

  /** A failing backend is tried again when its backoff says so, not at every reconcile. */
  private waiting(pool: string): boolean {
    const pending = this.retries.get(pool);
    return pending !== undefined && !pending.due;
  }

  private failed(pool: string, backend: PoolBackend, err: unknown): void {
    const previous = this.retries.get(pool);
    const attempt = (previous?.attempt ?? 0) + 1;
    previous?.timer.cancel();
    const delay = Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** (attempt - 1));
    if (!previous) {
      this.deps.events.add({ type: 'backend-error', severity: 'critical', subject: pool, message: `cannot update the ${backend.kind} backend of pool ${pool}: ${(err as Error).message}; retrying` });
    }
    this.deps.log.warn({ pool, backend: backend.kind, attempt, retryInMs: delay, err: (err as Error).message }, 'backend update failed');
    const retry = { attempt, due: false, error: `${(err as Error).message}`, timer: this.deps.clock.setTimeout(() => { retry.due = true; this.deps.enqueue(pool); }, delay) };
    this.retries.set(pool, retry);
  }
}
