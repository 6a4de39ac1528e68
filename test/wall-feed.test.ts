// The wall's live feed, on a real app and real socket.io clients, in fake time: a snapshot on connect,
// then deltas of only what changed, batched per tick; scoped walls; resyncs; the topology sent apart, by version.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { io, type Socket } from 'socket.io-client';
import { startApp, type App } from '../src/app.js';
import { FakeClock } from '../src/clock.js';
import { parseConfigText } from '../src/config/load-config.js';
import type { ApiDelta, ApiPool, ApiSnapshot, ApiTopology, ApiWallSnapshot } from '../src/http/api-types.js';
import { applyPatch, unpack, withTopology } from '../dashboards/wall/patch.js';
import { ROUTINE_MS, TICK_MS } from '../src/http/wall-feed.js';
import { nodeReading, pduReading } from './helpers/synthetic-readings.js';
import { snapshotOf } from './helpers/wall-messages.js';
import { freeUdpPort } from './helpers/ports.js';

function siteConfig(dir: string, port: number, extraPool = false): string {
  return `sites: [{name: Lab, rows: [{name: row 1, racks: [r1]}, {name: row 2, racks: [r2]}]}]
pdus:
  - {name: pdu-1, rack: r1, address: "127.9.1.1:${port}", outlets: 8, banks: 2}
  - {name: pdu-2, rack: r2, address: "127.9.1.2:${port}", outlets: 8, banks: 2}
nodes:
  - {name: web-1, rack: r1, address: "127.9.2.1:${port}", psus: [{pdu: pdu-1, outlet: 1}]}
  - {name: web-2, rack: r1, address: "127.9.2.2:${port}", psus: [{pdu: pdu-1, outlet: 5}]}
  - {name: db-1, rack: r2, address: "127.9.2.3:${port}", psus: [{pdu: pdu-2, outlet: 1}]}
  - {name: db-2, rack: r2, address: "127.9.2.4:${port}", psus: [{pdu: pdu-2, outlet: 5}]}
pools:
  - {name: web, members: [web-1, web-2], backend: {type: file, dir: "${dir}/pools"}}
  - {name: db, members: [db-1, db-2], backend: {type: file, dir: "${dir}/pools"}}
${extraPool ? '  - {name: db-read, members: [db-2], backend: {type: file, dir: "' + dir + '/pools"}}' : ''}
services:
  - {name: shop, pools: [web]}
  - {name: ledger, pools: [db]}
settings:
  pollInterval: 1h
  reload: {schedule: "0 0 1 1 *"}
  http: {port: 0, host: 127.0.0.1}
  traps: {enabled: false}
  database: "${dir}/breakerbox.db"
`;
}

/**
 * A wall's socket that records every snapshot and delta it is sent, in order; it keeps the topology it
 * is sent (or `held`, declared when it connects) and puts it back into each snapshot, as the wall does.
 */
