// Servers as their own agents describe them: real Net-SNMP snmpd (HOST-RESOURCES, UCD-SNMP, IF-MIB) and the simulator.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseConfigText } from '../src/config/load-config.js';
import pino from 'pino';
import { FakeClock, systemClock } from '../src/clock.js';
import { FairLimiter } from '../src/poller/fair-limiter.js';
import { backoffDelay, deadlineFor, limitsFor, MAX_BACKOFF_MS } from '../src/poller/poll-limits.js';
import { firstPollSpread } from '../src/poller/poll-schedule.js';
import { Poller } from '../src/poller/poller.js';
import { readNode } from '../src/poller/read-node.js';
import { apcRpdu2 } from '../src/profiles/apc-rpdu2.js';
import type { Profile } from '../src/profiles/profile.js';
import { readDevice } from '../src/profiles/read-device.js';
import { servertechSentry3 } from '../src/profiles/servertech-sentry3.js';
import { Simulator } from '../src/sim/simulator.js';
import { NetSnmpClient } from '../src/snmp/snmp-client.js';
import { StateStore } from '../src/state/state-store.js';
import { waitFor } from './helpers/demo-config.js';
import { FakeSnmpClient, oidValue } from './helpers/fake-snmp.js';
import { freeUdpPort } from './helpers/ports.js';
import { startSnmpd } from './helpers/snmpd.js';

const client = (port: number, host = '127.0.0.1') => new NetSnmpClient({ host, port, credentials: { version: '2c', community: 'public' }, timeoutMs: 1_000, retries: 0 });

describe('node polling', () => {
  it('reads host uptime, load average and interfaces from Net-SNMP snmpd; an agent restart is not a reboot', async () => {
    const port = await freeUdpPort();
    const store = new StateStore();
    let snmpd = await startSnmpd(port);
    const c = client(port);
    try {
      const first = await readNode(c);
      assert.ok(first.ok, first.ok ? '' : first.error);
      assert.equal(first.value.uptimeSource, 'host');
      assert.ok(first.value.uptimeTicks! > 0);
      assert.match(first.value.sysDescr ?? '', /Linux/);
      assert.equal(typeof first.value.load1, 'number');
      assert.ok(first.value.interfaces, 'IF-MIB read');
      assert.ok(first.value.interfaces.up <= first.value.interfaces.total);
      store.recordNode('host', Date.now(), { ok: true, reading: first.value });

      await snmpd.stop();
      const down = await readNode(c);
      assert.ok(!down.ok, 'no answer while snmpd is down');
      store.recordNode('host', Date.now(), { ok: false, error: down.error });
      assert.equal(store.node('host')!.reachable, false);

      snmpd = await startSnmpd(port);
      const again = await waitFor('snmpd back', async () => { const r = await readNode(c); return r.ok && r; });
      store.recordNode('host', Date.now(), { ok: true, reading: again.value });
      assert.equal(store.node('host')!.reachable, true);
      assert.equal(store.node('host')!.lastRebootAt, null, 'host uptime kept counting: no reboot');
    } finally {
      c.close();
      await snmpd.stop();
    }
  });

  it('a simulated server that loses power comes back with its uptime restarted: a reboot', async () => {
    const port = await freeUdpPort();
    const config = parseConfigText(`sites: [{name: Lab, rows: [{name: r, racks: [r1]}]}]
pdus: [{name: p, rack: r1, address: "127.9.3.1:${port}", outlets: 4}]
nodes: [{name: n1, rack: r1, address: "127.9.4.1:${port}", psus: [{pdu: p, outlet: 1}]}]
`, 'lab.yaml');
    const sim = new Simulator(config, { driftIntervalMs: 0 });
    await sim.start();
    const c = client(port, '127.9.4.1');
    const store = new StateStore();
    try {
      await new Promise((r) => setTimeout(r, 1_100)); // let uptime pass a second
      const before = await readNode(c);
      assert.ok(before.ok);
      assert.equal(before.value.uptimeSource, 'agent');
      store.recordNode('n1', Date.now(), { ok: true, reading: before.value });
      const fault = sim.injectFault({ kind: 'node-down', node: 'n1' });
      sim.clearFault(fault.id);
      const after = await waitFor('node answers', async () => { const r = await readNode(c); return r.ok && r; });
      store.recordNode('n1', Date.now(), { ok: true, reading: after.value });
      assert.ok(after.value.uptimeTicks! < before.value.uptimeTicks!);
      assert.notEqual(store.node('n1')!.lastRebootAt, null);
    } finally {
      c.close();
      await sim.stop();
    }
  });
});

