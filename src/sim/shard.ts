// A large simulated site split over several simulator processes (`breakerbox sim --shard i/n`): each
// serves whole power domains (PDUs with every server they feed, and every PDU those servers draw
// from), so a fault in one shard never needs another's agents. Shards are balanced by agent count.
import type { Config } from '../config/schema.js';

/** The devices of shard `index` (0-based) of `of`; the rest of the config is kept as is. */
export function shardOf(config: Config, index: number, of: number): Config {
  if (!Number.isInteger(of) || of < 1 || !Number.isInteger(index) || index < 0 || index >= of) {
    throw new Error(`shard ${index + 1}/${of}: want i/n with 1 ≤ i ≤ n`);
  }
  const shard = shardsOf(config, of);
  return { ...config, pdus: config.pdus.filter((p) => shard.get(p.name) === index), nodes: config.nodes.filter((n) => shard.get(n.name) === index) };
}

/** Which shard of `of` serves each PDU and node, by name. */
export function shardsOf(config: Config, of: number): Map<string, number> {
  // Power domains: union-find over PDUs, joined through each server's PSUs.
  const parent = new Map<string, string>(config.pdus.map((p) => [p.name, p.name]));
  const root = (x: string): string => {
    let r = x;
    while (parent.get(r) !== r) r = parent.get(r)!;
    parent.set(x, r);
    return r;
  };
  for (const node of config.nodes) {
    const [first, ...rest] = node.psus.map((p) => p.pdu).filter((p) => parent.has(p));
    if (first) for (const other of rest) parent.set(root(other), root(first));
  }
  const domains = new Map<string, string[]>();
  const add = (domain: string, name: string) => {
    const members = domains.get(domain);
    if (members) members.push(name);
    else domains.set(domain, [name]);
  };
  for (const pdu of config.pdus) add(root(pdu.name), pdu.name);
  for (const node of config.nodes) {
    const fed = node.psus.find((p) => parent.has(p.pdu));
    add(fed ? root(fed.pdu) : `node:${node.name}`, node.name);
  }
  // Largest domain first onto the lightest shard (ties: the lower shard), in config order: deterministic.
  const load = new Array<number>(of).fill(0);
  const out = new Map<string, number>();
  for (const members of [...domains.values()].sort((a, b) => b.length - a.length)) {
    const lightest = load.indexOf(Math.min(...load));
    load[lightest]! += members.length;
    for (const m of members) out.set(m, lightest);
  }
  return out;
}
