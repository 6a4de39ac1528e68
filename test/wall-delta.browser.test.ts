// The wall lives on deltas: one page stays open through a bank trip, its clear, a reload, a reconnect
// and a forced resync, and at each step its racks, pools, services and status equal a fresh page load's.
// It is sent the topology once: a reconnect, and a page load that finds it stored, show the same without it.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startApp } from '../src/app.js';
import { CHROMIUM_ARGS, waitForMembers, wallDemoConfig } from './helpers/wall-demo.js';

const PDU = 'dal3-r07-a';
const scan = (i: number) => `scan-${String(i).padStart(3, '0')}`;
const SINGLE_CORDED = Array.from({ length: 20 }, (_, i) => scan(57 + i));

/** Counts the `topology` messages the page is sent (socket.io says an event's name in a text frame). */
function countTopologies(page: Page): { n: number } {
  const count = { n: 0 };
  page.on('websocket', (ws) => ws.on('framereceived', (f) => { if (typeof f.payload === 'string' && f.payload.includes('["topology"')) count.n++; }));
  return count;
}

/**
 * What the wall shows, as text: every marked element of the racks, pools, services and status, with its attributes and text.
 * The racks' capacity marks are left out: they come from /api/capacity/racks on a timer of their own, not from the feed.
 */
function digest(page: Page): Promise<string> {
  return page.evaluate(() => {
    const lines: string[] = [];
    for (const root of ['racks', 'pools', 'services', 'overall', 'storage-banner']) {
      const el = document.getElementById(root);
      if (!el) continue;
      for (const x of [el, ...el.querySelectorAll('*')]) {
        if (x.closest('.cap-marks')) continue;
        const attrs = [...x.attributes].filter((a) => a.name !== 'style').map((a) => `${a.name}=${a.value}`).sort().join(' ');
        const own = [...x.childNodes].filter((c) => c.nodeType === Node.TEXT_NODE).map((c) => c.textContent!.trim()).join('');
        lines.push(`${x.tagName} ${attrs} ${own}`);
      }
    }
    return lines.join('\n');
  });
}

