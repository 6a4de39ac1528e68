// The drill-down endpoints on a real app (GET /api/pdus/NAME, /api/nodes/NAME, /api/pools/NAME,
// /api/services/NAME) after a bank trip: a node's PSUs with their outlet and breaker, its pools with
// the drain record and the hold, a pool's room under its rules, recent events; 404 for unknown names;
// reads need the token when the API protects them. And `mentions`, which finds a node inside "n1..n3".
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startApp, type App } from '../src/app.js';
import { FakeClock } from '../src/clock.js';
import { parseConfigText } from '../src/config/load-config.js';
import { mentions } from '../src/events/mentions.js';
import type { ApiNodeDetail, ApiPduDetail, ApiPoolDetail, ApiServiceDetail } from '../src/http/drilldown.js';
import { nodeReading, pduReading } from './helpers/synthetic-readings.js';
import { freeUdpPort } from './helpers/ports.js';

const TOKEN = 'drilldown-token-0123456789';
const SERVICE = 'mail / scan';

async function config(dir: string): Promise<string> {
  const port = await freeUdpPort();
  const single = [1, 2, 3, 4].map((k) => `  - {name: n${k}, rack: r1, address: "127.9.3.${k}:${port}", psus: [{pdu: pdu-a, outlet: ${k}}]}`);
  return `sites: [{name: Lab, rows: [{name: row 1, racks: [r1]}, {name: row 2, racks: [r2]}]}]
pdus:
  - {name: pdu-a, rack: r1, feed: A, address: "127.9.4.1:${port}", outlets: 10, banks: 2}
  - {name: pdu-b, rack: r1, feed: B, address: "127.9.4.2:${port}", outlets: 10, banks: 2}
nodes:
${single.join('\n')}
  - {name: n5, rack: r1, address: "127.9.3.5:${port}", psus: [{pdu: pdu-a, outlet: 5}, {pdu: pdu-b, outlet: 5}]}
  - {name: n6, rack: r2, address: "127.9.3.6:${port}", psus: [{pdu: pdu-b, outlet: 6}]}
pools:
  - name: web
    members: [n1, n2, n3, n4, n5, n6]
    backend: {type: file, dir: "${dir}/pools"}
    drain: {maxDrainedFraction: 0.5, minHealthy: {count: 1}}
services:
  - {name: "${SERVICE}", pools: [web]}
settings:
  pollInterval: 1h
  reload: {schedule: "0 0 1 1 *"}
  http: {port: 0, host: 127.0.0.1}
  traps: {enabled: false}
  database: "${dir}/breakerbox.db"
  api: {protectReads: true, tokens: [{name: dana, token: ${TOKEN}}]}
`;
}

