// What-if on hand-made cases: the demo's topology in fake time with the real drain controller
// (test/helpers/scenario.ts), where each prediction is then compared with what the controller does
// once the same fault's facts are recorded; and small synthetic sites for the moved load.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pino from 'pino';
import { FakeClock } from '../src/clock.js';
import { parseWhatIf, whatIf, WhatIfQueryError, type WhatIfContext, type WhatIfResult } from '../src/capacity/what-if.js';
import { configSchema, type Config, type ConfigInput } from '../src/config/schema.js';
import { DrainController } from '../src/drain/drain-controller.js';
import { DrainStore } from '../src/drain/drain-store.js';
import { EventLog } from '../src/events/event-log.js';
import { assessPower } from '../src/health/power-health.js';
import { Topology } from '../src/health/topology.js';
import type { DeviceReading, Measure } from '../src/model.js';
import { StateStore } from '../src/state/state-store.js';
import { demo, range, Scenario } from './helpers/scenario.js';
import { nodeReading } from './helpers/synthetic-readings.js';

const SINGLE = range(57, 76); // single-corded, on bank 1 (outlets 1-20) of dal3-r07-a
const DUAL_R07 = range(77, 80); // on outlets 21-24 of dal3-r07-a and 1-4 of dal3-r07-b
const STALE_MS = 15_000;
const OUTLETS_1_24 = Array.from({ length: 24 }, (_, i) => i + 1);

function context(s: Scenario): WhatIfContext {
  return { topology: s.topology, settings: s.config.settings, facts: s.facts, view: assessPower(s.topology, s.facts, s.clock.now(), STALE_MS), controller: s.controller, now: s.clock.now() };
}

function predict(s: Scenario, query: Record<string, string>): WhatIfResult {
  return whatIf(parseWhatIf(query, s.topology), context(s));
}

/** The devices dead after the fault, for `applyFault`. */
interface Dead { pdus?: string[]; outlets?: [string, number[]][] }

/** Records the fault's facts as polls would (silent PDUs, outlets off, servers without power silent), then reconciles. */
async function applyFault(s: Scenario, dead: Dead): Promise<void> {
  const off = new Map(dead.outlets ?? []);
  for (const [pdu, outlets] of off) s.setOutlets(pdu, outlets, 'off');
  for (const pdu of dead.pdus ?? []) s.pdu(pdu, false);
  for (const node of s.config.nodes) {
    if (node.psus.every((p) => dead.pdus?.includes(p.pdu) || off.get(p.pdu)?.includes(p.outlet))) s.node(node.name, false);
  }
  await s.reconcile();
}

/** What the controller and power health show for a pool now, in the prediction's terms. */
function reality(s: Scenario, pool = 'scanners') {
  const view = assessPower(s.topology, s.facts, s.clock.now(), STALE_MS);
  return {
    lost: [...view.nodes.values()].filter((n) => n.power === 'lost').map((n) => n.name).sort(),
    drained: s.drained(pool),
    blocked: s.controller.blockedIn(pool).map((b) => ({ rule: b.rule, nodes: [...b.nodes].sort() })),
  };
}

/** The prediction in reality's terms; `before`: what was already lost and drained before the fault. */
function predicted(r: WhatIfResult, pool = 'scanners', before: { lost: string[]; drained: string[] } = { lost: [], drained: [] }) {
  const p = r.pools.find((x) => x.name === pool);
  return {
    lost: [...before.lost, ...r.lost.filter((n) => n.power === 'lost').map((n) => n.name)].sort(),
    drained: [...before.drained, ...(p?.drain ?? [])].sort(),
    blocked: (p?.blocked ?? []).map((b) => ({ rule: b.rule, nodes: [...b.nodes].sort() })),
  };
}

