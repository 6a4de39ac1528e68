import type { Feed, PowerState } from '../model.js';
import type { NodeFacts, PduFacts } from '../state/state-store.js';
import type { Topology } from './topology.js';

/** Why a PSU's feed is what it is; `cause` groups PSUs that lost power for the same reason. */
export interface PsuHealth {
  pdu: string;
  outlet: number;
  feed: Feed;
  reason: string;
  cause: string | null;
}

export interface NodeHealth {
  name: string;
  power: PowerState;
  /** From the node's own agent; null when its facts are missing or stale. */
  reachable: boolean | null;
  psus: PsuHealth[];
  reason: string;
}

export interface PduHealth {
  name: string;
  /** Fresh facts say it answers (true) or not (false); null: never polled or stale. */
  reachable: boolean | null;
  /** Unreachable together with every node that depends on it alone: it has most likely lost power. */
  dark: boolean;
}

export interface PowerView {
  nodes: Map<string, NodeHealth>;
  pdus: Map<string, PduHealth>;
}

export interface Facts {
  pdu(name: string): PduFacts | undefined;
  node(name: string): NodeFacts | undefined;
}

/**
 * Power health of every node from topology and facts: a pure function of its inputs.
 * `staleMs`: facts older than this are unknown, never "fine".
 */
export function assessPower(topology: Topology, facts: Facts, now: number, staleMs: number): PowerView {
  const fresh = (f: { lastPollAt: number | null } | undefined) => f?.lastPollAt != null && now - f.lastPollAt <= staleMs;
  const nodeReachable = (name: string): boolean | null => {
    const f = facts.node(name);
    return fresh(f) ? f!.reachable : null;
  };
  const pduReading = (name: string) => {
    const f = facts.pdu(name);
    return fresh(f) && f!.reachable ? f!.reading : null;
  };

  // Pass 1: feeds from readings alone.
  const direct = (pdu: string, outlet: number): PsuHealth => {
    const reading = pduReading(pdu);
    if (!reading) return { pdu, outlet, feed: 'unknown', reason: `${pdu} not answering`, cause: null };
    const o = reading.outlets.find((x) => x.index === outlet);
    const pduConfig = topology.pdus.get(pdu);
    const bankIndex = o?.bank ?? (pduConfig ? topology.configuredBank(pduConfig, outlet) : null);
    const bank = reading.banks.find((b) => b.index === bankIndex);
    if (bank?.breaker === 'tripped' && o?.state !== 'on') {
      const cause = `bank ${bank.index} breaker tripped on ${pdu}`;
      return { pdu, outlet, feed: 'down', reason: cause, cause };
    }
    if (o?.state === 'on') return { pdu, outlet, feed: 'up', reason: `outlet ${outlet} on`, cause: null };
    if (o?.state === 'off') {
      const cause = `outlet ${outlet} switched off on ${pdu}`;
      return { pdu, outlet, feed: 'down', reason: cause, cause };
    }
    const volts = [...reading.inlets, ...reading.phases].map((p) => p.voltage).filter((v) => v.quality === 'ok');
    if (volts.length > 0 && volts.every((v) => v.value! < 10)) {
      const cause = `inlet of ${pdu} without voltage`;
      return { pdu, outlet, feed: 'down', reason: cause, cause };
    }
    return { pdu, outlet, feed: 'unknown', reason: `outlet ${outlet} state unknown on ${pdu}`, cause: null };
  };
  const directFeeds = new Map<string, PsuHealth[]>();
  for (const node of topology.nodes.values()) directFeeds.set(node.name, node.psus.map((p) => direct(p.pdu, p.outlet)));

  // Pass 2: a silent PDU whose dependants are all silent too has lost power, not just its network.
  const pdus = new Map<string, PduHealth>();
  for (const pdu of topology.pdus.values()) {
    const f = facts.pdu(pdu.name);
    const reachable = fresh(f) ? f!.reachable : null;
    let dark = false;
    if (reachable === false) {
      const dependants = topology.nodesFedBy(pdu.name).filter((n) =>
        directFeeds.get(n.name)!.every((psu) => psu.pdu === pdu.name || psu.feed !== 'up'));
      dark = dependants.length > 0 && dependants.every((n) => nodeReachable(n.name) === false);
    }
    pdus.set(pdu.name, { name: pdu.name, reachable, dark });
  }

  const nodes = new Map<string, NodeHealth>();
  for (const node of topology.nodes.values()) {
    const psus = directFeeds.get(node.name)!.map((psu): PsuHealth => {
      if (psu.feed !== 'unknown' || !pdus.get(psu.pdu)?.dark) return psu;
      const cause = `${psu.pdu} and every node it alone feeds stopped answering`;
      return { ...psu, feed: 'down', reason: cause, cause };
    });
    const reachable = nodeReachable(node.name);
    const { power, reason } = combine(psus, reachable);
    nodes.set(node.name, { name: node.name, power, reachable, psus, reason });
  }
  return { nodes, pdus };
}

/** Node power from its PSUs' feeds; a node that answers has power from somewhere. */
function combine(psus: PsuHealth[], reachable: boolean | null): { power: PowerState; reason: string } {
  const up = psus.filter((p) => p.feed === 'up').length;
  const down = psus.filter((p) => p.feed === 'down');
  const unknown = psus.length - up - down.length;
  const downReasons = [...new Set(down.map((p) => p.reason))].join('; ');
  if (unknown === 0) {
    if (up === psus.length) return { power: 'normal', reason: 'all power supplies fed' };
    if (down.length === psus.length) return { power: 'lost', reason: downReasons };
    return { power: 'degraded', reason: `redundancy lost: ${downReasons}` };
  }
  if (down.length > 0 && up > 0) return { power: 'degraded', reason: `redundancy lost: ${downReasons}` };
  if (down.length > 0 && reachable === true) return { power: 'degraded', reason: `redundancy lost: ${downReasons}; node still answers` };
  if (down.length > 0 && reachable === false) return { power: 'lost', reason: `${downReasons}; node not answering` };
  return { power: 'unknown', reason: [...new Set(psus.filter((p) => p.feed === 'unknown').map((p) => p.reason))].join('; ') };
}
