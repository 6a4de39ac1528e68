// An incident drafted from the chain of what happened, in words a customer reads: "At 14:08 a
// breaker tripped in Dallas 3. 20 of 80 servers were taken out of rotation; inbound mail scanning
// ran at reduced capacity for 1 h 54 min. Restored at 16:02." Pure: it reads the recorded changes of
// the services' states (each with its pools' capacity and the causes Breakerbox gave) and names no
// device, address, pool or server: only services and sites.
import { localOf } from '../maintenance/schedule.js';
import { isIncidentState, STATE_LABEL, STATE_RANK, type PoolCapacity, type PublicState } from './states.js';

/** What a `service-state` event carries (ApiEvent.service): the service's state then, its pools and the causes. */
export interface ServiceStateDetail {
  name: string;
  state: PublicState;
  pools: PoolCapacity[];
  /** Breakerbox's own words for why members are out ("bank 1 breaker tripped on dal3-r07-a"): for operators only. */
  causes: string[];
}

export interface ServiceStateChange extends ServiceStateDetail { time: number }

export interface IncidentService { name: string; worst: PublicState; from: number; until: number | null }
export interface TimelineEntry { time: number; state: PublicState | null; text: string }

export interface Draft {
  title: string;
  text: string;
  services: IncidentService[];
  timeline: TimelineEntry[];
  /** When every service it touched was back (operational or in maintenance); null: still going on. */
  resolvedAt: number | null;
  /** Breakerbox's words for the causes (device names included): for operators. */
  causes: string[];
}

export interface DraftContext {
  /** Zone the times are told in. */
  zone: string;
  /** The site a PDU stands in, or null. */
  siteOf(pdu: string): string | null;
}

/**
 * Drafts the incident that began at the first of `changes` (a service leaving operational): reads on
 * until every service it touched is back; what comes after belongs to the next incident.
 */
export function draftIncident(changes: readonly ServiceStateChange[], ctx: DraftContext): Draft {
  const all = [...changes].sort((a, b) => a.time - b.time);
  // It begins with the first fault: a service's recovery recorded in the same instant is the last incident's.
  const sorted = all.slice(Math.max(0, all.findIndex((c) => isIncidentState(c.state))));
  const startedAt = sorted[0]?.time ?? 0;
  const current = new Map<string, PublicState>();
  const services = new Map<string, IncidentService>();
  const peak = new Map<string, Peak>();
  const causes: string[] = [];
  const used: ServiceStateChange[] = [];
  let resolvedAt: number | null = null;
  for (const c of sorted) {
    used.push(c);
    current.set(c.name, c.state);
    for (const cause of c.causes) if (!causes.includes(cause)) causes.push(cause);
    for (const p of c.pools) {
      const seen = peak.get(p.pool) ?? { total: p.total, out: 0, drained: 0 };
      peak.set(p.pool, { total: p.total, out: Math.max(seen.out, p.drained + p.unpowered), drained: Math.max(seen.drained, p.drained) });
    }
    const s = services.get(c.name);
    if (isIncidentState(c.state)) {
      if (!s) services.set(c.name, { name: c.name, worst: c.state, from: c.time, until: null });
      else {
        if (STATE_RANK[c.state] > STATE_RANK[s.worst]) s.worst = c.state;
        s.until = null;
      }
    } else if (s && s.until === null) s.until = c.time;
    if ([...current.values()].every((state) => !isIncidentState(state))) {
      resolvedAt = c.time;
      break;
    }
  }
  const list = [...services.values()];
  const worst = list.some((s) => s.worst === 'outage') ? 'outage' : 'reduced';
  const names = list.map((s) => s.name);
  const sentences = [
    `At ${clock(startedAt, ctx.zone)} ${publicCause(causes, ctx.siteOf)}.`,
    capitalize([countsPhrase([...peak.values()]), servicesPhrase(list, resolvedAt)].filter(Boolean).join('; ')) + '.',
  ];
  if (resolvedAt !== null) sentences.push(`Restored at ${clock(resolvedAt, ctx.zone)}${sameDay(startedAt, resolvedAt, ctx.zone) ? '' : ` on ${dayName(resolvedAt, ctx.zone)}`}.`);
  return {
    title: `${capitalize(joinWords(names.map(lowerFirst)))} ${worst === 'outage' ? 'unavailable' : 'at reduced capacity'}`,
    text: sentences.join(' '),
    services: list,
    timeline: timeline(used),
    resolvedAt,
    causes,
  };
}

/**
 * One entry per moment the public could see something change: services that changed together to the
 * same state and capacity share it; a change the public cannot see (a server without power taken out
 * of rotation: as many in rotation as before) is left out.
 */
function timeline(changes: readonly ServiceStateChange[]): TimelineEntry[] {
  const out: (TimelineEntry & { names: string[]; detail: string })[] = [];
  const told = new Map<string, string>();
  for (const c of changes) {
    const detail = inRotation(c.pools);
    if (told.get(c.name) === `${c.state} ${detail}`) continue;
    told.set(c.name, `${c.state} ${detail}`);
    const last = out.at(-1);
    if (last && c.time - last.time < 1_000 && last.state === c.state && last.detail === detail) {
      if (!last.names.includes(c.name)) last.names.push(c.name);
      last.text = entryText(last.names, c.state, detail);
      continue;
    }
    out.push({ time: c.time, state: c.state, names: [c.name], detail, text: entryText([c.name], c.state, detail) });
  }
  return out.map(({ time, state, text }) => ({ time, state, text }));
}

