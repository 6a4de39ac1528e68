// One page per story: an alert and the alerts grouped under it (a tripped bank and the nodes it took
// down), told as cause → impact → action. Pure: the text comes from the alerts and what the drain
// controller decided, the same for every notifier.
import { nameRanges } from '../drain/describe.js';
import type { Alert } from './alert-engine.js';
import { SEVERITY_RANK, type Severity } from './rules.js';

export interface Story {
  /** The root alert's key: stable across restarts, the page's dedup key. */
  key: string;
  root: Alert;
  members: Alert[];
  severity: Severity;
}

/** What the drain controller and the topology say about the nodes of a story. */
export interface StoryContext {
  /** Pools of a node. */
  poolsOf(node: string): readonly string[];
  /** A pool's size, members in service now, and drained now. */
  pool(name: string): { members: number; active: number; drained: number } | null;
  /** Services that use a pool. */
  servicesOf(pool: string): readonly string[];
  /** A pool's safety rules refusing drains now, as said by the rule. */
  blocked(pool: string): readonly string[];
  /** The wall's address for a place, or null. */
  link(labels: Alert['labels']): string | null;
}

export interface StoryText {
  /** Short enough for a phone's lock screen and an e-mail subject. */
  title: string;
  cause: string;
  impact: string;
  action: string;
  link: string | null;
  /** The pools and services the story touches (also told in `impact`); absent in pages queued by older versions. */
  pools?: string[];
  services?: string[];
}

/**
 * The stories of the active alerts: each alert without a group is a root; grouped ones join the
 * root their group leads to (a node under a tripped bank, the bank under the first fault of a
 * site-wide event).
 */
export function stories(active: readonly Alert[]): Story[] {
  const byKey = new Map(active.map((a) => [a.key, a]));
  const roots = new Map<string, Story>();
  for (const a of active) if (a.group === null) roots.set(a.key, { key: a.key, root: a, members: [], severity: a.severity });
  for (const a of active) {
    let top = a;
    for (let hops = 0; top.group !== null && hops < 8; hops++) {
      const up = byKey.get(top.group);
      if (!up) break;
      top = up;
    }
    if (top === a || top.group !== null) continue;
    const s = roots.get(top.key)!;
    s.members.push(a);
    if (a.state === 'firing' && SEVERITY_RANK[a.severity] > SEVERITY_RANK[s.severity]) s.severity = a.severity;
  }
  return [...roots.values()];
}

/** Faults of their own that joined the root's story as one event (another bank, another PDU at the site). */
export function joinedFaults(story: Story): Alert[] {
  const { root } = story;
  return story.members.filter((a) => a.group === root.key && a.causes.length > 0 && !a.causes.some((c) => root.causes.includes(c)));
}

export function storyText(story: Story, ctx: StoryContext): StoryText {
  const { root } = story;
  const nodes = [...new Set([root, ...story.members].filter((a) => a.subject.kind === 'node' && a.state !== 'resolved').map((a) => a.subject.name))];
  const all = [root, ...story.members];
  const lost = all.filter((a) => a.rule === 'node-power-lost' && a.state !== 'resolved').map((a) => a.subject.name);
  const degraded = all.filter((a) => a.rule === 'node-power-degraded' && a.state !== 'resolved').map((a) => a.subject.name);
  const others = joinedFaults(story);
  const causeOf = (a: Alert) => (a.subject.kind === 'node' && a.causes[0] ? a.causes[0] : a.summary);
  const pools = [...new Set(nodes.flatMap((n) => ctx.poolsOf(n)))].sort();
  const services = [...new Set(pools.flatMap((p) => ctx.servicesOf(p)))].sort();

  const site = root.labels.site ?? 'the site';
  const cause = others.length ? `${others.length + 1} power faults at ${site}: ${[root, ...others].map(causeOf).join('; ')}` : root.summary;
  const hit: string[] = [];
  if (lost.length) hit.push(`${lost.length} node${lost.length === 1 ? '' : 's'} lost power (${nameRanges(lost)})`);
  if (degraded.length) hit.push(`${degraded.length} on one feed (${nameRanges(degraded)})`);
  if (!lost.length && !degraded.length && nodes.length) hit.push(nameRanges(nodes));
  const capacity = pools.map((p) => {
    const s = ctx.pool(p);
    return s ? `pool ${p} ${s.active} of ${s.members} in service` : `pool ${p}`;
  });
  const impact = [...hit, ...capacity, ...(services.length ? [`services: ${services.join(', ')}`] : [])].join('; ') || 'no node behind it';
  const actions = pools.map((p) => {
    const blocked = ctx.blocked(p);
    if (blocked.length) return `pool ${p}: drain blocked (${blocked.join('; ')})`;
    const s = ctx.pool(p);
    return s && s.drained > 0 ? `pool ${p}: ${s.drained} drained` : `pool ${p}: nothing drained`;
  });
  const action = actions.join('; ') || 'no drain: nothing to take out of service';
  const size = lost.length ? `, ${lost.length} node${lost.length === 1 ? '' : 's'} down` : '';
  const what = others.length ? `${site}: ${others.length + 1} power faults`
    : root.subject.kind === 'node' && lost.length + degraded.length > 1 && root.causes[0] ? root.causes[0] // many nodes, one cause no alert stands for
      : `${root.subject.name}: ${ruleText(root)}`;
  const title = `[${story.severity.toUpperCase()}] ${what}${size}`;
  return { title: title.length > 78 ? `${title.slice(0, 77)}…` : title, cause, impact, action, link: ctx.link(root.labels), pools, services };
}

function ruleText(a: Alert): string {
  switch (a.rule) {
    case 'breaker-tripped': return 'breaker tripped';
    case 'node-power-lost': return 'power lost';
    case 'node-power-degraded': return 'one feed left';
    case 'load-high': return 'load high';
    case 'pdu-unreachable': return 'not answering';
    case 'node-unreachable': return 'not answering';
    case 'ups-on-battery': return 'on battery';
    case 'ups-runtime-low': return 'runtime low';
    case 'ats-redundancy-lost': return 'redundancy lost';
    case 'drain-blocked': return 'drain blocked';
    case 'monitoring-fault': return 'monitoring fault, drains frozen';
    case 'backend-failing': return 'backend failing';
    case 'polls-stale': return 'polls stale';
    case 'headroom-low': return 'N-1 headroom low';
    case 'single-point-of-failure': return 'single point of failure';
  }
}
