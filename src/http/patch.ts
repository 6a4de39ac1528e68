// What changed between two versions of one JSON value, as a patch the wall applies (dashboards/wall/patch.js).
//
// A patch is the new value itself, unless it is an object with one of these keys (data never has keys
// starting with "$"):
//   { $p: { key: patch, … } }                  an object whose listed keys changed (the others did not)
//   { $a: { index: patch, … }, $n: length }    an array whose listed positions changed, cut or grown to $n
// So a bank trip sends the outlets that went off and the fields that changed on them, not the PDU.

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** The patch from `before` to `after`; `undefined` when they are equal. */
export function diff(before: Json | undefined, after: Json): Json | undefined {
  if (before === after) return undefined;
  if (Array.isArray(after)) {
    if (!Array.isArray(before)) return after;
    const changed: JsonObject = {};
    let count = 0;
    for (let i = 0; i < after.length; i++) {
      const d = diff(before[i], after[i]!);
      if (d !== undefined) { changed[i] = d; count++; }
    }
    if (count === 0 && before.length === after.length) return undefined;
    // Most of it changed: the whole array is as short and simpler to apply.
    if (count > after.length / 2) return after;
    return { $a: changed, $n: after.length };
  }
  if (isObject(after)) {
    if (!isObject(before)) return after;
    const changed: JsonObject = {};
    let count = 0;
    for (const key of Object.keys(after)) {
      if (after[key] === undefined) continue; // as JSON would have it: no such key
      const d = diff(before[key], after[key]);
      if (d !== undefined) { changed[key] = d; count++; }
    }
    // A key that went away cannot be said as a change of keys: the whole object then.
    for (const key of Object.keys(before)) if (before[key] !== undefined && after[key] === undefined) return after;
    return count === 0 ? undefined : { $p: changed };
  }
  // Numbers, strings, booleans and null: equal ones returned above (NaN never occurs in JSON).
  return after;
}

function isObject(v: Json | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Strings shorter than this are not worth a reference. */
const SHARED_MIN_LENGTH = 8;
/** Arrays of at least this many objects with the same keys are sent as a table. */
const TABLE_MIN_ROWS = 3;

/**
 * A message made compact for the wire, and made whole again by the wall (`unpack` in dashboards/wall/patch.js):
 *  - an array of objects with the same keys (outlets, members, nodes) becomes `{ $k: [keys], $r: [[values], …] }`;
 *  - a long string said more than once (a trip's cause repeats on every node, PSU and member it
 *    reaches) is sent once, in `$strings`, and each use becomes `{ $s: index }`.
 */
export function pack<T extends object>(message: T): T & { $strings?: string[] } {
  const seen = new Map<string, number>();
  const count = (v: unknown): void => {
    if (typeof v === 'string') {
      if (v.length >= SHARED_MIN_LENGTH) seen.set(v, (seen.get(v) ?? 0) + 1);
    } else if (Array.isArray(v)) for (const x of v) count(x);
    else if (typeof v === 'object' && v !== null) for (const x of Object.values(v)) count(x);
  };
  count(message);
  const index = new Map<string, number>();
  const table: string[] = [];
  for (const [s, n] of seen) if (n > 1) { index.set(s, table.length); table.push(s); }
  const swap = (v: unknown): unknown => {
    if (typeof v === 'string') return index.has(v) ? { $s: index.get(v) } : v;
    if (Array.isArray(v)) {
      const keys = sameKeys(v);
      if (keys) return { $k: keys, $r: v.map((row: Record<string, unknown>) => keys.map((k) => swap(row[k]))) };
      return v.map(swap);
    }
    if (typeof v === 'object' && v !== null) {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = swap(x);
      return out;
    }
    return v;
  };
  const packed = swap(message) as T;
  return table.length > 0 ? { ...packed, $strings: table } : packed;
}

/** The keys every element shares, when it is worth a table: plain objects with the same keys, in the same order. */
function sameKeys(list: unknown[]): string[] | null {
  if (list.length < TABLE_MIN_ROWS) return null;
  const first = list[0];
  if (typeof first !== 'object' || first === null || Array.isArray(first)) return null;
  const keys = Object.keys(first).filter((k) => (first as Record<string, unknown>)[k] !== undefined);
  const signature = keys.join('\n');
  for (const x of list) {
    if (typeof x !== 'object' || x === null || Array.isArray(x)) return null;
    if (Object.keys(x).filter((k) => (x as Record<string, unknown>)[k] !== undefined).join('\n') !== signature) return null;
  }
  return keys;
}
