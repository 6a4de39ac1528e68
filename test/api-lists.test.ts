// The list endpoints on a real app: filters by place and state, pages with cursors in Link headers,
// ETag / If-None-Match, gzip; and, without parameters, the full dump scripts rely on.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { startApp, type App } from '../src/app.js';
import type { ApiLoad } from '../src/http/api-types.js';
import { FakeClock } from '../src/clock.js';
import { parseConfigText } from '../src/config/load-config.js';
import { nodeReading, pduReading } from './helpers/synthetic-readings.js';
import { freeUdpPort } from './helpers/ports.js';

const RACKS = ['r1', 'r2', 'r3'];

async function config(dir: string): Promise<string> {
  const port = await freeUdpPort();
  const pdus = RACKS.map((rack, i) => `  - {name: pdu-${rack}, rack: ${rack}, address: "127.9.1.${i + 1}:${port}", outlets: 8, banks: 2}`);
  const nodes = RACKS.flatMap((rack, i) => [1, 2, 3, 4].map((k) => `  - {name: ${rack}-n${k}, rack: ${rack}, address: "127.9.2.${i * 4 + k}:${port}", psus: [{pdu: pdu-${rack}, outlet: ${k * 2 - 1}}]}`));
  return `sites: [{name: Lab, rows: [{name: row 1, racks: [r1, r2]}, {name: row 2, racks: [r3]}]}]
pdus:
${pdus.join('\n')}
nodes:
${nodes.join('\n')}
pools:
  - {name: front, members: [r1-n1, r1-n2, r2-n1, r2-n2], backend: {type: file, dir: "${dir}/pools"}}
  - {name: back, members: [r3-n1, r3-n2, r3-n3, r3-n4], backend: {type: file, dir: "${dir}/pools"}}
services:
  - {name: shop, pools: [front]}
  - {name: ledger, pools: [back]}
settings:
  pollInterval: 1h
  reload: {schedule: "0 0 1 1 *"}
  http: {port: 0, host: 127.0.0.1}
  traps: {enabled: false}
  database: "${dir}/breakerbox.db"
`;
}

interface Got { status: number; headers: Record<string, string | string[] | undefined>; raw: Buffer; json: unknown }

