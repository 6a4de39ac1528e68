// The access seam in a real Chromium against the real app (the demo data center):
// - protectReads: the wall redirects to its login page; logging in there sets an HttpOnly cookie and the
//   wall loads and gets its snapshot over socket.io; the wall's own reload button works with the cookie.
// - CSRF: a page served by a second HTTP server (another origin) posts to the no-token loopback API:
//   a text/plain reload and a JSON drain are refused, nothing reloads, nothing drains.
// - DNS rebinding: a page whose name the browser resolves to 127.0.0.1 calls the API "same-origin":
//   refused for its Host, nothing drains.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { startApp, type App } from '../src/app.js';
import type { ApiPool } from '../src/http/api-types.js';
import { waitFor } from './helpers/demo-config.js';
import { CHROMIUM_ARGS, waitForMembers, wallDemoConfig } from './helpers/wall-demo.js';

const TOKEN = 'alice-token-0123456789';

describe('access seam in the browser (real app, real Chromium)', { timeout: 240_000 }, () => {
  let stateDir: string;
  let app: App;
  let browser: Browser;
  let attacker: Server;
  let attackerUrl: string;
  const pageErrors: string[] = [];

  /** State of a member, read by the test (its own loopback request, no browser involved). */
  async function member(pool: string, node: string): Promise<string> {
    const headers: Record<string, string> = app.config().settings.api.tokens.length ? { authorization: `Bearer ${TOKEN}` } : {};
    const pools = (await (await fetch(`${app.url}/api/pools`, { headers })).json()) as ApiPool[];
    return pools.find((p) => p.name === pool)!.members.find((m) => m.node === node)!.state;
  }
  const audited = (why: string) => app.drainStore.auditTrail(1_000).filter((e) => e.why === why);

  async function freshContext(): Promise<BrowserContext> {
    const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
    context.on('page', (p) => p.on('pageerror', (err) => pageErrors.push(err.message)));
    return context;
  }

  before(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'breakerbox-access-browser-'));
    app = await startApp({
      config: await wallDemoConfig(stateDir, (raw) => { raw.settings.api = { tokens: [], protectReads: false }; }),
      stateDir, logLevel: process.env.LOG_LEVEL ?? 'silent', simulate: true, port: 0, host: '127.0.0.1',
    });
    // The attacker's site: whatever page a test puts in `attackPage`.
    attacker = createServer((_req, res) => { res.writeHead(200, { 'content-type': 'text/html' }); res.end(attackPage); });
    await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
    attackerUrl = `http://attacker.test:${(attacker.address() as { port: number }).port}/`;
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      // Two names the attacker controls, both answered with 127.0.0.1 (rebind.test: after rebinding).
      // Chromium's own guard against public pages calling loopback is off: not every browser has one.
      args: [...CHROMIUM_ARGS, '--host-resolver-rules=MAP attacker.test 127.0.0.1, MAP rebind.test 127.0.0.1',
        '--disable-features=BlockInsecurePrivateNetworkRequests,PrivateNetworkAccessSendPreflights,LocalNetworkAccessChecks'],
    });
  });

  after(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => (attacker ? attacker.close(() => resolve()) : resolve()));
    await app?.stop();
    if (stateDir) await rm(stateDir, { recursive: true, force: true });
  });

  it('CSRF: a page of another origin cannot reload or drain through the no-token loopback API', async () => {
    Object.assign(app.config().settings.api, { tokens: [], protectReads: false });
    assert.equal(await member('scanners', 'scan-003'), 'active');
    attackPage = `<!doctype html><title>cute cats</title><script>
      const target = ${JSON.stringify(app.url)};
      const tries = [
        fetch(target + '/api/reload', { method: 'POST', mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ reason: 'csrf reload' }) }),
        fetch(target + '/api/pools/scanners/members/scan-003/drain', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ reason: 'csrf drain' }) }),
        fetch(target + '/api/pools/scanners/members/scan-003/drain', { method: 'POST', mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ reason: 'csrf drain' }) }),
      ];
      Promise.allSettled(tries).then((r) => { window.done = r.map((x) => x.status === 'fulfilled' ? x.value.type + ' ' + x.value.status : 'blocked'); });
    </script>`;
    const context = await freshContext();
    const page = await context.newPage();
    const answers: string[] = [];
    page.on('response', (r) => { if (r.url().startsWith(app.url) && r.request().method() === 'POST') answers.push(`${new URL(r.url()).pathname} ${r.status()}`); });
    await page.goto(attackerUrl);
    const done = await page.waitForFunction(() => (window as unknown as { done?: string[] }).done, null, { timeout: 15_000 });
    const outcomes = (await done.jsonValue()) as string[];
    // The JSON drain never leaves the browser (CORS preflight unanswered); the simple ones reach the seam and are refused.
    assert.equal(outcomes[1], 'blocked');
    assert.deepEqual(answers.sort(), ['/api/pools/scanners/members/scan-003/drain 403', '/api/reload 403']);
    assert.equal(app.reloader.lastResult(), null, 'no reload ran');
    assert.deepEqual(audited('csrf reload'), []);
    assert.deepEqual(audited('csrf drain'), []);
    assert.equal(await member('scanners', 'scan-003'), 'active', 'nothing drained');
    await context.close();
  });

  it('DNS rebinding: a page that is "same-origin" under a rebound name is refused for its Host', async () => {
    Object.assign(app.config().settings.api, { tokens: [], protectReads: false });
    assert.equal(await member('scanners', 'scan-004'), 'active');
    const rebound = `http://rebind.test:${app.port}/`;
    const context = await freshContext();
    const page = await context.newPage();
    // The first answer for rebind.test was the attacker's server: it served this page. Every later
    // request resolves to 127.0.0.1 and reaches Breakerbox.
    await page.route(rebound, (route) => route.fulfill({ contentType: 'text/html', body: `<!doctype html><title>rebound</title><script>
      Promise.all([
        fetch('/api/pools/scanners/members/scan-004/drain', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ reason: 'rebound drain' }) }),
        fetch('/api/snapshot'),
      ]).then(async (rs) => { window.done = await Promise.all(rs.map(async (r) => r.status + ' ' + (await r.json()).code)); });
    </script>` }));
    await page.goto(rebound);
    const done = await page.waitForFunction(() => (window as unknown as { done?: string[] }).done, null, { timeout: 15_000 });
    assert.deepEqual(await done.jsonValue(), ['421 BB_ERR_BAD_HOST', '421 BB_ERR_BAD_HOST']);
    assert.deepEqual(audited('rebound drain'), []);
    assert.equal(await member('scanners', 'scan-004'), 'active', 'nothing drained');
    await context.close();
  });

  it('protectReads: the wall sends you to log in; after it, the wall loads and gets its snapshot', async () => {
    Object.assign(app.config().settings.api, { tokens: [{ name: 'alice', token: TOKEN }], protectReads: true });
    const context = await freshContext();
    const page = await context.newPage();
    const refused = await page.request.get(`${app.url}/wall.js`);
    assert.equal(refused.status(), 401, 'the wall\'s files need the login');

    await page.goto(`${app.url}/?operator`);
    await page.getByTestId('login-token').waitFor({ state: 'visible', timeout: 10_000 });
    assert.equal(new URL(page.url()).pathname, '/login.html');
    await page.getByTestId('login-token').fill('mallory-token-0123456789');
    await page.getByTestId('login-submit').click();
    await page.waitForFunction(() => /refused/.test(document.querySelector('[data-testid="login-status"]')?.textContent ?? ''), null, { timeout: 10_000 });

    await page.getByTestId('login-token').fill(TOKEN);
    await page.getByTestId('login-submit').click();
    await page.waitForURL((u) => u.pathname === '/' && u.search === '?operator', { timeout: 10_000 });
    await waitForMembers(page, ['scan-001', 'stor-01'], { state: 'active' });
    assert.equal(await page.getByTestId('connection').getAttribute('data-state'), 'live', 'the live connection was let in');

    const cookies = await context.cookies(app.url);
    const session = cookies.find((c) => c.name === 'bb_session');
    assert.ok(session, `a session cookie in ${JSON.stringify(cookies.map((c) => c.name))}`);
    assert.equal(session.httpOnly, true);
    assert.equal(session.sameSite, 'Strict');
    assert.equal(session.path, '/');
    assert.notEqual(session.value, TOKEN);
    assert.equal(await page.evaluate(() => document.cookie.includes('bb_session')), false, 'scripts cannot read it');

    // A change from the wall itself, with the cookie and the wall's own Origin: allowed, and signed by alice.
    await page.getByTestId('operator-toggle').click();
    await page.getByTestId('operator-panel').waitFor({ state: 'hidden' });
    // (The reload itself may take a while; its audit entry is written when it is accepted.)
    const sent = page.waitForRequest((r) => r.url() === `${app.url}/api/reload` && r.method() === 'POST');
    await page.getByTestId('reload-now').click();
    assert.equal((await sent).headers()['content-type'], 'application/json', 'a bodiless change goes as JSON');
    await waitFor('the reload audited', () => audited('reload now').length > 0, 30_000);
    assert.deepEqual(audited('reload now').map((e) => e.who), ['alice']);
    assert.deepEqual(pageErrors, []);
    await context.close();
  });
});

let attackPage = '<!doctype html><title>nothing yet</title>';
