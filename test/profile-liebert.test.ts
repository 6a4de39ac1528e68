// Liebert GP-agent devices, from recordings written from LIEBERT-GP-PDU-MIB / LIEBERT-GP-POWER-MIB /
// LIEBERT-GP-ENVIRONMENTAL-MIB (test/fixtures/snmprec): served by snmpsim, detected and read end to end.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DeviceReading } from '../src/model.js';
import { detect } from '../src/profiles/detect.js';
import { profiles } from '../src/profiles/index.js';
import { liebertUps } from '../src/profiles/liebert-ups.js';
import { readDevice } from '../src/profiles/read-device.js';
import { TrapClassifier } from '../src/traps/classify.js';
import { FakeSnmpClient, oidValue, type FakeMib } from './helpers/fake-snmp.js';
import { detectAndRead } from './helpers/check-recording.js';
import { fixtureRecordingsDir, startSnmpsim, type Snmpsim } from './helpers/snmpsim.js';

let sim: Snmpsim;
before(async () => { sim = await startSnmpsim(undefined, [], [fixtureRecordingsDir()]); });
after(async () => { await sim?.stop(); });


const num = (m: { value: number | null; quality: string }) => (m.quality === 'ok' ? m.value : m.quality);

describe('liebert-pdu: an MPH2 rack PDU on an RPC2 card (LIEBERT-GP-PDU-MIB)', () => {
  let r: DeviceReading;
  before(async () => { r = await detectAndRead(sim, 'liebert_pdu_fixture', 'liebert-pdu'); });

  it('reads the managed device identity before the card’s', () => {
    assert.deepEqual(r.identity, { vendor: 'Liebert', model: 'MPH2 MPHR3141', serial: '1734RP0042', firmware: '2.4.1.0', name: 'dal3-r07-a' });
    assert.equal(r.kind, 'pdu');
  });

  it('power source: W, VA, power factor in hundredths, energy in tenths of kWh', () => {
    assert.deepEqual([num(r.power), num(r.energy)], [4180, 12345.6]);
    assert.equal(r.inlets.length, 1);
    const inlet = r.inlets[0]!;
    assert.deepEqual([inlet.name, num(inlet.power), num(inlet.apparentPower), num(inlet.powerFactor), num(inlet.energy)], ['PS-1', 4180, 4400, 0.95, 12345.6]);
    assert.equal(inlet.frequency.quality, 'unknown'); // only a rated frequency in the MIB: never read as a measurement
  });

  it('lines: tenths of volts and hundredths of amps', () => {
    assert.deepEqual(r.phases.map((p) => [p.index, p.name, num(p.voltage), num(p.current), num(p.power)]), [
      [1, 'L1', 230.1, 12.34, 2710], [2, 'L2', 229.5, 8.76, 1900], [3, 'L3', 231, 0, 0],
    ]);
  });

  it('receptacle branches: current in hundredths, rating in tenths; no breaker state in the MIB, so never assumed ok', () => {
    assert.deepEqual(r.banks.map((b) => [b.index, b.name, num(b.current), num(b.rating), b.breaker]), [
      [1, 'web tier', 12.34, 20, 'unknown'], [2, 'Branch B', 8.76, 20, 'unknown'], [3, 'Branch C', 0, 16, 'unknown'],
    ]);
  });

  it('receptacles: power state, current, power and energy; a pending power-on is off, an unknown state and missing values are unknown', () => {
    assert.deepEqual(r.outlets.map((o) => [o.index, o.name, o.state, num(o.current), num(o.power), num(o.energy)]), [
      [1, 'scan-071 psu A', 'on', 7.34, 1650, 221],
      [2, 'scan-072 psu A', 'on', 5, 1060, 231.1], // no hundredths column: the tenths one
      [3, 'B-1', 'on', 8.76, 1900, 300.2],
      [4, 'B-2', 'off', 0, 0, 0], // off-pending-on-delay
      [5, 'C-1', 'off', 0, 0, 1.7],
      [6, 'C-2', 'unknown', 'unknown', 'unknown', 'unknown'], // lgpPduRcpEntryPwrState unknown(0), nothing measured
    ]);
  });

  it('auxiliary sensors: tenths of °C and %RH; a door contact is not a sensor', () => {
    assert.deepEqual(r.sensors.map((s) => [s.index, s.kind, s.name, num(s.value)]), [
      [1, 'temperature', 'Cold aisle', 23.4], [101, 'humidity', 'Cold aisle', 41.2],
    ]);
    assert.equal(r.badValues, 0);
  });
});

