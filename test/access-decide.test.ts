// The access decision as a table: one row per branch (Host, Origin/Referer/Sec-Fetch-Site, JSON only,
// bearer token, login cookie, open routes, protectReads, loopback), each asserting status, code or caller.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from '../src/clock.js';
import { settingsSchema } from '../src/config/schema.js';
import type { IncomingMessage } from 'node:http';
import type { Request, Response } from 'express';
import type { Socket } from 'socket.io';
import { accessMiddleware, caller, decide, fromHttp, socketAllowRequest, socketMiddleware, type AccessRequest, type AccessSettings } from '../src/http/access.js';
import { SessionStore, sessionFromCookie } from '../src/http/sessions.js';

const ALICE = { name: 'alice', token: 'alice-token-0123456789' };
const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '[::1]'];
const clock = new FakeClock();
const sessions = new SessionStore(clock);
const live = sessions.create(ALICE, 60_000).id;
const rotated = sessions.create(ALICE, 60_000).id;

function req(r: Partial<AccessRequest> = {}): AccessRequest {
  return {
    method: 'GET', host: '127.0.0.1:8080', origin: undefined, referer: undefined, fetchSite: undefined, contentType: undefined,
    hasBody: false, bearer: undefined, session: undefined, remoteAddress: '127.0.0.1', socket: false, open: false, ...r,
  };
}
const post = (r: Partial<AccessRequest> = {}) => req({ method: 'POST', contentType: 'application/json', hasBody: true, ...r });
const settings = (s: Partial<AccessSettings> = {}): AccessSettings => ({ tokens: [], protectReads: false, hosts: LOOPBACK_HOSTS, origins: [], ...s });
const tokens = { tokens: [ALICE] };

