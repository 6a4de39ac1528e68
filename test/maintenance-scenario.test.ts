// A maintenance window over rack r07 of the simulated data center, paged to a webhook receiver on
// loopback: ahead of its start its servers leave their pool (a drain the wall and the membership
// file show), a breaker tripped during it pages nobody (its alerts are muted "maintenance"), and at
// its end its servers go back to their pool. Real time: the window is set a few seconds ahead.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Alert } from '../src/alerts/alert-engine.js';
import { alertsCommand } from '../src/alerts/alerts-cli.js';
import type { App } from '../src/app.js';
import type { ApiEvent } from '../src/http/api-types.js';
import type { MaintenanceView } from '../src/maintenance/maintenance.js';
import { startDemo, waitFor } from './helpers/demo-config.js';
import { PageReceiver } from './helpers/page-receiver.js';

const WINDOW = 'r07-breakers';
const R07 = Array.from({ length: 24 }, (_, i) => `scan-${String(57 + i).padStart(3, '0')}`);

describe('a maintenance window over a rack of the Dallas demo', { timeout: 180_000 }, () => {
  let app: App;
  let stateDir: string;
  const receiver = new PageReceiver();
  const get = async <T>(path: string) => (await (await fetch(`${app.url}${path}`)).json()) as T;
  const events = () => app.events.since(0, 2_000);
  const said = (type: string, pattern: RegExp) => events().find((e: ApiEvent) => e.type === type && pattern.test(e.message));
  /** Members listed in the membership file of pool scanners (the backend the demo drains through). */
  const inFile = () => readFileSync(join(stateDir, 'var', 'pools', 'scanners.members'), 'utf8');

  before(async () => {
    await receiver.start();
    const t0 = Date.now();
    ({ app, stateDir } = await startDemo((config) => {
      config.settings.alerts.receivers = [{ type: 'webhook', name: 'hook', url: receiver.url('/hook'), minSeverity: 'warning', timeout: 2_000 }];
      config.maintenance = [{
        name: WINDOW, reason: 'breaker swap on r07', scope: { rack: ['r07'] }, timezone: 'UTC',
        start: new Date(t0 + 15_000).toISOString(), end: new Date(t0 + 30_000).toISOString(), drain: { before: 600_000 },
      }];
    }));
  });
  after(async () => {
    await app?.stop();
    await receiver.stop();
  });

  it('drains ahead, pages nothing during it, and lets its servers back at its end', async () => {
    // Ahead of the start: every server of r07 leaves pool scanners (24 of 80, under its 50% cap).
    await waitFor('r07 drained for the window', () => app.drainStore.drains().filter((d) => d.maintenance === WINDOW).length === R07.length, 20_000);
    const drain = await waitFor('the drain event naming the window', () => said('drain', /maintenance window r07-breakers/));
    assert.match(drain.message, /drained 24 of 80 from pool scanners/);
    assert.ok(said('maintenance', /r07-breakers over rack r07 starts at .*: its servers leave their pools now/), 'the draining phase is told');
    await waitFor('the membership file without r07', () => !R07.some((n) => new RegExp(`^${n}\\b`, 'm').test(inFile())), 10_000);
    const listed = await get<MaintenanceView[]>('/api/maintenance');
    assert.deepEqual(listed.map((w) => [w.name, w.racks, w.nodes, w.drains]), [[WINDOW, ['r07'], 24, true]]);
    const cli = await alertsCommand('maintenance', undefined, { url: app.url });
    assert.match(cli.output, /^(draining|active)\s+r07-breakers\s+rack r07\s+\S+ \S+ → \S+ \S+ UTC  24 nodes, drained ahead: breaker swap on r07$/);

    // Under way: a breaker trips inside the window.
    await waitFor('the window under way', () => said('maintenance', /r07-breakers over rack r07 started/), 40_000);
    assert.equal((await get<MaintenanceView[]>('/api/maintenance'))[0]!.phase, 'active');
    const fault = await (await fetch(`${app.url}/api/sim/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'bank-trip', pdu: 'dal3-r07-a', bank: 1 }) })).json() as { id: string };
    const tripped = await waitFor('the trip firing, muted by the window', async () => (await get<Alert[]>('/api/alerts')).find((a) => a.rule === 'breaker-tripped' && a.state === 'firing' && a.muted?.kind === 'maintenance'), 20_000);
    assert.match(tripped.muted!.why, /^in maintenance window r07-breakers until .*: breaker swap on r07$/);
    await waitFor('its servers\' alerts muted too', async () => (await get<Alert[]>('/api/alerts')).filter((a) => a.rule === 'node-power-lost' && a.state === 'firing' && a.muted?.kind === 'maintenance').length === 20, 10_000);
    await fetch(`${app.url}/api/sim/faults/${fault.id}`, { method: 'DELETE' });
    await waitFor('the trip resolved', async () => !(await get<Alert[]>('/api/alerts')).some((a) => a.rule === 'breaker-tripped' && a.state !== 'resolved'), 20_000);

    // The end: its servers go back (their power normal, answering for the hold-down).
    await waitFor('the window ended', () => said('maintenance', /r07-breakers over rack r07 ended/), 40_000);
    await waitFor('r07 re-admitted', () => said('readmit', /re-admitted to pool scanners after maintenance window r07-breakers/), 15_000);
    await waitFor('no drain left from the window', () => app.drainStore.drains().every((d) => d.maintenance !== WINDOW), 10_000);
    await waitFor('the membership file with r07 again', () => R07.every((n) => new RegExp(`^${n}\\b`, 'm').test(inFile())), 10_000);
    await app.alerts.outbox.idle();
    assert.deepEqual(receiver.on('/hook').map((r) => (JSON.parse(r.body) as { title: string }).title), [], 'nobody paged');
  });
});
