import { Router } from 'express';

/** The simulator's fault switches, as the HTTP layer sees them. */
export interface SimControl {
  injectFault(spec: unknown): { id: string };
  clearFault(id: string): boolean;
  clearAllFaults(): number;
  faults(): { id: string; spec: object; since: number }[];
  isFaultError(err: unknown): boolean;
  /** SNMP requests answered from the agents' answer caches, and made afresh. */
  answerStats(): { hits: number; misses: number };
}

export function simRoutes(sim: SimControl, changed: () => void): Router {
  const r = Router();
  r.get('/faults', (_req, res) => { res.json(sim.faults()); });
  r.get('/stats', (_req, res) => { res.json({ answers: sim.answerStats() }); });
  r.post('/faults', (req, res) => {
    try {
      const fault = sim.injectFault(req.body);
      changed();
      res.status(201).json(fault);
    } catch (err) {
      if (!sim.isFaultError(err)) throw err;
      res.status(400).json({ error: (err as Error).message, code: 'BB_ERR_BAD_FAULT' });
    }
  });
  r.delete('/faults/:id', (req, res) => {
    if (!sim.clearFault(req.params.id)) {
      res.status(404).json({ error: `no active fault ${req.params.id}`, code: 'BB_ERR_NOT_FOUND' });
      return;
    }
    changed();
    res.json({ cleared: 1 });
  });
  r.delete('/faults', (_req, res) => {
    const cleared = sim.clearAllFaults();
    changed();
    res.json({ cleared });
  });
  return r;
}
