// Every gate of the drain controller in fake time, on the demo's topology: each row sits on the
// edge of its gate (one step either side where the gate has a threshold), so breaking the gate
// breaks the row. The gate that decided each member is read back as the API reports it.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import pino from 'pino';
import type { BackendState, MembershipEntry, PoolBackend } from '../src/backends/pool-backend.js';
import { FakeClock } from '../src/clock.js';
import type { Config } from '../src/config/schema.js';
import { DrainController } from '../src/drain/drain-controller.js';
import { DrainStore } from '../src/drain/drain-store.js';
import { assessPower } from '../src/health/power-health.js';
import { Topology } from '../src/health/topology.js';
import { poolsView, type ReadModel } from '../src/http/snapshot.js';
import type { Measure, UpsReading } from '../src/model.js';
import { demo, range, Scenario } from './helpers/scenario.js';
import { pduReading } from './helpers/synthetic-readings.js';

const SINGLE = range(57, 76); // single-corded on bank 1 (outlets 1-20) of dal3-r07-a
const BANK_1 = Array.from({ length: 20 }, (_, i) => i + 1);
const HOLD_DOWN = 20_000; // the demo's reload.holdDown

const withDrain = (yaml: string) => (t: string) => t.replace('      maxDrainedFraction: 0.5', `      maxDrainedFraction: 0.5\n${yaml}`);
const gateOf = (s: Scenario, node: string, pool = 'scanners') => s.controller.decisionsIn(pool).find((d) => d.node === node)?.gate;
const gatesOf = (s: Scenario, nodes: string[], pool = 'scanners') => [...new Set(nodes.map((n) => gateOf(s, n, pool)?.name))];

/** A poll of everything: every PDU as its outlets are, every node answering unless named. */
function poll(s: Scenario, opts: { silentNodes?: Iterable<string>; silentPdus?: Iterable<string> } = {}): void {
  const silentNodes = new Set(opts.silentNodes ?? []);
  const silentPdus = new Set(opts.silentPdus ?? []);
  for (const pdu of s.config.pdus) s.pdu(pdu.name, !silentPdus.has(pdu.name));
  for (const node of s.config.nodes) s.node(node.name, !silentNodes.has(node.name));
}

/** Bank 1 of dal3-r07-a trips and its 20 single-corded scanners go quiet. */
async function tripBank(s: Scenario): Promise<void> {
  s.setOutlets('dal3-r07-a', BANK_1, 'off');
  s.silenceDeadNodes();
  await s.reconcile();
}

/** Power back and the 20 answering from now on. */
function restore(s: Scenario): void {
  s.setOutlets('dal3-r07-a', BANK_1, 'on');
  for (const n of SINGLE) s.node(n, true);
}

