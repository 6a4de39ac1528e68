// Power history in a real InfluxDB 1.6 (Debian's influxdb): schema, points, an outage, a restart during one.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { systemClock } from '../src/clock.js';
import { parseConfigText } from '../src/config/load-config.js';
import { Topology } from '../src/health/topology.js';
import { InfluxStore, type InfluxSettings } from '../src/history/influx-store.js';
import { devicePoints, type Point } from '../src/history/points.js';
import { startInfluxd, type Influxd } from './helpers/influxd.js';
import { waitFor } from './helpers/demo-config.js';
import { pduReading } from './helpers/synthetic-readings.js';

const log = pino({ level: 'silent' });
const DAY = 86_400_000;

function settings(influx: Influxd, database: string): InfluxSettings {
  return { url: influx.url, database, retention: { raw: 14 * DAY, minute: 90 * DAY, hour: 730 * DAY } };
}

async function openStore(influx: Influxd, database: string, spoolDir: string, batchSize = 500): Promise<InfluxStore> {
  return InfluxStore.open(settings(influx, database), { batchSize, flushIntervalMs: 50, spoolDir, spoolMaxBytes: 64 * 1_048_576, retryMaxMs: 200 }, systemClock, log);
}

/** Points of one series, a second apart from `start`, value i. */
function series(start: number, n: number, pdu = 'p1'): Point[] {
  return Array.from({ length: n }, (_, i) => ({ measurement: 'phase', tags: { site: 's', row: 'r', rack: 'k', pdu, phase: '1' }, fields: { current_a: i }, time: start + i * 1_000 }));
}