class Wall {
  readonly got: ({ snapshot: ApiSnapshot } | { delta: ApiDelta })[] = [];
  /** Every topology it was sent, and every snapshot as sent (without its topology). */
  readonly topologies: ApiTopology[] = [];
  readonly sent: ApiWallSnapshot[] = [];
  readonly socket: Socket;
  private waiters: (() => void)[] = [];
  constructor(port: number, query: Record<string, string> = {}, transport: 'websocket' | 'polling' = 'websocket', public topology: ApiTopology | null = null) {
    const auth = topology ? { topology: topology.version } : {};
    this.socket = io(`http://127.0.0.1:${port}`, { transports: [transport], reconnection: false, forceNew: true, query, auth });
    this.socket.on('topology', (data: Buffer) => {
      this.topology = snapshotOf<ApiTopology>(data);
      this.topologies.push(this.topology);
    });
    this.socket.on('snapshot', (data: Buffer) => {
      const s = snapshotOf<ApiWallSnapshot>(data);
      this.sent.push(s);
      if (s.topology !== this.topology?.version) throw new Error(`a snapshot of topology ${s.topology}, the wall holds ${this.topology?.version}`);
      this.arrive({ snapshot: withTopology(this.topology, s) });
    });
    this.socket.on('delta', (delta: ApiDelta) => this.arrive({ delta: unpack(delta) }));
  }
  /** The wall's copy: the last snapshot with every delta since applied, as the wall applies them. */
  state: ApiSnapshot | null = null;
  private arrive(m: { snapshot: ApiSnapshot } | { delta: ApiDelta }): void {
    if ('snapshot' in m) this.state = structuredClone(m.snapshot);
    else if (this.state) {
      for (const kind of ['pdus', 'nodes', 'pools', 'services'] as const) {
        for (const x of m.delta[kind] ?? []) {
          const list = this.state[kind] as { name: string }[];
          const i = list.findIndex((y) => y.name === x.name);
          const next = '$p' in x ? applyPatch(list[i], x) : x;
          if (i >= 0) list[i] = next!;
          else list.push(next!);
        }
      }
    }
    this.got.push(m);
    for (const w of this.waiters.splice(0)) w();
  }
  /** Waits until `n` messages have arrived in all. */
  async count(n: number): Promise<void> {
    while (this.got.length < n) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }
  /** Waits for a delta, at or after message number `from`, that satisfies `pred`, and returns it. */
  async until(pred: (d: ApiDelta) => boolean, from: number): Promise<ApiDelta> {
    for (let i = from; ; i++) {
      await this.count(i + 1);
      const m = this.got[i]!;
      if ('delta' in m && pred(m.delta)) return m.delta;
    }
  }
  /** Waits until the wall's copy satisfies `pred` (after some message at or after number `from`). */
  async untilState(pred: (s: ApiSnapshot) => boolean, from: number): Promise<void> {
    await this.count(from + 1);
    for (let n = this.got.length; !pred(this.state!); n = this.got.length) await this.count(n + 1);
  }
  /** Waits for a snapshot at or after message number `from`, and returns it. */
  async snapshotFrom(from: number): Promise<ApiSnapshot> {
    for (let i = from; ; i++) {
      await this.count(i + 1);
      const m = this.got[i]!;
      if ('snapshot' in m) return m.snapshot;
    }
  }
  pool(name: string): ApiPool { return this.state!.pools.find((p) => p.name === name)!; }
  get deltas(): ApiDelta[] { return this.got.flatMap((m) => ('delta' in m ? [m.delta] : [])); }
  get snapshots(): ApiSnapshot[] { return this.got.flatMap((m) => ('snapshot' in m ? [m.snapshot] : [])); }
  close(): void { this.socket.close(); }
}

