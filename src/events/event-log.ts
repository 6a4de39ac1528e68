import type { Logger } from 'pino';
import type { ApiEvent } from '../http/api-types.js';
import type { Clock } from '../clock.js';

export type NewEvent = Omit<ApiEvent, 'id' | 'time'>;

/** The journal of what happened and what was done; kept in memory, newest last. */
export class EventLog {
  private readonly events: ApiEvent[] = [];
  private nextId = 1;
  private readonly listeners = new Set<(e: ApiEvent) => void>();

  constructor(private readonly clock: Clock, private readonly log: Logger, private readonly capacity = 2_000) {}

  add(event: NewEvent): ApiEvent {
    const full: ApiEvent = { id: this.nextId++, time: this.clock.now(), ...event };
    this.events.push(full);
    if (this.events.length > this.capacity) this.events.splice(0, this.events.length - this.capacity);
    const level = full.severity === 'critical' ? 'error' : full.severity === 'warning' ? 'warn' : 'info';
    this.log[level]({ event: full.type, subject: full.subject, id: full.id }, full.message);
    for (const listener of this.listeners) {
      try {
        listener(full);
      } catch (err) {
        this.log.error({ err }, 'event listener failed');
      }
    }
    return full;
  }

  /** Events with an id greater than `id`, oldest first. */
  since(id = 0, limit = 500): ApiEvent[] {
    const out = this.events.filter((e) => e.id > id);
    return out.slice(Math.max(0, out.length - limit));
  }

  latest(n: number): ApiEvent[] {
    return this.events.slice(-n);
  }

  subscribe(listener: (e: ApiEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
