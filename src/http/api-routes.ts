import { Router } from 'express';
import type { Reloader } from '../reload/reloader.js';
import type { DrainStore } from '../drain/drain-store.js';
import { whatIfRoute } from '../capacity/what-if-route.js';
import { caller } from './access.js';
import { STORED_EVENT_PARAMS } from './history-routes.js';
import type { ApiPool } from './api-types.js';
import { listQuery, sendPage } from './list-query.js';
import { healthView, nodeView, pduView, poolsView, servicesView, sitesView, snapshot, type ReadModel } from './snapshot.js';

const PDU_STATES = ['reachable', 'unreachable', 'dark', 'unknown', 'misbehaving'] as const;
const NODE_STATES = ['normal', 'degraded', 'lost', 'unknown'] as const;
const POOL_STATES = ['ok', 'drained', 'held', 'blocked'] as const;
const SERVICE_STATES = ['ok', 'reduced', 'down'] as const;

/** A pool's one word: blocked (a safety rule holds drains back) before drained, before held, else ok. */
function poolState(p: ApiPool): string {
  return p.blocked ? 'blocked' : p.drained > 0 ? 'drained' : p.held > 0 ? 'held' : 'ok';
}

/** Whether any of these nodes stands in the racks (all do when there is no location filter). */
function scopeTest(rm: ReadModel, racks: Set<string> | null): (nodes: readonly string[]) => boolean {
  if (!racks) return () => true;
  const topology = rm.topology();
  return (nodes) => nodes.some((n) => racks.has(topology.nodes.get(n)?.rack ?? ''));
}

export function apiRoutes(rm: ReadModel, reloader: Reloader, store: DrainStore): Router {
  const r = Router();
  r.get('/health', (_req, res) => {
    const view = rm.view();
    const health = healthView(rm);
    const pdus = rm.config().pdus;
    res.json({
      status: health.status,
      problems: health.problems,
      time: rm.now(),
      pdus: { total: pdus.length, reachable: pdus.filter((p) => view.pdus.get(p.name)?.reachable === true).length },
      pools: poolsView(rm).map((p) => ({ name: p.name, active: p.active, drained: p.drained, total: p.total })),
      ...rm.load(),
      ...(rm.cluster ? { cluster: rm.cluster() } : {}),
    });
  });
  // The lists filter and page (list-query.ts); without parameters each is the full dump.
  r.get('/pdus', (req, res) => {
    const q = listQuery(req, rm, PDU_STATES);
    const topology = rm.topology();
    const view = rm.view();
    const stateOf = (name: string) => {
      const h = view.pdus.get(name);
      if (rm.store.misbehaving('pdu', name)) return 'misbehaving';
      return h?.dark ? 'dark' : h?.reachable === true ? 'reachable' : h?.reachable === false ? 'unreachable' : 'unknown';
    };
    const names = rm.config().pdus.filter((p) => (!q.racks || q.racks.has(p.rack)) && (!q.states || q.states.has(stateOf(p.name)))).map((p) => p.name);
    sendPage(req, res, q, names, (name) => pduView(rm, topology, view, topology.pdus.get(name)!), () => [...topology.pdus.keys()]);
  });
  r.get('/nodes', (req, res) => {
    const q = listQuery(req, rm, NODE_STATES);
    const topology = rm.topology();
    const view = rm.view();
    const names = rm.config().nodes
      .filter((n) => (!q.racks || q.racks.has(n.rack)) && (!q.states || q.states.has(view.nodes.get(n.name)?.power ?? 'unknown'))).map((n) => n.name);
    sendPage(req, res, q, names, (name) => nodeView(rm, topology, view, topology.nodes.get(name)!), () => [...topology.nodes.keys()]);
  });
  r.get('/pools', (req, res) => {
    const q = listQuery(req, rm, POOL_STATES);
    const inScope = scopeTest(rm, q.racks);
    const all = poolsView(rm);
    const pools = new Map(all.filter((p) => inScope(p.members.map((m) => m.node)) && (!q.states || q.states.has(poolState(p)))).map((p) => [p.name, p]));
    sendPage(req, res, q, [...pools.keys()], (name) => pools.get(name)!, () => all.map((p) => p.name));
  });
  r.get('/services', (req, res) => {
    const q = listQuery(req, rm, SERVICE_STATES);
    const inScope = scopeTest(rm, q.racks);
    const pools = rm.config().pools;
    const all = servicesView(rm);
    const services = new Map(all
      .filter((s) => inScope(pools.filter((p) => s.pools.includes(p.name)).flatMap((p) => p.members)) && (!q.states || q.states.has(s.status))).map((s) => [s.name, s]));
    sendPage(req, res, q, [...services.keys()], (name) => services.get(name)!, () => all.map((x) => x.name));
  });
  r.get('/sites', (_req, res) => { res.json(sitesView(rm)); });
  r.get('/what-if', whatIfRoute(rm));
  r.get('/snapshot', (_req, res) => { res.json(snapshot(rm)); });
  r.get('/events', (req, res, next) => {
    // With a time range or filters, the stored journal answers (history-routes.ts).
    if (STORED_EVENT_PARAMS.some((k) => k in req.query)) {
      next();
      return;
    }
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
