// The wall's event feed a person can read, on the real demo in Chromium: a bank trip's chain pinned
// above the feed, the 20 reboots after its clearing as one line naming the range, filters that stay
// across a page load and never hide the chain's cause, acknowledging and superseding the pin, and
// older events paged back from the stored journal (GET /api/events?before=ID).
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startApp } from '../src/app.js';
import type { ApiEvent } from '../src/http/api-types.js';
import { CHROMIUM_ARGS, waitForMembers, wallDemoConfig } from './helpers/wall-demo.js';

const PDU = 'dal3-r07-a';
const scan = (i: number) => `scan-${String(i).padStart(3, '0')}`;
const SINGLE_CORDED = Array.from({ length: 20 }, (_, i) => scan(57 + i));
const FEED = '#events > li';

describe('NOC wall event feed (browser, real app)', { timeout: 120_000 }, () => {
  let stateDir: string;
  let app: Awaited<ReturnType<typeof startApp>> | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let drain: ApiEvent;
  const pageErrors: string[] = [];

  const api = async (method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown; link: string | null }> => {
    const res = await fetch(`${app!.url}${path}`, { method, headers: body ? { 'content-type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined });
    return { status: res.status, body: await res.json(), link: res.headers.get('link') };
  };
  const pinnedId = () => page.getByTestId('event-pin').getAttribute('data-event');

  before(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'breakerbox-wall-events-'));
    app = await startApp({ config: await wallDemoConfig(stateDir), stateDir, logLevel: process.env.LOG_LEVEL ?? 'silent', simulate: true, port: 0, host: '127.0.0.1' });
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    page = await (await browser.newContext({ viewport: { width: 1920, height: 1080 } })).newPage();
    page.on('pageerror', (err) => pageErrors.push(err.message));
    page.on('console', (msg) => { if (msg.type() === 'error') pageErrors.push(msg.text()); });
    await page.goto(app.url);
    await waitForMembers(page, SINGLE_CORDED, { state: 'active', power: 'normal' });
  });

  after(async () => {
    await browser?.close();
    await app?.stop();
    if (stateDir) await rm(stateDir, { recursive: true, force: true });
  });

  it('pins the trip\'s chain; after clearing, the 20 reboots are one line naming the range, and the chain stays in view', async () => {
    assert.equal((await api('POST', '/api/sim/faults', { kind: 'bank-trip', pdu: PDU, bank: 1 })).status, 201);
    await page.waitForSelector('[data-testid="event-pin"]:not([hidden])', { timeout: 30_000 });
    drain = ((await api('GET', '/api/events?type=drain')).body as ApiEvent[]).at(-1)!;
    assert.ok(drain.chain, 'the drain carries its chain');
    assert.equal(await pinnedId(), String(drain.id));
    const pinned = await page.getByTestId('event-pin').getByTestId('event-chain').innerText();
    assert.match(pinned, /bank 1 breaker tripped on dal3-r07-a/);
    assert.match(pinned, /scan-057\.\.scan-076 lost power/);

    await waitForMembers(page, SINGLE_CORDED, { state: 'drained' });
    assert.equal((await api('DELETE', '/api/sim/faults')).status, 200);
    const group = page.locator(`${FEED}[data-testid="event-group"][data-type="node-rebooted"][data-count="20"]`);
    await group.waitFor({ timeout: 30_000 });
    assert.equal(await group.getByTestId('event-group-toggle').innerText(), '20 nodes back: scan-057…scan-076');
    assert.equal(await page.locator(`${FEED}[data-type="node-rebooted"]:not([data-group])`).count(), 0, 'no reboot stands alone');
    assert.equal(await page.locator('#events [data-type="node-rebooted"]').count(), 1, 'one line for the 20');

    // The chain is still pinned, whole and on screen, above the feed.
    assert.equal(await pinnedId(), String(drain.id));
    const box = (await page.getByTestId('event-pin').boundingBox())!;
    assert.ok(box.y >= 0 && box.y + box.height <= 1080 && box.height > 40, `the pinned chain is in view: ${JSON.stringify(box)}`);
    assert.ok(await page.getByTestId('event-pin').getByTestId('event-chain').isVisible());
    assert.equal(await page.locator(`${FEED}[data-testid="event-${drain.id}"]`).count(), 0, 'not repeated in the feed below');

    // The group opens to show each reboot, and folds again.
    const members = group.getByTestId('event-group-members');
    assert.equal(await members.isVisible(), false);
    await group.getByTestId('event-group-toggle').click();
    await members.waitFor({ state: 'visible' });
    assert.equal(await members.locator('li').count(), 20);
    assert.match(await members.innerText(), /scan-066 rebooted \(sysUpTime restarted\)/);
    await group.getByTestId('event-group-toggle').click();
    await members.waitFor({ state: 'hidden' });
  });

  it('filters by severity and kind and acknowledging the chain, each remembered across a page load; the cause never hidden', async () => {
    const tripped = page.locator(`${FEED}[data-type="breaker-tripped"]`);
    await page.getByTestId('event-filter-critical').click();
    assert.equal(await page.getByTestId('event-filter-critical').getAttribute('aria-pressed'), 'false');
    await page.waitForFunction(() => document.querySelectorAll('#events > li[data-severity="critical"]:not(.is-cause)').length === 0, undefined, { timeout: 15_000 });
    const critical = await page.$$eval('#events > li[data-severity="critical"]', (els) => els.map((e) => `${e.getAttribute('data-type')}:${e.classList.contains('is-cause')}`));
    assert.deepEqual(critical, ['breaker-tripped:true'], 'critical events hidden, but for the breaker trip the pinned chain names as its cause');
    assert.ok(await tripped.isVisible());

    await page.getByTestId('event-filter-kinds').click();
    await page.getByTestId('event-kind-node-rebooted').locator('input').uncheck();
    await page.locator(`${FEED}[data-type="node-rebooted"]`).waitFor({ state: 'detached', timeout: 15_000 });
    assert.match(await page.getByTestId('event-hidden').innerText(), /^\d+ hidden by filters$/);
    assert.ok(await page.getByTestId('event-pin').isVisible(), 'the pinned chain is never filtered');

    // Acknowledged, the chain is unpinned: its cause is then filtered like any other critical event.
    await page.getByTestId('event-pin-ack').click();
    await page.getByTestId('event-pin').waitFor({ state: 'hidden', timeout: 15_000 });
    assert.equal(await tripped.count(), 0, 'with its chain unpinned, the cause is filtered like any critical event');

    await page.reload();
    // The feed drawn from the new page's snapshot, which holds the trip's drain (critical, with its chain).
    await page.waitForFunction((id) => document.body.classList.contains('ready') && document.querySelector('#events > li') !== null
      && (window as unknown as { breakerbox?: { snapshot?: { events: { id: number }[] } } }).breakerbox?.snapshot?.events.some((e) => e.id === id), drain.id, { timeout: 30_000 });
    assert.equal(await page.getByTestId('event-filter-critical').getAttribute('aria-pressed'), 'false', 'the severity filter was kept');
    assert.equal(await page.locator(`${FEED}[data-severity="critical"]`).count(), 0, 'critical events still hidden');
    assert.equal(await page.getByTestId('event-filter-kinds').innerText(), 'kinds (1 hidden)');
    assert.equal(await page.locator(`${FEED}[data-type="node-rebooted"]`).count(), 0, 'the kind filter was kept');
    assert.equal(await page.getByTestId('event-pin').isHidden(), true, 'the acknowledgement was kept');

    await page.getByTestId('event-filter-critical').click();
    await page.getByTestId('event-filter-kinds').click();
    await page.getByTestId('event-kind-node-rebooted').locator('input').check();
    await page.waitForFunction(() => document.querySelector('[data-testid="event-hidden"]')!.textContent === '', undefined, { timeout: 15_000 });
    const inFeed = page.locator(`${FEED}[data-testid="event-${drain.id}"]`);
    assert.match(await inFeed.getByTestId('event-chain').innerText(), /drained 20 of 80 from pool scanners/, 'the acknowledged chain in the feed, whole');
  });

  it('a newer chain supersedes the acknowledged one and is pinned', async () => {
    const res = await api('POST', '/api/pools/scanners/members/scan-001/drain', { reason: 'fan noise, checking' });
    assert.ok(res.status < 300, JSON.stringify(res.body));
    await page.getByTestId('event-pin').waitFor({ state: 'visible', timeout: 20_000 });
    assert.match(await page.getByTestId('event-pin').innerText(), /fan noise, checking/);
    assert.notEqual(await pinnedId(), String(drain.id));
  });

  it('pages back through the stored journal: the older button, and scrolling to the end', async () => {
    // More events than the wall keeps (40): routine ones through the real journal, each its own line
    // (a subject each, so the journal does not fold them; a message without it, so the wall does not).
    const notes = Array.from({ length: 70 }, (_, i) => app!.events.add({ type: 'test-note', severity: 'info', subject: `note-${i + 1}`, message: `routine note ${i + 1}` }));
    const line = (ev: ApiEvent) => page.locator(`${FEED}[data-testid="event-${ev.id}"]`);
    await line(notes.at(-1)!).waitFor({ timeout: 20_000 });
    // The oldest notes have left the wall (or, had it fallen behind, came only in a snapshot of the latest).
    await page.waitForFunction((id) => !document.querySelector(`[data-testid="event-${id}"]`), notes[4]!.id, { timeout: 20_000 });
    // Events in the feed, each line's and each group member's.
    const held = () => page.$$eval('#events [data-testid^="event-"]', (els) => els.filter((e) => /^event-\d+$/.test(e.getAttribute('data-testid')!)).length);
    const first = await held();
    assert.ok(first <= 40, `the wall keeps the latest 40 (and the pinned chain above), held ${first}`);
    assert.ok(await page.getByTestId('event-pin').isVisible(), 'the pinned chain stays, however many came after');

    await page.getByTestId('events-older').click();
    await line(notes[4]!).waitFor({ timeout: 20_000 });
    assert.ok(await held() > first, 'a page of older events joined');
    // Scrolling to the end asks for the page after, until the journal has no more: the trip among them.
    for (let i = 0; i < 5 && !(await page.getByTestId('events-older').isDisabled()); i++) {
      await page.locator('#events').evaluate((el) => { el.scrollTop = el.scrollHeight; el.dispatchEvent(new Event('scroll')); });
      await page.waitForFunction(() => !document.querySelector('[data-testid="events-older"]')!.textContent!.startsWith('loading'), undefined, { timeout: 20_000 });
    }
    assert.equal(await page.getByTestId('events-older').innerText(), 'no older events');
    assert.equal(await line(drain).count(), 1, 'the trip\'s drain is there');
    assert.equal(await page.locator(`${FEED}[data-testid="event-group"][data-type="node-rebooted"][data-count="20"]`).count(), 1, 'its reboots, paged back, fold as they did live');
    assert.equal(await line(notes[0]!).count(), 1, 'every note, down to the first');

    // The journal's paging back: the newest `limit` before an id, oldest first, and the next page's address.
    const page1 = await api('GET', '/api/events?before=60&limit=10');
    const ids = (page1.body as ApiEvent[]).map((e) => e.id);
    assert.deepEqual(ids, Array.from({ length: 10 }, (_, i) => 50 + i));
    assert.match(page1.link ?? '', /before=50/);
    for (const bad of ['before=x', 'before=-1', 'before=5&cursor=2']) {
      const r = await api('GET', `/api/events?${bad}`);
      assert.equal(r.status, 400, bad);
      assert.equal((r.body as { code: string }).code, 'BB_ERR_BAD_QUERY');
    }
    assert.deepEqual(pageErrors, [], 'no errors in the page');
  });
});