describe('fair polling slots', () => {
  const gate = () => {
    let open!: () => void;
    const opened = new Promise<void>((r) => { open = r; });
    return { open, opened };
  };

  it('a trap confirmation starts at once while routine polls hold every slot, and goes ahead of waiting ones', async () => {
    const limiter = new FairLimiter(1);
    const order: string[] = [];
    const hold = gate();
    const first = limiter.run('routine', false, async () => { order.push('routine-1'); await hold.opened; });
    const second = limiter.run('routine', false, async () => { order.push('routine-2'); });
    const confirm = limiter.run('confirm', false, async () => { order.push('confirm'); });
    await confirm;
    assert.deepEqual(order, ['routine-1', 'confirm'], 'the confirmation did not wait for the routine poll');
    hold.open();
    await Promise.all([first, second]);
    assert.deepEqual(order, ['routine-1', 'confirm', 'routine-2']);
  });

  it('slow devices hold at most a quarter of the slots; the others pass them', async () => {
    const limiter = new FairLimiter(4);
    const hold = gate();
    const started: string[] = [];
    const runs = [
      limiter.run('routine', true, async () => { started.push('slow-1'); await hold.opened; }),
      limiter.run('routine', true, async () => { started.push('slow-2'); await hold.opened; }),
      limiter.run('routine', false, async () => { started.push('fast'); }),
    ];
    await runs[2];
    assert.deepEqual(started, ['slow-1', 'fast'], 'the second slow device waits; the fast one does not');
    assert.equal(limiter.active().slow, 1);
    hold.open();
    await Promise.all(runs);
    assert.deepEqual(started, ['slow-1', 'fast', 'slow-2']);
  });

  it('a released slot (a poll past its deadline) is free at once', async () => {
    const limiter = new FairLimiter(1);
    const hold = gate();
    let second = false;
    const first = limiter.run('routine', false, async (release) => { release(); await hold.opened; });
    await limiter.run('routine', false, async () => { second = true; });
    assert.ok(second);
    hold.open();
    await first;
    assert.deepEqual(limiter.active(), { routine: 0, confirm: 0, slow: 0 });
  });
});

