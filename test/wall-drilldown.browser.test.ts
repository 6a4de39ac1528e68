// Drill-down on the NOC wall in a real Chromium against the real demo app: deep links to a PDU, a node,
// a pool and a service (the older #pdu= link too), clicks from the wall into a node, a rack and a pool
// (not in operator mode, where a chip is picked instead), Back, Escape and the browser's back/forward,
// and a node's page following a bank trip live: its lost feed, its drain record's chain, its events.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startApp } from '../src/app.js';
import { CHROMIUM_ARGS, waitForMembers, wallDemoConfig } from './helpers/wall-demo.js';

const PDU = 'dal3-r07-a';
const NODE = 'scan-060'; // on outlet 4 of dal3-r07-a, bank 1: single-corded
const SERVICE = 'Inbound mail scanning';
const SCREENSHOT = '/tmp/wall-drilldown-test.png';

describe('NOC wall drill-down (browser, real app)', { timeout: 120_000 }, () => {
  let stateDir: string;
  let app: Awaited<ReturnType<typeof startApp>> | undefined;
  let browser: Browser | undefined;
  let page: Page;
  const pageErrors: string[] = [];

  const hash = () => page.evaluate(() => location.hash);
  const detail = (state: string) => page.waitForSelector(`[data-testid="detail-page"][data-state="${state}"]`, { timeout: 15_000 });
  /** Goes to this address in the open wall (as a link on the page would). */
  const follow = (h: string) => page.evaluate((to) => { location.hash = to; }, h);
  /** Opens the wall afresh at this address (a deep link, as from a chat message). */
  async function visit(h: string) {
    await page.goto('about:blank');
    await page.goto(`${app!.url}/${h}`);
  }

  before(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'breakerbox-wall-drilldown-'));
    app = await startApp({ config: await wallDemoConfig(stateDir), stateDir, logLevel: process.env.LOG_LEVEL ?? 'silent', simulate: true, port: 0, host: '127.0.0.1' });
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    page.on('pageerror', (err) => pageErrors.push(err.message));
    page.on('console', (msg) => { if (msg.type() === 'error') pageErrors.push(msg.text()); });
  });

  after(async () => {
    await browser?.close();
    await app?.stop();
    if (stateDir) await rm(stateDir, { recursive: true, force: true });
  });

  it('opens deep links to a PDU (also as #pdu=), a node, a pool and a service; Escape goes to the wall in place', async () => {
    await visit(`#/pdu/${PDU}`);
    await page.getByTestId('pdu-page').waitFor({ state: 'visible', timeout: 30_000 });
    assert.equal(await page.getByTestId('pdu-page-name').textContent(), PDU);
    // Inlets, and each outlet's node as a link to its page; recent events from GET /api/pdus/NAME.
    await page.waitForSelector('[data-testid="pdu-page-outlet-node-4"][href]', { timeout: 15_000 });
    assert.equal(await page.getByTestId('pdu-page-outlet-node-4').getAttribute('href'), `#/node/${NODE}`);
    // The simulated strips report no inlet: the section says so rather than showing nothing.
    assert.match(await page.getByTestId('pdu-page-inlets').innerText(), /^(I1 .*|no inlets reported)$/m);
    await page.waitForSelector('[data-testid="pdu-page-events"] li', { timeout: 15_000 });

    await follow('#pdu=dal3-r07-b');
    await page.waitForSelector('[data-testid="pdu-page-name"]:text-is("dal3-r07-b")');
    await page.getByTestId('pdu-page').waitFor({ state: 'visible', timeout: 30_000 });
    assert.equal(await page.getByTestId('pdu-page-name').textContent(), 'dal3-r07-b');

    await visit(`#/node/${NODE}`);
    await detail('ready');
    assert.equal(await page.getByTestId('detail-page').getAttribute('data-kind'), 'node');
    assert.equal(await page.getByTestId('detail-name').textContent(), NODE);
    assert.equal(await page.getByTestId('racks').isVisible(), false, 'the wall gives way to the page');
    await page.waitForSelector('[data-testid="node-psu-1"][data-feed="up"][data-outlet-state="on"][data-breaker="ok"]', { timeout: 15_000 });
    assert.equal(await page.getByTestId('node-psu-1-pdu').textContent(), PDU);
    assert.equal(await page.getByTestId('node-pool-scanners').getAttribute('data-state'), 'active');
    assert.match(await page.getByTestId('detail-where').textContent() ?? '', /rack r07 · row 2 · Dallas 3/);
    // Opened by a deep link: Escape shows the wall in this same page, not the page before it.
    await page.evaluate(() => { (window as unknown as { mark: number }).mark = 1; });
    await page.keyboard.press('Escape');
    await page.getByTestId('detail-page').waitFor({ state: 'hidden' });
    await page.getByTestId('racks').waitFor({ state: 'visible' });
    assert.equal(await hash(), '');
    assert.equal(await page.evaluate(() => (window as unknown as { mark?: number }).mark), 1, 'not reloaded');

    await follow('#/pool/scanners');
    await page.waitForSelector('[data-testid="detail-page"][data-kind="pool"][data-state="ready"]');
    const capacity = page.getByTestId('pool-capacity');
    await page.waitForSelector('[data-testid="pool-capacity"][data-active="80"]', { timeout: 15_000 });
    assert.equal(await capacity.getAttribute('data-drained'), '0');
    assert.equal(await page.locator('[data-testid^="pool-member-"]').count(), 80);
    // A member's link opens its page; Back returns to the pool (the browser's back: an entry this tab made).
    await page.getByTestId('pool-member-scan-010').getByRole('link').click();
    await page.waitForFunction(() => location.hash === '#/node/scan-010');
    await page.waitForSelector('[data-testid="detail-name"]:text-is("scan-010")');
    await page.getByTestId('detail-back').click();
    await page.waitForFunction(() => location.hash === '#/pool/scanners');
    await page.waitForSelector('[data-testid="detail-page"][data-kind="pool"][data-state="ready"]');

    // A name with spaces: a service, from a link that encodes it.
    await follow(`#/service/${encodeURIComponent(SERVICE)}`);
    await page.waitForSelector('[data-testid="detail-page"][data-kind="service"][data-state="ready"]');
    assert.equal(await page.getByTestId('detail-name').textContent(), SERVICE);
    assert.equal(await page.getByTestId('detail-flag').textContent(), 'OK');
    await page.getByTestId('service-pool-scanners').waitFor();

    // How addresses read, in the page's own module: names decoded, the old form kept, nonsense is the wall.
    const parsed = await page.evaluate(`(async () => {
      const { parseHash, hashFor } = await import('/routes.js');
      return [parseHash('#/node/a%20b'), parseHash('#/pdu/p1?range=24h'), parseHash('#pdu=p1&range=7d'), parseHash('#/bogus/x'),
        parseHash('#/node/%E0%A4%A'), parseHash(''), parseHash(hashFor('service', 'mail / scan?')).name];
    })()`);
    assert.deepEqual(parsed, [{ kind: 'node', name: 'a b', range: null }, { kind: 'pdu', name: 'p1', range: '24h' }, { kind: 'pdu', name: 'p1', range: '7d' },
      null, null, null, 'mail / scan?']);

    // An unknown name says so (the API's 404 is the one failed request the page may log).
    await follow('#/node/no-such-node');
    await detail('missing');
    assert.equal(await page.getByTestId('detail-status').textContent(), 'no node named no-such-node');
    const notFound = pageErrors.filter((e) => /404/.test(e));
    assert.equal(notFound.length, 1, pageErrors.join('\n'));
    pageErrors.splice(pageErrors.indexOf(notFound[0]!), 1);
  });

  it('clicks from the wall into a node, a rack and a service; back, forward and Escape; operator mode picks a chip instead', async () => {
    await visit('');
    await page.waitForSelector(`[data-testid="member-${NODE}"][data-power="normal"]`, { timeout: 30_000 });
    await page.getByTestId(`member-${NODE}`).click();
    await page.waitForFunction((n) => location.hash === `#/node/${n}`, NODE);
    await detail('ready');
    assert.equal(await page.getByTestId('detail-name').textContent(), NODE);
    await page.goBack();
    await page.getByTestId('detail-page').waitFor({ state: 'hidden' });
    await page.getByTestId('racks').waitFor({ state: 'visible' });
    await page.goForward();
    await page.waitForSelector(`[data-testid="detail-page"][data-kind="node"][data-state="ready"]`);
    await page.keyboard.press('Escape');
    await page.getByTestId('racks').waitFor({ state: 'visible' });
    assert.equal(await hash(), '');

    // A rack's name opens its page: its PDUs and nodes, each a link.
    await page.getByTestId('rack-link-r07').click();
    await detail('ready');
    assert.equal(await page.getByTestId('detail-page').getAttribute('data-kind'), 'rack');
    await page.getByTestId(`rack-node-${NODE}`).waitFor();
    await page.getByTestId(`rack-pdu-${PDU}`).waitFor();
    await page.getByTestId('detail-back').click();
    await page.getByTestId('racks').waitFor({ state: 'visible' });
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'rack-link-r07', 'focus back on the rack');

    // A click anywhere on a service's row opens its page; the name is URL-encoded in the address.
    await page.getByTestId(`service-${SERVICE}`).locator('.svc-status').click();
    await page.waitForFunction((s) => location.hash === `#/service/${encodeURIComponent(s)}`, SERVICE);
    await detail('ready');
    await page.keyboard.press('Escape');
    await page.getByTestId('racks').waitFor({ state: 'visible' });

    // In operator mode a chip is picked for an action, and no page opens.
    await page.getByTestId('operator-toggle').click();
    await page.getByTestId(`member-${NODE}`).click();
    await page.waitForSelector(`[data-testid="member-${NODE}"].selected`);
    assert.equal(await hash(), '');
    assert.equal(await page.getByTestId('detail-page').isHidden(), true);
    await page.getByTestId('operator-toggle').click();
  });

  it(`after a bank trip the node's page shows the lost feed, its drain record and the drain event, live`, async () => {
    await page.getByTestId(`member-${NODE}`).click();
    await page.waitForSelector('[data-testid="node-psu-1"][data-feed="up"]', { timeout: 15_000 });
    await page.evaluate(() => { (window as unknown as { mark: number }).mark = 2; });

    const res = await fetch(`${app!.url}/api/sim/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'bank-trip', pdu: PDU, bank: 1 }) });
    assert.ok(res.ok, `fault injected: HTTP ${res.status}`);

    // The feed lost (outlet off, breaker tripped), the node's power lost, drained, with the chain of its drain record.
    await page.waitForSelector('[data-testid="node-psu-1"][data-feed="down"][data-outlet-state="off"][data-breaker="tripped"]', { timeout: 30_000 });
    await page.waitForSelector('[data-testid="node-power"][data-power="lost"]', { timeout: 15_000 });
    await page.waitForSelector('[data-testid="node-pool-scanners"][data-state="drained"]', { timeout: 30_000 });
    const record = page.getByTestId('node-record-scanners');
    await record.waitFor({ timeout: 15_000 });
    assert.match(await record.innerText(), /bank 1 breaker tripped on dal3-r07-a/);
    assert.match(await record.innerText(), /scan-057\.\.scan-076 lost power/);
    assert.match(await record.innerText(), /drained 20 of 80 from pool scanners/);
    assert.equal(await page.getByTestId('detail-flag').textContent(), 'POWER LOST');
    await page.waitForSelector('[data-testid="detail-events"] li[data-type="drain"]', { timeout: 15_000 });
    assert.equal(await page.evaluate(() => (window as unknown as { mark?: number }).mark), 2, 'followed live, not reloaded');
    await page.screenshot({ path: SCREENSHOT });

    // Its pool's page from there: the drained first, the room left under the cap.
    await page.getByTestId('node-pool-link-scanners').click();
    await page.waitForSelector('[data-testid="pool-capacity"][data-drained="20"][data-active="60"][data-room="20"]', { timeout: 15_000 });
    assert.equal(await page.locator('[data-testid^="pool-member-"]').first().getAttribute('data-state'), 'drained');
    assert.equal(await page.getByTestId(`pool-member-${NODE}`).getAttribute('data-state'), 'drained');
    await page.keyboard.press('Escape');
    await page.keyboard.press('Escape');
    await waitForMembers(page, [NODE], { state: 'drained' });
    assert.deepEqual(pageErrors, [], 'no errors in the page');
  });
});
