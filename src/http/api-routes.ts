import { Router } from 'express';
import type { Reloader } from '../reload/reloader.js';
import type { DrainStore } from '../drain/drain-store.js';
import { caller } from './access.js';
import { healthView, nodesView, pdusView, poolsView, servicesView, sitesView, snapshot, type ReadModel } from './snapshot.js';

export function apiRoutes(rm: ReadModel, reloader: Reloader, store: DrainStore): Router {
  const r = Router();
  r.get('/health', (_req, res) => {
    const pdus = pdusView(rm);
    const health = healthView(rm);
    res.json({
      status: health.status,
      problems: health.problems,
      time: rm.now(),
      pdus: { total: pdus.length, reachable: pdus.filter((p) => p.reachable).length },
      pools: poolsView(rm).map((p) => ({ name: p.name, active: p.active, drained: p.drained, total: p.total })),
    });
  });
  r.get('/pools', (_req, res) => { res.json(poolsView(rm)); });
  r.get('/nodes', (_req, res) => { res.json(nodesView(rm)); });
  r.get('/pdus', (_req, res) => { res.json(pdusView(rm)); });
  r.get('/services', (_req, res) => { res.json(servicesView(rm)); });
  r.get('/sites', (_req, res) => { res.json(sitesView(rm)); });
  r.get('/snapshot', (_req, res) => { res.json(snapshot(rm)); });
  r.get('/events', (req, res) => {
    const since = Number(req.query.since ?? 0);
    if (!Number.isInteger(since) || since < 0) {
      res.status(400).json({ error: 'since must be a non-negative event id', code: 'BB_ERR_BAD_REQUEST' });
      return;
    }
    res.json(rm.events.since(since));
  });
  r.post('/reload', async (req, res) => {
    const who = caller(res);
    const reason = (req.body as { reason?: unknown } | undefined)?.reason;
    store.audit({ time: rm.now(), who, action: 'reload', pool: null, node: null, why: typeof reason === 'string' && reason ? reason.slice(0, 500) : 'reload now' });
    const result = await reloader.reloadNow(`api, ${who}`);
    res.status(result.ok ? 200 : 422).json(result);
  });
  return r;
}
