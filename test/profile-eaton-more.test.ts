// The rest of the Eaton family, from recordings written from the MIBs (test/fixtures/snmprec/eaton-*.snmprec),
// served by snmpsim, detected and read end to end: an ATS (EATON-ATS2-MIB) that lost source A, one running
// normally with no sysObjectID, its EMP probes (EATON-SENSOR-MIB, and the ATS's own EMP001 objects), and an
// older Managed ePDU (PDU-MIB) with a tripped breaker and an outlet off. Then what the MIBs define as unknown.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DeviceReading, Measure } from '../src/model.js';
import { detect } from '../src/profiles/detect.js';
import { eatonAts } from '../src/profiles/eaton-ats.js';
import { eatonPduLegacy } from '../src/profiles/eaton-pdu-legacy.js';
import { readDevice } from '../src/profiles/read-device.js';
import { TrapClassifier } from '../src/traps/classify.js';
import { detectAndRead } from './helpers/check-recording.js';
import { FakeSnmpClient, withSysObjectId, type FakeMib } from './helpers/fake-snmp.js';
import { fixtureRecordingsDir, startSnmpsim, type Snmpsim } from './helpers/snmpsim.js';

let sim: Snmpsim;
let shared: Snmpsim;
before(async () => {
  sim = await startSnmpsim(undefined, [], [fixtureRecordingsDir()]);
  shared = await startSnmpsim();
});
after(async () => {
  await sim?.stop();
  await shared?.stop();
});

/** The value when trusted, else its quality. */
const num = (m: Measure) => (m.quality === 'ok' ? m.value : m.quality);

const ATS2 = '1.3.6.1.4.1.534.10.2';
const SENSOR = '1.3.6.1.4.1.534.6.8.1';
const PDU = '1.3.6.1.4.1.534.6.6.6';

describe('eaton-ats: an ATS on source B after source A was lost, from the MIB', () => {
  let r: DeviceReading;
  before(async () => { r = await detectAndRead(sim, 'eaton-ats', 'eaton-ats', 'sysObjectID'); });

  it('identity: model, serial, the ATS firmware (not the card’s)', () => {
    assert.deepEqual(r.identity, { vendor: 'Eaton', model: 'Eaton ATS 16', serial: 'GA05K12001', firmware: '00.00.0011', name: null });
    assert.equal(r.kind, 'ats');
  });

  it('on source B (source2(5)), redundancy lost (source 1 out of range); voltages in 0.1 V', () => {
    const a = r.ats!;
    assert.deepEqual([a.activeSource, a.redundancy, num(a.sourceAVoltage), num(a.sourceBVoltage), num(a.outputVoltage)], ['B', 'lost', 0, 230.4, 230.1]);
    assert.deepEqual([num(a.outputCurrent), num(a.sourceACurrent), num(a.sourceBCurrent)], [4.2, 'unknown', 'unknown']); // ats2OutputCurrent; no source currents in the MIB
  });

  it('the sources as inlets 1 (A) and 2 (B) in 0.1 V and 0.1 Hz; the output as a line in 0.1 V and 0.1 A, warning overload', () => {
    assert.deepEqual(r.inlets.map((i) => [i.index, num(i.voltage), num(i.frequency)]), [[1, 0, 0], [2, 230.4, 50]]);
    assert.deepEqual(r.phases.map((p) => [p.index, num(p.voltage), num(p.current), p.loadState]), [[1, 230.1, 4.2, 'near-overload']]);
    assert.equal(r.loadState, 'near-overload');
    assert.deepEqual([num(r.power), r.banks.length, r.outlets.length], ['unknown', 0, 0]); // the MIB has no power, no banks, no outlets
  });

  it('EMP002 probes in 0.1 °C and 0.1 %RH, named; a probe that lost communication is unknown; the EMP001 objects at 0 are no sensor', () => {
    assert.deepEqual(r.sensors.map((s) => [s.index, s.kind, s.name, num(s.value)]), [
      [1, 'temperature', 'Cold aisle', 23.4],
      [2, 'temperature', 'Hot aisle', 'unknown'],
      [101, 'humidity', 'Cold aisle', 41.2],
      [102, 'humidity', 'Hot aisle', 'unknown'],
    ]);
    assert.equal(r.badValues, 0);
  });
});