describe('what-if on the demo (fake time, the real drain controller)', () => {
  it('a bank trip: who loses power, who runs on one feed, the drains, the services; and nothing is touched', async () => {
    const s = new Scenario();
    await s.reconcile();
    const factsVersion = s.facts.version;
    const events = s.events.since(0, 1_000).length;
    const r = predict(s, { pdu: 'dal3-r07-a', bank: '1' });
    assert.equal(r.description, 'bank 1 breaker trips on dal3-r07-a');
    assert.deepEqual(r.lost.map((n) => n.name), SINGLE);
    assert.ok(r.lost.every((n) => n.power === 'lost' && n.pools.includes('scanners')));
    assert.deepEqual(r.degraded.map((n) => [n.name, n.power]), DUAL_R07.map((n) => [n, 'degraded']));
    assert.deepEqual(r.banks, [{ pdu: 'dal3-r07-a', bank: 1 }]);
    const scanners = r.pools.find((p) => p.name === 'scanners')!;
    assert.deepEqual(scanners.drain, SINGLE);
    assert.deepEqual(scanners.serving, { now: 80, after: 60 });
    assert.equal(scanners.belowFloor, false);
    assert.deepEqual(scanners.blocked, []);
    assert.equal(r.drains, 20);
    assert.deepEqual(r.pools.map((p) => p.name), ['scanners'], 'storage is untouched');
    assert.deepEqual(r.services, [
      { name: 'Inbound mail scanning', now: 'ok', after: 'reduced' },
      { name: 'Outbound mail scanning', now: 'ok', after: 'reduced' },
    ]);
    // The partner strip takes the dual-corded nodes' whole load: 4 nodes × 0.7 A more on bank 1 of dal3-r07-b.
    const bank = r.loads.find((l) => l.pdu === 'dal3-r07-b' && l.part === 'bank')!;
    assert.deepEqual([bank.index, bank.now, bank.after, bank.rating, bank.limit, bank.state], [1, 2, 4.8, 20, 16, 'ok']);

    assert.equal(s.facts.version, factsVersion, 'no fact recorded');
    assert.deepEqual(s.controller.records('scanners'), [], 'nothing drained');
    assert.equal(s.events.since(0, 1_000).length, events, 'no event');

    await applyFault(s, { outlets: [['dal3-r07-a', OUTLETS_1_24]] });
    assert.deepEqual(reality(s), predicted(r));
  });

  it('a PDU off: its card and its single-corded nodes go silent; predicted as the controller then decides', async () => {
    const s = new Scenario();
    await s.reconcile();
    const r = predict(s, { pdu: 'dal3-r07-a' });
    assert.deepEqual(r.dark, ['dal3-r07-a']);
    assert.deepEqual(r.lost.map((n) => n.name), SINGLE);
    await applyFault(s, { pdus: ['dal3-r07-a'] });
    assert.deepEqual(reality(s), predicted(r));
    assert.equal(reality(s).drained.length, 20);
  });

  it('with the cap already reached, the next fault is predicted blocked by max-drained-fraction, by name', async () => {
    const s = new Scenario();
    const r01to04 = ['01', '02', '03', '04'].flatMap((r) => [`dal3-r${r}-a`, `dal3-r${r}-b`]);
    await applyFault(s, { pdus: r01to04 });
    const before = reality(s);
    assert.equal(before.drained.length, 40);
    const r = predict(s, { pdu: 'dal3-r07-a' });
    const scanners = r.pools.find((p) => p.name === 'scanners')!;
    assert.deepEqual(scanners.drain, []);
    assert.deepEqual(scanners.blocked.map((b) => [b.rule, b.nodes.length]), [['max-drained-fraction', 20]]);
    assert.match(scanners.blocked[0]!.message, /at most 40 of 80 members \(50%\) may be drained; 40 already are/);
    assert.deepEqual(scanners.serving, { now: 40, after: 20 }, 'the 20 blocked ones stay in rotation without power');
    await applyFault(s, { pdus: ['dal3-r07-a'] });
    assert.deepEqual(reality(s), predicted(r, 'scanners', before));
  });

  it('a floor: the pool would drop below min-healthy, and the rule is named for the members it keeps', async () => {
    const s = new Scenario(demo((t) => t.replace('maxDrainedFraction: 0.5', 'maxDrainedFraction: 0.5\n      minHealthy: {count: 70}')));
    await s.reconcile();
    const r = predict(s, { pdu: 'dal3-r07-a', bank: '1' });
    const scanners = r.pools.find((p) => p.name === 'scanners')!;
    assert.equal(scanners.floor, 70);
    assert.deepEqual(scanners.drain, SINGLE.slice(0, 10));
    assert.deepEqual(scanners.blocked.map((b) => [b.rule, b.nodes]), [['min-healthy', SINGLE.slice(10)]]);
    assert.deepEqual(scanners.serving, { now: 80, after: 60 });
    assert.equal(scanners.belowFloor, true);
    await applyFault(s, { outlets: [['dal3-r07-a', OUTLETS_1_24]] });
    assert.deepEqual(reality(s), predicted(r));
  });

  it("an operator's hold goes through the same gates: a pinned member is never predicted drained", async () => {
    const s = new Scenario();
    s.controller.hold('scanners', 'scan-057', 'in', 'canary', 'bob');
    s.controller.hold('scanners', 'scan-058', 'out', 'firmware', 'alice');
    await s.reconcile();
    const r = predict(s, { pdu: 'dal3-r07-a', bank: '1' });
    assert.deepEqual(r.pools.find((p) => p.name === 'scanners')!.drain, SINGLE.slice(2));
    await applyFault(s, { outlets: [['dal3-r07-a', OUTLETS_1_24]] });
    assert.deepEqual(reality(s), predicted(r));
  });

  it('a feed lost in a row whose servers are all dual-corded reads as a monitoring fault, and says so', async () => {
    const s = new Scenario();
    await s.reconcile();
    const r = predict(s, { feed: 'A', row: 'row 1' });
    assert.equal(r.description, 'feed A lost in row 1');
    assert.deepEqual(r.dark, ['dal3-r01-a', 'dal3-r02-a', 'dal3-r03-a', 'dal3-r04-a']);
    assert.deepEqual(r.lost, []);
    assert.equal(r.degraded.length, 40);
    // Silent strips whose nodes answer: their feed is unknown to Breakerbox, not down.
    assert.ok(r.degraded.every((n) => n.power === 'unknown'));
    assert.deepEqual(r.frozen.map((d) => d.domain), ['row 1 of Dallas 3']);
    assert.ok(r.notes.some((n) => /monitoring fault in row 1 of Dallas 3/.test(n)));
    assert.equal(r.drains, 0);
    // Each B strip's bank 1 takes its rack's ten servers' whole load.
    const b = r.loads.filter((l) => l.part === 'bank').map((l) => l.pdu);
    assert.deepEqual(b, ['dal3-r01-b', 'dal3-r02-b', 'dal3-r03-b', 'dal3-r04-b']);
    await applyFault(s, { pdus: r.dark });
    assert.deepEqual(reality(s), predicted(r));
    assert.deepEqual(s.controller.frozenDomains().map((d) => d.domain), r.frozen.map((d) => d.domain));
  });

  it('names the nodes whose fate depends on whether the freeze forms before they are seen silent', () => {
    const s = new Scenario();
    const r = predict(s, { feed: 'A', row: 'row 2' });
    const scanners = r.pools.find((p) => p.name === 'scanners')!;
    assert.deepEqual(scanners.blocked.map((b) => [b.rule, b.nodes.length]), [['mass-failure', 20]]);
    assert.deepEqual(scanners.raceWithFreeze, SINGLE);
    assert.ok(r.notes.some((n) => n.startsWith('pool scanners: the mass-failure guard would hold back scan-057..scan-076 although they really lose power')));
  });

  it('a debounce is waited out in the prediction, and noted', () => {
    const s = new Scenario(demo((t) => t.replace('maxDrainedFraction: 0.5', 'maxDrainedFraction: 0.5\n      debounce: 30s')));
    const r = predict(s, { outlet: 'dal3-r07-a:3' });
    assert.deepEqual(r.outlets, [{ pdu: 'dal3-r07-a', outlets: [3] }]);
    assert.deepEqual(r.pools.find((p) => p.name === 'scanners')!.drain, ['scan-059']);
    assert.ok(r.notes.includes('pool scanners drains after its 30 s debounce'));
  });
});