describe('drill-down API', () => {
  let dir: string;
  let app: App;
  const clock = new FakeClock();

  async function get<T>(path: string, token: string | null = TOKEN): Promise<{ status: number; body: T; text: string }> {
    const res = await fetch(`${app.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    const text = await res.text();
    return { status: res.status, body: JSON.parse(text) as T, text };
  }

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bb-drilldown-'));
    app = await startApp({ config: parseConfigText(await config(dir), 'drill-down test'), stateDir: dir, logLevel: 'silent', simulate: false, clock });
    app.poller.stop();
    const topology = { configuredBank: (_: unknown, i: number) => (i <= 5 ? 1 : 2) } as never;
    const record = (tripA: boolean) => {
      for (const pdu of app.config().pdus) {
        const states = Array.from({ length: 10 }, (_, i) => (tripA && pdu.name === 'pdu-a' && i < 5 ? 'off' : 'on') as 'on' | 'off');
        app.store.recordPdu(pdu.name, clock.now(), { ok: true, reading: pduReading(topology, pdu, states) });
      }
    };
    record(false);
    for (const n of app.config().nodes) app.store.recordNode(n.name, clock.now(), { ok: true, reading: nodeReading });
    // An operator holds n6 out (through the API, so it is audited), then bank 1 of pdu-a trips.
    const held = await fetch(`${app.url}/api/pools/web/members/n6/hold`, {
      method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify({ mode: 'out', reason: 'disk swap' }),
    });
    assert.equal(held.status, 200, await held.text());
    clock.advance(1_000);
    record(true);
    await app.controller.settle();
  });
  after(async () => {
    await app.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('a node: PSUs with outlet and breaker, its pool with the drain record and room, events naming it within a range', async () => {
    const { status, body: n2 } = await get<ApiNodeDetail>('/api/nodes/n2');
    assert.equal(status, 200);
    assert.equal(n2.name, 'n2');
    assert.equal(n2.power, 'lost');
    assert.deepEqual([n2.site, n2.row, n2.rack], ['Lab', 'row 1', 'r1']);
    assert.deepEqual(n2.psus, [{ psu: 1, pdu: 'pdu-a', outlet: 2, feed: 'down', reason: n2.psus[0]!.reason, pduFeed: 'A', pduRack: 'r1', pduReachable: true, outletState: 'off', outletCurrent: 0, bank: 1, breaker: 'tripped' }]);
    assert.match(n2.psus[0]!.reason, /off|trip/);
    assert.equal(n2.memberships.length, 1);
    const m = n2.memberships[0]!;
    assert.equal(m.pool, 'web');
    assert.equal(m.member.state, 'drained');
    assert.equal(m.record?.by, 'breakerbox');
    assert.equal(m.record?.since, clock.now());
    assert.match(m.record!.chain.cause, /bank 1 breaker tripped on pdu-a/);
    assert.match(m.record!.chain.impact, /n1\.\.n3 lost power/);
    assert.equal(m.hold, null);
    // Six members: three drained (the cap: 50%), n6 held out, n4 lost but blocked, n5 on one feed.
    assert.deepEqual(m.capacity, { total: 6, active: 2, healthy: 0, drained: 3, held: 1, floor: 1, cap: 3, room: 0 });
    // The drain event names "n1..n3": n2 is in it although it is not spelled out.
    const drain = n2.events.find((e) => e.type === 'drain');
    assert.ok(drain, `a drain event among ${n2.events.map((e) => e.type).join(', ')}`);
    assert.equal(drain.subject, 'web');
    assert.ok(!n2.events.some((e) => e.type === 'hold'), 'the hold of n6 is not about n2');
    assert.deepEqual(n2.audit, []);

    // n6: held out by dana, audited; n5: on one feed, its second PSU on pdu-b.
    const n6 = (await get<ApiNodeDetail>('/api/nodes/n6')).body;
    assert.deepEqual([n6.site, n6.row], ['Lab', 'row 2']);
    assert.equal(n6.memberships[0]!.member.state, 'held');
    assert.deepEqual({ ...n6.memberships[0]!.hold, since: 0 }, { mode: 'out', reason: 'disk swap', by: 'dana', since: 0 });
    assert.deepEqual(n6.audit.map((a) => [a.who, a.action, a.pool, a.why]), [['dana', 'hold-out', 'web', 'disk swap']]);
    assert.ok(n6.events.some((e) => e.type === 'hold'));
    const n5 = (await get<ApiNodeDetail>('/api/nodes/n5')).body;
    assert.equal(n5.power, 'degraded');
    assert.deepEqual(n5.psus.map((p) => [p.psu, p.pdu, p.outlet, p.feed, p.outletState, p.breaker]), [[1, 'pdu-a', 5, 'down', 'off', 'tripped'], [2, 'pdu-b', 5, 'up', 'on', 'ok']]);
  });

  it('a PDU: banks against ratings, outlets with what they feed, the nodes on it, its events', async () => {
    const { status, body: pdu } = await get<ApiPduDetail>('/api/pdus/pdu-a');
    assert.equal(status, 200);
    assert.deepEqual(pdu.banks.map((b) => [b.index, b.breaker, b.rating]), [[1, 'tripped', 20], [2, 'ok', 20]]);
    assert.deepEqual(pdu.outlets[1]!.feeds, { node: 'n2', psu: 1 });
    assert.equal(pdu.outlets[1]!.state, 'off');
    assert.deepEqual([pdu.site, pdu.row, pdu.upstream, pdu.feedsPdus], ['Lab', 'row 1', null, []]);
    assert.deepEqual(pdu.nodes.map((n) => [n.name, n.power, n.outlets, n.psus]),
      [['n1', 'lost', [1], 1], ['n2', 'lost', [2], 1], ['n3', 'lost', [3], 1], ['n4', 'lost', [4], 1], ['n5', 'degraded', [5], 2]]);
    assert.ok(pdu.events.some((e) => e.type === 'breaker-tripped' && e.subject === 'pdu-a'), 'the trip');
    assert.ok(pdu.events.some((e) => e.type === 'drain'), 'the drain whose cause names it');
    assert.ok(!(await get<ApiPduDetail>('/api/pdus/pdu-b')).body.events.some((e) => e.type === 'breaker-tripped'), "pdu-b's events are its own");
  });

  it('a pool: members with state and why, capacity and floor, policy, services; its backend settings stay private', async () => {
    const { status, body: pool, text } = await get<ApiPoolDetail>('/api/pools/web');
    assert.equal(status, 200);
    assert.deepEqual(pool.members.map((m) => [m.node, m.state]), [['n1', 'drained'], ['n2', 'drained'], ['n3', 'drained'], ['n4', 'active'], ['n5', 'active'], ['n6', 'held']]);
    assert.match(pool.members[3]!.reason ?? '', /blocked by max-drained-fraction/);
    assert.match(pool.members[5]!.reason ?? '', /held out by dana: disk swap/);
    assert.deepEqual(pool.capacity, { total: 6, active: 2, healthy: 0, drained: 3, held: 1, floor: 1, cap: 3, room: 0 });
    assert.deepEqual(pool.services, [SERVICE]);
    assert.equal(pool.backend, 'file');
    assert.deepEqual(pool.policy, { on: ['lost'], debounceMs: 0, maxDrainsPerMinute: 0, minHealthy: { count: 1, fraction: 0 } });
    assert.ok(pool.events.some((e) => e.type === 'drain') && pool.events.every((e) => e.subject === 'web'));
    assert.deepEqual(pool.audit.map((a) => [a.node, a.action]), [['n6', 'hold-out']]);
    assert.ok(!text.includes(dir), 'no backend directory in the answer');
    assert.ok(!text.includes(TOKEN), 'no token in the answer');
  });

  it('a service by its URL-encoded name: status and each pool\'s room', async () => {
    const { status, body } = await get<ApiServiceDetail>(`/api/services/${encodeURIComponent(SERVICE)}`);
    assert.equal(status, 200);
    assert.equal(body.name, SERVICE);
    assert.equal(body.status, 'reduced');
    assert.deepEqual(body.capacity.map((c) => [c.pool, c.active, c.total, c.room]), [['web', 2, 6, 0]]);
    assert.ok(body.events.some((e) => e.subject === 'web'));
  });

  it('an unknown name is a 404 with BB_ERR_NOT_FOUND; a malformed escape a 400', async () => {
    for (const path of ['/api/pdus/nope', '/api/nodes/n7', '/api/pools/web2', '/api/services/mail', `/api/nodes/${encodeURIComponent('n1 /x')}`]) {
      const { status, body } = await get<{ code: string; error: string }>(path);
      assert.equal(status, 404, path);
      assert.equal(body.code, 'BB_ERR_NOT_FOUND', path);
    }
    assert.equal((await get<{ error: string }>('/api/nodes/n7')).body.error, 'no node named "n7"');
    const bad = await get<{ code: string }>('/api/nodes/%E0%A4%A');
    assert.equal(bad.status, 400);
    assert.equal(bad.body.code, 'BB_ERR_BAD_REQUEST');
  });

  it('reads need the token when the API protects them', async () => {
    for (const path of ['/api/pdus/pdu-a', '/api/nodes/n1', '/api/pools/web', `/api/services/${encodeURIComponent(SERVICE)}`]) {
      for (const token of [null, 'not-the-token-0123456789']) {
        const { status, body, text } = await get<{ code: string }>(path, token);
        assert.equal(status, 401, `${path} with ${token ?? 'no token'}`);
        assert.equal(body.code, 'BB_ERR_UNAUTHORIZED');
        assert.ok(!text.includes('pdu-a') || path.includes('pdu-a'), 'nothing of the thing is shown');
      }
      assert.equal((await get(path)).status, 200, path);
    }
  });
});

describe('mentions', () => {
  it('finds a name spelled out or inside a range of names, never a longer name that starts with it', () => {
    assert.ok(mentions('bank 1 breaker tripped on dal3-r07-a: outlets 1-20 without power', 'dal3-r07-a'));
    assert.ok(mentions('scan-057..scan-076 lost power', 'scan-060'));
    assert.ok(mentions('scan-057..scan-076 lost power', 'scan-057'));
    assert.ok(mentions('scan-057..scan-076 lost power', 'scan-076'));
    assert.ok(mentions('re-admitted: scan-001, scan-009..scan-011.', 'scan-010'));
    assert.ok(mentions('held scan-011.', 'scan-011'));
    assert.ok(!mentions('scan-057..scan-076 lost power', 'scan-077'));
    assert.ok(!mentions('scan-057..scan-076 lost power', 'scan-056'));
    assert.ok(!mentions('scan-057..scan-076 lost power', 'stor-060'));
    assert.ok(!mentions('dal3-r07-ab answers again', 'dal3-r07-a'));
    assert.ok(!mentions('n10 rebooted', 'n1'));
    assert.ok(mentions('n9..n11 drained', 'n10'));
    assert.ok(!mentions('anything', ''));
  });
});
