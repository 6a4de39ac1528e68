// The demo writing its history to a real InfluxDB: readings, health, pools and events land there,
// /api/history answers from it in the same shape as from the embedded store, and the journal still survives a restart.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startApp, type App } from '../src/app.js';
import type { ApiEvent } from '../src/http/api-types.js';
import { startDemo, waitFor } from './helpers/demo-config.js';
import { startInfluxd, type Influxd } from './helpers/influxd.js';

const DAY = 86_400_000;

describe('history in InfluxDB, from the running demo', () => {
  let influx: Influxd;
  let app: App | null = null;
  before(async () => { influx = await startInfluxd(); });
  after(async () => {
    await app?.stop();
    await influx.stop();
  });

  it('writes every kind of point and answers history from InfluxDB', async () => {
    const demo = await startDemo((config) => {
      config.settings.history.influxdb = { url: influx.url, database: 'bb', username: 'breakerbox', password: 'hunter2-secret', retention: { raw: 14 * DAY, minute: 90 * DAY, hour: 730 * DAY } };
      config.settings.history.flushInterval = 100;
    });
    app = demo.app;
    const first = async (q: string) => (await influx.query(q, 'bb')).results[0]?.series?.[0];
    await fetch(`${app.url}/api/sim/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'bank-trip', pdu: 'dal3-r07-a', bank: 1 }) });
    const drain = await waitFor('the drain decision in InfluxDB', () => first("SELECT message FROM journal.drain WHERE pool = 'scanners' AND \"type\" = 'drain'"), 30_000);
    assert.match(String(drain.values[0]![1]), /drained 20 of 80 from pool scanners/);

    const tripped = await waitFor('the trip in InfluxDB', () => first("SELECT tripped, current_a FROM bank WHERE pdu = 'dal3-r07-a' AND bank = '1' AND tripped = 1"));
    assert.ok(tripped.values.length > 0);
    const placed = await first("SELECT count(power_w) FROM pdu WHERE site = 'Dallas 3' AND \"row\" = 'row 2' AND rack = 'r07' GROUP BY pdu");
    assert.ok(placed, 'PDU points carry their site, row and rack');
    const node = await waitFor('scan-060 lost power, in InfluxDB', () => first("SELECT power, power_ok FROM node WHERE node = 'scan-060' AND power = 'lost'"));
    assert.equal(node.values[0]![2], 0);
    const pool = await waitFor('the pool with its drained members', () => first("SELECT drained, active FROM pool WHERE pool = 'scanners' AND drained = 20"));
    assert.equal(pool.values[0]![2], 60);
    const event = await waitFor('the journal in InfluxDB', () => first("SELECT message, subject FROM journal.event WHERE \"type\" = 'sim-fault'"));
    assert.match(String(event.values[0]![1]), /breaker trip of bank 1 on dal3-r07-a/);
    assert.ok(await first("SELECT count(current_a) FROM outlet WHERE node = 'scan-060'"), 'outlets name the node they feed');

    const answer = await waitFor('history answered from InfluxDB', async () => {
      const body = (await (await fetch(`${app!.url}/api/history?thing=pdu/dal3-r07-a/bank/1&metric=tripped&range=1h&step=1m`)).json()) as { source: string; points: { max: number }[]; stepMs: number; unit: string };
      return body.points.some((p) => p.max === 1) && body;
    });
    assert.equal(answer.source, 'influxdb');
    assert.equal(answer.stepMs, 60_000);
    assert.deepEqual(Object.keys(answer.points[0]!).sort(), ['max', 'mean', 't'], 'the same shape as from the embedded store');

    const health = (await (await fetch(`${app.url}/metrics`)).text());
    assert.match(health, /^breakerbox_history_spooled_points 0$/m, 'the backlog is in /metrics');
    assert.doesNotMatch(health, /hunter2/);

    // InfluxDB away for a while as polls go on: the points of the outage wait, then arrive, with no gap.
    const metric = async (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(await (await fetch(`${app!.url}/metrics`)).text())?.[1] ?? NaN);
    await influx.pause();
    const down = Date.now();
    const refused = await fetch(`${app.url}/api/history?thing=pdu/dal3-r07-a&metric=power_w`);
    assert.equal(refused.status, 503, 'a query while InfluxDB is away says so');
    assert.equal(((await refused.json()) as { code: string }).code, 'BB_ERR_HISTORY_UNAVAILABLE');
    await waitFor('points spooled during the outage', async () => (await metric('breakerbox_history_spooled_points')) > 3_000, 30_000);
    await influx.start();
    const up = Date.now();
    await waitFor('the spool written out', async () => (await metric('breakerbox_history_spooled_points')) === 0 && (await metric('breakerbox_history_queue_points')) < 5_000, 30_000);
    await waitFor('points after the outage', () => first(`SELECT count(power_w) FROM pdu WHERE pdu = 'dal3-r01-a' AND time > ${up}ms`));
    const polls = (await influx.query(`SELECT reachable FROM pdu WHERE pdu = 'dal3-r01-a' AND time > ${down - 2_000}ms AND time < ${up + 2_000}ms`, 'bb')).results[0]!.series![0]!.values.map((v) => v[0] as number);
    const gaps = polls.slice(1).map((t, i) => t - polls[i]!);
    assert.ok(polls.filter((t) => t > down && t < up).length >= 2, `the polls made while InfluxDB was away arrived: ${JSON.stringify(polls.map((t) => t - down))}`);
    assert.ok(Math.max(...gaps) < 2_500, `a poll a second through the outage, no gap: ${JSON.stringify(gaps)}`);
    assert.equal(await metric('breakerbox_history_dropped_points_total'), 0);

    // The journal lives in the embedded store in this set-up too.
    const before = ((await (await fetch(`${app.url}/api/events?range=1h&type=drain`)).json()) as ApiEvent[]).map((e) => e.id);
    assert.ok(before.length > 0);
    await app.stop();
    app = await startApp({ config: demo.config, stateDir: demo.stateDir, logLevel: 'silent' });
    const afterRestart = ((await (await fetch(`${app.url}/api/events?range=1h&type=drain`)).json()) as ApiEvent[]).map((e) => e.id);
    assert.deepEqual(afterRestart, before);
  });
});
