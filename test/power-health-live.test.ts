// The live power view (PowerHealth) against a fresh assessment: after any sequence of polls, failures
// and time passing, the view kept up by changes equals the one computed from scratch, and the nodes
// it reports as changed are exactly those whose health differs. Seeded random walks, no network.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseConfigText } from '../src/config/load-config.js';
import { assessPower, failingPdus, PowerHealth, type PowerView } from '../src/health/power-health.js';
import { Topology } from '../src/health/topology.js';
import type { OnOff } from '../src/model.js';
import { StateStore } from '../src/state/state-store.js';
import { nodeReading, pduReading } from './helpers/synthetic-readings.js';

const STALE = 30_000;

/** A small PRNG so each seed is one reproducible walk. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Six PDUs of four outlets in two banks; twelve nodes with one to three PSUs on random free outlets. */
function randomTopology(rand: () => number): Topology {
  const free: string[] = [];
  for (let p = 1; p <= 6; p++) for (let o = 1; o <= 4; o++) free.push(`${p}#${o}`);
  const nodes: string[] = [];
  for (let n = 1; n <= 12 && free.length > 0; n++) {
    const psus: string[] = [];
    const count = 1 + Math.floor(rand() * 3);
    for (let i = 0; i < count && free.length > 0; i++) {
      const [p, o] = free.splice(Math.floor(rand() * free.length), 1)[0]!.split('#');
      psus.push(`{pdu: p${p}, outlet: ${o}}`);
    }
    nodes.push(`  - {name: n${n}, rack: r${1 + (n % 3)}, address: 127.0.9.${n}, psus: [${psus.join(', ')}]}`);
  }
  return new Topology(parseConfigText(`
sites: [{name: Lab, rows: [{name: row 1, racks: [r1, r2, r3]}]}]
pdus:
${[1, 2, 3, 4, 5, 6].map((p) => `  - {name: p${p}, rack: r${1 + (p % 3)}, address: 127.0.8.${p}, outlets: 4, banks: 2}`).join('\n')}
nodes:
${nodes.join('\n')}
`, 'random.yaml'));
}

const shown = (view: PowerView) => JSON.stringify({
  nodes: [...view.nodes.values()].sort((a, b) => a.name.localeCompare(b.name)),
  pdus: [...view.pdus.values()].sort((a, b) => a.name.localeCompare(b.name)),
});

function walk(seed: number, steps: number): void {
  const rand = prng(seed);
  const topology = randomTopology(rand);
  const store = new StateStore();
  let now = 1_000_000;
  const live = new PowerHealth(topology, store, STALE, now);
  store.onChange((c) => live.touch(c));
  const pdus = [...topology.pdus.values()];
  const nodes = [...topology.nodes.keys()];
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
  let before = new Map([...live.view.nodes].map(([k, v]) => [k, JSON.stringify(v)]));

  for (let step = 0; step < steps; step++) {
    const r = rand();
    if (r < 0.35) {
      const cfg = pick(pdus);
      const states: OnOff[] = Array.from({ length: 4 }, () => pick(['on', 'on', 'on', 'off', 'unknown'] as const));
      const reading = pduReading(topology, cfg, states);
      if (rand() < 0.15) reading.phases = reading.phases.map((p) => ({ ...p, voltage: { value: 0, quality: 'ok' } }));
      if (rand() < 0.2) reading.banks = reading.banks.map((b) => ({ ...b, breaker: pick(['ok', 'tripped'] as const) }));
      store.recordPdu(cfg.name, now, { ok: true, reading });
    } else if (r < 0.5) {
      store.recordPdu(pick(pdus).name, now, { ok: false, error: 'no answer', answered: rand() < 0.2 });
    } else if (r < 0.8) {
      const up = rand() < 0.7;
      store.recordNode(pick(nodes), now, up ? { ok: true, reading: nodeReading } : { ok: false, error: 'no answer' });
    } else {
      now += Math.floor(rand() * STALE);
    }
    if (rand() < 0.5) continue; // changes pile up between looks, as they do between reconciles
    const changed = live.update(now);
    const fresh = assessPower(topology, store, now, STALE);
    assert.equal(shown(live.view), shown(fresh), `seed ${seed}, step ${step}: the live view differs from a fresh assessment`);
    const derived = [...failingPdus({ nodes: fresh.nodes, pdus: fresh.pdus })].sort();
    assert.deepEqual([...live.view.failing!].sort(), derived, `seed ${seed}, step ${step}: the failing PDUs kept by the live view`);
    const after = new Map([...live.view.nodes].map(([k, v]) => [k, JSON.stringify(v)]));
    const differ = nodes.filter((n) => after.get(n) !== before.get(n)).sort();
    assert.deepEqual([...changed].sort(), differ, `seed ${seed}, step ${step}: changed nodes reported`);
    before = after;
  }
}

describe('PowerHealth kept up by changes', () => {
  it('equals a fresh assessment after every step of 200 random walks, and reports exactly the nodes that changed', () => {
    for (let seed = 1; seed <= 200; seed++) walk(seed, 300);
  });

  it('bumps its version only when an entry changes', () => {
    const topology = randomTopology(prng(7));
    const store = new StateStore();
    const live = new PowerHealth(topology, store, STALE, 0);
    store.onChange((c) => live.touch(c));
    const cfg = [...topology.pdus.values()][0]!;
    store.recordPdu(cfg.name, 10, { ok: true, reading: pduReading(topology, cfg, ['on', 'on', 'on', 'on']) });
    live.update(10);
    const v = live.view.version;
    // The same outlet states again: new numbers perhaps, the same health.
    store.recordPdu(cfg.name, 20, { ok: true, reading: pduReading(topology, cfg, ['on', 'on', 'on', 'on']) });
    assert.equal(live.update(20).size, 0);
    assert.equal(live.view.version, v);
    store.recordPdu(cfg.name, 30, { ok: true, reading: pduReading(topology, cfg, ['off', 'on', 'on', 'on']) });
    live.update(30);
    assert.ok(live.view.version! > v!);
  });

  it('finds facts gone stale by their time alone, with no new fact', () => {
    const topology = randomTopology(prng(11));
    const store = new StateStore();
    const live = new PowerHealth(topology, store, STALE, 0);
    store.onChange((c) => live.touch(c));
    for (const cfg of topology.pdus.values()) store.recordPdu(cfg.name, 0, { ok: true, reading: pduReading(topology, cfg, ['on', 'on', 'on', 'on']) });
    for (const n of topology.nodes.keys()) store.recordNode(n, 0, { ok: true, reading: nodeReading });
    live.update(0);
    assert.ok([...live.view.nodes.values()].every((n) => n.power === 'normal'));
    assert.equal(live.update(STALE).size, 0, 'exactly staleMs old is still fresh');
    const changed = live.update(STALE + 1);
    assert.equal(changed.size, topology.nodes.size);
    assert.ok([...live.view.nodes.values()].every((n) => n.power === 'unknown' && n.reachable === null));
  });
});