describe('poll bounds', () => {
  it('a deadline is the interval, or a few requests with every retry when longer', () => {
    assert.equal(deadlineFor(null, 2_000, 1, 30_000), 30_000, 'the interval');
    assert.equal(deadlineFor(null, 2_000, 1, 1_000), 16_000, 'never shorter than a few requests that each use every retry');
    assert.equal(deadlineFor(5_000, 2_000, 1, 30_000), 5_000, 'as configured');
  });
  it('backoff doubles per strike up to five minutes', () => {
    assert.deepEqual([0, 1, 2, 3].map((n) => backoffDelay(30_000, n)), [30_000, 60_000, 120_000, 240_000]);
    assert.equal(backoffDelay(30_000, 10), MAX_BACKOFF_MS);
  });
  it('rows per table follow the configured size, within the global cap', () => {
    const l = limitsFor({ outlets: 24, banks: 2, phases: 3 }, { pollDeadline: null, maxRowsPerTable: 300, maxValueBytes: 512 });
    assert.deepEqual(l.maxRows, { outlets: 300, banks: 64, phases: 64 });
    assert.equal(limitsFor({ outlets: 8, banks: 1, phases: 1 }, { pollDeadline: null, maxRowsPerTable: 1_000, maxValueBytes: 512 }).maxRows.outlets, 128);
    assert.equal(l.maxRowsDefault, 300);
    assert.equal(l.maxValueBytes, 512);
    assert.deepEqual(l.expectedRows, { outlets: 24, banks: 2, phases: 3 });
    assert.equal(limitsFor(null, { pollDeadline: null, maxRowsPerTable: 300, maxValueBytes: 512 }).expectedRows, undefined);
  });
  it('a column is walked in GETBULKs sized from the configured rows (one more to see its end), within 50 and the profile quirk', async () => {
    const asked = async (profile: Profile, withLimits: boolean) => {
      const client = new FakeSnmpClient({});
      const repetitions = new Map<string, number | undefined>();
      const subtree = client.subtree.bind(client);
      Object.assign(client, { subtree: (oid: string, o: { maxRepetitions?: number } = {}) => { repetitions.set(oid, o.maxRepetitions); return subtree(oid); } });
      const limits = limitsFor({ outlets: 48, banks: 2, phases: 1 }, { pollDeadline: null, maxRowsPerTable: 1_000, maxValueBytes: 512 });
      await readDevice(client, profile, withLimits ? { limits } : {});
      return repetitions;
    };
    const apc = await asked(apcRpdu2, true);
    assert.equal(apc.get('1.3.6.1.4.1.318.1.1.26.9.2.3.1.3'), 49, 'outlet status: 48 rows and the end');
    assert.equal(apc.get('1.3.6.1.4.1.318.1.1.26.8.3.1.4'), 3, 'bank status: 2 rows and the end');
    assert.equal(apc.get('1.3.6.1.4.1.318.1.1.26.6.3.1.4'), 2, 'phase status: 1 row and the end');
    assert.equal(apc.get('1.3.6.1.4.1.318.1.1.12.2.3.1.1.2'), 3, 'rPDULoadStatus, one table for banks and phases: the larger of the two and the end');
    const big = limitsFor({ outlets: 96, banks: 2, phases: 3 }, { pollDeadline: null, maxRowsPerTable: 1_000, maxValueBytes: 512 });
    const capped = new Map<string, number | undefined>();
    const c = new FakeSnmpClient({});
    const sub = c.subtree.bind(c);
    Object.assign(c, { subtree: (oid: string, o: { maxRepetitions?: number } = {}) => { capped.set(oid, o.maxRepetitions); return sub(oid); } });
    await readDevice(c, apcRpdu2, { limits: big });
    assert.equal(capped.get('1.3.6.1.4.1.318.1.1.26.9.2.3.1.3'), 50, 'at most 50 rows a request');
    assert.ok([...(await asked(servertechSentry3, true)).values()].every((n) => n !== undefined && n <= 4), 'the Sentry3 quirk (4) still caps');
    assert.ok([...(await asked(apcRpdu2, false)).values()].every((n) => n === undefined), 'no configured size: the client default');
  });
});

describe('Poller.configure', () => {
  it('new SNMP settings reach every device at its next poll, with a new session', async () => {
    const made: { name: string; timeoutMs: number; retries: number }[] = [];
    const store = new StateStore();
    const poller = new Poller({
      store, clock: systemClock, log: pino({ level: 'silent' }), timeoutMs: 2_000, retries: 1, concurrency: 4,
      connect: (target, timeoutMs, retries) => {
        made.push({ name: target.name, timeoutMs, retries });
        return new FakeSnmpClient({ '1.3.6.1.2.1.1.3.0': 100, '1.3.6.1.2.1.1.1.0': 'Linux' });
      },
    });
    const target = (name: string) => ({ kind: 'node' as const, name, address: `127.0.0.1:${1000 + made.length}`, credentials: { version: '2c' as const, community: 'public' }, intervalMs: 1_000 });
    poller.setTargets([target('a'), target('b')]);
    await Promise.all([poller.pollNow('node', 'a'), poller.pollNow('node', 'b')]);
    assert.deepEqual(made.map((m) => m.timeoutMs), [2_000, 2_000]);
    poller.configure({ timeoutMs: 500, retries: 3, concurrency: 2 });
    await Promise.all([poller.pollNow('node', 'a'), poller.pollNow('node', 'b')]);
    assert.deepEqual(made.slice(2), [{ name: 'a', timeoutMs: 500, retries: 3 }, { name: 'b', timeoutMs: 500, retries: 3 }]);
    await poller.pollNow('node', 'a');
    assert.equal(made.length, 4, 'the new session is kept');
    assert.equal(store.node('a')?.reachable, true);
    poller.stop();
  });
});

