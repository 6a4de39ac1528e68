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
  /** Bumped by a live view (PowerHealth) whenever an entry changes; what is derived from it can be cached against it. */
  version?: number;
  /** Kept by a live view: the PDUs that do not answer or feed a PSU whose feed is down (see `failingPdus`). */
  failing?: ReadonlySet<string>;
}

/** PDUs that do not answer, or feed a PSU whose feed is down: what the mass-failure rule counts. */
export function failingPdus(view: PowerView): ReadonlySet<string> {
  if (view.failing) return view.failing;
  const failing = new Set<string>();
  for (const [pdu, h] of view.pdus) if (h.reachable === false) failing.add(pdu);
  for (const node of view.nodes.values()) for (const psu of node.psus) if (psu.feed === 'down') failing.add(psu.pdu);
  return failing;
}

export interface Facts {
  pdu(name: string): PduFacts | undefined;
  node(name: string): NodeFacts | undefined;
}

/**
 * Power health of every node from topology and facts, assessed in one go: a pure function of its inputs.
 * `staleMs`: facts older than this are unknown, never "fine".
 */
export function assessPower(topology: Topology, facts: Facts, now: number, staleMs: number): PowerView {
  return new PowerHealth(topology, facts, staleMs, now).view;
}

/** A change of one device's facts, as the state store announces it. */
export interface FactTouch {
  kind: 'pdu' | 'node';
  name: string;
}

/**
 * Power health kept up to date by changes: a changed fact re-assesses only the PSUs, PDUs and nodes
 * it can reach, and facts going stale are found by their expiry time, not by a sweep. After any
 * sequence of `touch` and `update(now)` the view equals a fresh assessment at `now` (tested so).
 * The view's maps are updated in place; each entry is replaced, never changed.
 */
export class PowerHealth {
  private readonly failing = new Set<string>();
  readonly view: PowerView = { nodes: new Map(), pdus: new Map(), version: 0, failing: this.failing };
  /** PDU → PSUs in the view whose feed from it is down. */
  private readonly downFeeds = new Map<string, number>();
  /** Feeds from readings alone, per node (pass 1). */
  private readonly direct = new Map<string, PsuHealth[]>();
  private readonly dirtyPdus = new Set<string>();
  private readonly dirtyNodes = new Set<string>();
  /** PDUs whose health changed since `takeChangedPdus` last asked. */
  private readonly changedPdus = new Set<string>();
  /** When each fresh device's facts go stale (its lastPollAt + staleMs). */
  private readonly expiries = new ExpiryHeap();

  constructor(private readonly topology: Topology, private readonly facts: Facts, private readonly staleMs: number, now: number) {
    for (const name of topology.pdus.keys()) this.dirtyPdus.add(name);
    for (const name of topology.nodes.keys()) this.dirtyNodes.add(name);
    this.update(now);
  }

  /** A device's facts changed: it is re-assessed at the next update. */
  touch(change: FactTouch): void {
    if (change.kind === 'pdu' ? this.topology.pdus.has(change.name) : this.topology.nodes.has(change.name)) {
      (change.kind === 'pdu' ? this.dirtyPdus : this.dirtyNodes).add(change.name);
    }
  }

  /** Brings the view to `now`: touched devices and those whose facts went stale. Returns the nodes whose health changed. */
  update(now: number): Set<string> {
    for (const e of this.expiries.popUntil(now)) {
      if (this.facts[e.kind](e.name)?.lastPollAt === e.lastPollAt) (e.kind === 'pdu' ? this.dirtyPdus : this.dirtyNodes).add(e.name);
    }
    const changed = new Set<string>();
    if (this.dirtyPdus.size === 0 && this.dirtyNodes.size === 0) return changed;
    const fresh = (f: { lastPollAt: number | null } | undefined) => f?.lastPollAt != null && now - f.lastPollAt <= this.staleMs;

    // Pass 1: the feeds of every node on a touched PDU, and the nodes touched themselves.
    const recombine = new Set<string>(this.dirtyNodes);
    const darkCheck = new Set<string>(this.dirtyPdus);
    for (const pdu of this.dirtyPdus) {
      this.expire('pdu', pdu, fresh);
      for (const node of this.topology.nodesFedBy(pdu)) recombine.add(node.name);
    }
    for (const node of this.dirtyNodes) this.expire('node', node, fresh);
    for (const name of recombine) {
      const node = this.topology.nodes.get(name)!;
      const before = this.direct.get(name);
      const feeds = node.psus.map((p) => directFeed(this.topology, this.facts, fresh, p.pdu, p.outlet));
      this.direct.set(name, feeds);
      // A node's feeds and answers decide whether each PDU feeding it is dark.
      if (this.dirtyNodes.has(name) || !before || feeds.some((f, i) => !samePsu(f, before[i]!))) for (const p of node.psus) darkCheck.add(p.pdu);
    }
    this.dirtyPdus.clear();
    this.dirtyNodes.clear();

    // Pass 2: a silent PDU whose dependants are all silent too has lost power, not just its network.
    for (const pdu of darkCheck) {
      const health = this.pduHealth(pdu, fresh);
      const before = this.view.pdus.get(pdu);
      if (before && before.reachable === health.reachable && before.dark === health.dark) continue;
      this.view.pdus.set(pdu, health);
      this.view.version!++;
      this.recount(pdu, 0);
      this.changedPdus.add(pdu);
      if (before?.dark !== health.dark) for (const node of this.topology.nodesFedBy(pdu)) recombine.add(node.name);
    }

    for (const name of recombine) {
      const psus = this.direct.get(name)!.map((psu): PsuHealth => {
        if (psu.feed !== 'unknown' || !this.view.pdus.get(psu.pdu)?.dark) return psu;
        const cause = darkCause(psu.pdu);
        return { ...psu, feed: 'down', reason: cause, cause };
      });
      const f = this.facts.node(name);
      const reachable = fresh(f) ? f!.reachable : null;
      const health: NodeHealth = { name, ...combine(psus, reachable), reachable, psus };
      const before = this.view.nodes.get(name);
      if (before && sameNode(before, health)) continue;
      this.view.nodes.set(name, health);
      this.view.version!++;
      for (const p of before?.psus ?? []) if (p.feed === 'down') this.recount(p.pdu, -1);
      for (const p of health.psus) if (p.feed === 'down') this.recount(p.pdu, 1);
      changed.add(name);
    }
    return changed;
  }