describe('gates: holds and shadow', () => {
  it('hold-out: held out stays out, even with normal power and at a reload', async () => {
    const s = new Scenario();
    s.controller.hold('scanners', 'scan-001', 'out', 'firmware', 'alice');
    await s.reconcile();
    assert.ok(!s.membersFile().includes('scan-001'));
    assert.equal(gateOf(s, 'scan-001')?.name, 'hold-out');
    assert.match(gateOf(s, 'scan-001')!.message, /held out by alice: firmware/);
    s.clock.advance(HOLD_DOWN);
    poll(s);
    s.controller.readmit(0);
    await s.reconcile();
    assert.ok(!s.membersFile().includes('scan-001'), 'a reload never takes it back');
  });

  it('hold-in: pinned in is never drained, whatever its power', async () => {
    const s = new Scenario();
    s.controller.hold('scanners', 'scan-057', 'in', 'canary', 'bob');
    await tripBank(s);
    assert.ok(!s.drained().includes('scan-057'));
    assert.ok(s.membersFile().includes('scan-057'));
    assert.equal(gateOf(s, 'scan-057')?.name, 'hold-in');
    assert.equal(s.drained().length, 19, 'the others of the bank are drained');
  });

  it('shadow: the decision is made and shown, no backend touched', async () => {
    const s = new Scenario(demo((t) => t.replace('  simulate: true', '  simulate: true\n  mode: shadow')));
    await tripBank(s);
    assert.equal(s.backend.applies, 0);
    assert.deepEqual(gatesOf(s, SINGLE), ['shadow']);
    assert.match(gateOf(s, 'scan-057')!.message, /would drain \(shadow mode/);
    assert.deepEqual(s.drained(), []);
  });
});

describe('gates: debounce', () => {
  // Facts kept fresh by polls; the debounce alone decides.
  const make = () => new Scenario(demo(withDrain('      debounce: 30s')));

  it('not drained at debounce − 1 ms; drained at the debounce, by the controller\'s own timer', async () => {
    const s = make();
    s.setOutlets('dal3-r07-a', [3], 'off');
    await s.reconcile();
    assert.equal(gateOf(s, 'scan-059')?.name, 'debounce');
    s.clock.advance(29_999);
    poll(s);
    await s.reconcile();
    assert.deepEqual(s.drained(), [], 'at 29.999 s');
    assert.equal(gateOf(s, 'scan-059')?.name, 'debounce');
    poll(s);
    s.clock.advance(1); // the timer fires and enqueues
    await new Promise((r) => setImmediate(r));
    await s.controller.settle();
    assert.deepEqual(s.drained(), ['scan-059']);
    assert.equal(gateOf(s, 'scan-059')?.name, 'drain');
  });

  it('a blip shorter than the debounce restarts it', async () => {
    const s = make();
    s.setOutlets('dal3-r07-a', [3], 'off');
    await s.reconcile();
    s.clock.advance(20_000);
    s.setOutlets('dal3-r07-a', [3], 'on');
    poll(s);
    await s.reconcile();
    assert.equal(gateOf(s, 'scan-059')?.name, 'drain-policy');
    s.setOutlets('dal3-r07-a', [3], 'off');
    await s.reconcile();
    s.clock.advance(20_000);
    poll(s);
    await s.reconcile();
    assert.deepEqual(s.drained(), [], '20 s + 20 s apart is not 30 s');
  });
});

describe('gates: mass-failure freeze', () => {
  // Bank 1 of dal3-r07-a trips (its 20 scanners still answer) and dal3-r08-b goes silent: 2 of
  // row 2's 8 PDUs failing at once, while most of the nodes they feed answer.
  const scenario = (massFailure: string) => new Scenario(demo((t) => t.replace('  simulate: true', `  simulate: true\n  massFailure: ${massFailure}`)));
  const fault = async (s: Scenario) => {
    s.setOutlets('dal3-r07-a', BANK_1, 'off');
    s.pdu('dal3-r08-b', false);
    await s.reconcile();
  };

  it('fraction 0.25 (2 of 8 reach it): frozen, nothing drained, rule mass-failure named', async () => {
    const s = scenario('{minPdus: 2, fraction: 0.25}');
    await fault(s);
    assert.deepEqual(s.drained(), []);
    assert.deepEqual(gatesOf(s, SINGLE), ['mass-failure']);
    assert.ok(s.eventsOf('monitoring-fault').some((e) => e.subject === 'row 2 of Dallas 3'));
  });

  it('default fraction 0.5 (2 of 8 fall short): not frozen, the 20 are drained', async () => {
    const s = scenario('{minPdus: 2, fraction: 0.5}');
    await fault(s);
    assert.deepEqual(s.drained(), SINGLE);
    assert.equal(s.eventsOf('monitoring-fault').length, 0);
  });

  it('minPdus 3 (only 2 failing): not frozen', async () => {
    const s = scenario('{minPdus: 3, fraction: 0.25}');
    await fault(s);
    assert.deepEqual(s.drained(), SINGLE);
  });

  it('minPdus 3 with a third PDU failing in another row: row 2 (2 failing) is still not frozen', async () => {
    const s = scenario('{minPdus: 3, fraction: 0.25}');
    s.pdu('dal3-r01-a', false);
    await fault(s);
    assert.deepEqual(s.drained(), SINGLE);
    assert.deepEqual(s.controller.frozenDomains(), []);
  });

  it('monitoring-recovered when the PDUs agree again; drains resume', async () => {
    const s = scenario('{minPdus: 2, fraction: 0.25}');
    await fault(s);
    assert.deepEqual(s.drained(), []);
    s.pdu('dal3-r08-b', true);
    await s.reconcile();
    const recovered = s.eventsOf('monitoring-recovered');
    assert.deepEqual(recovered.map((e) => e.subject), ['row 2 of Dallas 3']);
    assert.deepEqual(s.drained(), SINGLE, 'the freeze lifted, the bank trip drains');
    assert.deepEqual(s.controller.frozenDomains(), []);
  });
});

describe('gates: safety rules, each at its edge', () => {
  const drainedWith = async (yaml: string) => {
    const s = new Scenario(demo(withDrain(yaml)));
    await tripBank(s);
    return s;
  };

  for (const [yaml, drained, rule] of [
    ['      minHealthy: {count: 60}', 20, null], // 80 − 20 = 60 stay
    ['      minHealthy: {count: 61}', 19, 'min-healthy'],
    ['      minHealthy: {fraction: 0.75}', 20, null], // ceil(60) = 60
    ['      minHealthy: {fraction: 0.7625}', 19, 'min-healthy'], // ceil(61) = 61
    ['      maxDrainsPerMinute: 20', 20, null],
    ['      maxDrainsPerMinute: 19', 19, 'rate-limit'],
  ] as const) {
    it(`${yaml.trim()}: ${drained} drained${rule ? `, the rest blocked by ${rule}` : ''}`, async () => {
      const s = await drainedWith(yaml);
      assert.equal(s.drained().length, drained);
      assert.deepEqual(s.controller.blockedIn('scanners').map((b) => b.rule), rule ? [rule] : []);
      if (rule) assert.equal(gateOf(s, 'scan-076')?.name, rule, 'the last in name order is the one refused');
      assert.equal(gateOf(s, 'scan-057')?.name, 'drain');
    });
  }

  for (const [fraction, drained] of [[0.25, 20], [0.24, 19]] as const) { // floor(0.24 × 80) = 19
    it(`maxDrainedFraction ${fraction}: ${drained} drained`, async () => {
      const s = new Scenario(demo((t) => t.replace('      maxDrainedFraction: 0.5', `      maxDrainedFraction: ${fraction}`)));
      await tripBank(s);
      assert.equal(s.drained().length, drained);
      assert.deepEqual(s.controller.blockedIn('scanners').map((b) => b.rule), drained < 20 ? ['max-drained-fraction'] : []);
    });
  }

  it('rate-limit: 5 a minute; none more at 59.999 s, five more at 60 s', async () => {
    const s = await drainedWith('      maxDrainsPerMinute: 5');
    assert.equal(s.drained().length, 5);
    s.clock.advance(59_999);
    poll(s, { silentNodes: SINGLE });
    await s.reconcile();
    assert.equal(s.drained().length, 5);
    assert.equal(gateOf(s, 'scan-076')?.name, 'rate-limit');
    s.clock.advance(1);
    poll(s, { silentNodes: SINGLE });
    await s.reconcile();
    assert.equal(s.drained().length, 10);
  });

  it('rate-limit history survives a restart: a new controller on the same file-backed store drains no more within the minute', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'bb-gates-')), 'state.db');
    const config = demo(withDrain('      maxDrainsPerMinute: 5'));
    const first = new Scenario(config, new DrainStore(path, { clock: new FakeClock() }));
    await tripBank(first);
    assert.equal(first.drained().length, 5);
    first.store.close();

    const second = new Scenario(config, new DrainStore(path, { clock: new FakeClock() }));
    try {
      second.clock.advance(30_000);
      second.setOutlets('dal3-r07-a', BANK_1, 'off');
      second.silenceDeadNodes();
      await second.reconcile();
      assert.equal(second.drained().length, 5, 'the five drains before the restart still count');
      assert.equal(gateOf(second, 'scan-062')?.name, 'rate-limit');
      second.clock.advance(30_000);
      poll(second, { silentNodes: SINGLE });
      await second.reconcile();
      assert.equal(second.drained().length, 10, 'a minute after them, five more');
    } finally {
      second.store.close();
    }
  });
});

