// The Prometheus exposition from live state built by hand: names, labels and values after recorded
// readings; unknown, implausible and stale values left out; outlets only when asked for; no secret
// anywhere; and promtool (Debian's prometheus package) finds nothing to lint.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { parseConfigText } from '../src/config/load-config.js';
import { assessPower } from '../src/health/power-health.js';
import { Topology } from '../src/health/topology.js';
import { Metrics, type HistoryBacklog, type MetricsSources } from '../src/metrics/metrics.js';
import type { DeviceReading } from '../src/model.js';
import { DevicePollCounts } from '../src/poller/poll-stats.js';
import { StateStore } from '../src/state/state-store.js';
import { nodeReading, pduReading } from './helpers/synthetic-readings.js';

const COMMUNITY = 'pdu-community-s3cret';
const AUTH_KEY = 'node-auth-key-s3cret';
const PRIV_KEY = 'node-priv-key-s3cret';
const TOKEN = 'api-token-s3cret-0123456789';

const config = parseConfigText(`
sites: [{name: Dallas 3, rows: [{name: row 1, racks: [r01]}, {name: row 2, racks: [r05]}]}]
pdus:
  - {name: p1, rack: r01, address: 127.0.0.1, outlets: 8, banks: 2, snmp: {version: 2c, community: ${COMMUNITY}}}
  - {name: p2, rack: r05, address: 127.0.0.2, outlets: 8}
  - {name: ups1, rack: r05, address: 127.0.0.3, outlets: 1}
nodes:
  - {name: n1, rack: r01, address: 127.0.1.1, psus: [{pdu: p1, outlet: 1}],
     snmp: {version: '3', user: u, level: authPriv, authProtocol: sha, authKey: ${AUTH_KEY}, privProtocol: aes, privKey: ${PRIV_KEY}}}
  - {name: n2, rack: r05, address: 127.0.1.2, psus: [{pdu: p2, outlet: 1}]}
pools: [{name: web, members: [n1, n2], backend: {type: file, dir: var/pools}}]
settings: {api: {tokens: [{name: ops, token: ${TOKEN}}]}}
`, 'metrics test');

const NOW = 1_000_000;
const STALE_MS = 90_000;

/** Live state: p1 read (bank 2 tripped, one implausible phase voltage), p2 silent, a UPS on battery, n1 up, n2 never polled. */
function world(history?: () => HistoryBacklog | null) {
  const topology = new Topology(config);
  const store = new StateStore();
  const p1 = pduReading(topology, topology.pdus.get('p1')!, ['on', 'on', 'on', 'on', 'off', 'off', 'off', 'off']);
  p1.phases[0]!.voltage = { value: -1, quality: 'implausible' };
  p1.inlets = [{ index: 1, name: null, voltage: { value: 230, quality: 'ok' }, current: { value: 2.8, quality: 'ok' }, power: { value: 640, quality: 'ok' },
    apparentPower: { value: null, quality: 'unknown' }, powerFactor: { value: null, quality: 'unknown' }, energy: { value: null, quality: 'unknown' }, frequency: { value: 50, quality: 'ok' }, loadState: 'normal' }];
  p1.sensors = [{ index: 1, kind: 'temperature', name: null, value: { value: 24.5, quality: 'ok' } }, { index: 2, kind: 'humidity', name: null, value: { value: null, quality: 'unknown' } }];
  store.recordPdu('p1', NOW, { ok: true, reading: p1 });
  const p2 = pduReading(topology, topology.pdus.get('p2')!, Array(8).fill('on'));
  store.recordPdu('p2', NOW - 10_000, { ok: true, reading: p2 });
  store.recordPdu('p2', NOW, { ok: false, error: 'no answer (timed out)' }); // keeps its old reading: not exported
  const ups: DeviceReading = { ...pduReading(topology, topology.pdus.get('ups1')!, []), kind: 'ups', banks: [], phases: [],
    ups: { source: 'battery', batteryStatus: 'normal', charge: { value: 80, quality: 'ok' }, runtime: { value: 1200, quality: 'ok' }, timeOnBattery: { value: 30, quality: 'ok' },
      load: { value: 35, quality: 'ok' }, inputVoltage: { value: 0, quality: 'ok' }, inputFrequency: { value: null, quality: 'unknown' }, outputVoltage: { value: 230, quality: 'ok' },
      outputCurrent: { value: 3, quality: 'ok' }, outputPower: { value: 700, quality: 'ok' }, outputFrequency: { value: 50, quality: 'ok' }, batteryVoltage: { value: 54, quality: 'ok' },
      temperature: { value: 30, quality: 'ok' }, alarms: { value: 0, quality: 'ok' } } };
  store.recordPdu('ups1', NOW, { ok: true, reading: ups });
  store.recordNode('n1', NOW, { ok: true, reading: nodeReading });
  const polls = new DevicePollCounts();
  polls.record('pdu', 'p1', null, 120);
  polls.record('pdu', 'p2', null, 90);
  polls.record('pdu', 'p2', 'timeout', 800);
  polls.record('node', 'n1', 'community', 15);
  const pollTimes = { polls: 3, p50Ms: 100, p99Ms: 800, maxMs: 800, p99OfInterval: 0.8 };
  const sources: MetricsSources = {
    topology: () => topology, view: () => assessPower(topology, store, NOW, STALE_MS), facts: store,
    devicePolls: () => polls.all(),
    pollLoad: () => ({ pdu: pollTimes, node: { ...pollTimes, p50Ms: null, p99Ms: null, maxMs: null }, running: 2, waiting: 0 }),
    traps: () => ({ received: 7, accepted: 4, informs: 0, dropped: { 'unknown-community': 2, 'rate-limited': 1 }, listening: '127.0.0.1:1162' }),
    reconciles: () => ({ reconciles: 12, blocks: new Map([['min-healthy', 3]]) }),
    blocked: () => new Map([['web', [{ rule: 'min-healthy', message: 'x', nodes: ['n1', 'n2'] }]]]),
    pools: () => [{ name: 'web', active: 1, drained: 1, held: 0 }],
    wallClients: () => 3,
    process: () => ({ rssBytes: 5e7, heapUsedBytes: 2e7, windowSeconds: 30, cpuPercent: 4, eventLoopLagMs: { p50: 1.5, p99: 12, max: 40 } }),
    ...(history ? { history } : {}),
  };
  return sources;
}

