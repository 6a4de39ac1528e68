import type { PoolConfig } from '../config/schema.js';
import { percent } from './describe.js';

/** A drain a safety rule refused, named so the event, the API and the wall can say which. */
export interface Blocked {
  rule: SafetyRuleName;
  message: string;
  nodes: string[];
}

export type SafetyRuleName = 'min-healthy' | 'max-drained-fraction' | 'mass-failure' | 'rate-limit';

export interface RuleContext {
  pool: PoolConfig;
  /** Members in rotation now: neither drained nor held out. */
  active: number;
  drained: number;
  /** Drains in this pool in the last minute. */
  recentDrains: number;
  /** Why a node's power domain is frozen, if it is. */
  frozen: (node: string) => string | null;
}

type Rule = (ctx: RuleContext, admitted: string[]) => { admitted: string[]; blocked: Blocked | null };

/**
 * The rules, in the order they are checked: a floor of members in rotation, a cap on the drained
 * fraction, the mass-failure guard, a rate limit. Each passes on what it allows.
 */
const RULES: readonly Rule[] = [
  function minHealthy({ pool, active }, admitted) {
    const floor = minHealthyFloor(pool);
    const room = Math.max(0, active - floor);
    return split(admitted, room, 'min-healthy', `at least ${floor} of ${pool.members.length} members stay in rotation; ${active} are`);
  },
  // floor(fraction × members): with two members and 50% that is one, with one member none.
  function maxDrainedFraction({ pool, drained }, admitted) {
    const cap = Math.floor(pool.drain.maxDrainedFraction * pool.members.length);
    return split(admitted, Math.max(0, cap - drained), 'max-drained-fraction',
      `at most ${cap} of ${pool.members.length} members (${percent(pool.drain.maxDrainedFraction)}) may be drained; ${drained} already are`);
  },
  function massFailure({ frozen }, admitted) {
    const held = admitted.filter((n) => frozen(n) !== null);
    if (held.length === 0) return { admitted, blocked: null };
    return { admitted: admitted.filter((n) => frozen(n) === null), blocked: { rule: 'mass-failure', message: frozen(held[0]!)!, nodes: held } };
  },
  function rateLimit({ pool, recentDrains }, admitted) {
    const max = pool.drain.maxDrainsPerMinute;
    if (max === 0) return { admitted, blocked: null };
    return split(admitted, Math.max(0, max - recentDrains), 'rate-limit', `at most ${max} drains a minute in this pool; ${recentDrains} in the last minute`);
  },
];

/** The pool's floor: how many members stay in rotation whatever happens (min-healthy's count or fraction, the larger). */
export function minHealthyFloor(pool: PoolConfig): number {
  const { count, fraction } = pool.drain.minHealthy;
  return Math.max(count, Math.ceil(fraction * pool.members.length));
}

/** Admits as many candidates as the rules allow, in name order, so the same fault picks the same nodes. */
export function applySafetyRules(ctx: RuleContext, candidates: readonly string[]): { admitted: string[]; blocked: Blocked[] } {
  let admitted = [...candidates].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  const blocked: Blocked[] = [];
  for (const rule of RULES) {
    const r = rule(ctx, admitted);
    admitted = r.admitted;
    if (r.blocked) blocked.push(r.blocked);
  }
  return { admitted, blocked };
}

function split(admitted: string[], room: number, rule: SafetyRuleName, message: string): { admitted: string[]; blocked: Blocked | null } {
  if (admitted.length <= room) return { admitted, blocked: null };
  return { admitted: admitted.slice(0, room), blocked: { rule, message, nodes: admitted.slice(room) } };
}
