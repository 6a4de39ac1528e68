// Single points of failure, from the cabling: nodes with one power supply, or whose supplies all
// share a PDU, a feed or an upstream device (UPS, ATS); pools and services whose members all hang on
// one PDU, row, feed or upstream device; and, from live readings, an ATS that lost its redundancy.
// "Hangs on X" means losing X takes the power of every one of them: a dual-corded member spread over
// two rows hangs on neither.
import type { NodeConfig } from '../config/schema.js';
import type { Facts } from '../health/power-health.js';
import type { Topology } from '../health/topology.js';
import { pduDomains, type PduDomains } from './power-domains.js';

export type FindingKind = 'one-psu' | 'one-pdu' | 'one-feed' | 'one-upstream' | 'one-row' | 'ats-not-redundant';

export interface Finding {
  subject: { kind: 'node' | 'pool' | 'service' | 'ats'; name: string };
  kind: FindingKind;
  /** What it all hangs on: a PDU, "feed A", an upstream device, "row 2 of Dallas 3". */
  on: string;
  message: string;
  /** The racks it stands in (the wall marks them). */
  racks: string[];
}

export interface Audit {
  findings: Finding[];
  /** What the audit could not check, said once. */
  notes: string[];
}

/** Live facts, for what only readings tell (an ATS's redundancy). */
export interface AuditLive {
  facts: Facts;
  now: number;
  staleMs: number;
}

const cache = new WeakMap<Topology, Audit>();

/** Every single point of failure: the cabling's (made once per topology), then the live ones. */
export function audit(topology: Topology, live?: AuditLive): Audit {
  let fromConfig = cache.get(topology);
  if (!fromConfig) cache.set(topology, (fromConfig = configAudit(topology)));
  if (!live) return fromConfig;
  return { findings: [...fromConfig.findings, ...atsFindings(topology, live)], notes: fromConfig.notes };
}

/** What every member of a group hangs on, each kind of domain. */
interface Hangs { pdu: string | null; feed: string | null; row: string | null; upstream: string[] }

function configAudit(topology: Topology): Audit {
  const domains = pduDomains(topology);
  const findings: Finding[] = [];
  const hangs = new Map<string, Hangs>();
  for (const node of topology.nodes.values()) {
    const h = hangsOf(topology, domains, node);
    hangs.set(node.name, h);
    findings.push(...nodeFindings(node, h));
  }
  const group = (kind: 'pool' | 'service', name: string, members: readonly string[]) => {
    const all = [...new Set(members)].filter((m) => hangs.has(m));
    if (all.length === 0) return;
    const shared = all.map((m) => hangs.get(m)!).reduce(intersect);
    const racks = [...new Set(all.map((m) => topology.nodes.get(m)!.rack))];
    const say = (k: FindingKind, on: string, how: string) => findings.push({
      subject: { kind, name }, kind: k, on, racks, message: `${kind} ${name}: ${all.length === 1 ? 'its one member hangs' : `all ${all.length} members hang`} ${how}`,
    });
    // One PDU says it all; otherwise each domain they share is its own risk.
    if (shared.pdu) return void say('one-pdu', shared.pdu, `on ${shared.pdu}`);
    if (shared.upstream[0]) say('one-upstream', shared.upstream[0], `from ${shared.upstream[0]}`);
    if (shared.feed) say('one-feed', `feed ${shared.feed}`, `on feed ${shared.feed}`);
    if (shared.row) say('one-row', shared.row, `on ${shared.row}`);
  };
  for (const pool of topology.pools.values()) group('pool', pool.name, pool.members);
  for (const service of topology.config.services) {
    group('service', service.name, service.pools.flatMap((p) => topology.pools.get(p)?.members ?? []));
  }
  const notes: string[] = [];
  const unfed = topology.config.pdus.filter((p) => domains.get(p.name)!.feed === null && topology.pdusFedFrom(p.name).length === 0 && topology.nodesFedBy(p.name).length > 0);
  if (unfed.length > 0) {
    notes.push(`${unfed.length} PDU${unfed.length === 1 ? ' names' : 's name'} no feed (pdus[].feed): a node on ${unfed.length === 1 ? 'it' : 'them'} is checked for a shared PDU or upstream device, not a shared feed`);
  }
  return { findings, notes };
}

/** The domains that hold all of a node's power supplies. */
function hangsOf(topology: Topology, domains: ReadonlyMap<string, PduDomains>, node: NodeConfig): Hangs {
  const pdus = [...new Set(node.psus.map((p) => p.pdu))];
  const of = pdus.map((p) => domains.get(p)!);
  const rows = pdus.map((p) => rowOf(topology, topology.pdus.get(p)!.rack));
  return {
    pdu: pdus.length === 1 ? pdus[0]! : null,
    feed: of.every((d) => d.feed !== null && d.feed === of[0]!.feed) ? of[0]!.feed : null,
    row: rows.every((r) => r !== null && r === rows[0]) ? rows[0]! : null,
    upstream: of[0]!.upstream.filter((u) => of.every((d) => d.upstream.includes(u))),
  };
}

function rowOf(topology: Topology, rack: string): string | null {
  const place = topology.place(rack);
  return place ? `${place.row} of ${place.site}` : null;
}

function intersect(a: Hangs, b: Hangs): Hangs {
  return {
    pdu: a.pdu === b.pdu ? a.pdu : null,
    feed: a.feed === b.feed ? a.feed : null,
    row: a.row === b.row ? a.row : null,
    upstream: a.upstream.filter((u) => b.upstream.includes(u)),
  };
}

function nodeFindings(node: NodeConfig, h: Hangs): Finding[] {
  const say = (kind: FindingKind, on: string, message: string): Finding => ({ subject: { kind: 'node', name: node.name }, kind, on, message: `node ${node.name} ${message}`, racks: [node.rack] });
  const psu = node.psus[0]!;
  if (node.psus.length === 1) return [say('one-psu', psu.pdu, `has one power supply (${psu.pdu} outlet ${psu.outlet})`)];
  if (h.pdu) return [say('one-pdu', h.pdu, `has all ${node.psus.length} power supplies on ${h.pdu}`)];
  const out: Finding[] = [];
  if (h.feed) out.push(say('one-feed', `feed ${h.feed}`, `has all ${node.psus.length} power supplies on feed ${h.feed} (${[...new Set(node.psus.map((p) => p.pdu))].join(', ')})`));
  if (h.upstream[0]) out.push(say('one-upstream', h.upstream[0], `has all ${node.psus.length} power supplies fed from ${h.upstream[0]}`));
  return out;
}

/** An ATS whose fresh reading says it has lost its redundant source. */
function atsFindings(topology: Topology, live: AuditLive): Finding[] {
  const out: Finding[] = [];
  for (const device of topology.config.pdus) {
    const f = live.facts.pdu(device.name);
    const fresh = f?.reachable === true && f.lastPollAt !== null && live.now - f.lastPollAt <= live.staleMs;
    const ats = fresh ? f.reading?.ats : null;
    if (ats?.redundancy !== 'lost') continue;
    const below = topology.pdusFedFrom(device.name).length;
    out.push({
      subject: { kind: 'ats', name: device.name }, kind: 'ats-not-redundant', on: device.name, racks: [device.rack],
      message: `ATS ${device.name} has no redundant source (running on ${ats.activeSource === 'unknown' ? 'an unknown source' : `source ${ats.activeSource}`}): ${below === 1 ? 'the device below it hangs' : `the ${below} devices below it hang`} on one source`,
    });
  }
  return out;
}
