// Tripp Lite PowerAlert devices (TRIPPLITE-PRODUCTS): a real PDU recording checked against the oracle, then
// a PDU, a UPS and an ATS from recordings written from the MIB (test/fixtures/snmprec), served by snmpsim,
// detected and read end to end.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DeviceReading, Measure } from '../src/model.js';
import { detect } from '../src/profiles/detect.js';
import { readDevice } from '../src/profiles/read-device.js';
import { trippLiteAts, trippLitePdu, trippLiteUps } from '../src/profiles/tripplite.js';
import { TrapClassifier } from '../src/traps/classify.js';
import { checkRecording, detectAndRead } from './helpers/check-recording.js';
import { FakeSnmpClient, withSysObjectId } from './helpers/fake-snmp.js';
import { fixtureRecordingsDir, startSnmpsim, type Snmpsim } from './helpers/snmpsim.js';

let sim: Snmpsim;
before(async () => { sim = await startSnmpsim(undefined, [], [fixtureRecordingsDir()]); });
after(async () => { await sim?.stop(); });


/** The value when trusted, else its quality. */
const num = (m: Measure) => (m.quality === 'ok' ? m.value : m.quality);

describe('Tripp Lite PDU recording through the tripplite-pdu profile', () => {
  it('PDUMV30HVNETLX (sysObjectID tlpDevice, found by probing): 24 outlets on, 2 circuits; every covered oracle sensor equal', async () => {
    const { reading, coverage } = await checkRecording(sim, 'poweralert_pdu', {
      profile: 'tripplite-pdu', inlets: 1, phases: 1, banks: 2, outlets: 24, sensors: 0, ups: false, ats: false, minCovered: 31,
    });
    assert.equal(coverage.matched, coverage.covered);
    assert.deepEqual(reading.identity, { vendor: 'Tripp Lite', model: 'PDUMV30HVNETLX', serial: null, firmware: null, name: null });
    const inlet = reading.inlets[0]!;
    assert.deepEqual([num(inlet.voltage), num(inlet.frequency), num(inlet.current), num(inlet.power)], [207, 59.9, 'unknown', 'unknown']);
    assert.deepEqual(reading.phases.map((p) => [p.index, num(p.voltage), num(p.current), num(p.power)]), [[1, 207, 1, 207]]); // tlpPduOutputCurrent 100 = 1.00 A
    assert.deepEqual(reading.banks.map((b) => [b.index, num(b.current), b.breaker, b.breakerInferred]), [[1, 0, 'ok', false], [2, 1, 'ok', false]]);
    assert.ok(reading.outlets.every((o) => o.state === 'on' && o.bank === 1));
    assert.deepEqual([reading.outlets[9]!.name, reading.outlets[9]!.current.quality], ['test-device-01', 'unknown']); // not metered per outlet
    assert.deepEqual(reading.power, { value: null, quality: 'unknown' }); // tlpPduDeviceOutputActivePowerTotal not served
    assert.equal(reading.badValues, 0);
  });
});

describe('tripplite-pdu: a switched PDU with an EnviroSense probe, from the MIB', () => {
  let r: DeviceReading;
  before(async () => { r = await detectAndRead(sim, 'tripplite_pdu_fixture', 'tripplite-pdu', 'sysObjectID'); });

  it('identity of the agent’s first device; the device total in W', () => {
    assert.deepEqual(r.identity, { vendor: 'Tripp Lite', model: 'PDUMH20NET', serial: '2716AV0PD812300123', firmware: '12.04.0055', name: 'dal3-r07-a' });
    assert.deepEqual([r.kind, num(r.power), num(r.energy)], ['pdu', 1234, 'unknown']); // the watt-hours of the past 24 h are no energy meter
  });

  it('input: 0.1 V, 0.1 Hz, 0.01 A; output line: 0.1 V, 0.01 A, W', () => {
    assert.deepEqual(r.inlets.map((i) => [i.index, num(i.voltage), num(i.frequency), num(i.current), num(i.power)]), [[1, 120.3, 60, 10.62, 1234]]);
    assert.deepEqual(r.phases.map((p) => [p.index, num(p.voltage), num(p.current), num(p.power)]), [[1, 120.1, 10.62, 1230]]);
  });

  it('circuits with their breakers: closed is ok, open is tripped; current and limit in 0.01 A', () => {
    assert.deepEqual(r.banks.map((b) => [b.index, num(b.current), num(b.rating), b.breaker, b.breakerInferred]), [
      [1, 10.62, 20, 'ok', false], [2, 0, 20, 'tripped', false],
    ]);
  });

  it('outlets: on, off, unknown(0) is unknown; circuit, current, power, overcurrent; an unmetered outlet is unknown, not 0', () => {
    assert.deepEqual(r.outlets.map((o) => [o.index, o.name, o.state, o.bank, num(o.current), num(o.power), o.loadState]), [
      [1, 'Outlet 1', 'on', 1, 5.12, 615, 'normal'],
      [2, 'Outlet 2', 'on', 1, 5.5, 619, 'overload'],
      [3, 'Outlet 3', 'unknown', 1, 0, 0, 'normal'],
      [4, 'Outlet 4', 'off', 1, 0, 0, 'normal'],
      [5, 'Outlet 5', 'on', 2, 0, 0, 'normal'],
      [6, 'Outlet 6', 'on', 2, 0, 0, 'normal'],
      [7, 'Outlet 7', 'on', 2, 0, 0, 'normal'],
      [8, 'Outlet 8', 'on', 2, 'unknown', 'unknown', 'normal'],
    ]);
  });

  it('the probe (a device of its own, 0.1 °C and %RH, named by tlpDeviceName) and the casing (whole °C)', () => {
    assert.deepEqual(r.sensors.map((s) => [s.index, s.kind, s.name, num(s.value)]), [
      [2, 'temperature', 'Rack 7 probe', 23.4], [102, 'humidity', 'Rack 7 probe', 41], [201, 'temperature', 'PDU casing', 27],
    ]);
    assert.equal(r.badValues, 0);
  });
});

