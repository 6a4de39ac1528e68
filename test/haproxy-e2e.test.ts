// The demo's scanners behind a real HAProxy 2.6, end to end: the simulated nodes serve real HTTP,
// Breakerbox (the real app, real SNMP, real poller) drives HAProxy's runtime API, and real requests
// through the frontend show who gets traffic. A bank trip puts its 20 scanners in maint; an HAProxy
// restart forgets that and Breakerbox puts it back; a reload after the fault clears re-admits them.
// A server an operator sets to maint by hand on HAProxy's socket is left alone and shown held by haproxy.
//
// HAProxy's health checks are off here on purpose: the only thing keeping traffic away from the
// unpowered scanners is Breakerbox's maint (the demo runs with checks on; maint overrides them).
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { startApp, type App } from '../src/app.js';
import { ADMIN } from '../src/backends/haproxy-runtime.js';
import { poolServers, startLocalHaproxy, withLocalHaproxy, type LocalHaproxy } from '../src/demo/local-haproxy.js';
import type { ApiEvent, ApiNode, ApiPool } from '../src/http/api-types.js';
import { demoConfig, waitFor } from './helpers/demo-config.js';
import { freePort, get, parseAdminStates, rawCommand } from './helpers/haproxy.js';
import { freeUdpPort } from './helpers/ports.js';

const POOL = 'scanners';
const SCANNERS = Array.from({ length: 80 }, (_, i) => `scan-${String(i + 1).padStart(3, '0')}`);
const SINGLE = SCANNERS.slice(56, 76); // scan-057..scan-076: single-corded on bank 1 of dal3-r07-a
const OTHERS = SCANNERS.filter((s) => !SINGLE.includes(s));

interface ReloadReply { outcome: string; pools: { pool: string; readmitted: string[]; kept: { node: string; why: string }[] }[] }