type Want = { caller: string } | { status: number; code: string };
const rows: [string, AccessRequest, AccessSettings, Want][] = [
  // Host
  ['no Host at all', req({ host: undefined }), settings(), { status: 421, code: 'BB_ERR_BAD_HOST' }],
  ['a rebound name, read', req({ host: 'evil.example:8080' }), settings(), { status: 421, code: 'BB_ERR_BAD_HOST' }],
  ['a rebound name, change', post({ host: 'evil.example' }), settings(), { status: 421, code: 'BB_ERR_BAD_HOST' }],
  ['a rebound name with a token', req({ host: 'evil.example', bearer: ALICE.token }), settings(tokens), { status: 421, code: 'BB_ERR_BAD_HOST' }],
  ['a rebound name on the live connection', req({ host: 'evil.example', socket: true }), settings(), { status: 421, code: 'BB_ERR_BAD_HOST' }],
  ['localhost, any port', req({ host: 'localhost:9999' }), settings(), { caller: 'anonymous' }],
  ['names are not case-sensitive', req({ host: 'LocalHost:1' }), settings(), { caller: 'anonymous' }],
  ['[::1] with a port', req({ host: '[::1]:8080' }), settings(), { caller: 'anonymous' }],
  ['a name that only ends like an allowed one', req({ host: 'evil-localhost' }), settings(), { status: 421, code: 'BB_ERR_BAD_HOST' }],
  ['an allowed name with its port', req({ host: 'noc.example:8080' }), settings({ hosts: ['noc.example:8080'] }), { caller: 'anonymous' }],
  ['an allowed name on another port', req({ host: 'noc.example:8081' }), settings({ hosts: ['noc.example:8080'] }), { status: 421, code: 'BB_ERR_BAD_HOST' }],
  ['loopback names are replaced by the configured list', req({ host: '127.0.0.1:8080' }), settings({ hosts: ['noc.example'] }), { status: 421, code: 'BB_ERR_BAD_HOST' }],
  ['a name hidden after a colon', req({ host: 'evil.example:localhost' }), settings(), { status: 421, code: 'BB_ERR_BAD_HOST' }],
  ['a port with junk after it', req({ host: 'localhost:8080x' }), settings(), { status: 421, code: 'BB_ERR_BAD_HOST' }],
  ['only a port', req({ host: ':8080' }), settings(), { status: 421, code: 'BB_ERR_BAD_HOST' }],
  // Origin, Referer, Sec-Fetch-Site on changes
  ['a change from another origin', post({ origin: 'http://evil.example' }), settings(), { status: 403, code: 'BB_ERR_BAD_ORIGIN' }],
  ['a change from another port of this host', post({ origin: 'http://127.0.0.1:9999' }), settings(), { status: 403, code: 'BB_ERR_BAD_ORIGIN' }],
  ['a change from an opaque origin', post({ origin: 'null' }), settings(), { status: 403, code: 'BB_ERR_BAD_ORIGIN' }],
  ['a change from the same origin', post({ origin: 'http://127.0.0.1:8080' }), settings(), { caller: 'local' }],
  ['same origin behind https on 443', post({ host: 'noc.example', origin: 'https://noc.example' }), settings({ hosts: ['noc.example'] }), { caller: 'local' }],
  ['https origin against an explicit :443 Host', post({ host: 'noc.example:443', origin: 'https://noc.example' }), settings({ hosts: ['noc.example'] }), { caller: 'local' }],
  ['http origin against an explicit :80 Host', post({ host: 'noc.example:80', origin: 'http://noc.example' }), settings({ hosts: ['noc.example'] }), { caller: 'local' }],
  ['http origin against a :443 Host', post({ host: 'noc.example:443', origin: 'http://noc.example' }), settings({ hosts: ['noc.example'] }), { status: 403, code: 'BB_ERR_BAD_ORIGIN' }],
  ['an origin of another scheme with the same host:port', post({ origin: 'ftp://127.0.0.1:8080' }), settings(), { status: 403, code: 'BB_ERR_BAD_ORIGIN' }],
  ['a listed origin with the cookie', post({ session: live, origin: 'https://noc.example' }), settings({ ...tokens, origins: ['https://noc.example'] }), { caller: 'alice' }],
  ['a listed origin (reverse proxy)', post({ origin: 'https://noc.example' }), settings({ origins: ['https://noc.example'] }), { caller: 'local' }],
  ['a referer from another origin, no Origin', post({ referer: 'http://evil.example/page' }), settings(), { status: 403, code: 'BB_ERR_BAD_ORIGIN' }],
  ['a referer from the same origin', post({ referer: 'http://127.0.0.1:8080/?operator' }), settings(), { caller: 'local' }],
  ['a referer that is no URL', post({ referer: 'junk' }), settings(), { status: 403, code: 'BB_ERR_BAD_ORIGIN' }],
  ['Sec-Fetch-Site cross-site', post({ fetchSite: 'cross-site' }), settings(), { status: 403, code: 'BB_ERR_BAD_ORIGIN' }],
  ['Sec-Fetch-Site same-site', post({ fetchSite: 'same-site' }), settings(), { status: 403, code: 'BB_ERR_BAD_ORIGIN' }],
  ['Sec-Fetch-Site same-origin', post({ fetchSite: 'same-origin' }), settings(), { caller: 'local' }],
  ['Sec-Fetch-Site none (typed by the user)', post({ fetchSite: 'none' }), settings(), { caller: 'local' }],
  ['Sec-Fetch-Site none with the cookie is no evidence', post({ fetchSite: 'none', session: live }), settings(tokens), { status: 403, code: 'BB_ERR_BAD_ORIGIN' }],
  ['no browser evidence (curl, the CLI)', post(), settings(), { caller: 'local' }],
  ['a read from another origin stays a read', req({ origin: 'http://evil.example' }), settings(), { caller: 'anonymous' }],
  ['the live connection from another origin', req({ origin: 'http://evil.example', socket: true }), settings(), { status: 403, code: 'BB_ERR_BAD_ORIGIN' }],
  ['the live connection from the same origin', req({ origin: 'http://127.0.0.1:8080', socket: true }), settings(), { caller: 'anonymous' }],
  // JSON only
  ['a text/plain POST', post({ contentType: 'text/plain' }), settings(), { status: 415, code: 'BB_ERR_NOT_JSON' }],
  ['a form POST', post({ contentType: 'application/x-www-form-urlencoded' }), settings(), { status: 415, code: 'BB_ERR_NOT_JSON' }],
  ['a POST with no body and no type', post({ contentType: undefined, hasBody: false }), settings(), { status: 415, code: 'BB_ERR_NOT_JSON' }],
  ['a PUT as text', req({ method: 'PUT', contentType: 'text/plain' }), settings(), { status: 415, code: 'BB_ERR_NOT_JSON' }],
  ['a PATCH as text', req({ method: 'PATCH', contentType: 'text/plain' }), settings(), { status: 415, code: 'BB_ERR_NOT_JSON' }],
  ['"application/jsonp" is not JSON', post({ contentType: 'application/jsonp' }), settings(), { status: 415, code: 'BB_ERR_NOT_JSON' }],
  ['JSON named only in a parameter', post({ contentType: 'text/plain; x=application/json' }), settings(), { status: 415, code: 'BB_ERR_NOT_JSON' }],
  ['JSON with a charset', post({ contentType: 'application/json; charset=utf-8' }), settings(), { caller: 'local' }],
  ['a DELETE without a body', req({ method: 'DELETE' }), settings(), { caller: 'local' }],
  ['a DELETE with a text body', req({ method: 'DELETE', hasBody: true, contentType: 'text/plain' }), settings(), { status: 415, code: 'BB_ERR_NOT_JSON' }],
  ['a DELETE with a JSON body', req({ method: 'DELETE', hasBody: true, contentType: 'application/json' }), settings(), { caller: 'local' }],
  // Bearer token
  ['a known token', post({ bearer: ALICE.token }), settings(tokens), { caller: 'alice' }],
  ['an unknown token', post({ bearer: 'mallory-token-0123456789' }), settings(tokens), { status: 401, code: 'BB_ERR_UNAUTHORIZED' }],
  ['an unknown token on an open read', req({ bearer: 'x' }), settings(tokens), { status: 401, code: 'BB_ERR_UNAUTHORIZED' }],
  ['a token when none are configured', post({ bearer: ALICE.token }), settings(), { status: 401, code: 'BB_ERR_UNAUTHORIZED' }],
  ['a known token on a protected read', req({ bearer: ALICE.token }), settings({ ...tokens, protectReads: true }), { caller: 'alice' }],
  ['a token on the live connection', req({ bearer: ALICE.token, socket: true }), settings({ ...tokens, protectReads: true }), { caller: 'alice' }],
  // Login cookie
  ['the cookie on a protected read', req({ session: live }), settings({ ...tokens, protectReads: true }), { caller: 'alice' }],
  ['the cookie on the live connection', req({ session: live, socket: true }), settings({ ...tokens, protectReads: true }), { caller: 'alice' }],
  ['the cookie on a change from the wall', post({ session: live, origin: 'http://127.0.0.1:8080' }), settings(tokens), { caller: 'alice' }],
  ['the cookie on a change without any Origin', post({ session: live }), settings(tokens), { status: 403, code: 'BB_ERR_BAD_ORIGIN' }],
  ['the cookie on a change from another origin', post({ session: live, origin: 'http://evil.example' }), settings(tokens), { status: 403, code: 'BB_ERR_BAD_ORIGIN' }],
  ['an unknown session id', req({ session: 'forged' }), settings({ ...tokens, protectReads: true }), { status: 401, code: 'BB_ERR_UNAUTHORIZED' }],
  ['a session whose token was removed', req({ session: rotated }), settings({ tokens: [{ name: 'bob', token: 'bob-token-0123456789' }], protectReads: true }), { status: 401, code: 'BB_ERR_UNAUTHORIZED' }],
  // Open routes, protectReads, loopback
  ['the login page under protectReads', req({ open: true }), settings({ ...tokens, protectReads: true }), { caller: 'anonymous' }],
  ['a login POST from anywhere', post({ open: true, remoteAddress: '10.0.0.9' }), settings(tokens), { caller: 'anonymous' }],
  ['a login POST as text', post({ open: true, contentType: 'text/plain' }), settings(tokens), { status: 415, code: 'BB_ERR_NOT_JSON' }],
  ['a login POST from another origin', post({ open: true, origin: 'http://evil.example' }), settings(tokens), { status: 403, code: 'BB_ERR_BAD_ORIGIN' }],
  ['an open read', req({ remoteAddress: '10.0.0.9' }), settings(tokens), { caller: 'anonymous' }],
  ['a protected read, tokens set, loopback', req(), settings({ ...tokens, protectReads: true }), { status: 401, code: 'BB_ERR_UNAUTHORIZED' }],
  ['a protected live connection without credentials', req({ socket: true }), settings({ ...tokens, protectReads: true }), { status: 401, code: 'BB_ERR_UNAUTHORIZED' }],
  ['a protected read, no tokens, loopback', req(), settings({ protectReads: true }), { caller: 'local' }],
  ['a protected read, no tokens, another host', req({ remoteAddress: '10.0.0.9' }), settings({ protectReads: true }), { status: 401, code: 'BB_ERR_UNAUTHORIZED' }],
  ['a change, no tokens, loopback v4', post(), settings(), { caller: 'local' }],
  ['a change, no tokens, loopback v6', post({ remoteAddress: '::1' }), settings(), { caller: 'local' }],
  ['a change, no tokens, loopback v4-mapped', post({ remoteAddress: '::ffff:127.0.0.1' }), settings(), { caller: 'local' }],
  ['a change, no tokens, another host', post({ remoteAddress: '10.0.0.9' }), settings(), { status: 401, code: 'BB_ERR_UNAUTHORIZED' }],
  ['a change, no tokens, a v4-mapped other host', post({ remoteAddress: '::ffff:10.0.0.9' }), settings(), { status: 401, code: 'BB_ERR_UNAUTHORIZED' }],
  ['a change, tokens set, loopback without one', post(), settings(tokens), { status: 401, code: 'BB_ERR_UNAUTHORIZED' }],
  ['a change from a look-alike of loopback v4', post({ remoteAddress: '10.127.0.1' }), settings(), { status: 401, code: 'BB_ERR_UNAUTHORIZED' }],
  ['a change from a look-alike of loopback v6', post({ remoteAddress: '::123' }), settings(), { status: 401, code: 'BB_ERR_UNAUTHORIZED' }],
  ['HEAD is a read', req({ method: 'HEAD', remoteAddress: '10.0.0.9' }), settings(tokens), { caller: 'anonymous' }],
  ['GET is a read', req({ method: 'GET', remoteAddress: '10.0.0.9' }), settings(tokens), { caller: 'anonymous' }],
  ['HEAD and OPTIONS are reads', req({ method: 'OPTIONS', origin: 'http://evil.example' }), settings(), { caller: 'anonymous' }],
];

