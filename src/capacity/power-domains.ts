// Where each PDU's power comes from, as the failure domains N-1 headroom and the audit reason about:
// its feed (A or B: its own, else the nearest upstream device's) and the devices upstream of it
// (UPS, ATS), nearest first. A PDU that names neither is a domain of its own: its loss is still a
// loss, and a partner nobody can place must never make a headroom look better than it is.
import type { PduConfig } from '../config/schema.js';
import type { Topology } from '../health/topology.js';

export interface PduDomains {
  /** "A" or "B", or null when neither the PDU nor anything upstream of it names a feed. */
  feed: string | null;
  /** The devices it hangs from, nearest first (a loop in the config is cut where it closes). */
  upstream: readonly string[];
  /** Every domain whose loss takes this PDU down: "feed A", "upstream dal3-ups-1", or "pdu NAME" when it names no feed nor upstream. */
  keys: readonly string[];
}

const cache = new WeakMap<Topology, Map<string, PduDomains>>();

/** Each PDU's domains, made once per topology. */
export function pduDomains(topology: Topology): ReadonlyMap<string, PduDomains> {
  let out = cache.get(topology);
  if (out) return out;
  out = new Map();
  for (const pdu of topology.pdus.values()) out.set(pdu.name, domainsOf(topology, pdu));
  cache.set(topology, out);
  return out;
}

function domainsOf(topology: Topology, pdu: PduConfig): PduDomains {
  const upstream: string[] = [];
  let feed = pdu.feed ?? null;
  for (let next = pdu.upstream; next !== undefined && next !== pdu.name && !upstream.includes(next);) {
    upstream.push(next);
    const device = topology.pdus.get(next);
    feed ??= device?.feed ?? null;
    next = device?.upstream;
  }
  const keys = [...(feed ? [`feed ${feed}`] : []), ...upstream.map((u) => `upstream ${u}`)];
  return { feed, upstream, keys: keys.length > 0 ? keys : [`pdu ${pdu.name}`] };
}

/** How a domain is said: "feed B", "dal3-ups-2", "dal3-r07-b". */
export function domainText(key: string): string {
  return key.startsWith('feed ') ? key : key.slice(key.indexOf(' ') + 1);
}