describe('scanners behind a real HAProxy, driven by Breakerbox', () => {
  let app: App | undefined;
  let hx: LocalHaproxy | undefined;
  let stateDir: string | undefined;
  let addressOf: Map<string, string>;

  const api = async <T>(path: string, init?: RequestInit): Promise<T> => {
    const res = await fetch(`${app!.url}${path}`, { ...init, headers: { 'content-type': 'application/json' } });
    assert.ok(res.ok, `${init?.method ?? 'GET'} ${path} → ${res.status} ${await res.clone().text()}`);
    return (await res.json()) as T;
  };
  const drained = async () => (await api<ApiPool[]>('/api/pools')).find((p) => p.name === POOL)!.members.filter((m) => m.state === 'drained').map((m) => m.node).sort();
  const lastEventId = async () => (await api<ApiEvent[]>('/api/events')).at(-1)?.id ?? 0;
  /** srv_admin_state per server, read straight from HAProxy (not through the code under test). */
  const adminStates = async () => parseAdminStates(await rawCommand(hx!.socketPath, `show servers state ${POOL}`));
  const inMaint = (states: Map<string, number>, names: string[]) => names.every((n) => ((states.get(n) ?? 0) & ADMIN.FMAINT) !== 0);
  const allReady = (states: Map<string, number>, names: string[]) => names.every((n) => states.get(n) === 0);
  /** `count` GETs through the frontend (8 at a time, each on a new connection): responses per node. Any failure throws. */
  const hits = async (count: number) => {
    const tally = new Map<string, number>();
    let next = 0;
    const worker = async () => {
      while (next < count) {
        next++;
        const body = await get(hx!.frontendUrl);
        const m = /^200 (\S+)\n$/.exec(body);
        assert.ok(m, `unexpected body ${JSON.stringify(body)}`);
        tally.set(m[1]!, (tally.get(m[1]!) ?? 0) + 1);
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    assert.equal([...tally.values()].reduce((a, b) => a + b, 0), count);
    return tally;
  };
  const show = (tally: Map<string, number>) => JSON.stringify([...tally].sort());

  before(async () => {
    const demo = demoConfig({ snmpPort: await freeUdpPort(), trapPort: await freeUdpPort(), pollInterval: '1s', holdDown: '2s' });
    stateDir = demo.stateDir;
    const nodeHttpPort = await freePort();
    const servers = poolServers(demo.config, POOL, nodeHttpPort);
    addressOf = new Map(servers.map((s) => [s.name, s.address]));
    hx = await startLocalHaproxy({ servers, backend: POOL, frontendPort: await freePort(), check: false });
    const config = withLocalHaproxy(demo.config, { pool: POOL, socketPath: hx.socketPath, httpPort: nodeHttpPort });
    assert.equal(config.pools.find((p) => p.name === 'storage')!.backend.type, 'file', 'storage keeps its file backend');
    app = await startApp({ config, stateDir, logLevel: process.env.LOG_LEVEL ?? 'silent' });
    await waitFor('every node polled normal', async () => (await api<ApiNode[]>('/api/nodes')).every((n) => n.power === 'normal' && n.reachable === true));
  });

  after(async () => {
    await app?.stop(); // the simulator with it: SNMP agents and the nodes' HTTP servers
    await hx?.stop();
    if (stateDir) rmSync(stateDir, { recursive: true, force: true });
  });

  it('every scanner serves real HTTP through the HAProxy frontend', async () => {
    assert.ok(allReady(await adminStates(), SCANNERS), 'every server ready');
    assert.equal(await get(`http://${addressOf.get('scan-057')}/`), '200 scan-057\n', 'a node answers directly on its own address');
    const tally = await hits(160);
    for (const s of SCANNERS) assert.ok((tally.get(s) ?? 0) > 0, `${s} got no traffic: ${show(tally)}`);
  });

  it('a bank trip puts exactly its 20 scanners in maint; traffic avoids them and never fails', async () => {
    app!.simulator!.injectFault({ kind: 'bank-trip', pdu: 'dal3-r07-a', bank: 1 });
    await waitFor('scan-057..scan-076 in maint', async () => inMaint(await adminStates(), SINGLE), 15_000);
    await waitFor('scan-057..scan-076 drained in /api/pools', async () => JSON.stringify(await drained()) === JSON.stringify(SINGLE));
    assert.ok(allReady(await adminStates(), OTHERS), 'the other 60 stay ready');
    // The unpowered nodes really are silent: nothing but Breakerbox's maint keeps HAProxy off them.
    await assert.rejects(get(`http://${addressOf.get('scan-060')}/`), /ECONNREFUSED/);

    const tally = await hits(120);
    for (const s of SINGLE) assert.equal(tally.get(s) ?? 0, 0, `${s} must get no traffic: ${show(tally)}`);
    for (const s of OTHERS) assert.ok((tally.get(s) ?? 0) > 0, `${s} must still serve: ${show(tally)}`);
  });

  it('a server an operator sets to maint by hand stays in maint; the API shows it held by haproxy', async () => {
    await rawCommand(hx!.socketPath, `set server ${POOL}/scan-003 state maint`);
    const held = await waitFor('scan-003 held by haproxy in /api/pools', async () => {
      const m = (await api<ApiPool[]>('/api/pools')).find((p) => p.name === POOL)!.members.find((x) => x.node === 'scan-003')!;
      return m.state === 'held' && m;
    });
    assert.equal(held.by, 'haproxy');
    assert.equal(held.external, true);
    assert.equal(held.gate?.name, 'external-hold');
    assert.match(held.reason!, /held in haproxy \(MAINT \(forced\)\), not by Breakerbox/);
    // A reload answers after every pool has been reconciled and applied: the hand-set maint survived it.
    await api<ReloadReply>('/api/reload', { method: 'POST' });
    assert.ok(inMaint(await adminStates(), ['scan-003']), 'still in maint');
    assert.ok(inMaint(await adminStates(), SINGLE), "Breakerbox's own drains still in maint");
    const events = await api<ApiEvent[]>('/api/events');
    assert.ok(events.some((e) => e.type === 'external-hold' && e.subject === POOL && /scan-003/.test(e.message)));
    const tally = await hits(40);
    assert.equal(tally.get('scan-003') ?? 0, 0, `scan-003 must get no traffic: ${show(tally)}`);
  });

  it('an HAProxy restart forgets maint; Breakerbox sees the drift and restores it within seconds', async (t) => {
    const since = await lastEventId();
    await hx!.restart();
    const restartedAt = Date.now();
    await waitFor('maint restored after the restart', async () => {
      const events = await api<ApiEvent[]>(`/api/events?since=${since}`);
      return events.some((e) => e.type === 'backend-drift' && e.subject === POOL) && inMaint(await adminStates(), SINGLE);
    }, 10_000, 100);
    const took = Date.now() - restartedAt;
    const events = await api<ApiEvent[]>(`/api/events?since=${since}`);
    const drift = events.find((e) => e.type === 'backend-drift')!;
    const seen = events.map((e) => `${e.type} +${e.time - restartedAt} ms`).join(', ');
    t.diagnostic(`maint restored ${took} ms after the restart; events: ${seen}`);
    // Drift is seen at the next reconcile (every poll interval, 1 s here); re-applying the 20 servers takes the rest
    // (a few hundred ms, seconds on a starved machine).
    assert.ok(drift.time - restartedAt < 3_000, `drift noticed after ${drift.time - restartedAt} ms; events: ${seen}`);
    assert.ok(took < 8_000, `maint restored after ${took} ms; events: ${seen}`);
    assert.match(drift.message, /haproxy backend of pool scanners no longer matches/);
    assert.ok(allReady(await adminStates(), OTHERS), "the other 60 ready: the operator's maint of scan-003 went with the restart and is not Breakerbox's to restore");
    await waitFor('scan-003 active again in /api/pools', async () =>
      (await api<ApiPool[]>('/api/pools')).find((p) => p.name === POOL)!.members.find((x) => x.node === 'scan-003')!.state === 'active');

    const tally = await hits(60);
    for (const s of SINGLE) assert.equal(tally.get(s) ?? 0, 0, `${s} must get no traffic after the restart: ${show(tally)}`);
  });

  it('after the fault clears, a reload past the hold-down re-admits them: ready again and serving', async (t) => {
    app!.simulator!.clearAllFaults();
    const nodes = await waitFor('the 20 answer again with normal power', async () => {
      const all = await api<ApiNode[]>('/api/nodes');
      const mine = all.filter((n) => SINGLE.includes(n.name));
      return mine.every((n) => n.reachable === true && n.power === 'normal' && n.reachableSince !== null) && mine;
    });
    const latest = Math.max(...nodes.map((n) => n.reachableSince!));
    await new Promise((r) => setTimeout(r, Math.max(0, latest + 2_000 + 300 - Date.now()))); // past the 2 s hold-down
    // An operator takes scan-004 out by hand meanwhile: the re-admission must not bring it back.
    await rawCommand(hx!.socketPath, `set server ${POOL}/scan-004 state maint`);
    await waitFor('scan-004 held by haproxy', async () =>
      (await api<ApiPool[]>('/api/pools')).find((p) => p.name === POOL)!.members.find((x) => x.node === 'scan-004')!.by === 'haproxy');
    // One reload re-admits them all; on a starved machine a node whose poll timed out restarts its hold-down,
    // and a later reload takes it back (each kept one must say why).
    const readmitted = new Set<string>();
    const reloads: ReloadReply['pools'][number][] = [];
    await waitFor('all 20 re-admitted by reloads', async () => {
      const outcome = (await api<ReloadReply>('/api/reload', { method: 'POST' })).pools.find((p) => p.pool === POOL);
      if (outcome) {
        reloads.push(outcome);
        for (const n of outcome.readmitted) readmitted.add(n);
        for (const k of outcome.kept) assert.match(k.why, /hold-down|not answering|power/);
      }
      return readmitted.size === SINGLE.length;
    }, 20_000, 1_000).catch((err: Error) => { throw new Error(`${err.message}; reloads: ${JSON.stringify(reloads)}`); });
    assert.deepEqual([...readmitted].sort(), SINGLE);
    if (reloads.length > 1) t.diagnostic(`re-admitted over ${reloads.length} reloads: ${JSON.stringify(reloads)}`);

    await waitFor('the 20 ready in HAProxy', async () => allReady(await adminStates(), SINGLE), 5_000, 100);
    assert.deepEqual(await drained(), []);
    assert.ok(inMaint(await adminStates(), ['scan-004']), "the operator's maint left alone by the re-admission");
    await rawCommand(hx!.socketPath, `set server ${POOL}/scan-004 state ready`);
    assert.ok(allReady(await adminStates(), SCANNERS), 'all 80 ready');
    const tally = await hits(160);
    assert.ok((tally.get('scan-057') ?? 0) > 0, `scan-057 serves again: ${show(tally)}`);
    for (const s of SCANNERS) assert.ok((tally.get(s) ?? 0) > 0, `${s} got no traffic: ${show(tally)}`);
  });
});
