// The NOC wall on every screen, in a real Chromium against the real demo: a 1366×768 laptop, a 1920×1080
// TV, 2560×1440, a 3840×2160 video wall (one page, resized) and a phone in portrait (a mobile page of its
// own), before and after a bank trip. At each: nothing leaves its card, no chip is clipped, nothing is cut
// short without a tooltip, the headline is on the first screen, the tripped PDU's name is seen whole;
// status colours are readable (WCAG contrast ≥ 4.5) and never the only sign of a state. A screenshot of
// each is kept in test-artifacts/wall-screens/.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startApp } from '../src/app.js';
import { startLargeSite, type LargeSite } from './helpers/large-site.js';
import { CHROMIUM_ARGS, waitForMembers, wallDemoConfig } from './helpers/wall-demo.js';
import { packageRoot } from '../src/paths.js';

const PDU = 'dal3-r07-a';
const scan = (i: number) => `scan-${String(i).padStart(3, '0')}`;
const SINGLE_CORDED = Array.from({ length: 20 }, (_, i) => scan(57 + i));
const SCREENS = [
  { name: 'laptop-1366x768', width: 1366, height: 768 },
  { name: 'tv-1920x1080', width: 1920, height: 1080 },
  { name: 'qhd-2560x1440', width: 2560, height: 1440 },
  { name: 'wall-3840x2160', width: 3840, height: 2160 },
];
const PHONE = { name: 'phone-390x844', width: 390, height: 844 };
const ARTIFACTS = join(packageRoot(), 'test-artifacts', 'wall-screens');
/**
 * The 100-rack site's first polls of 2,200 simulated devices cost half a minute of CPU or more, more than
 * this suite can spend: its check runs when asked for (BREAKERBOX_WALL_LARGE=1). Its layout decisions are
 * tested in node every time (wall-density.test.ts).
 */
const LARGE = process.env.BREAKERBOX_WALL_LARGE === '1';

interface Findings {
  /** What is wrong, one line each. */
  problems: string[];
  headline: string;
  /** The width the page is laid out at, CSS px. */
  width: number;
  density: { racks: string | undefined; pools: string[] };
}

/**
 * Reads the wall's geometry in one go (one moment of a live page) and says what is wrong: an element
 * outside its card (unless a scrolling or clipping box between them holds it, which is then checked
 * itself, or the card scrolls), a card outside the screen, a chip outside its pool, text cut short with no tooltip, the
 * headline off the first screen or clamped, the page scrolling where it must not; and, given a tripped
 * PDU, its name cut, off screen or covered.
 */
