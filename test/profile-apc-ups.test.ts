// A real APC Smart-UPS (NMC2), recorded: served by snmpsim, detected and read through the apc-ups profile;
// then a UPS in trouble as PowerNet-MIB describes it (no recording has one).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { apcUps } from '../src/profiles/apc-ups.js';
import { detectProfile } from '../src/profiles/detect.js';
import { readDevice } from '../src/profiles/read-device.js';
import { checkRecording } from './helpers/check-recording.js';
import { FakeSnmpClient, withSysObjectId } from './helpers/fake-snmp.js';
import { startSnmpsim, type Snmpsim } from './helpers/snmpsim.js';

describe('APC UPS recording through the apc-ups profile', () => {
  let sim: Snmpsim;
  before(async () => { sim = await startSnmpsim(); });
  after(async () => { await sim?.stop(); });

  it('SMT750 on an NMC2: high-precision readings, one temperature probe; every covered oracle sensor equal', async () => {
    const { reading, coverage } = await checkRecording(sim, 'apc_smt750x-nmc2', { profile: 'apc-ups', ups: true, ats: false, inlets: 0, phases: 0, banks: 0, outlets: 0, sensors: 1, minCovered: 12 });
    assert.equal(coverage.matched, coverage.covered);
    assert.deepEqual(
      { model: reading.identity.model, serial: reading.identity.serial, firmware: reading.identity.firmware },
      { model: 'Smart-UPS X 750', serial: 'AS1907242163', firmware: 'UPS 09.8 (ID20)' },
    );
    const ups = reading.ups!;
    assert.equal(ups.source, 'mains'); // upsBasicOutputStatus onLine(2)
    assert.equal(ups.batteryStatus, 'unknown'); // upsBasicBatteryStatus is not served: never assumed normal
    assert.equal(ups.charge.value, 100); // upsHighPrecBatteryCapacity 1000 tenths
    assert.equal(ups.runtime.value, 109_762); // 10976200 TimeTicks
    assert.equal(ups.inputVoltage.value, 119.1);
    assert.equal(ups.temperature.value, 23.4);
    assert.deepEqual(ups.outputPower, { value: null, quality: 'unknown' }); // not served
    // uioSensorStatusHumidity -1: a temperature-only probe, so no humidity sensor at all
    assert.deepEqual(reading.sensors.map((s) => [s.index, s.kind, s.name, s.value.value]), [[1, 'temperature', 'Equipment Room', 20]]);
    assert.equal(reading.badValues, 0);
  });

  it('finds the UPS by its objects when the sysObjectID is garbage', async () => {
    const real = sim.client('apc_smt750x-nmc2');
    const garbled = withSysObjectId(real, '0.0');
    const detected = await detectProfile(garbled, 'auto');
    assert.ok(detected.ok);
    assert.equal(detected.value.name, 'apc-ups');
  });
});

describe('apc-ups on a UPS in trouble, as the MIB describes it', () => {
  const U = '1.3.6.1.4.1.318.1.1.1';
  const S = '1.3.6.1.4.1.318.1.1.25.1.2.1';
  // An older card: no upsHighPrec objects, so the upsAdv (whole units) ones are read.
  const rows: Record<string, unknown> = {
    [`${U}.4.1.1.0`]: 3, // upsBasicOutputStatus onBattery
    [`${U}.2.1.1.0`]: 3, // upsBasicBatteryStatus batteryLow
    [`${U}.2.1.2.0`]: 12_000, // upsBasicBatteryTimeOnBattery: 120 s
    [`${U}.2.2.1.0`]: 9, // upsAdvBatteryCapacity %
    [`${U}.2.2.2.0`]: 255, // upsAdvBatteryTemperature: "not present"
    [`${U}.2.2.3.0`]: 4_294_967_295, // upsAdvBatteryRunTimeRemaining: "not present"
    [`${U}.2.2.8.0`]: -1, // upsAdvBatteryActualVoltage: "not supported"
    [`${U}.3.2.1.0`]: 0, // upsAdvInputLineVoltage: the mains is gone
    [`${U}.4.2.3.0`]: 250, // upsAdvOutputLoad: beyond any plausible %
    [`${U}.4.2.4.0`]: 7, // upsAdvOutputCurrent A
    // uioSensorStatusTable: a temperature+humidity probe, a lost one, an empty port
    [`${S}.3.1.1`]: Buffer.from('Rack 7 top'), [`${S}.6.1.1`]: 31, [`${S}.7.1.1`]: 40, [`${S}.10.1.1`]: 2,
    [`${S}.3.2.1`]: Buffer.from('Rack 7 bottom'), [`${S}.6.2.1`]: -1, [`${S}.7.2.1`]: -1, [`${S}.10.2.1`]: 3,
    [`${S}.3.3.1`]: Buffer.from(''), [`${S}.6.3.1`]: -1, [`${S}.7.3.1`]: -1, [`${S}.10.3.1`]: 1,
  };

  it('reads battery, fallbacks, "not present" values and probes as the MIB means them', async () => {
    const result = await readDevice(new FakeSnmpClient(rows, { verbatim: true }), apcUps);
    assert.ok(result.ok);
    const u = result.value.ups!;
    assert.deepEqual([u.source, u.batteryStatus], ['battery', 'low']);
    assert.equal(u.timeOnBattery.value, 120);
    assert.equal(u.charge.value, 9);
    assert.equal(u.inputVoltage.value, 0);
    assert.equal(u.outputCurrent.value, 7);
    assert.deepEqual(u.temperature, { value: null, quality: 'unknown' });
    assert.deepEqual(u.runtime, { value: null, quality: 'unknown' }); // never "forever"
    assert.deepEqual(u.batteryVoltage, { value: null, quality: 'unknown' });
    assert.deepEqual(u.load, { value: null, quality: 'implausible' });
    assert.equal(result.value.badValues, 1);
    assert.deepEqual(result.value.sensors.map((s) => [s.index, s.kind, s.name, s.value.value, s.value.quality]), [
      [1, 'temperature', 'Rack 7 top', 31, 'ok'],
      [2, 'temperature', 'Rack 7 bottom', null, 'unknown'], // commsLost: -1 is no reading, not -1 °C
      [101, 'humidity', 'Rack 7 top', 40, 'ok'],
    ]);
  });
});
