// Pages to a real Prometheus Alertmanager (Debian's prometheus-alertmanager, started and stopped
// here): a bank trip arrives as one alert, labelled from the topology, asserted through
// Alertmanager's own API; clearing the trip resolves it there.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { App } from '../src/app.js';
import { stopChild } from './helpers/child-process.js';
import { startDemo, waitFor } from './helpers/demo-config.js';
import { freeTcpPort } from './helpers/ports.js';

interface AmAlert { labels: Record<string, string>; annotations: Record<string, string>; startsAt: string; endsAt: string; status: { state: string } }

describe('pages to a real Alertmanager', { timeout: 120_000 }, () => {
  let am: ChildProcess | undefined;
  let amUrl = '';
  let dir = '';
  let app: App | undefined;
  const amAlerts = async () => (await (await fetch(`${amUrl}/api/v2/alerts`)).json()) as AmAlert[];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'breakerbox-am-'));
    await writeFile(join(dir, 'alertmanager.yml'), 'route:\n  receiver: nobody\nreceivers:\n  - name: nobody\n');
    const port = await freeTcpPort();
    amUrl = `http://127.0.0.1:${port}`;
    am = spawn('prometheus-alertmanager', [
      `--config.file=${join(dir, 'alertmanager.yml')}`, `--storage.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`, '--cluster.listen-address=',
    ], { stdio: 'ignore' });
    await waitFor('Alertmanager ready', async () => (await fetch(`${amUrl}/-/ready`).catch(() => null))?.ok, 30_000);
    ({ app } = await startDemo((config) => {
      config.settings.alerts.receivers = [{ type: 'alertmanager', name: 'am', url: amUrl, minSeverity: 'critical', timeout: 2_000 }];
      config.settings.alerts.wallUrl = 'https://noc.example.com/';
    }));
  });
  after(async () => {
    await app?.stop();
    if (am) await stopChild(am);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('a bank trip is one active alert there, labelled from the topology', async () => {
    await fetch(`${app!.url}/api/sim/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'bank-trip', pdu: 'dal3-r07-a', bank: 1 }) });
    const alerts = await waitFor('the alert in Alertmanager', async () => { const a = await amAlerts(); return a.length > 0 && a; }, 20_000);
    assert.equal(alerts.length, 1, 'one alert for the story, not one per node');
    const a = alerts[0]!;
    assert.deepEqual(a.labels, { alertname: 'breaker-tripped', severity: 'critical', source: 'breakerbox', subject: 'dal3-r07-a bank 1', site: 'Dallas 3', row: 'row 2', rack: 'r07', pdu: 'dal3-r07-a' });
    assert.equal(a.status.state, 'active');
    assert.match(a.annotations.summary!, /^\[CRITICAL\] dal3-r07-a bank 1: breaker tripped, 20 nodes down$/);
    assert.match(a.annotations.impact!, /20 nodes lost power \(scan-057\.\.scan-076\)/);
    assert.deepEqual([a.annotations.pools, a.annotations.services], ['scanners', 'Inbound mail scanning, Outbound mail scanning']);
    assert.ok(Date.parse(a.endsAt) > Date.now(), 'firing: its end is ahead, moved on by every refresh');
  });

  it('clearing the trip resolves it there', async () => {
    await fetch(`${app!.url}/api/sim/faults`, { method: 'DELETE' });
    await waitFor('resolved in Alertmanager', async () => {
      const a = await amAlerts();
      return a.length === 0 || a.every((x) => Date.parse(x.endsAt) <= Date.now());
    }, 20_000);
  });
});
