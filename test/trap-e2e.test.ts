// Traps through the whole service: a breaker trip announced by trap drains in well under a poll
// interval; a trap from a PDU that cannot be polled is only a hint; unknown traps are kept, named.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startApp, type App } from '../src/app.js';
import type { ApiEvent, ApiNode, ApiPool } from '../src/http/api-types.js';
import type { TrapRecord } from '../src/traps/trap-pipeline.js';
import { demoConfig, waitFor } from './helpers/demo-config.js';
import { netSnmp } from './helpers/net-snmp-tools.js';
import { freeUdpPort } from './helpers/ports.js';
import { recordingsDir } from './helpers/snmpsim.js';

describe('traps in the demo', () => {
  let app: App;
  let trapTarget = '';
  const api = async <T>(path: string, init?: RequestInit) => (await (await fetch(`${app.url}${path}`, { ...init, headers: { 'content-type': 'application/json' } })).json()) as T;
  const drained = async () => (await api<ApiPool[]>('/api/pools')).find((p) => p.name === 'scanners')!.members.filter((m) => m.state === 'drained').map((m) => m.node);
  const eventsSince = async (id: number) => api<ApiEvent[]>(`/api/events?since=${id}`);
  const lastEventId = async () => (await eventsSince(0)).at(-1)?.id ?? 0;

  before(async () => {
    // A poll interval far longer than the test: whatever happens fast happens by trap.
    const demo = demoConfig({ snmpPort: await freeUdpPort(), trapPort: await freeUdpPort(), pollInterval: '60s', holdDown: '1s' });
    demo.config.settings.traps.mibDirs = [`${recordingsDir()}/../mibs`];
    // One poll a minute: a first poll lost to a short timeout on a busy machine would leave nothing to wait for.
    demo.config.settings.snmpTimeout = 2_000;
    app = await startApp({ config: demo.config, stateDir: demo.stateDir, logLevel: 'silent' });
    trapTarget = `127.0.0.1:${demo.config.settings.traps.port}`;
    await waitFor('first polls', async () => (await api<ApiNode[]>('/api/nodes')).every((n) => n.power === 'normal'), 60_000);
  });
  after(async () => { await app?.stop(); });

  it('a bank trip announced by the PDU\'s traps drains its single-corded nodes within a second, confirmed by a poll', async () => {
    const since = await lastEventId();
    const t0 = Date.now();
    app.simulator!.injectFault({ kind: 'bank-trip', pdu: 'dal3-r07-a', bank: 1 });
    await waitFor('20 drained', async () => (await drained()).length === 20, 5_000, 20);
    const elapsed = Date.now() - t0;
    assert.ok(elapsed < 5_000, `drained after ${elapsed} ms with a 60 s poll interval`);
    const events = await eventsSince(since);
    const confirmed = events.find((e) => e.type === 'trap' && e.subject === 'dal3-r07-a');
    assert.ok(confirmed, 'a trap event for dal3-r07-a');
    assert.match(confirmed.message, /outlet-off for outlets 1-24/);
    assert.match(confirmed.message, /confirmed by an immediate poll/);
    assert.ok(events.some((e) => e.type === 'drain' && e.chain?.cause.includes('bank 1 breaker tripped on dal3-r07-a')));
    const traps = await api<TrapRecord[]>('/api/traps');
    assert.ok(traps.some((t) => t.device === 'dal3-r07-a' && t.event === 'outlet-off' && t.entity.outlet === 1 && t.name === 'outletOff'));
  });

  it('a fault trap from a PDU that does not answer polls is an unconfirmed hint: an alert, no drain', async () => {
    const before = await drained();
    const since = await lastEventId();
    app.simulator!.injectFault({ kind: 'pdu-unreachable', pdu: 'dal3-r06-a' });
    // outletOff for outlet 3 of dal3-r06-a, sent from the PDU's own address while its card does not answer.
    const sent = await netSnmp('snmptrap', ['-v2c', '-c', 'public', '--clientaddr=127.3.6.1', trapTarget, '', '1.3.6.1.4.1.318.0.42', '1.3.6.1.4.1.318.2.3.1.0', 'i', '3']);
    assert.equal(sent.code, 0, sent.stderr);
    const hint = await waitFor('an unconfirmed-trap alert', async () => (await eventsSince(since)).find((e) => e.type === 'trap-unconfirmed'), 10_000);
    assert.equal(hint.severity, 'critical');
    assert.equal(hint.subject, 'dal3-r06-a');
    assert.match(hint.message, /does not answer a poll/);
    assert.deepEqual(await drained(), before, 'nothing more drained');
    assert.ok(!(await eventsSince(since)).some((e) => e.type === 'drain'));
    app.simulator!.clearAllFaults();
  });

  it('keeps traps it has no meaning for, named from the MIBs, with their varbinds', async () => {
    const since = await lastEventId();
    await netSnmp('snmptrap', ['-v2c', '-c', 'public', trapTarget, '', '1.3.6.1.6.3.1.1.5.3', '1.3.6.1.2.1.2.2.1.1.2', 'i', '2']);
    const e = await waitFor('an unclassified linkDown', async () => (await eventsSince(since)).find((x) => x.type === 'trap-unclassified' && x.message.includes('linkDown')), 10_000);
    assert.match(e.message, /IF-MIB::linkDown/);
    assert.match(e.message, /IF-MIB::ifIndex\.2 = 2/);
    const stats = await api<{ accepted: number }>('/api/traps/stats');
    assert.ok(stats.accepted >= 25);
  });
});
