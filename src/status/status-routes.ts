// HTTP for the status page: the public page and its feeds (no credentials, nothing private), and the
// operators' incidents API (drafts included; edits and publication need a reason and are audited).
import { Router, type Request, type Response } from 'express';
import { StorageError } from '../drain/drain-store.js';
import { caller } from '../http/access.js';
import { atomFeed, jsonFeed } from './feeds.js';
import { IncidentError, type Incident } from './incidents.js';
import { PAGE_CSP, renderStatusPage } from './page.js';
import type { StatusService } from './status-service.js';

/** The public paths: open to anyone the Host check lets in, even with settings.api.protectReads. */
export const STATUS_PATHS = ['/status', '/status/', '/status/feed.atom', '/status/feed.json'] as const;

/** The address the page was asked by (its Host was checked against settings.api.hosts), for the feeds' links. */
function baseOf(req: Request): string {
  return `${req.protocol}://${req.get('host') ?? 'localhost'}`;
}

export function statusPageRoutes(status: StatusService): Router {
  const r = Router();
  const publicHeaders = (res: Response) => res.set({ 'Cache-Control': 'public, max-age=30', 'X-Content-Type-Options': 'nosniff' });
  const page = (_req: Request, res: Response) => {
    publicHeaders(res).set('Content-Security-Policy', PAGE_CSP).type('html').send(renderStatusPage(status.view()));
  };
  r.get('/status', page);
  r.get('/status/', page);
  r.get('/status/feed.atom', (req, res) => {
    publicHeaders(res).type('application/atom+xml; charset=utf-8').send(atomFeed(status.view(), baseOf(req)));
  });
  r.get('/status/feed.json', (req, res) => {
    publicHeaders(res).type('application/feed+json; charset=utf-8').send(JSON.stringify(jsonFeed(status.view(), baseOf(req))));
  });
  return r;
}

const STATES = new Set(['draft', 'published']);

export function incidentRoutes(status: StatusService): Router {
  const r = Router();
  const reasonOf = (req: Request): string | null => {
    const reason = (req.body as { reason?: unknown } | undefined)?.reason;
    return typeof reason === 'string' && reason.trim() ? reason.trim().slice(0, 500) : null;
  };
  const act = (res: Response, f: () => Incident) => {
    try {
      res.json(f());
    } catch (err) {
      if (err instanceof IncidentError) return void res.status(err.status).json({ error: err.message, code: err.code });
      if (err instanceof StorageError) return void res.status(503).json({ error: `${err.message}; nothing was changed`, code: 'BB_ERR_STORAGE' });
      throw err;
    }
  };

  r.get('/incidents', (req, res) => {
    const asked = typeof req.query.state === 'string' ? req.query.state.split(',').filter(Boolean) : null;
    const unknown = asked?.filter((s) => !STATES.has(s)) ?? [];
    if (unknown.length) return void res.status(400).json({ error: `state: ${unknown.join(', ')} is not one of draft, published`, code: 'BB_ERR_BAD_REQUEST' });
    res.json(status.incidents().filter((i) => !asked || asked.includes(i.status)));
  });
  r.get('/incidents/:id', (req, res) => {
    const incident = status.book.get(Number(req.params.id));
    if (!incident) return void res.status(404).json({ error: `no incident ${req.params.id}`, code: 'BB_ERR_NOT_FOUND' });
    res.json(incident);
  });
  r.patch('/incidents/:id', (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const extra = Object.keys(body).filter((k) => !['title', 'text', 'reason'].includes(k));
    if (extra.length) return void res.status(400).json({ error: `unknown field ${extra.join(', ')}: give "title", "text" and "reason"`, code: 'BB_ERR_BAD_REQUEST' });
    const reason = reasonOf(req);
    if (!reason) return void res.status(400).json({ error: 'say why: {"reason": "…"}', code: 'BB_ERR_NO_REASON' });
    act(res, () => status.edit(Number(req.params.id), { title: body.title, text: body.text }, caller(res), reason));
  });
  r.post('/incidents/:id/publish', (req, res) => {
    const reason = reasonOf(req);
    if (!reason) return void res.status(400).json({ error: 'say why: {"reason": "…"}', code: 'BB_ERR_NO_REASON' });
    act(res, () => status.publish(Number(req.params.id), caller(res), reason));
  });
  return r;
}
