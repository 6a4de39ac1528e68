import type { PoolConfig } from '../config/schema.js';
import type { MemberState } from '../model.js';
import type { NodeHealth } from '../health/power-health.js';
import type { DrainRecord, Hold } from './drain-store.js';
import { applySafetyRules, type Blocked, type SafetyRuleName } from './safety-rules.js';

/**
 * Every reason a member is or is not changed, in the order they are asked. A member stops at the
 * first gate that decides it; drain candidates pass every gate from `drain-policy` on.
 */
export const GATES = [
  'hold-out', // an operator holds it out through Breakerbox
  'external-hold', // someone took it out in the backend itself: left alone
  'maintenance', 'power-normal', 'reachable', 'hold-down', 'next-reload', 'readmit', // a drained member's way back
  'hold-in', // an operator pins it in: never drained
  // (a maintenance window that drains takes its members out here, through the safety rules, with no debounce)
  'drain-policy', // its power does not meet the pool's drain policy
  'debounce', // it has not met it for long enough
  'min-healthy', 'max-drained-fraction', 'mass-failure', 'rate-limit', // the safety rules, in their order
  'shadow', // shadow mode: decided and shown, never applied
  'drain',
] as const;

export type GateName = (typeof GATES)[number];

export interface Gate {
  name: GateName;
  message: string;
}

/** What one reconcile decides for one member, and the gate that decided it. */
export interface MemberDecision {
  node: string;
  /** The member's state once this decision is applied. */
  state: MemberState;
  /** drain: a new drain record; readmit: its drain record goes (only at a reload). */
  change: 'none' | 'drain' | 'readmit';
  gate: Gate;
  /** Held in the backend itself: the backend's kind ("haproxy"). */
  heldBy?: string;
}

export interface GateInput {
  pool: PoolConfig;
  now: number;
  shadow: boolean;
  records: ReadonlyMap<string, DrainRecord>;
  holds: ReadonlyMap<string, Hold>;
  /** Members out of service in the backend that Breakerbox did not take out, with how. */
  external: ReadonlyMap<string, string>;
  backendKind: string;
  health: (node: string) => NodeHealth | undefined;
  /** The pool's drain policy: why the member should leave, or null. */
  condition: (node: string) => string | null;
  /** A maintenance window that drains, in force (or draining ahead of its start) over the member: why it should be out. */
  maintenance: (node: string) => { window: string; why: string } | null;
  /** When each member first met its drain condition, from the previous reconcile. */
  conditionSince: ReadonlyMap<string, number>;
  reachableSince: (node: string) => number | null;
  /** Why the member's power domain is frozen (mass failure), if it is. */
  frozen: (node: string) => string | null;
  /** Drains in this pool in the last minute, for the rate limit. */
  recentDrains: number;
  holdDownMs: number;
  /** A reload is re-admitting: drained members that pass every re-admission gate go back. */
  readmitting: boolean;
}

export interface GateOutcome {
  decisions: Map<string, MemberDecision>;
  /** Drain candidates a safety rule refused, by rule, as the rules report them. */
  blocked: Blocked[];
  /** When each member still meeting its drain condition first met it (replaces the input's). */
  conditionSince: Map<string, number>;
  /** When the next debounce ends, if one is running. */
  debounceEndsAt: number | null;
  /** Candidates a maintenance window took out (or tried to), with why. */
  planned: Map<string, string>;
}

