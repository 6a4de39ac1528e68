// Phase balance on a hand-made three-phase strip, the moves worked out by hand.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { balance, imbalance } from '../src/capacity/balance.js';
import { factsOf, reading, siteConfig, topologyOf, type ReadingSpec } from './helpers/capacity-site.js';

// p: 12 outlets, 3 banks of 4 (bank 1 on L1, bank 2 on L2, bank 3 on L3); a single-phase strip s beside it.
// Cabled: n1..n4 on outlets 1-4 (L1), n5 on 5 (L2), n6 on 9 (L3); 6-8 and 10-12 are free.
const config = siteConfig({
  pdus: [{ name: 'p', outlets: 12, banks: 3, phases: 3 }, { name: 's' }],
  nodes: Object.fromEntries([1, 2, 3, 4, 5, 9].map((o, i) => [`n${i + 1}`, { psus: [`p:${o}`] }])),
});
const topology = topologyOf(config);
const bankOf = (o: number) => Math.ceil(o / 4);

function run(spec: Partial<ReadingSpec>) {
  const r = reading({ outletCount: 12, bankOf, ...spec });
  return balance({ topology, facts: factsOf({ p: r, s: reading({}) }), now: 0, staleMs: 90_000, settings: config.settings.capacity });
}

describe('phase balance', () => {
  it('NEMA imbalance: the largest deviation from the mean, against the mean', () => {
    assert.equal(imbalance([10, 4, 1]), 100); // mean 5, 10 is 5 off
    assert.equal(imbalance([7, 4, 4]), 40);
    assert.equal(imbalance([0, 0, 0]), 0);
  });

  it('moves the outlet that evens the phases most, one at a time, while a move helps', () => {
    // L1 10 A (3 + 3 + 2 + 2), L2 4 A, L3 1 A: 100%.
    const [p, ...rest] = run({ outlets: { 1: 3, 2: 3, 3: 2, 4: 2, 5: 4, 9: 1 }, banks: [{ current: 10 }, { current: 4 }, { current: 1 }], phases: [10, 4, 1] });
    assert.deepEqual(rest, [], 'a single-phase strip has no balance to keep');
    assert.equal(p!.state, 'imbalanced');
    assert.equal(p!.imbalancePct, 100);
    // 1st: outlet 1 (3 A) to L3 (first free outlet there, 10) → 7, 4, 4: 40%.
    // 2nd: outlet 3 (2 A) to L2 (outlet 6) → 5, 6, 4: 20%. Then L2's 4 A would only make it worse.
    assert.deepEqual(p!.moves, [
      { outlet: 1, feeds: 'n1 PSU 1', current: 3, from: { phase: 1, bank: 1 }, to: { phase: 3, bank: 3, outlet: 10 } },
      { outlet: 3, feeds: 'n3 PSU 1', current: 2, from: { phase: 1, bank: 1 }, to: { phase: 2, bank: 2, outlet: 6 } },
    ]);
    assert.deepEqual(p!.after, [{ phase: 1, current: 5 }, { phase: 2, current: 6 }, { phase: 3, current: 4 }]);
    assert.equal(p!.afterPct, 20);
    assert.equal(p!.reason, 'imbalance 100% (L1 10 A, L2 4 A, L3 1 A); moving 2 outlets brings it to 20%');
  });

  it('never moves a load onto a bank past its derated rating', () => {
    // Bank 3 rated 4 A: its limit is 3.2 A, so outlet 1's 3 A cannot join its 1 A; 2 A can (8, 4, 3: 60%).
    const [p] = run({ outlets: { 1: 3, 2: 3, 3: 2, 4: 2, 5: 4, 9: 1 }, banks: [{ current: 10 }, { current: 4 }, { current: 1, rating: 4 }], phases: [10, 4, 1] });
    assert.deepEqual(p!.moves[0], { outlet: 3, feeds: 'n3 PSU 1', current: 2, from: { phase: 1, bank: 1 }, to: { phase: 3, bank: 3, outlet: 10 } });
  });

  it('balanced within settings.capacity.imbalance; unknown when a phase current is; told when nothing can move', () => {
    // 5, 5, 4.6: mean 4.87; 4.6 is 0.27 off: 5.5%.
    const [even] = run({ outlets: { 1: 5, 5: 5, 9: 4.6 }, banks: [{ current: 5 }, { current: 5 }, { current: 4.6 }], phases: [5, 5, 4.6] });
    assert.deepEqual([even!.state, even!.imbalancePct, even!.moves], ['balanced', 5.5, []]);
    const [unknown] = run({ outlets: { 1: 5 }, banks: [{ current: 5 }, { current: 0 }, { current: 0 }], phases: [5, null, 0] });
    assert.deepEqual([unknown!.state, unknown!.reason], ['unknown', 'p phase 2: current unknown']);
    // Every free outlet draws something (something uncabled is plugged in): nothing to move to.
    const busy = Object.fromEntries([6, 7, 8, 10, 11, 12].map((o) => [o, 0.1]));
    const [stuck] = run({ outlets: { 1: 3, 2: 3, 3: 2, 4: 2, 5: 4, 9: 1, ...busy }, banks: [{ current: 10 }, { current: 4.3 }, { current: 1.3 }], phases: [10, 4.3, 1.3] });
    assert.deepEqual([stuck!.state, stuck!.moves], ['imbalanced', []]);
    assert.match(stuck!.reason, /no single move evens it/);
  });
});