describe('eaton-ats: an ATS running normally, with no sysObjectID', () => {
  let r: DeviceReading;
  before(async () => { r = await detectAndRead(sim, 'eaton-ats-normal', 'eaton-ats', 'probe'); });

  it('on source A (source1(4)), both sources in normal range: redundant', () => {
    const a = r.ats!;
    assert.deepEqual([a.activeSource, a.redundancy, num(a.sourceAVoltage), num(a.sourceBVoltage), num(a.outputVoltage)], ['A', 'redundant', 229.8, 231.1, 229.7]);
    assert.deepEqual(r.phases.map((p) => [num(p.current), p.loadState]), [[11.8, 'normal']]);
  });

  it('an EMP001 on the ATS itself (ats2Environment, whole °C and %): sensors 201 and 202', () => {
    assert.deepEqual(r.sensors.map((s) => [s.index, s.kind, s.name, num(s.value)]), [[201, 'temperature', 'EMP', 22], [202, 'humidity', 'EMP', 45]]);
    assert.equal(r.badValues, 0);
  });
});

describe('eaton-pdu-legacy: an older Managed ePDU with a tripped breaker and an outlet off, from the MIB', () => {
  let r: DeviceReading;
  before(async () => { r = await detectAndRead(sim, 'eaton-pdu-legacy', 'eaton-pdu-legacy', 'sysObjectID'); });

  it('identity, and the unit as its one inlet: mA, mV, W, VA', () => {
    assert.deepEqual(r.identity, { vendor: 'Eaton', model: 'PW104MA0U155', serial: 'ADR4350119', firmware: '01.01.06', name: 'dal3-r09-b' });
    assert.deepEqual(r.inlets.map((i) => [i.index, num(i.current), num(i.voltage), num(i.power), num(i.apparentPower)]), [[1, 5.97, 208.4, 697, 1244]]);
    assert.deepEqual([r.kind, num(r.power), r.phases.length], ['pdu', 697, 0]);
  });

  it('breaker sensors 0, 1, 2 as banks 1, 2, 3: ok, tripped, and unavailable(-1) unknown (never ok); current in mA', () => {
    assert.deepEqual(r.banks.map((b) => [b.index, b.breaker, num(b.current), b.breakerInferred]), [
      [1, 'ok', 5.97, false], [2, 'tripped', 0, false], [3, 'unknown', 0, false],
    ]);
  });

  it('outlets: on(1), off(0); error(-1) and cycling(2) are unknown; current in mA, power in W', () => {
    assert.deepEqual(r.outlets.map((o) => [o.index, o.name, o.state, num(o.current), num(o.power), o.bank]), [
      [1, 'Outlet 1', 'on', 1.25, 144, null],
      [2, 'Outlet 2', 'on', 1.63, 190, null],
      [3, 'Outlet 3', 'on', 0.98, 112, null],
      [4, 'Outlet 4', 'off', 0, 0, null],
      [5, 'Outlet 5', 'on', 2.11, 251, null],
      [6, 'Outlet 6', 'on', 0, 0, null],
      [7, 'Outlet 7', 'unknown', 0, 0, null],
      [8, 'Outlet 8', 'unknown', 0, 0, null],
    ]);
  });

  it('external probes in whole °C and %RH, named by their labels; the CPU temperature is no sensor', () => {
    assert.deepEqual(r.sensors.map((s) => [s.index, s.kind, s.name, num(s.value)]), [
      [1, 'temperature', 'Front', 22], [2, 'temperature', 'Rear', 31], [101, 'humidity', 'Front', 38],
    ]);
    assert.equal(r.badValues, 0);
  });
});

describe('Eaton detection', () => {
  it('the ATS and the legacy PDU with no sysObjectID are still told apart by their objects', async () => {
    for (const [recording, profile] of [['eaton-ats', 'eaton-ats'], ['eaton-pdu-legacy', 'eaton-pdu-legacy']] as const) {
      const detected = await detect(withSysObjectId(sim.client(recording), undefined));
      assert.ok(detected.ok, recording);
      assert.deepEqual([detected.value.profile.name, detected.value.how], [profile, 'probe'], recording);
    }
  });

  it('the shared Eaton ePDU and MGE UPS recordings are detected as before', async () => {
    for (const [recording, profile] of [['eatonpdu_2', 'eaton-epdu'], ['eaton-mgeups_9px', 'eaton-ups']] as const) {
      const detected = await detect(shared.client(recording));
      assert.ok(detected.ok, recording);
      assert.deepEqual([detected.value.profile.name, detected.value.how], [profile, 'sysObjectID'], recording);
      // and neither answers the new families' characteristic objects
      const got = await shared.client(recording).getNext([...eatonAts.detect.probe, ...eatonPduLegacy.detect.probe]);
      assert.ok(got.ok);
      const under = got.value.filter((vb, i) => vb.oid.startsWith(`${[...eatonAts.detect.probe, ...eatonPduLegacy.detect.probe][i]}.`));
      assert.deepEqual(under, [], recording);
    }
  });
});