describe('NOC wall on deltas equals a fresh load (browser, real app)', { timeout: 240_000 }, () => {
  let stateDir: string;
  let app: Awaited<ReturnType<typeof startApp>> | undefined;
  let browser: Browser | undefined;
  let live: Page;
  let liveTopologies: { n: number };
  const pageErrors: string[] = [];

  before(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'breakerbox-wall-delta-'));
    app = await startApp({ config: await wallDemoConfig(stateDir), stateDir, logLevel: process.env.LOG_LEVEL ?? 'silent', simulate: true, port: 0, host: '127.0.0.1' });
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    // A context of its own, so that a second page can share its localStorage.
    live = await (await browser.newContext({ viewport: { width: 1920, height: 1080 } })).newPage();
    live.on('pageerror', (err) => pageErrors.push(err.message));
    live.on('console', (msg) => { if (msg.type() === 'error') pageErrors.push(msg.text()); });
    liveTopologies = countTopologies(live);
    await live.goto(app.url);
    await live.waitForSelector(`[data-testid="outlet-${PDU}-48"][data-state="on"]`, { timeout: 30_000 });
    await waitForMembers(live, SINGLE_CORDED, { state: 'active', power: 'normal' });
    await live.evaluate(() => { (window as unknown as { wallMark: number }).wallMark = 7; });
  });

  after(async () => {
    await browser?.close();
    await app?.stop();
    if (stateDir) await rm(stateDir, { recursive: true, force: true });
  });

  /**
   * Loads the wall afresh beside the live page and compares the two. The simulated readings move every
   * poll, so the two are read together, again, until they agree (each read is of one moment).
   */
  async function sameAsFreshLoad(step: string, on: Page = live): Promise<void> {
    const fresh = await browser!.newPage({ viewport: { width: 1920, height: 1080 } });
    try {
      await fresh.goto(app!.url);
      await fresh.waitForFunction(() => document.body.classList.contains('ready'), undefined, { timeout: 30_000 });
      let a = '';
      let b = '';
      for (let attempt = 0; attempt < 40; attempt++) {
        [a, b] = await Promise.all([digest(on), digest(fresh)]);
        if (a === b) break;
        // Both pages apply the same deltas: wait for the next one to reach the fresh page.
        await fresh.waitForFunction((v) => (window as unknown as { breakerbox: { version: number } }).breakerbox.version !== v,
          await fresh.evaluate(() => (window as unknown as { breakerbox: { version: number } }).breakerbox.version), { timeout: 5_000 }).catch(() => {});
      }
      if (a !== b) {
        const al = a.split('\n');
        const bl = b.split('\n');
        const i = al.findIndex((line, k) => line !== bl[k]);
        assert.fail(`${step}: the live wall differs from a fresh load at line ${i}:\n  live:  ${al[i]}\n  fresh: ${bl[i]}`);
      }
      assert.ok(a.length > 1000, 'the digest covers the wall');
    } finally {
      await fresh.close();
    }
  }

  it('after a bank trip', async () => {
    await live.getByTestId('fault-kind').selectOption('bank-trip');
    await live.getByTestId('fault-pdu').selectOption(PDU);
    await live.getByTestId('fault-bank').selectOption('1');
    await live.getByTestId('fault-inject').click();
    await waitForMembers(live, SINGLE_CORDED, { state: 'drained' });
    await sameAsFreshLoad('trip');
  });

  it('after the fault is cleared', async () => {
    await live.getByTestId('fault-list').locator('[data-testid^="fault-clear-"]').first().click();
    await waitForMembers(live, SINGLE_CORDED, { power: 'normal', state: 'drained' });
    await sameAsFreshLoad('clear');
  });

  it('after a reload re-admits the scanners', async () => {
    const deadline = Date.now() + 40_000;
    for (;;) {
      await app!.reloader.reloadNow('test');
      try {
        await waitForMembers(live, SINGLE_CORDED, { state: 'active' }, 3_000);
        break;
      } catch (err) {
        if (Date.now() > deadline) throw err;
      }
    }
    await sameAsFreshLoad('reload');
  });

  it('after a reconnect, and after a forced resync', async () => {
    await live.evaluate(() => {
      const s = (window as unknown as { breakerbox: { socket: { disconnect(): void; connect(): void } } }).breakerbox.socket;
      s.disconnect();
      s.connect();
    });
    await live.waitForSelector('[data-testid="connection"][data-state="live"]', { timeout: 10_000 });
    await sameAsFreshLoad('reconnect');
    assert.equal(liveTopologies.n, 1, 'the topology was sent once, on the first connect: neither the reload (which did not change it) nor the reconnect sent it again');
    const before = await live.evaluate(() => (window as unknown as { breakerbox: { snapshot: { time: number } } }).breakerbox.snapshot.time);
    await live.evaluate(() => (window as unknown as { breakerbox: { resync(): void } }).breakerbox.resync());
    await live.waitForFunction((t) => (window as unknown as { breakerbox: { snapshot: { time: number } } }).breakerbox.snapshot.time > t, before, { timeout: 10_000 });
    await sameAsFreshLoad('resync');
    assert.equal(liveTopologies.n, 1, 'nor the resync');
    assert.equal(await live.evaluate(() => (window as unknown as { wallMark?: number }).wallMark), 7, 'the live page was never reloaded');
    assert.deepEqual(pageErrors, [], 'no errors in the page');
  });

  it('a page load that finds the topology stored is not sent it, and shows what a fresh load shows', async () => {
    const again = await live.context().newPage(); // the live page's context: its localStorage
    try {
      const topologies = countTopologies(again);
      await again.goto(app!.url);
      await again.waitForFunction(() => document.body.classList.contains('ready'), undefined, { timeout: 30_000 });
      const version = () => (window as unknown as { breakerbox: { topology: string | null } }).breakerbox.topology;
      assert.equal(await again.evaluate(version), await live.evaluate(version));
      await sameAsFreshLoad('stored topology', again);
      assert.equal(topologies.n, 0, 'the stored topology was not sent again');
    } finally {
      await again.close();
    }
  });

  it('a wall for one rack shows that rack alone, and follows it live', async () => {
    const rack = await browser!.newPage({ viewport: { width: 1920, height: 1080 } });
    try {
      await rack.goto(`${app!.url}/?rack=r07`);
      await rack.waitForFunction(() => document.body.classList.contains('ready'), undefined, { timeout: 30_000 });
      const pdus = await rack.$$eval('[data-testid^="pdu-dal3-"]', (els) => els.map((e) => e.getAttribute('data-testid')));
      assert.deepEqual(pdus, ['pdu-dal3-r07-a', 'pdu-dal3-r07-b']);
      assert.deepEqual(await rack.$$eval('article[data-testid^="rack-"]', (els) => els.map((e) => e.getAttribute('data-testid'))), ['rack-r07']);
      await live.getByTestId('fault-kind').selectOption('bank-trip');
      await live.getByTestId('fault-pdu').selectOption(PDU);
      await live.getByTestId('fault-bank').selectOption('1');
      await live.getByTestId('fault-inject').click();
      await rack.waitForSelector(`[data-testid="bank-${PDU}-1"][data-breaker="tripped"]`, { timeout: 30_000 });
      await live.getByTestId('fault-list').locator('[data-testid^="fault-clear-"]').first().click();
      await rack.waitForSelector(`[data-testid="bank-${PDU}-1"][data-breaker="ok"]`, { timeout: 30_000 });
    } finally {
      await rack.close();
    }
  });
});
