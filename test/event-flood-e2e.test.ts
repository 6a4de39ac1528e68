// A trap flood through the whole service: thousands of traps with new OIDs, each from its own
// loopback address and with the right community, after a real drain. The drain stays in /api/events.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import snmp from 'net-snmp';
import { startApp, type App } from '../src/app.js';
import type { ApiEvent, ApiNode, ApiPool, ApiSnapshot } from '../src/http/api-types.js';
import { demoConfig, waitFor } from './helpers/demo-config.js';
import { freeUdpPort } from './helpers/ports.js';

const SOURCES = 3_000; // more than the 2,000 informational events kept
const OID_BASE = '1.3.6.1.4.1.99999.7';

/** One SNMPv2c trap with a fresh OID from its own loopback address, sent by net-snmp's own session. */
function sendTrap(port: number, i: number): Promise<void> {
  const session = snmp.createSession('127.0.0.1', 'public', {
    version: snmp.Version2c, trapPort: port, sourceAddress: `127.201.${Math.floor(i / 250)}.${(i % 250) + 1}`,
  } as snmp.SessionOptions);
  return new Promise<void>((resolve, reject) => {
    session.on('error', reject);
    session.trap(`${OID_BASE}.${i}`, [], (err: Error | null) => {
      session.close();
      if (err) reject(err);
      else resolve();
    });
  });
}

describe('a trap flood of new OIDs', () => {
  let app: App;
  let trapPort = 0;
  const api = async <T>(path: string) => (await (await fetch(`${app.url}${path}`)).json()) as T;

  before(async () => {
    // The simulated PDUs send their own traps too, so the receiver's port is known before it starts.
    trapPort = await freeUdpPort();
    const demo = demoConfig({ snmpPort: await freeUdpPort(), trapPort, pollInterval: '1s' });
    demo.config.settings.snmpTimeout = 2_000; // a loaded machine must not read as a power loss here
    app = await startApp({ config: demo.config, stateDir: demo.stateDir, logLevel: 'silent', port: 0, host: '127.0.0.1' });
    await waitFor('first polls', async () => (await api<ApiNode[]>('/api/nodes')).every((n) => n.power === 'normal'), 60_000);
  });
  after(async () => { await app?.stop(); });

  it('does not push the drain out of /api/events or the snapshot', async () => {
    app.simulator!.injectFault({ kind: 'bank-trip', pdu: 'dal3-r07-a', bank: 1 });
    const drain = await waitFor('the drain event', async () => (await api<ApiEvent[]>('/api/events')).find((e) => e.type === 'drain'), 20_000);
    assert.equal((await api<ApiPool[]>('/api/pools')).find((p) => p.name === 'scanners')!.drained, 20);

    const received = app.traps!.stats().received;
    for (let i = 0; i < SOURCES; i += 100) {
      await Promise.all(Array.from({ length: Math.min(100, SOURCES - i) }, (_, k) => sendTrap(trapPort, i + k)));
    }
    await waitFor('every flood trap received', () => app.traps!.stats().received - received >= SOURCES, 60_000);
    // The last trap's event is in the log: the flood has been through the pipeline.
    const last = `${OID_BASE}.${SOURCES - 1}`;
    await waitFor('the last flood trap as an event', async () => (await api<ApiEvent[]>('/api/events?since=0')).some((e) => e.type === 'trap-unclassified' && e.message.includes(last)), 30_000);

    const events = await api<ApiEvent[]>('/api/events?since=0');
    const flood = events.filter((e) => e.type === 'trap-unclassified' && e.message.includes(OID_BASE));
    assert.ok(flood.length >= 400, `the flood reached the event log (${flood.length} of its events served)`);
    assert.ok(events.length <= 500, 'one page, as before');
    assert.deepEqual(events.find((e) => e.id === drain.id), drain, 'the drain is still served by /api/events');
    const all = await api<ApiEvent[]>(`/api/events?since=${drain.id - 1}`);
    assert.equal(all[0]!.id, drain.id, 'and to a client polling from just before it');
    const snapshot = await api<ApiSnapshot>('/api/snapshot');
    assert.ok(snapshot.events.some((e) => e.id === drain.id), 'and sent to the wall in the snapshot');
  });
});