describe('Eaton ATS and sensor unknowns, as the MIBs define them', () => {
  const status = `${ATS2}.3.2.1`;
  /** Both sources' ats2InputStatusGood. */
  const sources = (a: number, b: number): FakeMib => ({ [`${status}.3.1`]: a, [`${status}.3.2`]: b });

  it('redundancy: out of range on either source is lost, normal on both redundant, a derated or bad-waveform source neither', async () => {
    const cases: [number, number, string][] = [[2, 2, 'redundant'], [1, 2, 'lost'], [2, 1, 'lost'], [2, 3, 'unknown'], [4, 2, 'unknown'], [3, 1, 'lost']];
    for (const [a, b, expected] of cases) {
      const result = await readDevice(new FakeSnmpClient(sources(a, b)), eatonAts);
      assert.ok(result.ok);
      assert.equal(result.value.ats!.redundancy, expected, `${a}/${b}`);
    }
  });

  it('a voltage missing(4) on one source is lost even when the summary is not out of range', async () => {
    const result = await readDevice(new FakeSnmpClient({ ...sources(2, 2), [`${status}.5.2`]: 4 }), eatonAts);
    assert.ok(result.ok);
    assert.equal(result.value.ats!.redundancy, 'lost');
  });

  it('active source: an operation mode naming none (fault(7)) falls back to the input relay; neither is unknown', async () => {
    const withRelay = await readDevice(new FakeSnmpClient({ [`${ATS2}.2.4.0`]: 7, [`${status}.6.1`]: 1, [`${status}.6.2`]: 2 }), eatonAts);
    assert.ok(withRelay.ok);
    assert.equal(withRelay.value.ats!.activeSource, 'B');
    const none = await readDevice(new FakeSnmpClient({ [`${ATS2}.2.4.0`]: 6, [`${status}.6.1`]: 1, [`${status}.6.2`]: 1 }), eatonAts);
    assert.ok(none.ok);
    assert.equal(none.value.ats!.activeSource, 'unknown');
  });

  it('EMP002 temperatures in tenths of the unit temperatureUnit names: Kelvin(0), Celsius(1), Fahrenheit(2) by its SYNTAX', async () => {
    for (const [unit, raw, celsius] of [[0, 2966, 23.45], [1, 234, 23.4], [2, 743, 23.5], [3, 234, null]] as const) {
      const result = await readDevice(new FakeSnmpClient({
        [`${SENSOR}.2.5.0`]: unit, [`${SENSOR}.2.3.1.3.1.1`]: raw, [`${SENSOR}.2.3.1.4.1.1`]: 2,
      }), eatonAts);
      assert.ok(result.ok);
      const t = result.value.sensors.filter((s) => s.kind === 'temperature').map((s) => num(s.value));
      assert.deepEqual(t, celsius === null ? [] : [celsius], `unit ${unit}`); // an unnamed unit: no reading at all
    }
  });

  it('an EMP001 reading is left out once the card reports EMP002 probes (the same probe would be read twice)', async () => {
    const result = await readDevice(new FakeSnmpClient({ [`${ATS2}.5.1.0`]: 22, [`${ATS2}.5.2.0`]: 45, [`${SENSOR}.1.1.0`]: 1 }), eatonAts);
    assert.ok(result.ok);
    assert.deepEqual(result.value.sensors, []);
    // and a card with no EMP001 answers 0 °C and 0 %RH: no sensor, not a cold, dry room
    const none = await readDevice(new FakeSnmpClient({ [`${ATS2}.5.1.0`]: 0, [`${ATS2}.5.2.0`]: 0 }), eatonAts);
    assert.ok(none.ok);
    assert.deepEqual(none.value.sensors, []);
  });

  it('ATS notifications: source transfer, a source lost and back, the output unpowered', () => {
    const classifier = new TrapClassifier([eatonAts, eatonPduLegacy]);
    assert.deepEqual(
      [16, 10, 9, 4, 5, 40].map((n) => classifier.classify({ trapOid: `${ATS2}.10.${n}`, varbinds: [] }).event),
      ['source-transfer', 'inlet-lost', 'inlet-restored', 'alarm', 'overload', 'test'],
    );
  });

  it('legacy PDU notifications: an outlet switched says which outlet and how', () => {
    const classifier = new TrapClassifier([eatonAts, eatonPduLegacy]);
    const switched = (state: number) => classifier.classify({
      trapOid: `${PDU}.0.23`,
      varbinds: [{ oid: `${PDU}.1.2.2.1.2.5`, type: 4, value: 'Outlet 5' }, { oid: `${PDU}.1.2.2.1.3.5`, type: 2, value: state }],
    });
    assert.deepEqual([switched(0).event, switched(0).entity, switched(1).event, switched(-1).event], ['outlet-off', { outlet: 5 }, 'outlet-on', 'alarm']);
  });
});
