import type { PoolConfig } from '../config/schema.js';
import { percent } from './describe.js';

/** A drain a safety rule refused, named so the event, the API and the wall can say which. */
export interface Blocked {
  rule: string;
  message: string;
  nodes: string[];
}

/**
 * Admits as many candidates as the pool's rules allow, in name order.
 * max-drained-fraction: never hold more than floor(fraction × members) drained; with two
 * members and 50% that is one, with one member it is none.
 */
export function applySafetyRules(pool: PoolConfig, drainedNow: number, candidates: readonly string[]): { admitted: string[]; blocked: Blocked | null } {
  const sorted = [...candidates].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  const cap = Math.floor(pool.drain.maxDrainedFraction * pool.members.length);
  const room = Math.max(0, cap - drainedNow);
  const admitted = sorted.slice(0, room);
  const refused = sorted.slice(room);
  if (refused.length === 0) return { admitted, blocked: null };
  return {
    admitted,
    blocked: {
      rule: 'max-drained-fraction',
      message: `at most ${cap} of ${pool.members.length} members (${percent(pool.drain.maxDrainedFraction)}) may be drained; ${drainedNow + admitted.length} already are`,
      nodes: refused,
    },
  };
}