/** Every sample line as "name{labels}" → value. */
function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}

const P1 = 'site="Dallas 3",row="row 1",rack="r01",pdu="p1"';

describe('GET /metrics exposition', () => {
  it('exports readings with topology labels, only values of quality ok from devices that answer', async () => {
    const m = samples(await new Metrics(world()).render());
    assert.equal(m.get(`breakerbox_pdu_power_watts{${P1}}`), 1000);
    assert.equal(m.get(`breakerbox_inlet_current_amperes{${P1},inlet="1"}`), 2.8);
    assert.equal(m.get(`breakerbox_inlet_voltage_volts{${P1},inlet="1"}`), 230);
    assert.equal(m.get(`breakerbox_phase_current_amperes{${P1},phase="1"}`), 5);
    assert.equal(m.has(`breakerbox_phase_voltage_volts{${P1},phase="1"}`), false, 'an implausible -1 is left out, not exported');
    assert.equal(m.get(`breakerbox_bank_breaker_tripped{${P1},bank="1"}`), 0);
    assert.equal(m.get(`breakerbox_bank_breaker_tripped{${P1},bank="2"}`), 1);
    assert.equal(m.get(`breakerbox_bank_rating_amperes{${P1},bank="2"}`), 20);
    assert.equal(m.get(`breakerbox_sensor_temperature_celsius{${P1},sensor="1"}`), 24.5);
    assert.equal([...m.keys()].some((k) => k.startsWith('breakerbox_sensor_humidity_percent{')), false, 'an unknown humidity is left out');
    assert.equal(m.get(`breakerbox_pdu_reachable{${P1}}`), 1);
    assert.equal(m.get('breakerbox_pdu_reachable{site="Dallas 3",row="row 2",rack="r05",pdu="p2"}'), 0);
    assert.equal([...m.keys()].some((k) => k.includes('pdu="p2"') && !k.startsWith('breakerbox_pdu_reachable')), false, 'a silent PDU\'s last reading is not now');
    const UPS = 'site="Dallas 3",row="row 2",rack="r05",pdu="ups1"';
    assert.equal(m.get(`breakerbox_ups_on_battery{${UPS}}`), 1);
    assert.equal(m.get(`breakerbox_ups_battery_charge_ratio{${UPS}}`), 0.8);
    assert.equal(m.get(`breakerbox_ups_runtime_seconds{${UPS}}`), 1200);
    assert.equal(m.get(`breakerbox_ups_load_ratio{${UPS}}`), 0.35);
    assert.equal(m.has(`breakerbox_ups_on_battery{${P1}}`), false, 'a PDU is no UPS');
    assert.equal(m.get('breakerbox_node_reachable{site="Dallas 3",row="row 1",rack="r01",node="n1"}'), 1);
    assert.equal(m.get('breakerbox_node_power_state{site="Dallas 3",row="row 1",rack="r01",node="n1"}'), 2);
    assert.equal([...m.keys()].some((k) => k.includes('node="n2"')), false, 'a node never polled, power unknown: absent');
  });

  it('exports how Breakerbox itself is doing', async () => {
    const m = samples(await new Metrics(world()).render());
    assert.equal(m.get('breakerbox_polls_total{kind="pdu",device="p2"}'), 2);
    assert.equal(m.get('breakerbox_poll_errors_total{kind="pdu",device="p2",reason="timeout"}'), 1);
    assert.equal(m.get('breakerbox_poll_errors_total{kind="node",device="n1",reason="community"}'), 1);
    assert.equal(m.get('breakerbox_poll_last_duration_seconds{kind="pdu",device="p2"}'), 0.8);
    assert.equal(m.get('breakerbox_snmp_timeouts_total{kind="pdu"}'), 1);
    assert.equal(m.get('breakerbox_snmp_timeouts_total{kind="node"}'), 0);
    assert.equal(m.get('breakerbox_poll_delay_seconds{kind="pdu",stat="p99"}'), 0.8);
    assert.equal(m.has('breakerbox_poll_delay_seconds{kind="node",stat="p99"}'), false, 'no polls yet: no made-up 0');
    assert.equal(m.get('breakerbox_traps_received_total'), 7);
    assert.equal(m.get('breakerbox_traps_dropped_total{reason="unknown-community"}'), 2);
    assert.equal(m.get('breakerbox_trap_receiver_listening'), 1);
    assert.equal(m.get('breakerbox_reconcile_runs_total'), 12);
    assert.equal(m.get('breakerbox_drain_blocks_total{rule="min-healthy"}'), 3);
    assert.equal(m.get('breakerbox_drain_blocked_members{pool="web",rule="min-healthy"}'), 2);
    assert.equal(m.get('breakerbox_pool_members{pool="web",state="drained"}'), 1);
    assert.equal(m.get('breakerbox_pool_members{pool="web",state="held"}'), 0);
    assert.equal(m.get('breakerbox_wall_clients'), 3);
    assert.equal(m.get('breakerbox_event_loop_lag_seconds{stat="p99"}'), 0.012);
    assert.equal([...m.keys()].some((k) => k.startsWith('breakerbox_history_')), false, 'no history source given: no history metrics');
  });

  it('exports the history backlog only when given, and nothing while it is not running', async () => {
    let backlog: HistoryBacklog | null = { queued: 40, spoolBytes: 4096, spooledPoints: 12, droppedPoints: 5 };
    const metrics = new Metrics(world(() => backlog));
    const m = samples(await metrics.render());
    assert.equal(m.get('breakerbox_history_queue_points'), 40);
    assert.equal(m.get('breakerbox_history_spool_bytes'), 4096);
    assert.equal(m.get('breakerbox_history_spooled_points'), 12);
    assert.equal(m.get('breakerbox_history_dropped_points_total'), 5);
    backlog = null;
    const text = await metrics.render();
    assert.match(text, /# TYPE breakerbox_history_queue_points gauge/);
    assert.equal([...samples(text).keys()].some((k) => k.startsWith('breakerbox_history_')), false, 'no made-up zeros');
  });

  it('leaves outlets out by default; with outlets on, 3 series per outlet, labelled with the node it feeds', async () => {
    const off = samples(await new Metrics(world()).render());
    assert.equal([...off.keys()].some((k) => k.startsWith('breakerbox_outlet_')), false);
    let outlets = false;
    const metrics = new Metrics(world(), { outlets: () => outlets });
    outlets = true; // read at each scrape: a reload can turn them on
    const on = samples(await metrics.render());
    assert.equal(on.get(`breakerbox_outlet_on{${P1},outlet="1",node="n1"}`), 1);
    assert.equal(on.get(`breakerbox_outlet_on{${P1},outlet="5",node=""}`), 0);
    assert.equal(on.get(`breakerbox_outlet_current_amperes{${P1},outlet="1",node="n1"}`), 0.7);
    // The documented bound: 3 per outlet per PDU that answers (p1 has 8 outlets; p2 is silent; ups1 has none).
    assert.equal([...on.keys()].filter((k) => k.startsWith('breakerbox_outlet_')).length, 3 * 8);
  });

  it('never shows a secret: SNMP communities, v3 keys, API tokens', async () => {
    const text = await new Metrics(world(), { outlets: true }).render();
    for (const secret of [COMMUNITY, AUTH_KEY, PRIV_KEY, TOKEN, 'public']) assert.equal(text.includes(secret), false, `${secret} appears`);
    assert.ok(text.includes('pdu="p1"'), 'the exposition is not empty');
  });

  it('is valid exposition that promtool finds nothing to lint in', async () => {
    const metrics = new Metrics(world(() => ({ queued: 1, spoolBytes: 2, spooledPoints: 3, droppedPoints: 4 })), { outlets: true });
    assert.equal(metrics.contentType, 'text/plain; version=0.0.4; charset=utf-8');
    const run = spawnSync('/usr/bin/promtool', ['check', 'metrics'], { input: await metrics.render(), encoding: 'utf8' });
    assert.equal(run.error, undefined);
    assert.equal(`${run.stdout}${run.stderr}`.trim(), '', 'promtool lint findings');
    assert.equal(run.status, 0);
  });
});
