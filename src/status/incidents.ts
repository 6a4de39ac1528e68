// Incidents of the status page: drafted by Breakerbox as a service leaves operational and kept up to
// date until every service it touched is back; edited and published only by an operator (a reason,
// audited, in one transaction with the change). Until an operator edits its words, a draft's title
// and text follow the chain; once published or edited, its words are the operator's and only its
// times, services and timeline go on following what happens.
import type { Clock } from '../clock.js';
import type { AuditEntry } from '../drain/drain-store.js';
import { draftIncident, type DraftContext, type IncidentService, type ServiceStateChange, type TimelineEntry } from './draft.js';
import { isIncidentState, type PublicState } from './states.js';

export interface IncidentEdit { time: number; by: string; action: 'edit' | 'publish'; why: string }

export interface Incident {
  id: number;
  status: 'draft' | 'published';
  title: string;
  text: string;
  /** An operator wrote the title or text: drafting no longer rewrites them. */
  edited: boolean;
  startedAt: number;
  resolvedAt: number | null;
  services: IncidentService[];
  timeline: TimelineEntry[];
  createdAt: number;
  updatedAt: number;
  publishedAt: number | null;
  /** Breakerbox's own words for the causes (device names included): operators only. */
  causes: string[];
  /** Who edited or published it, when and why: operators only. */
  edits: IncidentEdit[];
}

/** What the public page and feeds show of a published incident: no causes in device words, no operators, no reasons. */
export interface PublicIncident {
  id: number;
  title: string;
  text: string;
  startedAt: number;
  resolvedAt: number | null;
  services: { name: string; worst: PublicState }[];
  timeline: TimelineEntry[];
  publishedAt: number;
  updatedAt: number;
}

export function publicIncident(i: Incident): PublicIncident | null {
  if (i.status !== 'published' || i.publishedAt === null) return null;
  return {
    id: i.id, title: i.title, text: i.text, startedAt: i.startedAt, resolvedAt: i.resolvedAt,
    services: i.services.map((s) => ({ name: s.name, worst: s.worst })), timeline: i.timeline.map((t) => ({ ...t })),
    publishedAt: i.publishedAt, updatedAt: i.updatedAt,
  };
}

/** Where incidents are kept: the drain store (automatic writes never refused; operator changes with their audit entry, or not at all). */
export interface IncidentStore {
  incidents(): Incident[];
  putIncident(incident: Incident): void;
  incidentByOperator(incident: Incident, entry: Omit<AuditEntry, 'id'>): void;
}

/** An operator's request refused: an HTTP status and a stable code. */
export class IncidentError extends Error {
  constructor(message: string, readonly status: number, readonly code: 'BB_ERR_NOT_FOUND' | 'BB_ERR_BAD_REQUEST' | 'BB_ERR_NO_REASON') {
    super(message);
  }
}

export const MAX_TITLE = 200;
export const MAX_TEXT = 4_000;

export interface BookDeps {
  store: IncidentStore;
  clock: Clock;
  /** Recorded service-state changes at or after `t`, oldest first. */
  changesSince(t: number): ServiceStateChange[];
  context(): DraftContext;
}

export class IncidentBook {
  constructor(private readonly deps: BookDeps) {}

  /** Newest first. */
  list(): Incident[] {
    return this.deps.store.incidents().slice().sort((a, b) => b.id - a.id);
  }

  get(id: number): Incident | null {
    return this.deps.store.incidents().find((i) => i.id === id) ?? null;
  }

  /** The incident still going on, if any. */
  open(): Incident | null {
    return this.list().find((i) => i.resolvedAt === null) ?? null;
  }

  /**
   * A service's state changed (and was recorded): the first fault of a quiet time opens an incident,
   * and the one going on is drafted again from everything recorded since it began.
   */
  changed(change: { time: number; state: PublicState }): Incident | null {
    let incident = this.open();
    if (!incident) {
      if (!isIncidentState(change.state)) return null;
      const now = this.deps.clock.now();
      const id = Math.max(0, ...this.deps.store.incidents().map((i) => i.id)) + 1;
      incident = {
        id, status: 'draft', title: '', text: '', edited: false, startedAt: change.time, resolvedAt: null, services: [], timeline: [],
        createdAt: now, updatedAt: now, publishedAt: null, causes: [], edits: [],
      };
    }
    const updated = this.redraft(incident);
    this.deps.store.putIncident(updated);
    return updated;
  }

  /** An operator's new title or text (either or both), with why. */
  edit(id: number, change: { title?: unknown; text?: unknown }, by: string, why: string): Incident {
    const incident = this.found(id);
    const title = change.title === undefined ? undefined : words(change.title, 'title', MAX_TITLE);
    const text = change.text === undefined ? undefined : words(change.text, 'text', MAX_TEXT);
    if (title === undefined && text === undefined) throw new IncidentError('nothing to change: give "title", "text" or both', 400, 'BB_ERR_BAD_REQUEST');
    const now = this.deps.clock.now();
    const next: Incident = {
      ...incident, title: title ?? incident.title, text: text ?? incident.text, edited: true, updatedAt: now,
      edits: [...incident.edits, { time: now, by, action: 'edit', why }],
    };
    this.deps.store.incidentByOperator(next, { time: now, who: by, action: 'edit-incident', pool: null, node: null, why: `incident ${id}: ${why}` });
    return next;
  }

  /** Makes a draft public: on the status page and in its feeds from now on. */
  publish(id: number, by: string, why: string): Incident {
    const incident = this.found(id);
    if (incident.status === 'published') throw new IncidentError(`incident ${id} is already published`, 409, 'BB_ERR_BAD_REQUEST');
    const now = this.deps.clock.now();
    const next: Incident = { ...incident, status: 'published', publishedAt: now, updatedAt: now, edits: [...incident.edits, { time: now, by, action: 'publish', why }] };
    this.deps.store.incidentByOperator(next, { time: now, who: by, action: 'publish-incident', pool: null, node: null, why: `incident ${id}: ${why}` });
    return next;
  }

  private found(id: number): Incident {
    const incident = Number.isInteger(id) ? this.get(id) : null;
    if (!incident) throw new IncidentError(`no incident ${id}`, 404, 'BB_ERR_NOT_FOUND');
    return incident;
  }

  private redraft(incident: Incident): Incident {
    const draft = draftIncident(this.deps.changesSince(incident.startedAt), this.deps.context());
    const follows = incident.status === 'draft' && !incident.edited;
    return {
      ...incident,
      ...(follows ? { title: draft.title, text: draft.text } : {}),
      services: draft.services, timeline: draft.timeline, resolvedAt: draft.resolvedAt, causes: draft.causes,
      updatedAt: this.deps.clock.now(),
    };
  }
}

/** A title or text: a non-empty string within its length, trimmed. */
function words(value: unknown, what: string, max: number): string {
  if (typeof value !== 'string' || !value.trim()) throw new IncidentError(`${what} must be a non-empty string`, 400, 'BB_ERR_BAD_REQUEST');
  const trimmed = value.trim();
  // Control characters have no place in a public page or feed (XML cannot even carry most); a title is one line.
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(trimmed) || (what === 'title' && /[\r\n]/.test(trimmed))) {
    throw new IncidentError(`${what} has control characters${what === 'title' ? ' or line breaks' : ''}`, 400, 'BB_ERR_BAD_REQUEST');
  }
  if (trimmed.length > max) throw new IncidentError(`${what} is ${trimmed.length} characters long: at most ${max}`, 400, 'BB_ERR_BAD_REQUEST');
  return trimmed;
}