describe('tripplite-ups: a UPS on battery, from the MIB', () => {
  let r: DeviceReading;
  // PowerAlert answers tlpDevice as the sysObjectID of every kind of device: the UPS is found by its objects.
  before(async () => { r = await detectAndRead(sim, 'tripplite_ups_fixture', 'tripplite-ups', 'probe'); });

  it('identity, and the UPS block: source, battery, runtime in s, 0.1 V, 0.01 A, 0.1 Hz, 0.1 °C, 0.01 %', () => {
    assert.deepEqual(r.identity, { vendor: 'Tripp Lite', model: 'SMART1500RMXLN', serial: '2745CV0SM850500042', firmware: '15.5.3', name: 'dal3-ups-1' });
    const u = r.ups!;
    assert.deepEqual([r.kind, u.source, u.batteryStatus], ['ups', 'battery', 'low']);
    assert.deepEqual(
      [num(u.charge), num(u.runtime), num(u.timeOnBattery), num(u.load), num(u.batteryVoltage), num(u.temperature), num(u.alarms)],
      [38, 420, 95, 36.5, 24.8, 31.2, 2], // 7 minutes remaining; tlpUpsOutputTotalUtilization 3650 = 36.5 %
    );
    assert.deepEqual(
      [num(u.inputVoltage), num(u.inputFrequency), num(u.outputVoltage), num(u.outputCurrent), num(u.outputPower), num(u.outputFrequency)],
      [0, 0, 119.8, 4.76, 540, 60], // the line is out: a measured 0 V is a value
    );
    assert.equal(num(r.power), 540);
    assert.equal(r.badValues, 0);
  });

  it('load segments as outlets, their unmetered current unknown', () => {
    assert.deepEqual(r.outlets.map((o) => [o.index, o.state, o.bank, num(o.current)]), [[1, 'on', null, 'unknown'], [2, 'off', null, 'unknown']]);
    assert.deepEqual([r.banks.length, r.sensors.length, r.ats], [0, 0, null]);
  });

  it('its input phase as an inlet (the line is out), its output line as a phase; no bypass served', () => {
    assert.deepEqual(r.inlets.map((i) => [i.index, num(i.voltage), num(i.frequency), num(i.current), num(i.power)]), [[1, 0, 0, 0, 0]]);
    assert.deepEqual(r.phases.map((p) => [p.index, num(p.voltage), num(p.current), num(p.power)]), [[1, 119.8, 4.76, 540]]);
    assert.deepEqual(r.bypass, []);
  });
});

