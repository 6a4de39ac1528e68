import type { Clock } from '../clock.js';
import type { EventLog } from '../events/event-log.js';
import { nameRanges } from './describe.js';
import type { MemberDecision } from './gates.js';
import type { FrozenDomain } from './mass-failure.js';
import type { Blocked } from './safety-rules.js';

const BLOCKED_REPEAT_MS = 10 * 60_000;

/** The events a reconcile owes: refusals, freezes and their end, holds seen in a backend and their end, a pool gone. */
export class DrainNotices {
  private readonly blockedSaid = new Map<string, number>();
  private readonly removedSaid = new Set<string>();

  constructor(private readonly events: EventLog, private readonly clock: Clock) {}

  frozen(before: readonly FrozenDomain[], now: readonly FrozenDomain[]): void {
    const was = new Set(before.map((d) => d.domain));
    const is = new Set(now.map((d) => d.domain));
    for (const d of now) {
      if (!was.has(d.domain)) this.events.add({ type: 'monitoring-fault', severity: 'critical', subject: d.domain, message: `${d.message}: automatic drains frozen there (rule mass-failure)` });
    }
    for (const name of was) {
      if (!is.has(name)) this.events.add({ type: 'monitoring-recovered', severity: 'info', subject: name, message: `${name}: PDUs and nodes agree again; automatic drains resume` });
    }
  }

  blocked(pool: string, blocked: readonly Blocked[]): void {
    const now = this.clock.now();
    for (const b of blocked) {
      // The same refusal is said once, not again each time a wavering fact lets it lapse and return.
      const key = `${pool} ${b.rule} ${b.nodes.join()}`;
      if ((this.blockedSaid.get(key) ?? -Infinity) + BLOCKED_REPEAT_MS > now) continue;
      if (this.blockedSaid.size > 1_000) this.blockedSaid.clear();
      this.blockedSaid.set(key, now);
      this.events.add({
        type: 'drain-blocked', severity: 'critical', subject: pool,
        message: `drain of ${nameRanges(b.nodes)} from pool ${pool} blocked by rule ${b.rule}: ${b.message}`,
        chain: { cause: `${nameRanges(b.nodes)} met the pool's drain policy`, impact: `pool ${pool} would break rule ${b.rule}`, action: `not drained (rule ${b.rule})` },
      });
    }
  }

  /** Members someone took out in the backend itself, or put back: Breakerbox leaves them alone and says so. */
  external(pool: string, kind: string, before: ReadonlyMap<string, MemberDecision> | undefined, now: ReadonlyMap<string, MemberDecision>): void {
    const held = (m: ReadonlyMap<string, MemberDecision> | undefined) =>
      [...(m?.values() ?? [])].filter((d) => d.gate.name === 'external-hold').map((d) => d.node);
    const was = new Set(held(before));
    const is = held(now);
    const appeared = is.filter((n) => !was.has(n));
    const cleared = [...was].filter((n) => now.has(n) && now.get(n)!.gate.name !== 'external-hold');
    if (appeared.length > 0) {
      this.events.add({
        type: 'external-hold', severity: 'warning', subject: pool,
        message: `${nameRanges(appeared)} taken out of pool ${pool} in ${kind}, not by Breakerbox: held there and left alone`,
        chain: { cause: `${nameRanges(appeared)} set out of service in ${kind} directly`, impact: `pool ${pool}: ${appeared.length} fewer in rotation`, action: `left alone (held by ${kind})` },
      });
    }
    if (cleared.length > 0) {
      this.events.add({
        type: 'external-release', severity: 'info', subject: pool,
        message: `${nameRanges(cleared)} back in service in ${kind}: Breakerbox manages ${cleared.length === 1 ? 'it' : 'them'} again`,
        chain: { cause: `${nameRanges(cleared)} set back in service in ${kind}`, impact: `pool ${pool}`, action: 'managed by Breakerbox again' },
      });
    }
  }

  /** Pools a reload removed while they had drain records: said once per removal. */
  poolsRemoved(removed: readonly string[], nodesOf: (pool: string) => string[]): void {
    for (const pool of removed) {
      if (this.removedSaid.has(pool)) continue;
      this.removedSaid.add(pool);
      const nodes = nodesOf(pool);
      this.events.add({
        type: 'pool-removed', severity: 'warning', subject: pool,
        message: `pool ${pool} is no longer configured: ${nameRanges(nodes)} keep their drain records and stay out if it returns, until a reload re-admits them past the hold-down`,
        chain: { cause: `pool ${pool} removed from the configuration`, impact: `${nodes.length} drain record${nodes.length === 1 ? '' : 's'} without a pool`, action: 'kept and shown; no backend touched' },
      });
    }
    for (const pool of this.removedSaid) if (!removed.includes(pool)) this.removedSaid.delete(pool);
  }
}