describe('what-if questions', () => {
  const topology = new Scenario().topology;
  it('parses each kind of fault', () => {
    assert.deepEqual(parseWhatIf({ pdu: 'dal3-r07-a' }, topology), { kind: 'pdu', pdu: 'dal3-r07-a' });
    assert.deepEqual(parseWhatIf({ pdu: 'dal3-r07-a', bank: '2' }, topology), { kind: 'bank', pdu: 'dal3-r07-a', bank: 2 });
    assert.deepEqual(parseWhatIf({ outlet: 'dal3-r07-a:48' }, topology), { kind: 'outlet', pdu: 'dal3-r07-a', outlet: 48 });
    assert.deepEqual(parseWhatIf({ feed: 'b', site: 'Dallas 3', row: 'row 2' }, topology), { kind: 'feed', feed: 'B', site: 'Dallas 3', row: 'row 2' });
    assert.deepEqual(parseWhatIf({ feed: 'A', rack: 'r03' }, topology), { kind: 'feed', feed: 'A', rack: 'r03' });
  });
  const bad: [Record<string, unknown>, RegExp][] = [
    [{}, /name one fault: pdu=P \[bank=N\], outlet=P:N, ups=U or feed=A\|B/],
    [{ pdu: 'dal3-r07-a', feed: 'A' }, /name one fault.*\(got pdu and feed\)/],
    [{ pdu: 'nope' }, /no PDU "nope" in the configuration/],
    [{ pdu: 'dal3-r07-a', bank: '3' }, /bank of dal3-r07-a must be a number from 1 to 2 \(got "3"\)/],
    [{ pdu: 'dal3-r07-a', bank: '1x' }, /must be a number from 1 to 2/],
    [{ pdu: 'dal3-r07-a', rack: 'r07' }, /pdu does not go with rack/],
    [{ outlet: 'dal3-r07-a' }, /outlet must be PDU:N/],
    [{ outlet: 'dal3-r07-a:49' }, /outlet of dal3-r07-a must be a number from 1 to 48/],
    [{ ups: 'dal3-r07-a' }, /nothing is fed from dal3-r07-a/],
    [{ feed: 'C' }, /feed must be A or B \(got "C"\)/],
    [{ feed: 'A', row: 'row 9' }, /no PDU on feed A in row 9/],
    [{ feed: 'A', bank: '1' }, /feed does not go with bank/],
    [{ pdu: ['dal3-r07-a', 'dal3-r07-b'] }, /pdu must be given once/],
    [{ pdu: 'dal3-r07-a', colour: 'red' }, /unknown parameter "colour"/],
  ];
  for (const [query, message] of bad) {
    it(`refuses ${JSON.stringify(query)}`, () => {
      assert.throws(() => parseWhatIf(query, topology), (err: unknown) => err instanceof WhatIfQueryError && err.code === 'BB_ERR_BAD_QUERY' && message.test(err.message));
    });
  }
});

