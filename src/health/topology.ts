import type { Config, NodeConfig, PduConfig, PoolConfig } from '../config/schema.js';

/** Where a rack stands. */
export interface Place { site: string; row: string; rack: string }

/** Indexes over the configured cabling, built once per config. */
export class Topology {
  readonly pdus: ReadonlyMap<string, PduConfig>;
  readonly nodes: ReadonlyMap<string, NodeConfig>;
  readonly pools: ReadonlyMap<string, PoolConfig>;
  private readonly fedBy = new Map<string, NodeConfig[]>();
  private readonly poolsOf = new Map<string, string[]>();
  private readonly outletUse = new Map<string, { node: string; psu: number }>();
  private readonly downstream = new Map<string, PduConfig[]>();
  private readonly racks = new Map<string, { pdus: string[]; nodes: string[] }>();
  private readonly places = new Map<string, Place>();
  /** Power domains: each site and each row, with its PDUs. */
  readonly domains: readonly { name: string; pdus: readonly string[] }[];

  constructor(readonly config: Config) {
    this.pdus = new Map(config.pdus.map((p) => [p.name, p]));
    this.nodes = new Map(config.nodes.map((n) => [n.name, n]));
    this.pools = new Map(config.pools.map((p) => [p.name, p]));
    for (const node of config.nodes) {
      node.psus.forEach((psu, i) => {
        const fed = this.fedBy.get(psu.pdu) ?? [];
        if (!fed.includes(node)) fed.push(node);
        this.fedBy.set(psu.pdu, fed);
        this.outletUse.set(`${psu.pdu}#${psu.outlet}`, { node: node.name, psu: i + 1 });
      });
    }
    for (const site of config.sites) {
      for (const row of site.rows) for (const r of row.racks) this.places.set(r, { site: site.name, row: row.name, rack: r });
    }
    const rack = (name: string) => this.racks.get(name) ?? this.racks.set(name, { pdus: [], nodes: [] }).get(name)!;
    for (const p of config.pdus) rack(p.rack).pdus.push(p.name);
    for (const n of config.nodes) rack(n.rack).nodes.push(n.name);
    for (const p of config.pdus) if (p.upstream) this.downstream.set(p.upstream, [...(this.downstream.get(p.upstream) ?? []), p]);
    const pdusByRack = new Map<string, string[]>();
    for (const p of config.pdus) pdusByRack.set(p.rack, [...(pdusByRack.get(p.rack) ?? []), p.name]);
    const pdusIn = (racks: readonly string[]) => racks.flatMap((r) => pdusByRack.get(r) ?? []);
    this.domains = config.sites.flatMap((site) => [
      { name: `site ${site.name}`, pdus: pdusIn(site.rows.flatMap((r) => r.racks)) },
      ...site.rows.map((row) => ({ name: `${row.name} of ${site.name}`, pdus: pdusIn(row.racks) })),
    ]);
    for (const pool of config.pools) {
      for (const member of pool.members) this.poolsOf.set(member, [...(this.poolsOf.get(member) ?? []), pool.name]);
    }
  }

  /** Nodes with at least one PSU on this PDU. */
  nodesFedBy(pdu: string): readonly NodeConfig[] {
    return this.fedBy.get(pdu) ?? [];
  }

  /** A rack's site and row (undefined for a rack no site lists). */
  place(rack: string): Place | undefined {
    return this.places.get(rack);
  }

  /** The PDUs and nodes configured in a rack, in config order. */
  inRack(rack: string): { readonly pdus: readonly string[]; readonly nodes: readonly string[] } {
    return this.racks.get(rack) ?? { pdus: [], nodes: [] };
  }

  /** PDUs fed through this UPS (their `upstream`). */
  pdusFedFrom(ups: string): readonly PduConfig[] {
    return this.downstream.get(ups) ?? [];
  }

  poolsOfNode(node: string): readonly string[] {
    return this.poolsOf.get(node) ?? [];
  }

  /** The node and PSU (1-based) plugged into this outlet, if any. */
  outletFeeds(pdu: string, outlet: number): { node: string; psu: number } | null {
    return this.outletUse.get(`${pdu}#${outlet}`) ?? null;
  }

  /** Bank of an outlet as configured (even, contiguous split), for when the PDU does not say. */
  configuredBank(pdu: PduConfig, outlet: number): number {
    const perBank = Math.ceil(pdu.outlets / pdu.banks);
    return Math.min(pdu.banks, Math.floor((outlet - 1) / perBank) + 1);
  }
}
