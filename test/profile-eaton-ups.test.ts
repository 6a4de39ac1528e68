// A real Eaton 9PX on a Network-MS card (MG-SNMP-UPS-MIB + XUPS environment + UPS-MIB), recorded: served by
// snmpsim, detected and read through the eaton-ups profile; then a ConnectUPS card (XUPS-MIB only) on battery.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { detectProfile } from '../src/profiles/detect.js';
import { eatonUps } from '../src/profiles/eaton-ups.js';
import { readDevice } from '../src/profiles/read-device.js';
import { checkRecording } from './helpers/check-recording.js';
import { FakeSnmpClient, oidValue } from './helpers/fake-snmp.js';
import { startSnmpsim, type Snmpsim } from './helpers/snmpsim.js';

describe('Eaton UPS recording through the eaton-ups profile', () => {
  let sim: Snmpsim;
  before(async () => { sim = await startSnmpsim(); });
  after(async () => { await sim?.stop(); });

  it('9PX 1000i: one input and one output line, an ambient probe; every covered oracle sensor equal', async () => {
    const { reading, coverage } = await checkRecording(sim, 'eaton-mgeups_9px', {
      profile: 'eaton-ups', ups: true, ats: false, inlets: 1, phases: 1, banks: 0, outlets: 0, sensors: 1, minCovered: 21,
    });
    assert.equal(coverage.matched, coverage.covered);
    assert.deepEqual(
      { vendor: reading.identity.vendor, model: reading.identity.model, serial: reading.identity.serial, firmware: reading.identity.firmware },
      { vendor: 'Eaton', model: 'Eaton 9PX', serial: 'GA10J05109', firmware: '01.16.4638' },
    );
    const ups = reading.ups!;
    assert.equal(ups.source, 'mains'); // upsOutputSource normal(3)
    assert.equal(ups.batteryStatus, 'normal');
    assert.equal(ups.runtime.value, 1464); // upsmgBatteryRemainingTime (s), finer than upsEstimatedMinutesRemaining's 24 min
    assert.equal(ups.charge.value, 100);
    assert.equal(ups.batteryVoltage.value, 52);
    assert.equal(ups.load.value, 35);
    assert.equal(ups.outputPower.value, 310);
    assert.equal(ups.inputFrequency.value, 50.1);
    assert.deepEqual(reading.sensors.map((s) => [s.index, s.kind, s.name, s.value.value]), [[1, 'temperature', 'Ambient', 17]]); // xupsEnvAmbientTemp
    // UPS-MIB upsBypassTable with upsBypassFrequency: the bypass is there, carrying nothing
    assert.deepEqual(reading.bypass.map((b) => [b.index, b.voltage.value, b.current.value, b.power.value, b.frequency.value]), [[1, 238, 0, 0, 50.2]]);
    assert.equal(reading.badValues, 0);
  });
});

