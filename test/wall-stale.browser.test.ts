// Never green on stale data: an open wall whose server stops turns to NO DATA (grey, its countdown
// stopped, since when its data is) within 5 s, and recovers by itself when the server is back; a server
// whose own polls are stuck says so in /api/health, and its walls show NO DATA too.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { Config } from '../src/config/schema.js';
import { startApp, type App } from '../src/app.js';
import { CHROMIUM_ARGS, wallDemoConfig } from './helpers/wall-demo.js';

const OVERALL = '[data-testid="overall-status"]';

/** What the wall's header says: its level, word, detail and the reload countdown. */
function header(page: Page): Promise<{ level: string | null; word: string; detail: string; countdown: string; nodata: string | null; racksFilter: string }> {
  return page.evaluate(() => {
    const overall = document.getElementById('overall')!;
    return {
      level: overall.getAttribute('data-level'),
      word: overall.querySelector('.status-word')!.textContent!,
      detail: overall.querySelector('.status-detail')!.textContent!,
      countdown: document.getElementById('next-reload')!.textContent!,
      nodata: document.body.getAttribute('data-nodata'),
      racksFilter: getComputedStyle(document.getElementById('racks')!).filter,
    };
  });
}

describe('the wall on stale data (browser, real app)', { timeout: 180_000 }, () => {
  let stateDir: string;
  let config: Config;
  let app: App | undefined;
  let browser: Browser | undefined;
  let page: Page;

  before(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'breakerbox-wall-stale-'));
    // A scheduled reload every minute, so that the wall has a countdown to stop.
    config = await wallDemoConfig(stateDir, (raw) => { raw.settings.reload = { schedule: '* * * * *', holdDown: '2s' }; });
    app = await startApp({ config, stateDir, logLevel: 'silent', simulate: true, port: 0, host: '127.0.0.1' });
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    page = await (await browser.newContext({ viewport: { width: 1920, height: 1080 } })).newPage();
    await page.goto(app.url);
    await page.waitForSelector(`${OVERALL}[data-level="ok"]`, { timeout: 30_000 });
  });

  after(async () => {
    await browser?.close();
    await app?.stop();
    await rm(stateDir, { recursive: true, force: true });
  });

  it('the server stops: NO DATA, grey, since the last data, countdown stopped, within 5 s; back by itself when it returns', async () => {
    const live = await header(page);
    assert.match(live.countdown, /\d/, 'a live wall counts down to the next reload');
    const port = app!.port;
    const lastTime = await page.evaluate(() => (window as unknown as { breakerbox: { snapshot: { time: number } } }).breakerbox.snapshot.time);
    await app!.stop();
    app = undefined;
    await page.waitForSelector(`${OVERALL}[data-level="nodata"]`, { timeout: 5_000 });
    const dead = await header(page);
    assert.equal(dead.word, 'NO DATA');
    assert.equal(dead.nodata, 'true');
    const since = new Date(lastTime).toTimeString().slice(0, 8);
    assert.match(dead.detail, new RegExp(`^since ${since.slice(0, 5)}`), `the detail says since when: ${dead.detail}`);
    assert.equal(dead.countdown, '–', 'the countdown stops');
    assert.match(dead.racksFilter, /grayscale/, 'the racks go grey');
    assert.equal(await page.locator(OVERALL).getAttribute('data-level'), 'nodata', 'never green meanwhile');

    app = await startApp({ config, stateDir, logLevel: 'silent', simulate: true, port, host: '127.0.0.1' });
    await page.waitForSelector(`${OVERALL}[data-level="ok"]`, { timeout: 30_000 });
    const back = await header(page);
    assert.equal(back.nodata, null);
    assert.match(back.countdown, /\d/, 'the countdown runs again');
  });

  it('the server\'s own polls stop: /api/health is degraded with BB_ERR_POLLS_STALE, and the wall shows NO DATA', async () => {
    const staleMs = config.settings.pollInterval * config.settings.staleAfterPolls;
    const before = (await (await fetch(`${app!.url}/api/health`)).json()) as { status: string };
    assert.equal(before.status, 'ok');
    await app!.poller.stop(); // a poller that records nothing more: as a hung one
    await page.waitForSelector(`${OVERALL}[data-level="nodata"]`, { timeout: staleMs + 10_000 });
    const health = (await (await fetch(`${app!.url}/api/health`)).json()) as { status: string; problems: { code: string; message: string; since?: number }[] };
    assert.equal(health.status, 'degraded');
    const stuck = health.problems.find((p) => p.code === 'BB_ERR_POLLS_STALE');
    assert.ok(stuck, JSON.stringify(health.problems));
    assert.ok(typeof stuck.since === 'number' && Date.now() - stuck.since > staleMs, 'since the last recorded poll');
    const shown = await header(page);
    assert.match(shown.detail, /polls are stale/);
    assert.equal(shown.countdown, '–');
  });
});