describe('Poller.stop', () => {
  it('polls still waiting for a slot open no session once the poller stops', async () => {
    const made: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((r) => { release = r; });
    const poller = new Poller({
      store: new StateStore(), clock: systemClock, log: pino({ level: 'silent' }), timeoutMs: 2_000, retries: 0, concurrency: 1,
      connect: (target) => {
        made.push(target.name);
        // Every device answers only when told: the ones polling hold every slot while the others wait.
        const fake = new FakeSnmpClient({ '1.3.6.1.2.1.1.3.0': 100 });
        return Object.assign(fake, { get: async (oids: string[]) => { await held; return FakeSnmpClient.prototype.get.call(fake, oids); } });
      },
    });
    const names = Array.from({ length: 8 }, (_, i) => `n${i}`);
    poller.setTargets(names.map((name) => ({ kind: 'node' as const, name, address: '127.0.0.1:1161', credentials: { version: '2c' as const, community: 'public' }, intervalMs: 60_000 })));
    const polls = names.map((n) => poller.pollNow('node', n));
    await waitFor('the slots taken', async () => made.length > 0);
    const polling = made.length;
    assert.ok(polling < names.length, 'some polls wait for a slot');
    poller.stop();
    release();
    await Promise.all(polls);
    assert.equal(made.length, polling, 'no waiting poll opened a session after the stop');
  });
});

describe('first polls', () => {
  it('are spread evenly over 10 ms per device (at least 1 s, at most the interval), then keep their phase', async () => {
    const clock = new FakeClock();
    const t0 = clock.now();
    const started: { name: string; at: number }[] = [];
    const poller = new Poller({
      store: new StateStore(), clock, log: pino({ level: 'silent' }), timeoutMs: 1_000, retries: 0, concurrency: 1_000,
      connect: (target) => {
        const fake = new FakeSnmpClient({ '1.3.6.1.2.1.1.3.0': 100 });
        return Object.assign(fake, { get: async (oids: string[]) => { started.push({ name: target.name, at: clock.now() - t0 }); return FakeSnmpClient.prototype.get.call(fake, oids); } });
      },
    });
    const names = Array.from({ length: 400 }, (_, i) => `n${i}`);
    poller.setTargets(names.map((name) => ({ kind: 'node' as const, name, address: '127.0.0.1:1161', credentials: { version: '2c' as const, community: 'public' }, intervalMs: 30_000 })));
    assert.equal(firstPollSpread(30_000, 400), 4_000);
    assert.equal(firstPollSpread(30_000, 10), 1_000, 'at least a second');
    assert.equal(firstPollSpread(30_000, 11_000), 30_000, 'at most the interval');
    poller.start();
    for (let ms = 0; ms < 4_000; ms += 10) {
      clock.advance(10);
      await new Promise((resolve) => setImmediate(resolve));
    }
    const first = new Map<string, number>();
    for (const s of started) if (!first.has(s.name)) first.set(s.name, s.at);
    assert.equal(first.size, 400, 'every device polled within the spread');
    // No burst: at most 2 first polls in any 10 ms, and every second of the spread has about a quarter of them.
    const perSlot = new Map<number, number>();
    for (const at of first.values()) perSlot.set(Math.floor(at / 10), (perSlot.get(Math.floor(at / 10)) ?? 0) + 1);
    assert.ok(Math.max(...perSlot.values()) <= 2, `at most 2 per 10 ms, got ${Math.max(...perSlot.values())}`);
    for (let s = 0; s < 4; s++) {
      const n = [...first.values()].filter((at) => at >= s * 1_000 && at < (s + 1) * 1_000).length;
      assert.ok(n >= 95 && n <= 105, `second ${s}: ${n} first polls`);
    }
    poller.stop();
  });
});

