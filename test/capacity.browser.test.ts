// Capacity on the real demo app: the simulated data center (drift off, so every current is the
// nominal one and the arithmetic can be done by hand), the real poller, the API, history, alerts and
// the wall in Chromium. Then feed B is lost in two racks and the currents measured afterwards are
// what the headroom predicted before it.
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { startApp, type App } from '../src/app.js';
import type { PartHeadroom } from '../src/capacity/headroom.js';
import type { RackCapacity } from '../src/capacity/capacity.js';
import type { ApiPdu } from '../src/http/api-types.js';
import { Simulator } from '../src/sim/simulator.js';
import { demoConfig, waitFor } from './helpers/demo-config.js';
import { freeUdpPort } from './helpers/ports.js';
import { CHROMIUM_ARGS } from './helpers/wall-demo.js';

describe('capacity on the demo (real app, simulator, browser)', { timeout: 240_000 }, () => {
  let app: App;
  let sim: Simulator;
  let stateDir: string;
  let browser: Browser | undefined;
  const get = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${app.url}${path}`);
    assert.equal(res.status, 200, `GET ${path}: ${res.status} ${await res.clone().text()}`);
    return (await res.json()) as T;
  };
  const part = async (pdu: string, kind: string, index: number) => (await get<PartHeadroom[]>(`/api/capacity?rack=${pdu.slice(5, 8)}`)).find((p) => p.pdu === pdu && p.part === kind && p.index === index)!;
  // On a busy machine a poll can time out and a part turn unknown for a moment: each test starts from every part known.
  const settled = () => waitFor('every part known', async () => (await get<PartHeadroom[]>('/api/capacity')).every((p) => p.state !== 'unknown'), 30_000);

  before(async () => {
    const demo = demoConfig({ snmpPort: await freeUdpPort(), trapPort: await freeUdpPort() });
    stateDir = demo.stateDir;
    sim = new Simulator(demo.config, { driftIntervalMs: 0 });
    await sim.start();
    app = await startApp({ config: demo.config, stateDir, logLevel: 'silent', simulate: false });
    await waitFor('every node polled normal', async () => (await get<{ power: string }[]>('/api/nodes')).every((n) => n.power === 'normal'), 60_000);
  });
  after(async () => {
    await browser?.close();
    await app?.stop();
    await sim?.stop();
    if (stateDir) await rm(stateDir, { recursive: true, force: true });
  });

  it('GET /api/capacity: dal3-r07-a bank 1 is the one critical part, by hand', async () => {
    // 20 single-corded scanners at 0.7 A and 4 dual-corded ones at 0.35 A each side: 15.4 A. Their B
    // outlets read 0.4 A (tenths), so feed B lost moves 1.6 A: 17 A, 85% of 20 A, over the 16 A limit.
    await settled();
    const critical = await get<PartHeadroom[]>('/api/capacity?state=critical');
    assert.deepEqual(critical.map((p) => [p.pdu, p.part, p.index, p.if, p.current, p.moved, p.load, p.rating, p.limit, p.headroom, p.loadPct, p.state]), [
      ['dal3-r07-a', 'bank', 1, 'feed B', 15.4, 1.6, 17, 20, 16, -1, 85, 'critical'],
    ]);
    // Rack r01: 10 dual-corded scanners per bank: 3.5 A, their B sides read 0.4 A each: +4 A.
    const r01 = await part('dal3-r01-a', 'bank', 1);
    assert.deepEqual([r01.current, r01.moved, r01.load, r01.state], [3.5, 4, 7.5, 'ok']);
    // The phase: both banks, against the 32 A the config rates it: 17 A of 25.6 A allowed.
    const phase = await part('dal3-r07-a', 'phase', 1);
    assert.deepEqual([phase.load, phase.rating, phase.limit, phase.state], [17, 32, 25.6, 'ok']);
    const bad = await fetch(`${app.url}/api/capacity?state=dire`);
    assert.equal(bad.status, 400);
    assert.equal(((await bad.json()) as { code: string }).code, 'BB_ERR_BAD_REQUEST');
  });

  it('GET /api/capacity/racks, /audit and /balance', async () => {
    await settled();
    const racks = await get<RackCapacity[]>('/api/capacity/racks?row=row%202');
    assert.deepEqual(racks.map((r) => [r.rack, r.state, r.spofs.length]), [['r05', 'ok', 0], ['r06', 'ok', 0], ['r07', 'critical', 20], ['r08', 'ok', 2]]);
    assert.equal(racks[2]!.worst!.headroomPct, -6.2); // −1 A of the 16 A allowed
    const { findings } = await get<{ findings: { kind: string }[] }>('/api/capacity/audit');
    assert.equal(findings.length, 22);
    assert.deepEqual((await get<{ findings: { message: string }[] }>('/api/capacity/audit?rack=r08')).findings.map((f) => f.message), [
      'pool storage: all 4 members hang on row 2 of Dallas 3', 'service Quarantine and archive: all 4 members hang on row 2 of Dallas 3',
    ]);
    assert.deepEqual(await get('/api/capacity/balance'), [], 'the demo has no three-phase PDU');
  });

  it('history keeps the headroom; a critical one is a pending headroom-low alert', async () => {
    const series = await waitFor('headroom history', async () => {
      const s = await get<{ points: { mean: number }[] }>('/api/history?thing=headroom/dal3-r07-a/bank/1&metric=load_pct&range=10m');
      return s.points.length > 0 && s;
    }, 90_000, 1_000);
    assert.equal(series.points.at(-1)!.mean, 85);
    const pending = await waitFor('the alert', async () => (await get<{ key: string; severity: string; state: string }[]>('/api/alerts?state=pending'))
      .find((a) => a.key === 'headroom-low:bank:dal3-r07-a bank 1'), 20_000);
    assert.equal(pending.severity, 'critical');
  });

  it('the wall marks each rack: its N-1 headroom, and its single points of failure', async () => {
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await page.goto(app.url);
    const r07 = page.getByTestId('headroom-r07');
    await page.waitForSelector('[data-testid="headroom-r07"][data-state="critical"]', { timeout: 60_000 });
    assert.equal(await r07.textContent(), 'N-1 -6%');
    assert.match((await r07.getAttribute('title'))!, /least: dal3-r07-a bank 1, if feed B is lost: 15.4 A \+ 1.6 A moved = 17 A/);
    await page.waitForSelector('[data-testid="headroom-r01"][data-state="ok"]', { timeout: 60_000 });
    assert.equal(await page.getByTestId('spof-r07').textContent(), 'SPOF 20');
    assert.match((await page.getByTestId('spof-r07').getAttribute('title'))!, /node scan-057 has one power supply/);
    assert.equal(await page.getByTestId('spof-r01').isHidden(), true);
    await page.screenshot({ path: '/tmp/capacity-wall.png' });
    assert.deepEqual(errors, []);
  });

  it('feed B lost in racks r01 and r07: the A banks then carry what headroom predicted, never more', async () => {
    await settled();
    const predicted = { r01: (await part('dal3-r01-a', 'bank', 1)).load!, r07: (await part('dal3-r07-a', 'bank', 1)).load! };
    sim.injectFault({ kind: 'inlet-loss', pdu: 'dal3-r01-b' });
    sim.injectFault({ kind: 'inlet-loss', pdu: 'dal3-r07-b' });
    const bank1 = (pdus: ApiPdu[], name: string) => pdus.find((p) => p.name === name)!.banks.find((b) => b.index === 1)!.current!;
    const measured = await waitFor('the A strips carrying the moved load', async () => {
      const pdus = await get<ApiPdu[]>('/api/pdus');
      const m = { r01: bank1(pdus, 'dal3-r01-a'), r07: bank1(pdus, 'dal3-r07-a') };
      return m.r01 > 3.5 && m.r07 > 15.4 && m;
    }, 30_000);
    // Measured: 10 × 0.7 = 7 A and 14 + 4 × 0.7 = 16.8 A. Predicted from outlets read in tenths (0.4 for
    // 0.35): at most 0.05 A high per moved outlet, never low.
    assert.deepEqual(measured, { r01: 7, r07: 16.8 });
    assert.ok(predicted.r01 >= measured.r01 && predicted.r01 - measured.r01 <= 10 * 0.05 + 1e-9, `r01: predicted ${predicted.r01}, measured ${measured.r01}`);
    assert.ok(predicted.r07 >= measured.r07 && predicted.r07 - measured.r07 <= 4 * 0.05 + 1e-9, `r07: predicted ${predicted.r07}, measured ${measured.r07}`);
    sim.clearAllFaults();
  });
});