describe('access decision', () => {
  for (const [name, r, s, want] of rows) {
    it(name, () => {
      const v = decide(r, s, sessions);
      if ('caller' in want) assert.deepEqual(v.ok ? v.caller : v, want.caller);
      else assert.deepEqual(v.ok ? v : { status: v.status, code: v.code }, want);
    });
  }
  it('every refusal says what to change', () => {
    const error = (r: AccessRequest, s = settings()) => {
      const v = decide(r, s, sessions);
      return v.ok ? 'allowed' : v.error;
    };
    assert.match(error(req({ host: 'evil.example' })), /^Host "evil\.example" is not a name .*settings\.api\.hosts$/);
    assert.ok(error(req({ host: `${'x'.repeat(500)}.example` })).length < 250, 'a long Host is cut short');
    assert.match(error(req({ host: undefined })), /^Host "" /);
    assert.match(error(post({ origin: 'http://evil.example' })), /^changes may not come from a page of another origin \(http:\/\/evil\.example\).*settings\.api\.origins$/);
    assert.match(error(post({ referer: 'http://evil.example/x' })), /\(http:\/\/evil\.example\/x\)/);
    assert.match(error(post({ fetchSite: 'cross-site' })), /\(cross-site\)/);
    assert.match(error(req({ origin: 'http://evil.example', socket: true })), /^the live connection may not come from a page of another origin/);
    assert.match(error(post({ contentType: 'text/plain' })), /JSON only \(Content-Type: application\/json\)/);
    assert.match(error(post({ bearer: 'x' }), settings(tokens)), /^unknown token$/);
    assert.match(error(post({ session: live }), settings(tokens)), /login cookie must come from the wall/);
    assert.match(error(post(), settings(tokens)), /^changes need a bearer token/);
    assert.match(error(req(), settings({ ...tokens, protectReads: true })), /^reads need a bearer token or a wall login/);
  });
  it('a cookie-authorised read names its session; a token-authorised one does not', () => {
    const byCookie = decide(req({ session: live }), settings({ ...tokens, protectReads: true }), sessions);
    assert.ok(byCookie.ok && byCookie.session === live, JSON.stringify(byCookie));
    const byToken = decide(req({ bearer: ALICE.token }), settings({ ...tokens, protectReads: true }), sessions);
    assert.ok(byToken.ok && byToken.session === null, JSON.stringify(byToken));
  });
});

