// The public status page on the real app with the simulated demo, in Chromium: a bank trip and its
// clearing draft one incident with the right times and counts; an operator (token, reason, audited)
// edits and publishes it through the API and the CLI; /status then shows the day as reduced for the
// affected services, the Atom feed parses as XML with Atom's required elements, the JSON feed is
// JSON Feed 1.1, each state has a glyph and words and its colours contrast at 4.5:1 or better, and
// nothing private (addresses, communities, tokens, device and operator names, reasons) appears. Reads
// are protected here (settings.api.protectReads): the page and feeds stay open, the drafts do not.
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startApp, type App } from '../src/app.js';
import type { Config } from '../src/config/schema.js';
import type { ApiEvent, ApiPool } from '../src/http/api-types.js';
import { localZone } from '../src/maintenance/windows.js';
import type { Incident } from '../src/status/incidents.js';
import { statusCommand } from '../src/status/status-cli.js';
import { demoConfig, waitFor } from './helpers/demo-config.js';
import { freeUdpPort } from './helpers/ports.js';
import { CHROMIUM_ARGS } from './helpers/wall-demo.js';

const TOKEN = 'alice-status-token-5f2c9a71';
const COMMUNITY = 'c0mm-7d41e9b2';
const EDIT_REASON = 'plainer words for customers 41c7';
const PUBLISH_REASON = 'customers asked on the forum 9e3a';
const TITLE = 'Mail scanning ran slower on 2 counts';
const AFFECTED = ['Inbound mail scanning', 'Outbound mail scanning'];

