// GET /api/capacity (N-1 headroom per bank, phase and inlet), /api/capacity/racks (per rack, for
// the wall), /api/capacity/audit (single points of failure) and /api/capacity/balance (phase
// balance of multi-phase PDUs). Each takes ?site=&row=&rack= like the other lists; the headroom
// list also ?state= and pages as they do. (/api/audit is the operators' audit trail.)
import { Router } from 'express';
import type { Capacity } from '../capacity/capacity.js';
import { listQuery, sendPage } from './list-query.js';
import type { ReadModel } from './snapshot.js';

const HEADROOM_STATES = ['ok', 'warning', 'critical', 'unknown'] as const;
const BALANCE_STATES = ['balanced', 'imbalanced', 'unknown'] as const;

export function capacityRoutes(rm: ReadModel, capacity: Capacity): Router {
  const r = Router();
  r.get('/capacity', (req, res) => {
    const q = listQuery(req, rm, HEADROOM_STATES);
    const all = capacity.headroom();
    const key = (p: { pdu: string; part: string; index: number }) => `${p.pdu} ${p.part} ${p.index}`;
    const parts = new Map(all.filter((p) => (!q.racks || q.racks.has(p.rack)) && (!q.states || q.states.has(p.state))).map((p) => [key(p), p]));
    sendPage(req, res, q, [...parts.keys()], (name) => parts.get(name)!, () => all.map(key));
  });
  r.get('/capacity/racks', (req, res) => {
    res.json(capacity.racks(listQuery(req, rm, []).racks));
  });
  r.get('/capacity/audit', (req, res) => {
    const { racks } = listQuery(req, rm, []);
    const { findings, notes } = capacity.audit();
    res.json({ findings: racks ? findings.filter((f) => f.racks.some((k) => racks.has(k))) : findings, notes });
  });
  r.get('/capacity/balance', (req, res) => {
    const q = listQuery(req, rm, BALANCE_STATES);
    res.json(capacity.balance().filter((b) => (!q.racks || q.racks.has(b.rack)) && (!q.states || q.states.has(b.state))));
  });
  return r;
}