describe('login sessions', () => {
  it('expire with the clock, end on logout, and end when their token is rotated', () => {
    const c = new FakeClock();
    const store = new SessionStore(c);
    const a = store.create(ALICE, 1_000);
    assert.equal(a.expiresAt, c.now() + 1_000);
    assert.notEqual(a.id, ALICE.token);
    assert.ok(a.id.length >= 40, 'a long random id');
    assert.equal(store.lookup(a.id, [ALICE]), 'alice');
    c.advance(999);
    assert.equal(store.lookup(a.id, [ALICE]), 'alice');
    c.advance(1);
    assert.equal(store.lookup(a.id, [ALICE]), null);
    const b = store.create(ALICE, 1_000);
    assert.equal(store.lookup(b.id, [{ name: 'alice', token: 'alice-rotated-0123456789' }]), null, 'same name, new token: logged out');
    assert.equal(store.lookup(b.id, [ALICE]), null, 'and stays out');
    const e = store.create(ALICE, 1_000);
    assert.equal(store.lookup(e.id, [{ name: 'bob', token: ALICE.token }]), null, 'same token, renamed: logged out');
    const f = store.create(ALICE, 1_000);
    assert.equal(store.lookup(f.id, [{ name: 'bob', token: 'bob-token-0123456789' }, ALICE]), 'alice', 'one of several tokens');
    const d = store.create(ALICE, 1_000);
    assert.equal(store.revoke(d.id), true);
    assert.equal(store.lookup(d.id, [ALICE]), null);
    assert.equal(store.revoke(d.id), false);
  });
  it('hold a bounded number of logins, oldest out first, and sweep expired ones', () => {
    const c = new FakeClock();
    const store = new SessionStore(c, 3);
    const ids = [1, 2, 3, 4].map(() => store.create(ALICE, 1_000).id);
    assert.equal(store.size, 3);
    assert.equal(store.lookup(ids[0]!, [ALICE]), null);
    assert.equal(store.lookup(ids[3]!, [ALICE]), 'alice');
    c.advance(1_000);
    store.create(ALICE, 1_000);
    assert.equal(store.size, 1);
  });
  it('read the session id from a Cookie header among others', () => {
    assert.equal(sessionFromCookie('a=1; bb_session=abc; b=2'), 'abc');
    assert.equal(sessionFromCookie('bb_session=abc ;b=2'), 'abc');
    assert.equal(sessionFromCookie('xbb_session=abc'), undefined);
    assert.equal(sessionFromCookie('bb_session='), undefined);
    assert.equal(sessionFromCookie(undefined), undefined);
  });
});

