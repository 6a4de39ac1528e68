// Alerts, silences and maintenance windows: the lists, acknowledging an alert, silencing what matches. Changes are
// recorded with their audit entry (who, why) in one transaction, or refused and nothing changes.
import { Router, type Request, type Response } from 'express';
import type { Alert, Silence } from '../alerts/alert-engine.js';
import { duration } from '../config/duration.js';
import { StorageError } from '../drain/drain-store.js';
import { caller } from './access.js';
import { listQuery, sendPage } from './list-query.js';
import type { MaintenanceView } from '../maintenance/maintenance.js';
import type { ReadModel } from './snapshot.js';

/** What the routes need of the alert service. */
export interface AlertsApi {
  list(): Alert[];
  acknowledge(id: number, by: string, reason: string): Alert | null;
  silence(match: Silence['match'], until: number, by: string, reason: string): Silence;
  unsilence(id: number, by: string, reason: string): boolean;
  silences(): Silence[];
  maintenance(): MaintenanceView[];
}

const MATCH_KEYS = ['rule', 'subject', 'site', 'row', 'rack', 'pdu', 'node', 'pool'] as const;
/** A silence lasts at most this long: a forgotten one must end by itself. */
const MAX_SILENCE_MS = 30 * 24 * 3_600_000;

export function alertRoutes(rm: ReadModel, alerts: AlertsApi): Router {
  const r = Router();
  const bad = (res: Response, error: string, code = 'BB_ERR_BAD_REQUEST') => void res.status(400).json({ error, code });
  const reasonOf = (req: Request): string | null => {
    const reason = (req.body as { reason?: unknown } | undefined)?.reason;
    return typeof reason === 'string' && reason.trim() ? reason.trim().slice(0, 500) : null;
  };
  const recorded = (res: Response, f: () => unknown) => {
    try {
      res.json(f());
    } catch (err) {
      if (!(err instanceof StorageError)) throw err;
      res.status(503).json({ error: `${err.message}; nothing was changed`, code: 'BB_ERR_STORAGE' });
    }
  };

  r.get('/alerts', (req, res) => {
    const q = listQuery(req, rm, ['pending', 'firing', 'resolved', 'muted']);
    const all = alerts.list();
    const byId = new Map(all.map((a) => [String(a.id), a]));
    const names = all.filter((a) => (!q.racks || (a.labels.rack !== undefined && q.racks.has(a.labels.rack)))
      && (!q.states || q.states.has(a.state) || (q.states.has('muted') && a.muted !== null && a.state !== 'resolved'))).map((a) => String(a.id));
    sendPage(req, res, q, names, (id) => byId.get(id)!, () => all.map((a) => String(a.id)));
  });

  r.post('/alerts/:id/ack', (req, res) => {
    const reason = reasonOf(req);
    if (!reason) return bad(res, 'say why: {"reason": "…"}', 'BB_ERR_NO_REASON');
    recorded(res, () => {
      const a = alerts.acknowledge(Number(req.params.id), caller(res), reason);
      if (!a) {
        res.status(404);
        return { error: `no active alert ${req.params.id}`, code: 'BB_ERR_NOT_FOUND' };
      }
      return a;
    });
  });

  r.get('/silences', (_req, res) => { res.json(alerts.silences()); });

  // The maintenance windows (configured: a reload changes them), in force first; a scoped wall gets those over its racks.
  r.get('/maintenance', (req, res) => {
    const q = listQuery(req, rm, ['active', 'draining', 'upcoming', 'done']);
    res.json(alerts.maintenance().filter((w) => (!q.racks || w.racks.some((rack) => q.racks!.has(rack))) && (!q.states || q.states.has(w.phase))));
  });

  r.post('/silences', (req, res) => {
    const body = (req.body ?? {}) as { match?: Record<string, unknown>; for?: unknown };
    const reason = reasonOf(req);
    if (!reason) return bad(res, 'say why: {"reason": "…"}', 'BB_ERR_NO_REASON');
    const match: Silence['match'] = {};
    for (const [k, v] of Object.entries(body.match ?? {})) {
      if (!(MATCH_KEYS as readonly string[]).includes(k)) return bad(res, `match.${k}: unknown; match on ${MATCH_KEYS.join(', ')}`);
      if (typeof v !== 'string' || !v) return bad(res, `match.${k}: a name`);
      match[k as (typeof MATCH_KEYS)[number]] = v;
    }
    if (Object.keys(match).length === 0) return bad(res, 'match: say what to silence (a rule, a subject or a place); silencing everything is not a silence');
    const length = duration.safeParse(body.for);
    if (!length.success || length.data <= 0 || length.data > MAX_SILENCE_MS) return bad(res, 'for: a duration such as "2h", at most 30 days');
    recorded(res, () => alerts.silence(match, rm.now() + length.data, caller(res), reason));
  });

  r.delete('/silences/:id', (req, res) => {
    recorded(res, () => {
      if (!alerts.unsilence(Number(req.params.id), caller(res), reasonOf(req) ?? 'ended')) {
        res.status(404);
        return { error: `no silence ${req.params.id}`, code: 'BB_ERR_NOT_FOUND' };
      }
      return { ended: true };
    });
  });
  return r;
}