// ---- small synthetic sites: the moved load, by hand ----------------------------------------------

const ok = (value: number | null): Measure => (value === null ? { value: null, quality: 'unknown' } : { value, quality: 'ok' });

/**
 * A PDU reading whose outlets draw the given amps, `banks` banks of consecutive outlets on phases
 * round-robin (bank N on phase N), one inlet: each bank, phase and the inlet read the sum of theirs.
 */
function reading(outlets: number, amps: Record<number, number | null>, banks = 1, rating = 20): DeviceReading {
  const draw = (o: number) => amps[o] ?? 0;
  const bankOf = (o: number) => Math.ceil((o * banks) / outlets);
  const sum = (f: (o: number) => boolean) => Array.from({ length: outlets }, (_, i) => i + 1).filter(f).reduce((t, o) => t + draw(o), 0);
  const total = sum(() => true);
  return {
    profile: 'synthetic', kind: 'pdu', identity: { vendor: 'Synthetic', model: null, serial: null, firmware: null, name: null }, sysObjectId: null, upTime: ok(null),
    power: ok(null), energy: ok(null), loadState: 'normal', badValues: 0, bypass: [], sensors: [], ups: null, ats: null,
    inlets: [{ index: 1, name: null, voltage: ok(208), current: ok(total), power: ok(null), apparentPower: ok(null), powerFactor: ok(null), energy: ok(null), frequency: ok(null), loadState: 'normal' }],
    phases: Array.from({ length: banks }, (_, b) => ({ index: b + 1, name: null, current: ok(sum((o) => bankOf(o) === b + 1)), voltage: ok(208), power: ok(null), loadState: 'normal' as const })),
    banks: Array.from({ length: banks }, (_, b) => ({ index: b + 1, name: null, current: ok(sum((o) => bankOf(o) === b + 1)), rating: ok(rating), breaker: 'ok' as const, breakerInferred: false, loadState: 'normal' as const })),
    outlets: Array.from({ length: outlets }, (_, i) => ({ index: i + 1, name: null, state: 'on' as const, bank: bankOf(i + 1), current: ok(amps[i + 1] === undefined ? 0 : amps[i + 1]!), power: ok(null), energy: ok(null), loadState: 'normal' as const })),
  };
}

