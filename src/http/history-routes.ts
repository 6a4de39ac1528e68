// History and the stored journal: GET /api/history, /api/history/sparklines, and /api/events with filters.
import { Router, type Request, type Response } from 'express';
import type { History } from '../history/history.js';
import { HistoryQueryError, historyQuery, parseSpan, parseTime, type HistorySeries } from '../history/query.js';
import { MEASUREMENT } from '../history/schema.js';
import type { Config } from '../config/schema.js';
import type { DeviceReading } from '../model.js';

/** The query parameters that ask /api/events for the stored journal rather than the live one. */
export const STORED_EVENT_PARAMS = ['from', 'to', 'range', 'type', 'severity', 'subject', 'limit', 'cursor', 'before'] as const;

const EVENTS_LIMIT = 500;
const EVENTS_MAX = 5_000;
const SPARK_PDUS_MAX = 200;

export function historyRoutes(history: History, config: () => Config, now: () => number, reading: (pdu: string) => DeviceReading | null): Router {
  const r = Router();
  r.get('/history', (req, res) => {
    let q;
    try {
      q = historyQuery(req.query, now());
    } catch (err) {
      sendBad(res, err);
      return;
    }
    const field = MEASUREMENT.get(q.measurement)!.fields.find((f) => f.name === q.field)!;
    history.query(q).then((series) => {
      res.json({ thing: req.query.thing, metric: q.field, unit: field.unit, from: q.from, to: q.to, stepMs: series.stepMs, source: series.source, points: series.points });
    }, (err: unknown) => unavailable(res, err));
  });

  // For the wall: each PDU's power and each bank's load over the last hour, a point a minute.
  r.get('/history/sparklines', (req, res) => {
    const asked = typeof req.query.pdus === 'string' ? req.query.pdus.split(',').filter(Boolean) : config().pdus.map((p) => p.name);
    if (asked.length > SPARK_PDUS_MAX) {
      res.status(400).json({ error: `pdus: at most ${SPARK_PDUS_MAX} at a time`, code: 'BB_ERR_BAD_QUERY' });
      return;
    }
    const known = new Map(config().pdus.map((p) => [p.name, p]));
    const to = now();
    const packed = async (pdu: string, bank?: number) => (await history.sparkline(pdu, bank, to)).map((p) => [p.t, round(p.mean), round(p.max)]);
    Promise.all(asked.filter((n) => known.has(n)).map(async (pdu) => {
      const banks = known.get(pdu)!.banks;
      const [power, ...bankLoads] = await Promise.all([packed(pdu), ...Array.from({ length: banks }, (_, i) => packed(pdu, i + 1))]);
      return [pdu, { power: power!, banks: Object.fromEntries(bankLoads.map((s, i) => [String(i + 1), s])) }] as const;
    })).then((entries) => res.json({ from: to - 3_600_000, to, stepMs: 60_000, source: history.source, pdus: Object.fromEntries(entries) }), (err: unknown) => unavailable(res, err));
  });

  // For the wall's PDU page: every part of one PDU over a range (1h, 24h, 7d, 90d…), one step for all.
  r.get('/history/pdu/:name', (req, res) => {
    const pdu = config().pdus.find((p) => p.name === req.params.name);
    if (!pdu) {
      res.status(404).json({ error: `no PDU named ${req.params.name}`, code: 'BB_ERR_NOT_FOUND' });
      return;
    }
    let span;
    try {
      span = historyQuery({ thing: `pdu/${pdu.name}`, metric: 'power_w', range: typeof req.query.range === 'string' ? req.query.range : '1h' }, now());
    } catch (err) {
      sendBad(res, err);
      return;
    }
    const { from, to, stepMs } = span;
    const last = reading(pdu.name);
    const indexes = (parts: { index: number }[] | undefined, configured: number) => (parts?.length ? parts.map((p) => p.index) : Array.from({ length: configured }, (_, i) => i + 1));
    const ask = (measurement: string, tags: Record<string, string>, field: string) => history.query({ measurement, tags, field, from, to, stepMs });
    const each = async (measurement: string, part: string, list: number[], field: string) =>
      Object.fromEntries(await Promise.all(list.map(async (i) => [String(i), pack(await ask(measurement, { pdu: pdu.name, [part]: String(i) }, field))] as const)));
    Promise.all([
      ask('pdu', { pdu: pdu.name }, 'power_w'),
      each('inlet', 'inlet', indexes(last?.inlets, 0), 'current_a'),
      each('phase', 'phase', indexes(last?.phases, 0), 'current_a'),
      each('bank', 'bank', indexes(last?.banks, pdu.banks), 'current_a'),
      each('outlet', 'outlet', indexes(last?.outlets, pdu.outlets), 'current_a'),
    ]).then(([power, inlets, phases, banks, outlets]) => {
      const ratings = Object.fromEntries((last?.banks ?? []).flatMap((b) => (b.rating.quality === 'ok' && b.rating.value !== null ? [[String(b.index), b.rating.value]] : [])));
      res.json({ pdu: pdu.name, from, to, stepMs: power.stepMs, source: history.source, power: pack(power), inlets, phases, banks, outlets, ratings: { banks: ratings } });
    }, (err: unknown) => unavailable(res, err));
  });

  r.get('/events', (req, res) => {
    let filter;
    try {
      filter = eventFilter(req, now());
    } catch (err) {
      sendBad(res, err);
      return;
    }
    const events = history.events({ ...filter, limit: filter.limit + 1 });
    // One more than asked tells whether there is a next page: past the end going forward, before the start going back.
    const page = filter.before !== undefined ? events.slice(-filter.limit) : events.slice(0, filter.limit);
    if (events.length > filter.limit) {
      const next = new URLSearchParams(req.query as Record<string, string>);
      // Paging back in time (before=ID), the next page is the one before this page's oldest.
      if (filter.before !== undefined) next.set('before', String(events[1]!.id));
      else next.set('cursor', String(page.at(-1)!.id));
      res.setHeader('Link', `<${req.baseUrl}${req.path}?${next.toString()}>; rel="next"`);
    }
    res.json(page);
  });
  return r;
}

