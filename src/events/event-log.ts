import type { Logger } from 'pino';
import type { ApiEvent } from '../http/api-types.js';
import type { Clock } from '../clock.js';
import { aggregationKey, isActionEvent } from './event-kinds.js';

export type NewEvent = Omit<ApiEvent, 'id' | 'time' | 'count' | 'firstTime' | 'replaces'>;

export interface EventLogOptions {
  /** How many action events are kept (drains, blocks, backend and monitoring faults…). */
  actionCapacity?: number;
  /** A repeat this soon after the previous one of its kind and source folds into it. */
  windowMs?: number;
  /** Ids carry on after this one (the journal's last stored id), so they stay unique across restarts. */
  lastId?: number;
}

/**
 * The journal of what happened and what was done; kept in memory, newest last, ids ascending.
 *
 * Two bounded rings: informational events (`capacity`) and action events (`actionCapacity`), so no
 * amount of the former evicts one of the latter; reads merge them by id. A repeat (see
 * aggregationKey) is re-issued under a new id carrying `count`, `firstTime` and `replaces` (the id
 * it supersedes, which is dropped): a client polling `since(lastId)` sees every update, and
 * subscribers get it as a new event.
 */
export class EventLog {
  private readonly info = new Map<number, ApiEvent>();
  private readonly actions = new Map<number, ApiEvent>();
  /** Aggregation key → id of the newest entry for it, and back. */
  private readonly open = new Map<string, number>();
  private readonly keyOf = new Map<number, string>();
  private nextId = 1;
  private readonly listeners = new Set<(e: ApiEvent) => void>();
  private readonly actionCapacity: number;
  private readonly windowMs: number;

  constructor(private readonly clock: Clock, private readonly log: Logger, private readonly capacity = 2_000, options: EventLogOptions = {}) {
    this.actionCapacity = options.actionCapacity ?? 20_000;
    this.windowMs = options.windowMs ?? 60_000;
    this.nextId = (options.lastId ?? 0) + 1;
  }

  /** Puts back events an earlier run recorded (oldest first), without telling subscribers: they are history, not news. */
  restore(events: readonly ApiEvent[]): void {
    for (const e of events) {
      if (e.id >= this.nextId) this.nextId = e.id + 1;
      const action = isActionEvent(e);
      const ring = action ? this.actions : this.info;
      ring.set(e.id, e);
      while (ring.size > (action ? this.actionCapacity : this.capacity)) this.forget(ring, ring.keys().next().value as number);
    }
  }

  add(event: NewEvent): ApiEvent {
    const now = this.clock.now();
    const action = isActionEvent(event);
    const ring = action ? this.actions : this.info;
    const key = aggregationKey(event);
    const prevId = key === null ? undefined : this.open.get(key);
    const prev = prevId === undefined ? undefined : ring.get(prevId);
    let full: ApiEvent;
    if (prev && now - prev.time <= this.windowMs) {
      this.forget(ring, prev.id);
      full = { ...event, id: this.nextId++, time: now, count: (prev.count ?? 1) + 1, firstTime: prev.firstTime ?? prev.time, replaces: prev.id };
    } else {
      full = { ...event, id: this.nextId++, time: now };
    }
    ring.set(full.id, full);
    if (key !== null) {
      this.open.set(key, full.id);
      this.keyOf.set(full.id, key);
    }
    const capacity = action ? this.actionCapacity : this.capacity;
    while (ring.size > capacity) this.forget(ring, ring.keys().next().value as number);
    this.note(full, prev);
    for (const listener of this.listeners) {
      try {
        listener(full);
      } catch (err) {
        this.log.error({ err }, 'event listener failed');
      }
    }
    return full;
  }

  /** Events with an id greater than `id`, oldest first; past `limit`, actions are kept before informational ones. */
  since(id = 0, limit = 500): ApiEvent[] {
    const after = (ring: Map<number, ApiEvent>) => [...ring.values()].filter((e) => e.id > id);
    return pick(after(this.actions), after(this.info), limit);
  }

  /** The newest `n` events, oldest first; actions are kept before informational ones. */
  latest(n: number): ApiEvent[] {
    return pick([...this.actions.values()], [...this.info.values()], n);
  }

  subscribe(listener: (e: ApiEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private forget(ring: Map<number, ApiEvent>, id: number): void {
    ring.delete(id);
    const key = this.keyOf.get(id);
    this.keyOf.delete(id);
    if (key !== undefined && this.open.get(key) === id) this.open.delete(key);
  }

  /** A repeat with the same message is logged at debug: the journal keeps news, not noise. */
  private note(e: ApiEvent, prev: ApiEvent | undefined): void {
    const level = prev && prev.message === e.message ? 'debug' : e.severity === 'critical' ? 'error' : e.severity === 'warning' ? 'warn' : 'info';
    this.log[level]({ event: e.type, subject: e.subject, id: e.id, ...(e.count ? { count: e.count } : {}) }, e.message);
  }
}

/** The newest `limit` of both lists (ascending by id), actions first, merged back in id order. */
function pick(actions: ApiEvent[], info: ApiEvent[], limit: number): ApiEvent[] {
  const n = Math.max(0, limit);
  const a = actions.slice(Math.max(0, actions.length - n));
  const i = info.slice(Math.max(0, info.length - (n - a.length)));
  const out: ApiEvent[] = [];
  let x = 0;
  let y = 0;
  while (x < a.length || y < i.length) {
    if (y >= i.length || (x < a.length && a[x]!.id < i[y]!.id)) out.push(a[x++]!);
    else out.push(i[y++]!);
  }
  return out;
}
