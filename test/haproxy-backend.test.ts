// The HAProxy pool backend against a real HAProxy 2.6: drains through the runtime API, real HTTP
// traffic through the frontend, a restart that forgets runtime state, unix and TCP stats sockets,
// and the errors a misconfiguration must produce; then the drain controller on it, leaving alone
// what an operator set by hand.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { createBackend } from '../src/backends/create-backend.js';
import { HaproxyBackend } from '../src/backends/haproxy-backend.js';
import { ADMIN, adminActive, parseRuntimeAddress } from '../src/backends/haproxy-runtime.js';
import type { MembershipEntry } from '../src/backends/pool-backend.js';
import { backendSchema } from '../src/config/schema.js';
import type { MemberState } from '../src/model.js';
import { DrainController } from '../src/drain/drain-controller.js';
import { assessPower } from '../src/health/power-health.js';
import { poolsView, type ReadModel } from '../src/http/snapshot.js';
import pino from 'pino';
import { recordingProxy, silentSocket, start, type RunningHaproxy } from './helpers/haproxy.js';
import { Scenario } from './helpers/scenario.js';

const POOL = 'scanners';
const NODES = ['scan-01', 'scan-02', 'scan-03', 'scan-04', 'scan-05', 'scan-06'];
const DRAINED = ['scan-02', 'scan-05'];

type HaproxySpec = ConstructorParameters<typeof HaproxyBackend>[0];
const spec = (fields: Record<string, unknown>): HaproxySpec => backendSchema.parse({ type: 'haproxy', ...fields }) as HaproxySpec;

const entries = (states: Record<string, MemberState> = {}, nodes = NODES): MembershipEntry[] =>
  nodes.map((node) => ({ node, state: states[node] ?? 'active', reason: states[node] ? 'power lost' : null, since: states[node] ? 1 : null }));
const drainedEntries = () => entries(Object.fromEntries(DRAINED.map((n) => [n, 'drained' as const])));
const sorted = (s: Set<string> | null) => [...(s ?? [])].sort();
const activeExcept = (out: string[]) => NODES.filter((n) => !out.includes(n));