/**
 * Rack r1 with strips a (feed A) and b (feed B) behind UPS ups-a and ups-b: `n` dual-corded servers on
 * outlets 1..n of both, drawing `perPsu` A on each; all in pool "web" of service "shop".
 */
function lab(n: number, perPsu: number | null, strip: Record<string, unknown> = {}, settings: Record<string, unknown> = {}) {
  const nodes = Array.from({ length: n }, (_, i) => ({ name: `web-${i + 1}`, rack: 'r1', address: `127.8.1.${i + 1}`, psus: [{ pdu: 'a', outlet: i + 1 }, { pdu: 'b', outlet: i + 1 }] }));
  const config: Config = configSchema.parse({
    sites: [{ name: 'Lab', rows: [{ name: 'row 1', racks: ['r1'] }] }],
    pdus: [
      { name: 'ups-a', rack: 'r1', address: '127.8.0.10', outlets: 1 }, { name: 'ups-b', rack: 'r1', address: '127.8.0.11', outlets: 1 },
      { name: 'a', rack: 'r1', feed: 'A', address: '127.8.0.1', outlets: 24, upstream: 'ups-a', ...strip },
      { name: 'b', rack: 'r1', feed: 'B', address: '127.8.0.2', outlets: 24, upstream: 'ups-b', ...strip },
    ],
    nodes, pools: [{ name: 'web', members: nodes.map((x) => x.name), backend: { type: 'file', dir: '/tmp/unused' } }],
    services: [{ name: 'shop', pools: ['web'] }],
    settings: { traps: { enabled: false }, ...settings },
  } satisfies ConfigInput);
  const topology = new Topology(config);
  const clock = new FakeClock();
  const facts = new StateStore();
  const amps = Object.fromEntries(nodes.map((_, i) => [i + 1, perPsu]));
  const banks = (strip.banks as number | undefined) ?? 1;
  for (const name of ['a', 'b']) facts.recordPdu(name, clock.now(), { ok: true, reading: reading(24, amps, banks) });
  for (const name of ['ups-a', 'ups-b']) facts.recordPdu(name, clock.now(), { ok: true, reading: reading(1, {}) });
  for (const x of nodes) facts.recordNode(x.name, clock.now(), { ok: true, reading: nodeReading });
  const controller = new DrainController({
    topology: () => topology, settings: () => config.settings, view: () => assessPower(topology, facts, clock.now(), STALE_MS), facts,
    store: new DrainStore(':memory:'), backendFor: () => { throw new Error('no backend in this test'); }, events: new EventLog(clock, pino({ level: 'silent' })), clock, log: pino({ level: 'silent' }),
  });
  const ctx = (): WhatIfContext => ({ topology, settings: config.settings, facts, view: assessPower(topology, facts, clock.now(), STALE_MS), controller, now: clock.now() });
  return { topology, ctx };
}