function inspect(page: Page, o: { fits: boolean; tripped?: string }): Promise<Findings> {
  return page.evaluate(({ fits, tripped }) => {
    const problems: string[] = [];
    const CARDS = '.top, .card, .rack, .pdu, .pool, .row-label, .status, .services li, .legend';
    const vw = document.documentElement.clientWidth;
    const vh = window.innerHeight;
    const box = (el: Element) => el.getBoundingClientRect();
    const name = (el: Element) => {
      const id = el.getAttribute('data-testid') ?? el.id;
      return `${el.tagName.toLowerCase()}${id ? `[${id}]` : ''}${el.classList.length ? `.${[...el.classList].join('.')}` : ''}`;
    };
    const shown = (el: Element) => {
      const r = box(el);
      return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden';
    };
    const inside = (a: DOMRect, b: { left: number; top: number; right: number; bottom: number }) =>
      a.left >= b.left - 1 && a.top >= b.top - 1 && a.right <= b.right + 1 && a.bottom <= b.bottom + 1;
    const clips = (el: Element) => getComputedStyle(el).overflow !== 'visible';
    const scrolls = (el: Element) => /auto|scroll/.test(getComputedStyle(el).overflow);
    const titled = (el: Element | null) => { for (let x = el; x; x = x.parentElement) if (x.getAttribute('title')) return true; return false; };
    const screen = { left: 0, top: 0, right: vw, bottom: fits ? vh : Infinity };

    const roots = [document.querySelector('header.top'), document.querySelector('main.grid')].filter((x): x is Element => x !== null);
    for (const root of roots) {
      for (const el of [root, ...root.querySelectorAll('*')]) {
        if (!shown(el) || el.closest('.toast, [hidden]')) continue;
        // The nearest card holds it, unless a clipping box between them does (or the card scrolls to it).
        let holder: Element | null = null;
        let clipped = false;
        for (let x = el.parentElement; x && x !== document.body; x = x.parentElement) {
          if (x.matches(CARDS) ? scrolls(x) : clips(x)) { clipped = true; break; }
          if (x.matches(CARDS)) { holder = x; break; }
        }
        if (clipped) continue;
        const r = box(el);
        if (holder ? !inside(r, box(holder)) : !inside(r, screen)) {
          problems.push(`${name(el)} ${JSON.stringify([r.left, r.top, r.right, r.bottom].map(Math.round))} leaves ${holder ? name(holder) : 'the screen'}`);
        }
        // Cut short: an ellipsis or a clamp that bites, with no tooltip to read the rest in.
        const cs = getComputedStyle(el);
        const cutWide = cs.textOverflow === 'ellipsis' && el.scrollWidth > el.clientWidth + 1;
        const cutTall = cs.webkitLineClamp !== 'none' && cs.webkitLineClamp !== '' && el.scrollHeight > el.clientHeight + 1;
        if ((cutWide || cutTall) && !titled(el)) problems.push(`${name(el)} "${el.textContent?.trim().slice(0, 40)}" is cut short without a tooltip`);
      }
    }

    for (const chip of document.querySelectorAll('.pool .chip')) {
      const r = box(chip);
      if (!inside(r, box(chip.closest('.pool')!)) || !inside(r, screen)) problems.push(`chip ${chip.getAttribute('data-node')} is clipped`);
    }

    if (fits) {
      const { scrollWidth, scrollHeight } = document.documentElement;
      if (scrollWidth > vw || scrollHeight > vh) problems.push(`the page scrolls: ${scrollWidth}×${scrollHeight} on ${vw}×${vh}`);
    } else if (document.documentElement.scrollWidth > vw) problems.push(`the page scrolls sideways: ${document.documentElement.scrollWidth} on ${vw}`);

    // The headline: status, what broke and how many, whole and on the first screen.
    window.scrollTo(0, 0);
    const overall = document.querySelector('#overall')!;
    for (const el of [overall, overall.querySelector('.status-word')!, overall.querySelector('.status-detail')!]) {
      if (!inside(box(el), { left: 0, top: 0, right: vw, bottom: vh })) problems.push(`headline ${name(el)} is not on the first screen`);
    }
    const detail = overall.querySelector('.status-detail')!;
    if (detail.scrollHeight > detail.clientHeight + 1 || detail.scrollWidth > detail.clientWidth + 1) problems.push(`the headline's detail is cut: "${detail.textContent}"`);

    if (tripped) {
      const link = document.querySelector(`[data-testid="pdu-link-${tripped}"]`)!;
      const flag = document.querySelector(`[data-testid="pdu-${tripped}"] .pdu-flag`)!;
      if (!fits) link.scrollIntoView({ block: 'center' });
      const r = box(link);
      const f = box(flag);
      if (link.textContent !== tripped || link.scrollWidth > link.clientWidth + 1) problems.push(`the tripped PDU's name is cut: "${link.textContent}" ${link.scrollWidth}/${link.clientWidth}`);
      if (!inside(r, { left: 0, top: 0, right: vw, bottom: vh })) problems.push(`the tripped PDU's name is off screen: ${JSON.stringify(r)}`);
      const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
      if (!hit || !(hit === link || link.contains(hit))) problems.push(`the tripped PDU's name is covered by ${hit ? name(hit) : 'nothing'}`);
      if (flag.textContent !== 'TRIPPED' || f.width === 0) problems.push(`the flag says "${flag.textContent}", ${f.width} px wide`);
      if (f.left < r.right && r.left < f.right && f.top < r.bottom && r.top < f.bottom) problems.push('the flag covers the PDU\'s name');
      window.scrollTo(0, 0);
    }
    return {
      problems,
      width: vw,
      headline: `${overall.querySelector('.status-word')!.textContent} · ${detail.textContent}`,
      density: { racks: (document.querySelector('#racks') as HTMLElement).dataset.density, pools: [...document.querySelectorAll('.pool')].map((p) => `${p.getAttribute('data-pool')}:${p.getAttribute('data-density')}`) },
    };
  }, o);
}

/** After a resize: the wall re-decides its density in the next frames. */
async function settle(page: Page): Promise<void> {
  for (let i = 0; i < 3; i++) await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(resolve)));
}