describe('what the seam reads from a request', () => {
  const incoming = (method: string | undefined, headers: Record<string, string | string[]>, remoteAddress = '127.0.0.1') =>
    ({ method, headers, socket: { remoteAddress } }) as unknown as IncomingMessage;
  it('takes every header it decides on, and nothing else', () => {
    const r = fromHttp(incoming('post', {
      host: 'localhost:8080', origin: 'http://localhost:8080', referer: 'http://localhost:8080/', 'sec-fetch-site': 'same-origin',
      'content-type': 'application/json', 'content-length': '2', authorization: `Bearer ${ALICE.token} `, cookie: 'bb_session=abc',
    }, '::1'), false);
    assert.deepEqual(r, {
      method: 'POST', host: 'localhost:8080', origin: 'http://localhost:8080', referer: 'http://localhost:8080/', fetchSite: 'same-origin',
      contentType: 'application/json', hasBody: true, bearer: ALICE.token, session: 'abc', remoteAddress: '::1', socket: false, open: false,
    });
  });
  it('a body is a length above zero or a chunked transfer; a token only as "Bearer"', () => {
    assert.equal(fromHttp(incoming('DELETE', { 'content-length': '0' }), false).hasBody, false);
    assert.equal(fromHttp(incoming('DELETE', {}), false).hasBody, false);
    assert.equal(fromHttp(incoming('DELETE', { 'transfer-encoding': 'chunked' }), false).hasBody, true);
    assert.equal(fromHttp(incoming('GET', { authorization: 'Basic YWxpY2U6eA==' }), false).bearer, undefined);
    assert.equal(fromHttp(incoming(undefined, {}), true).method, 'GET');
    assert.equal(fromHttp(incoming('GET', {}), true).open, true);
    assert.equal(fromHttp(incoming('GET', { origin: ['http://a', 'http://b'], 'sec-fetch-site': ['cross-site', 'none'] }), false).origin, 'http://a');
    assert.equal(fromHttp(incoming('GET', { 'sec-fetch-site': ['cross-site', 'none'] }), false).fetchSite, 'cross-site');
  });
});

