// One hostile or broken agent must not take the monitor down: the real app polls a healthy recorded
// PDU next to an endless table of big strings, agents answering just under the timeout, a malformed
// varbind in every answer and another community (all real net-snmp agents, in a child process).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ApiEvent, ApiNode, ApiPdu, ApiPool } from '../src/http/api-types.js';
import { waitFor } from './helpers/demo-config.js';
import { SECRETS, SLOW_AGENTS, startHostileScenario, type Scenario } from './helpers/hostile-agent-scenario.js';

const get = async <T>(url: string): Promise<T> => (await fetch(url)).json() as Promise<T>;

describe('a hostile agent in the fleet', { timeout: 240_000 }, () => {
  let s: Scenario;
  before(async () => { s = await startHostileScenario(); });
  after(async () => { await s?.stop(); });

  it('the healthy PDU keeps being polled and its nodes stay in; the hostile one is misbehaving, never dark; state stays small', async () => {
    const url = s.app.url;
    const goodPolls = new Set<number>();
    let firstOk = false;
    const sizes: number[] = [];
    // Sample the API while the hostile agents do their worst, until the healthy PDU has been read six times.
    await waitFor('six polls of the healthy PDU, the hostile one marked', async () => {
      const pdus = await get<ApiPdu[]>(`${url}/api/pdus`);
      const good = pdus.find((p) => p.name === 'good')!;
      if (good.reachable) firstOk = true;
      if (firstOk) assert.equal(good.reachable, true, `the healthy PDU went ${good.reachable} (${good.error}) next to the hostile agents`);
      if (good.lastOkAt !== null) goodPolls.add(good.lastOkAt);
      sizes.push(JSON.stringify(await get<unknown>(`${url}/api/snapshot`)).length);
      return goodPolls.size >= 6 && pdus.find((p) => p.name === 'endless')?.misbehaving;
    }, 90_000, 250);

    const pdus = new Map((await get<ApiPdu[]>(`${url}/api/pdus`)).map((p) => [p.name, p]));
    const endless = pdus.get('endless')!;
    assert.ok(endless.misbehaving, 'the endless table is marked misbehaving');
    assert.match(endless.misbehaving.reason, /longer than \d+ bytes|more than \d+ rows|deadline/);
    assert.notEqual(endless.reachable, false, 'misbehaving is not unreachable');
    assert.equal(endless.dark, false);
    assert.equal(s.app.store.pdu('endless')?.reading ?? null, null, 'nothing the endless agent sent was kept');
    const manyRows = await waitFor('the table past its row cap marked', async () => (await get<ApiPdu[]>(`${url}/api/pdus`)).find((p) => p.name === 'many-rows')?.misbehaving, 60_000);
    assert.match(manyRows.reason, /more than 128 rows/);

    const events = await get<ApiEvent[]>(`${url}/api/events`);
    const marked = events.filter((e) => e.type === 'device-misbehaving' && e.subject === 'endless');
    assert.equal(marked.length, 1, 'one event, not one per poll');
    assert.equal(marked[0]!.count ?? 1, 1);

    const malformed = pdus.get('malformed')!;
    assert.equal(malformed.reachable, true, `a malformed varbind is not silence (${malformed.error})`);
    assert.equal(malformed.dark, false);
    assert.ok(malformed.outlets.some((o) => o.state === 'on'), 'the rest of its answer is read');

    const mismatch = pdus.get('mismatch')!;
    assert.equal(mismatch.error, 'community rejected or mismatched');
    assert.ok(!JSON.stringify([...pdus.values()]).includes(SECRETS.mismatch));

    for (let i = 1; i <= SLOW_AGENTS; i++) assert.equal(pdus.get(`slow-${i}`)!.dark, false, `slow-${i} is never dark`);

    // Nodes: the healthy PDU's are powered and in; the hostile PDUs' are unknown or normal, never lost, never drained.
    const nodes = new Map((await get<ApiNode[]>(`${url}/api/nodes`)).map((n) => [n.name, n]));
    assert.equal(nodes.get('n-good-1')!.power, 'normal');
    assert.equal(nodes.get('n-good-2')!.power, 'normal');
    assert.notEqual(nodes.get('n-endless')!.power, 'lost');
    assert.notEqual(nodes.get('n-malformed')!.power, 'lost');
    const pools = await get<ApiPool[]>(`${url}/api/pools`);
    for (const m of pools.find((p) => p.name === 'scanners')!.members) assert.equal(m.state, 'active', `${m.node} stays in`);
    assert.ok(!events.some((e) => e.type === 'drain'), 'nothing drained');

    // Bounded: the snapshot never grew past what 13 small PDUs take, and did not grow while the agent kept sending.
    assert.ok(Math.max(...sizes) < 200_000, `snapshot up to ${Math.max(...sizes)} bytes`);
    const late = sizes.slice(-5);
    assert.ok(Math.max(...late) <= Math.max(...sizes.slice(0, Math.max(5, sizes.length - 5))) * 1.2, 'no growth over time');
  });

  it('a trap confirmation goes ahead of routine polls of slow agents', async () => {
    const since = Date.now();
    assert.equal(await s.app.poller.confirmPdu('good', since), true);
    assert.ok((s.app.store.pdu('good')?.lastPollAt ?? 0) >= since, 'confirmed with a read that began after the trap');
    assert.equal(s.app.store.pdu('good')?.reachable, true);
  });

  it('a misbehaving device is polled with backoff, not every interval', async () => {
    type Strike = { time: number; device: string; strikes: number; nextPollInMs: number };
    const strikes = () => s.logText().split('\n').filter((l) => l.includes('"device misbehaving"'))
      .map((l) => JSON.parse(l) as Strike).filter((x) => x.device === 'pdu:many-rows');
    const seen = await waitFor('two strikes in a row', () => { const list = strikes(); return list.length >= 2 && list; }, 60_000);
    for (let i = 1; i < seen.length; i++) {
      assert.equal(seen[i]!.strikes, seen[i - 1]!.strikes + 1);
      assert.equal(seen[i]!.nextPollInMs, Math.min(2 * seen[i - 1]!.nextPollInMs, 300_000), 'the wait doubles');
      assert.ok(seen[i]!.time - seen[i - 1]!.time >= seen[i - 1]!.nextPollInMs * 0.9, 'and is kept');
    }
  });
});
