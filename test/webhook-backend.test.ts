import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, beforeEach, describe, it } from 'node:test';
import { WebhookBackend, WebhookDeliveryError } from '../src/backends/webhook-backend.js';
import type { MembershipEntry } from '../src/backends/pool-backend.js';
import type { BackendConfig } from '../src/config/schema.js';
import { createLogger } from '../src/log.js';
import { WatchedClock } from './helpers/watched-clock.js';

type WebhookConfig = Extract<BackendConfig, { type: 'webhook' }>;

interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** Fake time when it arrived. */
  at: number;
}

interface TestServer {
  url: string;
  host: string;
  requests: Received[];
  /** Resolves once `n` requests have arrived. */
  arrived(n: number): Promise<void>;
  close(): Promise<void>;
}

const servers: TestServer[] = [];
after(async () => { await Promise.all(servers.map((s) => s.close())); });

// Waits (backoff, Retry-After, timeouts) run on this clock; a test moves it, nothing sleeps.
let clock = new WatchedClock();
beforeEach(() => { clock = new WatchedClock(); });

/** A real HTTP server on 127.0.0.1; `respond` gets the request number (0-based) and may leave it unanswered. */
async function serve(respond: (n: number, req: Received, res: ServerResponse) => void): Promise<TestServer> {
  const requests: Received[] = [];
  const seen = new EventEmitter();
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const received = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks), at: clock.now() };
      requests.push(received);
      seen.emit('request');
      respond(requests.length - 1, received, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const s: TestServer = {
    url: `http://127.0.0.1:${port}/hook`,
    host: `127.0.0.1:${port}`,
    requests,
    arrived: (n) => new Promise<void>((resolve) => {
      const check = () => { if (requests.length >= n) { seen.off('request', check); resolve(); } };
      seen.on('request', check);
      check();
    }),
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
  servers.push(s);
  return s;
}

const reply = (res: ServerResponse, status: number, headers: Record<string, string> = {}) => {
  res.writeHead(status, headers);
  res.end(status >= 400 ? `{"error":"status ${status}"}` : '{"ok":true}');
};

const spec = (url: string, extra: Partial<WebhookConfig> = {}): WebhookConfig => ({ type: 'webhook', url, timeout: 2_000, retries: 3, ...extra });
/** A backoff or Retry-After wait, not a per-attempt timeout (2 s, or 300 ms where a test sets it). */
const isWait = (ms: number) => ms !== 2_000 && ms !== 300;

const SECRET = 'hmac-key-0123456789-abcdef';

const members: MembershipEntry[] = [
  { node: 'web-01', state: 'active', reason: null, since: null },
  { node: 'web-02', state: 'drained', reason: 'PDU r1-pdu-a outlet 4 off — breaker “B2” tripped', since: 1_767_225_600_000 },
  { node: 'web-03', state: 'active', reason: 'drain blocked by max-drained-fraction', since: null },
];

function verify(body: Buffer, header: string | undefined, key: string): boolean {
  if (!header?.startsWith('sha256=')) assert.fail(`signature header ${header}`);
  const got = Buffer.from(header.slice('sha256='.length), 'hex');
  const want = createHmac('sha256', key).update(body).digest();
  return got.length === want.length && timingSafeEqual(got, want);
}

describe('webhook backend', () => {
  it('POSTs the membership as JSON with the documented headers', async () => {
    const s = await serve((_n, _req, res) => reply(res, 204));
    await new WebhookBackend(spec(s.url), { clock }).apply('web', members);
    assert.equal(s.requests.length, 1);
    const [req] = s.requests;
    assert.ok(req);
    assert.equal(req.method, 'POST');
    assert.equal(req.url, '/hook');
    assert.equal(req.headers['content-type'], 'application/json');
    assert.equal(req.headers['user-agent'], 'breakerbox');
    assert.match(String(req.headers['x-breakerbox-delivery']), /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.equal(req.headers['x-breakerbox-signature'], undefined, 'no secret, no signature');
    assert.equal(req.headers.authorization, undefined);
    const payload = JSON.parse(req.body.toString('utf8'));
    assert.deepEqual(Object.keys(payload).sort(), ['active', 'members', 'pool', 'time']);
    assert.equal(payload.pool, 'web');
    assert.equal(payload.time, clock.now(), 'the time of the injected clock');
    assert.deepEqual(payload.members, members);
    assert.deepEqual(payload.active, ['web-01', 'web-03']);
  });

  it('signs the exact body bytes with HMAC-SHA256, which another key does not verify', async () => {
    const s = await serve((_n, _req, res) => reply(res, 200));
    await new WebhookBackend(spec(s.url, { secret: SECRET })).apply('web', members);
    const [req] = s.requests;
    assert.ok(req);
    const header = req.headers['x-breakerbox-signature'] as string;
    assert.match(header, /^sha256=[0-9a-f]{64}$/);
    assert.ok(verify(req.body, header, SECRET), 'verifies with the secret over the raw body');
    assert.ok(!verify(req.body, header, 'another-key-0123456789'), 'fails with another key');
    const tampered = Buffer.from(req.body.toString('utf8').replace('web-01', 'web-09'));
    assert.ok(!verify(tampered, header, SECRET), 'fails over a changed body');
  });

  it('retries 503s with backoff and succeeds, keeping one delivery id', async () => {
    const s = await serve((n, _req, res) => reply(res, n < 2 ? 503 : 200));
    const lines: string[] = [];
    const backend = new WebhookBackend(spec(s.url, { secret: SECRET }), { clock, log: createLogger('debug', { write: (l: string) => { lines.push(l); } }) });
    await clock.drive(backend.apply('web', members), isWait);
    assert.equal(s.requests.length, 3);
    const ids = new Set(s.requests.map((r) => r.headers['x-breakerbox-delivery']));
    assert.equal(ids.size, 1, 'same delivery id on every retry');
    assert.ok(s.requests.every((r) => r.body.equals(s.requests[0]!.body)), 'same body bytes on every retry');
    const [a, b, c] = s.requests.map((r) => r.at) as [number, number, number];
    assert.ok(b - a >= 180 && b - a <= 220, `first backoff 200 ms ±10%, was ${b - a}`);
    assert.ok(c - b >= 360 && c - b <= 440, `second backoff 400 ms ±10%, was ${c - b}`);
    assert.equal(lines.length, 2, 'each retry logged');
    assert.match(lines[0]!, /HTTP 503/);

    const at = clock.now();
    await backend.apply('web', members);
    assert.equal(clock.now(), at, 'a delivery that succeeds at once waits for nothing');
    assert.equal(s.requests.length, 4);
    assert.notEqual(s.requests[3]!.headers['x-breakerbox-delivery'], s.requests[0]!.headers['x-breakerbox-delivery'], 'a new delivery gets a new id');
  });

  it('honours Retry-After on a 429, in seconds or as a date on its clock, up to 10 s', async () => {
    const s = await serve((n, _req, res) => (n === 0 ? reply(res, 429, { 'Retry-After': '1' }) : reply(res, 200)));
    await clock.drive(new WebhookBackend(spec(s.url), { clock }).apply('web', members), isWait);
    assert.equal(s.requests.length, 2);
    assert.equal(s.requests[1]!.at - s.requests[0]!.at, 1_000, 'Retry-After: 1 waits exactly a second, not the 200 ms backoff');

    const date = new Date(clock.now() + 3_000).toUTCString();
    const d = await serve((n, _req, res) => (n === 0 ? reply(res, 503, { 'Retry-After': date }) : reply(res, 200)));
    await clock.drive(new WebhookBackend(spec(d.url), { clock }).apply('web', members), isWait);
    assert.equal(d.requests[1]!.at - d.requests[0]!.at, 3_000, `Retry-After: ${date} read against the injected clock`);

    const long = await serve((n, _req, res) => (n === 0 ? reply(res, 429, { 'Retry-After': '3600' }) : reply(res, 200)));
    await clock.drive(new WebhookBackend(spec(long.url), { clock }).apply('web', members), isWait);
    assert.equal(long.requests[1]!.at - long.requests[0]!.at, 10_000, 'an hour is capped at 10 s');
  });

  it('fails at once on a 400, without retries', async () => {
    const s = await serve((_n, _req, res) => reply(res, 400));
    const backend = new WebhookBackend(spec(s.url, { retries: 5 }), { clock });
    const started = clock.now();
    await assert.rejects(backend.apply('web', members), (err: Error) => {
      assert.ok(err instanceof WebhookDeliveryError);
      assert.match(err.message, /HTTP 400/);
      assert.match(err.message, /not retried/);
      assert.ok(err.message.includes(s.host), err.message);
      assert.equal(err.status, 400);
      assert.equal(err.attempts, 1);
      return true;
    });
    assert.equal(s.requests.length, 1);
    assert.equal(clock.now(), started, 'no fake time passed');
    assert.deepEqual(clock.live(), [], 'no backoff wait scheduled, the timeout timer cancelled');
  });

  it('does not follow redirects', async () => {
    const s = await serve((_n, req, res) => (req.url === '/hook' ? reply(res, 302, { Location: '/elsewhere' }) : reply(res, 200)));
    await assert.rejects(new WebhookBackend(spec(s.url)).apply('web', members), /HTTP 302.*redirects are not followed/);
    assert.deepEqual(s.requests.map((r) => r.url), ['/hook']);
  });

  it('times out on a receiver that never answers and, after the retries, says so', async () => {
    const s = await serve(() => { /* never answers */ });
    const backend = new WebhookBackend(spec(s.url, { timeout: 300, retries: 2 }), { clock });
    const started = clock.now();
    const delivery = backend.apply('web', members);
    delivery.catch(() => {});
    for (let n = 1; n <= 3; n++) {
      await s.arrived(n);
      const timeout = await clock.timer((ms) => ms === 300);
      assert.equal(timeout.at, s.requests[n - 1]!.at + 300, 'each attempt has its own timeout, on the clock');
      clock.advance(timeout.ms);
      if (n < 3) clock.advance((await clock.timer(isWait)).ms);
    }
    await assert.rejects(delivery, (err: Error) => {
      assert.equal(err.message, `webhook delivery of pool web to http://${s.host} failed after 3 attempts: no answer within 300 ms`);
      return true;
    });
    const took = clock.now() - started;
    assert.equal(s.requests.length, 3);
    assert.ok(took >= 3 * 300 + 180 + 360 && took <= 3 * 300 + 220 + 440, `took ${took} ms of fake time`);
  });

  it('reports a refused connection as a network error, after retrying it', async () => {
    const s = await serve(() => {});
    await s.close();
    await assert.rejects(clock.drive(new WebhookBackend(spec(s.url, { retries: 1 }), { clock }).apply('web', members), isWait), /failed after 2 attempts: .*ECONNREFUSED/);
  });

  it('never puts the secret, URL credentials or query in the error or the log', async () => {
    const s = await serve((_n, _req, res) => reply(res, 500));
    const port = s.host.split(':')[1];
    const url = `http://hook-user:p%40ss-w0rd-xyz@127.0.0.1:${port}/hook/T0123?token=query-t0ken-abc&x=1`;
    const lines: string[] = [];
    const log = createLogger('debug', { write: (l: string) => { lines.push(l); } });
    const consoled: string[] = [];
    const saved = { log: console.log, info: console.info, warn: console.warn, error: console.error, debug: console.debug };
    for (const k of Object.keys(saved) as (keyof typeof saved)[]) console[k] = (...args: unknown[]) => { consoled.push(args.map(String).join(' ')); };
    let error: Error | undefined;
    try {
      await clock.drive(new WebhookBackend(spec(url, { secret: SECRET, retries: 2 }), { log, clock }).apply('web', members), isWait);
    } catch (err) {
      error = err as Error;
    } finally {
      Object.assign(console, saved);
    }
    assert.ok(error, 'delivery failed');
    assert.equal(error.message, `webhook delivery of pool web to http://${s.host} failed after 3 attempts: HTTP 500 Internal Server Error`);
    assert.equal(lines.length, 2, 'retries were logged');
    const everything = [error.message, String(error.stack), JSON.stringify(error), ...lines, ...consoled].join('\n');
    for (const secret of [SECRET, 'p@ss-w0rd-xyz', 'p%40ss-w0rd-xyz', 'query-t0ken-abc', 'T0123']) {
      assert.ok(!everything.includes(secret), `${secret} leaked`);
    }
    // The credentials still reach the receiver, as Basic auth, and the query as given.
    const [req] = s.requests;
    assert.ok(req);
    assert.equal(req.headers.authorization, `Basic ${Buffer.from('hook-user:p@ss-w0rd-xyz').toString('base64')}`);
    assert.equal(req.url, '/hook/T0123?token=query-t0ken-abc&x=1');
  });

  it('reads back the active set of the last successful delivery, per pool', async () => {
    let fail = false;
    const s = await serve((_n, _req, res) => reply(res, fail ? 400 : 200));
    const backend = new WebhookBackend(spec(s.url), { clock });
    assert.equal(await backend.readActive('web'), null, 'unknown before the first delivery');
    await backend.apply('web', members);
    assert.deepEqual(await backend.readActive('web'), new Set(['web-01', 'web-03']));
    assert.equal(await backend.readActive('db'), null, 'other pools stay unknown');

    const copy = await backend.readActive('web');
    copy?.add('intruder');
    assert.deepEqual(await backend.readActive('web'), new Set(['web-01', 'web-03']), 'callers get a copy');

    await backend.apply('web', members.map((m) => ({ ...m, state: 'active' as const, reason: null, since: null })));
    assert.deepEqual(await backend.readActive('web'), new Set(['web-01', 'web-02', 'web-03']));

    fail = true;
    await assert.rejects(backend.apply('web', members));
    assert.equal(await backend.readActive('web'), null, 'unknown again after a failed delivery');
    assert.equal(await new WebhookBackend(spec(s.url)).readActive('web'), null, 'a new instance (restart) knows nothing');
  });
});
