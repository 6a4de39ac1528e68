// A real Megatec NetAgent II card on a three-phase UPS (XPPC-MIB, sysObjectID 1.3.6.1.4.1.935), recorded: served by
// snmpsim, detected and read through the megatec-ups profile; then single-phase XPPC, EPPC-MIB and PROBE-MIB objects
// as the MIBs describe them (the recording has none of them).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { detectProfile } from '../src/profiles/detect.js';
import { megatecUps } from '../src/profiles/megatec-ups.js';
import { readDevice } from '../src/profiles/read-device.js';
import { checkRecording } from './helpers/check-recording.js';
import { FakeSnmpClient, SYS_OBJECT_ID } from './helpers/fake-snmp.js';
import { startSnmpsim, type Snmpsim } from './helpers/snmpsim.js';

const X = '1.3.6.1.4.1.935.1.1.1';
const E = '1.3.6.1.4.1.935.10.1.1';
const UPS = '1.3.6.1.2.1.33.1';

describe('NetAgent II recording through the megatec-ups profile', () => {
  let sim: Snmpsim;
  before(async () => { sim = await startSnmpsim(); });
  after(async () => { await sim?.stop(); });

  it('three-phase UPS: 3 input and 3 output lines, the UPS section in tenths; every covered oracle sensor equal', async () => {
    const { reading, coverage } = await checkRecording(sim, 'netagent2', {
      profile: 'megatec-ups', inlets: 3, phases: 3, banks: 0, outlets: 0, sensors: 0, ups: true, ats: false, minCovered: 19,
    });
    assert.equal(coverage.matched, coverage.covered);
    // the UPS's maker and the agent's version come from the UPS-MIB the card also serves
    assert.deepEqual([reading.identity.vendor, reading.identity.firmware], ['INVT CO., LTD', '2.48.DP520.WEST']);
    const u = reading.ups!;
    assert.equal(u.source, 'mains'); // upsBaseOutputStatus onBuck(9)
    assert.equal(u.batteryStatus, 'normal'); // upsBaseBatteryStatus batteryNormal(2)
    assert.deepEqual(
      [u.charge.value, u.runtime.value, u.temperature.value, u.batteryVoltage.value],
      [100, 9999, 25, 269], // %, s (upsSmartBatteryRunTimeRemaining is in seconds), tenths of °C, UPS-MIB's 0.1 V
    );
    assert.deepEqual(
      [u.inputVoltage.value, u.inputFrequency.value, u.outputVoltage.value, u.outputFrequency.value, u.load.value],
      [236, 49.9, 231.2, 49.9, 23.5], // the upsThreePhase group (line R), in tenths
    );
    assert.deepEqual(reading.inlets.map((i) => [i.index, i.voltage.value, i.frequency.value]), [[1, 236, 49.9], [2, 236.7, 49.9], [3, 237.9, 49.9]]);
    assert.deepEqual(reading.phases.map((p) => [p.index, p.voltage.value]), [[1, 231.2], [2, 231.3], [3, 231.2]]);
    // upsThreePhaseBypssSourceVoltageR/S/T and upsThreePhaseBypassSourceFrequency, in tenths as the rest of the group
    assert.deepEqual(reading.bypass.map((b) => [b.index, b.voltage.value, b.frequency.value]), [[1, 234.6, 49.9], [2, 236.2, 49.9], [3, 236.4, 49.9]]);
    assert.equal(reading.badValues, 0);
  });
});

