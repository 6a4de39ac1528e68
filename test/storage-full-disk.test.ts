// The whole app with its database on a real tmpfs that fills up: a bank trip still drains (the
// membership file changes), a critical event is raised, /api/health and the wall (real Chromium) say
// degraded, operators get 503 BB_ERR_STORAGE; once space returns the kept records are written, health
// is ok again, and the records are in the file a restart would read.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { chromium, type Browser } from 'playwright-core';
import { startApp, type App } from '../src/app.js';
import type { ApiEvent, ApiNode, ApiPool, ApiSnapshot } from '../src/http/api-types.js';
import { waitFor } from './helpers/demo-config.js';
import { mountTmpfs, type Tmpfs } from './helpers/tmpfs.js';
import { CHROMIUM_ARGS, wallDemoConfig } from './helpers/wall-demo.js';

const SINGLE = Array.from({ length: 20 }, (_, i) => `scan-${String(57 + i).padStart(3, '0')}`); // bank 1 of dal3-r07-a

interface Health { status: string; problems: { code: string; message: string }[] }

describe('a full disk under the running app', { timeout: 180_000 }, () => {
  let fs: Tmpfs;
  let stateDir: string;
  let app: App | undefined;
  let browser: Browser | undefined;
  const get = async <T>(path: string): Promise<T> => (await (await fetch(`${app!.url}${path}`)).json()) as T;
  const post = (path: string, body: unknown) =>
    fetch(`${app!.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const members = () => readFileSync(join(stateDir, 'scanners.members'), 'utf8').split('\n').filter(Boolean);

  before(async () => {
    fs = mountTmpfs('2m');
    stateDir = mkdtempSync(join(tmpdir(), 'bb-full-disk-'));
    const config = await wallDemoConfig(stateDir, (raw) => { raw.settings.database = join(fs.dir, 'breakerbox.db'); });
    app = await startApp({ config, stateDir, logLevel: 'silent' });
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  });
  after(async () => {
    await browser?.close();
    await app?.stop();
    fs.unmount();
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('drains anyway, says so everywhere, refuses operators, and writes the records when space returns', async () => {
    await waitFor('first polls of bank 1', async () => (await get<ApiNode[]>('/api/nodes')).filter((n) => SINGLE.includes(n.name) && n.power === 'normal').length === 20, 30_000);
    await waitFor('the membership file', () => members().length === 80, 10_000);
    assert.equal((await get<Health>('/api/health')).status, 'ok');

    fs.fill();
    assert.ok((await post('/api/sim/faults', { kind: 'bank-trip', pdu: 'dal3-r07-a', bank: 1 })).ok);
    await waitFor('the drain to reach the backend', () => members().length === 60, 30_000);
    assert.ok(SINGLE.every((n) => !members().includes(n)), 'exactly the nodes without power left the pool');

    const events = await get<ApiEvent[]>('/api/events');
    const failed = events.filter((e) => e.type === 'storage-failed');
    assert.equal(failed.length, 1, 'one critical event');
    assert.equal(failed[0]!.severity, 'critical');
    assert.match(failed[0]!.message, /cannot write the database .*breakerbox\.db: database or disk is full/);
    assert.ok(events.some((e) => e.type === 'drain'), 'the drain itself is reported');

    const health = await get<Health>('/api/health');
    assert.equal(health.status, 'degraded');
    assert.equal(health.problems[0]!.code, 'BB_ERR_STORAGE');
    assert.equal((await get<ApiSnapshot>('/api/snapshot')).health.status, 'degraded');

    const refused = await post('/api/pools/scanners/members/scan-003/hold', { reason: 'disk swap' });
    assert.equal(refused.status, 503);
    assert.equal(((await refused.json()) as { code: string }).code, 'BB_ERR_STORAGE');
    const byHand = await post('/api/pools/scanners/members/scan-004/drain', { reason: 'noisy fan' });
    assert.equal(byHand.status, 503);
    const scanners = (await get<ApiPool[]>('/api/pools')).find((p) => p.name === 'scanners')!;
    assert.equal(scanners.members.find((m) => m.node === 'scan-003')!.state, 'active', 'refused means unchanged');
    assert.equal(scanners.members.find((m) => m.node === 'scan-004')!.state, 'active');

    // The wall: a red banner naming the problem, never "all normal".
    const page = await browser!.newPage();
    await page.goto(`${app!.url}/`);
    const banner = page.getByTestId('storage-banner');
    await banner.waitFor({ state: 'visible', timeout: 15_000 });
    assert.match(await banner.innerText(), /DEGRADED .*database or disk is full.*BB_ERR_STORAGE/);
    assert.equal(await page.getByTestId('overall-status').getAttribute('data-level'), 'crit');
    await page.screenshot({ path: '/tmp/wall-storage-degraded.png' });

    fs.free();
    await waitFor('the kept records to be written', async () => (await get<ApiEvent[]>('/api/events')).some((e) => e.type === 'storage-recovered'), 60_000, 250);
    const back = await get<Health>('/api/health');
    assert.deepEqual([back.status, back.problems], ['ok', []]);
    await banner.waitFor({ state: 'hidden', timeout: 15_000 });
    await page.close();
    assert.equal((await post('/api/pools/scanners/members/scan-003/hold', { reason: 'disk swap' })).status, 200, 'operators may act again');

    await app!.stop();
    app = undefined;
    // What a restart reads: every drain decided while the disk was full, and the hold made after.
    const db = new Database(join(fs.dir, 'breakerbox.db'), { readonly: true, fileMustExist: true });
    try {
      const drained = (db.prepare("SELECT node FROM drains WHERE pool = 'scanners' ORDER BY node").all() as { node: string }[]).map((r) => r.node);
      assert.deepEqual(drained, SINGLE);
      assert.deepEqual(db.prepare('SELECT node, mode FROM holds').all(), [{ node: 'scan-003', mode: 'out' }]);
    } finally {
      db.close();
    }
  });
});
