// The drain story in fake time, on the demo's topology: what Breakerbox does, what it refuses, and why.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DrainStore } from '../src/drain/drain-store.js';
import { demo, range, Scenario } from './helpers/scenario.js';

const SINGLE = range(57, 76); // on bank 1 (outlets 1-20) of dal3-r07-a
const OUTLETS_1_24 = Array.from({ length: 24 }, (_, i) => i + 1);

describe('drain scenarios (fake time)', () => {
  it('a PDU trip drains exactly its single-corded nodes, written to the backend after the record', async () => {
    const s = new Scenario();
    await s.reconcile();
    assert.equal(s.membersFile('scanners', 0).length, 80);
    const mark = s.written();
    s.setOutlets('dal3-r07-a', OUTLETS_1_24, 'off');
    await s.reconcile();
    assert.deepEqual(s.drained(), SINGLE);
    const file = s.membersFile('scanners', mark);
    assert.equal(file.length, 60);
    for (const node of SINGLE) assert.ok(!file.includes(node), `${node} left the file`);
    assert.deepEqual(s.store.drains().map((r) => r.node).sort(), SINGLE, 'records persisted');
    const drain = s.eventsOf('drain')[0]!;
    assert.match(drain.chain!.cause, /bank 1 breaker tripped on dal3-r07-a/);
    await s.reconcile();
    assert.equal(s.eventsOf('drain').length, 1, 'reconcile twice changes nothing');
  });

  it('with 80 members and a 50% cap the 41st drain is blocked, and the event names the rule', async () => {
    const s = new Scenario();
    // Racks r01-r05 lose both strips (50 nodes), and bank 1 of dal3-r07-a (20 more): 70 lost.
    for (const r of ['01', '02', '03', '04', '05']) for (const side of ['a', 'b']) s.setOutlets(`dal3-r${r}-${side}`, Array.from({ length: 48 }, (_, i) => i + 1), 'off');
    s.setOutlets('dal3-r07-a', OUTLETS_1_24, 'off');
    s.silenceDeadNodes();
    await s.reconcile();
    assert.equal(s.drained().length, 40);
    const blocked = s.eventsOf('drain-blocked');
    assert.equal(blocked.length, 1);
    assert.match(blocked[0]!.message, /blocked by rule max-drained-fraction: at most 40 of 80/);
    assert.equal(s.controller.blockedIn('scanners')[0]!.rule, 'max-drained-fraction');
    assert.equal(s.controller.blockedIn('scanners')[0]!.nodes.length, 30);
  });

  it("a row's PDUs unreachable while most of their nodes answer: nobody there is drained, another row still is", async () => {
    // r01's nodes go quiet with both their strips: alone, that reads as r01 losing power (drained).
    // With r02 and r03's strips silent too while their nodes answer, row 1 is a monitoring fault.
    const R01 = range(1, 10);
    const trip = async (silentRacks: string[]) => {
      const s = new Scenario();
      await s.reconcile();
      for (const r of silentRacks) for (const side of ['a', 'b']) s.pdu(`dal3-r${r}-${side}`, false);
      for (const n of R01) s.node(n, false);
      s.setOutlets('dal3-r07-a', OUTLETS_1_24, 'off'); // and a real trip in row 2
      s.silenceDeadNodes();
      await s.reconcile();
      return s;
    };
    const alone = await trip(['01']);
    assert.deepEqual(alone.drained(), [...R01, ...SINGLE], 'without the freeze r01 is drained');
    assert.deepEqual(alone.eventsOf('monitoring-fault'), []);

    const s = await trip(['01', '02', '03']);
    const fault = s.eventsOf('monitoring-fault');
    assert.deepEqual(fault.map((e) => e.subject), ['row 1 of Dallas 3'], 'row 1 frozen, not the site');
    assert.match(fault[0]!.message, /6 of 8 PDUs in row 1 of Dallas 3 failing at once while 20 of the 30 nodes they feed still answer: the monitoring path, not the power/);
    assert.deepEqual(s.drained(), SINGLE, 'row 2 still drains; nobody under the frozen row does');
    const frozen = s.controller.blockedIn('scanners').find((b) => b.rule === 'mass-failure');
    assert.deepEqual(frozen?.nodes.slice().sort(), R01, 'the nodes that would have gone are the ones held back, by name');
  });

  it('the mass-failure guard freezes a row whose PDUs report dead outlets while the nodes still answer', async () => {
    const s = new Scenario();
    for (const r of ['01', '02']) for (const side of ['a', 'b']) s.setOutlets(`dal3-r${r}-${side}`, Array.from({ length: 48 }, (_, i) => i + 1), 'off');
    await s.reconcile(); // nodes in r01, r02 still answer: the PDUs must be lying
    assert.deepEqual(s.drained(), []);
    assert.ok(s.controller.blockedIn('scanners').some((b) => b.rule === 'mass-failure'));
  });

  it('an outlet flapping ten times in a minute causes one drain', async () => {
    const s = new Scenario();
    for (let i = 0; i < 10; i++) {
      s.setOutlets('dal3-r07-a', [3], 'off');
      await s.reconcile();
      s.clock.advance(3_000);
      s.setOutlets('dal3-r07-a', [3], 'on');
      await s.reconcile();
      s.clock.advance(3_000);
    }
    assert.deepEqual(s.drained(), ['scan-059']);
    assert.equal(s.eventsOf('drain').length, 1);
  });

  it('a debounce waits for the condition to last before draining', async () => {
    // Facts that stay fresh while fake time runs on: this test is about the debounce alone.
    const s = new Scenario(demo((t) => t.replace('maxDrainedFraction: 0.5', 'maxDrainedFraction: 0.5\n      debounce: 30s').replace('staleAfterPolls: 3', 'staleAfterPolls: 1000')));
    s.setOutlets('dal3-r07-a', [3], 'off');
    await s.reconcile();
    assert.deepEqual(s.drained(), []);
    s.clock.advance(10_000);
    s.setOutlets('dal3-r07-a', [3], 'on');
    await s.reconcile();
    s.clock.advance(40_000);
    await s.reconcile();
    assert.deepEqual(s.drained(), [], 'a 10 s blip never drains');
    s.setOutlets('dal3-r07-a', [3], 'off');
    await s.reconcile();
    s.clock.advance(30_000); // the controller's own timer re-checks
    await new Promise((r) => setImmediate(r));
    await s.controller.settle();
    assert.deepEqual(s.drained(), ['scan-059']);
  });

  it('an operator hold is never undone: held out stays out, pinned in is never drained', async () => {
    const s = new Scenario();
    s.controller.hold('scanners', 'scan-001', 'out', 'firmware update', 'alice');
    s.controller.hold('scanners', 'scan-057', 'in', 'canary, keep serving', 'bob');
    await s.reconcile();
    s.setOutlets('dal3-r07-a', OUTLETS_1_24, 'off');
    await s.reconcile();
    assert.ok(!s.drained().includes('scan-057'), 'pinned in');
    const file = s.membersFile('scanners', 0);
    assert.ok(file.includes('scan-002') && file.includes('scan-057'), 'a real list of members');
    assert.ok(!file.includes('scan-001'), 'held out');
    // Power comes back and a reload re-admits what Breakerbox drained, never the held one.
    s.clock.advance(10 * 60_000);
    s.setOutlets('dal3-r07-a', OUTLETS_1_24, 'on');
    for (const n of SINGLE) s.node(n, true);
    const mark = s.written();
    s.controller.readmit(5 * 60_000);
    await s.reconcile();
    assert.deepEqual(s.drained(), []);
    const after = s.membersFile('scanners', mark);
    assert.ok(SINGLE.every((n) => after.includes(n)), 're-admitted, in the file written by the reload');
    assert.ok(!after.includes('scan-001'), 'still held out after the reload');
    assert.deepEqual(s.store.auditTrail().map((a) => [a.who, a.action, a.node]).reverse(), [['alice', 'hold-out', 'scan-001'], ['bob', 'hold-in', 'scan-057']]);
  });

  it('shadow mode decides and shows, and changes no backend', async () => {
    const s = new Scenario(demo((t) => t.replace('  simulate: true', '  simulate: true\n  mode: shadow')));
    await s.reconcile();
    assert.equal(s.backend.applies, 0);
    s.setOutlets('dal3-r07-a', OUTLETS_1_24, 'off');
    await s.reconcile();
    assert.equal(s.backend.applies, 0, 'no backend touched');
    assert.deepEqual(s.drained(), [], 'nothing drained for real');
    assert.equal(s.controller.records('scanners').filter((r) => r.shadow).length, 20);
    const would = s.eventsOf('would-drain')[0]!;
    assert.match(would.message, /would drain 20 of 80 from pool scanners \(shadow mode/);
  });

  it('a floor of members in rotation and a rate limit, each named when they block', async () => {
    const s = new Scenario(demo((t) => t.replace('maxDrainedFraction: 0.5', 'maxDrainedFraction: 0.5\n      minHealthy: {count: 70}\n      maxDrainsPerMinute: 5')));
    s.setOutlets('dal3-r07-a', OUTLETS_1_24, 'off');
    await s.reconcile();
    const rules = s.controller.blockedIn('scanners').map((b) => b.rule);
    assert.deepEqual(rules, ['min-healthy', 'rate-limit']);
    assert.equal(s.drained().length, 5, 'floor of 70 allows 10, the rate 5 a minute');
    s.clock.advance(61_000);
    s.setOutlets('dal3-r07-a', OUTLETS_1_24, 'off'); // the next poll
    await s.reconcile();
    assert.equal(s.drained().length, 10, 'five more a minute later, up to the floor');
    assert.ok(s.eventsOf('drain-blocked').some((e) => /rule min-healthy: at least 70 of 80/.test(e.message)));
  });

  it('a failing backend is retried with backoff, raises one event, and recovers', async () => {
    const s = new Scenario();
    let attempts = 0;
    let failing = true;
    const apply = s.backend.apply.bind(s.backend);
    s.backend.apply = async (pool, members) => {
      attempts++;
      if (failing) throw new Error('backend down');
      return apply(pool, members);
    };
    s.setOutlets('dal3-r07-a', OUTLETS_1_24, 'off');
    await s.reconcile();
    for (let i = 0; i < 5; i++) await s.reconcile(); // polls keep enqueueing the pool
    assert.equal(attempts, 2, 'scanners and storage tried once each, not at every reconcile');
    assert.equal(s.eventsOf('backend-error').length, 2);
    s.clock.advance(1_000);
    s.setOutlets('dal3-r07-a', OUTLETS_1_24, 'off');
    await s.reconcile();
    assert.equal(attempts, 4, 'retried after 1 s');
    failing = false;
    s.clock.advance(2_000);
    s.setOutlets('dal3-r07-a', OUTLETS_1_24, 'off');
    const mark = s.written();
    await s.reconcile();
    assert.equal(s.membersFile('scanners', mark).length, 60);
    assert.equal(s.eventsOf('backend-recovered').length, 2);
    assert.deepEqual(s.drained(), SINGLE, 'the decision never waited for the backend');
  });

  it('drain records survive a restart: nothing drained twice, and the next reload re-admits them', async () => {
    const dir = new Scenario().dir;
    const path = `${dir}/state.db`;
    const first = new Scenario(undefined, new DrainStore(path));
    first.setOutlets('dal3-r07-a', OUTLETS_1_24, 'off');
    await first.reconcile();
    assert.equal(first.drained().length, 20);
    first.store.close();

    const second = new Scenario(undefined, new DrainStore(path));
    second.setOutlets('dal3-r07-a', OUTLETS_1_24, 'off');
    await second.reconcile();
    assert.equal(second.drained().length, 20);
    assert.equal(second.eventsOf('drain').length, 0, 'nothing drained twice');
    second.clock.advance(60_000);
    second.setOutlets('dal3-r07-a', OUTLETS_1_24, 'on');
    for (const n of SINGLE) second.node(n, true);
    const [outcome] = second.controller.readmit(0);
    assert.equal(outcome!.readmitted.length, 20);
    await second.reconcile();
    assert.deepEqual(second.drained(), []);
    second.store.close();
  });
});
