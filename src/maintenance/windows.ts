// Maintenance windows as configured: one-off or recurring, each over one scope (sites, rows, racks,
// PDUs or pools). During a window its scope's alerts page nobody and the wall shows it "in
// maintenance"; a window with `drain` takes its scope's servers out of their pools ahead of its start
// (within the safety rules) and lets them back after its end.
import { z } from 'zod';
import { duration } from '../config/duration.js';
import type { Topology } from '../health/topology.js';
import { knownZone, nextStart, occurrenceAt, parseLocalDateTime, parseRecurrence, type Recurring } from './schedule.js';

const SCOPE_KINDS = ['site', 'row', 'rack', 'pdu', 'pool'] as const;
type ScopeKind = (typeof SCOPE_KINDS)[number];
const names = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).transform((v) => (typeof v === 'string' ? [v] : v));
const MAX_LENGTH_MS = 7 * 24 * 3_600_000;

export const maintenanceSchema = z.object({
  name: z.string().min(1).regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, ".", "_" and "-" only'),
  /** Said on the wall, in events and in every muted alert. */
  reason: z.string().min(1).default('planned maintenance'),
  /** Exactly one of: site, row, rack, pdu, pool — a name or a list of names. */
  scope: z.object({ site: names.optional(), row: names.optional(), rack: names.optional(), pdu: names.optional(), pool: names.optional() }).strict()
    .refine((s) => Object.values(s).filter((v) => v !== undefined).length === 1, 'one of site, row, rack, pdu or pool (a name or a list of names)'),
  /** The zone `start`, `end` and `at` are read in ("Europe/Berlin"); default: this machine's. */
  timezone: z.string().refine(knownZone, 'a time zone this machine knows, such as "Europe/Berlin" or "UTC"').optional(),
  /** One-off: "2026-12-12T02:00" (in `timezone`) or with an offset ("2026-12-12T02:00+01:00"). */
  start: z.string().optional(),
  end: z.string().optional(),
  /** Recurring: "day", "saturday", "tuesday, thursday", "first saturday", "last sunday", "15". */
  every: z.string().optional(),
  /** Recurring: the local start time, "HH:MM". */
  at: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a local time such as "02:00"').optional(),
  /** Recurring: how long each lasts (at most 7 days). */
  for: duration.optional(),
  /** Take the scope's servers out of their pools this long before the start, and let them back after the end. */
  drain: z.object({ before: duration.default(15 * 60_000) }).strict().optional(),
}).strict().superRefine((w, ctx) => {
  const zone = w.timezone ?? localZone();
  const oneOff = w.start !== undefined || w.end !== undefined;
  const recurring = w.every !== undefined || w.at !== undefined || w.for !== undefined;
  if (oneOff === recurring) {
    ctx.addIssue({ code: 'custom', path: [], message: `maintenance window ${w.name} needs either start and end (one-off) or every, at and for (recurring)` });
    return;
  }
  if (oneOff) {
    const start = w.start === undefined ? null : parseLocalDateTime(w.start, zone);
    const end = w.end === undefined ? null : parseLocalDateTime(w.end, zone);
    for (const [key, text, t] of [['start', w.start, start], ['end', w.end, end]] as const) {
      if (t === null) ctx.addIssue({ code: 'custom', path: [key], message: text === undefined ? `${key} is missing` : `"${text}" is not a date and time such as "2026-12-12T02:00"` });
    }
    if (start !== null && end !== null && end <= start) ctx.addIssue({ code: 'custom', path: ['end'], message: 'end must come after start' });
    return;
  }
  for (const key of ['every', 'at', 'for'] as const) if (w[key] === undefined) ctx.addIssue({ code: 'custom', path: [key], message: `${key} is missing (a recurring window needs every, at and for)` });
  if (w.every !== undefined) {
    const r = parseRecurrence(w.every);
    if (typeof r === 'string') ctx.addIssue({ code: 'custom', path: ['every'], message: r });
  }
  if (w.for !== undefined && (w.for <= 0 || w.for > MAX_LENGTH_MS)) ctx.addIssue({ code: 'custom', path: ['for'], message: 'a window lasts more than nothing and at most 7 days' });
});

export type MaintenanceConfig = z.infer<typeof maintenanceSchema>;

export function localZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** A window as its times are computed: one-off instants or a recurrence. */
export interface Window {
  name: string;
  reason: string;
  scope: { kind: ScopeKind; names: string[] };
  zone: string;
  /** Pre-drain lead, ms; null: the window drains nothing. */
  drainLeadMs: number | null;
  times: { start: number; end: number } | Recurring;
}

