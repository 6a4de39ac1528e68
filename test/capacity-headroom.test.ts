// N-1 headroom on small hand-made sites, every figure worked out by hand in the comments.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { conditions } from '../src/alerts/conditions.js';
import { alertsSchema, resolveRules } from '../src/alerts/rules.js';
import { audit } from '../src/capacity/audit.js';
import { headroom, LiveHeadroom, pduHeadroom, racksOf, type HeadroomInput, type PartHeadroom } from '../src/capacity/headroom.js';
import type { Config } from '../src/config/schema.js';
import { factsOf, reading, siteConfig, topologyOf, type SiteSpec } from './helpers/capacity-site.js';

const STALE = 30_000;

function input(spec: SiteSpec, readings: Parameters<typeof factsOf>[0], now = 0): HeadroomInput & { config: Config } {
  const config = siteConfig(spec);
  return { config, topology: topologyOf(config), facts: factsOf(readings), now, staleMs: STALE, settings: config.settings.capacity };
}
const part = (parts: PartHeadroom[], pdu: string, kind: string, index = 1) => {
  const p = parts.find((x) => x.pdu === pdu && x.part === kind && x.index === index);
  assert.ok(p, `${pdu} ${kind} ${index} is listed`);
  return p;
};

// Strip a (feed A) and strip b (feed B), one 20 A bank each. dual: a:1 + b:1, 2 A on each.
// single: a:2 alone, 15 A. Bank a reads 17 A (15 + 2), bank b 2 A.
const AB: SiteSpec = {
  pdus: [{ name: 'a', feed: 'A', banks: 1 }, { name: 'b', feed: 'B', banks: 1 }],
  nodes: { dual: { psus: ['a:1', 'b:1'] }, single: { psus: ['a:2'] } },
};

