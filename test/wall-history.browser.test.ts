// History on the NOC wall in a real Chromium against the real demo app (no InfluxDB: the embedded
// store answers): each PDU's and bank's sparkline of the last hour on the racks, then a PDU's own
// page (#pdu=NAME) with its state now and its charts over a chosen range, and Back to the wall.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startApp } from '../src/app.js';
import { CHROMIUM_ARGS, fitsScreen, wallDemoConfig } from './helpers/wall-demo.js';

const PDU = 'dal3-r07-a';
const SCREENSHOT = '/tmp/wall-history-test.png';

describe('NOC wall history: sparklines and the PDU page (browser, real app)', { timeout: 180_000 }, () => {
  let stateDir: string;
  let app: Awaited<ReturnType<typeof startApp>> | undefined;
  let browser: Browser | undefined;
  let page: Page;
  const pageErrors: string[] = [];
  const historyRequests: string[] = [];

  before(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'breakerbox-wall-history-'));
    app = await startApp({ config: await wallDemoConfig(stateDir), stateDir, logLevel: process.env.LOG_LEVEL ?? 'silent', simulate: true, port: 0, host: '127.0.0.1' });
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    page.on('pageerror', (err) => pageErrors.push(err.message));
    page.on('console', (msg) => { if (msg.type() === 'error') pageErrors.push(msg.text()); });
    page.on('request', (req) => { if (req.url().includes('/api/history/')) historyRequests.push(new URL(req.url()).pathname + new URL(req.url()).search); });
    await page.goto(app.url);
  });

  after(async () => {
    await browser?.close();
    await app?.stop();
    if (stateDir) await rm(stateDir, { recursive: true, force: true });
  });

  it('draws a sparkline of power for every PDU and of load for every bank, from /api/history/sparklines', async () => {
    await page.waitForSelector(`[data-testid="pdu-${PDU}"]`, { timeout: 30_000 });
    const pdus = await page.$$eval('#racks .pdu[data-pdu]', (els) => els.map((e) => e.getAttribute('data-pdu')!));
    assert.equal(pdus.length, 16);
    // Every PDU's sparkline has a path with points (the store answers as soon as the first polls are in).
    await page.waitForFunction((names) => names.every((n) => {
      // The SVG lives in the sparkline's shadow root, apart from the live state's DOM.
      const svg = document.querySelector(`#racks [data-testid="pdu-${n}"] [data-testid="spark-pdu-${n}"]`)?.shadowRoot?.querySelector('svg');
      const d = svg?.querySelector('path.spark-line')?.getAttribute('d') ?? '';
      return Number(svg?.getAttribute('data-points')) > 0 && /^M[\d.]+ [\d.]+[LH]/.test(d);
    }), pdus, { timeout: 60_000, polling: 200 });
    const banks = await page.$$eval('#racks .bank[data-bank]', (els) => els.length);
    assert.equal(await page.locator('#racks .bank[data-bank] > [data-testid^="spark-bank-"]').count(), banks, 'a sparkline in every bank');
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid^="spark-bank-"]')].map((h) => h.shadowRoot?.querySelector('svg'))
      .every((s) => Number(s?.getAttribute('data-points')) > 0 && (s?.querySelector('path.spark-line')?.getAttribute('d') ?? '').startsWith('M')), undefined, { timeout: 30_000, polling: 200 });

    // A bank's sparkline is load against its rating: the 80% and 100% guides; dal3-r07-a bank 1 runs at about 77%.
    const bank = page.getByTestId(`spark-bank-${PDU}-1`);
    assert.equal(await bank.locator('line.spark-guide').count(), 2);
    assert.deepEqual(await bank.locator('line.spark-guide').evaluateAll((ls) => ls.map((l) => l.getAttribute('data-guide'))), ['80', '100']);
    assert.match(await bank.locator('title').textContent() ?? '', /bank 1 load, last hour: now \d+%/);

    // Asked in one request for the wall's 16 PDUs (at most 200 a request), never for PDUs it does not show.
    const asked = historyRequests.filter((u) => u.startsWith('/api/history/sparklines'));
    assert.ok(asked.length >= 1);
    const names = new URLSearchParams(asked[0]!.split('?')[1]).get('pdus')!.split(',');
    assert.deepEqual([...names].sort(), [...pdus].sort());

    const size = await fitsScreen(page);
    assert.ok(size.scrollHeight <= 1080 && size.scrollWidth <= 1920, `the wall still fits 1920×1080, got ${size.scrollWidth}×${size.scrollHeight}`);
  });

  it(`opens ${PDU}'s page with bank 1 tripped, its charts against the rating, a 24 h range, and Back`, async () => {
    const res = await fetch(`${app!.url}/api/sim/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'bank-trip', pdu: PDU, bank: 1 }) });
    assert.ok(res.ok, `fault injected: HTTP ${res.status}`);
    await page.waitForSelector(`[data-testid="bank-${PDU}-1"][data-breaker="tripped"]`, { timeout: 30_000 });
    await page.evaluate(() => { (window as unknown as { wallMark: number }).wallMark = 7; });

    // A click on the PDU (here its bank) opens its page.
    const firstPage = page.waitForRequest((r) => r.url().includes(`/api/history/pdu/${PDU}?range=1h`));
    await page.getByTestId(`bank-${PDU}-2`).click();
    await firstPage;
    await page.waitForFunction((name) => location.hash === `#/pdu/${name}`, PDU);
    const pduPage = page.getByTestId('pdu-page');
    await pduPage.waitFor({ state: 'visible' });
    assert.equal(await page.getByTestId('racks').isVisible(), false, 'the wall gives way to the page');
    assert.equal(await page.getByTestId('pdu-page-name').textContent(), PDU);

    // State now: bank 1 tripped, from the live copy.
    await page.waitForSelector('[data-testid="pdu-page-bank-1"][data-breaker="tripped"]', { timeout: 10_000 });
    assert.match(await page.getByTestId('pdu-page-bank-1').innerText(), /TRIPPED/);
    assert.equal(await page.getByTestId('pdu-page-flag').textContent(), 'TRIPPED');
    assert.equal(await page.getByTestId('pdu-page-bank-2').getAttribute('data-breaker'), 'ok');
    // Outlets with the node each feeds (outlet 1 feeds scan-057 in the demo).
    assert.equal(await page.getByTestId('pdu-page-outlet-1').getAttribute('data-node'), 'scan-057');
    assert.match(await page.getByTestId('pdu-page-outlet-1').innerText(), /scan-057/);
    assert.equal(await page.getByTestId('pdu-page-outlet-48').getAttribute('data-state'), 'on');

    // Charts over the last hour: the bank's current as a line with points, its rating line and the 80% guide.
    const charts = page.getByTestId('pdu-charts');
    await page.waitForSelector('[data-testid="pdu-charts"][data-state="ready"][data-range="1h"]', { timeout: 10_000 });
    const bankChart = page.getByTestId('pdu-chart-bank-1');
    assert.ok(Number(await bankChart.getAttribute('data-points')) > 0, 'the bank chart has data');
    assert.match(await bankChart.locator('path.mean-line').getAttribute('d') ?? '', /^M[\d.]+ [\d.]+[LH]/);
    assert.equal(await bankChart.locator('line.guide.rating-line').getAttribute('data-value'), '20');
    assert.equal(await bankChart.locator('line.guide.warn-line').getAttribute('data-value'), '16');
    assert.match(await bankChart.locator('text.guide-label.rating-line').textContent() ?? '', /rating 20 A/);
    assert.ok(Number(await page.getByTestId('pdu-chart-power').getAttribute('data-points')) > 0, 'the power chart has data');
    assert.ok(Number(await page.getByTestId('pdu-chart-phases').getAttribute('data-points')) > 0, 'the phases chart has data');
    assert.equal(await page.locator('[data-testid^="pdu-chart-outlet-"]').count(), 48);
    assert.match(await page.getByTestId('pdu-chart-power').locator('text.axis.y').last().textContent() ?? '', /k?W$/);
    // The hour's ticks read as times of day; one that falls on local midnight reads as the date.
    const ticks = await page.getByTestId('pdu-chart-power').locator('text.axis.x').allTextContents();
    assert.ok(ticks.every((t) => /^(\d\d:\d\d|[A-Z][a-z]{2} \d{1,2})$/.test(t)) && ticks.filter((t) => /^\d\d:\d\d$/.test(t)).length >= ticks.length - 1, `x ticks: ${ticks.join(', ')}`);
    const oneHour = { from: Number(await charts.getAttribute('data-from')), to: Number(await charts.getAttribute('data-to')), draws: Number(await charts.getAttribute('data-draws')) };
    assert.equal(oneHour.to - oneHour.from, 3_600_000);

    // 24 h: the button asks for range=24h and the charts are drawn anew over 24 hours.
    assert.equal(await page.getByTestId('pdu-range-24h').getAttribute('aria-pressed'), 'false');
    const day = page.waitForRequest((r) => r.url().includes(`/api/history/pdu/${PDU}?range=24h`));
    await page.getByTestId('pdu-range-24h').focus();
    await page.keyboard.press('Enter');
    await day;
    await page.waitForSelector('[data-testid="pdu-charts"][data-state="ready"][data-range="24h"]', { timeout: 10_000 });
    assert.equal(await page.getByTestId('pdu-range-24h').getAttribute('aria-pressed'), 'true');
    assert.equal(await page.getByTestId('pdu-range-1h').getAttribute('aria-pressed'), 'false');
    const fullDay = { from: Number(await charts.getAttribute('data-from')), to: Number(await charts.getAttribute('data-to')), draws: Number(await charts.getAttribute('data-draws')) };
    assert.equal(fullDay.to - fullDay.from, 86_400_000);
    assert.ok(fullDay.draws > oneHour.draws, 'drawn anew');
    assert.equal(Number(await charts.getAttribute('data-step')), 300_000);
    assert.ok(Number(await bankChart.getAttribute('data-points')) > 0, 'the bank chart still has data');
    assert.equal(await bankChart.locator('line.guide.rating-line').count(), 1);
    assert.match(await page.evaluate(() => location.hash), /range=24h/);
    await page.screenshot({ path: SCREENSHOT });

    // Back: the wall again, same page (no reload), the PDU's link focused.
    await page.getByTestId('pdu-back').click();
    await pduPage.waitFor({ state: 'hidden' });
    await page.getByTestId('racks').waitFor({ state: 'visible' });
    assert.equal(await page.evaluate(() => location.hash), '');
    assert.equal(await page.evaluate(() => (window as unknown as { wallMark?: number }).wallMark), 7, 'the page was not reloaded');
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), `pdu-link-${PDU}`);
    assert.equal(await page.getByTestId(`bank-${PDU}-1`).getAttribute('data-breaker'), 'tripped');

    // The keyboard way in: the PDU's name is a link; Escape leaves.
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid="pdu-charts"][data-state="ready"]', { timeout: 10_000 });
    await page.keyboard.press('Escape');
    await pduPage.waitFor({ state: 'hidden' });

    const size = await fitsScreen(page);
    assert.ok(size.scrollHeight <= 1080 && size.scrollWidth <= 1920, `no scrolling after the PDU page, got ${size.scrollWidth}×${size.scrollHeight}`);
    assert.deepEqual(pageErrors, [], 'no errors in the page');
  });

  it('a large site: 450 PDUs are asked for in chunks of at most 200, hidden racks not at all', async () => {
    // Run in the page as written (a string: the wall's own module, no helpers from the test's compiler).
    const got = await page.evaluate(`(async () => {
      const { createSparklines } = await import('/history.js');
      // 150 racks of 3 PDUs, small enough that all are on screen; the first 10 hidden.
      const root = document.createElement('section');
      root.style.cssText = 'position:fixed;inset:0;display:flex;flex-wrap:wrap;z-index:50;background:#000';
      root.innerHTML = Array.from({ length: 150 }, (_, r) => '<article class="rack" style="width:12px;height:12px;' + (r < 10 ? 'display:none' : '') + '">'
        + Array.from({ length: 3 }, (_, k) => '<div class="pdu" data-pdu="big-' + r + '-' + k + '"><div class="pdu-head"></div><div class="bank" data-bank="1"></div></div>').join('')
        + '</article>').join('');
      document.body.append(root);
      const asked = [];
      let done;
      const finished = new Promise((resolve) => { done = resolve; });
      const sparks = createSparklines(root, {
        everyMs: 600000,
        fetchJson: async (url) => {
          const names = new URLSearchParams(url.split('?')[1]).get('pdus').split(',');
          asked.push(names);
          if (asked.flat().length >= 420) setTimeout(done, 100);
          const now = Date.now();
          return { from: now - 3600000, to: now, stepMs: 60000, pdus: Object.fromEntries(names.map((n) => [n, { power: [[now - 120000, 500, 510], [now - 60000, 520, 530]], banks: { 1: [[now - 60000, 85, 90]] } }])) };
        },
      });
      await Promise.race([finished, new Promise((resolve) => setTimeout(resolve, 10000))]);
      await new Promise((resolve) => requestAnimationFrame(resolve));
      const svg = (testid) => root.querySelector('[data-testid="' + testid + '"]')?.shadowRoot?.querySelector('svg');
      const out = { sizes: asked.map((a) => a.length), names: asked.flat(), points: svg('spark-pdu-big-20-1')?.getAttribute('data-points'), level: svg('spark-bank-big-20-1-1')?.getAttribute('data-level') };
      sparks.stop();
      root.remove();
      return out;
    })()`) as { sizes: number[]; names: string[]; points: string | undefined; level: string | undefined };
    assert.deepEqual(got.sizes, [200, 200, 20]);
    assert.equal(new Set(got.names).size, 420);
    assert.ok(got.names.every((n) => !/^big-[0-9]-/.test(n)), 'no PDU of a hidden rack is asked for');
    assert.equal(got.points, '2');
    assert.equal(got.level, 'warn', 'a bank at 85% of its rating shows as a warning');
    assert.deepEqual(pageErrors, [], 'no errors in the page');
  });
});