export function compile(w: MaintenanceConfig): Window {
  const zone = w.timezone ?? localZone();
  const kind = SCOPE_KINDS.find((k) => w.scope[k] !== undefined)!;
  const times = w.every !== undefined
    ? { recurrence: parseRecurrence(w.every) as Exclude<ReturnType<typeof parseRecurrence>, string>, atMinutes: Number(w.at!.slice(0, 2)) * 60 + Number(w.at!.slice(3)), lengthMs: w.for!, zone }
    : { start: parseLocalDateTime(w.start!, zone)!, end: parseLocalDateTime(w.end!, zone)! };
  return { name: w.name, reason: w.reason, scope: { kind, names: w.scope[kind]! }, zone, drainLeadMs: w.drain?.before ?? null, times };
}

/** Where a window stands at an instant: the occurrence in force (or the next), and its phase. */
export interface WindowState {
  name: string;
  reason: string;
  scope: { kind: ScopeKind; names: string[] };
  /** draining: before the start, its servers leaving their pools; active: under way; upcoming: next; done: a one-off that ended. */
  phase: 'draining' | 'active' | 'upcoming' | 'done';
  start: number | null;
  end: number | null;
  drains: boolean;
}

export function stateAt(w: Window, now: number): WindowState {
  const lead = w.drainLeadMs ?? 0;
  const base = { name: w.name, reason: w.reason, scope: w.scope, drains: w.drainLeadMs !== null };
  let occ: { start: number; end: number } | null;
  let next: number | null = null;
  if ('recurrence' in w.times) {
    occ = occurrenceAt(w.times, now, lead);
    if (!occ) next = nextStart(w.times, now);
    if (next !== null) return { ...base, phase: 'upcoming', start: next, end: next + w.times.lengthMs };
  } else {
    const { start, end } = w.times;
    occ = start - lead <= now && now < end ? { start, end } : null;
    if (!occ) return { ...base, phase: now < start - lead ? 'upcoming' : 'done', start, end };
  }
  if (!occ) return { ...base, phase: 'done', start: null, end: null };
  return { ...base, phase: now < occ.start ? 'draining' : 'active', start: occ.start, end: occ.end };
}

/** The next instant any window changes phase after `now` (a start less its lead, a start, an end), or null. */
export function nextChange(windows: readonly Window[], now: number): number | null {
  let best = Infinity;
  for (const w of windows) {
    const s = stateAt(w, now);
    const lead = w.drainLeadMs ?? 0;
    for (const t of [s.start === null ? null : s.start - lead, s.start, s.end]) if (t !== null && t > now && t < best) best = t;
  }
  return best === Infinity ? null : best;
}

/** What a window covers, from the topology: its nodes, PDUs, racks and pools. */
export interface Coverage {
  nodes: ReadonlySet<string>;
  pdus: ReadonlySet<string>;
  racks: ReadonlySet<string>;
  /** Only for a pool scope: the pools (a rack's servers leave every pool they are in). */
  pools: ReadonlySet<string> | null;
}

export function coverage(scope: Window['scope'], topology: Topology): Coverage {
  const wanted = new Set(scope.names);
  const nodes = new Set<string>();
  const pdus = new Set<string>();
  const racks = new Set<string>();
  if (scope.kind === 'pool') {
    for (const pool of wanted) for (const n of topology.pools.get(pool)?.members ?? []) nodes.add(n);
  } else if (scope.kind === 'pdu') {
    for (const pdu of wanted) {
      if (!topology.pdus.has(pdu)) continue;
      pdus.add(pdu);
      for (const n of topology.nodesFedBy(pdu)) nodes.add(n.name);
    }
  } else {
    for (const site of topology.config.sites) {
      for (const row of site.rows) {
        for (const rack of row.racks) {
          if (wanted.has(scope.kind === 'site' ? site.name : scope.kind === 'row' ? row.name : rack)) racks.add(rack);
        }
      }
    }
    for (const rack of racks) {
      const inside = topology.inRack(rack);
      for (const p of inside.pdus) pdus.add(p);
      for (const n of inside.nodes) nodes.add(n);
    }
  }
  if (scope.kind === 'pool' || scope.kind === 'pdu') {
    for (const n of nodes) racks.add(topology.nodes.get(n)!.rack);
    for (const p of pdus) racks.add(topology.pdus.get(p)!.rack);
  }
  return { nodes, pdus, racks, pools: scope.kind === 'pool' ? wanted : null };
}

/** Whether a thing with these labels is inside what the window covers. */
export function covers(c: Coverage, labels: { node?: string; pdu?: string; pool?: string; rack?: string }): boolean {
  if (labels.node !== undefined) return c.nodes.has(labels.node);
  if (labels.pdu !== undefined) return c.pdus.has(labels.pdu);
  if (labels.pool !== undefined) return c.pools?.has(labels.pool) ?? false;
  return false;
}