describe('gates: the pool\'s drain policy (drain.on)', () => {
  // scan-001 is fed by outlet 1 of dal3-r01-a and of dal3-r01-b: one off is degraded, both off lost.
  it('on: [lost] drains a node that lost power, not one that is degraded', async () => {
    const s = new Scenario();
    s.setOutlets('dal3-r01-a', [1], 'off');
    await s.reconcile();
    assert.deepEqual(s.drained(), []);
    assert.equal(gateOf(s, 'scan-001')?.name, 'drain-policy');
    s.setOutlets('dal3-r01-b', [1], 'off');
    await s.reconcile();
    assert.deepEqual(s.drained(), ['scan-001']);
  });

  it('on: [lost, degraded] drains the degraded node', async () => {
    const s = new Scenario(demo((t) => t.replace('      on: [lost]\n      maxDrainedFraction: 0.5', '      on: [lost, degraded]\n      maxDrainedFraction: 0.5')));
    s.setOutlets('dal3-r01-a', [1], 'off');
    await s.reconcile();
    assert.deepEqual(s.drained(), ['scan-001']);
  });

  describe('on: [lost, ups-battery], upsRuntimeBelow 10 min (dal3-r07-a is fed by ups-1)', () => {
    const config = (on = '[lost, ups-battery]') => demo((t) => t
      .replace('      on: [lost]\n      maxDrainedFraction: 0.5', `      on: ${on}\n      maxDrainedFraction: 0.5\n      upsRuntimeBelow: 10m`)
      .replace('  - name: dal3-r07-a\n    rack: r07\n', '  - name: dal3-r07-a\n    rack: r07\n    upstream: ups-1\n')
      .replace('nodes:\n', '  - name: ups-1\n    rack: r07\n    address: 127.3.7.9:1161\n    outlets: 1\nnodes:\n'));
    const upsSays = (s: Scenario, source: UpsReading['source'], runtimeSeconds: number) => {
      const cfg = s.topology.pdus.get('ups-1')!;
      const m = (value: number): Measure => ({ value, quality: 'ok' });
      const ups: UpsReading = {
        source, batteryStatus: 'normal', charge: m(80), runtime: m(runtimeSeconds), timeOnBattery: m(60), load: m(40),
        inputVoltage: m(0), inputFrequency: m(0), outputVoltage: m(230), outputCurrent: m(5), outputPower: m(1000), outputFrequency: m(50),
        batteryVoltage: m(54), temperature: m(25), alarms: m(0),
      };
      s.facts.recordPdu('ups-1', s.clock.now(), { ok: true, reading: { ...pduReading(s.topology, cfg, ['on']), kind: 'ups', ups } });
    };

    for (const [source, runtime, drains] of [
      ['battery', 599, true], // 9 min 59 s left: below the threshold
      ['battery', 600, false], // exactly 10 min: not below
      ['mains', 60, false], // not on battery, whatever its runtime says
    ] as const) {
      it(`UPS on ${source} with ${runtime} s left: ${drains ? 'drains' : 'does not drain'} the nodes it feeds`, async () => {
        const s = new Scenario(config());
        upsSays(s, source, runtime);
        await s.reconcile();
        assert.deepEqual(s.drained(), drains ? SINGLE : []);
        assert.equal(gateOf(s, 'scan-057')?.name, drains ? 'drain' : 'drain-policy');
        if (drains) assert.match(s.controller.records('scanners')[0]!.chain.cause, /power lost|ups|UPS/);
      });
    }

    it('without ups-battery in drain.on, a UPS about to run out drains nothing', async () => {
      const s = new Scenario(config('[lost]'));
      upsSays(s, 'battery', 60);
      await s.reconcile();
      assert.deepEqual(s.drained(), []);
    });
  });
});