function entryText(names: string[], state: PublicState, detail: string): string {
  return `${capitalize(joinWords(names.map(lowerFirst)))}: ${STATE_LABEL[state].toLowerCase()}${state === 'operational' ? '' : `, ${detail}`}`;
}

/** "60 of 80 servers in rotation", "76 of 80 and 4 of 4 servers in rotation". */
export function inRotation(pools: readonly PoolCapacity[]): string {
  return `${joinWords(pools.map((p) => `${p.inRotation} of ${p.total}`))} servers in rotation`;
}

/** The most of a pool's servers out at once during the incident, and the most of them taken out of rotation. */
interface Peak { total: number; out: number; drained: number }

/** "20 of 80 servers were taken out of rotation; 2 of 4 servers lost power", a phrase per pool (no pool is named). */
function countsPhrase(pools: readonly Peak[]): string {
  return pools.filter((p) => p.out > 0).map((p) => {
    const servers = `${p.out} of ${p.total} ${p.total === 1 ? 'server' : 'servers'}`;
    if (p.drained >= p.out) return `${servers} ${p.out === 1 ? 'was' : 'were'} taken out of rotation`;
    if (p.drained === 0) return `${servers} lost power`;
    return `${servers} lost power and ${p.drained} ${p.drained === 1 ? 'was' : 'were'} taken out of rotation`;
  }).join('; ');
}

/** "inbound mail scanning and outbound mail scanning ran at reduced capacity for 1 h 54 min": services grouped by what they went through. */
function servicesPhrase(services: readonly IncidentService[], resolvedAt: number | null): string {
  const groups = new Map<string, { outage: boolean; length: string | null; names: string[] }>();
  for (const s of services) {
    const until = s.until ?? resolvedAt;
    const length = until === null ? null : spokenLength(until - s.from);
    const outage = s.worst === 'outage';
    const key = `${outage}\u0000${length}`;
    const group = groups.get(key) ?? { outage, length, names: [] };
    group.names.push(lowerFirst(s.name));
    groups.set(key, group);
  }
  return [...groups.values()].map(({ outage, length, names }) => {
    const many = names.length > 1;
    const what = length === null
      ? (outage ? `${many ? 'are' : 'is'} unavailable` : `${many ? 'are' : 'is'} running at reduced capacity`)
      : (outage ? `${many ? 'were' : 'was'} unavailable for ${length}` : `ran at reduced capacity for ${length}`);
    return `${joinWords(names)} ${what}`;
  }).join(', and ');
}

/** The cause in public words, with the site: "a breaker tripped in Dallas 3". */
export function publicCause(causes: readonly string[], siteOf: (pdu: string) => string | null): string {
  const kinds: { what: string; pdu: string | null }[] = causes.map((c) => {
    let m = /breaker tripped on (\S+)/.exec(c);
    if (m) return { what: 'a breaker tripped', pdu: m[1]! };
    if ((m = /outlet \d+ switched off on (\S+)/.exec(c))) return { what: 'power to servers was switched off', pdu: m[1]! };
    if ((m = /inlet of (\S+) without voltage/.exec(c))) return { what: 'a rack power strip lost its supply', pdu: m[1]! };
    if ((m = /^(\S+) and every node it alone feeds stopped answering/.exec(c))) return { what: 'a rack power strip lost power', pdu: m[1]! };
    return { what: 'servers lost power', pdu: null };
  });
  if (kinds.length === 0) return 'servers lost power';
  const first = kinds[0]!;
  const breakers = new Set(kinds.filter((k) => k.what === 'a breaker tripped').map((k) => k.pdu));
  const what = first.what === 'a breaker tripped' && breakers.size > 1 ? 'breakers tripped' : first.what;
  const sites = [...new Set(kinds.flatMap((k) => (k.pdu ? siteOf(k.pdu) ?? [] : [])))];
  return sites.length ? `${what} in ${joinWords(sites)}` : what;
}

/** "1 h 54 min", "45 min", "12 s", "2 d 3 h". */
export function spokenLength(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const min = Math.floor(s / 60);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 24) return min % 60 ? `${h} h ${min % 60} min` : `${h} h`;
  return h % 24 ? `${Math.floor(h / 24)} d ${h % 24} h` : `${Math.floor(h / 24)} d`;
}

/** "14:08" in the zone. */
export function clock(t: number, zone: string): string {
  const l = localOf(zone, t);
  return `${String(l.h).padStart(2, '0')}:${String(l.min).padStart(2, '0')}`;
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** "12 March 2026" in the zone. */
export function dayName(t: number, zone: string): string {
  const l = localOf(zone, t);
  return `${l.d} ${MONTHS[l.m - 1]} ${l.y}`;
}

function sameDay(a: number, b: number, zone: string): boolean {
  return dayName(a, zone) === dayName(b, zone);
}

/** "a", "a and b", "a, b and c". */
export function joinWords(words: readonly string[]): string {
  return words.length <= 1 ? words.join('') : `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`;
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** "Inbound mail scanning" → "inbound mail scanning", but "SMTP relay" stays. */
function lowerFirst(s: string): string {
  return /^[A-Z][a-z]/.test(s) ? s.charAt(0).toLowerCase() + s.slice(1) : s;
}
