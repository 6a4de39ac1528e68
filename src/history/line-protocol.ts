// InfluxDB line protocol for history points: what is written, and what waits in the spool.
// (Made here rather than by the influx client's writePoints: that builds one string by concatenation
// and escapes every name through a regular-expression loop, which costs several times the CPU per
// point and most of it in garbage collection; the client still makes the schema and answers queries.)
import type { Point } from './points.js';

const NEEDS_ESCAPE = /[, =\n]/;
const ESCAPE = /[, =]/g;
const NEEDS_QUOTE_ESCAPE = /["\\\n]/;

/**
 * Measurement names, tag keys and values, field keys: commas, spaces and equals signs escaped; no
 * newline. (A backslash is kept as it is: InfluxDB 1.x reads it literally there.)
 */
function name(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return s;
  return s.replace(/\n/g, ' ').replace(ESCAPE, (c) => `\\${c}`);
}

function text(s: string): string {
  if (!NEEDS_QUOTE_ESCAPE.test(s)) return `"${s}"`;
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, ' ')}"`;
}

/** The escaped measurement and tags of a kept (frozen) tag set, by the set: see TagCache in points.ts. */
const heads = new WeakMap<object, string>();

function head(p: Point): string {
  let line = name(p.measurement);
  const keys = Object.keys(p.tags);
  if (!sorted(keys)) keys.sort();
  for (const k of keys) {
    const v = p.tags[k]!;
    if (v !== '') line += `,${name(k)}=${name(v)}`;
  }
  return line;
}

function sorted(keys: string[]): boolean {
  for (let i = 1; i < keys.length; i++) if (keys[i - 1]! > keys[i]!) return false;
  return true;
}

/**
 * One point as a line: tags sorted by key (as InfluxDB keeps them, so it need not sort), numbers as
 * floats, text quoted, the time in microseconds (`seq` orders entries within one millisecond).
 */
export function toLine(p: Point): string {
  let line = Object.isFrozen(p.tags) ? heads.get(p.tags) : undefined;
  if (line === undefined) {
    line = head(p);
    if (Object.isFrozen(p.tags)) heads.set(p.tags, line);
  }
  let first = true;
  for (const k in p.fields) {
    const v = p.fields[k]!;
    const value = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : null) : text(v);
    if (value === null) continue;
    line += `${first ? ' ' : ','}${name(k)}=${value}`;
    first = false;
  }
  if (first) return '';
  return `${line} ${p.time * 1000 + (p.seq ?? 0)}`;
}