describe('gates: re-admission at a reload', () => {
  it('power-normal: a drained node that answers but whose power is still lost stays drained', async () => {
    const s = new Scenario();
    await tripBank(s);
    s.clock.advance(HOLD_DOWN * 2);
    poll(s); // every node answers (the bank is still tripped)
    s.clock.advance(HOLD_DOWN);
    poll(s);
    const [outcome] = s.controller.readmit(HOLD_DOWN);
    assert.deepEqual(outcome!.readmitted, []);
    assert.deepEqual([...new Set(outcome!.kept.map((k) => `${k.gate}: ${k.why}`))], ['power-normal: still without power']);
    assert.deepEqual(s.drained(), SINGLE);
  });

  it('power-normal: a degraded node drained by hand stays drained', async () => {
    const s = new Scenario();
    s.controller.drain('scanners', 'scan-001', 'disk swap', 'alice');
    s.setOutlets('dal3-r01-a', [1], 'off');
    s.clock.advance(HOLD_DOWN);
    poll(s);
    const [outcome] = s.controller.readmit(0);
    assert.deepEqual(outcome!.kept, [{ node: 'scan-001', why: 'power degraded', gate: 'power-normal' }]);
  });

  it('reachable: power back but the node silent stays drained', async () => {
    const s = new Scenario();
    await tripBank(s);
    s.setOutlets('dal3-r07-a', BANK_1, 'on');
    s.clock.advance(HOLD_DOWN * 2);
    poll(s, { silentNodes: SINGLE });
    const [outcome] = s.controller.readmit(HOLD_DOWN);
    assert.deepEqual([...new Set(outcome!.kept.map((k) => k.gate))], ['reachable']);
    assert.equal(outcome!.readmitted.length, 0);
  });

  it('hold-down: kept at hold-down − 1 ms, re-admitted at the hold-down exactly', async () => {
    const s = new Scenario();
    await tripBank(s);
    s.clock.advance(5_000);
    restore(s);
    const back = s.clock.now();
    await s.reconcile();
    assert.equal(gateOf(s, 'scan-057')?.name, 'hold-down');
    s.clock.advance(HOLD_DOWN - 1);
    poll(s);
    const [early] = s.controller.readmit(HOLD_DOWN);
    assert.equal(early!.readmitted.length, 0);
    assert.deepEqual([...new Set(early!.kept.map((k) => k.gate))], ['hold-down']);
    assert.match(early!.kept[0]!.why, /back for less than the 20 s hold-down/);
    await s.reconcile();
    assert.equal(s.membersFile().length, 60);
    s.clock.advance(1);
    assert.equal(s.clock.now() - back, HOLD_DOWN);
    const [onTime] = s.controller.readmit(HOLD_DOWN);
    assert.deepEqual(onTime!.readmitted.sort(), SINGLE);
    await s.reconcile();
    assert.deepEqual(s.drained(), []);
    assert.equal(s.membersFile().length, 80);
    assert.equal(gateOf(s, 'scan-057')?.name, 'drain-policy');
    assert.equal(s.eventsOf('readmit').length, 1);
  });

  it('a drained member waiting for the reload says so', async () => {
    const s = new Scenario();
    await tripBank(s);
    restore(s);
    s.clock.advance(HOLD_DOWN);
    poll(s);
    await s.reconcile();
    assert.equal(gateOf(s, 'scan-057')?.name, 'next-reload');
    assert.deepEqual(s.drained(), SINGLE, 'only a reload re-admits');
  });

  it('records loaded at a restart honour the hold-down from when the nodes answer again', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'bb-gates-')), 'state.db');
    const first = new Scenario(undefined, new DrainStore(path, { clock: new FakeClock() }));
    await tripBank(first);
    first.store.close();
    const second = new Scenario(undefined, new DrainStore(path, { clock: new FakeClock() }));
    try {
      // The restarted process first polls the nodes at its start: they answer from then on.
      restore(second);
      const [early] = second.controller.readmit(HOLD_DOWN);
      assert.deepEqual([...new Set(early!.kept.map((k) => k.gate))], ['hold-down']);
      second.clock.advance(HOLD_DOWN);
      poll(second);
      const [onTime] = second.controller.readmit(HOLD_DOWN);
      assert.equal(onTime!.readmitted.length, 20);
    } finally {
      second.store.close();
    }
  });
});

