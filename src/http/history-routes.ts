// History and the stored journal: GET /api/history, /api/history/sparklines, and /api/events with filters.
import { Router, type Request, type Response } from 'express';
import type { History } from '../history/history.js';
import { HistoryQueryError, historyQuery, parseSpan, parseTime, type HistorySeries } from '../history/query.js';
import { MEASUREMENT } from '../history/schema.js';
import type { Config } from '../config/schema.js';

/** The query parameters that ask /api/events for the stored journal rather than the live one. */
export const STORED_EVENT_PARAMS = ['from', 'to', 'range', 'type', 'severity', 'subject', 'limit', 'cursor'] as const;

const EVENTS_LIMIT = 500;
const EVENTS_MAX = 5_000;
const SPARK_PDUS_MAX = 200;

export function historyRoutes(history: History, config: () => Config, now: () => number): Router {
  const r = Router();
  r.get('/history', (req, res, next) => {
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
    }, next);
  });

  // For the wall: each PDU's power and each bank's load over the last hour, a point a minute.
  r.get('/history/sparklines', (req, res, next) => {
    const asked = typeof req.query.pdus === 'string' ? req.query.pdus.split(',').filter(Boolean) : config().pdus.map((p) => p.name);
    if (asked.length > SPARK_PDUS_MAX) {
      res.status(400).json({ error: `pdus: at most ${SPARK_PDUS_MAX} at a time`, code: 'BB_ERR_BAD_QUERY' });
      return;
    }
    const known = new Set(config().pdus.map((p) => p.name));
    const to = now();
    const from = to - 3_600_000;
    const ask = (measurement: string, tags: Record<string, string>, field: string) => history.query({ measurement, tags, field, from, to, stepMs: 60_000 });
    const pack = (s: HistorySeries) => s.points.map((p) => [p.t, round(p.mean)]);
    Promise.all(asked.filter((n) => known.has(n)).map(async (pdu) => {
      const banks = config().pdus.find((p) => p.name === pdu)!.banks;
      const [power, ...bankLoads] = await Promise.all([
        ask('pdu', { pdu }, 'power_w'),
        ...Array.from({ length: banks }, (_, i) => ask('bank', { pdu, bank: String(i + 1) }, 'load_pct')),
      ]);
      return [pdu, { power: pack(power!), banks: Object.fromEntries(bankLoads.map((s, i) => [String(i + 1), pack(s)])) }] as const;
    })).then((entries) => res.json({ from, to, stepMs: 60_000, source: history.source, pdus: Object.fromEntries(entries) }), next);
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
    const page = events.slice(0, filter.limit);
    if (events.length > filter.limit) {
      const next = new URLSearchParams(req.query as Record<string, string>);
      next.set('cursor', String(page.at(-1)!.id));
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
  const to = one('to');
  const from = one('from');
  const range = one('range');
  const toMs = to === undefined ? undefined : parseTime(to, 'to');
  const fromMs = from !== undefined ? parseTime(from, 'from') : range !== undefined ? (toMs ?? now) - parseSpan(range, 'range') : undefined;
  return { from: fromMs, to: toMs, types: list('type'), severities: list('severity'), subject: one('subject'), after: cursor === undefined ? undefined : Number(cursor), limit };
}

function sendBad(res: Response, err: unknown): void {
  if (!(err instanceof HistoryQueryError)) throw err;
  res.status(400).json({ error: err.message, code: err.code });
}

const round = (v: number) => Math.round(v * 100) / 100;
