// The wall's operator mode in a real Chromium against the real app, with API tokens configured so
// every change needs one: pick a member, hold it out (the API answers 401, the wall asks for the
// token, retries), see it held live and in the audit trail, release it, pin another in, reload with
// a reason; shadow mode and every blocking rule show on the pools. The wall itself stays a wall.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startApp } from '../src/app.js';
import type { Config } from '../src/config/schema.js';
import { CHROMIUM_ARGS, fitsScreen, waitForMembers, wallDemoConfig } from './helpers/wall-demo.js';

const SCREENSHOT = '/tmp/wall-operator.png';
const SCREENSHOT_WALL = '/tmp/wall-operator-off.png';
const TOKEN = 'alice-token-0123456789';
const TOKEN_KEY = 'breakerbox.apiToken';
const scan = (i: number) => `scan-${String(i).padStart(3, '0')}`;

interface AuditEntry { id: number; time: number; who: string; action: string; pool: string | null; node: string | null; why: string }

/**
 * The demo data center, fast, with a token for alice. The storage pool runs in shadow mode, and the
 * scanners pool has a tight cap and rate limit so one bank trip is blocked by two rules at once.
 */
function demoConfig(stateDir: string): Promise<Config> {
  return wallDemoConfig(stateDir, (raw) => {
    const scanners = raw.pools.find((p) => p.name === 'scanners')!;
    scanners.drain = { ...scanners.drain, maxDrainedFraction: 0.1, maxDrainsPerMinute: 5 };
    raw.pools.find((p) => p.name === 'storage')!.shadow = true;
    raw.settings.api = { tokens: [{ name: 'alice', token: TOKEN }] };
  });
}