/**
 * Each status element's WCAG contrast, text against the background it is drawn on (translucent layers
 * and opacity composed; against each colour of a striped background).
 */
function contrasts(page: Page, selectors: string): Promise<{ what: string; ratio: number; text: string }[]> {
  return page.evaluate((sel) => {
    type C = [number, number, number, number];
    const parse = (s: string): C[] => [...s.matchAll(/rgba?\(([^)]+)\)/g)].map((m) => {
      const [r, g, b, a] = m[1]!.split(/[ ,/]+/).filter(Boolean).map(Number);
      return [r!, g!, b!, a ?? 1];
    });
    const over = (top: C, below: C): C => [0, 1, 2].map((i) => top[i]! * top[3] + below[i]! * (1 - top[3])).concat(1) as C;
    const lum = (c: C) => {
      const [r, g, b] = c.slice(0, 3).map((v) => { const s = v / 255; return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4; });
      return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
    };
    const ratio = (a: C, b: C) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x! + 0.05) / (y! + 0.05); };
    /** The colours an element's text may sit on: its layers down to the first opaque one, each stripe of a gradient apart. */
    const backgrounds = (el: Element): C[] => {
      const layers: C[][] = [];
      for (let x: Element | null = el; x; x = x.parentElement) {
        const cs = getComputedStyle(x);
        const image = cs.backgroundImage.includes('gradient') && x !== document.body ? parse(cs.backgroundImage) : [];
        const color = parse(cs.backgroundColor)[0] ?? [0, 0, 0, 0];
        if (image.length) { layers.push(image.map((c) => (c[3] < 1 ? over(c, color) : c))); if (image.every((c) => c[3] === 1)) break; continue; }
        if (color[3] > 0) layers.push([color]);
        if (color[3] === 1) break;
      }
      let under: C[] = [[10, 14, 19, 1]];
      for (const layer of layers.reverse()) under = layer.flatMap((c) => under.map((u) => over(c, u)));
      return under;
    };
    const out: { what: string; ratio: number; text: string }[] = [];
    for (const el of document.querySelectorAll(sel)) {
      const r = el.getBoundingClientRect();
      if (!r.width || !r.height || !el.textContent?.trim() || getComputedStyle(el).fontSize === '0px') continue;
      let opacity = 1;
      for (let x: Element | null = el; x; x = x.parentElement) opacity *= Number(getComputedStyle(x).opacity);
      const bgs = backgrounds(el);
      const fg = parse(getComputedStyle(el).color)[0]!;
      const worst = Math.min(...bgs.map((bg) => ratio(over([fg[0], fg[1], fg[2], fg[3] * opacity], bg), bg)));
      out.push({ what: `${el.tagName.toLowerCase()}.${[...el.classList].join('.')}${el.getAttribute('data-testid') ? `[${el.getAttribute('data-testid')}]` : ''}`, ratio: Math.round(worst * 100) / 100, text: el.textContent.trim().slice(0, 30) });
    }
    return out;
  }, selectors);
}

/** The wall's status elements: the headline, services, PDU flags, tripped banks, pool counts, member chips, alerts, events. */
const STATUS = '#overall .status-word, #overall .status-detail, .svc-status, .pdu-flag, .bank.tripped .bank-label, .pool-count, .pool-count b, '
  + '.pool .chip, .alert .sev, .ev-type, .chain .lbl, .rack[data-level="crit"] .rack-name, .rack[data-level="warn"] .rack-name, .blocked-tag, #conn span';