describe('the public status page (real app, simulated demo, Chromium)', { timeout: 180_000 }, () => {
  let app: App;
  let config: Config;
  let stateDir: string;
  let browser: Browser | undefined;
  let page: Page;
  let incident: Incident;
  let html = '';
  let atom = '';
  let json = '';

  async function api<T>(method: string, path: string, body?: unknown, token: string | null = TOKEN): Promise<{ status: number; body: T }> {
    const res = await fetch(`${app.url}${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json().catch(() => null)) as T };
  }
  const incidents = async () => (await api<Incident[]>('GET', '/api/incidents')).body;

  before(async () => {
    const demo = demoConfig({ snmpPort: await freeUdpPort(), trapPort: await freeUdpPort() });
    ({ config, stateDir } = demo);
    // A distinctive community everywhere, so the privacy check can look for it; an operator's token; reads protected.
    for (const device of [...config.pdus, ...config.nodes]) device.snmp = { version: '2c', community: COMMUNITY };
    config.settings.traps.communities = [COMMUNITY];
    config.settings.api = { ...config.settings.api, tokens: [{ name: 'alice', token: TOKEN }], protectReads: true };
    // This machine is shared: slow answers must not pass for dark PDUs. No scheduled reload during the test.
    config.settings.snmpTimeout = 1_500;
    config.settings.staleAfterPolls = 5;
    config.settings.reload.schedule = '0 0 1 1 *';
    app = await startApp({ config, stateDir, logLevel: 'silent' });
    await waitFor('every node polled normal', async () => (await api<{ power: string }[]>('GET', '/api/nodes')).body.every((n) => n.power === 'normal'), 60_000);
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    // tsx keeps function names with a helper the page does not have: the functions evaluated there need it.
    await page.addInitScript('window.__name = (f) => f');
  });

  after(async () => {
    await browser?.close();
    await app?.stop();
    if (stateDir) await rm(stateDir, { recursive: true, force: true });
  });

  it('a trip and its clearing draft one incident with the right times and counts', async () => {
    assert.deepEqual(await incidents(), [], 'no incident before the trip');
    const injected = Date.now();
    assert.equal((await api('POST', '/api/sim/faults', { kind: 'bank-trip', pdu: 'dal3-r07-a', bank: 1 })).status, 201);
    await waitFor('20 drained', async () => (await api<ApiPool[]>('GET', '/api/pools')).body.find((p) => p.name === 'scanners')!.drained === 20, 30_000);
    const open = await waitFor('a draft for both scanning services', async () => (await incidents()).find((i) => i.services.length === 2), 10_000);
    assert.equal(open.resolvedAt, null);
    assert.match(open.text, /inbound mail scanning and outbound mail scanning are running at reduced capacity\.$/);

    assert.equal((await api('DELETE', '/api/sim/faults')).status, 200);
    // Re-admitted at a reload once the nodes have answered for the 2 s hold-down.
    incident = await waitFor('the incident resolved at a reload', async () => {
      await api('POST', '/api/reload', { reason: 'status page test' });
      const [i] = await incidents();
      return i?.resolvedAt !== null && i;
    }, 40_000, 1_000);

    const list = await incidents();
    assert.equal(list.length, 1, `one incident: ${list.map((i) => i.text).join(' | ')}`);
    assert.equal(incident.status, 'draft');
    assert.deepEqual(incident.causes, ['bank 1 breaker tripped on dal3-r07-a']);
    assert.deepEqual(incident.services.map((s) => [s.name, s.worst]), AFFECTED.map((s) => [s, 'reduced']));

    // The times: power lost (or the drain) starts it, the re-admission ends it.
    const journal = (await api<ApiEvent[]>('GET', `/api/events?from=${injected}&type=drain,readmit,service-state&limit=100`)).body;
    const story = journal.map((e) => `${e.time} ${e.type} ${e.message}`).join('\n');
    const drain = journal.find((e) => e.type === 'drain' && e.chain?.cause === 'bank 1 breaker tripped on dal3-r07-a')!;
    // Re-admitted at one reload, or over two when some nodes had not answered for the hold-down yet: the last one restores.
    const readmit = journal.filter((e) => e.type === 'readmit' && e.subject === 'scanners').at(-1)!;
    assert.ok(drain && readmit, `drain and readmit in ${journal.map((e) => e.type).join(', ')}`);
    assert.ok(incident.startedAt >= injected && incident.startedAt <= drain.time + 1_000, `started ${incident.startedAt}: after the fault (${injected}), by the drain (${drain.time})`);
    assert.ok(incident.resolvedAt! >= readmit.time && incident.resolvedAt! - readmit.time < 1_000, `restored ${incident.resolvedAt} at the re-admission (${readmit.time}):\n${story}`);
    const states = journal.filter((e) => e.type === 'service-state').map((e) => [e.subject, e.service?.state]);
    assert.deepEqual(states.filter(([s]) => s === 'Inbound mail scanning').map(([, st]) => st).filter((st, i, all) => st !== all[i - 1]), ['reduced', 'operational'], 'persisted changes of state');

    const hhmm = (t: number) => new Intl.DateTimeFormat('en-GB', { timeZone: localZone(), hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(t);
    const seconds = Math.round((incident.resolvedAt! - incident.startedAt) / 1000);
    assert.equal(incident.text, `At ${hhmm(incident.startedAt)} a breaker tripped in Dallas 3. 20 of 80 servers were taken out of rotation; `
      + `inbound mail scanning and outbound mail scanning ran at reduced capacity for ${seconds < 60 ? `${seconds} s` : `${Math.floor(seconds / 60)} min`}. Restored at ${hhmm(incident.resolvedAt!)}.`);
    const timeline = incident.timeline.map((t) => t.text);
    assert.equal(timeline[0], 'Inbound mail scanning and outbound mail scanning: reduced capacity, 60 of 80 servers in rotation');
    assert.equal(timeline.at(-1), 'Inbound mail scanning and outbound mail scanning: operational');
    for (const t of timeline.slice(1, -1)) assert.match(t, /^Inbound mail scanning and outbound mail scanning: reduced capacity, (6[1-9]|7\d) of 80 servers in rotation$/, 'some back at a first reload');
  });

  it('only an operator with a token publishes, saying why; the change is audited; the CLI does the same', async () => {
    const id = incident.id;
    assert.equal((await api('GET', '/api/incidents', undefined, null)).status, 401, 'drafts are not public');
    assert.equal((await api('POST', `/api/incidents/${id}/publish`, { reason: 'x' }, null)).status, 401, 'no token');
    assert.equal((await api('POST', `/api/incidents/${id}/publish`, { reason: 'x' }, 'mallory-token-0123456789')).status, 401, 'unknown token');
    const noReason = await api<{ code: string }>('POST', `/api/incidents/${id}/publish`, {});
    assert.deepEqual([noReason.status, noReason.body.code], [400, 'BB_ERR_NO_REASON']);
    assert.equal((await api('PATCH', `/api/incidents/${id}`, { title: 'x', reason: 'y', status: 'published' })).status, 400, 'unknown fields are refused');
    assert.equal((await api('POST', '/api/incidents/99/publish', { reason: 'x' })).status, 404);
    assert.doesNotMatch(await (await fetch(`${app.url}/status`)).text(), /data-testid="incident"/, 'a draft is not on the page');

    const cli = { url: app.url, token: TOKEN };
    assert.deepEqual(await statusCommand('edit-incident', String(id), { ...cli, title: TITLE }), { output: 'breakerbox edit-incident: say why with --reason "…" (it goes in the audit trail)', code: 64 });
    assert.deepEqual(await statusCommand('edit-incident', String(id), { ...cli, title: TITLE, reason: EDIT_REASON }), { output: `incident ${id} edited`, code: 0 });
    const refused = await statusCommand('publish-incident', String(id), { url: app.url, reason: PUBLISH_REASON });
    assert.deepEqual([refused.code, /refused \(401\)/.test(refused.output)], [1, true]);
    assert.deepEqual(await statusCommand('publish-incident', String(id), { ...cli, reason: PUBLISH_REASON }), { output: `incident ${id} published on the status page`, code: 0 });
    const again = await statusCommand('publish-incident', String(id), { ...cli, reason: PUBLISH_REASON });
    assert.match(again.output, /refused \(409\): incident \d+ is already published/);

    const listed = await statusCommand('incidents', undefined, { ...cli, state: 'published' });
    assert.match(listed.output, new RegExp(`^\\s+${id}  published .* ${TITLE}$`));
    const shown = await statusCommand('incident', String(id), cli);
    assert.match(shown.output, /causes: bank 1 breaker tripped on dal3-r07-a/);
    assert.match(shown.output, new RegExp(`publish by alice: ${PUBLISH_REASON}`));

    const audit = (await api<{ who: string; action: string; why: string }[]>('GET', '/api/audit')).body;
    assert.deepEqual(audit.slice(0, 2).map((a) => [a.who, a.action, a.why]), [
      ['alice', 'publish-incident', `incident ${id}: ${PUBLISH_REASON}`], ['alice', 'edit-incident', `incident ${id}: ${EDIT_REASON}`],
    ]);
    const published = (await api<Incident>('GET', `/api/incidents/${id}`)).body;
    assert.deepEqual([published.status, published.title, published.text], ['published', TITLE, incident.text]);
  });

  it('/status shows today as reduced for the affected services, and the incident with its timeline', async () => {
    const res = await fetch(`${app.url}/status`);
    assert.equal(res.status, 200, 'open without a token, though reads are protected');
    assert.match(res.headers.get('content-security-policy') ?? '', /default-src 'none'/);
    html = await res.text();
    assert.equal((await fetch(`${app.url}/status`, { method: 'HEAD' })).status, 200);

    await page.goto(`${app.url}/status`);
    const today = await page.$$eval('[data-testid="service"]', (els) => els.map((el) => {
      const days = [...el.querySelectorAll('.day')];
      return { service: el.getAttribute('data-service'), now: el.getAttribute('data-state'), days: days.length, today: days.at(-1)!.getAttribute('data-state'), words: days.at(-1)!.textContent };
    }));
    assert.deepEqual(today.map((s) => [s.service, s.now, s.days, s.today]), [
      ['Inbound mail scanning', 'operational', 90, 'reduced'],
      ['Outbound mail scanning', 'operational', 90, 'reduced'],
      ['Quarantine and archive', 'operational', 90, 'operational'],
    ]);
    assert.match(today[0]!.words!, /^!.*: reduced capacity$/, 'the day says its state in a glyph and words');
    const article = page.locator(`#incident-${incident.id}`);
    assert.equal(await article.locator('h3').innerText(), TITLE);
    assert.ok((await article.innerText()).includes(incident.text), 'the drafted text, as published');
    assert.equal(await article.locator('.timeline li').count(), incident.timeline.length);
    assert.match(await article.locator('.meta').innerText(), /Resolved/);
  });

  it('the Atom feed parses as XML with the required Atom elements; the JSON feed is JSON Feed 1.1', async () => {
    const res = await fetch(`${app.url}/status/feed.atom`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^application\/atom\+xml/);
    atom = await res.text();
    // Chromium's XML parser: well-formed or a <parsererror>; then the elements RFC 4287 requires.
    const checked = await page.evaluate((text) => {
      const doc = new DOMParser().parseFromString(text, 'application/xml');
      if (doc.getElementsByTagName('parsererror').length) return { error: doc.getElementsByTagName('parsererror')[0]!.textContent };
      const ATOM = 'http://www.w3.org/2005/Atom';
      const feed = doc.documentElement;
      const kids = (el: Element, name: string) => [...el.children].filter((c) => c.namespaceURI === ATOM && c.localName === name);
      const one = (el: Element, name: string) => kids(el, name).length === 1;
      const date = (el: Element) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(kids(el, 'updated')[0]?.textContent ?? '');
      const entries = kids(feed, 'entry');
      return {
        root: `${feed.namespaceURI} ${feed.localName}`,
        feed: one(feed, 'id') && one(feed, 'title') && one(feed, 'updated') && date(feed) && kids(feed, 'author').length > 0 && kids(kids(feed, 'author')[0]!, 'name').length === 1
          && kids(feed, 'link').some((l) => l.getAttribute('rel') === 'self'),
        entries: entries.map((e) => ({
          ok: one(e, 'id') && one(e, 'title') && one(e, 'updated') && date(e) && (kids(e, 'content').length === 1 || kids(e, 'link').some((l) => (l.getAttribute('rel') ?? 'alternate') === 'alternate')),
          id: kids(e, 'id')[0]!.textContent, title: kids(e, 'title')[0]!.textContent, content: kids(e, 'content')[0]?.textContent ?? '',
        })),
      };
    }, atom);
    assert.ok(!('error' in checked), `well-formed XML: ${JSON.stringify(checked)}`);
    assert.equal(checked.root, 'http://www.w3.org/2005/Atom feed');
    assert.ok(checked.feed, 'feed: id, title, updated, author/name, link rel=self');
    assert.equal(checked.entries.length, 1);
    assert.ok(checked.entries[0]!.ok, 'entry: id, title, updated, content');
    assert.match(checked.entries[0]!.id!, /^urn:uuid:/);
    assert.equal(checked.entries[0]!.title, `${TITLE} (resolved)`);
    assert.ok(checked.entries[0]!.content.startsWith(incident.text));

    const j = await fetch(`${app.url}/status/feed.json`);
    assert.match(j.headers.get('content-type') ?? '', /^application\/feed\+json/);
    json = await j.text();
    const feed = JSON.parse(json) as { version: string; title: string; items: { id: string; title: string; content_text: string; date_published: string }[] };
    assert.equal(feed.version, 'https://jsonfeed.org/version/1.1');
    assert.equal(feed.title, 'Dallas 3 status');
    assert.deepEqual(feed.items.map((i) => [i.id, i.title]), [[checked.entries[0]!.id, `${TITLE} (resolved)`]]);
    assert.ok(!Number.isNaN(Date.parse(feed.items[0]!.date_published)));
  });

  it('every state has a glyph and words beside its colour, contrast at least 4.5:1; a phone sees no sideways scroll', async () => {
    const seen = await page.$$eval('[class*="s-"]', (els) => {
      const rgb = (c: string) => (c.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map(Number);
      const lum = (c: number[]) => {
        const [r, g, b] = c.map((v) => { const s = v / 255; return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4; });
        return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
      };
      return els.filter((el) => /(^|\s)s-/.test(el.className)).map((el) => {
        const style = getComputedStyle(el);
        const [fg, bg] = [lum(rgb(style.color)), lum(rgb(style.backgroundColor))];
        return {
          state: el.getAttribute('data-state') ?? el.className,
          ratio: (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05),
          glyph: el.querySelector('.icon')?.textContent?.trim() ?? '',
          words: (el.textContent ?? '').replace(el.querySelector('.icon')?.textContent ?? '', '').trim(),
        };
      });
    });
    assert.ok(seen.length > 270, `every day, badge and banner (${seen.length})`);
    for (const state of ['operational', 'maintenance', 'reduced', 'outage', 'no-data']) assert.ok(seen.some((s) => s.state === state), `${state} shown (legend at least)`);
    const poor = seen.filter((s) => s.ratio < 4.5 || !s.glyph || !s.words);
    assert.deepEqual(poor, [], 'colour pairs below 4.5:1, or a colour without a glyph and words');

    await page.setViewportSize({ width: 360, height: 740 });
    const size = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, width: window.innerWidth, days: [...document.querySelectorAll('[data-testid="service"]:first-child .day')].filter((d) => getComputedStyle(d).display !== 'none').length }));
    assert.ok(size.scroll <= size.width, `no sideways scroll on a phone: ${size.scroll} > ${size.width}`);
    assert.equal(size.days, 30, 'a phone shows the last 30 days');
  });

  it('nothing private appears in the page or the feeds', () => {
    assert.ok(html && atom && json, 'the earlier tests fetched them');
    const secrets = [
      TOKEN, COMMUNITY, 'alice', EDIT_REASON, PUBLISH_REASON, 'status page test',
      ...config.pdus.flatMap((p) => [p.address, p.address.split(':')[0]!, p.name]),
      ...config.nodes.flatMap((n) => [n.address, n.address.split(':')[0]!, n.name]),
      ...config.pools.map((p) => p.name), 'breaker tripped on', 'dal3-', '127.3.', '127.4.',
    ];
    for (const [what, text] of [['page', html], ['Atom', atom], ['JSON Feed', json]] as const) {
      const found = secrets.filter((s) => text.includes(s));
      assert.deepEqual(found, [], `${what} shows ${found.join(', ')}`);
    }
    assert.ok(html.includes(TITLE) && atom.includes(TITLE) && json.includes(TITLE), 'the sweep looked at the right documents');
  });
});