describe('megatec-ups as the MIBs describe it', () => {
  it('wins over the UPS-MIB fallback on its sysObjectID, and by probe when sysObjectID is missing', async () => {
    const both = { [`${X}.4.1.1.0`]: 3, [`${UPS}.2.1.0`]: 2, [`${UPS}.4.1.0`]: 3 };
    const bySysObjectId = await detectProfile(new FakeSnmpClient({ [SYS_OBJECT_ID]: { oid: '1.3.6.1.4.1.935' }, ...both }));
    assert.ok(bySysObjectId.ok);
    assert.equal(bySysObjectId.value.name, 'megatec-ups');
    const byProbe = await detectProfile(new FakeSnmpClient(both));
    assert.ok(byProbe.ok);
    assert.equal(byProbe.value.name, 'megatec-ups');
    const eppc = await detectProfile(new FakeSnmpClient({ [`${E}.2.1.0`]: 4 }));
    assert.ok(eppc.ok);
    assert.equal(eppc.value.name, 'megatec-ups');
  });

  it('a single-phase XPPC UPS on battery: Smart group tenths, runtime in seconds, PROBE-MIB probe', async () => {
    const result = await readDevice(new FakeSnmpClient({
      [`${X}.1.1.1.0`]: 'Intelligent 8000E 900VA', [`${X}.1.2.3.0`]: 'SN123', [`${X}.1.2.1.0`]: 'FW 1.0',
      [`${X}.2.1.1.0`]: 3, [`${X}.2.1.2.0`]: 95, // batteryLow, 95 s on battery
      [`${X}.2.2.1.0`]: 18, [`${X}.2.2.2.0`]: 236, [`${X}.2.2.3.0`]: 312, [`${X}.2.2.4.0`]: 420,
      [`${X}.3.2.1.0`]: 0, [`${X}.3.2.4.0`]: 0,
      [`${X}.4.1.1.0`]: 3, [`${X}.4.2.1.0`]: 2298, [`${X}.4.2.2.0`]: 500, [`${X}.4.2.3.0`]: 37,
      '1.3.6.1.4.1.13409.1.1.1.0': 234, '1.3.6.1.4.1.13409.1.1.2.0': 41, // probeStatusTemperature (0.1 °C), probeStatusHumidity (%)
    }), megatecUps);
    assert.ok(result.ok);
    const r = result.value;
    assert.deepEqual([r.identity.model, r.identity.serial, r.identity.firmware], ['Intelligent 8000E 900VA', 'SN123', 'FW 1.0']);
    const u = r.ups!;
    assert.deepEqual([u.source, u.batteryStatus], ['battery', 'low']);
    assert.deepEqual(
      [u.timeOnBattery.value, u.charge.value, u.batteryVoltage.value, u.temperature.value, u.runtime.value],
      [95, 18, 23.6, 31.2, 420],
    );
    assert.deepEqual(
      [u.inputVoltage.value, u.inputFrequency.value, u.outputVoltage.value, u.outputFrequency.value, u.load.value],
      [0, 0, 229.8, 50, 37],
    );
    assert.deepEqual(r.inlets.map((i) => [i.index, i.voltage.value]), [[1, 0]]);
    assert.deepEqual(r.sensors.map((s) => [s.index, s.kind, s.value.value]), [[1, 'temperature', 23.4], [2, 'humidity', 41]]);
  });

  it('an EPPC-MIB (PowerWalker) UPS: per-phase tables, runtime in minutes, the card sensor', async () => {
    const result = await readDevice(new FakeSnmpClient({
      [`${E}.1.1.0`]: 'PowerWalker', [`${E}.1.2.0`]: 'VFI 10000 TGB', [`${E}.1.3.0`]: '03.10', [`${E}.1.4.0`]: 'PW42', [`${E}.1.5.0`]: 'ups-3',
      [`${E}.2.1.0`]: 3, [`${E}.2.2.0`]: 287, // by-pass, 28.7 °C
      [`${E}.2.16.1.2.1`]: 500, [`${E}.2.16.1.3.1`]: 2305, [`${E}.2.16.1.4.1`]: 42, [`${E}.2.16.1.5.1`]: 910,
      [`${E}.2.18.1.2.1`]: 499, [`${E}.2.18.1.3.1`]: 2300, [`${E}.2.18.1.4.1`]: 38, [`${E}.2.18.1.5.1`]: 820, [`${E}.2.18.1.6.1`]: 880, [`${E}.2.18.1.7.1`]: 9,
      [`${E}.3.1.0`]: 6, [`${E}.3.2.0`]: 0, [`${E}.3.3.0`]: 35, [`${E}.3.4.0`]: 97, [`${E}.3.5.0`]: 2728, [`${E}.3.8.0`]: 251,
      [`${E}.6.1.1.0`]: 225, [`${E}.6.2.1.0`]: 48,
      // upsESystemBypassTable: 0.1 Hz, 0.1 V, 0.1 A, W (the load is on bypass)
      [`${E}.2.20.1.2.1`]: 500, [`${E}.2.20.1.3.1`]: 2302, [`${E}.2.20.1.4.1`]: 39, [`${E}.2.20.1.5.1`]: 830,
      [`${E}.5.5.0`]: 3, [`${E}.5.10.0`]: 5, // upsELoadSegment1State off-pending (still on), …2State not-support
    }), megatecUps);
    assert.ok(result.ok);
    const r = result.value;
    assert.deepEqual([r.identity.vendor, r.identity.model, r.identity.serial, r.identity.firmware, r.identity.name], ['PowerWalker', 'VFI 10000 TGB', 'PW42', '03.10', 'ups-3']);
    const u = r.ups!;
    assert.deepEqual([u.source, u.batteryStatus], ['bypass', 'depleted']); // batteryFailure(6) cannot carry the load
    assert.deepEqual(
      [u.runtime.value, u.charge.value, u.batteryVoltage.value, u.temperature.value, u.timeOnBattery.value],
      [2100, 97, 272.8, 25.1, 0],
    );
    assert.deepEqual(
      [u.inputVoltage.value, u.inputFrequency.value, u.outputVoltage.value, u.outputFrequency.value, u.outputCurrent.value, u.outputPower.value, u.load.value],
      [230.5, 50, 230, 49.9, 3.8, 820, 9],
    );
    assert.deepEqual(r.inlets.map((i) => [i.index, i.voltage.value, i.current.value, i.power.value, i.frequency.value]), [[1, 230.5, 4.2, 910, 50]]);
    assert.deepEqual(r.phases.map((p) => [p.index, p.voltage.value, p.current.value, p.power.value]), [[1, 230, 3.8, 820]]);
    assert.deepEqual(r.bypass.map((b) => [b.index, b.voltage.value, b.current.value, b.power.value, b.frequency.value]), [[1, 230.2, 3.9, 830, 50]]);
    assert.deepEqual(r.outlets.map((o) => [o.index, o.state]), [[1, 'on']]); // a load segment the UPS does not support is no outlet
    assert.deepEqual(r.sensors.map((s) => [s.index, s.kind, s.value.value]), [[1, 'temperature', 22.5], [2, 'humidity', 48]]);
  });

  it('an unknown status stays unknown, never mains', async () => {
    const result = await readDevice(new FakeSnmpClient({ [`${X}.4.1.1.0`]: 1, [`${X}.2.1.1.0`]: 1 }), megatecUps);
    assert.ok(result.ok);
    assert.deepEqual([result.value.ups?.source, result.value.ups?.batteryStatus], ['unknown', 'unknown']);
  });
});

describe('megatec-ups traps', () => {
  it('XPPC-MIB and EPPC-MIB v1 traps (enterprise.0.specific) say on battery and back on mains', () => {
    const event = (oid: string) => megatecUps.traps?.find((t) => t.oid === oid)?.event;
    assert.deepEqual(
      [event('1.3.6.1.4.1.935.0.5'), event('1.3.6.1.4.1.935.0.9'), event('1.3.6.1.4.1.935.0.7'), event('1.3.6.1.4.1.935.0.32')],
      ['on-battery', 'on-mains', 'battery-low', 'on-bypass'],
    );
    assert.deepEqual(
      [event('1.3.6.1.4.1.935.10.1.2.0.7'), event('1.3.6.1.4.1.935.10.1.2.0.8'), event('1.3.6.1.4.1.935.10.1.2.0.3')],
      ['on-battery', 'on-mains', 'battery-low'],
    );
  });
});