describe('eaton-ups on an XUPS-MIB card alone, on battery', () => {
  const X = '1.3.6.1.4.1.534.1';
  const card = new FakeSnmpClient({
    '1.3.6.1.2.1.1.2.0': oidValue(X), // ConnectUPS cards give the xupsMIB root as their sysObjectID
    [`${X}.1.2.0`]: 'Powerware 9155', // xupsIdentModel
    [`${X}.1.6.0`]: 'PW123', // xupsIdentSerialNumber
    [`${X}.2.1.0`]: 540, // xupsBatTimeRemaining (s)
    [`${X}.2.2.0`]: 216, // xupsBatVoltage (V)
    [`${X}.2.4.0`]: 83, // xupsBatCapacity (%)
    [`${X}.3.1.0`]: 0, // xupsInputFrequency: the mains is gone
    [`${X}.3.4.1.2.1`]: 0, [`${X}.3.4.1.3.1`]: 0, // xupsInputVoltage, xupsInputCurrent
    [`${X}.4.1.0`]: 41, // xupsOutputLoad (%)
    [`${X}.4.2.0`]: 500, // xupsOutputFrequency (0.1 Hz)
    [`${X}.4.4.1.2.1`]: 230, [`${X}.4.4.1.3.1`]: 12, [`${X}.4.4.1.4.1`]: 2_650, [`${X}.4.4.1.7.1`]: 121, // xupsOutput Voltage, Current, Watts, CurrentHighPrecision
    [`${X}.4.5.0`]: 5, // xupsOutputSource battery(5)
    [`${X}.6.1.0`]: 24, [`${X}.6.4.0`]: 130, // xupsEnvAmbientTemp, xupsEnvAmbientHumidity (beyond 100 %)
    [`${X}.7.1.0`]: 2, // xupsAlarms
    [`${X}.3.4.1.6.1`]: 'L1/A', [`${X}.4.4.1.6.1`]: 'L1/A', // xupsInputName, xupsOutputName
    [`${X}.4.7.0`]: 1_234_500, // xupsOutputCumulativePowerUsage (Wh)
    // xupsBypassTable (V, name, tenths of A, W) and xupsBypassFrequency (0.1 Hz): the bypass is live, carrying nothing
    [`${X}.5.1.0`]: 499, [`${X}.5.3.1.2.1`]: 229, [`${X}.5.3.1.4.1`]: 'L1/A', [`${X}.5.3.1.5.1`]: 0, [`${X}.5.3.1.6.1`]: 0,
    // xupsRecepTable: xupsRecepStatus on(1), pendingOn(4: still off), failedOpen(8)
    [`${X}.12.2.1.2.1`]: 1, [`${X}.12.2.1.2.2`]: 4, [`${X}.12.2.1.2.3`]: 8,
  });

  it('is found by its sysObjectID and read from the XUPS objects', async () => {
    const detected = await detectProfile(card, 'auto');
    assert.ok(detected.ok);
    assert.equal(detected.value.name, 'eaton-ups');
    const result = await readDevice(card, eatonUps);
    assert.ok(result.ok);
    const r = result.value;
    assert.deepEqual([r.identity.model, r.identity.serial], ['Powerware 9155', 'PW123']);
    const u = r.ups!;
    assert.deepEqual([u.source, u.batteryStatus], ['battery', 'unknown']); // XUPS has no battery status: never assumed normal
    assert.deepEqual([u.runtime.value, u.charge.value, u.batteryVoltage.value, u.load.value], [540, 83, 216, 41]);
    assert.deepEqual([u.inputFrequency.value, u.outputFrequency.value, u.alarms.value], [0, 50, 2]);
    assert.deepEqual([u.outputVoltage.value, u.outputCurrent.value, u.outputPower.value], [230, 12.1, 2_650]); // xupsOutputCurrentHighPrecision (tenths) before whole amps
    assert.equal(r.phases[0]!.current.value, 12.1); // xupsOutputCurrentHighPrecision (tenths) before whole amps
    assert.deepEqual([r.inlets[0]!.name, r.phases[0]!.name, r.energy.value], ['L1/A', 'L1/A', 1_234.5]);
    assert.deepEqual(r.outlets.map((o) => [o.index, o.state]), [[1, 'on'], [2, 'off'], [3, 'off']]);
    assert.deepEqual(r.bypass.map((b) => [b.index, b.name, b.voltage.value, b.current.value, b.power.value, b.frequency.value]), [[1, 'L1/A', 229, 0, 0, 49.9]]);
    assert.deepEqual(r.sensors.map((s) => [s.index, s.kind, s.value.value, s.value.quality]), [
      [1, 'temperature', 24, 'ok'],
      [2, 'humidity', null, 'implausible'],
    ]);
  });
});

describe('eaton-ups on a Network-MS card with EMP probes, as MG-SNMP-UPS-MIB describes them', () => {
  const MG = '1.3.6.1.4.1.705.1';
  const card = new FakeSnmpClient({
    '1.3.6.1.2.1.1.2.0': oidValue(MG),
    [`${MG}.5.1.0`]: 1_800, // upsmgBatteryRemainingTime
    // upsmgEnvironmentSensorTable: probe 1 (0.1 °C, 0.1 %), probe 2 lost (upsmgEnvironmentComFailure yes(1))
    [`${MG}.8.7.1.2.1`]: 2, [`${MG}.8.7.1.3.1`]: 243, [`${MG}.8.7.1.6.1`]: 412,
    [`${MG}.8.7.1.2.2`]: 1, [`${MG}.8.7.1.3.2`]: 0, [`${MG}.8.7.1.6.2`]: 0,
    // upsmgReceptaclesTable: two receptacles (level 3: normalON(3), controlOFF(6)) and a group of them (level 5)
    [`${MG}.3.2.1.2.1`]: 3, [`${MG}.3.2.1.4.1`]: 'Servers', [`${MG}.3.2.1.5.1`]: 3,
    [`${MG}.3.2.1.2.2`]: 3, [`${MG}.3.2.1.4.2`]: 'Switch', [`${MG}.3.2.1.5.2`]: 6,
    [`${MG}.3.2.1.2.3`]: 5, [`${MG}.3.2.1.4.3`]: 'All', [`${MG}.3.2.1.5.3`]: 3,
  });

  it('reads every probe, a lost one unknown; its receptacles as outlets, not their group', async () => {
    const result = await readDevice(card, eatonUps);
    assert.ok(result.ok);
    assert.deepEqual(result.value.sensors.map((s) => [s.index, s.kind, s.value.value, s.value.quality]), [
      [11, 'temperature', 24.3, 'ok'],
      [12, 'temperature', null, 'unknown'],
      [111, 'humidity', 41.2, 'ok'],
      [112, 'humidity', null, 'unknown'],
    ]);
    assert.deepEqual(result.value.outlets.map((o) => [o.index, o.name, o.state]), [[1, 'Servers', 'on'], [2, 'Switch', 'off']]);
  });
});
