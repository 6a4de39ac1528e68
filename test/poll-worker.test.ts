// Routine polls run in a worker thread (src/poller/poll-worker.ts): what comes back is what the
// same poll reads on the main thread, the device's answers are counted where the poller decides
// (shared memory), and a worker that dies takes no poll down with it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { systemClock } from '../src/clock.js';
import { profileByName } from '../src/profiles/index.js';
import { readOutletStates } from '../src/profiles/read-outlet-states.js';
import { Poller, type PollTarget } from '../src/poller/poller.js';
import { PollWorker, workerHeapMb } from '../src/poller/worker-io.js';
import { StateStore } from '../src/state/state-store.js';
import { waitFor } from './helpers/demo-config.js';
import { startSnmpsim, type Snmpsim } from './helpers/snmpsim.js';

const log = pino({ level: 'silent' });

describe('the poll worker', { timeout: 60_000 }, () => {
  let sim: Snmpsim;
  before(async () => { sim = await startSnmpsim(); });
  after(async () => { await sim?.stop(); });

  const target = (name: string, community: string): PollTarget => ({
    kind: 'pdu', name, address: `127.0.0.1:${sim.port}`, credentials: { version: '2c', community }, intervalMs: 60_000, profile: 'auto',
  });

  it('reads a PDU exactly as the main thread does, profile detection included', async () => {
    const stores = [new StateStore(), new StateStore()];
    const pollers = [
      new Poller({ store: stores[0]!, clock: systemClock, log, timeoutMs: 3_000, retries: 1, concurrency: 4 }),
      new Poller({ store: stores[1]!, clock: systemClock, log, timeoutMs: 3_000, retries: 1, concurrency: 4, worker: false }),
    ];
    try {
      for (const p of pollers) {
        p.setTargets([target('apc', 'apc_ap7900b')]);
        await p.pollNow('pdu', 'apc');
      }
      const [inWorker, onThread] = stores.map((s) => s.pdu('apc')?.reading);
      assert.ok(inWorker && inWorker.outlets.length === 8, 'the worker read the AP7900B and its 8 outlets');
      assert.deepEqual(inWorker, onThread);
    } finally {
      await Promise.all(pollers.map((p) => p.stop()));
    }
  });

  it('counts the answers in shared memory, and a dead worker fails its reads as cancelled, then is replaced', async () => {
    const worker = new PollWorker(log, { heapMb: () => workerHeapMb(40_000), statsMs: 50, cooldownMs: 0 });
    try {
      const io = worker.open({ host: '127.0.0.1', port: sim.port, credentials: { version: '2c', community: 'apc_ap7900b' }, timeoutMs: 3_000, retries: 0 });
      const profile = profileByName('apc-rpdu2')!;
      assert.equal(io.received, 0);
      const first = await io.readPdu(profile, {});
      assert.ok(first.ok, 'read in the worker');
      const received = io.received!;
      assert.ok(received > 0, 'the answers are counted where the poller reads them');
      assert.ok(io.latencyMs! > 0);
      // Bounded: V8 grows an unbounded heap to about four times what it holds.
      assert.equal(worker.threadForTests()!.resourceLimits?.maxOldGenerationSizeMb, 625, '16 KB a device for 40,000 devices');
      assert.equal(workerHeapMb(1_000), 256, 'never below the floor');
      // It reports its own cost: heap against its bound, and how late its event loop runs.
      const reported = await waitFor('the worker to report', async () => worker.load(), 10_000, 20);
      assert.ok(reported.heapUsedBytes > 0 && reported.heapLimitBytes >= 625 * 2 ** 20, `heap ${reported.heapUsedBytes} of ${reported.heapLimitBytes}`);
      assert.ok(reported.eventLoopLagMs.max >= reported.eventLoopLagMs.p99 && reported.eventLoopLagMs.p99 >= 0);
      assert.equal(reported.starts, 1);

      const inFlight = io.readPdu(profile, {});
      await worker.threadForTests()!.terminate();
      const cut = await inFlight;
      assert.equal(cut.ok, false);
      assert.equal(!cut.ok && cut.kind, 'cancelled', 'the read held by the dead worker fails as cancelled');

      const again = await io.readPdu(profile, {});
      assert.ok(again.ok, 'the session was opened again in a new worker');
      assert.equal(worker.load()?.starts, 2, 'the replacement is counted');
      assert.deepEqual(again.value.outlets.map((o) => o.index), first.ok ? first.value.outlets.map((o) => o.index) : []);

      // A trap's quick read: the outlets' states in one GET, as the main thread reads them.
      const states = await io.readOutletStates(profile, [1, 2]);
      assert.ok(states instanceof Map && states.size === 2, 'two outlet states through the worker');
      assert.deepEqual(states, await readOutletStates(sim.client('apc_ap7900b'), profile, [1, 2]));

      io.close();
      const closed = await io.readPdu(profile, {});
      assert.equal(!closed.ok && closed.kind, 'cancelled', 'a closed session reads nothing');
      assert.equal(await io.readOutletStates(profile, [1]), null, 'an outlet-state read that cannot be done says so as null: read the tables instead');
    } finally {
      await worker.stop();
    }
  });

  it('stopping lets the worker close its sockets and end by itself (terminating a thread mid-receive can abort the process)', async () => {
    const worker = new PollWorker(log, { statsMs: 50 });
    const io = worker.open({ host: '127.0.0.1', port: sim.port, credentials: { version: '2c', community: 'apc_ap7900b' }, timeoutMs: 3_000, retries: 0 });
    assert.ok((await io.readPdu(profileByName('apc-rpdu2')!, {})).ok);
    const thread = worker.threadForTests()!;
    const exitCode = new Promise<number>((resolve) => thread.once('exit', resolve));
    void io.readPdu(profileByName('apc-rpdu2')!, {}); // a read still out when it stops
    await worker.stop();
    assert.equal(await exitCode, 0, 'it ended by itself; a terminated worker exits with 1');
  });

  it('a worker that dies soon after starting is replaced only after a cooldown, its reads failing at once meanwhile', async () => {
    const worker = new PollWorker(log, { cooldownMs: 5_000, statsMs: 50 });
    try {
      const io = worker.open({ host: '127.0.0.1', port: sim.port, credentials: { version: '2c', community: 'apc_ap7900b' }, timeoutMs: 3_000, retries: 0 });
      const profile = profileByName('apc-rpdu2')!;
      assert.ok((await io.readPdu(profile, {})).ok);
      await worker.threadForTests()!.terminate(); // well within 5 s of its start: a worker that keeps dying
      const during = await io.readPdu(profile, {});
      assert.equal(!during.ok && during.kind, 'cancelled', 'no new worker during the cooldown');
      assert.equal(worker.threadForTests(), null, 'none started for the read');
      await waitFor('a new worker after the cooldown', async () => (await io.readPdu(profile, {})).ok, 20_000, 250);
      assert.equal((await waitFor('a report', async () => worker.load(), 10_000, 20)).starts, 2, 'one worker started after the cooldown, not one per read');
    } finally {
      await worker.stop();
    }
  });
});