describe('tripplite-ats: an ATS that lost source A, from the MIB', () => {
  let r: DeviceReading;
  before(async () => { r = await detectAndRead(sim, 'tripplite_ats_fixture', 'tripplite-ats', 'sysObjectID'); });

  it('on source B, redundancy lost; the sources as inlets 1 (A) and 2 (B)', () => {
    assert.deepEqual(r.identity, { vendor: 'Tripp Lite', model: 'PDUMH20ATNET', serial: '2833AV0AT900100007', firmware: '12.06.0068', name: 'dal3-r07-ats' });
    const a = r.ats!;
    assert.deepEqual([r.kind, a.activeSource, a.redundancy, num(a.sourceAVoltage), num(a.sourceBVoltage), num(a.outputVoltage)], ['ats', 'B', 'lost', 0, 208.1, 207.9]);
    assert.deepEqual([num(a.sourceACurrent), num(a.sourceBCurrent), num(a.outputCurrent)], [0, 3.95, 3.95]); // tlpAtsInputPhaseCurrent, tlpAtsOutputCurrent (0.01 A)
    assert.deepEqual(r.inlets.map((i) => [i.index, num(i.voltage), num(i.frequency), num(i.current), num(i.power)]), [[1, 0, 0, 0, 0], [2, 208.1, 60, 3.95, 812]]);
    assert.deepEqual(r.phases.map((p) => [p.index, num(p.voltage), num(p.current), num(p.power)]), [[1, 207.9, 3.95, 812]]);
    assert.equal(num(r.power), 812);
  });

  it('a breaker not installed reports nothing: that circuit’s state is inferred from its outlets', () => {
    assert.deepEqual(r.banks.map((b) => [b.index, num(b.current), num(b.rating), b.breaker, b.breakerInferred]), [[1, 3.95, 16, 'ok', false], [2, 0, 16, 'ok', true]]);
    assert.deepEqual(r.outlets.map((o) => [o.index, o.state, o.bank, num(o.current), num(o.power)]), [
      [1, 'on', 1, 1.2, 249], [2, 'on', 1, 2.75, 563], [3, 'off', 2, 'unknown', 'unknown'], [4, 'on', 2, 'unknown', 'unknown'],
    ]);
    assert.deepEqual(r.sensors.map((s) => [s.index, s.name, num(s.value)]), [[201, 'ATS casing', 29]]);
    assert.equal(r.badValues, 0);
  });
});

describe('Tripp Lite unknowns, as the MIB defines them', () => {
  const UPS = '1.3.6.1.4.1.850.1.1.3.1';
  const ATS = '1.3.6.1.4.1.850.1.1.3.4';

  it('UPS: output source unknown(0) falls back to the input source; battery status unknown(1) is unknown; no TimeTicks fallback needed when minutes answer', async () => {
    const result = await readDevice(new FakeSnmpClient({
      [`${UPS}.3.3.1.1.1.1`]: 0, // tlpUpsOutputSource unknown
      [`${UPS}.3.2.1.1.15.1`]: 0, // tlpUpsInputSource utility
      [`${UPS}.3.1.1.1.1.1`]: 1, // tlpUpsBatteryStatus unknown
      [`${UPS}.3.1.1.1.5.1`]: 90_000, // tlpUpsBatteryRunTimeRemaining only (TimeTicks): 900 s
    }), trippLiteUps);
    assert.ok(result.ok);
    const u = result.value.ups!;
    assert.deepEqual([u.source, u.batteryStatus, num(u.runtime), num(u.charge), num(u.temperature)], ['mains', 'unknown', 900, 'unknown', 'unknown']);
  });

  it('UPS: a three-phase UPS on mains, its bypass lines with their device\'s bypass frequency', async () => {
    const result = await readDevice(new FakeSnmpClient({
      [`${UPS}.3.3.1.1.1.1`]: 3, // tlpUpsOutputSource normal
      // tlpUpsInputPhaseTable and tlpUpsOutputLineTable (device.phase, device.line): 0.1 V, 0.01 A, W
      ...Object.fromEntries([1, 2, 3].flatMap((n) => [
        [`${UPS}.3.2.2.1.3.1.${n}`, 2_300 + n], [`${UPS}.3.2.2.1.6.1.${n}`, 2_210 + n], [`${UPS}.3.2.2.1.7.1.${n}`, 5_000 + n],
        [`${UPS}.3.3.2.1.2.1.${n}`, 2_300], [`${UPS}.3.3.2.1.3.1.${n}`, 2_100 + n], [`${UPS}.3.3.2.1.4.1.${n}`, 4_800 + n],
        // tlpUpsBypassLineTable (device.line): 0.1 V, 0.1 A, W
        [`${UPS}.3.4.2.1.2.1.${n}`, 2_290 + n], [`${UPS}.3.4.2.1.3.1.${n}`, 0], [`${UPS}.3.4.2.1.4.1.${n}`, 0],
      ])),
      [`${UPS}.3.4.1.1.1.1`]: 499, // tlpUpsBypassFrequency of device 1 (0.1 Hz)
    }), trippLiteUps);
    assert.ok(result.ok);
    const r = result.value;
    assert.deepEqual(r.inlets.map((i) => [i.index, num(i.voltage), num(i.current), num(i.power)]), [[1, 230.1, 22.11, 5_001], [2, 230.2, 22.12, 5_002], [3, 230.3, 22.13, 5_003]]);
    assert.deepEqual(r.phases.map((p) => [p.index, num(p.voltage), num(p.current), num(p.power)]), [[1, 230, 21.01, 4_801], [2, 230, 21.02, 4_802], [3, 230, 21.03, 4_803]]);
    assert.deepEqual(r.bypass.map((b) => [b.index, num(b.voltage), num(b.current), num(b.power), num(b.frequency)]), [[1, 229.1, 0, 0, 49.9], [2, 229.2, 0, 0, 49.9], [3, 229.3, 0, 0, 49.9]]);
    assert.equal(r.badValues, 0);
  });

  it('UPS: none(2) is off, testing(10) is other, an undefined value is unknown', async () => {
    for (const [raw, source] of [[2, 'off'], [10, 'other'], [42, 'unknown']] as const) {
      const result = await readDevice(new FakeSnmpClient({ [`${UPS}.3.3.1.1.1.1`]: raw }), trippLiteUps);
      assert.ok(result.ok);
      assert.equal(result.value.ups!.source, source, String(raw));
    }
  });

  it('ATS: both sources available is redundant; a source in use the device does not report is unknown', async () => {
    const result = await readDevice(new FakeSnmpClient({ [`${ATS}.3.1.1.1.12.1`]: 3 }), trippLiteAts);
    assert.ok(result.ok);
    assert.deepEqual([result.value.ats!.activeSource, result.value.ats!.redundancy], ['unknown', 'redundant']);
  });

  it('PDU: an outlet wired on no circuit (0) names no bank', async () => {
    const O = '1.3.6.1.4.1.850.1.1.3.2.3.3.1.1';
    const result = await readDevice(new FakeSnmpClient({ [`${O}.4.1.1`]: 2, [`${O}.16.1.1`]: 0 }), trippLitePdu);
    assert.ok(result.ok);
    assert.deepEqual(result.value.outlets.map((o) => [o.index, o.state, o.bank]), [[1, 'on', null]]);
    assert.equal(result.value.badValues, 0);
  });

  it('a Tripp Lite device with no sysObjectID is still told apart by its objects', async () => {
    for (const [recording, profile] of [['tripplite_pdu_fixture', 'tripplite-pdu'], ['tripplite_ats_fixture', 'tripplite-ats'], ['tripplite_ups_fixture', 'tripplite-ups']] as const) {
      const detected = await detect(withSysObjectId(sim.client(recording), undefined));
      assert.ok(detected.ok, recording);
      assert.deepEqual([detected.value.profile.name, detected.value.how], [profile, 'probe'], recording);
    }
  });
});