// The adapters hand the same decision to Express and socket.io; plain objects stand in for their
// request, response and socket here (test/access.test.ts runs them for real).
describe('the seam as Express middleware and socket.io guards', () => {
  const protect = () => settings({ ...tokens, protectReads: true });
  const incoming = (method: string, headers: Record<string, string>) =>
    ({ method, headers: { host: '127.0.0.1:8080', ...headers }, socket: { remoteAddress: '127.0.0.1' } }) as unknown as IncomingMessage;

  function http(method: string, path: string, headers: Record<string, string> = {}) {
    const out: { status?: number; body?: unknown; redirect?: [number, string]; passed: boolean } = { passed: false };
    const req = { ...incoming(method, headers), path, originalUrl: path } as unknown as Request;
    const res = {
      locals: {},
      status(n: number) { out.status = n; return this; },
      json(b: unknown) { out.body = b; },
      redirect(code: number, url: string) { out.redirect = [code, url]; },
    } as unknown as Response;
    accessMiddleware(protect, sessions, (r) => r.path === '/login.html')(req, res, () => { out.passed = true; });
    return { ...out, caller: caller(res) };
  }

  it('lets through with the caller named, or answers JSON, or sends a page to the login', () => {
    assert.deepEqual(http('GET', '/api/pools', { cookie: `bb_session=${live}` }), { passed: true, caller: 'alice' });
    assert.deepEqual(http('GET', '/login.html'), { passed: true, caller: 'anonymous' });
    assert.deepEqual(http('GET', '/?operator'.replace('?operator', '')), { passed: false, redirect: [302, '/login.html?next=%2F'], caller: 'anonymous' });
    assert.deepEqual(http('HEAD', '/index.html').redirect, [302, '/login.html?next=%2Findex.html']);
    for (const path of ['/wall.js', '/a/', '/x.htmlx', '/api/pools']) {
      const r = http('GET', path);
      assert.deepEqual([r.passed, r.redirect, r.status, (r.body as { code: string }).code], [false, undefined, 401, 'BB_ERR_UNAUTHORIZED'], path);
      assert.match((r.body as { error: string }).error, /reads need/);
    }
    assert.deepEqual(http('POST', '/', { 'content-type': 'text/plain' }).status, 415);
    const host = http('GET', '/', { host: 'evil.example' });
    assert.deepEqual([host.status, host.redirect, (host.body as { code: string }).code], [421, undefined, 'BB_ERR_BAD_HOST']);
  });

  it('refuses a socket.io handshake for its Host or Origin before any socket exists; credentials come later', () => {
    const allow = (headers: Record<string, string>) => {
      let answer: [string | null | undefined, boolean] = ['never called', false];
      socketAllowRequest(protect, sessions)(incoming('GET', headers), (err, ok) => { answer = [err, ok]; });
      return answer;
    };
    assert.deepEqual(allow({}), [null, true]);
    const host = allow({ host: 'evil.example' });
    assert.equal(host[1], false);
    assert.match(String(host[0]), /^BB_ERR_BAD_HOST: Host "evil\.example"/);
    const origin = allow({ origin: 'http://evil.example' });
    assert.equal(origin[1], false);
    assert.match(String(origin[0]), /^BB_ERR_BAD_ORIGIN: the live connection/);
  });

  it('admits a socket.io connection by its auth token, its Authorization header or the cookie, and names who', () => {
    const connect = (auth: unknown, headers: Record<string, string> = {}, method = 'GET') => {
      const socket = { handshake: { auth, headers: { host: '127.0.0.1:8080', ...headers } }, request: incoming(method, headers), data: undefined } as unknown as Socket;
      const seen: { err: (Error & { data?: unknown }) | undefined | 'never called' } = { err: 'never called' };
      socketMiddleware(protect, sessions)(socket, (e) => { seen.err = e; });
      return { err: seen.err, data: socket.data as unknown };
    };
    assert.deepEqual(connect({ token: ALICE.token }), { err: undefined, data: { caller: 'alice', session: null } });
    assert.deepEqual(connect({ token: '' }, { authorization: `Bearer ${ALICE.token}` }).data, { caller: 'alice', session: null });
    assert.deepEqual(connect({ token: 42 }, { authorization: `Bearer ${ALICE.token}` }).data, { caller: 'alice', session: null });
    assert.deepEqual(connect(undefined, { cookie: `bb_session=${live}` }).data, { caller: 'alice', session: live });
    assert.deepEqual(connect({}, { cookie: `bb_session=${live}` }, 'POST').data, { caller: 'alice', session: live }, 'a handshake is a read, whatever its method');
    const refused = connect({});
    assert.ok(refused.err instanceof Error, 'refused');
    assert.deepEqual([refused.err.message, refused.err.data, refused.data], ['reads need a bearer token or a wall login (POST /api/login)', { code: 'BB_ERR_UNAUTHORIZED', status: 401 }, undefined]);
    const bad = connect({ token: 'mallory-token-0123456789' }, { cookie: `bb_session=${live}` });
    assert.deepEqual(bad.err instanceof Error ? bad.err.data : bad.err, { code: 'BB_ERR_UNAUTHORIZED', status: 401 }, 'a wrong token is not rescued by the cookie');
  });
});

