// Prediction equals reality, on the real app with the simulated demo: for seeded random faults (a bank
// trip, a PDU off, a feed lost in a row), GET /api/what-if is asked first, then the simulator is
// given the fault, and once every device has been polled twice since and the controller has settled,
// the nodes lost, the drains, the blocks and the frozen domains are compared with the prediction; after
// the feed loss, the partner strips' measured bank currents with the load the prediction moved onto
// them. Then the CLI against the running service, and the wall's what-if view in a real Chromium.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { startApp, type App } from '../src/app.js';
import { whatIfCommand } from '../src/capacity/what-if-cli.js';
import type { WhatIfResult } from '../src/capacity/what-if.js';
import type { Config } from '../src/config/schema.js';
import type { ApiNode, ApiPdu, ApiPool } from '../src/http/api-types.js';
import { waitFor } from './helpers/demo-config.js';
import { demo } from './helpers/scenario.js';
import { CHROMIUM_ARGS, fitsScreen, wallDemoConfig } from './helpers/wall-demo.js';

const SEED = Number(process.env.WHAT_IF_SEED ?? 15);

/** A small seeded generator (mulberry32): the same seed draws the same faults. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Trial { label: string; query: Record<string, string>; inject: Record<string, unknown>[]; feedLoss: boolean }

/** One of each kind the issue names, drawn at random: a bank that feeds a server, any PDU, a feed in a row. */
function drawFaults(config: Config, seed: number): Trial[] {
  const rnd = random(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const fedBanks = config.pdus.flatMap((p) => Array.from({ length: p.banks }, (_, i) => i + 1)
    .filter((bank) => config.nodes.some((n) => n.psus.some((s) => s.pdu === p.name && Math.ceil(s.outlet / (p.outlets / p.banks)) === bank)))
    .map((bank) => [p.name, bank] as const));
  const [bankPdu, bank] = pick(fedBanks);
  const off = pick(config.pdus).name;
  const feed = pick(['A', 'B'] as const);
  const row = pick(config.sites[0]!.rows);
  const rowPdus = config.pdus.filter((p) => p.feed === feed && row.racks.includes(p.rack)).map((p) => p.name);
  const trials: Trial[] = [
    { label: `bank ${bank} of ${bankPdu} trips`, query: { pdu: bankPdu, bank: String(bank) }, inject: [{ kind: 'bank-trip', pdu: bankPdu, bank }], feedLoss: false },
    { label: `${off} loses power`, query: { pdu: off }, inject: [{ kind: 'inlet-loss', pdu: off }], feedLoss: false },
    { label: `feed ${feed} lost in ${row.name}`, query: { feed, row: row.name }, inject: rowPdus.map((pdu) => ({ kind: 'inlet-loss', pdu })), feedLoss: true },
  ];
  return trials.sort(() => rnd() - 0.5);
}

const sorted = (xs: Iterable<string>) => [...xs].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));

