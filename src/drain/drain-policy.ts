import type { PoolConfig } from '../config/schema.js';
import type { Facts, NodeHealth } from '../health/power-health.js';
import type { Topology } from '../health/topology.js';

/** Why a member should leave its pool under the pool's policy, or null. Power "lost" always drains. */
export function drainCondition(pool: PoolConfig, health: NodeHealth | undefined, topology: Topology, facts: Facts): string | null {
  if (!health) return null;
  if (health.power === 'lost') return health.reason;
  if (health.power === 'degraded' && pool.drain.on.includes('degraded')) return health.reason;
  if (pool.drain.on.includes('ups-battery')) return upsOnBattery(health, topology, facts, pool.drain.upsRuntimeBelow);
  return null;
}

/** Every feed of the node comes through a UPS that is on battery with less than `below` ms left. */
function upsOnBattery(health: NodeHealth, topology: Topology, facts: Facts, below: number): string | null {
  const reasons: string[] = [];
  for (const psu of health.psus) {
    if (psu.feed !== 'up') continue;
    const upstream = topology.pdus.get(psu.pdu)?.upstream;
    const ups = upstream ? facts.pdu(upstream)?.reading?.ups : null;
    if (!ups || ups.source !== 'battery' || ups.runtime.quality !== 'ok' || ups.runtime.value! * 1000 >= below) return null;
    reasons.push(`UPS ${upstream} on battery, ${Math.round(ups.runtime.value! / 60)} min left`);
  }
  return reasons.length ? [...new Set(reasons)].join('; ') : null;
}
