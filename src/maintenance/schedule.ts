// When a maintenance window is in force: one-off (a start and an end) or recurring ("first saturday",
// "sunday", "day", "15") at a local time in a named time zone, for a duration. Pure calendar
// arithmetic: days are counted on the local calendar, and a local time becomes an instant through the
// zone's offset at that moment, so a window keeps its wall-clock time across daylight-saving changes.

export const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;
const ORDINALS = ['first', 'second', 'third', 'fourth', 'last'] as const;
const DAY_MS = 86_400_000;

/** Which local days a recurring window starts on. */
export type Recurrence =
  | { kind: 'daily' }
  | { kind: 'weekly'; days: number[] } // 0 = Sunday
  | { kind: 'monthly-weekday'; nth: 1 | 2 | 3 | 4 | -1; day: number } // -1: the last of the month
  | { kind: 'monthly-date'; date: number }; // a month without that date has no window

/** A calendar day in some zone. */
export interface LocalDate { y: number; m: number; d: number }

/**
 * Reads "day", "saturday", "tuesday, thursday", "first saturday", "last sunday", "15": returns the
 * rule, or a message that says what is accepted.
 */
export function parseRecurrence(text: string): Recurrence | string {
  const words = text.trim().toLowerCase().split(/[\s,]+/).filter((w) => w && w !== 'and' && w !== 'every');
  // "saturday", "saturdays", "sat"
  const weekday = (w: string) => WEEKDAYS.findIndex((d) => d === w || `${d}s` === w || d.slice(0, 3) === w);
  const accepted = 'one of "day", a weekday ("saturday"), weekdays ("tuesday, thursday"), "first|second|third|fourth|last <weekday>" of the month, or a day of the month ("15")';
  if (words.length === 0) return `say which days: ${accepted}`;
  if (words.length === 1 && ['day', 'days', 'daily'].includes(words[0]!)) return { kind: 'daily' };
  if (words.length === 1 && /^\d{1,2}(st|nd|rd|th)?$/.test(words[0]!)) {
    const date = parseInt(words[0]!, 10);
    return date >= 1 && date <= 31 ? { kind: 'monthly-date', date } : `day of the month ${date} does not exist: ${accepted}`;
  }
  const nth = ORDINALS.indexOf(words[0] as (typeof ORDINALS)[number]);
  if (nth >= 0) {
    const day = words.length === 2 ? weekday(words[1]!) : -1;
    if (day < 0) return `"${text}": after "${words[0]}" comes one weekday, e.g. "${words[0]} saturday"`;
    return { kind: 'monthly-weekday', nth: nth === 4 ? -1 : (nth + 1) as 1 | 2 | 3 | 4, day };
  }
  const days = words.map(weekday);
  if (days.some((d) => d < 0)) return `"${text}" is not ${accepted}`;
  return { kind: 'weekly', days: [...new Set(days)].sort() };
}

/** Whether a recurring window starts on this local day. */
export function startsOn(r: Recurrence, date: LocalDate): boolean {
  const dow = new Date(Date.UTC(date.y, date.m - 1, date.d)).getUTCDay();
  switch (r.kind) {
    case 'daily': return true;
    case 'weekly': return r.days.includes(dow);
    case 'monthly-date': return date.d === r.date;
    case 'monthly-weekday': {
      if (dow !== r.day) return false;
      if (r.nth === -1) return date.d + 7 > daysIn(date.y, date.m);
      return Math.ceil(date.d / 7) === r.nth;
    }
  }
}

function daysIn(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

export function addDays(date: LocalDate, n: number): LocalDate {
  const t = new Date(Date.UTC(date.y, date.m - 1, date.d + n));
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() };
}

const formats = new Map<string, Intl.DateTimeFormat>();
function format(zone: string): Intl.DateTimeFormat {
  let f = formats.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    formats.set(zone, f);
  }
  return f;
}

/** Whether the name is a time zone this machine knows ("Europe/Berlin", "UTC"). */
export function knownZone(zone: string): boolean {
  try {
    format(zone);
    return true;
  } catch {
    return false;
  }
}