describe('NOC wall operator mode (browser, real app, API tokens)', { timeout: 240_000 }, () => {
  let stateDir: string;
  let app: Awaited<ReturnType<typeof startApp>> | undefined;
  let browser: Browser | undefined;
  let page: Page;
  const pageErrors: string[] = [];

  async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${app!.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    assert.ok(res.ok, `${method} ${path}: HTTP ${res.status} ${await res.clone().text()}`);
    return (await res.json()) as T;
  }

  /** The audit entry the API holds for this action on this node (newest first), and its row on the wall. */
  async function auditRow(action: string, node: string | null, why: string) {
    const trail = await api<AuditEntry[]>('GET', '/api/audit');
    const entry = trail.find((e) => e.action === action && e.node === node && e.why === why);
    assert.ok(entry, `audit entry ${action} ${node} "${why}" in ${JSON.stringify(trail)}`);
    const row = page.getByTestId(`audit-row-${entry.id}`);
    await row.waitFor({ state: 'visible', timeout: 10_000 });
    return { entry, text: await row.innerText() };
  }

  /** Opens the reason form for an action on the picked member and confirms it. */
  async function act(action: string, reason: string): Promise<void> {
    await page.getByTestId(`action-${action}`).click();
    await page.getByTestId('action-reason').fill(reason);
    await page.getByTestId('action-confirm').click();
  }

  before(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'breakerbox-wall-op-'));
    app = await startApp({ config: await demoConfig(stateDir), stateDir, logLevel: process.env.LOG_LEVEL ?? 'silent', simulate: true, port: 0, host: '127.0.0.1' });
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    page.on('pageerror', (err) => pageErrors.push(err.message));
    // The browser logs each refused request (401) as a console error: that is the API working.
    page.on('console', (msg) => { if (msg.type() === 'error' && !/status of 401/.test(msg.text())) pageErrors.push(msg.text()); });
  });

  after(async () => {
    await browser?.close();
    await app?.stop();
    if (stateDir) await rm(stateDir, { recursive: true, force: true });
  });

  it('the normal wall: operator mode off, shadow mode shown on its pool, no scrolling', async () => {
    await page.goto(app!.url);
    await waitForMembers(page, [scan(1), scan(2), 'stor-01'], { state: 'active', power: 'normal' });
    assert.ok(await page.getByTestId('operator-toggle').isVisible(), 'a small operator button');
    assert.equal(await page.getByTestId('operator-toggle').getAttribute('aria-pressed'), 'false');
    assert.ok(await page.getByTestId('operator-panel').isHidden(), 'no operator panel on the wall');

    const shadow = page.getByTestId('pool-shadow-storage');
    assert.ok(await shadow.isVisible(), 'storage runs in shadow mode: said on its pool');
    assert.match(await shadow.innerText(), /SHADOW — would drain 0/);
    assert.ok(await page.getByTestId('pool-shadow-scanners').isHidden(), 'scanners run live');
    assert.equal(await page.getByTestId('overall-status').getAttribute('data-level'), 'ok');

    // Clicking a chip on the wall opens the node's page (wall-drilldown.browser.test.ts), not the operator panel.
    await page.getByTestId(`member-${scan(1)}`).click();
    await page.getByTestId('detail-page').waitFor({ state: 'visible' });
    assert.ok(await page.getByTestId('operator-panel').isHidden());
    await page.keyboard.press('Escape');
    await page.getByTestId('racks').waitFor({ state: 'visible' });

    const size = await fitsScreen(page);
    assert.ok(size.scrollHeight <= 1080 && size.scrollWidth <= 1920, `no scrolling at 1920×1080, got ${size.scrollWidth}×${size.scrollHeight}`);

    // The button turns operator mode on and off, and the URL follows.
    await page.getByTestId('operator-toggle').click();
    await page.getByTestId('operator-panel').waitFor({ state: 'visible' });
    assert.match(page.url(), /[?&]operator\b/);
    await page.getByTestId('operator-toggle').click();
    await page.getByTestId('operator-panel').waitFor({ state: 'hidden' });
    assert.doesNotMatch(page.url(), /operator/);
  });

  it('?operator opens operator mode; clicking scan-001 shows its detail', async () => {
    await page.goto(`${app!.url}/?operator`);
    await page.getByTestId('operator-panel').waitFor({ state: 'visible', timeout: 10_000 });
    await waitForMembers(page, [scan(1)], { state: 'active', power: 'normal' });
    assert.equal(await page.getByTestId('operator-toggle').getAttribute('aria-pressed'), 'true');
    // Nothing picked: no action is possible.
    assert.ok(await page.getByTestId('action-hold-out').isDisabled());

    await page.getByTestId(`member-${scan(1)}`).click();
    const detail = page.getByTestId('member-detail');
    await page.waitForSelector(`[data-testid="member-detail"][data-node="${scan(1)}"]`, { timeout: 5_000 });
    const text = await detail.innerText();
    assert.match(text, /scan-001/);
    assert.match(text, /active/i);
    assert.match(text, /normal/);
    assert.match(text, /scanners/);
    assert.equal(await detail.getByTestId('detail-state').getAttribute('data-state'), 'active');
    assert.ok(await page.getByTestId('action-hold-out').isEnabled());
    assert.ok(await page.getByTestId('action-hold-in').isEnabled());
    assert.ok(await page.getByTestId('action-drain').isEnabled());
    assert.ok(await page.getByTestId('action-release').isDisabled(), 'nothing to release');
  });

  it('holds scan-001 out: a reason is required, the 401 asks for the token, the retry holds it', async () => {
    await page.evaluate(() => { (window as unknown as { wallMark: number }).wallMark = 42; });
    const reason = 'disk replacement, ticket OPS-4711';

    // No reason, no request.
    await page.getByTestId('action-hold-out').click();
    await page.getByTestId('action-confirm').click();
    assert.match(await page.getByTestId('action-status').innerText(), /reason/i);
    assert.ok(await page.getByTestId('action-reason').isVisible(), 'the form stays open');
    assert.equal((await api<AuditEntry[]>('GET', '/api/audit')).length, 0, 'nothing was sent');

    await page.getByTestId('action-reason').fill(reason);
    await page.getByTestId('action-confirm').click();
    const tokenInput = page.getByTestId('token-input');
    await tokenInput.waitFor({ state: 'visible', timeout: 10_000 });
    assert.equal(await tokenInput.getAttribute('type'), 'password');
    assert.match(await page.getByTestId('token-message').innerText(), /token/i);
    // A wrong token is refused (401 again) and the wall asks once more.
    await tokenInput.fill('mallory-token-0123456789');
    await page.getByTestId('token-submit').click();
    await page.waitForFunction(() => /refused/.test(document.querySelector('[data-testid="token-message"]')?.textContent ?? ''), undefined, { timeout: 10_000 });
    assert.ok(await tokenInput.isVisible());
    assert.equal(await page.evaluate((k) => sessionStorage.getItem(k), TOKEN_KEY), null, 'a refused token is not kept');
    await tokenInput.fill(TOKEN);
    await page.getByTestId('token-submit').click();

    await waitForMembers(page, [scan(1)], { state: 'held' }, 10_000);
    await page.waitForSelector(`[data-testid="member-detail"] [data-testid="detail-state"][data-state="held"]`, { timeout: 5_000 });
    assert.match(await page.getByTestId('member-detail').innerText(), /alice/);
    assert.match(await page.getByTestId('action-status').innerText(), /held out/);

    const { text } = await auditRow('hold-out', scan(1), reason);
    assert.match(text, /alice/);
    assert.match(text, /hold-out/i);
    assert.match(text, /scan-001/);
    assert.ok(text.includes(reason), `the reason in ${JSON.stringify(text)}`);

    // The token lives in sessionStorage only and is never shown back in full.
    assert.equal(await page.evaluate((k) => sessionStorage.getItem(k), TOKEN_KEY), TOKEN);
    // localStorage keeps the wall's topology alone (src/http/wall-feed.ts).
    const stored = await page.evaluate(() => Object.entries(localStorage));
    assert.deepEqual(stored.map(([k]) => k), ['breakerbox.topology:{}']);
    assert.ok(!JSON.stringify(stored).includes(TOKEN));
    assert.ok(await tokenInput.isHidden());
    assert.equal(await tokenInput.inputValue(), '');
    const tokenState = await page.getByTestId('token-state').innerText();
    assert.match(tokenState, /alice/);
    assert.ok(!(await page.evaluate(() => document.body.innerText)).includes(TOKEN), 'the token is not on the page');
    assert.ok(!(await page.content()).includes(TOKEN), 'nor in the DOM');

    assert.equal(await page.evaluate(() => (window as unknown as { wallMark?: number }).wallMark), 42, 'the page was not reloaded');
  });

  it('releases scan-001: active again, with the stored token and no question', async () => {
    await act('release', 'disk replaced');
    await waitForMembers(page, [scan(1)], { state: 'active' }, 10_000);
    assert.ok(await page.getByTestId('token-input').isHidden(), 'no second question');
    const { text } = await auditRow('release', scan(1), 'disk replaced');
    assert.match(text, /alice/);
    assert.match(text, /release/i);
    assert.ok(await page.getByTestId('action-release').isDisabled());
    assert.equal(await page.evaluate(() => (window as unknown as { wallMark?: number }).wallMark), 42, 'the page was not reloaded');
  });

  it('pins scan-002 in: a pin mark on its chip', async () => {
    await page.getByTestId(`member-${scan(2)}`).click();
    await page.waitForSelector(`[data-testid="member-detail"][data-node="${scan(2)}"]`, { timeout: 5_000 });
    await act('hold-in', 'canary for the new scanner build');
    await waitForMembers(page, [scan(2)], { state: 'active', pinned: true }, 10_000);
    assert.ok(await page.getByTestId(`pin-${scan(2)}`).isVisible(), 'a pin mark');
    assert.equal(await page.getByTestId(`pin-${scan(1)}`).count(), 0, 'only on pinned members');
    await page.getByTestId('detail-pinned').waitFor({ state: 'visible', timeout: 5_000 });
    assert.ok(await page.getByTestId('action-release').isEnabled(), 'a pin can be released');
    assert.ok(await page.getByTestId('action-drain').isDisabled(), 'a pinned member is not drained by hand');
    const { text } = await auditRow('hold-in', scan(2), 'canary for the new scanner build');
    assert.match(text, /alice/);
  });

  it('"Reload now" asks for a reason in operator mode', async () => {
    await page.getByTestId('reload-now').click();
    await page.waitForSelector('[data-testid="action-form"][data-action="reload"]', { timeout: 5_000 });
    await page.getByTestId('action-reason').fill('new PDU cabling in r03');
    await page.getByTestId('action-confirm').click();
    await page.getByTestId('reload-outcome').waitFor({ state: 'visible', timeout: 15_000 });
    assert.match(await page.getByTestId('reload-outcome').innerText(), /reload/i);
    const { text } = await auditRow('reload', null, 'new PDU cabling in r03');
    assert.match(text, /alice/);
  });

  it('shows shadow mode and every blocking rule on the pools; held and pinned members stand out', async () => {
    // A second held member, held through the API, for the picture.
    await api('POST', `/api/pools/scanners/members/${scan(10)}/hold`, { mode: 'out', reason: 'RMA: failing fan' });
    // 20 scanners lose power: the 10% cap admits 8, the rate limit 5 of those.
    await api('POST', '/api/sim/faults', { kind: 'bank-trip', pdu: 'dal3-r07-a', bank: 1 });
    // The storage rack loses both feeds: in shadow mode Breakerbox only says what it would drain.
    await api('POST', '/api/sim/faults', { kind: 'inlet-loss', pdu: 'dal3-r08-a' });
    await api('POST', '/api/sim/faults', { kind: 'inlet-loss', pdu: 'dal3-r08-b' });

    const maxFraction = page.getByTestId('pool-blocked-scanners-max-drained-fraction');
    const rateLimit = page.getByTestId('pool-blocked-scanners-rate-limit');
    await maxFraction.waitFor({ state: 'visible', timeout: 30_000 });
    await rateLimit.waitFor({ state: 'visible', timeout: 10_000 });
    assert.match(await maxFraction.innerText(), /max-drained-fraction.*at most 8 of 80/s);
    assert.match(await rateLimit.innerText(), /rate-limit.*at most 5 drains a minute/s);

    await page.waitForFunction(() => /SHADOW — would drain [1-9]/.test(document.querySelector('[data-testid="pool-shadow-storage"]')?.textContent ?? ''), undefined, { timeout: 30_000 });
    assert.ok(await page.locator('[data-testid="pool-storage"] [data-would-drain="true"]').count() >= 1, 'the member it would drain is marked');
    await waitForMembers(page, ['stor-01', 'stor-02', 'stor-03', 'stor-04'], { state: 'active', power: 'lost' });

    await waitForMembers(page, [scan(10)], { state: 'held' });
    await waitForMembers(page, [scan(2)], { state: 'active', pinned: true });
    assert.notEqual(
      await page.getByTestId(`member-${scan(10)}`).evaluate((el) => getComputedStyle(el).backgroundColor),
      await page.getByTestId(`member-${scan(3)}`).evaluate((el) => getComputedStyle(el).backgroundColor),
      'a held member looks unlike an active one');

    // The audit trail shows the change made elsewhere, without anyone asking.
    await auditRow('hold-out', scan(10), 'RMA: failing fan');

    await page.getByTestId(`member-${scan(1)}`).click();
    await page.getByTestId('action-hold-out').click();
    await page.getByTestId('action-reason').fill('firmware update at 14:00');
    const size = await fitsScreen(page);
    await page.screenshot({ path: SCREENSHOT });
    assert.ok(size.scrollHeight <= 1080 && size.scrollWidth <= 1920, `operator mode fits 1920×1080 too, got ${size.scrollWidth}×${size.scrollHeight}`);
    await page.getByTestId('action-cancel').click();
    assert.equal(await page.getByTestId(`member-${scan(1)}`).getAttribute('data-state'), 'active', 'cancelled: nothing held');
  });

  it('turning operator mode off gives the wall back: no panel, no scrolling, even in a fault', async () => {
    await page.getByTestId('operator-toggle').click();
    await page.getByTestId('operator-panel').waitFor({ state: 'hidden' });
    assert.doesNotMatch(page.url(), /operator/);
    assert.equal(await page.locator('[data-testid^="member-"].selected').count(), 0, 'no member left picked');
    assert.ok(await page.getByTestId('pool-blocked-scanners-rate-limit').isVisible(), 'blocking rules show on the wall too');
    assert.ok(await page.getByTestId(`pin-${scan(2)}`).isVisible(), 'and pins');
    const size = await fitsScreen(page);
    await page.screenshot({ path: SCREENSHOT_WALL });
    assert.ok(size.scrollHeight <= 1080 && size.scrollWidth <= 1920, `no scrolling at 1920×1080, got ${size.scrollWidth}×${size.scrollHeight}`);
    assert.equal(await page.evaluate(() => (window as unknown as { wallMark?: number }).wallMark), 42, 'the page was not reloaded');
    assert.deepEqual(pageErrors, [], 'no errors in the page');
  });
});