describe('steady polls', () => {
  it('fall evenly over the interval per kind: PDUs and servers each spread, none bunched, every device a whole interval apart', async () => {
    const clock = new FakeClock();
    const t0 = clock.now();
    const started = new Map<string, number[]>();
    const poller = new Poller({
      store: new StateStore(), clock, log: pino({ level: 'silent' }), timeoutMs: 1_000, retries: 0, concurrency: 10_000,
      connect: (target) => {
        const fake = new FakeSnmpClient({ '1.3.6.1.2.1.1.3.0': 100 });
        return Object.assign(fake, { get: async (oids: string[]) => { (started.get(target.name) ?? started.set(target.name, []).get(target.name)!).push(clock.now() - t0); return FakeSnmpClient.prototype.get.call(fake, oids); } });
      },
    });
    const device = (name: string, intervalMs: number) => ({ kind: 'node' as const, name, address: '127.0.0.1:1161', credentials: { version: '2c' as const, community: 'public' }, intervalMs });
    // Listed first, as a config lists its PDUs first: 100 devices every 30 s, then 400 every 60 s.
    const fast = Array.from({ length: 100 }, (_, i) => `f${i}`);
    const slow = Array.from({ length: 400 }, (_, i) => `s${i}`);
    poller.setTargets([...fast.map((n) => device(n, 30_000)), ...slow.map((n) => device(n, 60_000))]);
    poller.start();
    for (let ms = 0; ms < 185_000; ms += 50) {
      clock.advance(50);
      await new Promise((resolve) => setImmediate(resolve));
    }
    const perSecond = (names: string[], from: number, to: number) => {
      const buckets = new Array<number>((to - from) / 1_000).fill(0);
      for (const n of names) for (const at of started.get(n) ?? []) if (at >= from && at < to) buckets[Math.floor((at - from) / 1_000)]!++;
      return buckets;
    };
    // In steady state (after the first minute), every second has its share: 100/30 and 400/60 polls.
    const fastSeconds = perSecond(fast, 60_000, 120_000);
    assert.equal(fastSeconds.reduce((a, b) => a + b), 200, 'each 30 s device twice a minute');
    assert.ok(Math.max(...fastSeconds) <= 5 && Math.min(...fastSeconds) >= 2, `30 s devices per second: ${fastSeconds.join(' ')}`);
    const slowSeconds = perSecond(slow, 60_000, 120_000);
    assert.equal(slowSeconds.reduce((a, b) => a + b), 400, 'each 60 s device once a minute');
    assert.ok(Math.max(...slowSeconds) <= 8 && Math.min(...slowSeconds) >= 5, `60 s devices per second: ${slowSeconds.join(' ')}`);
    for (const [names, interval] of [[fast, 30_000], [slow, 60_000]] as const) {
      for (const n of names) {
        const polls = started.get(n)!;
        for (let i = 2; i < polls.length; i++) assert.ok(Math.abs(polls[i]! - polls[i - 1]! - interval) <= 50, `${n}: ${polls.join(', ')}`);
      }
    }
    await poller.stop();
  });
});