function eventFilter(req: Request, now: number) {
  const one = (k: string): string | undefined => {
    const v = req.query[k];
    if (v === undefined) return undefined;
    if (typeof v !== 'string' || v === '') throw new HistoryQueryError(`${k}: expected one value`);
    return v;
  };
  const list = (k: string) => one(k)?.split(',').filter(Boolean);
  const limitText = one('limit');
  const limit = limitText === undefined ? EVENTS_LIMIT : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > EVENTS_MAX) throw new HistoryQueryError(`limit: a whole number from 1 to ${EVENTS_MAX}`);
  const cursor = one('cursor');
  if (cursor !== undefined && !/^\d+$/.test(cursor)) throw new HistoryQueryError(`cursor "${cursor}" is not one this server gave`);
  const before = one('before');
  if (before !== undefined && !/^\d+$/.test(before)) throw new HistoryQueryError(`before: an event id, got "${before}"`);
  if (before !== undefined && cursor !== undefined) throw new HistoryQueryError('cursor and before: one direction at a time');
  const to = one('to');
  const from = one('from');
  const range = one('range');
  const toMs = to === undefined ? undefined : parseTime(to, 'to');
  const fromMs = from !== undefined ? parseTime(from, 'from') : range !== undefined ? (toMs ?? now) - parseSpan(range, 'range') : undefined;
  return { from: fromMs, to: toMs, types: list('type'), severities: list('severity'), subject: one('subject'), after: cursor === undefined ? undefined : Number(cursor), before: before === undefined ? undefined : Number(before), limit };
}

/** The store did not answer (InfluxDB away or refusing): a 503 saying so, not an internal error. */
function unavailable(res: Response, err: unknown): void {
  res.status(503).json({ error: `the history store did not answer: ${(err as Error).message}`, code: 'BB_ERR_HISTORY_UNAVAILABLE' });
}

function sendBad(res: Response, err: unknown): void {
  if (!(err instanceof HistoryQueryError)) throw err;
  res.status(400).json({ error: err.message, code: err.code });
}

const round = (v: number) => Math.round(v * 100) / 100;
/** [t, mean, max] triples, rounded: compact for a wall. */
const pack = (s: HistorySeries) => s.points.map((p) => [p.t, round(p.mean), round(p.max)]);