describe('liebert-ups: a GXT4 on an IntelliSlot card (LIEBERT-GP-POWER-MIB over UPS-MIB)', () => {
  let r: DeviceReading;
  before(async () => { r = await detectAndRead(sim, 'liebert_ups_fixture', 'liebert-ups'); });

  it('identity from the managed device; a blank unit name falls back to upsIdentName', () => {
    assert.deepEqual(r.identity, { vendor: 'Liebert', model: 'GXT4-3000RT230', serial: '1422300123AFA', firmware: 'U155', name: 'ups-dal3-a' });
    assert.equal(r.kind, 'ups');
  });

  it('on battery: source, battery status, runtime in minutes → s, charge; UPS-MIB fills what GP-POWER lacks', () => {
    const u = r.ups!;
    assert.deepEqual([u.source, u.batteryStatus, num(u.runtime), num(u.charge), num(u.timeOnBattery)], ['battery', 'normal', 720, 87, 95]);
    assert.deepEqual(
      [num(u.batteryVoltage), num(u.temperature), num(u.inputVoltage), num(u.outputVoltage), num(u.outputCurrent), num(u.outputPower), num(u.load), num(u.outputFrequency), num(u.alarms)],
      [80.4, 27, 0, 230, 6.2, 1350, 48, 50, 1],
    );
  });

  it('lines: UPS-MIB first, the GP measurement points (found by their well-known OIDs) fill in; the bypass from its point', () => {
    assert.deepEqual(r.inlets.map((i) => [i.index, num(i.voltage), num(i.current), num(i.frequency)]), [[1, 0, 0, 0]]); // lgpPwrLineMeasurementCurrent fills UPS-MIB's absent one
    assert.deepEqual(r.phases.map((p) => [p.index, num(p.voltage), num(p.current), num(p.power)]), [[1, 230, 6.2, 1350]]);
    assert.deepEqual(r.bypass.map((b) => [b.index, num(b.voltage), num(b.current), num(b.frequency), num(b.power)]), [[1, 0, 0, 0, 'unknown']]);
  });

  it('LIEBERT-GP-ENVIRONMENTAL temperatures: tenths first, whole degrees as the fallback', () => {
    assert.deepEqual(r.sensors.map((s) => [s.index, s.kind, num(s.value)]), [[1, 'temperature', 24.3], [2, 'temperature', 27]]);
    assert.equal(r.badValues, 0);
  });

  it('a runtime of 65535 (the MIB’s "unavailable") is unknown, never 0 or 65535 minutes; UPS-MIB’s estimate fills it when served', async () => {
    const B = '1.3.6.1.4.1.476.1.42.3.5.1';
    const base: FakeMib = { [`${B}.18.0`]: 65_535, [`${B}.19.0`]: 100, [`${B}.26.0`]: 1, '1.3.6.1.4.1.476.1.42.3.5.3.55.0': 3 };
    const alone = await readDevice(new FakeSnmpClient(base), liebertUps);
    assert.ok(alone.ok);
    assert.deepEqual([alone.value.ups!.source, alone.value.ups!.batteryStatus, alone.value.ups!.runtime.quality, alone.value.ups!.runtime.value], ['mains', 'unknown', 'unknown', null]);
    const withUpsMib = await readDevice(new FakeSnmpClient({ ...base, '1.3.6.1.2.1.33.1.2.3.0': 41 }), liebertUps);
    assert.ok(withUpsMib.ok);
    assert.equal(withUpsMib.value.ups!.runtime.value, 2460);
  });
});

describe('liebert-ups on a GP agent without UPS-MIB: a three-phase UPS\'s measurement points, as LIEBERT-GP-POWER-MIB describes them', () => {
  const M = '1.3.6.1.4.1.476.1.42.3.5.2';
  const W = `${M}.1`; // lgpPwrWellKnownMeasurementPoints
  // Points in the agent's own order: bypass(7), output to load(5), source 1 input(1), battery(6); lines A, B, C.
  const points = [7, 5, 1];
  const mib: FakeMib = {
    '1.3.6.1.4.1.476.1.42.3.5.3.55.0': 3, // lgpPwrStateUpsOutputSource normal
    ...Object.fromEntries(points.flatMap((point, i) => [
      [`${M}.2.1.2.${i + 1}`, oidValue(`${W}.${point}`)], [`${M}.2.1.6.${i + 1}`, point === 5 ? 60 : 59], // lgpPwrMeasurementPointId, …Frequency (Hz)
      ...[1, 2, 3].flatMap((line) => [
        [`${M}.3.1.3.${i + 1}.${line}`, oidValue(`${W}.${point}`)], // lgpPwrMeasurementPoint
        [`${M}.3.1.5.${i + 1}.${line}`, 276 + line], // lgpPwrLineMeasurementVoltsLN (V)
        [`${M}.3.1.6.${i + 1}.${line}`, point === 7 ? 0 : 40 + line], // lgpPwrLineMeasurementCurrent (A)
      ]),
    ])),
    [`${M}.4.1.2.1`]: oidValue(`${W}.6`), [`${M}.4.1.4.1`]: 545, // lgpPwrDcMeasurementPointId battery, …Volts (V)
  };

  it('reads each point\'s lines where they belong, whatever the row order', async () => {
    const result = await readDevice(new FakeSnmpClient(mib), liebertUps);
    assert.ok(result.ok);
    const r = result.value;
    assert.deepEqual(r.inlets.map((i) => [i.index, num(i.voltage), num(i.current), num(i.frequency)]), [[1, 277, 41, 59], [2, 278, 42, 59], [3, 279, 43, 59]]);
    assert.deepEqual(r.phases.map((p) => [p.index, num(p.voltage), num(p.current)]), [[1, 277, 41], [2, 278, 42], [3, 279, 43]]);
    assert.deepEqual(r.bypass.map((b) => [b.index, num(b.voltage), num(b.current), num(b.frequency)]), [[1, 277, 0, 59], [2, 278, 0, 59], [3, 279, 0, 59]]);
    const u = r.ups!;
    assert.deepEqual([num(u.batteryVoltage), num(u.inputVoltage), num(u.inputFrequency), num(u.outputVoltage), num(u.outputCurrent), num(u.outputFrequency)], [545, 277, 59, 277, 41, 60]);
    assert.equal(r.badValues, 0);
  });
});