describe('Tripp Lite notifications, as the MIB describes them', () => {
  const classifier = new TrapClassifier([trippLitePdu, trippLiteUps, trippLiteAts]);
  const ADDED = '1.3.6.1.4.1.850.1.4.1.1';
  const REMOVED = '1.3.6.1.4.1.850.1.4.1.2';
  const DESCR = '1.3.6.1.4.1.850.1.3.2.1.2';
  const WELL_KNOWN = '1.3.6.1.4.1.850.1.3.3';
  /** An alarm-table notification for alarm 17 naming a well-known alarm. */
  const alarm = (trapOid: string, wellKnown: string) => ({ trapOid, varbinds: [{ oid: `${DESCR}.17`, type: 6, value: `${WELL_KNOWN}.${wellKnown}` }] });

  it('an alarm entry added or removed means what its well-known alarm OID says', () => {
    const events = [
      alarm(ADDED, '4.7.2'), alarm(REMOVED, '4.7.2'), // tlpPduAlarmCircuitBreakerOpen02
      alarm(ADDED, '4.6.12'), alarm(REMOVED, '4.6.12'), // tlpPduAlarmLoadOff12
      alarm(ADDED, '3.2'), alarm(REMOVED, '3.2'), alarm(ADDED, '3.3'), alarm(ADDED, '3.4'), // tlpUpsAlarmOnBattery, …LowBattery, …DepletedBattery
      alarm(ADDED, '6.1.1'), alarm(REMOVED, '6.1.1'), // tlpAtsAlarmSource1Outage
      alarm(ADDED, '2.1'), // tlpAlarmCommunicationsLost
      alarm(ADDED, '3.16'), alarm(REMOVED, '3.16'), // tlpUpsAlarmFanFailure: no event of its own
    ].map((t) => classifier.classify(t, 'tripplite-pdu').event);
    assert.deepEqual(events, [
      'breaker-tripped', 'breaker-reset', 'outlet-off', 'outlet-on', 'on-battery', 'on-mains', 'battery-low', 'battery-discharged',
      'inlet-lost', 'inlet-restored', 'communication-lost', 'alarm', 'alarm-cleared',
    ]);
  });

  it('event notifications: on battery, source transfer, breaker open', () => {
    const E = '1.3.6.1.4.1.850.1.4.2';
    assert.deepEqual(
      [`${E}.3.34`, `${E}.3.39`, `${E}.6.14`, `${E}.6.1`, `${E}.2.38`].map((trapOid) => classifier.classify({ trapOid, varbinds: [] }).event),
      ['on-battery', 'on-mains', 'source-transfer', 'inlet-lost', 'breaker-tripped'],
    );
  });
});
