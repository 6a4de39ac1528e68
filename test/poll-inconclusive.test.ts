// A silent device's poll ends at its first request's timeouts. A poll that took far longer was timed
// by Breakerbox's own late timers (a starved CPU, a blocked thread): it proves nothing about the
// device, so nothing is recorded (its facts age into unknown, never "down") and health says why.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pino from 'pino';
import { FakeClock } from '../src/clock.js';
import { Poller } from '../src/poller/poller.js';
import type { SnmpResult } from '../src/snmp/snmp-client.js';
import { StateStore } from '../src/state/state-store.js';
import { FakeSnmpClient } from './helpers/fake-snmp.js';

describe('a silent poll timed by a starved Breakerbox', () => {
  it('silent for its timeouts: unreachable; silent for far longer: nothing recorded, and health says why for a minute', async () => {
    const clock = new FakeClock();
    const store = new StateStore();
    let took = 1_000;
    // The poll's requests go out together and time out together: the clock moves once.
    const timedOut: SnmpResult<never> = { ok: false, error: 'request timed out', kind: 'timeout' };
    const silent = async (): Promise<SnmpResult<never>> => timedOut;
    const slowest = async (): Promise<SnmpResult<never>> => {
      clock.advance(took);
      return timedOut;
    };
    const poller = new Poller({
      store, clock, log: pino({ level: 'silent' }), timeoutMs: 1_000, retries: 0, concurrency: 1,
      connect: () => Object.assign(new FakeSnmpClient({}), { get: slowest, getNext: silent, subtree: silent }),
    });
    poller.setTargets([{ kind: 'node', name: 'n1', address: '127.0.0.1:1161', credentials: { version: '2c', community: 'public' }, intervalMs: 60_000 }]);

    await poller.pollNow('node', 'n1');
    const first = store.node('n1')!;
    assert.equal(first.reachable, false, 'silent for its timeout: unreachable');
    assert.equal(poller.overloaded(clock.now()), null);

    // At the bound (twice its timeouts and a second) it still counts; past it, not.
    took = 3_000;
    await poller.pollNow('node', 'n1');
    const second = store.node('n1')!;
    assert.ok(second.lastPollAt! > first.lastPollAt!, 'recorded');
    took = 3_001;
    await poller.pollNow('node', 'n1');
    assert.equal(store.node('n1')!.lastPollAt, second.lastPollAt, 'nothing recorded');
    assert.deepEqual(poller.overloaded(clock.now()), { count: 1, since: clock.now() });
    clock.advance(60_000);
    assert.equal(poller.overloaded(clock.now()), null, 'a minute after the last, health is clear');
    await poller.stop();
  });
});
