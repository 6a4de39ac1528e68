// The access seam against the real app on port 0: raw HTTP requests with their own Host, Origin,
// Content-Type, token and cookie (node:http, so nothing is added for us), and real socket.io clients.
// Every allowed change is seen in the audit trail with its caller; every refused one leaves none.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { io, type Socket } from 'socket.io-client';
import { startApp, type App } from '../src/app.js';
import { parseConfigText } from '../src/config/load-config.js';
import type { Config } from '../src/config/schema.js';
import { freeUdpPort } from './helpers/ports.js';
import { snapshotOf } from './helpers/wall-messages.js';

const TOKEN = 'alice-token-0123456789';
const ALICE = { name: 'alice', token: TOKEN };

async function labConfig(dir: string, devices = true): Promise<Config> {
  const port = await freeUdpPort();
  return parseConfigText(`sites: [{name: Lab, rows: [{name: row 1, racks: [r1]}]}]
${devices ? `pdus:
  - {name: lab-a, rack: r1, address: "127.9.1.1:${port}", outlets: 8, banks: 2}
nodes:
  - {name: web-1, rack: r1, address: "127.9.2.1:${port}", psus: [{pdu: lab-a, outlet: 1}]}
  - {name: web-2, rack: r1, address: "127.9.2.2:${port}", psus: [{pdu: lab-a, outlet: 5}]}
pools:
  - {name: web, members: [web-1, web-2], backend: {type: file, dir: "${dir}/pools"}}` : ''}
settings:
  pollInterval: 1h
  reload: {schedule: "0 0 1 1 *"}
  http: {port: 0, host: 127.0.0.1}
  traps: {enabled: false}
  database: "${dir}/breakerbox.db"
`, 'lab (access test)');
}

interface Sent { status: number; headers: Record<string, string | string[] | undefined>; body: string; json: { code?: string; error?: string } | null }
interface Send { method?: string; path?: string; host?: string; origin?: string; referer?: string; token?: string; cookie?: string; type?: string; body?: string }