  /** Keeps `failing` as PSUs' feeds go down or come back (`downBy`) and PDUs' reachability changes. */
  private recount(pdu: string, downBy: number): void {
    const down = (this.downFeeds.get(pdu) ?? 0) + downBy;
    if (down > 0) this.downFeeds.set(pdu, down);
    else this.downFeeds.delete(pdu);
    if (down > 0 || this.view.pdus.get(pdu)?.reachable === false) this.failing.add(pdu);
    else this.failing.delete(pdu);
  }

  /** The PDUs whose reachability or darkness changed since the last call (for the wall's deltas). */
  takeChangedPdus(): string[] {
    const out = [...this.changedPdus];
    this.changedPdus.clear();
    return out;
  }

  private pduHealth(name: string, fresh: (f: { lastPollAt: number | null } | undefined) => boolean): PduHealth {
    const f = this.facts.pdu(name);
    const reachable = fresh(f) ? f!.reachable : null;
    let dark = false;
    if (reachable === false) {
      const dependants = this.topology.nodesFedBy(name).filter((n) => this.direct.get(n.name)!.every((psu) => psu.pdu === name || psu.feed !== 'up'));
      dark = dependants.length > 0 && dependants.every((n) => {
        const nf = this.facts.node(n.name);
        return fresh(nf) && nf!.reachable === false;
      });
    }
    return { name, reachable, dark };
  }

  /** Remembers when a device's fresh facts go stale. */
  private expire(kind: 'pdu' | 'node', name: string, fresh: (f: { lastPollAt: number | null } | undefined) => boolean): void {
    const f = this.facts[kind](name);
    if (fresh(f)) this.expiries.push({ at: f!.lastPollAt! + this.staleMs, kind, name, lastPollAt: f!.lastPollAt! });
  }
}

/** "outlet N on", one copy per outlet number: every healthy PSU's reason, kept with its node's health. */
const OUTLET_ON: string[] = [];
const outletOn = (outlet: number): string => (OUTLET_ON[outlet] ??= `outlet ${outlet} on`);

/** A PSU's feed from its PDU's reading alone. */
function directFeed(topology: Topology, facts: Facts, fresh: (f: { lastPollAt: number | null } | undefined) => boolean, pdu: string, outlet: number): PsuHealth {
  const f = facts.pdu(pdu);
  const reading = fresh(f) && f!.reachable ? f!.reading : null;
  if (!reading) return { pdu, outlet, feed: 'unknown', reason: `${pdu} not answering`, cause: null };
  const o = reading.outlets.find((x) => x.index === outlet);
  const pduConfig = topology.pdus.get(pdu);
  const bankIndex = o?.bank ?? (pduConfig ? topology.configuredBank(pduConfig, outlet) : null);
  const bank = reading.banks.find((b) => b.index === bankIndex);
  if (bank?.breaker === 'tripped' && o?.state !== 'on') {
    const cause = `bank ${bank.index} breaker tripped on ${pdu}`;
    return { pdu, outlet, feed: 'down', reason: cause, cause };
  }
  if (o?.state === 'on') return { pdu, outlet, feed: 'up', reason: outletOn(outlet), cause: null };
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
}

const samePsu = (a: PsuHealth, b: PsuHealth) => a.feed === b.feed && a.reason === b.reason && a.cause === b.cause && a.pdu === b.pdu && a.outlet === b.outlet;
const sameNode = (a: NodeHealth, b: NodeHealth) => a.power === b.power && a.reachable === b.reachable && a.reason === b.reason
  && a.psus.length === b.psus.length && a.psus.every((p, i) => samePsu(p, b.psus[i]!));

interface Expiry {
  at: number;
  kind: 'pdu' | 'node';
  name: string;
  lastPollAt: number;
}

/** A binary min-heap of expiries by time. */
class ExpiryHeap {
  private readonly items: Expiry[] = [];

  push(e: Expiry): void {
    const a = this.items;
    a.push(e);
    for (let i = a.length - 1; i > 0;) {
      const parent = (i - 1) >> 1;
      if (a[parent]!.at <= a[i]!.at) break;
      [a[parent], a[i]] = [a[i]!, a[parent]!];
      i = parent;
    }
  }

  /** Removes and returns every expiry before `now` (stale means older than staleMs, so at < now). */
  popUntil(now: number): Expiry[] {
    const out: Expiry[] = [];
    const a = this.items;
    while (a.length > 0 && a[0]!.at < now) {
      out.push(a[0]!);
      const last = a.pop()!;
      if (a.length === 0) break;
      a[0] = last;
      for (let i = 0; ;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && a[l]!.at < a[m]!.at) m = l;
        if (r < a.length && a[r]!.at < a[m]!.at) m = r;
        if (m === i) break;
        [a[m], a[i]] = [a[i]!, a[m]!];
        i = m;
      }
    }
    return out;
  }
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

/** The cause a dark PDU gives its nodes' PSUs (and its own alert, so they are one story). */
export function darkCause(pdu: string): string {
  return `${pdu} and every node it alone feeds stopped answering`;
}