describe('gates: a pool removed and re-added by reload', () => {
  /** The scenario's controller on a configuration a reload can swap. */
  const reloadable = (s: Scenario) => {
    let config: Config = s.config;
    let topology = s.topology;
    const view = () => assessPower(topology, s.facts, s.clock.now(), config.settings.pollInterval * config.settings.staleAfterPolls);
    s.controller = new DrainController({
      topology: () => topology, settings: () => config.settings, view, facts: s.facts, store: s.store,
      backendFor: () => s.backend, events: s.events, clock: s.clock, log: pino({ level: 'silent' }),
    });
    const readModel = { config: () => config, view, controller: s.controller } as unknown as ReadModel;
    return {
      reload: async (next: Config) => {
        config = next;
        topology = new Topology(next);
        s.controller.enqueueAll();
        await new Promise((r) => setImmediate(r));
        await s.controller.settle();
      },
      pools: () => poolsView(readModel),
    };
  };
  const without = (config: Config, pool: string): Config => ({
    ...config, pools: config.pools.filter((p) => p.name !== pool), services: config.services.filter((x) => !x.pools.includes(pool)),
  });

  it('its drain records are kept and shown; if it returns, its members stay out until a reload past the hold-down', async () => {
    const s = new Scenario();
    const r = reloadable(s);
    await tripBank(s);
    assert.deepEqual(s.drained(), SINGLE);

    await r.reload(without(s.config, 'scanners'));
    assert.deepEqual(s.drained(), SINGLE, 'kept in the controller');
    assert.deepEqual(s.store.drains().filter((d) => d.pool === 'scanners').map((d) => d.node).sort(), SINGLE, 'kept in the store');
    assert.deepEqual(s.controller.removedPools(), ['scanners']);
    const shown = r.pools().find((p) => p.name === 'scanners');
    assert.ok(shown?.removed, 'the API shows the removed pool');
    assert.deepEqual(shown.members.filter((m) => m.state === 'drained').map((m) => m.node).sort(), SINGLE);
    assert.equal(s.eventsOf('pool-removed').length, 1);
    const [whileGone] = s.controller.readmit(0);
    assert.deepEqual([...new Set(whileGone!.kept.map((k) => k.gate))], ['pool-removed']);

    // Power back; the pool returns a second later: the hold-down still runs from the nodes' return.
    restore(s);
    s.clock.advance(1_000);
    poll(s);
    await r.reload(s.config);
    assert.deepEqual(s.controller.removedPools(), []);
    assert.equal(s.membersFile().length, 60, 'its members stay out of the returned pool');
    assert.ok(!r.pools().find((p) => p.name === 'scanners')!.removed);
    const [early] = s.controller.readmit(HOLD_DOWN);
    assert.deepEqual([...new Set(early!.kept.map((k) => k.gate))], ['hold-down']);
    s.clock.advance(HOLD_DOWN - 1_000);
    poll(s);
    const [onTime] = s.controller.readmit(HOLD_DOWN);
    assert.equal(onTime!.readmitted.length, 20);
    await s.reconcile();
    assert.equal(s.membersFile().length, 80);
  });
});