describe('poll load', () => {
  it('reports due → recorded per kind, waiting for a slot included, against the interval', async () => {
    const clock = new FakeClock();
    let answer!: () => void;
    const poller = new Poller({
      store: new StateStore(), clock, log: pino({ level: 'silent' }), timeoutMs: 60_000, retries: 0, concurrency: 1,
      connect: () => {
        const fake = new FakeSnmpClient({ '1.3.6.1.2.1.1.3.0': 100 });
        // Each device answers when told: one holds the only slot while the other waits.
        return Object.assign(fake, { get: async (oids: string[]) => { await new Promise<void>((r) => { answer = r; }); return FakeSnmpClient.prototype.get.call(fake, oids); } });
      },
    });
    const idle = poller.load();
    assert.deepEqual([idle.node.polls, idle.node.p99Ms, idle.running, idle.waiting], [0, null, 0, 0]);
    poller.setTargets(['a', 'b'].map((name) => ({ kind: 'node' as const, name, address: '127.0.0.1:1161', credentials: { version: '2c' as const, community: 'public' }, intervalMs: 10_000 })));
    poller.start(); // first polls at 0 and 500 ms (two devices spread over one second)
    const settle = () => new Promise((resolve) => setImmediate(resolve));
    clock.advance(500);
    await settle();
    assert.deepEqual([poller.load().running, poller.load().waiting, poller.load().devices], [1, 1, 2], 'a polls, b waits for the slot');
    clock.advance(1_500); // a answers 2 s after it was due
    answer();
    await settle();
    await settle();
    clock.advance(3_000); // b got the slot at 2 s and answers 5 s after it was due
    answer();
    await settle();
    await settle();
    const load = poller.load();
    assert.equal(load.node.polls, 2);
    assert.deepEqual([load.node.p50Ms, load.node.p99Ms, load.node.maxMs], [2_000, 4_500, 4_500]);
    assert.equal(load.node.p99OfInterval, 0.45, 'the slowest took 45% of its 10 s interval');
    assert.equal(load.pdu.polls, 0);
    poller.stop();
  });
});

describe('a PDU no profile claims', () => {
  it('is read by its system group, detected again every 10 polls, and read by its family once it has one', async () => {
    const system = { '1.3.6.1.2.1.1.1.0': 'Acme SmartStrip', '1.3.6.1.2.1.1.2.0': oidValue('1.3.6.1.4.1.99999.7.1'), '1.3.6.1.2.1.1.3.0': 360_000 };
    const unmatched = new FakeSnmpClient(system);
    // after a firmware upgrade, the same address serves an APC rPDU2 outlet table
    const upgraded = new FakeSnmpClient({ ...system, '1.3.6.1.4.1.318.1.1.26.2.1.8.1': 'AP8941', '1.3.6.1.4.1.318.1.1.26.9.2.3.1.5.1': 2 });
    let device = unmatched;
    const store = new StateStore();
    const poller = new Poller({ store, clock: systemClock, log: pino({ level: 'silent' }), timeoutMs: 1_000, retries: 0, concurrency: 1, connect: () => ({
      get: (o) => device.get(o), getNext: (o) => device.getNext(o), subtree: (o, x) => device.subtree(o), close() {},
    }) });
    poller.setTargets([{ kind: 'pdu', name: 'strip', address: '127.0.0.1:1161', credentials: { version: '2c', community: 'public' }, intervalMs: 60_000 }]);
    const detections = () => unmatched.requests.filter((r) => r.op === 'getNext').length;
    await poller.pollNow('pdu', 'strip');
    const facts = store.pdu('strip')!;
    assert.deepEqual([facts.reachable, facts.error, facts.reading?.profile, facts.reading?.kind], [true, null, 'system', 'unknown']);
    assert.deepEqual([facts.reading?.identity.vendor, facts.reading?.identity.model, facts.reading?.sysObjectId, facts.reading?.upTime.value],
      ['enterprise 99999', 'Acme SmartStrip', '1.3.6.1.4.1.99999.7.1', 3_600]);
    const probed = detections();
    assert.ok(probed > 0, 'the families were probed');
    for (let i = 1; i < 10; i++) await poller.pollNow('pdu', 'strip');
    assert.equal(detections(), probed, 'not probed again on every poll');
    device = upgraded;
    await poller.pollNow('pdu', 'strip');
    assert.equal(store.pdu('strip')?.reading?.profile, 'apc-rpdu2', 'ten polls after the last detection, it detects again and finds the family');
    poller.stop();
  });
});
