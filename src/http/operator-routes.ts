import { Router, type Response } from 'express';
import type { DrainController } from '../drain/drain-controller.js';
import { OperatorError } from '../drain/drain-controller.js';
import type { DrainStore } from '../drain/drain-store.js';
import { caller } from './access.js';

/** Hold (pin out or in), release, drain by hand, and the audit trail of who did what and why. */
export function operatorRoutes(controller: DrainController, store: DrainStore): Router {
  const r = Router();
  // Answered once the change is written as far as the engine takes it (at once on SQLite; in a cluster, in PostgreSQL).
  const act = async (res: Response, f: () => unknown) => {
    try {
      const answer = f();
      await store.durable();
      res.json(answer);
    } catch (err) {
      if (err instanceof OperatorError) return void res.status(err.status).json({ error: err.message, code: err.code });
      if ((err as { code?: unknown }).code === 'BB_ERR_FENCED') return void res.status(503).json({ error: `this process is no longer the controller: ${(err as Error).message}`, code: 'BB_ERR_FENCED' });
      throw err;
    }
  };
  const reasonOf = (body: unknown): string | null => {
    const reason = (body as { reason?: unknown } | undefined)?.reason;
    return typeof reason === 'string' && reason.trim() ? reason.trim().slice(0, 500) : null;
  };

  r.post('/pools/:pool/members/:node/hold', (req, res) => {
    const mode = (req.body as { mode?: unknown } | undefined)?.mode ?? 'out';
    const reason = reasonOf(req.body);
    if (mode !== 'out' && mode !== 'in') return void res.status(400).json({ error: 'mode must be "out" or "in"', code: 'BB_ERR_BAD_REQUEST' });
    if (!reason) return void res.status(400).json({ error: 'say why: {"reason": "…"}', code: 'BB_ERR_NO_REASON' });
    return act(res, () => controller.hold(req.params.pool, req.params.node, mode, reason, caller(res)));
  });
  r.delete('/pools/:pool/members/:node/hold', (req, res) => {
    return act(res, () => {
      controller.release(req.params.pool, req.params.node, reasonOf(req.body) ?? 'released', caller(res));
      return { released: true };
    });
  });
  r.post('/pools/:pool/members/:node/drain', (req, res) => {
    const reason = reasonOf(req.body);
    if (!reason) return void res.status(400).json({ error: 'say why: {"reason": "…"}', code: 'BB_ERR_NO_REASON' });
    return act(res, () => controller.drain(req.params.pool, req.params.node, reason, caller(res)));
  });
  r.get('/audit', (req, res) => {
    res.json(store.auditTrail(Math.min(1_000, Math.max(1, Number(req.query.limit ?? 200) || 200))));
  });
  return r;
}
