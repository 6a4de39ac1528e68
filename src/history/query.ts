// What /api/history asks: a thing (by path), one of its metrics, a time range and a step.
import { MEASUREMENT } from './schema.js';

export interface HistoryQuery {
  measurement: string;
  /** The thing's identifying tags (pdu and bank, node, pool…). */
  tags: Record<string, string>;
  field: string;
  /** Epoch ms, from inclusive, to exclusive. */
  from: number;
  to: number;
  stepMs: number;
}

export interface HistoryPoint {
  /** Start of the step, epoch ms. */
  t: number;
  mean: number;
  max: number;
}

export interface HistorySeries {
  /** The step the answer has (a resolution coarser than asked when only that is kept for the range). */
  stepMs: number;
  points: HistoryPoint[];
  source: 'influxdb' | 'embedded';
}

export class HistoryQueryError extends Error {
  readonly code = 'BB_ERR_BAD_QUERY';
  readonly status = 400;
}

const PARTS: Record<string, string> = { inlet: 'inlet', phase: 'phase', bypass: 'bypass', bank: 'bank', outlet: 'outlet', sensor: 'sensor' };
const DEVICES = new Set(['pdu', 'ups', 'ats']);

/**
 * `pdu/NAME` (the device as a whole), `pdu/NAME/bank/2` (inlet, phase, bypass, bank, outlet, sensor), `headroom/NAME/bank/2` (or phase, inlet),
 * `ups/NAME`, `ats/NAME`, `node/NAME`, `pool/NAME`.
 */
export function parseThing(thing: string): { measurement: string; tags: Record<string, string> } {
  const parts = thing.split('/');
  const [kind, name, part, index] = parts;
  const bad = () => new HistoryQueryError(`thing "${thing}": expected pdu/NAME, pdu/NAME/{inlet|phase|bypass|bank|outlet|sensor}/N, headroom/NAME/{bank|phase|inlet}/N, ups/NAME, ats/NAME, node/NAME or pool/NAME`);
  if (!kind || !name) throw bad();
  if (parts.length === 2) {
    if (DEVICES.has(kind)) return { measurement: kind, tags: { pdu: name } };
    if (kind === 'node') return { measurement: 'node', tags: { node: name } };
    if (kind === 'pool') return { measurement: 'pool', tags: { pool: name } };
    throw bad();
  }
  if (parts.length === 4 && kind === 'pdu' && part && PARTS[part] && index && /^\d+$/.test(index)) {
    return { measurement: PARTS[part]!, tags: { pdu: name, [part]: String(Number(index)) } };
  }
  if (parts.length === 4 && kind === 'headroom' && (part === 'bank' || part === 'phase' || part === 'inlet') && index && /^\d+$/.test(index)) {
    return { measurement: 'headroom', tags: { pdu: name, part, index: String(Number(index)) } };
  }
  throw bad();
}

const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** "90s", "5m", "1h", "7d", "2w" → ms. */
export function parseSpan(text: string, what: string): number {
  const m = /^(\d+)(s|m|h|d|w)$/.exec(text);
  if (!m || Number(m[1]) <= 0) throw new HistoryQueryError(`${what} "${text}": expected a span such as 30s, 5m, 1h, 7d or 2w`);
  return Number(m[1]) * UNIT_MS[m[2]!]!;
}

/** An ISO time or epoch ms. */
export function parseTime(text: string, what: string): number {
  const t = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
  if (!Number.isFinite(t)) throw new HistoryQueryError(`${what} "${text}": expected an ISO time or epoch milliseconds`);
  return t;
}

/** Steps a client may ask for are rounded to these; about 300 points per answer by default. */
const STEPS = [10_000, 30_000, 60_000, 300_000, 900_000, 3_600_000, 6 * 3_600_000, 86_400_000];
const MAX_POINTS = 5_000;

export function defaultStep(rangeMs: number): number {
  return STEPS.find((s) => rangeMs / s <= 300) ?? STEPS[STEPS.length - 1]!;
}

export interface HistoryParams { thing?: unknown; metric?: unknown; range?: unknown; from?: unknown; to?: unknown; step?: unknown }

/** The query an /api/history request asks, checked against the schema; a mistake is a HistoryQueryError saying which. */
export function historyQuery(params: HistoryParams, now: number): HistoryQuery {
  const str = (v: unknown, what: string): string | undefined => {
    if (v === undefined) return undefined;
    if (typeof v !== 'string' || v === '') throw new HistoryQueryError(`${what}: expected one value`);
    return v;
  };
  const thing = str(params.thing, 'thing');
  if (!thing) throw new HistoryQueryError('thing: required, e.g. pdu/r1-a/bank/1');
  const { measurement, tags } = parseThing(thing);
  const spec = MEASUREMENT.get(measurement)!;
  const metric = str(params.metric, 'metric');
  const numeric = spec.fields.filter((f) => f.unit !== 'text').map((f) => f.name);
  if (!metric || !numeric.includes(metric)) throw new HistoryQueryError(`metric${metric ? ` "${metric}"` : ''}: ${measurement} has ${numeric.join(', ')}`);
  const toText = str(params.to, 'to');
  const fromText = str(params.from, 'from');
  const rangeText = str(params.range, 'range');
  const to = toText ? parseTime(toText, 'to') : now;
  const from = fromText ? parseTime(fromText, 'from') : to - parseSpan(rangeText ?? '1h', 'range');
  if (from >= to) throw new HistoryQueryError('from: must be before to');
  const stepText = str(params.step, 'step');
  const stepMs = stepText ? parseSpan(stepText, 'step') : defaultStep(to - from);
  if ((to - from) / stepMs > MAX_POINTS) throw new HistoryQueryError(`step: ${stepText} over this range is more than ${MAX_POINTS} points; choose a longer step`);
  return { measurement, tags, field: metric, from, to, stepMs };
}
