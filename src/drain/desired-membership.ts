import type { MembershipEntry } from '../backends/pool-backend.js';
import type { PoolConfig } from '../config/schema.js';
import type { PowerView } from '../health/power-health.js';
import type { DrainRecord, Hold } from './drain-store.js';
import type { MemberDecision } from './gates.js';
import type { SafetyRuleName } from './safety-rules.js';

const RULES: readonly string[] = ['min-healthy', 'max-drained-fraction', 'mass-failure', 'rate-limit'] satisfies SafetyRuleName[];

/** What a backend is asked to hold: held and drained members out, the rest in, each with why. */
export function desiredMembership(
  pool: PoolConfig, decisions: ReadonlyMap<string, MemberDecision>, records: ReadonlyMap<string, DrainRecord>, holds: ReadonlyMap<string, Hold>, view: PowerView,
): MembershipEntry[] {
  return pool.members.map((node): MembershipEntry => {
    const d = decisions.get(node)!;
    if (d.gate.name === 'external-hold') return { node, state: 'held', reason: d.gate.message, since: null, external: true };
    if (d.state === 'held') return { node, state: 'held', reason: d.gate.message, since: holds.get(node)?.since ?? null };
    const record = records.get(node);
    if (d.state === 'drained' && record) return { node, state: 'drained', reason: record.reason, since: record.since };
    const health = view.nodes.get(node);
    const reason = RULES.includes(d.gate.name) ? `drain blocked by ${d.gate.name}` : health?.power === 'normal' ? null : health?.reason ?? null;
    return { node, state: 'active', reason, since: null };
  });
}
