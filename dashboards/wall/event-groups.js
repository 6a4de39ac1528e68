// What the event feed shows, worked out without the DOM: bursts of one kind and one cause folded into
// one line ("20 nodes back: scan-057…scan-076"), the cause → impact → action chain to keep pinned,
// and the filters. Plain functions of the events, so node tests can run them as the wall does.
import { ranges, sharedPrefix } from './format.js';

/** The longest quiet gap inside one burst: reboots after a cleared trip come over a poll interval or two. */
export const GROUP_WINDOW_MS = 60_000;
/** A chain's cause is looked for among the events this long before it. */
const CAUSE_WINDOW_MS = 60_000;
const MAX_RUNS_SHOWN = 3;
const MAX_NAMES_SHOWN = 3;

/** How a burst of a known kind is told: "20 nodes back", "3 PDUs answering again". */
const GROUP_WORDS = {
  'node-rebooted': ['node', 'back'],
  'pdu-reachable': ['PDU', 'answering again'],
  'pdu-unreachable': ['PDU', 'not answering'],
  'device-misbehaving': ['device', 'misbehaving'],
  'device-behaving': ['device', 'behaving again'],
};

const order = (a, b) => a.time - b.time || a.id - b.id;

/**
 * What makes events "of one cause": the same kind and severity, and the same message once the
 * subject is taken out of it ("scan-057 rebooted (sysUpTime restarted)" → "… rebooted (…)").
 * A decision carrying a chain is never folded (it is what the reader must see), nor is an event
 * whose message does not name its subject (there is nothing to tell the members apart by).
 */
export function groupKey(ev) {
  if (ev.chain || !ev.subject || !ev.message.includes(ev.subject)) return null;
  return `${ev.type}\u0000${ev.severity}\u0000${ev.message.split(ev.subject).join('\u0001')}`;
}

/**
 * The feed's lines, newest first: `{ ev }` for an event alone, `{ group }` for a burst of two or more
 * events with one groupKey, each within `windowMs` of the one before it. Other events in between do
 * not break a burst (a breaker's own events interleave with the reboots it causes), but a chain does:
 * a group never spans a decision. A group stands where its newest member does.
 */
export function foldEvents(events, { windowMs = GROUP_WINDOW_MS } = {}) {
  const runs = [];
  /** groupKey → the run still open for it */
  const open = new Map();
  for (const ev of [...events].sort(order)) {
    if (ev.chain) open.clear();
    const key = groupKey(ev);
    const run = key === null ? undefined : open.get(key);
    if (run && ev.time - run.at(-1).time <= windowMs) {
      run.push(ev);
      continue;
    }
    const fresh = [ev];
    runs.push(fresh);
    if (key !== null) open.set(key, fresh);
  }
  return runs
    .map((run) => (run.length === 1 ? { ev: run[0] } : { group: describeGroup(run) }))
    .sort((a, b) => order(newest(b), newest(a)));
}

const newest = (line) => line.ev ?? line.group.events[0];

/** A group line: its members newest first, and what it says. `id` (its first member's) stays as members join. */
function describeGroup(run) {
  const first = run[0];
  const last = run.at(-1);
  const names = run.map((e) => e.subject);
  const range = nameRange(names);
  const words = GROUP_WORDS[first.type];
  const subjects = new Set(names).size;
  const title = words
    ? `${subjects} ${subjects === 1 ? words[0] : `${words[0]}s`} ${words[1]}: ${range}`
    : last.message.split(last.subject).join(range);
  return {
    id: `g${first.id}`,
    type: first.type,
    severity: first.severity,
    time: last.time,
    firstTime: first.time,
    count: run.length,
    title,
    events: [...run].reverse(),
  };
}

/**
 * A compact range of names: "scan-057…scan-076", "scan-057…scan-060, scan-071"; past three runs
 * (or three names, when they are not numbered alike) the rest as "+N more".
 */
export function nameRange(names) {
  const unique = [...new Set(names)].sort();
  if (unique.length === 0) return '';
  if (unique.length === 1) return unique[0];
  const prefix = sharedPrefix(unique);
  const tails = unique.map((n) => n.slice(prefix.length));
  const width = tails[0].length;
  if (!tails.every((t) => /^\d+$/.test(t) && t.length === width)) {
    const shown = unique.slice(0, MAX_NAMES_SHOWN).join(', ');
    return unique.length > MAX_NAMES_SHOWN ? `${shown} +${unique.length - MAX_NAMES_SHOWN} more` : shown;
  }
  const name = (n) => `${prefix}${n.padStart(width, '0')}`;
  const runs = ranges(tails.map(Number)).split(', ').map((run) => run.split('-'));
  const run = ([a, b]) => (b === undefined ? name(a) : Number(b) === Number(a) + 1 ? `${name(a)}, ${name(b)}` : `${name(a)}…${name(b)}`);
  const text = runs.slice(0, MAX_RUNS_SHOWN).map(run).join(', ');
  const left = runs.slice(MAX_RUNS_SHOWN).reduce((n, [a, b]) => n + (b === undefined ? 1 : Number(b) - Number(a) + 1), 0);
  return left > 0 ? `${text} +${left} more` : text;
}

/**
 * The chain to pin above the feed: the newest event carrying one, unless that one was acknowledged
 * (an older chain never comes back once a newer one is there). Null when there is none to pin.
 */
export function pinnedChain(events, acknowledged) {
  let latest = null;
  for (const ev of events) if (ev.chain && (!latest || order(ev, latest) > 0)) latest = ev;
  return latest && !acknowledged.has(latest.id) ? latest : null;
}

/**
 * The events that caused a chain: those of the minute before it, not decisions themselves, whose
 * subject its cause names ("bank 1 breaker tripped on dal3-r07-a" → the breaker-tripped event of
 * dal3-r07-a). Filters never hide them while their chain is pinned.
 */
export function causeEvents(chainEv, events) {
  const cause = chainEv.chain.cause;
  const named = (subject) => new RegExp(`(^|[^\\w.-])${subject.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^\\w-])`).test(cause);
  return events.filter((e) => !e.chain && e.subject && e.time <= chainEv.time && e.time >= chainEv.time - CAUSE_WINDOW_MS
    && order(e, chainEv) < 0 && named(e.subject));
}

/** Whether a line passes the filters: `filter` holds the severities and kinds hidden. */
export function passes(line, filter) {
  const { severity, type } = line.ev ?? line.group;
  return !filter.severities.includes(severity) && !filter.kinds.includes(type);
}

/** Filters as stored (anything else: none). */
export function readFilter(text) {
  try {
    const f = JSON.parse(text);
    const list = (x) => (Array.isArray(x) ? x.filter((s) => typeof s === 'string') : []);
    return { severities: list(f?.severities), kinds: list(f?.kinds) };
  } catch {
    return { severities: [], kinds: [] };
  }
}

/**
 * Where the next page of older events starts (`before` for /api/events): below the newest unbroken
 * run of ids the feed holds, so a feed that holds the latest decisions but not the routine events
 * between them fills that gap first. Ids known to have been replaced count as held.
 */
export function olderCursor(heldIds, replacedIds = []) {
  const ids = [...new Set([...heldIds, ...replacedIds])].sort((a, b) => b - a);
  if (ids.length === 0) return null;
  let i = 0;
  while (i + 1 < ids.length && ids[i + 1] === ids[i] - 1) i++;
  return ids[i];
}
