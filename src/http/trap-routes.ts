import { Router } from 'express';
import type { TrapStats } from '../traps/trap-receiver.js';
import type { TrapRecord } from '../traps/trap-pipeline.js';

export interface TrapView {
  stats(): TrapStats & { listening: string | null };
  recent(limit: number): TrapRecord[];
}

export function trapRoutes(traps: TrapView): Router {
  const r = Router();
  r.get('/', (req, res) => {
    const limit = Math.min(1_000, Math.max(1, Number(req.query.limit ?? 200) || 200));
    res.json(traps.recent(limit));
  });
  r.get('/stats', (_req, res) => { res.json(traps.stats()); });
  return r;
}