describe('HAProxy backend (real HAProxy)', () => {
  let hx: RunningHaproxy;
  before(async () => { hx = await start({ servers: NODES, backend: POOL }); });
  after(async () => { await hx?.stop(); });
  // Every test starts from all servers ready.
  beforeEach(async () => {
    for (const s of NODES) await hx.command(`set server ${POOL}/${s} state ready`);
  });

  const assertTraffic = async (out: string[]) => {
    const tally = await hx.hits(48);
    for (const s of out) assert.equal(tally.get(s) ?? 0, 0, `${s} must get no traffic: ${JSON.stringify([...tally])}`);
    for (const s of activeExcept(out)) assert.ok((tally.get(s) ?? 0) > 0, `${s} must still serve: ${JSON.stringify([...tally])}`);
    assert.equal([...tally.values()].reduce((a, b) => a + b, 0), 48);
  };

  it('apply drains two servers: HAProxy shows them in maintenance and real traffic never reaches them', async () => {
    const backend = createBackend(POOL, spec({ socket: hx.socketPath }), '/nonexistent');
    assert.equal(backend.kind, 'haproxy');
    await assertTraffic([]);
    await backend.apply(POOL, drainedEntries());
    const states = await hx.adminStates();
    for (const s of DRAINED) assert.ok((states.get(s)! & ADMIN.FMAINT) !== 0, `${s} admin state ${states.get(s)}`);
    for (const s of activeExcept(DRAINED)) assert.equal(states.get(s), 0, `${s} admin state`);
    await assertTraffic(DRAINED);
    assert.deepEqual(sorted(await backend.readActive(POOL)), activeExcept(DRAINED));
  });

  it('why maint and not drain: HAProxy "drain" still admits persistent clients, "maint" does not', async () => {
    // A client pinned to scan-02 by its persistence cookie.
    await hx.command(`set server ${POOL}/scan-02 state drain`);
    const viaDrain = await hx.hits(6, 'SRV=scan-02');
    assert.equal(viaDrain.get('scan-02'), 6, 'HAProxy drain lets pinned clients through');
    const backend = new HaproxyBackend(spec({ socket: hx.socketPath }), POOL);
    assert.deepEqual(sorted(await backend.readActive(POOL)), activeExcept(['scan-02']), 'a drain-state server is not active');
    await backend.apply(POOL, entries({ 'scan-02': 'drained' }));
    assert.ok(((await hx.adminStates()).get('scan-02')! & ADMIN.FMAINT) !== 0, 'an operator drain is upgraded to maint');
    const viaMaint = await hx.hits(6, 'SRV=scan-02');
    assert.equal(viaMaint.get('scan-02') ?? 0, 0, `maint sends pinned clients elsewhere: ${JSON.stringify([...viaMaint])}`);
  });

  it('after HAProxy restarts (runtime state lost) readActive shows the drift and a second apply restores the drain', async () => {
    const backend = new HaproxyBackend(spec({ socket: hx.socketPath }), POOL);
    await backend.apply(POOL, drainedEntries());
    await assertTraffic(DRAINED);
    await hx.reload();
    assert.deepEqual(sorted(await backend.readActive(POOL)), NODES, 'HAProxy forgot the drain');
    await assertTraffic([]);
    await backend.apply(POOL, drainedEntries());
    assert.deepEqual(sorted(await backend.readActive(POOL)), activeExcept(DRAINED));
    await assertTraffic(DRAINED);
  });

  it('apply making them ready returns their traffic', async () => {
    const backend = new HaproxyBackend(spec({ socket: hx.socketPath }), POOL);
    await backend.apply(POOL, drainedEntries());
    await assertTraffic(DRAINED);
    await backend.apply(POOL, entries());
    assert.deepEqual(sorted(await backend.readActive(POOL)), NODES);
    for (const [, admin] of await hx.adminStates()) assert.ok(adminActive(admin));
    await assertTraffic([]);
  });

  it('the TCP stats socket works the same', async () => {
    assert.equal(parseRuntimeAddress(hx.tcpSocket).kind, 'tcp');
    const backend = new HaproxyBackend(spec({ socket: hx.tcpSocket }), POOL);
    await backend.apply(POOL, drainedEntries());
    assert.deepEqual(sorted(await backend.readActive(POOL)), activeExcept(DRAINED));
    await assertTraffic(DRAINED);
    await backend.apply(POOL, entries());
    assert.deepEqual(sorted(await backend.readActive(POOL)), NODES);
  });

  it('apply is idempotent: with nothing to change it sends no "set" command', async () => {
    const proxy = await recordingProxy(hx.socketPath);
    try {
      const backend = new HaproxyBackend(spec({ socket: proxy.path }), POOL);
      await backend.apply(POOL, drainedEntries());
      const sets = () => proxy.commands.filter((c) => c.startsWith('set '));
      assert.deepEqual(sets(), DRAINED.map((s) => `set server ${POOL}/${s} state maint`));
      proxy.commands.length = 0;
      await backend.apply(POOL, drainedEntries());
      assert.deepEqual(proxy.commands, [`show servers state ${POOL}`], 'one read, no set, no verification read');
      // One change: exactly one set, then the verifying read.
      proxy.commands.length = 0;
      await backend.apply(POOL, entries({ 'scan-02': 'drained' }));
      assert.deepEqual(proxy.commands, [`show servers state ${POOL}`, `set server ${POOL}/scan-05 state ready`, `show servers state ${POOL}`]);
    } finally {
      await proxy.close();
    }
  });

  it('held members are taken out but an operator\'s own drain of them is left alone', async () => {
    await hx.command(`set server ${POOL}/scan-03 state drain`);
    const backend = new HaproxyBackend(spec({ socket: hx.socketPath }), POOL);
    await backend.apply(POOL, entries({ 'scan-03': 'held', 'scan-04': 'held' }));
    const states = await hx.adminStates();
    assert.equal(states.get('scan-03'), ADMIN.FDRAIN, 'operator drain kept');
    assert.equal(states.get('scan-04'), ADMIN.FMAINT, 'active held server put in maint');
    assert.deepEqual(sorted(await backend.readActive(POOL)), activeExcept(['scan-03', 'scan-04']));
  });

  it('readState reports servers set out of service by hand with their admin state, whoever set it', async () => {
    const backend = new HaproxyBackend(spec({ socket: hx.socketPath }), POOL);
    await hx.command(`set server ${POOL}/scan-03 state maint`);
    await hx.command(`set server ${POOL}/scan-04 state drain`);
    const state = await backend.readState(POOL);
    assert.deepEqual(sorted(state.active), activeExcept(['scan-03', 'scan-04']));
    assert.deepEqual([...state.out].sort(), [['scan-03', 'MAINT (forced)'], ['scan-04', 'DRAIN (forced)']]);
    // After an apply it reports the pool's members only, the same way.
    await backend.apply(POOL, entries({ 'scan-03': 'held', 'scan-04': 'held' }, ['scan-01', 'scan-03', 'scan-04']));
    const after = await backend.readState(POOL);
    assert.deepEqual(sorted(after.active), ['scan-01']);
    assert.deepEqual([...after.out].sort(), [['scan-03', 'MAINT (forced)'], ['scan-04', 'DRAIN (forced)']], 'a held member\'s state is left as the operator set it');
    // Held in HAProxy by someone else, then set ready by hand before the apply: never forced back out.
    await hx.command(`set server ${POOL}/scan-03 state ready`);
    await backend.apply(POOL, [{ node: 'scan-01', state: 'active', reason: null, since: null }, { node: 'scan-03', state: 'held', reason: 'held in haproxy', since: null, external: true }]);
    assert.equal((await hx.adminStates()).get('scan-03'), 0, 'left as it is now');
  });

  it('maps node names to server names through the "servers" map, both ways', async () => {
    const nodes = ['dal3-a', 'dal3-b', 'scan-03'];
    const backend = new HaproxyBackend(spec({ socket: hx.socketPath, backend: POOL, servers: { 'dal3-a': 'scan-01', 'dal3-b': 'scan-02' } }), 'mailpool');
    // Before any apply the member list is unknown: every server of the backend, mapped back.
    assert.deepEqual(sorted(await backend.readActive('mailpool')), ['dal3-a', 'dal3-b', 'scan-03', 'scan-04', 'scan-05', 'scan-06']);
    await backend.apply('mailpool', entries({ 'dal3-b': 'drained' }, nodes));
    assert.ok(((await hx.adminStates()).get('scan-02')! & ADMIN.FMAINT) !== 0);
    // After an apply it reports exactly the pool's members.
    assert.deepEqual(sorted(await backend.readActive('mailpool')), ['dal3-a', 'scan-03']);
  });

  it('an unknown server is a clear error naming it; the other members are still applied', async () => {
    const backend = new HaproxyBackend(spec({ socket: hx.socketPath }), POOL);
    await assert.rejects(
      backend.apply(POOL, entries({ 'scan-02': 'drained' }, [...NODES, 'scan-99'])),
      (err: Error) => /"scanners"/.test(err.message) && /no server scan-99/.test(err.message) && !/scan-02/.test(err.message),
    );
    assert.ok(((await hx.adminStates()).get('scan-02')! & ADMIN.FMAINT) !== 0, 'the known drain still happened');
    await assert.rejects(backend.readActive(POOL), /no server scan-99/);
    // A typo in the servers map is caught even before the first apply.
    const typo = new HaproxyBackend(spec({ socket: hx.socketPath, servers: { 'scan-01': 'scan-O1' } }), POOL);
    await assert.rejects(typo.readActive(POOL), /no server scan-01 \(server scan-O1\)/);
  });

  it('an unknown backend is a clear error', async () => {
    const backend = new HaproxyBackend(spec({ socket: hx.socketPath, backend: 'scanerz' }), POOL);
    await assert.rejects(backend.readActive(POOL), /has no backend "scanerz"/);
    await assert.rejects(backend.apply(POOL, entries()), /has no backend "scanerz"/);
  });

  it('a stats socket below level admin: reads work, apply fails naming the servers and the permission', async () => {
    const backend = new HaproxyBackend(spec({ socket: hx.userSocketPath }), POOL);
    assert.deepEqual(sorted(await backend.readActive(POOL)), NODES);
    await assert.rejects(backend.apply(POOL, drainedEntries()), (err: Error) =>
      /"scanners"/.test(err.message) && /scan-02 is READY, wanted maint/.test(err.message) && /scan-05/.test(err.message) && /Permission denied.*level admin/.test(err.message));
    assert.deepEqual(sorted(await new HaproxyBackend(spec({ socket: hx.socketPath }), POOL).readActive(POOL)), NODES, 'nothing changed');
  });

  it('an unreachable socket and a silent one are clear errors, within the timeout', async () => {
    const missing = new HaproxyBackend(spec({ socket: `${hx.dir}/nope.sock` }), POOL);
    await assert.rejects(missing.readActive(POOL), /nope\.sock.*ENOENT/);
    const refused = new HaproxyBackend(spec({ socket: '127.0.0.1:1' }), POOL);
    await assert.rejects(refused.readActive(POOL), /127\.0\.0\.1:1.*ECONNREFUSED/);
    const silent = await silentSocket();
    try {
      const slow = new HaproxyBackend(spec({ socket: silent.path, timeout: '300ms' }), POOL);
      const t0 = Date.now();
      await assert.rejects(slow.readActive(POOL), /did not answer "show servers state scanners" within 300 ms/);
      const took = Date.now() - t0;
      assert.ok(took >= 290 && took < 2_000, `took ${took} ms`);
    } finally {
      await silent.close();
    }
  });

  it('names that could inject runtime commands are refused before anything is sent', async () => {
    const backend = new HaproxyBackend(spec({ socket: hx.socketPath, servers: { 'scan-01': 'scan-01;shutdown sessions server scanners/scan-02' } }), POOL);
    await assert.rejects(backend.apply(POOL, entries()), /not usable in a runtime command/);
  });
});