describe('history in InfluxDB', () => {
  let influx: Influxd;
  let dir: string;
  before(async () => {
    influx = await startInfluxd();
    dir = mkdtempSync(join(tmpdir(), 'bb-history-'));
  });
  after(async () => {
    await influx.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates the database, its retention policies and continuous queries', async () => {
    const store = await openStore(influx, 'schema', join(dir, 'spool-schema'));
    store.add(series(Date.now() - 10_000, 3));
    await waitFor('points written', () => store.stats().written === 3);
    await store.stop();
    const rps = (await influx.query('SHOW RETENTION POLICIES ON "schema"')).results[0]!.series![0]!;
    const byName = new Map(rps.values.map((v) => [v[0] as string, v]));
    assert.deepEqual([...byName.keys()].filter((n) => n !== 'autogen').sort(), ['hour', 'journal', 'minute', 'raw']);
    assert.equal(byName.get('journal')![1], byName.get('hour')![1], 'decisions and events are kept as long as hourly values');
    assert.equal(byName.get('raw')![1], '336h0m0s');
    assert.equal(byName.get('raw')![4], true, 'raw is the default policy');
    assert.equal(byName.get('minute')![1], '2160h0m0s');
    const cqs = (await influx.query('SHOW CONTINUOUS QUERIES')).results[0]!.series!.find((s) => s.name === 'schema')!;
    const names = cqs.values.map((v) => v[0] as string);
    for (const m of ['pdu', 'inlet', 'phase', 'bank', 'outlet', 'sensor', 'ups', 'ats', 'node', 'pool']) {
      assert.ok(names.some((n) => n.startsWith(`bb_minute_${m}_`)), `1-minute CQ for ${m}`);
      assert.ok(names.some((n) => n.startsWith(`bb_hour_${m}_`)), `1-hour CQ for ${m}`);
    }
    assert.ok(!names.some((n) => n.includes('_event_') || n.includes('_drain_')), 'events and decisions are not downsampled');
    const bankCq = cqs.values.find((v) => (v[0] as string).startsWith('bb_minute_bank_'))![1] as string;
    assert.match(bankCq, /mean\(current_a\) AS current_a, max\(current_a\) AS current_a_max/);
    assert.match(bankCq, /INTO schema\.minute\.bank FROM schema\.raw\.bank GROUP BY time\(1m\), \*/);

    // A second start finds them all in place and changes nothing.
    const again = await openStore(influx, 'schema', join(dir, 'spool-schema'));
    again.add(series(Date.now() - 5_000, 1));
    await waitFor('written again', () => again.stats().written === 1);
    await again.stop();
    const after = (await influx.query('SHOW CONTINUOUS QUERIES')).results[0]!.series!.find((s) => s.name === 'schema')!;
    assert.deepEqual(after.values.map((v) => v[0]).sort(), names.sort());
  });

  it('writes a poll of a PDU with its place, parts and units', async () => {
    const config = parseConfigText(`
sites: [{ name: dal, rows: [{ name: row-1, racks: [r1] }] }]
pdus: [{ name: r1-a, rack: r1, address: 127.0.0.1, outlets: 4, banks: 2, snmp: { version: '2c', community: public } }]
nodes: [{ name: web-1, rack: r1, address: 127.0.0.2, psus: [{ pdu: r1-a, outlet: 3 }] }]
`, 'lab.yaml');
    const topology = new Topology(config);
    const reading = pduReading(topology, config.pdus[0]!, ['on', 'on', 'off', 'off']);
    const time = Date.now() - 60_000;
    const store = await openStore(influx, 'poll', join(dir, 'spool-poll'));
    const points = devicePoints(topology, 'r1-a', time, reading, true);
    store.add(points);
    await waitFor('points written', () => store.stats().written === points.length);
    await store.stop();
    const bank = (await influx.query('SELECT * FROM bank WHERE pdu = \'r1-a\' GROUP BY bank', 'poll')).results[0]!.series!;
    assert.equal(bank.length, 2);
    const tripped = bank.find((s) => s.tags!.bank === '2')!;
    const row = Object.fromEntries(tripped.columns.map((c, i) => [c, tripped.values[0]![i]]));
    assert.deepEqual(row, { time, current_a: 0, load_pct: 0, pdu: 'r1-a', rack: 'r1', rating_a: 20, row: 'row-1', site: 'dal', tripped: 1 });
    const outlet = (await influx.query('SELECT "on", current_a FROM outlet WHERE node = \'web-1\'', 'poll')).results[0]!.series![0]!;
    assert.deepEqual(outlet.values, [[time, 0, 0]], 'outlet 3 feeds web-1 and is off');
    const pdu = (await influx.query('SELECT power_w, reachable FROM pdu WHERE kind = \'pdu\'', 'poll')).results[0]!.series![0]!;
    assert.deepEqual(pdu.values, [[time, 1000, 1]]);
  });

  it('keeps every point through an outage and writes them in order when InfluxDB is back', async () => {
    const store = await openStore(influx, 'outage', join(dir, 'spool-outage'), 200);
    const start = Date.now() - 3_600_000;
    store.add(series(start, 100));
    await waitFor('first points written', () => store.stats().written === 100);
    await influx.pause();
    for (let i = 0; i < 10; i++) {
      store.add(series(start + (100 + i * 300) * 1_000, 300).map((p, j) => ({ ...p, fields: { current_a: 100 + i * 300 + j } })));
      await new Promise((r) => setImmediate(r));
    }
    await waitFor('the outage spooled', () => !store.stats().up && store.stats().spooledPoints + store.stats().queued > 0);
    await influx.start();
    await waitFor('every point written', () => store.stats().written === 3_100 && store.stats().spooledPoints === 0, 30_000);
    assert.equal(store.stats().droppedPoints, 0);
    await store.stop();
    const values = (await influx.query('SELECT current_a FROM phase', 'outage')).results[0]!.series![0]!.values;
    assert.equal(values.length, 3_100);
    values.forEach((v, i) => assert.equal(v[1], i, `point ${i}`));
  });

  it('loses nothing when Breakerbox restarts during an outage', async () => {
    const spool = join(dir, 'spool-restart');
    const start = Date.now() - 7_200_000;
    const first = await openStore(influx, 'restart', spool);
    first.add(series(start, 10));
    await waitFor('first points written', () => first.stats().written === 10);
    await influx.pause();
    first.add(series(start + 10_000, 40).map((p, i) => ({ ...p, fields: { current_a: 10 + i } })));
    await first.stop();
    const second = await openStore(influx, 'restart', spool);
    assert.equal(second.stats().spooledPoints, 40, 'the spool is found after the restart');
    second.add(series(start + 50_000, 5).map((p, i) => ({ ...p, fields: { current_a: 50 + i } })));
    await influx.start();
    await waitFor('every point written', () => second.stats().written === 45 && second.stats().spooledPoints === 0, 30_000);
    await second.stop();
    const values = (await influx.query('SELECT current_a FROM phase', 'restart')).results[0]!.series![0]!.values;
    assert.deepEqual(values.map((v) => v[1]), Array.from({ length: 55 }, (_, i) => i));
  });

  it('writes names and text that need escaping, and the journal to its own policy', async () => {
    const store = await openStore(influx, 'escape', join(dir, 'spool-escape'));
    const time = Date.now() - 30_000;
    store.add([
      { measurement: 'pdu', tags: { site: 'Dallas 3, hall=B', row: 'row 1', rack: 'r\\1', pdu: 'p1', kind: 'pdu' }, fields: { power_w: 1500.5 }, time },
      { measurement: 'event', tags: { type: 'drain', severity: 'warning' }, fields: { message: 'drained "web-1", cause: bank 1\\2', subject: 'web', id: 7 }, time, seq: 7 },
      { measurement: 'event', tags: { type: 'drain', severity: 'warning' }, fields: { message: 'second, same millisecond', subject: 'web', id: 8 }, time, seq: 8 },
    ]);
    await waitFor('points written', () => store.stats().written === 3);
    await store.stop();
    const pdu = (await influx.query('SELECT power_w, site, "row", rack FROM pdu', 'escape')).results[0]!.series![0]!;
    assert.deepEqual(pdu.values[0], [time, 1500.5, 'Dallas 3, hall=B', 'row 1', 'r\\1']);
    const events = (await influx.query('SELECT message FROM "journal"."event"', 'escape')).results[0]!.series![0]!;
    assert.deepEqual(events.values.map((v) => v[1]), ['drained "web-1", cause: bank 1\\2', 'second, same millisecond'], 'two events of one millisecond stay two');
    assert.equal((await influx.query('SELECT count(message) FROM "raw"."event"', 'escape')).results[0]!.series, undefined, 'not in raw');
  });

  it('drops and counts points InfluxDB refuses, and goes on writing', async () => {
    const store = await openStore(influx, 'refused', join(dir, 'spool-refused'), 100);
    const time = Date.now() - 30_000;
    store.add([{ measurement: 'ups', tags: { pdu: 'u1' }, fields: { source: 'battery' }, time }]);
    await waitFor('the first written', () => store.stats().written === 1);
    // The same field as a number: a type conflict InfluxDB refuses for good.
    store.add([{ measurement: 'ups', tags: { pdu: 'u1' }, fields: { source: 3 }, time: time + 1_000 }, { measurement: 'ups', tags: { pdu: 'u1' }, fields: { charge_pct: 90 }, time: time + 1_000 }]);
    await waitFor('the refusal counted', () => store.stats().droppedPoints === 1);
    store.add([{ measurement: 'ups', tags: { pdu: 'u1' }, fields: { charge_pct: 89 }, time: time + 2_000 }]);
    await waitFor('later points written', () => store.stats().written === 3);
    assert.equal(store.stats().spooledPoints, 0, 'nothing waits for a point that can never be written');
    await store.stop();
  });

  it('stops at once when nothing waits, even right after it opened', { timeout: 10_000 }, async () => {
    const store = await openStore(influx, 'idle', join(dir, 'spool-idle'));
    await store.stop();
    const later = await openStore(influx, 'idle', join(dir, 'spool-idle'));
    await waitFor('the schema made', async () => (await influx.query('SHOW DATABASES')).results[0]!.series![0]!.values.flat().includes('idle'));
    await later.stop();
    assert.equal(later.stats().spooledPoints, 0);
  });

  it('answers a history query from the finest resolution holding the range', async () => {
    const store = await openStore(influx, 'query', join(dir, 'spool-query'));
    const start = Math.floor((Date.now() - 3_600_000) / 60_000) * 60_000;
    store.add(series(start, 180).map((p, i) => ({ ...p, fields: { current_a: i % 60 } })));
    await waitFor('points written', () => store.stats().written === 180);
    const answer = await store.query({ measurement: 'phase', tags: { pdu: 'p1', phase: '1' }, field: 'current_a', from: start, to: start + 180_000, stepMs: 60_000 });
    await store.stop();
    assert.equal(answer.source, 'influxdb');
    assert.equal(answer.stepMs, 60_000);
    assert.deepEqual(answer.points, [0, 1, 2].map((k) => ({ t: start + k * 60_000, mean: 29.5, max: 59 })));
  });
});
