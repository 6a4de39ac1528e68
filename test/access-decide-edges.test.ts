// The access decision at its edges: refusal messages quote at most 100 characters of what was sent,
// no cookie never asks the session store, only a GET or HEAD page load goes to the login page, and the
// live connection refuses a page of another origin even though it is a read.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { IncomingMessage } from 'node:http';
import type { Request, Response } from 'express';
import type { Socket } from 'socket.io';
import { accessMiddleware, decide, socketMiddleware, type AccessRequest, type AccessSettings } from '../src/http/access.js';
import type { SessionStore } from '../src/http/sessions.js';

function req(r: Partial<AccessRequest> = {}): AccessRequest {
  return {
    method: 'GET', host: '127.0.0.1:8080', origin: undefined, referer: undefined, fetchSite: undefined, contentType: undefined,
    hasBody: false, bearer: undefined, session: undefined, remoteAddress: '127.0.0.1', socket: false, open: false, ...r,
  };
}
const post = (r: Partial<AccessRequest> = {}) => req({ method: 'POST', contentType: 'application/json', hasBody: true, ...r });
const settings = (s: Partial<AccessSettings> = {}): AccessSettings => ({ tokens: [], protectReads: false, hosts: ['localhost', '127.0.0.1'], origins: [], ...s });
/** A store that knows every id, so a lookup made without a cookie would show. */
const everyone: Pick<SessionStore, 'lookup'> = { lookup: (id) => (typeof id === 'string' ? `holder of ${id}` : 'nobody asked for this') };
const none: Pick<SessionStore, 'lookup'> = { lookup: () => null };

function refusal(r: AccessRequest, s = settings()): { status: number; code: string; error: string } {
  const v = decide(r, s, none);
  assert.equal(v.ok, false, 'refused');
  return v as { status: number; code: string; error: string };
}