describe('Liebert detection does not reach past its own families', () => {
  it('a GP agent that serves no UPS or rack-PDU objects (a 300kVA FPC, recorded) is claimed by neither', async () => {
    const detected = await detect(sim.client('liebert_web485'));
    assert.ok(!detected.ok || !['liebert-pdu', 'liebert-ups'].includes(detected.value.profile.name));
  });

  it('a Liebert UPS or PDU with a garbage sysObjectID is still found by its objects', async () => {
    const P = '1.3.6.1.4.1.476.1.42.3.8';
    const pdu = await detect(new FakeSnmpClient({ '1.3.6.1.2.1.1.2.0': { oid: '0.0' }, [`${P}.30.20.1.65.1.1`]: 1200 }));
    assert.ok(pdu.ok);
    assert.deepEqual([pdu.value.profile.name, pdu.value.how], ['liebert-pdu', 'probe']);
    const ups = await detect(new FakeSnmpClient({ '1.3.6.1.2.1.1.2.0': { oid: '0.0' }, '1.3.6.1.4.1.476.1.42.3.5.3.55.0': 3, '1.3.6.1.2.1.33.1.2.1.0': 2 }));
    assert.ok(ups.ok);
    assert.deepEqual([ups.value.profile.name, ups.value.how], ['liebert-ups', 'probe']);
  });
});

describe('Liebert condition notifications', () => {
  const classifier = new TrapClassifier(profiles);
  const GP = '1.3.6.1.4.1.476.1.42';
  const condition = (added: boolean, descr: string) => ({
    trapOid: `${GP}.3.3.0.${added ? 1 : 2}`,
    varbinds: [
      { oid: `${GP}.3.2.3.1.1.5`, type: 66, value: 5 }, // lgpConditionId
      { oid: `${GP}.3.2.3.1.2.5`, type: 6, value: descr }, // lgpConditionDescr
      { oid: `${GP}.3.2.3.1.6.5`, type: 6, value: `${GP}.3.8.40.20.1.5.1.4` }, // lgpConditionTableRowRef: lgpPduRbEntryId.1.4
    ],
  });

  it('a receptacle branch breaker opening and closing, on a PDU', () => {
    assert.equal(classifier.classify(condition(true, `${GP}.3.2.1.190.10`), 'liebert-pdu').event, 'breaker-tripped');
    assert.equal(classifier.classify(condition(false, `${GP}.3.2.1.190.10`), 'liebert-pdu').event, 'breaker-reset');
    assert.equal(classifier.classify(condition(true, `${GP}.3.2.1.190.5`), 'liebert-pdu').event, 'alarm'); // lgpConditionRcpBranchFailure
  });

  it('load on battery and back, low battery, on bypass, on a UPS', () => {
    assert.equal(classifier.classify(condition(true, `${GP}.3.2.1.72`), 'liebert-ups').event, 'on-battery');
    assert.equal(classifier.classify(condition(false, `${GP}.3.2.1.72`), 'liebert-ups').event, 'on-mains');
    assert.equal(classifier.classify(condition(true, `.${GP}.3.2.1.117`), 'liebert-ups').event, 'battery-low');
    assert.equal(classifier.classify(condition(true, `${GP}.3.2.1.33.5`), 'liebert-ups').event, 'on-bypass'); // lgpConditionLoadTransferedToBypass
    assert.equal(classifier.classify({ trapOid: `${GP}.3.3.0.9`, varbinds: [] }, 'liebert-ups').event, 'redundancy-lost');
  });
});
