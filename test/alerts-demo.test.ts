// Alerts on the Dallas demo, end to end: real SNMP agents (the simulator), the real poller, the
// embedded database and the HTTP API. A bank trip is one alert with the nodes it took down grouped
// under it; clearing it resolves them; the alerts survive a restart.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Alert } from '../src/alerts/alert-engine.js';
import { startApp, type App } from '../src/app.js';
import type { ApiEvent } from '../src/http/api-types.js';
import type { Config } from '../src/config/schema.js';
import { demoConfig, waitFor } from './helpers/demo-config.js';
import { freeUdpPort } from './helpers/ports.js';

const SINGLE = Array.from({ length: 20 }, (_, i) => `scan-0${57 + i}`); // scan-057..scan-076: one PSU each, on dal3-r07-a bank 1
const DUAL_SAME_BANK = ['scan-077', 'scan-078', 'scan-079', 'scan-080'];
const BANK = 'breaker-tripped:bank:dal3-r07-a bank 1';

describe('alerts on the Dallas demo', () => {
  let app: App;
  let config: Config;
  let stateDir: string;
  const api = async <T>(path: string, init?: RequestInit): Promise<T> => {
    const res = await fetch(`${app.url}${path}`, { ...init, headers: { 'content-type': 'application/json' } });
    assert.ok(res.ok, `${init?.method ?? 'GET'} ${path} → ${res.status} ${await res.clone().text()}`);
    return (await res.json()) as T;
  };
  const alerts = (query = '') => api<Alert[]>(`/api/alerts${query}`);

  before(async () => {
    const demo = demoConfig({ snmpPort: await freeUdpPort(), trapPort: await freeUdpPort() });
    ({ config, stateDir } = demo);
    app = await startApp({ config, stateDir, logLevel: 'silent' });
    await waitFor('every node polled normal', async () => (await api<{ power: string }[]>('/api/nodes')).every((n) => n.power === 'normal'), 60_000);
  });
  after(async () => { await app?.stop(); });

  it('a healthy site has no firing alert', async () => {
    assert.deepEqual((await alerts('?state=firing')).map((a) => a.key), []);
  });

  it('a bank trip fires one breaker alert; the 20 nodes it took down are grouped under it, the dual-corded ones wait out their `for`', async () => {
    const since = (await api<ApiEvent[]>('/api/events')).at(-1)?.id ?? 0;
    await api('/api/sim/faults', { method: 'POST', body: JSON.stringify({ kind: 'bank-trip', pdu: 'dal3-r07-a', bank: 1 }) });
    const firing = await waitFor('the breaker and its 20 nodes firing', async () => {
      const list = await alerts('?state=firing');
      return list.some((a) => a.key === BANK) && list.filter((a) => a.rule === 'node-power-lost').length === 20 && list;
    }, 20_000);
    const bank = firing.find((a) => a.key === BANK)!;
    assert.equal(bank.severity, 'critical');
    assert.deepEqual(bank.labels, { site: 'Dallas 3', row: 'row 2', rack: 'r07', pdu: 'dal3-r07-a' });
    assert.match(bank.summary, /bank 1 breaker tripped on dal3-r07-a: 24 nodes behind it/);
    const lost = firing.filter((a) => a.rule === 'node-power-lost');
    assert.deepEqual(lost.map((a) => a.subject.name).sort(), SINGLE);
    for (const a of lost) assert.equal(a.group, BANK, `${a.subject.name} is part of the bank's story`);
    // Degraded (one feed left) for 60 s before it fires: pending now, in the same story.
    const pending = await alerts('?state=pending');
    const degraded = pending.filter((a) => a.rule === 'node-power-degraded');
    assert.deepEqual(degraded.map((a) => a.subject.name).sort(), DUAL_SAME_BANK);
    for (const a of degraded) assert.equal(a.group, BANK);
    // Filtered by rack: the rack's alerts only.
    const rack = await alerts('?rack=r07&state=firing');
    assert.equal(rack.length, 21);
    assert.deepEqual(await alerts('?rack=r01&state=firing'), []);
    // One event per alert that fired, the bank's among them.
    const events = (await api<ApiEvent[]>(`/api/events?since=${since}`)).filter((e) => e.type === 'alert');
    assert.equal(events.filter((e) => e.subject === 'dal3-r07-a bank 1').length, 1);
  });

  it('clearing the trip resolves the bank and the nodes; the resolved alerts are kept', async () => {
    await api('/api/sim/faults', { method: 'DELETE' });
    await waitFor('nothing firing', async () => (await alerts('?state=firing')).length === 0, 20_000);
    const resolved = await alerts('?state=resolved');
    const bank = resolved.find((a) => a.key === BANK)!;
    assert.ok(bank.resolvedAt! >= bank.firedAt!);
    assert.equal(resolved.filter((a) => a.rule === 'node-power-lost').length, 20);
    assert.equal(resolved.filter((a) => a.rule === 'node-power-degraded').length, 0, 'a pending alert that never fired has nothing to resolve');
  });

  it('alerts live in the embedded database: a restart gives them back', async () => {
    const before = (await alerts()).find((a) => a.key === BANK)!;
    await app.stop();
    app = await startApp({ config, stateDir, logLevel: 'silent' });
    const after = (await alerts()).find((a) => a.key === BANK);
    assert.deepEqual(after, before);
  });
});