describe('wall feed', { timeout: 60_000 }, () => {
  let dir: string;
  let app: App;
  let clock: FakeClock;
  let port: number;
  let file: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bb-wall-feed-'));
    port = await freeUdpPort();
    file = join(dir, 'breakerbox.yaml');
    await writeFile(file, siteConfig(dir, port));
    clock = new FakeClock();
    app = await startApp({ config: parseConfigText(siteConfig(dir, port), file), configPath: file, stateDir: dir, logLevel: 'silent', simulate: false, clock });
    app.poller.stop(); // facts come from the test alone
    allOn();
    for (const n of app.config().nodes) app.store.recordNode(n.name, clock.now(), { ok: true, reading: nodeReading });
  });

  const allOn = () => {
    for (const pdu of app.config().pdus) app.store.recordPdu(pdu.name, clock.now(), { ok: true, reading: pduReading(topology, pdu, Array(8).fill('on')) });
  };
  const topology = { configuredBank: (_: unknown, i: number) => (i <= 4 ? 1 : 2) } as never;
  after(async () => {
    await app.stop();
    await rm(dir, { recursive: true, force: true });
  });

  /** Lets a tick pass in fake time and the controller finish what it enqueued. */
  const tick = async () => {
    await app.controller.settle();
    clock.advance(TICK_MS);
  };

  it('sends a snapshot on connect, then one delta per tick of only what changed', async () => {
    const wall = new Wall(app.port);
    try {
      await wall.count(1);
      const first = wall.snapshots[0]!;
      assert.equal(typeof first.version, 'number');
      assert.deepEqual(first.pdus.map((p) => p.name), ['pdu-1', 'pdu-2']);
      assert.deepEqual(first.nodes.map((n) => n.name), ['web-1', 'web-2', 'db-1', 'db-2']);

      // Two changes in one turn, after a quiet spell: one delta at once, with the pool and the service they touch, nothing else.
      app.controller.hold('web', 'web-1', 'out', 'disk swap', 'alice');
      app.controller.hold('web', 'web-2', 'in', 'canary', 'alice');
      await app.controller.settle();
      const t1 = clock.now();
      clock.advance(0);
      await wall.count(2);
      const d = wall.deltas[0]!;
      assert.equal(d.time, t1, 'sent at once');
      assert.equal(d.from, first.version);
      assert.equal(d.to, first.version! + 1);
      assert.deepEqual(d.pools?.map((p) => p.name), ['web']);
      assert.deepEqual(d.services?.map((s) => s.name), ['shop']);
      assert.deepEqual(wall.pool('web').members.map((m) => m.state), ['held', 'active']);
      assert.deepEqual(wall.state!.services.map((s) => `${s.name}:${s.status}`), ['shop:reduced', 'ledger:ok']);
      assert.equal(d.pdus, undefined);
      assert.equal(d.nodes, undefined);

      // A bank trip on pdu-2: that PDU, the node it fed, its pool and service; nothing in the other rack.
      const pdu2 = app.config().pdus.find((p) => p.name === 'pdu-2')!;
      const bank2Off = ['on', 'on', 'on', 'on', 'off', 'off', 'off', 'off'] as const;
      app.store.recordPdu('pdu-2', clock.now(), { ok: true, reading: pduReading(topology, pdu2, bank2Off) });
      // Within a tick of the last delta: this one waits for the tick to end.
      await app.controller.settle();
      clock.advance(TICK_MS - 1);
      clock.advance(1);
      await wall.count(3);
      const f = wall.deltas[1]!;
      assert.equal(f.time, t1 + TICK_MS, 'at most one delta per tick');
      assert.equal(f.from, d.to);
      assert.deepEqual(f.pdus?.map((p) => p.name), ['pdu-2']);
      assert.deepEqual(f.nodes?.map((n) => n.name), ['db-2']);
      const pdu = wall.state!.pdus.find((p) => p.name === 'pdu-2')!;
      assert.deepEqual(pdu.banks.map((b) => b.breaker), ['ok', 'tripped']);
      assert.deepEqual(pdu.outlets.map((o) => o.state), bank2Off);
      assert.equal(wall.state!.nodes.find((n) => n.name === 'db-2')!.power, 'lost');
      // Sent as a patch of what changed, smaller than the PDU itself; applied, it is what a fresh snapshot says.
      assert.ok('$p' in f.pdus![0]!, 'a patch, not the whole PDU');
      assert.ok(JSON.stringify(f.pdus![0]).length < JSON.stringify(pdu).length / 2);
      const fresh = await (await fetch(`${app.url}/api/pdus`)).json() as ApiSnapshot['pdus'];
      assert.deepEqual(pdu, fresh.find((p) => p.name === 'pdu-2'));
      assert.ok(!f.pools?.some((p) => p.name === 'web'), 'the web pool did not change');
      assert.ok(f.pools?.some((p) => p.name === 'db'), 'the db pool did');

      // A node answering as before is marked but unchanged: it is never sent again.
      const sent = wall.got.length;
      app.store.recordNode('db-1', clock.now(), { ok: true, reading: nodeReading });
      await tick();
      allOn();
      await tick();
      await wall.untilState((s) => s.nodes.find((n) => n.name === 'db-2')!.power === 'normal', sent);
      const later = wall.deltas.slice(sent - 1);
      assert.ok(later.every((x) => !x.nodes?.some((n) => n.name === 'db-1')), 'db-1 did not change');
      assert.ok(later.every((x, k) => k === 0 || x.from === later[k - 1]!.to), 'versions follow on');
      const beforeRelease = wall.got.length;
      app.controller.release('web', 'web-1', 'done', 'alice');
      app.controller.release('web', 'web-2', 'done', 'alice');
      await tick();
      await wall.untilState((s) => s.pools.find((p) => p.name === 'web')!.held === 0, beforeRelease);
      assert.deepEqual(wall.pool('web').members.map((m) => m.state), ['active', 'active']);
      assert.deepEqual(wall.state!.services.map((s) => `${s.name}:${s.status}`), ['shop:ok', 'ledger:reduced']);
    } finally {
      wall.close();
    }
  });

  it('a wall scoped to a rack gets only that rack, its pools and services', async () => {
    const rack = new Wall(app.port, { rack: 'r2' });
    const all = new Wall(app.port);
    try {
      await rack.count(1);
      await all.count(1);
      const s = rack.snapshots[0]!;
      assert.deepEqual(s.scope, { rack: 'r2' });
      assert.deepEqual(s.pdus.map((p) => p.name), ['pdu-2']);
      assert.deepEqual(s.nodes.map((n) => n.name), ['db-1', 'db-2']);
      assert.deepEqual(s.pools.map((p) => p.name), ['db']);
      assert.deepEqual(s.services.map((x) => x.name), ['ledger']);
      assert.deepEqual(s.sites.map((site) => site.rows.map((row) => row.name)), [['row 2']]);

      // A change outside the rack reaches the whole-site wall only; one inside reaches both.
      app.controller.hold('web', 'web-1', 'out', 'scope test', 'bob');
      await tick();
      await all.until((d) => d.pools?.some((p) => p.name === 'web') ?? false, 1);
      const rackFrom = rack.got.length;
      app.controller.hold('db', 'db-1', 'out', 'scope test', 'bob');
      await tick();
      await rack.untilState((s) => s.pools.find((p) => p.name === 'db')!.held === 1, rackFrom);
      assert.equal(rack.pool('db').members.find((m) => m.node === 'db-1')?.state, 'held');
      const [rackAt, allAt] = [rack.got.length, all.got.length];
      app.controller.release('web', 'web-1', 'done', 'bob');
      app.controller.release('db', 'db-1', 'done', 'bob');
      await tick();
      await rack.untilState((s) => s.pools.find((p) => p.name === 'db')!.held === 0, rackAt);
      await all.untilState((s) => s.pools.find((p) => p.name === 'web')!.held === 0, allAt);
      const inRack = new Set(['pdu-2', 'db-1', 'db-2', 'db', 'ledger']);
      const named = rack.deltas.flatMap((d) => [...(d.pdus ?? []), ...(d.nodes ?? []), ...(d.pools ?? []), ...(d.services ?? [])].map((x) => x.name));
      assert.ok(named.length > 0 && named.every((n) => inRack.has(n)), `the rack's wall heard only of its rack: ${named.join(', ')}`);
      assert.ok(all.deltas.some((d) => d.pools?.some((p) => p.name === 'web')), 'the whole-site wall heard of the web pool');
    } finally {
      rack.close();
      all.close();
    }
  });

  it('a wall that asks is resynced, and a reload that changes the topology resyncs every wall', async () => {
    const wall = new Wall(app.port);
    try {
      await wall.count(1);
      const asked = wall.got.length;
      wall.socket.emit('resync');
      await wall.count(asked + 1);
      assert.ok('snapshot' in wall.got[asked]!, 'a resync is answered with a snapshot');

      const before = wall.snapshots.at(-1)!.version!;
      const reloadAt = wall.got.length;
      await writeFile(file, siteConfig(dir, port, true));
      const result = await app.reloader.reloadNow('test');
      assert.match(result.outcome, /applied|ok|reloaded/i, result.outcome);
      app.poller.stop();
      await tick();
      // A topology change is sent as a snapshot.
      const fresh = await wall.snapshotFrom(reloadAt);
      assert.ok(fresh.version! > before, 'a newer version');
      assert.deepEqual(fresh.pools.map((p) => p.name), ['web', 'db', 'db-read']);
    } finally {
      wall.close();
    }
  });

  it('routine readings wait for the routine tick; a change of state does not; a wall that connects meanwhile agrees with the others', async () => {
    const wall = new Wall(app.port);
    try {
      await wall.count(1);
      const pdu1 = app.config().pdus.find((p) => p.name === 'pdu-1')!;
      const watts = (n: number) => ({ ...pduReading(topology, pdu1, Array(8).fill('on')), power: { value: n, quality: 'ok' as const } });
      // A wall connecting flushed everything, routine readings too: the next routine tick is ROUTINE_MS away.
      let at = wall.got.length;
      app.store.recordPdu('pdu-1', clock.now(), { ok: true, reading: watts(1234) });
      clock.advance(TICK_MS);
      // A change of state meanwhile goes out at once, without the reading.
      const pdu2 = app.config().pdus.find((p) => p.name === 'pdu-2')!;
      app.store.recordPdu('pdu-2', clock.now(), { ok: true, reading: pduReading(topology, pdu2, ['on', 'on', 'on', 'on', 'off', 'off', 'off', 'off']) });
      await app.controller.settle();
      clock.advance(0);
      const trip = await wall.until((d) => d.nodes?.some((n) => n.name === 'db-2') ?? false, at);
      assert.ok(!trip.pdus?.some((p) => p.name === 'pdu-1'), 'the routine reading is not in the delta of the trip');
      assert.ok(trip.pdus?.some((p) => p.name === 'pdu-2'), 'the PDU that feeds the node whose power changed is');
      assert.equal(wall.state!.pdus.find((p) => p.name === 'pdu-1')!.power, 1000);

      // A wall that connects now is sent what the others were sent (the snapshot of a moment ago and the
      // deltas since); the routine tick brings both the reading, and they agree.
      const late = new Wall(app.port);
      try {
        await late.count(1);
        clock.advance(ROUTINE_MS);
        const has1234 = (x: ApiSnapshot) => x.pdus.find((p) => p.name === 'pdu-1')!.power === 1234;
        await wall.untilState(has1234, at);
        await late.untilState(has1234, 0);
        assert.deepEqual(late.state!.pdus, wall.state!.pdus);
        assert.deepEqual(late.state!.nodes, wall.state!.nodes);
        assert.equal(late.snapshots.length, 1);
      } finally {
        late.close();
      }

      // The reading waits for the routine tick, then goes.
      at = wall.got.length;
      app.store.recordPdu('pdu-1', clock.now(), { ok: true, reading: watts(1500) });
      clock.advance(TICK_MS);
      await new Promise((resolve) => setImmediate(resolve));
      assert.ok(wall.deltas.slice(at).every((d) => !d.pdus?.some((p) => p.name === 'pdu-1')), 'not within a tick');
      clock.advance(ROUTINE_MS);
      await wall.until((d) => d.pdus?.some((p) => p.name === 'pdu-1') ?? false, at);
      assert.equal(wall.state!.pdus.find((p) => p.name === 'pdu-1')!.power, 1500);
      app.store.recordPdu('pdu-2', clock.now(), { ok: true, reading: pduReading(topology, pdu2, Array(8).fill('on')) });
      allOn();
      await tick();
    } finally {
      wall.close();
    }
  });

  it('walls that connect within a second share one encoded snapshot, and are sent the deltas since', async () => {
    clock.advance(ROUTINE_MS); // no snapshot of an earlier test is reused
    const raw: Buffer[] = [];
    const first = new Wall(app.port);
    first.socket.on('snapshot', (b: Buffer) => raw.push(b));
    let second: Wall | null = null;
    let third: Wall | null = null;
    try {
      await first.count(1);
      app.controller.hold('db', 'db-1', 'out', 'shared snapshot', 'dave');
      await tick();
      await first.untilState((x) => x.pools.find((p) => p.name === 'db')!.held === 1, 1);
      second = new Wall(app.port);
      second.socket.on('snapshot', (b: Buffer) => raw.push(b));
      await second.untilState((x) => x.pools.find((p) => p.name === 'db')!.held === 1, 0);
      assert.ok(raw[1]!.equals(raw[0]!), 'the same bytes: encoded once');
      assert.ok(second.deltas.some((d) => d.pools?.some((p) => p.name === 'db')), 'the hold reached it as a delta after the shared snapshot');
      assert.deepEqual(second.state!.pools, first.state!.pools);

      clock.advance(ROUTINE_MS);
      third = new Wall(app.port);
      third.socket.on('snapshot', (b: Buffer) => raw.push(b));
      await third.count(1);
      assert.ok(!raw[2]!.equals(raw[0]!), 'a second later: a fresh snapshot');
      assert.equal(third.snapshots[0]!.pools.find((p) => p.name === 'db')!.held, 1);
    } finally {
      app.controller.release('db', 'db-1', 'done', 'dave');
      await tick();
      first.close();
      second?.close();
      third?.close();
    }
  });

  it('a wall that falls behind is skipped, then resynced with a snapshot instead of queued deltas', async () => {
    const steady = new Wall(app.port);
    // Long-polling, so a wall that stops asking leaves its packets waiting on the server.
    const slow = new Wall(app.port, {}, 'polling');
    try {
      await steady.count(1);
      await slow.count(1);
      const engine = slow.socket.io.engine as unknown as { transport: { readyState: string; pause(done: () => void): void; _poll(): void } };
      const paused = new Promise<void>((resolve) => engine.transport.pause(resolve));
      app.controller.hold('web', 'web-2', 'out', 'pause', 'carol'); // a delta answers the pending poll, so the pause completes
      await tick();
      await paused;
      const received = slow.got.length;
      for (let i = 0; i < 12; i++) {
        const at = steady.got.length;
        if (i % 2 === 0) app.controller.release('web', 'web-2', `round ${i}`, 'carol');
        else app.controller.hold('web', 'web-2', 'out', `round ${i}`, 'carol');
        await tick();
        await steady.until((d) => d.pools?.some((p) => p.name === 'web') ?? false, at);
      }
      const at = steady.got.length;
      app.controller.release('web', 'web-2', 'done', 'carol');
      await tick();
      await steady.untilState((s) => s.pools.find((p) => p.name === 'web')!.held === 0, at);

      // Polling again: what was queued arrives, then a snapshot at the current version.
      engine.transport.readyState = 'open';
      engine.transport._poll();
      await slow.count(received + 1);
      // Every queued delta arrives in the answer to that one poll (the server's buffer is empty once
      // it is sent); the feed's heartbeat then finds the wall caught up.
      await new Promise((resolve) => setImmediate(resolve));
      clock.advance(1_000);
      await slow.count(slow.got.length + 1);
      assert.ok('snapshot' in slow.got.at(-1)!, 'the wall that caught up is sent a snapshot');
      const queued = slow.got.slice(received, -1).length;
      assert.ok(queued <= 10, `no more than the backlog bound was queued for the slow wall (${queued} of 13 deltas)`);
      const fresh = slow.snapshots.at(-1)!;
      assert.ok(fresh.version! >= steady.deltas.at(-1)!.to, 'the snapshot is current');
      assert.deepEqual(fresh.pools.find((p) => p.name === 'web'), steady.pool('web'));
    } finally {
      steady.close();
      slow.close();
    }
  });

  /** What a wall shows of the site (not the time, the version or the events), and what the API says of it. */
  const shown = (s: ApiSnapshot) => ({ sites: s.sites, pdus: s.pdus, nodes: s.nodes, pools: s.pools, services: s.services });
  const api = async (path: string) => (await fetch(`${app.url}/api/${path}`)).json();

  it('a wall that holds the topology is sent the snapshot alone; put together, it is what a fresh wall sees and what the API says', async () => {
    clock.advance(ROUTINE_MS); // snapshots of their own, not one shared
    const fresh = new Wall(app.port);
    let cached: Wall | null = null;
    try {
      await fresh.count(1);
      assert.equal(fresh.topologies.length, 1, 'a wall that holds none is sent the topology');
      const sent = fresh.sent[0]!;
      assert.equal(sent.topology, fresh.topology!.version);
      assert.ok(!('sites' in sent), 'the racks are in the topology alone');
      assert.ok(sent.pdus.every((p) => !('rack' in p) && !('address' in p) && !('configured' in p) && p.outlets.every((o) => !('feeds' in o))), 'nor a PDU\'s place and cabling');
      assert.ok(sent.nodes.every((n) => !('rack' in n) && !('pools' in n) && n.psus.every((p) => !('pdu' in p))), 'nor a node\'s');
      assert.ok(sent.pools.every((p) => p.members.every((m) => !('node' in m))), 'nor a pool\'s members');
      assert.deepEqual(shown(fresh.state!), { sites: await api('sites'), pdus: await api('pdus'), nodes: await api('nodes'), pools: await api('pools'), services: await api('services') });

      clock.advance(ROUTINE_MS);
      cached = new Wall(app.port, {}, 'websocket', fresh.topology);
      await cached.count(1);
      assert.equal(cached.topologies.length, 0, 'a wall that holds the topology is not sent it');
      assert.ok(cached.sent[0]!.time > sent.time, 'a snapshot built for it');
      assert.deepEqual(shown(cached.state!), shown(fresh.state!));

      // A resync does not send it again either: the feed knows what the wall holds.
      const asked = cached.got.length;
      cached.socket.emit('resync');
      await cached.snapshotFrom(asked);
      assert.equal(cached.topologies.length, 0);
    } finally {
      fresh.close();
      cached?.close();
    }
  });

  it('a wall that holds another topology, or says a version the feed never made, is sent the current one', async () => {
    const current = new Wall(app.port);
    try {
      await current.count(1);
      for (const version of ['0123456789abcdef', 'not a version']) {
        const other = new Wall(app.port, {}, 'websocket', { ...current.topology!, pools: [], version });
        try {
          await other.count(1);
          assert.deepEqual(other.topologies, [current.topology], version);
          assert.deepEqual(shown(other.state!), shown(current.state!));
        } finally {
          other.close();
        }
      }
    } finally {
      current.close();
    }
  });

  it("a scoped wall is sent its part's topology alone, of its own version", async () => {
    const rack = new Wall(app.port, { rack: 'r2' });
    const all = new Wall(app.port);
    let again: Wall | null = null;
    try {
      await rack.count(1);
      await all.count(1);
      const t = rack.topology!;
      assert.deepEqual(t.sites.map((site) => site.rows.map((row) => row.racks.map((r) => r.name))), [[['r2']]]);
      assert.deepEqual(t.pdus.map((p) => p.name), ['pdu-2']);
      assert.deepEqual(t.pdus[0]!.cabling, [{ outlet: 1, node: 'db-1', psu: 1 }, { outlet: 5, node: 'db-2', psu: 1 }]);
      assert.deepEqual(t.nodes.map((n) => n.name), ['db-1', 'db-2']);
      assert.ok(!/pdu-1|web/.test(JSON.stringify(t)), `nothing outside the rack: ${JSON.stringify(t)}`);
      assert.notEqual(t.version, all.topology!.version);
      assert.deepEqual(rack.state!.pdus, await api('pdus?rack=r2'));
      assert.deepEqual(rack.state!.nodes, await api('nodes?rack=r2'));

      again = new Wall(app.port, { rack: 'r2' }, 'websocket', t);
      await again.count(1);
      assert.equal(again.topologies.length, 0, 'a rack wall that holds its version is not sent it');
      assert.deepEqual(shown(again.state!), shown(rack.state!));
    } finally {
      rack.close();
      all.close();
      again?.close();
    }
  });

  it('a reload keeps the version unless the topology changed; then every wall whose part changed is sent the new one with a fresh snapshot, never under deltas', async () => {
    const had = app.config().pools.some((p) => p.name === 'db-read');
    const walls = [new Wall(app.port), new Wall(app.port, { rack: 'r1' }), new Wall(app.port, { rack: 'r2' })];
    const [all, , r2] = walls as [Wall, Wall, Wall];
    let late: Wall | null = null;
    const reload = async (): Promise<number[]> => {
      const at = walls.map((w) => w.got.length);
      const result = await app.reloader.reloadNow('test');
      assert.equal(result.configError, null);
      app.poller.stop();
      await tick();
      await Promise.all(walls.map((w, i) => w.snapshotFrom(at[i]!)));
      return at;
    };
    try {
      await Promise.all(walls.map((w) => w.count(1)));
      const old = all.topology!;

      await reload();
      assert.deepEqual(walls.map((w) => w.topologies.length), [1, 1, 1], 'the same topology: not sent again');

      await writeFile(file, siteConfig(dir, port, !had));
      const at = await reload();
      assert.deepEqual(walls.map((w) => w.topologies.length), [2, 1, 2], "sent to the walls whose part changed (rack r1's did not)");
      assert.notEqual(all.topology!.version, old.version);
      const pools = had ? ['web', 'db'] : ['web', 'db', 'db-read'];
      assert.deepEqual(all.topology!.pools.map((p) => p.name), pools);
      assert.deepEqual(all.state!.pools.map((p) => p.name), pools);
      assert.deepEqual(r2.state!.nodes.find((n) => n.name === 'db-2')!.pools, had ? ['db'] : ['db', 'db-read']);
      for (const [i, w] of walls.entries()) {
        const first = w.got.findIndex((m, k) => k >= at[i]! && 'snapshot' in m);
        assert.ok(w.got.slice(at[i], first).every((m) => !JSON.stringify(m).includes('db-read')), 'no delta of the new topology before its snapshot');
      }

      late = new Wall(app.port, {}, 'websocket', old);
      await late.count(1);
      assert.equal(late.topologies.length, 1, 'a wall that holds the old version is sent the new one');
      assert.deepEqual(late.topology, all.topology);
    } finally {
      for (const w of walls) w.close();
      late?.close();
    }
  });
});