describe('settings.api as configured', () => {
  const api = (input: Record<string, unknown>) => settingsSchema.safeParse({ api: input });
  it('defaults to the loopback names, no other origins, 12-hour logins (an existing config keeps working)', () => {
    const parsed = settingsSchema.parse({});
    assert.deepEqual([parsed.api.hosts, parsed.api.origins, parsed.api.sessionLifetime], [LOOPBACK_HOSTS, [], 43_200_000]);
    assert.deepEqual(settingsSchema.parse({ api: { protectReads: true } }).api.hosts, LOOPBACK_HOSTS);
  });
  it('takes host names with or without a port, in any case; refuses anything else', () => {
    const ok = api({ hosts: ['NOC.example.com', 'noc:8443', '[::1]:8080', '10.1.2.3'] });
    assert.deepEqual(ok.success ? ok.data.api.hosts : ok.error.issues, ['noc.example.com', 'noc:8443', '[::1]:8080', '10.1.2.3']);
    for (const bad of [[], ['http://noc.example.com'], ['noc/x'], ['*'], ['noc:port']]) assert.equal(api({ hosts: bad }).success, false, JSON.stringify(bad));
  });
  it('takes origins as scheme://host[:port] and nothing more', () => {
    const ok = api({ origins: ['https://noc.example.com', 'http://noc.example.com:8080/', 'HTTPS://NOC.example.com:443'] });
    assert.deepEqual(ok.success ? ok.data.api.origins : ok.error.issues, ['https://noc.example.com', 'http://noc.example.com:8080', 'https://noc.example.com']);
    for (const bad of ['noc.example.com', 'https://noc.example.com/wall', 'ftp://noc.example.com', 'https://user:pw@noc.example.com', 'https://noc.example.com/?x=1', 'null']) {
      const r = api({ origins: [bad] });
      assert.equal(r.success, false, bad);
      if (!r.success) assert.match(r.error.issues[0]!.message, /an origin such as/);
    }
  });
  it('reads the login lifetime as a duration', () => {
    const r = api({ sessionLifetime: '30m' });
    assert.equal(r.success ? r.data.api.sessionLifetime : null, 1_800_000);
  });
});
