// A real Prometheus (Debian's prometheus 2.42) scrapes GET /metrics of the simulated demo, with a
// bearer token through the same access check as the API, and what it stored is read back through its
// query API: a PDU that answers, a pool's members, and then a bank trip and the drain it causes.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { io } from 'socket.io-client';
import { startApp, type App } from '../src/app.js';
import type { Config } from '../src/config/schema.js';
import { demoConfig, waitFor } from './helpers/demo-config.js';
import { freeUdpPort } from './helpers/ports.js';
import { startPrometheus, type Prometheus } from './helpers/prometheus.js';

const TOKEN = 'prometheus-scrape-token-0123456789';
const auth = { authorization: `Bearer ${TOKEN}` };

describe('a real Prometheus scrapes /metrics', { timeout: 180_000 }, () => {
  let app: App | undefined;
  let prom: Prometheus | undefined;
  let config: Config;

  /** The value of a query that yields one sample, once it does (Prometheus scrapes every second). */
  const valueOf = async (expr: string, want: (v: number) => boolean = () => true): Promise<number> => {
    try {
      return await waitFor(`${expr} in Prometheus`, async () => {
        const result = await prom!.query(expr);
        const v = result.length === 1 ? Number(result[0]!.value[1]) : NaN;
        return !Number.isNaN(v) && want(v) ? { v } : null;
      }, 30_000, 250).then((r) => r.v);
    } catch (err) {
      throw new Error(`${(err as Error).message}\nprometheus said: ${prom!.output().slice(-2_000)}`);
    }
  };

  before(async () => {
    const demo = demoConfig({ snmpPort: await freeUdpPort(), trapPort: await freeUdpPort() });
    config = demo.config;
    // Reads need a token: Prometheus must present one, like any other reader.
    config.settings.api.tokens = [{ name: 'prometheus', token: TOKEN }];
    config.settings.api.protectReads = true;
    app = await startApp({ config, stateDir: demo.stateDir, logLevel: 'silent' });
    await waitFor('every node polled normal', async () =>
      ((await (await fetch(`${app!.url}/api/nodes`, { headers: auth })).json()) as { power: string }[]).every((n) => n.power === 'normal'), 60_000);
    prom = await startPrometheus([{ job: 'breakerbox', target: `127.0.0.1:${app.port}`, bearer: TOKEN }]);
  });
  after(async () => {
    await prom?.stop();
    await app?.stop();
  });

  it('serves the exposition behind the access check', async () => {
    assert.equal((await fetch(`${app!.url}/metrics`)).status, 401, 'no token, no metrics');
    const res = await fetch(`${app!.url}/metrics`, { headers: auth });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    assert.match(text, /^breakerbox_pdu_reachable\{site="Dallas 3",row="row 2",rack="r07",pdu="dal3-r07-a"\} 1$/m);
    assert.equal(text.includes(TOKEN), false);
    assert.equal(/^breakerbox_outlet_/m.test(text), false, 'outlets are off by default: no samples');
  });

  it('Prometheus stores what it scraped: a PDU answers, a pool has all its members active', async () => {
    assert.equal(await valueOf('up{job="breakerbox"}'), 1);
    assert.equal(await valueOf('breakerbox_pdu_reachable{pdu="dal3-r07-a",site="Dallas 3",row="row 2",rack="r07"}'), 1);
    const scanners = config.pools.find((p) => p.name === 'scanners')!;
    assert.equal(await valueOf('breakerbox_pool_members{pool="scanners",state="active"}'), scanners.members.length);
    assert.equal(await valueOf('breakerbox_pool_members{pool="scanners",state="drained"}'), 0);
    assert.equal(await valueOf('count(breakerbox_pdu_reachable == 1)'), config.pdus.length);
    assert.ok((await valueOf('sum(breakerbox_polls_total)', (v) => v > 0)) > 0);
    assert.ok((await valueOf('breakerbox_reconcile_runs_total', (v) => v > 0)) > 0);
  });

  it('a wall that connects is counted, and no longer once it leaves', async () => {
    assert.equal(await valueOf('breakerbox_wall_clients'), 0);
    const wall = io(`http://127.0.0.1:${app!.port}`, { transports: ['websocket'], reconnection: false, forceNew: true, auth: { token: TOKEN } });
    try {
      await new Promise<void>((resolve, reject) => { wall.once('connect', resolve); wall.once('connect_error', reject); });
      assert.equal(await valueOf('breakerbox_wall_clients', (v) => v === 1), 1);
    } finally {
      wall.close();
    }
    assert.equal(await valueOf('breakerbox_wall_clients', (v) => v === 0), 0);
  });

  it('a bank trip shows there as a tripped breaker and the nodes drained from the pool', async () => {
    const res = await fetch(`${app!.url}/api/sim/faults`, {
      method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'bank-trip', pdu: 'dal3-r07-a', bank: 1 }),
    });
    assert.equal(res.status, 201, await res.text());
    assert.equal(await valueOf('breakerbox_bank_breaker_tripped{pdu="dal3-r07-a",bank="1"}', (v) => v === 1), 1);
    assert.equal(await valueOf('breakerbox_bank_breaker_tripped{pdu="dal3-r07-a",bank="2"}'), 0);
    // The drain as the API reports it, once settled, is what Prometheus reads back.
    const drained = await waitFor('scanners drained', async () => {
      const pools = (await (await fetch(`${app!.url}/api/pools`, { headers: auth })).json()) as { name: string; drained: number }[];
      return pools.find((p) => p.name === 'scanners')?.drained;
    }, 30_000);
    assert.ok(drained > 0);
    assert.equal(await valueOf('breakerbox_pool_members{pool="scanners",state="drained"}', (v) => v === drained), drained);
    assert.equal(await valueOf('breakerbox_node_power_state{node="scan-060"}', (v) => v === 0), 0, 'lost power');
  });
});