describe('what-if: the load moved onto the surviving strips', () => {
  it("a strip whose partner's load would put it at 95% of its rating is over its continuous limit", () => {
    // 10 servers × 0.95 A on each strip: b carries 9.5 A, and 19 A once a is lost: 95% of 20 A, over 16 A.
    const { topology, ctx } = lab(10, 0.95, { rating: { phase: 32 } });
    const r = whatIf(parseWhatIf({ pdu: 'a' }, topology), ctx());
    assert.equal(r.lost.length, 0);
    assert.equal(r.degraded.length, 10);
    const bank = r.loads.find((l) => l.pdu === 'b' && l.part === 'bank')!;
    assert.deepEqual({ now: bank.now, after: bank.after, rating: bank.rating, limit: bank.limit, state: bank.state }, { now: 9.5, after: 19, rating: 20, limit: 16, state: 'over-limit' });
    const phase = r.loads.find((l) => l.pdu === 'b' && l.part === 'phase')!;
    assert.deepEqual([phase.after, phase.rating, phase.limit, phase.state], [19, 32, 25.6, 'ok'], 'a phase rated 32 A in the config');
    assert.equal(r.loads.find((l) => l.part === 'inlet')!.state, 'unrated');
    assert.deepEqual(r.overloads.map((l) => `${l.pdu} ${l.part} ${l.index}`), ['b bank 1']);
    assert.ok(!r.notes.some((n) => /would trip/.test(n)), 'over the limit, not over the rating');
  });

  it('a strip pushed past its rating would trip too: said, with the configured derating', () => {
    // 11 × 1 A: b goes from 11 A to 22 A on its 20 A breaker.
    const { topology, ctx } = lab(11, 1, {}, { capacity: { derating: 0.9 } });
    const r = whatIf(parseWhatIf({ feed: 'A' }, topology), ctx());
    const bank = r.overloads.find((l) => l.part === 'bank')!;
    assert.deepEqual([bank.pdu, bank.now, bank.after, bank.limit, bank.state], ['b', 11, 22, 18, 'over-rating']);
    assert.ok(r.notes.includes('bank 1 of b would carry 22 A on its 20 A rating: it would trip too (that cascade is not followed here)'));
  });

  it("a three-phase strip: the moved load rises on its banks' phases only, and the inlet by the worst line", () => {
    // 3 banks of 8 outlets, bank N on phase N (round-robin); servers on outlets 1-10: banks 1 and 2.
    const { topology, ctx } = lab(10, 1, { banks: 3, phases: 3, rating: { phase: 16, inlet: 32 } });
    const r = whatIf(parseWhatIf({ pdu: 'a' }, topology), ctx());
    const of = (part: string) => r.loads.filter((l) => l.pdu === 'b' && l.part === part).map((l) => [l.index, l.now, l.after]);
    assert.deepEqual(of('bank'), [[1, 8, 16], [2, 2, 4]]);
    assert.deepEqual(of('phase'), [[1, 8, 16], [2, 2, 4]], 'phase 3 carries none of it');
    assert.deepEqual(of('inlet'), [[1, 10, 18]], 'the inlet line of phase 1 rises by 8 A');
    assert.deepEqual(r.overloads.map((l) => [l.part, l.index, l.state]), [['phase', 1, 'over-rating']]);
  });

  it('a UPS takes down what it feeds; a load no outlet reports is left out, and said', () => {
    const { topology, ctx } = lab(4, null);
    const r = whatIf(parseWhatIf({ ups: 'ups-b' }, topology), ctx());
    assert.deepEqual(r.dark, ['b']);
    assert.equal(r.degraded.length, 4);
    assert.deepEqual(r.loads, []);
    assert.ok(r.notes.includes('4 affected nodes draw a current no reading reports: their moved load is left out'));
    assert.deepEqual(r.services, [{ name: 'shop', now: 'ok', after: 'reduced' }]);
  });
});