describe('N-1 headroom', () => {
  it('a bank whose partner load puts it at 95% of its rating is critical; the single-corded load is lost, not moved', () => {
    const i = input(AB, {
      a: reading({ outlets: { 1: 2, 2: 15 }, banks: [{ current: 17 }] }),
      b: reading({ outlets: { 1: 2 }, banks: [{ current: 2 }] }),
    });
    const parts = headroom(i);
    // Feed B lost: dual's 4 A all on a:1, 2 A more → 17 + 2 = 19 A = 95% of 20 A; the limit is 16 A (80%).
    const a = part(parts, 'a', 'bank');
    assert.equal(a.if, 'feed B');
    assert.deepEqual([a.current, a.moved, a.load, a.rating, a.limit, a.headroom, a.loadPct], [17, 2, 19, 20, 16, -3, 95]);
    assert.equal(a.headroomPct, -18.7); // −3 / 16 = −18.75, to a tenth
    assert.equal(a.state, 'critical');
    assert.match(a.reason, /if feed B is lost: 17 A \+ 2 A moved = 19 A, 95% of its 20 A rating, over its continuous limit of 16 A \(80% of 20 A\)/);
    // Feed A lost: dual moves 2 A onto b:1; single's 15 A is lost with feed A, not moved.
    const b = part(parts, 'b', 'bank');
    assert.deepEqual([b.if, b.current, b.moved, b.load, b.headroom, b.headroomPct, b.state], ['feed A', 2, 2, 4, 12, 75, 'ok']);
  });

  it('warning from the warning share of the limit, critical past the limit, "would trip it" at the rating', () => {
    const at = (bankA: number) => part(headroom(input(AB, {
      a: reading({ outlets: { 1: 2, 2: bankA - 2 }, banks: [{ current: bankA }] }),
      b: reading({ outlets: { 1: 2 }, banks: [{ current: 2 }] }),
    })), 'a', 'bank');
    // Limit 16 A, warning from 0.9 × 16 = 14.4 A of N-1 load.
    assert.equal(at(12).state, 'ok'); // 14 A
    assert.equal(at(12.4).state, 'warning'); // 14.4 A
    assert.equal(at(14).state, 'warning'); // 16 A: at the limit, not over it
    assert.equal(at(14.1).state, 'critical'); // 16.1 A
    assert.match(at(18).reason, /20 A, 100% of its 20 A rating, would trip it/);
  });

  it('the derating and warning share come from settings.capacity', () => {
    const spec = { ...AB, settings: { capacity: { derating: 1, warning: 0.5 } } };
    const a = part(headroom(input(spec, {
      a: reading({ outlets: { 1: 2, 2: 15 }, banks: [{ current: 17 }] }),
      b: reading({ outlets: { 1: 2 }, banks: [{ current: 2 }] }),
    })), 'a', 'bank');
    // 19 A against a 20 A limit (derating 1): warning from 10 A.
    assert.deepEqual([a.limit, a.headroom, a.state], [20, 1, 'warning']);
  });

  it('a load moves evenly onto the remaining supplies, and a supply never sheds what it draws', () => {
    const spec: SiteSpec = {
      pdus: [{ name: 'a', feed: 'A' }, { name: 'b', feed: 'B' }],
      nodes: {
        four: { psus: ['a:1', 'a:2', 'b:1', 'b:2'] }, // 1 A each: feed B lost → a:1 and a:2 carry 2 A each, +2 A on a
        three: { psus: ['a:3', 'a:4', 'b:3'] }, // 1 A each: B lost → 1.5 A each on a, +1 A; A lost → b:3 carries 3 A, +2 A on b
        uneven: { psus: ['a:5', 'b:5'] }, // 1.8 A on a, 0.2 on b: B lost → a:5 2 A (+0.2); A lost → b:5 2 A (+1.8)
      },
    };
    const parts = headroom(input(spec, {
      a: reading({ outlets: { 1: 1, 2: 1, 3: 1, 4: 1, 5: 1.8 }, banks: [{ current: 5.8 }] }),
      b: reading({ outlets: { 1: 1, 2: 1, 3: 1, 5: 0.2 }, banks: [{ current: 3.2 }] }),
    }));
    assert.equal(part(parts, 'a', 'bank').moved, 3.2); // 2 + 1 + 0.2
    assert.equal(part(parts, 'b', 'bank').moved, 5.8); // 2 + 2 + 1.8
    assert.equal(part(parts, 'b', 'bank').load, 9);
    // lopsided: a:1 3 A, a:2 0 A, b:1 and b:2 0.5 A each. B lost: 2 A each on a is the even split, but
    // a:1 keeps its 3 A: +2 A on a:2 and nothing off a:1, so bank a gains 2 A (not the 1 A of B's draw).
    const lopsided = headroom(input({ pdus: spec.pdus, nodes: { lopsided: { psus: ['a:1', 'a:2', 'b:1', 'b:2'] } } }, {
      a: reading({ outlets: { 1: 3 }, banks: [{ current: 3 }] }),
      b: reading({ outlets: { 1: 0.5, 2: 0.5 }, banks: [{ current: 1 }] }),
    }));
    assert.equal(part(lopsided, 'a', 'bank').moved, 2);
  });

  it('an outlet already off draws nothing: a node running on one feed adds nothing more', () => {
    const parts = headroom(input(AB, {
      a: reading({ outlets: { 1: 4, 2: 3 }, banks: [{ current: 7 }] }),
      b: reading({ outlets: { 1: 'off' }, banks: [{ current: 0 }] }),
    }));
    assert.deepEqual([part(parts, 'a', 'bank').moved, part(parts, 'a', 'bank').load], [0, 7]);
  });

  it('an unknown current makes the headroom unknown and says whose, never optimistic', () => {
    const parts = headroom(input(AB, {
      a: reading({ outlets: { 1: 2, 2: 3 }, banks: [{ current: 5 }] }),
      b: reading({ outlets: { 1: null }, banks: [{ current: 2 }] }),
    }));
    const a = part(parts, 'a', 'bank');
    assert.equal(a.state, 'unknown');
    assert.equal(a.load, null);
    assert.match(a.reason, /a bank 1 if feed B is lost: b outlet 1: current unknown \(dual\)/);
    // The bank's own current unknown, and a partner that does not answer.
    const own = headroom(input(AB, { a: reading({ outlets: { 1: 2 }, banks: [{ current: null }] }), b: reading({ outlets: { 1: 2 }, banks: [{ current: 2 }] }) }));
    assert.match(part(own, 'a', 'bank').reason, /a bank 1: current unknown/);
    const silent = headroom(input(AB, { a: reading({ outlets: { 1: 2 }, banks: [{ current: 2 }] }), b: null }));
    assert.match(part(silent, 'a', 'bank').reason, /b: no fresh reading \(dual\)/);
    assert.deepEqual(part(silent, 'b', 'bank'), { ...part(silent, 'b', 'bank'), state: 'unknown', reason: 'b: no fresh reading' });
  });

  it('what is already known to be critical stays critical though another loss is unknown', () => {
    // a on feed A under ups u1; b on feed B under u2 (c shares only u2, its outlet unknown).
    const spec: SiteSpec = {
      pdus: [
        { name: 'u1', outlets: 1 }, { name: 'u2', outlets: 1 },
        { name: 'a', feed: 'A', upstream: 'u1' }, { name: 'b', feed: 'B', upstream: 'u2' }, { name: 'c', feed: 'A', upstream: 'u2' },
      ],
      nodes: { dual: { psus: ['a:1', 'b:1'] }, other: { psus: ['a:2', 'c:1'] } },
    };
    const facts = {
      a: reading({ outlets: { 1: 2, 2: 1 }, banks: [{ current: 17 }] }),
      b: reading({ outlets: { 1: 2 }, banks: [{ current: 2 }] }),
      c: reading({ outlets: { 1: null }, banks: [{ current: 2 }] }),
    };
    const a = part(headroom(input(spec, facts)), 'a', 'bank');
    // feed B lost: +2 A → 19 A, critical; u2 lost (b and c): other's load unknown — critical stands.
    assert.deepEqual([a.state, a.if, a.load], ['critical', 'feed B', 19]);
    const calm = part(headroom(input(spec, { ...facts, a: reading({ outlets: { 1: 2, 2: 1 }, banks: [{ current: 5 }] }) })), 'a', 'bank');
    assert.equal(calm.state, 'unknown');
    assert.match(calm.reason, /if u2 is lost: c outlet 1: current unknown \(other\)/);
    // The UPSes themselves are domains, not loads: no parts of their own.
    assert.deepEqual(headroom(input(spec, facts)).filter((p) => p.pdu === 'u1' || p.pdu === 'u2'), []);
  });

  it('the other UPS is a partner, and so is a partner PDU that names no feed', () => {
    const ups: SiteSpec = {
      pdus: [{ name: 'u1', outlets: 1 }, { name: 'u2', outlets: 1 }, { name: 'a', upstream: 'u1' }, { name: 'b', upstream: 'u2' }],
      nodes: { dual: { psus: ['a:1', 'b:1'] } },
    };
    const r = { a: reading({ outlets: { 1: 1 }, banks: [{ current: 1 }] }), b: reading({ outlets: { 1: 1 }, banks: [{ current: 1 }] }) };
    assert.deepEqual(headroom(input(ups, r)).map((p) => [p.pdu, p.if, p.load]), [['a', 'u2', 2], ['b', 'u1', 2]]);
    const bare: SiteSpec = { pdus: [{ name: 'a' }, { name: 'b' }], nodes: { dual: { psus: ['a:1', 'b:1'] } } };
    assert.deepEqual(headroom(input(bare, r)).map((p) => [p.pdu, p.if, p.load]), [['a', 'b', 2], ['b', 'a', 2]]);
    // Two strips on one feed are no partners: losing feed A loses both.
    const same: SiteSpec = { pdus: [{ name: 'a', feed: 'A' }, { name: 'b', feed: 'A' }], nodes: { dual: { psus: ['a:1', 'b:1'] } } };
    assert.deepEqual(headroom(input(same, r)).map((p) => [p.pdu, p.if, p.load, p.reason]), [
      ['a', null, 1, 'no load would move onto it: 1 A, 5% of its 20 A rating'], ['b', null, 1, 'no load would move onto it: 1 A, 5% of its 20 A rating'],
    ]);
  });

  it('phases and inlets: rated from the config, banks on phases round-robin, a three-phase inlet as its worst line', () => {
    // a: 3 phases, 3 banks (outlets 1-2 bank 1 → L1, 3-4 bank 2 → L2, 5-6 bank 3 → L3), one inlet.
    const spec: SiteSpec = {
      pdus: [{ name: 'a', feed: 'A', banks: 3, phases: 3, rating: { phase: 16, inlet: 16 } }, { name: 'b', feed: 'B' }],
      nodes: { n1: { psus: ['a:1', 'b:1'] }, n2: { psus: ['a:2', 'b:2'] }, n3: { psus: ['a:3', 'b:3'] } },
    };
    const parts = headroom(input(spec, {
      a: reading({ outlets: { 1: 1, 2: 1, 3: 1 }, bankOf: (o) => Math.ceil(o / 2), banks: [{ current: 2 }, { current: 1 }, { current: 0 }], phases: [2, 1, 0], inlets: [2] }),
      b: reading({ outlets: { 1: 1, 2: 1, 3: 1 }, banks: [{ current: 3 }] }),
    }));
    // Feed B lost: +1 A on each of a:1, a:2 (bank 1, L1) and a:3 (bank 2, L2).
    assert.deepEqual(parts.filter((p) => p.pdu === 'a').map((p) => [p.part, p.index, p.load, p.rating, p.limit]), [
      ['bank', 1, 4, 20, 16], ['bank', 2, 2, 20, 16], ['bank', 3, 0, 20, 16],
      ['phase', 1, 4, 16, 12.8], ['phase', 2, 2, 16, 12.8], ['phase', 3, 0, 16, 12.8],
      ['inlet', 1, 4, 16, 12.8], // its worst line: 2 A + the 2 A L1 gains
    ]);
    // bankPhases overrides the round-robin: all three banks on L1.
    const wired = { ...spec, pdus: [{ ...spec.pdus[0], bankPhases: [1, 1, 1] }, spec.pdus[1]!] };
    const l1 = part(headroom(input(wired, {
      a: reading({ outlets: { 1: 1, 2: 1, 3: 1 }, bankOf: (o) => Math.ceil(o / 2), banks: [{ current: 2 }, { current: 1 }, { current: 0 }], phases: [3, 0, 0], inlets: [3] }),
      b: reading({ outlets: { 1: 1, 2: 1, 3: 1 }, banks: [{ current: 3 }] }),
    })), 'a', 'phase', 1);
    assert.equal(l1.load, 6);
  });

  it('a part with no rating is unknown and says where to set one', () => {
    const parts = headroom(input(AB, {
      a: reading({ outlets: { 1: 2 }, banks: [{ current: 2, rating: null }], phases: [2] }),
      b: reading({ outlets: { 1: 2 }, banks: [{ current: 2 }] }),
    }));
    assert.match(part(parts, 'a', 'bank').reason, /no rating \(the device reports none; set pdus\[\]\.rating\.bank\)/);
    assert.match(part(parts, 'a', 'phase').reason, /set pdus\[\]\.rating\.phase/);
    // A configured bank rating stands in for one the device does not report.
    const rated = { ...AB, pdus: [{ name: 'a', feed: 'A', rating: { bank: 16 } }, AB.pdus[1]!] };
    const a = part(headroom(input(rated, {
      a: reading({ outlets: { 1: 2 }, banks: [{ current: 2, rating: null }] }),
      b: reading({ outlets: { 1: 2 }, banks: [{ current: 2 }] }),
    })), 'a', 'bank');
    assert.deepEqual([a.rating, a.limit, a.load], [16, 12.8, 4]);
  });

  it('settings.capacity and a PDU\'s ratings and bank phases are checked like the rest of the config', () => {
    assert.deepEqual(siteConfig(AB).settings.capacity, { derating: 0.8, warning: 0.9, imbalance: 10 });
    assert.throws(() => siteConfig({ ...AB, settings: { capacity: { derating: 1.2 } } }), /settings\.capacity\.derating: .*1/);
    assert.throws(() => siteConfig({ ...AB, settings: { capacity: { warning: 0 } } }), /settings\.capacity\.warning/);
    assert.throws(() => siteConfig({ ...AB, pdus: [{ name: 'a', rating: { phase: -16 } }, AB.pdus[1]!] }), /pdus\[0\]\.rating\.phase/);
    assert.throws(() => siteConfig({ ...AB, pdus: [{ name: 'a', banks: 2, phases: 3, bankPhases: [1] }, AB.pdus[1]!] }), /pdus\[0\]\.bankPhases: one phase \(1-3\) for each of the 2 banks/);
    assert.throws(() => siteConfig({ ...AB, pdus: [{ name: 'a', banks: 2, phases: 1, bankPhases: [1, 2] }, AB.pdus[1]!] }), /pdus\[0\]\.bankPhases/);
  });

  it('a PDU that has not answered lists its configured parts, unknown', () => {
    const parts = headroom(input({ ...AB, pdus: [{ name: 'a', feed: 'A', banks: 2, phases: 1 }, AB.pdus[1]!] }, { b: reading({ outlets: { 1: 2 }, banks: [{ current: 2 }] }) }));
    assert.deepEqual(parts.filter((p) => p.pdu === 'a').map((p) => `${p.part} ${p.index} ${p.state}`), ['bank 1 unknown', 'bank 2 unknown', 'phase 1 unknown', 'inlet 1 unknown']);
  });

  it('racks: the worst state, the least headroom', () => {
    const i = input({ ...AB, rows: [['r1', 'r2']], pdus: [AB.pdus[0]!, { ...AB.pdus[1], rack: 'r2' }] }, {
      a: reading({ outlets: { 1: 2, 2: 15 }, banks: [{ current: 17 }] }),
      b: reading({ outlets: { 1: 2 }, banks: [{ current: 2 }] }),
    });
    const racks = racksOf(headroom(i));
    assert.deepEqual(racks.map((r) => [r.rack, r.state, r.worst?.pdu, r.critical, r.parts]), [['r1', 'critical', 'a', 1, 1], ['r2', 'ok', 'b', 0, 1]]);
  });

  it('alerts: headroom-low per part (critical past the limit, 5 min), single-point-of-failure only when enabled', () => {
    const i = input({ ...AB, nodes: { ...AB.nodes, lone: { psus: ['b:2'] } } }, {
      a: reading({ outlets: { 1: 2, 2: 15 }, banks: [{ current: 17 }] }), // N-1 19 A: critical
      b: reading({ outlets: { 1: 2, 2: 11 }, banks: [{ current: 13 }] }), // N-1 15 A: warning (from 14.4)
    });
    const run = (alerts: unknown, capacity = { headroom: () => headroom(i), audit: () => audit(i.topology).findings }) => conditions({
      topology: i.topology, facts: i.facts, now: 0, staleMs: STALE, view: { nodes: new Map(), pdus: new Map() },
      rules: resolveRules(alertsSchema.parse(alerts)), frozen: [], blocked: new Map(), failingBackends: new Map(), pollsStale: null, active: () => false, capacity,
    });
    const found = run({});
    assert.deepEqual(found.map((c) => [c.key, c.severity]), [['headroom-low:bank:a bank 1', 'critical'], ['headroom-low:bank:b bank 1', 'warning']]);
    assert.deepEqual(found[0]!.labels, { site: 'Lab', row: 'row 1', rack: 'r1', pdu: 'a' });
    assert.match(found[0]!.summary, /^N-1: a bank 1 if feed B is lost: 17 A \+ 2 A moved = 19 A/);
    assert.equal(resolveRules(undefined)['headroom-low'].for, 300_000);
    const spof = run({ rules: { 'single-point-of-failure': { enabled: true } } }).filter((c) => c.rule === 'single-point-of-failure');
    assert.deepEqual(spof.map((c) => [c.key, c.severity, c.labels.node]), [
      ['single-point-of-failure:node:single one-psu', 'info', 'single'], ['single-point-of-failure:node:lone one-psu', 'info', 'lone'],
    ]);
    // Disabled rules do not even ask for the figures.
    const refuse = () => { throw new Error('asked'); };
    assert.deepEqual(run({ rules: { 'headroom-low': { enabled: false } } }, { headroom: refuse, audit: refuse }), []);
  });

  it('live: a poll marks the PDU and its partners; the rest are kept until a reading they used goes stale', () => {
    const i = input(AB, {
      a: reading({ outlets: { 1: 2, 2: 3 }, banks: [{ current: 5 }] }),
      b: reading({ outlets: { 1: 2 }, banks: [{ current: 2 }] }),
    });
    const facts = i.facts as ReturnType<typeof factsOf>;
    let now = 0;
    const live = new LiveHeadroom({ config: () => i.config, topology: () => i.topology, facts, now: () => now });
    assert.equal(part(live.all(), 'a', 'bank').load, 7);
    // b's outlet doubles: unseen until b is touched; then a (its partner) follows.
    facts.set('b', reading({ outlets: { 1: 4 }, banks: [{ current: 4 }] }), 1_000);
    assert.equal(part(live.pdu('a'), 'a', 'bank').load, 7, 'kept until told');
    live.touch('b');
    assert.equal(part(live.pdu('a'), 'a', 'bank').load, 9);
    assert.deepEqual(live.pdu('a'), pduHeadroom({ ...i, now }, 'a').parts, 'the same as computed afresh');
    // a was polled at 0: stale after 3 polls of 30 s (the defaults), without any poll telling.
    now = 90_001;
    assert.equal(part(live.pdu('a'), 'a', 'bank').state, 'unknown');
    assert.equal(part(live.pdu('b'), 'b', 'bank').state, 'unknown', 'b uses a\'s outlets too');
  });
});
