// The part of the site a wall shows: a site, a row or a rack (or all of it), the names it covers,
// and the part of a snapshot or a delta that falls inside it.
import type { Topology } from '../health/topology.js';
import type { ApiDelta, ApiSite } from './api-types.js';
import type { ReadModel } from './snapshot.js';

/** The part of the site a wall shows; empty: all of it. */
export interface WallScope { site?: string; row?: string; rack?: string }

/** The names a scope covers (null: all). */
export interface ScopeSets { key: string; scope: WallScope; racks: Set<string> | null; pdus: Set<string> | null; nodes: Set<string> | null; pools: Set<string> | null; services: Set<string> | null }

export function scopeNames(rm: ReadModel, topology: Topology, scope: WallScope, key: string): ScopeSets {
  const racks = new Set<string>();
  for (const site of rm.config().sites) {
    if (scope.site !== undefined && site.name !== scope.site) continue;
    for (const row of site.rows) {
      if (scope.row !== undefined && row.name !== scope.row) continue;
      for (const rack of row.racks) if (scope.rack === undefined || rack === scope.rack) racks.add(rack);
    }
  }
  const pdus = new Set<string>();
  const nodes = new Set<string>();
  for (const rack of racks) {
    for (const p of topology.inRack(rack).pdus) pdus.add(p);
    for (const n of topology.inRack(rack).nodes) nodes.add(n);
  }
  const pools = new Set<string>();
  for (const n of nodes) for (const p of topology.poolsOfNode(n)) pools.add(p);
  const services = new Set(rm.config().services.filter((s) => s.pools.some((p) => pools.has(p))).map((s) => s.name));
  return { key, scope, racks, pdus, nodes, pools, services };
}

export function scopedSites(sites: readonly { name: string; rows: readonly { name: string; racks: readonly string[] }[] }[], topology: Topology, sets: ScopeSets): ApiSite[] {
  const racks = sets.racks;
  return sites.map((site) => ({
    name: site.name,
    rows: site.rows.map((row) => ({
      name: row.name,
      racks: row.racks.filter((r) => racks === null || racks.has(r)).map((rack) => ({ name: rack, pdus: [...topology.inRack(rack).pdus], nodes: [...topology.inRack(rack).nodes] })),
    })).filter((row) => racks === null || row.racks.length > 0),
  })).filter((site) => racks === null || site.rows.length > 0);
}

/** The part of a delta a scoped wall shows (removed pools go to every wall). */
export function scoped(delta: ApiDelta, sets: ScopeSets, removed: ReadonlySet<string>): ApiDelta {
  const out: ApiDelta = { from: delta.from, to: delta.to, time: delta.time };
  const keep = <T extends { name: string }>(list: T[] | undefined, set: Set<string> | null, also: ReadonlySet<string> = new Set()): T[] | undefined => {
    const kept = list?.filter((x) => set === null || set.has(x.name) || also.has(x.name));
    return kept && kept.length > 0 ? kept : undefined;
  };
  const pdus = keep(delta.pdus, sets.pdus);
  const nodes = keep(delta.nodes, sets.nodes);
  const pools = keep(delta.pools, sets.pools, removed);
  const services = keep(delta.services, sets.services);
  if (pdus) out.pdus = pdus;
  if (nodes) out.nodes = nodes;
  if (pools) out.pools = pools;
  if (services) out.services = services;
  if (delta.removedPools) out.removedPools = delta.removedPools;
  if (delta.poolOrder) out.poolOrder = delta.poolOrder.filter((p) => sets.pools === null || sets.pools.has(p) || removed.has(p));
  for (const k of ['reload', 'health', 'sim', 'pollIntervalMs'] as const) if (delta[k] !== undefined) (out as unknown as Record<string, unknown>)[k] = delta[k];
  return out;
}

/** The scope a wall asks for in its address (`?site=…&row=…&rack=…`). */
export function scopeOf(query: Record<string, unknown>): WallScope {
  const one = (v: unknown) => (typeof v === 'string' && v !== '' ? v : Array.isArray(v) && typeof v[0] === 'string' && v[0] !== '' ? v[0] : undefined);
  const scope: WallScope = {};
  const site = one(query.site);
  const row = one(query.row);
  const rack = one(query.rack);
  if (site !== undefined) scope.site = site;
  if (row !== undefined) scope.row = row;
  if (rack !== undefined) scope.rack = rack;
  return scope;
}

export const keyOf = (scope: WallScope): string => (scope.site === undefined && scope.row === undefined && scope.rack === undefined ? '' : JSON.stringify([scope.site ?? null, scope.row ?? null, scope.rack ?? null]));

export function parseKey(key: string): WallScope {
  if (key === '') return {};
  const [site, row, rack] = JSON.parse(key) as (string | null)[];
  return { ...(site != null ? { site } : {}), ...(row != null ? { row } : {}), ...(rack != null ? { rack } : {}) };
}