describe('refusal messages', () => {
  const long = `http://${'a'.repeat(493)}.example`;
  const rows: [string, AccessRequest, string, RegExp][] = [
    ['a long Origin on a change', post({ origin: long }), long, /^changes may not come from a page of another origin \(/],
    ['a long Referer on a change', post({ referer: `${long}/page` }), `${long}/page`, /^changes may not come from a page of another origin \(/],
    ['a long Origin on the live connection', req({ origin: long, socket: true }), long, /^the live connection may not come from a page of another origin \(/],
  ];
  for (const [what, r, sent, start] of rows) {
    it(`${what} is quoted to 100 characters`, () => {
      const v = refusal(r);
      assert.deepEqual([v.status, v.code], [403, 'BB_ERR_BAD_ORIGIN']);
      assert.match(v.error, start);
      assert.ok(v.error.includes(`(${sent.slice(0, 100)})`), v.error);
      assert.ok(!v.error.includes(sent.slice(0, 101)), 'no more than 100 characters');
    });
  }

  it('the Referer is quoted when there is no Origin, Sec-Fetch-Site when there is neither', () => {
    assert.match(refusal(post({ referer: 'http://evil.example/x' })).error, /\(http:\/\/evil\.example\/x\)/);
    assert.match(refusal(post({ fetchSite: 'cross-site' })).error, /\(cross-site\): allowed are/);
    assert.match(refusal(post({ origin: 'http://evil.example', referer: 'http://other.example/' })).error, /\(http:\/\/evil\.example\)/);
  });

  it('a long Host is quoted to 100 characters, a missing one as ""', () => {
    const host = `${'h'.repeat(300)}.example`;
    const v = refusal(req({ host }));
    assert.deepEqual([v.status, v.code], [421, 'BB_ERR_BAD_HOST']);
    assert.equal(v.error, `Host "${host.slice(0, 100)}" is not a name this service answers to: add it to settings.api.hosts`);
    assert.equal(refusal(req({ host: undefined })).error, 'Host "" is not a name this service answers to: add it to settings.api.hosts');
  });
});

describe('sessions', () => {
  it('no cookie never asks the session store', () => {
    let asked = 0;
    const counting: Pick<SessionStore, 'lookup'> = { lookup: (id, t) => { asked++; return everyone.lookup(id, t); } };
    assert.deepEqual(decide(req(), settings({ protectReads: true, tokens: [{ name: 'a', token: 'a-token-0123456789' }] }), counting),
      { ok: false, status: 401, code: 'BB_ERR_UNAUTHORIZED', error: 'reads need a bearer token or a wall login (POST /api/login)' });
    assert.deepEqual(decide(req(), settings(), counting), { ok: true, caller: 'anonymous', session: null });
    assert.equal(asked, 0);
  });

  it('a known cookie names its holder and is handed back', () => {
    assert.deepEqual(decide(req({ session: 's1' }), settings({ protectReads: true }), everyone), { ok: true, caller: 'holder of s1', session: 's1' });
    assert.deepEqual(decide(post({ session: 's1', origin: 'http://127.0.0.1:8080' }), settings(), everyone), { ok: true, caller: 'holder of s1', session: 's1' });
  });
});

describe('where a refused request goes', () => {
  const protect = () => settings({ protectReads: true, tokens: [{ name: 'a', token: 'a-token-0123456789' }] });
  function http(method: string, path: string, headers: Record<string, string> = {}) {
    const out: { status?: number; code?: string; redirect?: string; passed: boolean } = { passed: false };
    const incoming = { method, headers: { host: '127.0.0.1:8080', ...headers }, socket: { remoteAddress: '127.0.0.1' } };
    const r = { ...incoming, path, originalUrl: path } as unknown as Request;
    const res = {
      locals: {},
      status(n: number) { out.status = n; return this; },
      json(b: { code: string }) { out.code = b.code; },
      redirect(_code: number, url: string) { out.redirect = url; },
    } as unknown as Response;
    accessMiddleware(protect, none as SessionStore, () => false)(r, res, () => { out.passed = true; });
    return out;
  }
  const json = { 'content-type': 'application/json', 'content-length': '2' };
  const rows: [string, string, Record<string, string>, { status?: number; code?: string; redirect?: string; passed: boolean }][] = [
    ['GET', '/', {}, { passed: false, redirect: '/login.html?next=%2F' }],
    ['HEAD', '/', {}, { passed: false, redirect: '/login.html?next=%2F' }],
    ['GET', '/wall.html', {}, { passed: false, redirect: '/login.html?next=%2Fwall.html' }],
    ['POST', '/', json, { passed: false, status: 401, code: 'BB_ERR_UNAUTHORIZED' }],
    ['DELETE', '/index.html', {}, { passed: false, status: 401, code: 'BB_ERR_UNAUTHORIZED' }],
    ['OPTIONS', '/', {}, { passed: false, status: 401, code: 'BB_ERR_UNAUTHORIZED' }],
    ['GET', '/', { host: 'evil.example' }, { passed: false, status: 421, code: 'BB_ERR_BAD_HOST' }],
    ['POST', '/', {}, { passed: false, status: 415, code: 'BB_ERR_NOT_JSON' }],
    ['GET', '/', { authorization: 'Bearer a-token-0123456789' }, { passed: true }],
  ];
  for (const [method, path, headers, want] of rows) {
    it(`${method} ${path} ${JSON.stringify(headers)}`, () => assert.deepEqual(http(method, path, headers), want));
  }
});

describe('the live connection', () => {
  function connect(headers: Record<string, string>, method = 'GET', remoteAddress = '127.0.0.1') {
    const incoming = { method, headers: { host: '127.0.0.1:8080', ...headers }, socket: { remoteAddress } } as unknown as IncomingMessage;
    const socket = { handshake: { auth: {}, headers: incoming.headers }, request: incoming, data: undefined } as unknown as Socket;
    let err: (Error & { data?: unknown }) | undefined | 'never called' = 'never called';
    socketMiddleware(() => settings(), none as SessionStore)(socket, (e) => { err = e; });
    return err as (Error & { data?: unknown }) | undefined | 'never called';
  }

  it('refuses a page of another origin though it only reads', () => {
    const err = connect({ origin: 'http://evil.example' });
    assert.ok(err instanceof Error);
    assert.deepEqual(err.data, { code: 'BB_ERR_BAD_ORIGIN', status: 403 });
    assert.match(err.message, /^the live connection may not come from a page of another origin/);
  });

  it('lets its own page and a caller with no page in', () => {
    assert.equal(connect({ origin: 'http://127.0.0.1:8080' }), undefined);
    assert.equal(connect({}), undefined);
    assert.equal(connect({}, 'POST'), undefined, 'a handshake is a read, whatever its method');
    // Not loopback and no credentials: let in only because it is a read and reads are not protected.
    assert.equal(connect({}, 'POST', '192.0.2.5'), undefined, 'a remote handshake is a read too');
  });
});
