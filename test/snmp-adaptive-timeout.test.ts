// Per-device adaptive timeouts: the estimator (pure), then a real snmpd behind a relay that turns slow.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { RoundTrips } from '../src/snmp/adaptive-timeout.js';
import { NetSnmpClient } from '../src/snmp/snmp-client.js';
import { freeUdpPort } from './helpers/ports.js';
import { startSnmpRelay, type SnmpRelay } from './helpers/snmp-relay.js';
import { startSnmpd, type Snmpd } from './helpers/snmpd.js';

/** The attempts' timeouts in order, as net-snmp applies them (each retry multiplies by the backoff). */
const schedule = (a: { timeoutMs: number; backoff: number }, retries: number) => Array.from({ length: retries + 1 }, (_, i) => a.timeoutMs * a.backoff ** i);
const near = (a: number, b: number) => Math.abs(a - b) < 1e-6;

describe('adaptive timeouts: the estimator', () => {
  it('waits the configured timeout until it has three answers, and always without a retry', () => {
    const rt = new RoundTrips();
    assert.deepEqual(rt.timeouts(2_000, 1), { timeoutMs: 2_000, backoff: 1 });
    rt.add(5);
    rt.add(5);
    assert.deepEqual(rt.timeouts(2_000, 1), { timeoutMs: 2_000, backoff: 1 });
    rt.add(5);
    assert.ok(rt.timeouts(2_000, 1).timeoutMs < 2_000);
    assert.deepEqual(rt.timeouts(2_000, 0), { timeoutMs: 2_000, backoff: 1 }, 'the only attempt is the last');
  });

  it('a fast device: the first attempt waits the floor; the last always the configured timeout', () => {
    const rt = new RoundTrips();
    for (let i = 0; i < 10; i++) rt.add(4);
    const one = rt.timeouts(2_000, 1);
    assert.equal(one.timeoutMs, 1_000, 'never below half the configured timeout');
    assert.ok(near(schedule(one, 1).at(-1)!, 2_000));
    const two = schedule(rt.timeouts(2_000, 2), 2);
    assert.ok(near(two[0]!, 1_000) && two[1]! > 1_000 && two[1]! < 2_000 && near(two[2]!, 2_000), `${two}`);
    assert.equal(rt.timeouts(400, 1).timeoutMs, 250, 'nor below 250 ms');
    const total = schedule(rt.timeouts(2_000, 2), 2).reduce((a, b) => a + b, 0);
    assert.ok(total < 3 * 2_000, 'a dead device costs less than before');
  });

  it('follows a slower or noisier device up, never past the configured timeout, and ignores nonsense', () => {
    const rt = new RoundTrips();
    for (let i = 0; i < 5; i++) rt.add(4);
    const fast = rt.timeouts(2_000, 1).timeoutMs;
    for (const ms of [600, 20, 900, 40, 800]) rt.add(ms);
    const noisy = rt.timeouts(2_000, 1).timeoutMs;
    assert.ok(noisy > fast, `${noisy} > ${fast}`);
    for (let i = 0; i < 20; i++) rt.add(5_000);
    assert.deepEqual(rt.timeouts(2_000, 1), { timeoutMs: 2_000, backoff: 1 });
    const before = rt.timeouts(2_000, 1);
    rt.add(Number.NaN);
    rt.add(-1);
    assert.deepEqual(rt.timeouts(2_000, 1), before);
  });
});

describe('adaptive timeouts: a real agent that turns slow (snmpd behind a relay)', { timeout: 60_000 }, () => {
  let snmpd: Snmpd;
  let relay: SnmpRelay;
  before(async () => {
    snmpd = await startSnmpd(await freeUdpPort());
    relay = await startSnmpRelay(snmpd.port);
  });
  after(async () => {
    await relay?.close();
    await snmpd?.stop();
  });

  it('sends again sooner once the device has answered fast, and still takes the slow answer within the configured timeout', async () => {
    const client = new NetSnmpClient({ host: '127.0.0.1', port: relay.port, credentials: { version: '2c', community: 'public' }, timeoutMs: 1_000, retries: 1 });
    try {
      for (let i = 0; i < 5; i++) assert.ok((await client.get(['1.3.6.1.2.1.1.5.0'])).ok);
      assert.equal(client.attempts.timeoutMs, 500, 'a fast device: its first attempt waits half the configured timeout');
      // Now it answers in 700 ms: past its adaptive timeout, within the configured one.
      relay.delayMs = 700;
      const sent = relay.requests.length;
      const slow = await client.get(['1.3.6.1.2.1.1.5.0']);
      assert.ok(slow.ok, 'the slow answer is taken, as it would be with the configured timeout');
      assert.equal(relay.requests.length - sent, 2, 'the request was sent again after 500 ms');
      assert.ok(client.attempts.timeoutMs > 500, 'and the device is now waited on longer');
    } finally {
      relay.delayMs = 0;
      client.close();
    }
  });
});