describe('gates: a member removed from its pool by reload', () => {
  it('keeps its drain record until a reload finds it back past the hold-down', async () => {
    const s = new Scenario();
    let topology = s.topology;
    s.controller = new DrainController({
      topology: () => topology, settings: () => s.config.settings, view: () => assessPower(topology, s.facts, s.clock.now(), 15_000),
      facts: s.facts, store: s.store, backendFor: () => s.backend, events: s.events, clock: s.clock, log: pino({ level: 'silent' }),
    });
    await tripBank(s);
    const smaller: Config = { ...s.config, pools: s.config.pools.map((p) => (p.name === 'scanners' ? { ...p, members: p.members.filter((n) => n !== 'scan-057') } : p)) };
    topology = new Topology(smaller);
    await s.reconcile();
    assert.ok(s.drained().includes('scan-057'));
    restore(s);
    const [early] = s.controller.readmit(HOLD_DOWN);
    assert.equal(early!.kept.find((k) => k.node === 'scan-057')?.gate, 'hold-down');
    s.clock.advance(HOLD_DOWN);
    poll(s);
    const [onTime] = s.controller.readmit(HOLD_DOWN);
    assert.ok(onTime!.readmitted.includes('scan-057'));
    assert.ok(!s.drained().includes('scan-057'));
  });
});

/** A backend that keeps what was applied and what someone set by hand, as HAProxy's runtime state does. */
class HandEditedBackend implements PoolBackend {
  readonly kind = 'haproxy';
  readonly state = new Map<string, 'ready' | 'maint'>();
  async readActive(pool: string): Promise<Set<string> | null> {
    return (await this.readState(pool))?.active ?? null;
  }
  async readState(_pool: string): Promise<BackendState | null> {
    if (this.state.size === 0) return null;
    const out = new Map([...this.state].filter(([, s]) => s === 'maint').map(([n]) => [n, 'MAINT (forced)']));
    return { active: new Set([...this.state].filter(([, s]) => s === 'ready').map(([n]) => n)), out };
  }
  async apply(_pool: string, members: MembershipEntry[]): Promise<void> {
    // A held member already out of service is left as it is.
    for (const m of members) if (!(m.state === 'held' && this.state.get(m.node) === 'maint')) this.state.set(m.node, m.state === 'active' ? 'ready' : 'maint');
  }
}

