// One thing, for a drill-down or a link: GET /api/pdus/NAME, /api/nodes/NAME, /api/pools/NAME and
// /api/services/NAME (the name URL-encoded where it needs to be). An unknown name is a 404.
import { Router, type Response } from 'express';
import type { DrainStore } from '../drain/drain-store.js';
import { nodeDetail, pduDetail, poolDetail, serviceDetail } from './drilldown.js';
import type { ReadModel } from './snapshot.js';

export function detailRoutes(rm: ReadModel, store: DrainStore): Router {
  const r = Router();
  const send = (res: Response, what: string, name: string, found: unknown) => {
    if (found) res.json(found);
    else res.status(404).json({ error: `no ${what} named "${name.slice(0, 200)}"`, code: 'BB_ERR_NOT_FOUND' });
  };
  r.get('/pdus/:name', (req, res) => send(res, 'PDU', req.params.name, pduDetail(rm, req.params.name)));
  r.get('/nodes/:name', (req, res) => send(res, 'node', req.params.name, nodeDetail(rm, store, req.params.name)));
  r.get('/pools/:name', (req, res) => send(res, 'pool', req.params.name, poolDetail(rm, store, req.params.name)));
  r.get('/services/:name', (req, res) => send(res, 'service', req.params.name, serviceDetail(rm, req.params.name)));
  return r;
}
