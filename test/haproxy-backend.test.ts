// The HAProxy pool backend against a real HAProxy 2.6: drains through the runtime API, real HTTP
// traffic through the frontend, a restart that forgets runtime state, unix and TCP stats sockets,
// and the errors a misconfiguration must produce.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { createBackend } from '../src/backends/create-backend.js';
import { HaproxyBackend } from '../src/backends/haproxy-backend.js';
import { ADMIN, adminActive, parseRuntimeAddress } from '../src/backends/haproxy-runtime.js';
import type { MembershipEntry } from '../src/backends/pool-backend.js';
import { backendSchema } from '../src/config/schema.js';
import type { MemberState } from '../src/model.js';
import { recordingProxy, silentSocket, start, type RunningHaproxy } from './helpers/haproxy.js';

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
