// Alerts on the Dallas demo, end to end: real SNMP agents (the simulator), the real poller, the
// embedded database and the HTTP API. A bank trip is one alert with the nodes it took down grouped
// under it; clearing it resolves them; the alerts survive a restart.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Alert } from '../src/alerts/alert-engine.js';
import { alertsCommand, type AlertsCliOptions } from '../src/alerts/alerts-cli.js';
import { startApp, type App } from '../src/app.js';
import type { ApiEvent } from '../src/http/api-types.js';
import type { Config } from '../src/config/schema.js';
import { startDemo, waitFor } from './helpers/demo-config.js';

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
    ({ app, config, stateDir } = await startDemo());
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
    // One event per story: the bank's, counting the nodes grouped under it; none for each node.
    const events = (await api<ApiEvent[]>(`/api/events?since=${since}`)).filter((e) => e.type === 'alert');
    assert.deepEqual(events.map((e) => e.subject), ['dal3-r07-a bank 1']);
    assert.match(events[0]!.message, /breaker-tripped: bank 1 breaker tripped on dal3-r07-a: 24 nodes behind it \(\+2\d grouped\)/);
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

describe('acknowledging and silencing, through the CLI and the API', () => {
  let app: App;
  const cli = (command: Parameters<typeof alertsCommand>[0], arg: string | undefined, o: Omit<AlertsCliOptions, 'url'> = {}) => alertsCommand(command, arg, { url: app.url, ...o });
  const alerts = async (query = '') => (await (await fetch(`${app.url}/api/alerts${query}`)).json()) as Alert[];
  const post = (path: string, body: object) => fetch(`${app.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const trip = (bank: number) => post('/api/sim/faults', { kind: 'bank-trip', pdu: 'dal3-r07-b', bank });

  before(async () => {
    ({ app } = await startDemo());
  });
  after(async () => { await app?.stop(); });

  it('breakerbox alerts lists the firing ones; ack mutes one, saying who and why, in the audit trail', async () => {
    await trip(1);
    const bank = await waitFor('the breaker firing', async () => (await alerts('?state=firing')).find((a) => a.key === 'breaker-tripped:bank:dal3-r07-b bank 1'), 20_000);
    const listed = await cli('alerts', undefined);
    assert.equal(listed.code, 0);
    assert.match(listed.output, new RegExp(`${bank.id}\\s+firing\\s+critical\\s+breaker-tripped\\s+bank 1 breaker tripped on dal3-r07-b`));
    assert.equal((await cli('ack', String(bank.id))).code, 64, 'a reason is required');
    const acked = await cli('ack', String(bank.id), { reason: 'breaker being replaced' });
    assert.deepEqual(acked, { output: `alert ${bank.id} acknowledged`, code: 0 });
    const now = (await alerts()).find((a) => a.id === bank.id)!;
    assert.deepEqual(now.muted, { kind: 'acknowledged', why: 'acknowledged by local: breaker being replaced' });
    assert.match((await cli('alerts', undefined)).output, /\[muted: acknowledged by local: breaker being replaced\]/);
    const audit = (await (await fetch(`${app.url}/api/audit`)).json()) as { action: string; node: string; why: string }[];
    assert.ok(audit.some((e) => e.action === 'acknowledge' && e.node === 'dal3-r07-b bank 1' && e.why === 'breaker being replaced'));
    assert.equal((await post('/api/alerts/999999/ack', { reason: 'x' })).status, 404);
  });

  it('a silence mutes what matches every field, until it is ended; what it refuses', async () => {
    const made = await cli('silence', undefined, { match: 'rack=r07,rule=breaker-tripped', for: '1h', reason: 'planned work on r07' });
    assert.equal(made.code, 0, made.output);
    const id = /silence (\d+) until/.exec(made.output)![1]!;
    await trip(2);
    const silenced = await waitFor('bank 2 firing, silenced', async () => (await alerts('?state=firing')).find((a) => a.key === 'breaker-tripped:bank:dal3-r07-b bank 2' && a.muted?.kind === 'silenced'), 20_000);
    assert.match(silenced.muted!.why, /^silenced by local until .*: planned work on r07$/);
    assert.deepEqual((await alerts('?state=muted')).map((a) => a.id).includes(silenced.id), true);
    const lost = (await alerts('?state=firing')).filter((a) => a.rule === 'node-power-lost');
    for (const a of lost) assert.notEqual(a.muted?.kind, 'silenced', 'rule=breaker-tripped does not match node alerts');
    assert.match((await cli('silences', undefined)).output, new RegExp(`^\\s*${id}  until \\S+  rack=r07,rule=breaker-tripped\\s+by local: planned work on r07$`));
    assert.deepEqual(await cli('unsilence', id), { output: `silence ${id} ended`, code: 0 });
    assert.deepEqual(await cli('silences', undefined), { output: 'no silences', code: 0 });
    assert.deepEqual(await cli('maintenance', undefined), { output: 'no maintenance windows configured', code: 0 });
    await waitFor('unmuted once the silence ends', async () => (await alerts()).find((a) => a.id === silenced.id)?.muted === null, 10_000);
    const garbled = await cli('silence', undefined, { match: 'rack', for: '1h', reason: 'x' });
    assert.equal(garbled.code, 64);
    assert.match(garbled.output, /--match takes K=V pairs/);
    // Refused: nothing to match, an unknown key, no reason, no length or too long, an unknown silence.
    assert.equal((await post('/api/silences', { match: {}, for: '1h', reason: 'x' })).status, 400);
    assert.equal((await post('/api/silences', { match: { colour: 'red' }, for: '1h', reason: 'x' })).status, 400);
    assert.equal((await post('/api/silences', { match: { rack: 'r07' }, for: '1h' })).status, 400);
    assert.equal((await post('/api/silences', { match: { rack: 'r07' }, reason: 'x' })).status, 400);
    assert.equal((await post('/api/silences', { match: { rack: 'r07' }, for: '1000h', reason: 'x' })).status, 400);
    assert.equal((await fetch(`${app.url}/api/silences/999`, { method: 'DELETE', headers: { 'content-type': 'application/json' } })).status, 404);
    await fetch(`${app.url}/api/sim/faults`, { method: 'DELETE' });
  });
});
