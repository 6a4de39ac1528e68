// What history hears, in fake time: a poll once, a pool only when its counts move (and every poll interval).
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { FakeClock } from '../src/clock.js';
import { parseConfigText } from '../src/config/load-config.js';
import { PowerHealth } from '../src/health/power-health.js';
import { Topology } from '../src/health/topology.js';
import { HistoryRecorder, type History } from '../src/history/history.js';
import type { Point } from '../src/history/points.js';
import { StateStore } from '../src/state/state-store.js';
import { pduReading } from './helpers/synthetic-readings.js';

it('records each poll once, and a pool only when its counts move or the poll interval comes round', () => {
  const config = parseConfigText(`
sites: [{ name: dal, rows: [{ name: row-1, racks: [r1] }] }]
pdus: [{ name: r1-a, rack: r1, address: 127.0.0.1, outlets: 2, banks: 1, snmp: { version: '2c', community: public } }]
nodes: [{ name: web-1, rack: r1, address: 127.0.0.2, psus: [{ pdu: r1-a, outlet: 1 }] }]
pools: [{ name: web, members: [web-1], backend: { type: file, dir: var/pools } }]
settings: { pollInterval: 10s }
`, 'lab.yaml');
  const clock = new FakeClock();
  const topology = new Topology(config);
  const store = new StateStore();
  const health = new PowerHealth(topology, store, 30_000, clock.now());
  const recorded: Point[] = [];
  const history = { record: (points: readonly Point[]) => recorded.push(...points), retain: () => {} } as unknown as History;
  let counts = { name: 'web', total: 1, active: 1, drained: 0, held: 0 };
  const recorder = new HistoryRecorder({ history, store, config: () => config, topology: () => topology, view: () => health.view, pool: () => counts, clock });
  const of = (m: string) => recorded.filter((p) => p.measurement === m);

  store.recordPdu('r1-a', clock.now(), { ok: true, reading: pduReading(topology, config.pdus[0]!, ['on', 'on']) });
  recorder.factRecorded('pdu', 'r1-a');
  recorder.factRecorded('pdu', 'r1-a'); // the same poll heard twice
  assert.equal(of('pdu').length, 1);
  assert.deepEqual(of('bank')[0]!.tags, { site: 'dal', row: 'row-1', rack: 'r1', pdu: 'r1-a', bank: '1' });
  assert.equal(of('outlet').find((p) => p.tags.outlet === '1')!.tags.node, 'web-1');

  recorder.poolChanged('web');
  recorder.poolChanged('web');
  assert.equal(of('pool').length, 1, 'unchanged counts are not written again');
  counts = { ...counts, active: 0, drained: 1 };
  recorder.poolChanged('web');
  assert.deepEqual(of('pool').map((p) => p.fields.drained), [0, 1]);
  clock.advance(10_000);
  assert.equal(of('pool').length, 3, 'every poll interval, changed or not');

  store.recordPdu('r1-a', clock.now(), { ok: false, error: 'timeout' });
  recorder.factRecorded('pdu', 'r1-a');
  assert.deepEqual(of('pdu').at(-1)!.fields, { reachable: 0 }, 'an unanswered poll: reachable 0 and nothing else');
  recorder.stop();
});