describe('what-if: prediction equals reality (real app, simulated demo, real browser)', { timeout: 240_000 }, () => {
  let app: App;
  let config: Config;
  let stateDir: string;
  let launching: Promise<Browser> | undefined;

  async function api<T>(path: string, init?: RequestInit): Promise<T> {
    const res = await fetch(`${app.url}${path}`, { ...init, headers: { 'content-type': 'application/json' } });
    assert.ok(res.ok, `${init?.method ?? 'GET'} ${path} → ${res.status} ${await res.clone().text()}`);
    return (await res.json()) as T;
  }

  /** Does `change`, then waits until every device has been polled twice: the second poll began after the change. */
  async function polledAfter(change: () => Promise<unknown>): Promise<void> {
    const devices = [...config.pdus.map((p) => p.name), ...config.nodes.map((n) => n.name)];
    const records = new Map<string, number>();
    const stop = app.store.onChange((c) => records.set(c.name, (records.get(c.name) ?? 0) + 1));
    try {
      await change();
      await waitFor('every device polled twice since', () => devices.every((d) => (records.get(d) ?? 0) >= 2), 30_000, 100);
    } finally {
      stop();
    }
    await app.controller.settle();
  }

  /** Every node powered, answering and in its pools, every reading taken since; nothing blocked, nothing frozen. */
  async function calm(): Promise<void> {
    await polledAfter(() => api('/api/sim/faults', { method: 'DELETE' }));
    await waitFor('every node normal and answering', async () => (await api<ApiNode[]>('/api/nodes')).every((n) => n.power === 'normal' && n.reachable === true), 60_000);
    await waitFor('every drained node re-admitted by a reload', async () => {
      await api('/api/reload', { method: 'POST', body: '{}' });
      return (await api<ApiPool[]>('/api/pools')).every((p) => p.drained === 0 && p.blockedBy.length === 0) && app.controller.frozenDomains().length === 0;
    }, 30_000, 500);
  }

  before(async () => {
    // Chromium starts while the app does; the last test takes it.
    launching = chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    launching.catch(() => {}); // a failed launch fails the browser test, where it is awaited
    stateDir = await mkdtemp(join(tmpdir(), 'bb-what-if-'));
    // Facts stay fresh for 10 polls: on a busy machine a late poll must not turn a node "unknown" mid-comparison.
    config = await wallDemoConfig(stateDir, (raw) => Object.assign(raw.settings, { snmpTimeout: '400ms', staleAfterPolls: 10, reload: { schedule: '0 0 1 1 *', holdDown: '1s' } }));
    app = await startApp({ config, stateDir, logLevel: 'silent' });
    await waitFor('every node polled normal and answering', async () => (await api<ApiNode[]>('/api/nodes')).every((n) => n.power === 'normal' && n.reachable === true), 60_000);
  });
  after(async () => {
    await (await launching?.catch(() => undefined))?.close();
    await app?.stop();
    await rm(stateDir, { recursive: true, force: true });
  });

  it('answers a question it cannot answer with 400 BB_ERR_BAD_QUERY', async () => {
    for (const q of ['pdu=nope', 'feed=C', 'pdu=dal3-r07-a&feed=A', 'pdu=dal3-r07-a&bank=9', 'outlet=dal3-r07-a', 'rack=r07', '']) {
      const res = await fetch(`${app.url}/api/what-if?${q}`);
      const body = (await res.json()) as { code: string; error: string };
      assert.equal(res.status, 400, q);
      assert.equal(body.code, 'BB_ERR_BAD_QUERY', q);
      assert.ok(body.error.length > 10, q);
    }
  });

  for (const trial of drawFaults(demo(), SEED)) {
    it(`seed ${SEED}: ${trial.label}: what Breakerbox predicted is what happened`, async (t) => {
      t.after(calm);
      const predicted = await api<WhatIfResult>(`/api/what-if?${new URLSearchParams(trial.query)}`);
      await polledAfter(async () => {
        for (const spec of trial.inject) await api('/api/sim/faults', { method: 'POST', body: JSON.stringify(spec) });
      });

      // The simulated data center: the same servers without power.
      const unpowered = config.nodes.filter((n) => !app.simulator!.nodePowered(n.name)).map((n) => n.name);
      assert.deepEqual(sorted(unpowered), predicted.lost.map((n) => n.name), 'the servers the simulator cut off');
      // Breakerbox: the same power health for every node the fault reaches, and normal for the rest.
      const nodes = new Map((await api<ApiNode[]>('/api/nodes')).map((n) => [n.name, n.power]));
      const expected = new Map([...predicted.lost, ...predicted.degraded].map((n) => [n.name, n.power]));
      for (const [name, power] of nodes) assert.equal(power, expected.get(name) ?? 'normal', `power of ${name}`);
      assert.deepEqual(sorted(app.controller.frozenDomains().map((d) => d.domain)), sorted(predicted.frozen.map((d) => d.domain)), 'frozen domains');
      // The same drains and the same blocks, pool by pool.
      for (const pool of await api<ApiPool[]>('/api/pools')) {
        const p = predicted.pools.find((x) => x.name === pool.name);
        const drained = sorted(pool.members.filter((m) => m.state === 'drained').map((m) => m.node));
        const blocked = pool.blockedBy.map((b) => ({ rule: b.rule, nodes: sorted(b.nodes) }));
        let want = { drained: p?.drain ?? [], blocked: (p?.blocked ?? []).map((b) => ({ rule: b.rule, nodes: sorted(b.nodes) })) };
        // The prediction names the one race it cannot settle: nodes seen silent before the freeze forms are drained first.
        const race = new Set(p?.raceWithFreeze ?? []);
        if (drained.some((n) => race.has(n))) {
          want = { drained: sorted([...want.drained, ...race]), blocked: want.blocked.map((b) => ({ ...b, nodes: b.nodes.filter((n) => !race.has(n)) })).filter((b) => b.nodes.length > 0) };
        }
        assert.deepEqual({ drained, blocked }, want, `pool ${pool.name}`);
      }
      if (trial.feedLoss) {
        // Dual-corded servers moved their whole load onto their other strip: the banks measure what was predicted.
        const banks = predicted.loads.filter((l) => l.part === 'bank');
        assert.ok(banks.length > 0, 'the feed loss moves load onto the other feed');
        const pdus = new Map((await api<ApiPdu[]>('/api/pdus')).map((p) => [p.name, p]));
        for (const l of banks) {
          const measured = pdus.get(l.pdu)!.banks.find((b) => b.index === l.index)!.current!;
          assert.ok(l.after > l.now, `${l.pdu} bank ${l.index} takes load`);
          // Loads wander up to ±4% in the simulator; its cards report tenths of amps.
          assert.ok(Math.abs(measured - l.after) <= Math.max(0.3, 0.08 * l.after), `${l.pdu} bank ${l.index}: measured ${measured} A, predicted ${l.after} A (from ${l.now} A)`);
        }
      }
    });
  }

  it('breakerbox what-if prints the running service\'s prediction, and refuses a question it cannot ask', async () => {
    const ok = await whatIfCommand({ url: app.url, pdu: 'dal3-r07-a', bank: '1' });
    assert.equal(ok.code, 0, ok.output);
    assert.match(ok.output, /^WHAT-IF \(nothing was changed\): bank 1 breaker trips on dal3-r07-a/);
    assert.match(ok.output, /20 nodes lose power: scan-057\.\.scan-076/);
    assert.match(ok.output, /scanners: drain 20 of 80: scan-057\.\.scan-076; serving 80 → 60/);
    assert.match(ok.output, /Inbound mail scanning: ok → reduced/);
    const json = await whatIfCommand({ url: app.url, feed: 'B', rack: 'r08', json: true });
    assert.deepEqual((JSON.parse(json.output) as WhatIfResult).dark, ['dal3-r08-b']);
    const unknown = await whatIfCommand({ url: app.url, pdu: 'nope' });
    assert.deepEqual(unknown, { output: 'breakerbox what-if: no PDU "nope" in the configuration', code: 64 });
    assert.equal((await whatIfCommand({ url: app.url })).code, 64);
    assert.equal((await whatIfCommand({ url: 'http://127.0.0.1:1', pdu: 'dal3-r07-a' })).code, 1);
  });

  it("the wall's operator mode draws a prediction on the racks and chips, labelled WHAT-IF, touching nothing", async () => {
    const browser = await launching!;
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${app.url}/?operator`);
    const panel = page.getByTestId('what-if-panel');
    await panel.waitFor({ state: 'visible', timeout: 30_000 });
    await page.waitForSelector('[data-testid="what-if-pdu"] option[value="dal3-r07-a"]', { state: 'attached', timeout: 30_000 });
    await page.getByTestId('what-if-kind').selectOption('bank');
    await page.getByTestId('what-if-pdu').selectOption('dal3-r07-a');
    await page.getByTestId('what-if-bank').selectOption('1');
    await page.getByTestId('what-if-ask').click();
    await page.getByTestId('what-if-tag').waitFor({ timeout: 30_000 });
    assert.equal(await page.getByTestId('what-if-tag').innerText(), 'WHAT-IF · bank 1 breaker trips on dal3-r07-a');
    const attr = (testid: string, name: string) => page.getByTestId(testid).getAttribute(name);
    assert.equal(await attr('member-scan-057', 'data-whatif-power'), 'lost');
    assert.equal(await attr('member-scan-057', 'data-whatif-action'), 'drain');
    assert.equal(await attr('member-scan-077', 'data-whatif-power'), 'one-feed');
    assert.equal(await attr('member-scan-001', 'data-whatif-power'), null);
    assert.equal(await attr('bank-dal3-r07-a-1', 'data-whatif'), 'tripped');
    assert.equal(await attr('outlet-dal3-r07-a-3', 'data-whatif'), 'off');
    assert.match(await page.getByTestId('what-if-result').innerText(), /20 nodes lose power[\s\S]*pool scanners: drain 20 of 80/);
    // A prediction only: the live state is as it was, in the API and on the chips.
    assert.equal(await attr('member-scan-057', 'data-state'), 'active');
    assert.notEqual(await attr('member-scan-057', 'data-power'), 'lost');
    assert.deepEqual(await api('/api/sim/faults'), []);
    const { scrollWidth, scrollHeight } = await fitsScreen(page);
    assert.ok(scrollWidth <= 1920 && scrollHeight <= 1080, `the wall with a prediction still fits its screen: ${scrollWidth}×${scrollHeight}`);
    assert.ok((await api<ApiPool[]>('/api/pools')).every((p) => p.drained === 0));

    await page.getByTestId('what-if-clear').click();
    assert.equal(await page.locator('[data-whatif-power], [data-whatif-action], [data-whatif]').count(), 0);
    assert.equal(await page.locator('body').getAttribute('data-whatif'), null);
    // Out of operator mode the view is gone: the wall stays a wall.
    await page.getByTestId('operator-toggle').click();
    await panel.waitFor({ state: 'hidden', timeout: 10_000 });
    assert.deepEqual(errors, []);
  });
});