describe('NOC wall on every screen (browser, real app)', { timeout: 240_000 }, () => {
  let stateDir: string;
  let app: Awaited<ReturnType<typeof startApp>> | undefined;
  /**
   * `breakerbox demo --size 200`: 100 racks, 2,000 servers in ten pools of 200. Started first, in a
   * process of its own: its first polls run while the demo's screens are checked.
   */
  let large: Promise<LargeSite> | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let phone: Page;
  const pageErrors: string[] = [];

  before(async () => {
    if (LARGE) {
      large = startLargeSite(200);
      large.catch(() => {}); // awaited, and its failure reported, by the test that uses it
    }
    stateDir = await mkdtemp(join(tmpdir(), 'breakerbox-wall-screens-'));
    await mkdir(ARTIFACTS, { recursive: true });
    [app, browser] = await Promise.all([
      wallDemoConfig(stateDir).then((config) => startApp({ config, stateDir, logLevel: process.env.LOG_LEVEL ?? 'silent', simulate: true, port: 0, host: '127.0.0.1' })),
      chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS }),
    ]);
    // Motion reduced: a colour is read as it stands, not mid-pulse.
    page = await browser.newPage({ viewport: { width: 1920, height: 1080 }, reducedMotion: 'reduce' });
    // The phone obeys the page's viewport meta as a phone does.
    phone = await browser.newPage({ viewport: { width: PHONE.width, height: PHONE.height }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, reducedMotion: 'reduce' });
    for (const p of [page, phone]) {
      // The in-page checks are compiled by tsx, which names functions with a helper the page lacks.
      await p.addInitScript('window.__name = (f) => f');
      p.on('pageerror', (err) => pageErrors.push(err.message));
      p.on('console', (msg) => { if (msg.type() === 'error') pageErrors.push(msg.text()); });
    }
    await Promise.all([page.goto(app.url), phone.goto(app.url)]);
    await page.waitForSelector(`[data-testid="outlet-${PDU}-48"][data-state="on"]`, { timeout: 30_000 });
    await waitForMembers(page, SINGLE_CORDED, { state: 'active', power: 'normal' });
    await waitForMembers(phone, SINGLE_CORDED, { state: 'active', power: 'normal' });
  });

  after(async () => {
    await browser?.close();
    await app?.stop();
    await (await large?.catch(() => undefined))?.stop();
    if (stateDir) await rm(stateDir, { recursive: true, force: true });
  });

  /** Every screen: the desktop sizes on one page, resized, then the phone; a screenshot of each. */
  async function everyScreen(phase: string, tripped?: string): Promise<Map<string, Findings>> {
    const seen = new Map<string, Findings>();
    for (const s of SCREENS) {
      await page.setViewportSize({ width: s.width, height: s.height });
      await settle(page);
      seen.set(s.name, await inspect(page, { fits: true, tripped }));
      await page.screenshot({ path: join(ARTIFACTS, `${phase}-${s.name}.jpeg`), quality: 80 });
    }
    await settle(phone);
    seen.set(PHONE.name, await inspect(phone, { fits: false, tripped }));
    // Laid out for the phone's own width, not a desktop's shrunk to it.
    assert.equal(seen.get(PHONE.name)!.width, PHONE.width, 'the phone lays the wall out at its width');
    await phone.screenshot({ path: join(ARTIFACTS, `${phase}-${PHONE.name}.jpeg`), quality: 80 });
    await page.setViewportSize({ width: 1920, height: 1080 });
    for (const [screen, f] of seen) assert.deepEqual(f.problems, [], `${phase}, ${screen}`);
    return seen;
  }

  it('before a trip: every screen holds the whole wall, the status on the first screen', async () => {
    const seen = await everyScreen('before');
    for (const [screen, f] of seen) {
      assert.match(f.headline, /^ALL NORMAL · /, screen);
      // The demo's site is small: racks in full and labelled chips on every screen.
      assert.equal(f.density.racks, 'full', screen);
      assert.deepEqual(f.density.pools, ['scanners:chips', 'storage:chips'], screen);
    }
  });

  it('after a bank trip: the headline says what broke and how many nodes; the tripped PDU is named whole', async () => {
    await page.getByTestId('fault-kind').selectOption('bank-trip');
    await page.getByTestId('fault-pdu').selectOption(PDU);
    await page.getByTestId('fault-bank').selectOption('1');
    await page.getByTestId('fault-inject').click();
    await waitForMembers(page, SINGLE_CORDED, { state: 'drained', power: 'lost' });
    await waitForMembers(phone, SINGLE_CORDED, { state: 'drained', power: 'lost' });
    const seen = await everyScreen('after', PDU);
    for (const [screen, f] of seen) assert.match(f.headline, /^POWER FAULT · breaker tripped: dal3-r07-a bank 1 · 20 nodes lost power/, screen);
  });

  it('status colours read at 4.5:1 or better, and every state is said in text or a mark, not colour alone', async () => {
    for (const p of [page, phone]) {
      const all = await contrasts(p, STATUS);
      const kinds = new Set(all.map((c) => c.what.split('[')[0]));
      for (const want of ['div.status-word', 'div.status-detail', 'span.svc-status', 'span.pdu-flag', 'div.bank-label', 'span.chip']) assert.ok(kinds.has(want), `${want} measured`);
      assert.deepEqual(all.filter((c) => c.ratio < 4.5), [], 'contrast below 4.5:1');
    }
    const marks = await page.evaluate(() => {
      const chips = [...document.querySelectorAll('.pool .chip')];
      const mark = (power: string) => [...new Set(chips.filter((c) => c.getAttribute('data-power') === power).map((c) => getComputedStyle(c, '::after').content))];
      const outlet = (state: string) => [...new Set([...document.querySelectorAll(`.o[data-state="${state}"]`)].map((o) => getComputedStyle(o).backgroundImage === 'none' ? 'plain' : 'patterned'))];
      return {
        unlabelled: chips.filter((c) => {
          const label = c.getAttribute('aria-label') ?? '';
          return !label.includes(`${c.getAttribute('data-node')}: ${c.getAttribute('data-state')}`) || !label.includes(`power ${c.getAttribute('data-power')}`);
        }).map((c) => c.getAttribute('data-node')),
        lost: mark('lost'), degraded: mark('degraded'), normal: mark('normal'),
        off: outlet('off'), on: outlet('on'),
        wordless: [...document.querySelectorAll('#overall, .services li[data-status], .pdu.has-trip .pdu-flag, .bank.tripped .bank-state, .pool .pool-count')]
          .filter((el) => !(el as HTMLElement).innerText.trim() && !el.getAttribute('aria-label')).map((el) => el.className),
      };
    });
    assert.deepEqual(marks.unlabelled, [], 'every chip names its state and power for a reader');
    assert.deepEqual(marks.lost, ['"✕"'], 'a chip whose power is lost is marked ✕');
    assert.deepEqual(marks.degraded, ['"½"'], 'a chip on one feed is marked ½');
    assert.deepEqual(marks.normal, ['none'], 'a healthy chip carries no mark');
    assert.deepEqual([marks.off, marks.on], [['patterned'], ['plain']], 'an outlet that is off is striped, not only red');
    assert.deepEqual(marks.wordless, [], 'every state element says its state in words');
    assert.deepEqual(pageErrors, [], 'no errors in the pages');
  });

  it('100 racks and 2,000 nodes still fit a TV: racks collapse to rows, chips to heat strips, a tripped PDU named', { skip: !LARGE && 'set BREAKERBOX_WALL_LARGE=1' }, async () => {
    const site = await large!;
    const tv = await browser!.newPage({ viewport: { width: 1920, height: 1080 }, reducedMotion: 'reduce' });
    try {
      await tv.addInitScript('window.__name = (f) => f');
      tv.on('pageerror', (err) => pageErrors.push(err.message));
      await tv.goto(site.url);
      await tv.waitForFunction(() => document.querySelectorAll('.pdu[data-reachable="true"]').length === 200, undefined, { timeout: 120_000, polling: 500 });
      // The trip through the simulator's API (the demo's test drives the fault panel).
      const res = await fetch(`${site.url}/api/sim/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'bank-trip', pdu: 'r042-a', bank: 1 }) });
      assert.equal(res.status, 201, await res.text());
      await tv.waitForSelector('[data-testid="pdu-r042-a"].has-trip', { timeout: 60_000 });
      await tv.waitForFunction(() => document.querySelectorAll('.pool .chip[data-power="degraded"]').length === 10, undefined, { timeout: 60_000, polling: 250 });
      await settle(tv);
      const f = await inspect(tv, { fits: true, tripped: 'r042-a' });
      await tv.screenshot({ path: join(ARTIFACTS, 'large-tv-1920x1080.jpeg'), quality: 80 });
      assert.deepEqual(f.problems, [], '100 racks on a TV');
      assert.equal(f.density.racks, 'rows');
      assert.deepEqual(f.density.pools, Array.from({ length: 10 }, (_, i) => `web-${String(i + 1).padStart(3, '0')}:heat`));
      assert.equal(await tv.locator('.pool .chip').count(), 2_000);
      assert.match(f.headline, /^POWER FAULT · breaker tripped: r042-a bank 1 · /);
      // Dual-corded: the trip leaves ten servers on one feed, said in the headline and marked in their heat cells.
      assert.match(f.headline, /10 on one feed/);
      assert.equal(await tv.locator('.pool .chip[data-power="degraded"][aria-label*="power degraded"]').count(), 10);
      assert.deepEqual(pageErrors, [], 'no errors in the page');
    } finally {
      await tv.close();
    }
  });
});
