import type { PowerView } from '../health/power-health.js';
import { nameRanges, numberRanges, percent } from './describe.js';

/** cause → impact → action, e.g. "bank 1 breaker tripped on dal3-r07-a → outlets 1-20 of … → drained 20 of 80 …". */
export function drainChain(
  view: PowerView,
  nodes: readonly string[],
  pool: { pool: string; total: number; drainedAfter: number; cap: number; shadow?: boolean },
): { cause: string; impact: string; action: string } {
  const causes = new Set<string>();
  const outletsByPdu = new Map<string, number[]>();
  for (const node of nodes) {
    for (const psu of view.nodes.get(node)?.psus ?? []) {
      if (psu.feed !== 'down') continue;
      if (psu.cause) causes.add(psu.cause);
      outletsByPdu.set(psu.pdu, [...(outletsByPdu.get(psu.pdu) ?? []), psu.outlet]);
    }
  }
  const outlets = [...outletsByPdu].map(([pdu, list]) => `outlet${list.length > 1 ? 's' : ''} ${numberRanges(list)} of ${pdu}`).join(', ');
  return {
    cause: causes.size > 0 ? [...causes].join('; ') : 'power lost',
    impact: `${outlets ? `${outlets} → ` : ''}${nameRanges(nodes)} lost power`,
    action: pool.shadow
      ? `would drain ${nodes.length} of ${pool.total} from pool ${pool.pool} (shadow mode: no backend touched)`
      : `drained ${nodes.length} of ${pool.total} from pool ${pool.pool} (${pool.drainedAfter} drained, cap ${percent(pool.cap)})`,
  };
}