describe('API lists', () => {
  let dir: string;
  let app: App;
  let clock: FakeClock;

  function get(path: string, headers: Record<string, string> = {}): Promise<Got> {
    return new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: app.port, path, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const raw = Buffer.concat(chunks);
          const text = res.headers['content-encoding'] === 'gzip' ? gunzipSync(raw).toString('utf8') : raw.toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, raw, json: text ? JSON.parse(text) : null });
        });
      });
      req.on('error', reject);
      req.end();
    });
  }
  const names = (g: Got) => (g.json as { name: string }[]).map((x) => x.name);

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bb-api-lists-'));
    clock = new FakeClock();
    app = await startApp({ config: parseConfigText(await config(dir), 'api lists test'), stateDir: dir, logLevel: 'silent', simulate: false, clock });
    app.poller.stop();
    const topology = { configuredBank: (_: unknown, i: number) => (i <= 4 ? 1 : 2) } as never;
    for (const pdu of app.config().pdus) {
      // r3's PDU has bank 1 tripped (outlets 1-4 off): r3-n1 and r3-n2 lose power.
      const states = Array.from({ length: 8 }, (_, i) => (pdu.name === 'pdu-r3' && i < 4 ? 'off' : 'on'));
      app.store.recordPdu(pdu.name, clock.now(), { ok: true, reading: pduReading(topology, pdu, states as ('on' | 'off')[]) });
    }
    for (const n of app.config().nodes) app.store.recordNode(n.name, clock.now(), { ok: true, reading: nodeReading });
    await app.controller.settle();
  });
  after(async () => {
    await app.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('without parameters: the full dump, in config order', async () => {
    assert.deepEqual(names(await get('/api/pdus')), ['pdu-r1', 'pdu-r2', 'pdu-r3']);
    assert.equal(names(await get('/api/nodes')).length, 12);
    assert.deepEqual(names(await get('/api/pools')), ['front', 'back']);
    assert.deepEqual(names(await get('/api/services')), ['shop', 'ledger']);
    const health = (await get('/api/health')).json as { pdus: { total: number; reachable: number } } & ApiLoad;
    assert.deepEqual(health.pdus, { total: 3, reachable: 3 });
    // What Breakerbox costs and how its polls keep up (the poller is stopped here: no devices, no polls).
    assert.ok(health.process.rssBytes > 10_000_000 && health.process.heapUsedBytes > 1_000_000, 'memory reported');
    assert.ok(health.process.cpuPercent >= 0 && health.process.eventLoopLagMs.p99 >= 0 && health.process.windowSeconds > 0);
    assert.deepEqual(health.polls, { pdu: { polls: 0, p50Ms: null, p99Ms: null, maxMs: null, p99OfInterval: null }, node: { polls: 0, p50Ms: null, p99Ms: null, maxMs: null, p99OfInterval: null }, running: 0, waiting: 0, devices: 0, worker: null }, "no device: no poll worker started, nothing reported");
  });

  it('filters by site, row and rack, and by state', async () => {
    assert.deepEqual(names(await get('/api/pdus?row=row%202')), ['pdu-r3']);
    assert.deepEqual(names(await get('/api/nodes?rack=r2')), ['r2-n1', 'r2-n2', 'r2-n3', 'r2-n4']);
    assert.deepEqual(names(await get('/api/pdus?site=Lab&row=row%201')), ['pdu-r1', 'pdu-r2']);
    assert.deepEqual(names(await get('/api/pdus?site=Elsewhere')), []);
    assert.deepEqual(names(await get('/api/pools?rack=r3')), ['back']);
    assert.deepEqual(names(await get('/api/services?rack=r1')), ['shop']);
    assert.deepEqual(names(await get('/api/nodes?state=lost')), ['r3-n1', 'r3-n2']);
    assert.deepEqual(names(await get('/api/nodes?state=lost,normal&rack=r3')), ['r3-n1', 'r3-n2', 'r3-n3', 'r3-n4']);
    assert.deepEqual(names(await get('/api/pdus?state=unreachable')), []);
    assert.deepEqual(names(await get('/api/pdus?state=reachable&rack=r1')), ['pdu-r1']);
    assert.deepEqual(names(await get('/api/pools?state=drained')), ['back']);
    assert.deepEqual(names(await get('/api/pools?state=ok')), ['front']);
    assert.deepEqual(names(await get('/api/services?state=reduced')), ['ledger']);
  });

  it('refuses a bad query with the parameter at fault', async () => {
    for (const [path, code, says] of [
      ['/api/nodes?state=dead', 'BB_ERR_BAD_REQUEST', /state must be one or more of normal, degraded, lost, unknown/],
      ['/api/nodes?limit=0', 'BB_ERR_BAD_REQUEST', /limit must be a whole number from 1 to 1000/],
      ['/api/nodes?limit=1001', 'BB_ERR_BAD_REQUEST', /limit/],
      ['/api/nodes?limit=2.5', 'BB_ERR_BAD_REQUEST', /limit/],
      ['/api/nodes?rack=r1&rack=r2', 'BB_ERR_BAD_REQUEST', /rack must be given once/],
      ['/api/nodes?limit=2&cursor=bm90LWEtY3Vyc29y', 'BB_ERR_BAD_CURSOR', /cursor .* is not one this server gave/],
    ] as const) {
      const g = await get(path);
      assert.equal(g.status, 400, path);
      const body = g.json as { code: string; error: string };
      assert.equal(body.code, code, path);
      assert.match(body.error, says, path);
    }
  });

  it('pages: Link rel="next" until the end, every item once, in order; X-Total-Count of what matched', async () => {
    const seen: string[] = [];
    let path: string | null = '/api/nodes?limit=5&state=normal,lost';
    let pages = 0;
    while (path) {
      const g = await get(path);
      assert.equal(g.status, 200);
      assert.equal(g.headers['x-total-count'], '12');
      seen.push(...names(g));
      pages++;
      const link = g.headers.link as string | undefined;
      path = link ? /^<([^>]+)>; rel="next"$/.exec(link)![1]! : null;
      if (path) assert.match(path, /^\/api\/nodes\?limit=5&state=normal%2Clost&cursor=/, 'the next link keeps the filters');
    }
    assert.equal(pages, 3);
    assert.deepEqual(seen, names(await get('/api/nodes')));

    // The last item of a page leaves the list before the next page is asked for: nothing is skipped or repeated.
    const first = await get('/api/nodes?limit=2');
    const next = /^<([^>]+)>/.exec(first.headers.link as string)![1]!;
    app.controller.hold('front', 'r1-n2', 'out', 'paging test', 'dana'); // unrelated to nodes' power: list unchanged
    assert.deepEqual(names(await get(next)), ['r1-n3', 'r1-n4']);
    const lostFirst = await get('/api/nodes?state=lost&limit=1');
    const lostNext = /^<([^>]+)>/.exec(lostFirst.headers.link as string)![1]!;
    const topology = { configuredBank: (_: unknown, i: number) => (i <= 4 ? 1 : 2) } as never;
    const r3 = app.config().pdus.find((p) => p.name === 'pdu-r3')!;
    // r3-n1 gets its power back: the cursor's item no longer matches; the next page still starts after it.
    app.store.recordPdu('pdu-r3', clock.now(), { ok: true, reading: pduReading(topology, r3, ['on', 'on', 'off', 'off', 'on', 'on', 'on', 'on']) });
    assert.deepEqual(names(await get(lostNext)), ['r3-n2']);
    app.controller.release('front', 'r1-n2', 'done', 'dana');
  });

  it('answers If-None-Match with 304 until the list changes', async () => {
    const first = await get('/api/pools');
    const etag = first.headers.etag as string;
    assert.ok(etag, 'an ETag');
    const same = await get('/api/pools', { 'if-none-match': etag });
    assert.equal(same.status, 304);
    assert.equal(same.raw.length, 0);
    app.controller.hold('front', 'r1-n1', 'out', 'etag test', 'erin');
    await app.controller.settle();
    const changed = await get('/api/pools', { 'if-none-match': etag });
    assert.equal(changed.status, 200);
    assert.notEqual(changed.headers.etag, etag);
    app.controller.release('front', 'r1-n1', 'done', 'erin');
  });

  it('compresses for clients that accept gzip', async () => {
    const plain = await get('/api/pdus');
    const gz = await get('/api/pdus', { 'accept-encoding': 'gzip' });
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.equal(gz.headers['content-encoding'], 'gzip');
    assert.ok(gz.raw.length < plain.raw.length / 3, `gzip ${gz.raw.length} B vs ${plain.raw.length} B`);
    assert.deepEqual(gz.json, plain.json);
  });
});