describe('access seam (real app, raw HTTP, socket.io)', () => {
  let app: App;
  let hostHeader: string;
  let cookie = '';

  function send(o: Send): Promise<Sent> {
    const headers: Record<string, string> = { host: o.host ?? hostHeader };
    if (o.origin) headers.origin = o.origin;
    if (o.referer) headers.referer = o.referer;
    if (o.token) headers.authorization = `Bearer ${o.token}`;
    if (o.cookie) headers.cookie = o.cookie;
    if (o.type) headers['content-type'] = o.type;
    if (o.body !== undefined) headers['content-length'] = String(Buffer.byteLength(o.body));
    return new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: app.port, method: o.method ?? 'GET', path: o.path ?? '/api/pools', headers }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => { body += c; });
        res.on('end', () => {
          let json = null;
          try { json = JSON.parse(body) as Sent['json']; } catch { /* a page or a file */ }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json });
        });
      });
      req.on('error', reject);
      req.end(o.body);
    });
  }
  const access = (a: { tokens: boolean; protectReads: boolean; origins?: string[] }) => {
    Object.assign(app.config().settings.api, { tokens: a.tokens ? [ALICE] : [], protectReads: a.protectReads, origins: a.origins ?? [] });
  };
  const audited = (why: string) => app.drainStore.auditTrail(1_000).filter((e) => e.why === why);

  before(async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bb-access-'));
    app = await startApp({ config: await labConfig(dir), stateDir: dir, logLevel: 'silent', simulate: false });
    hostHeader = `127.0.0.1:${app.port}`;
    access({ tokens: true, protectReads: true });
    const login = await send({ method: 'POST', path: '/api/login', type: 'application/json', body: JSON.stringify({ token: TOKEN }) });
    assert.equal(login.status, 200, login.body);
    cookie = String(login.headers['set-cookie']).split(';')[0]!;
  });
  after(async () => { await app?.stop(); });

  it('logs in with a cookie that is HttpOnly, SameSite=Strict, Path=/, expires, and is not the token', async () => {
    access({ tokens: true, protectReads: true });
    const login = await send({ method: 'POST', path: '/api/login', type: 'application/json', body: JSON.stringify({ token: TOKEN }) });
    const set = String(login.headers['set-cookie']);
    assert.match(set, /^bb_session=[\w-]{40,};/);
    assert.match(set, /HttpOnly/);
    assert.match(set, /SameSite=Strict/);
    assert.match(set, /Path=\//);
    assert.match(set, /Max-Age=43200/);
    assert.ok(!set.includes(TOKEN), 'the token never goes back');
    assert.deepEqual(JSON.parse(login.body).name, 'alice');
    const refused = await send({ method: 'POST', path: '/api/login', type: 'application/json', body: JSON.stringify({ token: 'mallory-token-0123456789' }) });
    assert.deepEqual([refused.status, refused.json?.code, refused.headers['set-cookie']], [401, 'BB_ERR_UNAUTHORIZED', undefined]);
    const empty = await send({ method: 'POST', path: '/api/login', type: 'application/json', body: '{}' });
    assert.deepEqual([empty.status, empty.json?.code], [400, 'BB_ERR_BAD_REQUEST']);
  });

  // [name, access, request, status, code | audit caller]
  const rows: [string, { tokens: boolean; protectReads: boolean; origins?: string[] }, () => Send, number, string | null][] = [
    ['an open read', { tokens: true, protectReads: false }, () => ({}), 200, null],
    ['a read with a rebound Host, from loopback', { tokens: false, protectReads: false }, () => ({ host: `evil.example:${app.port}` }), 421, 'BB_ERR_BAD_HOST'],
    ['a read with a rebound Host and a good token', { tokens: true, protectReads: true }, () => ({ host: 'evil.example', token: TOKEN }), 421, 'BB_ERR_BAD_HOST'],
    ['the wall with a rebound Host', { tokens: false, protectReads: false }, () => ({ path: '/', host: 'evil.example' }), 421, 'BB_ERR_BAD_HOST'],
    ['a JSON change with a rebound Host, no tokens, loopback', { tokens: false, protectReads: false }, () => ({ method: 'POST', path: '/api/reload', host: `evil.example:${app.port}`, origin: `http://evil.example:${app.port}`, type: 'application/json', body: JSON.stringify({ reason: 'rebound change' }) }), 421, 'BB_ERR_BAD_HOST'],
    ['localhost answers too', { tokens: false, protectReads: false }, () => ({ host: `localhost:${app.port}` }), 200, null],
    ['a protected read without credentials', { tokens: true, protectReads: true }, () => ({}), 401, 'BB_ERR_UNAUTHORIZED'],
    ['a protected read with the token', { tokens: true, protectReads: true }, () => ({ token: TOKEN }), 200, null],
    ['a protected read with the cookie', { tokens: true, protectReads: true }, () => ({ cookie }), 200, null],
    ['a protected read with an unknown token', { tokens: true, protectReads: true }, () => ({ token: 'mallory-token-0123456789' }), 401, 'BB_ERR_UNAUTHORIZED'],
    ['a protected read with a forged cookie', { tokens: true, protectReads: true }, () => ({ cookie: 'bb_session=forged' }), 401, 'BB_ERR_UNAUTHORIZED'],
    ['a protected read, no tokens, loopback', { tokens: false, protectReads: true }, () => ({}), 200, null],
    ['a wall file without credentials', { tokens: true, protectReads: true }, () => ({ path: '/wall.js' }), 401, 'BB_ERR_UNAUTHORIZED'],
    ['a wall file with the cookie', { tokens: true, protectReads: true }, () => ({ path: '/wall.js', cookie }), 200, null],
    ['a wall file, reads open', { tokens: true, protectReads: false }, () => ({ path: '/wall.js' }), 200, null],
    ['the login page needs nothing', { tokens: true, protectReads: true }, () => ({ path: '/login.html' }), 200, null],
    ['the login script needs nothing', { tokens: true, protectReads: true }, () => ({ path: '/login.js' }), 200, null],
    ['the style sheet needs nothing', { tokens: true, protectReads: true }, () => ({ path: '/wall.css' }), 200, null],
    ['the wall page goes to the login', { tokens: true, protectReads: true }, () => ({ path: '/?operator' }), 302, null],
    ['the wall page with the cookie', { tokens: true, protectReads: true }, () => ({ path: '/', cookie }), 200, null],
    ['a change, no tokens, loopback, JSON', { tokens: false, protectReads: false }, () => ({ method: 'POST', path: '/api/reload', type: 'application/json', body: JSON.stringify({ reason: 'loopback json' }) }), 200, 'local'],
    ['a change as text/plain', { tokens: false, protectReads: false }, () => ({ method: 'POST', path: '/api/reload', type: 'text/plain', body: JSON.stringify({ reason: 'text change' }) }), 415, 'BB_ERR_NOT_JSON'],
    ['a change as a form', { tokens: false, protectReads: false }, () => ({ method: 'POST', path: '/api/reload', type: 'application/x-www-form-urlencoded', body: 'reason=form+change' }), 415, 'BB_ERR_NOT_JSON'],
    ['a bodiless POST', { tokens: false, protectReads: false }, () => ({ method: 'POST', path: '/api/reload' }), 415, 'BB_ERR_NOT_JSON'],
    ['a DELETE with a text body', { tokens: false, protectReads: false }, () => ({ method: 'DELETE', path: '/api/pools/web/members/web-1/hold', type: 'text/plain', body: 'x' }), 415, 'BB_ERR_NOT_JSON'],
    ['a change from another origin', { tokens: false, protectReads: false }, () => ({ method: 'POST', path: '/api/reload', origin: 'http://127.0.0.1:1', type: 'application/json', body: JSON.stringify({ reason: 'cross change' }) }), 403, 'BB_ERR_BAD_ORIGIN'],
    ['a change referred by another origin', { tokens: false, protectReads: false }, () => ({ method: 'POST', path: '/api/reload', referer: 'http://evil.example/x', type: 'application/json', body: JSON.stringify({ reason: 'referred change' }) }), 403, 'BB_ERR_BAD_ORIGIN'],
    ['a change from the same origin', { tokens: false, protectReads: false }, () => ({ method: 'POST', path: '/api/reload', origin: `http://${hostHeader}`, type: 'application/json', body: JSON.stringify({ reason: 'same origin' }) }), 200, 'local'],
    ['a change from a listed origin', { tokens: false, protectReads: false, origins: ['https://noc.example'] }, () => ({ method: 'POST', path: '/api/reload', origin: 'https://noc.example', type: 'application/json', body: JSON.stringify({ reason: 'listed origin' }) }), 200, 'local'],
    ['a change, tokens set, loopback without one', { tokens: true, protectReads: false }, () => ({ method: 'POST', path: '/api/reload', type: 'application/json', body: JSON.stringify({ reason: 'no token' }) }), 401, 'BB_ERR_UNAUTHORIZED'],
    ['a change with the token', { tokens: true, protectReads: false }, () => ({ method: 'POST', path: '/api/reload', token: TOKEN, type: 'application/json', body: JSON.stringify({ reason: 'with token' }) }), 200, 'alice'],
    ['a change with the cookie from the wall', { tokens: true, protectReads: true }, () => ({ method: 'POST', path: '/api/reload', cookie, origin: `http://${hostHeader}`, type: 'application/json', body: JSON.stringify({ reason: 'cookie same origin' }) }), 200, 'alice'],
    ['a change with the cookie and no Origin', { tokens: true, protectReads: true }, () => ({ method: 'POST', path: '/api/reload', cookie, type: 'application/json', body: JSON.stringify({ reason: 'cookie no origin' }) }), 403, 'BB_ERR_BAD_ORIGIN'],
    ['a change with the cookie from another origin', { tokens: true, protectReads: true }, () => ({ method: 'POST', path: '/api/reload', cookie, origin: 'http://evil.example', type: 'application/json', body: JSON.stringify({ reason: 'cookie cross' }) }), 403, 'BB_ERR_BAD_ORIGIN'],
    ['a login as text', { tokens: true, protectReads: true }, () => ({ method: 'POST', path: '/api/login', type: 'text/plain', body: JSON.stringify({ token: TOKEN }) }), 415, 'BB_ERR_NOT_JSON'],
    ['a login from another origin', { tokens: true, protectReads: true }, () => ({ method: 'POST', path: '/api/login', origin: 'http://evil.example', type: 'application/json', body: JSON.stringify({ token: TOKEN }) }), 403, 'BB_ERR_BAD_ORIGIN'],
  ];
  for (const [name, a, make, status, want] of rows) {
    it(name, async () => {
      access(a);
      const o = make();
      const why = o.body && o.path === '/api/reload' ? (JSON.parse(o.body.startsWith('{') ? o.body : '{}') as { reason?: string }).reason : undefined;
      const res = await send(o);
      assert.equal(res.status, status, res.body);
      if (want?.startsWith('BB_ERR_')) assert.equal(res.json?.code, want, res.body);
      if (status === 302) assert.equal(res.headers.location, '/login.html?next=%2F%3Foperator');
      if (why !== undefined) assert.deepEqual(audited(why).map((e) => e.who), status === 200 ? [want] : [], 'audited exactly when allowed');
    });
  }

  it('a refused change never reaches its route: nothing is held', async () => {
    access({ tokens: false, protectReads: false });
    const res = await send({ method: 'POST', path: '/api/pools/web/members/web-1/hold', host: 'evil.example', type: 'application/json', body: JSON.stringify({ mode: 'out', reason: 'rebound hold' }) });
    assert.equal(res.status, 421);
    const text = await send({ method: 'POST', path: '/api/pools/web/members/web-1/hold', type: 'text/plain', body: JSON.stringify({ mode: 'out', reason: 'text hold' }) });
    assert.equal(text.status, 415);
    assert.equal(app.drainStore.auditTrail(1_000).filter((e) => e.node === 'web-1').length, 0);
    // The same hold as JSON from loopback goes through: the refusals above were the seam, not the route.
    const ok = await send({ method: 'POST', path: '/api/pools/web/members/web-1/hold', type: 'application/json', body: JSON.stringify({ mode: 'out', reason: 'json hold' }) });
    assert.equal(ok.status, 200, ok.body);
    const released = await send({ method: 'DELETE', path: '/api/pools/web/members/web-1/hold' });
    assert.equal(released.status, 200, released.body);
  });

  describe('socket.io handshake', () => {
    const sockets: Socket[] = [];
    after(() => { for (const s of sockets) s.close(); });

    /** Connects and resolves with the first snapshot, or with the refusal (and whether any snapshot came anyway). */
    function connect(o: { token?: string; headers?: Record<string, string> } = {}): Promise<{ snapshot: { pdus?: unknown[] } | null; error: { message: string; code?: string } | null; socket: Socket }> {
      const socket = io(`http://127.0.0.1:${app.port}`, {
        transports: ['websocket'], reconnection: false, forceNew: true,
        ...(o.token ? { auth: { token: o.token } } : {}), ...(o.headers ? { extraHeaders: o.headers } : {}),
      });
      sockets.push(socket);
      let snapshots = 0;
      socket.on('snapshot', () => { snapshots++; });
      return new Promise((resolve) => {
        socket.once('snapshot', (s: Buffer) => resolve({ snapshot: snapshotOf<{ pdus?: unknown[] }>(s), error: null, socket }));
        socket.once('connect_error', (err: Error & { data?: { code?: string } }) => {
          resolve({ snapshot: snapshots ? {} : null, error: { message: err.message, code: err.data?.code }, socket });
        });
      });
    }

    it('refuses a handshake without token or cookie when reads are protected: no snapshot', async () => {
      access({ tokens: true, protectReads: true });
      const r = await connect();
      assert.equal(r.snapshot, null);
      assert.equal(r.error?.code, 'BB_ERR_UNAUTHORIZED');
      assert.equal(r.socket.connected, false);
    });
    it('refuses an unknown token', async () => {
      access({ tokens: true, protectReads: true });
      const r = await connect({ token: 'mallory-token-0123456789' });
      assert.deepEqual([r.snapshot, r.error?.code], [null, 'BB_ERR_UNAUTHORIZED']);
    });
    it('hands the snapshot to the token', async () => {
      access({ tokens: true, protectReads: true });
      const r = await connect({ token: TOKEN });
      assert.equal(r.error, null);
      assert.equal(r.snapshot?.pdus?.length, 1);
    });
    it('hands the snapshot to the login cookie, and logging out closes the connection', async () => {
      access({ tokens: true, protectReads: true });
      const login = await send({ method: 'POST', path: '/api/login', type: 'application/json', body: JSON.stringify({ token: TOKEN }) });
      const mine = String(login.headers['set-cookie']).split(';')[0]!;
      const r = await connect({ headers: { cookie: mine } });
      assert.equal(r.error, null);
      assert.equal(r.snapshot?.pdus?.length, 1);
      const closed = new Promise<string>((resolve) => r.socket.once('disconnect', resolve));
      const out = await send({ method: 'POST', path: '/api/logout', cookie: mine, origin: `http://${hostHeader}`, type: 'application/json', body: '{}' });
      assert.equal(out.status, 200);
      assert.match(String(out.headers['set-cookie']), /bb_session=;/);
      assert.equal(await closed, 'io server disconnect');
      const again = await connect({ headers: { cookie: mine } });
      assert.deepEqual([again.snapshot, again.error?.code], [null, 'BB_ERR_UNAUTHORIZED']);
      assert.equal((await send({ cookie: mine })).status, 401, 'the cookie no longer reads either');
    });
    it('stays open to reads without protectReads, as before', async () => {
      access({ tokens: true, protectReads: false });
      const r = await connect();
      assert.equal(r.snapshot?.pdus?.length, 1);
    });
    it('refuses a rebound Host, even with the token', async () => {
      access({ tokens: true, protectReads: false });
      const r = await connect({ token: TOKEN, headers: { host: `evil.example:${app.port}` } });
      assert.equal(r.snapshot, null);
      assert.ok(r.error, 'refused');
      const named = await connect({ token: TOKEN, headers: { host: `localhost:${app.port}` } });
      assert.equal(named.snapshot?.pdus?.length, 1, 'a configured name is let in');
      // The engine refuses before any socket exists, and says why.
      const polling = await send({ path: '/socket.io/?EIO=4&transport=polling', host: 'evil.example' });
      assert.equal(polling.status, 403);
      assert.match(polling.body, /BB_ERR_BAD_HOST/);
    });
    it('refuses a page of another origin, even with the token', async () => {
      access({ tokens: true, protectReads: false });
      const r = await connect({ token: TOKEN, headers: { origin: 'http://evil.example' } });
      assert.equal(r.snapshot, null);
      assert.ok(r.error, 'refused');
      const polling = await send({ path: '/socket.io/?EIO=4&transport=polling', origin: 'http://evil.example', token: TOKEN });
      assert.equal(polling.status, 403);
      assert.match(polling.body, /BB_ERR_BAD_ORIGIN/);
      const same = await connect({ token: TOKEN, headers: { origin: `http://${hostHeader}` } });
      assert.equal(same.snapshot?.pdus?.length, 1, 'the same origin is let in');
    });
  });
});
