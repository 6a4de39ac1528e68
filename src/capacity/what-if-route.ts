// GET /api/what-if?pdu=P[&bank=N] | outlet=P:N | ups=U | feed=A[&site=S][&row=R][&rack=K]:
// the prediction of src/capacity/what-if.ts on the live facts; a bad question is 400 BB_ERR_BAD_QUERY.
import type { Request, Response } from 'express';
import type { ReadModel } from '../http/snapshot.js';
import { parseWhatIf, whatIf, WhatIfQueryError, type WhatIfFault } from './what-if.js';

export function whatIfRoute(rm: ReadModel): (req: Request, res: Response) => void {
  return (req, res) => {
    const topology = rm.topology();
    let fault: WhatIfFault;
    try {
      fault = parseWhatIf(req.query, topology);
    } catch (err) {
      if (!(err instanceof WhatIfQueryError)) throw err;
      res.status(err.status).json({ error: err.message, code: err.code });
      return;
    }
    res.json(whatIf(fault, { topology, settings: rm.config().settings, facts: rm.store, view: rm.view(), controller: rm.controller, now: rm.now() }));
  };
}