/** Runs every member of the pool through the gates: the one place that decides. */
export function decide(input: GateInput): GateOutcome {
  const { pool, now } = input;
  const decisions = new Map<string, MemberDecision>();
  const conditionSince = new Map<string, number>();
  const candidates: string[] = [];
  /** Candidates a maintenance window takes out, with why (the others leave by the pool's drain policy). */
  const planned = new Map<string, string>();
  const why = (node: string) => planned.get(node) ?? input.condition(node);
  let debounceEndsAt: number | null = null;
  const put = (node: string, state: MemberState, gate: GateName, message: string, change: MemberDecision['change'] = 'none') =>
    decisions.set(node, { node, state, change, gate: { name: gate, message } });

  // Drained nodes a reload took out of the pool still have their way back.
  const formerMembers = [...input.records.keys()].filter((n) => !pool.members.includes(n));
  for (const node of [...pool.members, ...formerMembers]) {
    const hold = input.holds.get(node);
    const record = input.records.get(node);
    if (hold?.mode === 'out') {
      put(node, 'held', 'hold-out', `held out by ${hold.by}: ${hold.reason}`);
      continue;
    }
    const outside = input.external.get(node);
    if (outside !== undefined && !record) {
      put(node, 'held', 'external-hold', `held in ${input.backendKind} (${outside}), not by Breakerbox: left alone`);
      decisions.get(node)!.heldBy = input.backendKind;
      continue;
    }
    if (record) {
      const state: MemberState = record.shadow ? 'active' : 'drained';
      const window = input.maintenance(node);
      const notYet = window ? { name: 'maintenance' as const, message: `stays out: ${window.why}` } : whyNotReadmit(input, node);
      if (notYet) put(node, state, notYet.name, notYet.message);
      else if (!input.readmitting) put(node, state, 'next-reload', `power normal and answering for the ${formatDuration(input.holdDownMs)} hold-down: re-admitted at the next reload`);
      else put(node, 'active', 'readmit', `power normal and answering for the ${formatDuration(input.holdDownMs)} hold-down: re-admitted`, 'readmit');
      continue;
    }
    if (hold?.mode === 'in') {
      put(node, 'active', 'hold-in', `pinned in by ${hold.by}: ${hold.reason}`);
      continue;
    }
    const window = input.maintenance(node);
    if (window) {
      planned.set(node, window.why);
      candidates.push(node);
      continue;
    }
    const condition = input.condition(node);
    if (condition === null) {
      const health = input.health(node);
      put(node, 'active', 'drain-policy', !health ? 'not assessed yet' : health.power === 'normal' ? 'power normal' : `${health.reason}: not a drain under the pool's policy (drain on ${pool.drain.on.join(', ')})`);
      continue;
    }
    const since = input.conditionSince.get(node) ?? now;
    conditionSince.set(node, since);
    if (now - since < pool.drain.debounce) {
      const endsAt = since + pool.drain.debounce;
      debounceEndsAt = Math.min(debounceEndsAt ?? Infinity, endsAt);
      put(node, 'active', 'debounce', `${condition} for ${formatDuration(now - since)} of the ${formatDuration(pool.drain.debounce)} debounce`);
      continue;
    }
    candidates.push(node);
  }

  // Only members count: a drain record of a node a reload took out of the pool neither sits in rotation nor in the cap.
  const members = new Set(pool.members);
  const heldOut = [...decisions.values()].filter((d) => d.state === 'held' && members.has(d.node)).length;
  const drained = [...input.records.keys()].filter((n) => members.has(n)).length;
  const { admitted, blocked } = applySafetyRules({
    pool, active: pool.members.length - drained - heldOut, drained, recentDrains: input.recentDrains, frozen: input.frozen,
  }, candidates);
  for (const b of blocked) for (const node of b.nodes) put(node, 'active', b.rule satisfies SafetyRuleName, `${why(node)}; drain blocked by rule ${b.rule}: ${b.message}`);
  for (const node of admitted) {
    if (input.shadow) put(node, 'active', 'shadow', `${why(node)}: would drain (shadow mode: no backend touched)`, 'drain');
    else put(node, 'drained', 'drain', `${why(node)}: drained`, 'drain');
  }
  return { decisions, blocked, conditionSince, debounceEndsAt, planned };
}

/** The re-admission conditions, in order: normal power, answering, answering for the hold-down. */
function whyNotReadmit(input: GateInput, node: string): Gate | null {
  const health = input.health(node);
  if (!health) return { name: 'power-normal', message: 'no longer configured' };
  if (health.power !== 'normal') return { name: 'power-normal', message: health.power === 'lost' ? 'still without power' : `power ${health.power}` };
  const since = input.reachableSince(node);
  if (health.reachable !== true || since === null) return { name: 'reachable', message: 'not answering' };
  if (input.now - since < input.holdDownMs) return { name: 'hold-down', message: `back for less than the ${formatDuration(input.holdDownMs)} hold-down` };
  return null;
}

export function formatDuration(ms: number): string {
  if (ms % 60_000 === 0 && ms > 0) return `${ms / 60_000} min`;
  if (ms < 1_000) return `${ms} ms`;
  return `${Math.round(ms / 1000)} s`;
}