/** The local calendar day and time of an instant in a zone. */
export function localOf(zone: string, t: number): LocalDate & { h: number; min: number; s: number } {
  const parts: Record<string, number> = {};
  for (const p of format(zone).formatToParts(new Date(t))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return { y: parts.year!, m: parts.month!, d: parts.day!, h: parts.hour!, min: parts.minute!, s: parts.second! };
}

/** How far the zone's clock is ahead of UTC at an instant, ms. */
function offsetAt(zone: string, t: number): number {
  const l = localOf(zone, t);
  return Date.UTC(l.y, l.m - 1, l.d, l.h, l.min, l.s) - Math.floor(t / 1000) * 1000;
}

/**
 * The instant a local time happens in a zone. A time that happens twice (the clocks fall back) is
 * taken the first time; a time the clocks skip (spring forward) is taken as the instant it would have
 * been with the offset before the change (02:30 on Europe/Berlin's change day: 03:30 new time).
 */
export function instantOf(zone: string, date: LocalDate, h: number, min: number): number {
  const asUtc = Date.UTC(date.y, date.m - 1, date.d, h, min);
  const before = offsetAt(zone, asUtc - DAY_MS);
  const candidates = [...new Set([before, offsetAt(zone, asUtc + DAY_MS)])].map((off) => asUtc - off).sort((a, b) => a - b);
  for (const t of candidates) {
    const l = localOf(zone, t);
    if (l.y === date.y && l.m === date.m && l.d === date.d && l.h === h && l.min === min) return t;
  }
  return asUtc - before;
}

/** A recurring window's starts, as a local time of day (minutes past midnight) and a length. */
export interface Recurring {
  recurrence: Recurrence;
  atMinutes: number;
  lengthMs: number;
  zone: string;
}

/** The occurrence of a recurring window whose [start − lead, end) holds `t`, the latest if several do. */
export function occurrenceAt(w: Recurring, t: number, leadMs = 0): { start: number; end: number } | null {
  const today = localOf(w.zone, t);
  const back = Math.ceil(w.lengthMs / DAY_MS) + 1;
  const ahead = Math.ceil(leadMs / DAY_MS) + 1;
  for (let k = ahead; k >= -back; k--) {
    const date = addDays(today, k);
    if (!startsOn(w.recurrence, date)) continue;
    const start = instantOf(w.zone, date, Math.floor(w.atMinutes / 60), w.atMinutes % 60);
    if (start - leadMs <= t && t < start + w.lengthMs) return { start, end: start + w.lengthMs };
  }
  return null;
}

/** The first start of a recurring window after `t` (within 400 days), or null. */
export function nextStart(w: Recurring, t: number): number | null {
  const today = localOf(w.zone, t);
  for (let k = -1; k <= 400; k++) {
    const date = addDays(today, k);
    if (!startsOn(w.recurrence, date)) continue;
    const start = instantOf(w.zone, date, Math.floor(w.atMinutes / 60), w.atMinutes % 60);
    if (start > t) return start;
  }
  return null;
}

/** "2026-12-12T02:00" (local, in `zone`; seconds optional) or with an offset ("…+01:00", "…Z"): the instant, or null. */
export function parseLocalDateTime(text: string, zone: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?$/.exec(text.trim());
  if (!m) return null;
  const [, y, mo, d, h, min, sec = '00', frac = '', off] = m;
  const date = { y: Number(y), m: Number(mo), d: Number(d) };
  if (date.m < 1 || date.m > 12 || date.d < 1 || date.d > daysIn(date.y, date.m) || Number(h) > 23 || Number(min) > 59 || Number(sec) > 59) return null;
  if (off) return Date.parse(`${y}-${mo}-${d}T${h}:${min}:${sec}${frac}${off}`);
  return instantOf(zone, date, Number(h), Number(min)) + Number(sec) * 1000 + Math.round(Number(`0${frac || '.0'}`) * 1000);
}