describe('drain controller on a real HAProxy: it undoes only what it did', () => {
  const SCANNERS = Array.from({ length: 80 }, (_, i) => `scan-${String(i + 1).padStart(3, '0')}`);
  const SINGLE = SCANNERS.slice(56, 76); // single-corded on bank 1 of dal3-r07-a
  const BANK_1 = Array.from({ length: 20 }, (_, i) => i + 1);
  const HOLD_DOWN = 20_000;
  let hx: RunningHaproxy;
  before(async () => { hx = await start({ servers: SCANNERS, backend: POOL }); });
  after(async () => { await hx?.stop(); });

  it('a server put in maint by hand stays in maint, held by haproxy; Breakerbox\'s own drain goes to maint, back to ready at re-admission, and is restored after an HAProxy restart', async () => {
    const s = new Scenario();
    const haproxy = createBackend(POOL, spec({ socket: hx.socketPath }), '/nonexistent');
    s.controller = new DrainController({
      topology: () => s.topology, settings: () => s.config.settings,
      view: () => assessPower(s.topology, s.facts, s.clock.now(), 15_000),
      facts: s.facts, store: s.store, backendFor: (pool) => (pool === POOL ? haproxy : s.backend), events: s.events, clock: s.clock, log: pino({ level: 'silent' }),
    });
    const readModel = { config: () => s.config, view: () => assessPower(s.topology, s.facts, s.clock.now(), 15_000), controller: s.controller } as unknown as ReadModel;
    const member = (node: string) => poolsView(readModel).find((p) => p.name === POOL)!.members.find((m) => m.node === node)!;
    const maint = (states: Map<string, number>, node: string) => ((states.get(node) ?? 0) & ADMIN.FMAINT) !== 0;

    await s.reconcile();
    assert.ok([...(await hx.adminStates()).values()].every((a) => a === 0), 'all ready');
    await hx.command(`set server ${POOL}/scan-003 state maint`);
    await s.reconcile();
    await s.reconcile();
    assert.ok(maint(await hx.adminStates(), 'scan-003'), 'the operator\'s maint is not undone');
    const held = member('scan-003');
    assert.equal(held.state, 'held');
    assert.equal(held.by, 'haproxy');
    assert.equal(held.external, true);
    assert.match(held.reason!, /held in haproxy \(MAINT \(forced\)\), not by Breakerbox/);
    assert.equal(held.gate?.name, 'external-hold');

    // A bank trip: Breakerbox's own drain goes to maint; the hand-held server stays as it is.
    s.setOutlets('dal3-r07-a', BANK_1, 'off');
    s.silenceDeadNodes();
    await s.reconcile();
    let states = await hx.adminStates();
    for (const n of SINGLE) assert.ok(maint(states, n), `${n} in maint`);
    assert.equal(member('scan-057').state, 'drained');

    // HAProxy restarts and forgets runtime state: Breakerbox's drains come back; the operator's maint is gone with it.
    await hx.reload();
    assert.ok([...(await hx.adminStates()).values()].every((a) => a === 0), 'HAProxy forgot every maint');
    await s.reconcile();
    states = await hx.adminStates();
    for (const n of SINGLE) assert.ok(maint(states, n), `${n} restored to maint`);
    assert.equal(states.get('scan-003'), 0, 'not Breakerbox\'s to restore');
    assert.ok(s.eventsOf('backend-drift').length >= 1);
    assert.equal(member('scan-003').state, 'active');

    // The operator holds scan-004 in HAProxy; power comes back and a reload past the hold-down re-admits the 20.
    await hx.command(`set server ${POOL}/scan-004 state maint`);
    s.setOutlets('dal3-r07-a', BANK_1, 'on');
    for (const n of SINGLE) s.node(n, true);
    s.clock.advance(HOLD_DOWN);
    for (const pdu of s.config.pdus) s.pdu(pdu.name);
    for (const node of s.config.nodes) s.node(node.name, true);
    await s.reconcile();
    assert.equal(member('scan-004').by, 'haproxy');
    const [outcome] = s.controller.readmit(HOLD_DOWN);
    assert.deepEqual(outcome!.readmitted.sort(), SINGLE);
    await s.reconcile();
    states = await hx.adminStates();
    for (const n of SINGLE) assert.equal(states.get(n), 0, `${n} ready again`);
    assert.ok(maint(states, 'scan-004'), 'the operator\'s maint left alone at the re-admission');
    assert.equal(member('scan-057').state, 'active');
  });
});
