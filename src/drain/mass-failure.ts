import type { Config } from '../config/schema.js';
import { failingPdus, type Facts, type PowerView } from '../health/power-health.js';
import type { Topology } from '../health/topology.js';

/** A power domain (a row, a site) whose PDUs fail together while their nodes still answer. */
export interface FrozenDomain {
  domain: string; // "row 1 of Dallas 3", "site Dallas 3"
  pdus: string[];
  /** Nodes with a PSU on one of the failing PDUs: automation is frozen for them. */
  nodes: Set<string>;
  message: string;
}

/**
 * Several PDUs of one row or site going dark (silent, or reporting dead feeds) at once while the
 * nodes they feed still answer is the monitoring path breaking, not the power: freeze there.
 */
export function frozenDomains(topology: Topology, view: PowerView, facts: Facts, settings: Config['settings']['massFailure']): FrozenDomain[] {
  const failing = failingPdus(view);

  const out: FrozenDomain[] = [];
  if (failing.size < settings.minPdus) return out;
  for (const d of topology.domains) {
    const bad = d.pdus.filter((p) => failing.has(p));
    if (bad.length < settings.minPdus || bad.length < settings.fraction * d.pdus.length) continue;
    const nodes = new Set(bad.flatMap((p) => topology.nodesFedBy(p).map((n) => n.name)));
    const answering = [...nodes].filter((n) => facts.node(n)?.reachable === true).length;
    if (nodes.size === 0 || answering * 2 <= nodes.size) continue; // most of them are silent too: that is a real power loss
    out.push({
      domain: d.name, pdus: bad, nodes,
      message: `${bad.length} of ${d.pdus.length} PDUs in ${d.name} failing at once while ${answering} of the ${nodes.size} nodes they feed still answer: the monitoring path, not the power`,
    });
  }
  return out;
}