describe('gates: external hold (someone else took the member out in the backend)', () => {
  const make = () => {
    const s = new Scenario();
    const backend = new HandEditedBackend();
    s.controller = new DrainController({
      topology: () => s.topology, settings: () => s.config.settings,
      view: () => assessPower(s.topology, s.facts, s.clock.now(), 15_000),
      facts: s.facts, store: s.store, backendFor: () => backend, events: s.events, clock: s.clock, log: pino({ level: 'silent' }),
    });
    return { s, backend };
  };

  it('a member put in maint by hand stays in maint and is held by the backend; set ready by hand, it is managed again', async () => {
    const { s, backend } = make();
    await s.reconcile();
    assert.equal(backend.state.get('scan-003'), 'ready');
    backend.state.set('scan-003', 'maint');
    await s.reconcile();
    await s.reconcile();
    assert.equal(backend.state.get('scan-003'), 'maint', 'never set back to ready');
    assert.equal(gateOf(s, 'scan-003')?.name, 'external-hold');
    assert.equal(gateOf(s, 'scan-003')!.message, 'held in haproxy (MAINT (forced)), not by Breakerbox: left alone');
    assert.equal(s.eventsOf('external-hold').length, 1);
    backend.state.set('scan-003', 'ready');
    await s.reconcile();
    assert.equal(gateOf(s, 'scan-003')?.name, 'drain-policy');
    assert.equal(s.eventsOf('external-release').length, 1);
  });

  it('Breakerbox undoes only its own: its drain goes back to ready at re-admission, the hand-held one stays', async () => {
    const { s, backend } = make();
    await s.reconcile();
    backend.state.set('scan-001', 'maint');
    await tripBank(s);
    assert.equal(backend.state.get('scan-057'), 'maint');
    restore(s);
    s.clock.advance(HOLD_DOWN);
    poll(s);
    const [outcome] = s.controller.readmit(HOLD_DOWN);
    assert.equal(outcome!.readmitted.length, 20);
    await s.reconcile();
    assert.equal(backend.state.get('scan-057'), 'ready', 're-admitted');
    assert.equal(backend.state.get('scan-001'), 'maint', 'the hand-held one left alone');
    assert.equal(gateOf(s, 'scan-001')?.name, 'external-hold');
  });

  it('a drain is decided and committed before the backend is read: a hanging backend never delays it', async () => {
    const { s, backend } = make();
    await s.reconcile();
    let answer: (() => void) | null = null;
    const read = backend.readState.bind(backend);
    backend.readState = async (pool: string) => { await new Promise<void>((r) => { answer = r; }); return read(pool); };
    s.setOutlets('dal3-r07-a', BANK_1, 'off');
    s.controller.enqueue('scanners');
    while (!answer) await new Promise((r) => setImmediate(r));
    assert.deepEqual(s.drained(), SINGLE, 'recorded while the read hangs');
    assert.equal(backend.state.get('scan-057'), 'ready', 'not applied yet');
    (answer as () => void)();
    await s.controller.settle();
    assert.equal(backend.state.get('scan-057'), 'maint');
  });

  it('a hand-held member counts as out of rotation for the safety rules', async () => {
    const { s, backend } = make();
    s.config.pools[0]!.drain.minHealthy.count = 60; // this scenario's own copy of the demo
    await s.reconcile();
    backend.state.set('scan-001', 'maint');
    await s.reconcile(); // seen: decisions use the backend as last read, so a drain never waits for one
    assert.equal(gateOf(s, 'scan-001')?.name, 'external-hold');
    await tripBank(s);
    assert.equal(s.drained().length, 19, '79 in rotation, floor 60');
    assert.deepEqual(s.controller.blockedIn('scanners').map((b) => b.rule), ['min-healthy']);
  });
});
