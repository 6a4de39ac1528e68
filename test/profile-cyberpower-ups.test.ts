// No CyberPower UPS has been recorded: the cyberpower-ups profile is read here from values shaped as
// CPS-MIB describes them (units, enums, TimeTicks), served by an in-memory agent.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cyberpowerUps } from '../src/profiles/cyberpower-ups.js';
import { detectProfile } from '../src/profiles/detect.js';
import { readDevice } from '../src/profiles/read-device.js';
import { FakeSnmpClient, oidValue, tableCells, type FakeMib } from './helpers/fake-snmp.js';

const U = '1.3.6.1.4.1.3808.1.1.1'; // CPS-MIB ups
const ENV2 = '1.3.6.1.4.1.3808.1.1.8'; // environmentSensor2

/** An OR1500 on battery after a blackout, an outlet bank shed, an ENVIROSENSOR counting in °F. */
const onBattery: FakeMib = {
  '1.3.6.1.2.1.1.2.0': oidValue(U),
  [`${U}.1.1.1.0`]: 'OR1500LCDRM1U', // upsBaseIdentModel
  [`${U}.1.1.2.0`]: 'rack-7 ups', // upsBaseIdentName
  [`${U}.1.2.1.0`]: 'CR01505BBH2', // upsAdvanceIdentFirmwareRevision
  [`${U}.1.2.3.0`]: 'GBHGT2000123', // upsAdvanceIdentSerialNumber
  [`${U}.2.1.1.0`]: 3, // upsBaseBatteryStatus batteryLow
  [`${U}.2.1.2.0`]: 12_000, // upsBaseBatteryTimeOnBattery: 120 s in TimeTicks
  [`${U}.2.2.1.0`]: 35, // upsAdvanceBatteryCapacity %
  [`${U}.2.2.2.0`]: 236, // upsAdvanceBatteryVoltage 1/10 VDC
  [`${U}.2.2.3.0`]: 31, // upsAdvanceBatteryTemperature °C
  [`${U}.2.2.4.0`]: 36_000, // upsAdvanceBatteryRunTimeRemaining: 360 s in TimeTicks
  [`${U}.3.2.1.0`]: 0, // upsAdvanceInputLineVoltage: blackout
  [`${U}.3.2.4.0`]: 0, // upsAdvanceInputFrequency
  [`${U}.3.2.6.0`]: 5, // upsAdvanceInputStatus blackout
  [`${U}.4.1.1.0`]: 3, // upsBaseOutputStatus onBattery
  [`${U}.4.2.1.0`]: 1_200, // upsAdvanceOutputVoltage 1/10 VAC
  [`${U}.4.2.2.0`]: 600, // upsAdvanceOutputFrequency 1/10 Hz
  [`${U}.4.2.3.0`]: 42, // upsAdvanceOutputLoad %
  [`${U}.4.2.4.0`]: 38, // upsAdvanceOutputCurrent 1/10 A
  [`${U}.4.2.5.0`]: 410, // upsAdvanceOutputPower W
  [`${U}.4.2.6.0`]: 1_234, // upsAdvanceOutputEnergy 1/10 kWh
  // upsIndividualOutletStatusTable (…Name, …State on(1)/off(2)) and …InfoTable (…Bank)
  ...tableCells(`${U}.8.2.4.1`, '', { 2: ['switch', 'lab'], 3: [1, 2] }),
  ...tableCells(`${U}.8.2.3.1`, '', { 3: [1, 2] }),
  [`${ENV2}.2.2.0`]: 2, // envir2TempUnit fahrenheit
  ...tableCells(`${ENV2}.2.3.1`, '', { 3: [7_700] }), // envir2Temperature: 77.00 °F
  ...tableCells(`${ENV2}.3.2.1`, '', { 3: [4_550] }), // envir2Humidity: 45.50 %
};

describe('cyberpower-ups from CPS-MIB-shaped values', () => {
  it('is detected by its sysObjectID, and by its objects when that is garbage', async () => {
    for (const sysObjectId of [U, '0.0']) {
      const detected = await detectProfile(new FakeSnmpClient({ ...onBattery, '1.3.6.1.2.1.1.2.0': oidValue(sysObjectId) }), 'auto');
      assert.ok(detected.ok, sysObjectId);
      assert.equal(detected.value.name, 'cyberpower-ups', sysObjectId);
    }
  });

  it('reads a UPS on battery in the normalized units', async () => {
    const result = await readDevice(new FakeSnmpClient(onBattery), cyberpowerUps);
    assert.ok(result.ok);
    const r = result.value;
    assert.equal(r.kind, 'ups');
    assert.deepEqual(r.identity, { vendor: 'CyberPower', model: 'OR1500LCDRM1U', serial: 'GBHGT2000123', firmware: 'CR01505BBH2', name: 'rack-7 ups' });
    const v = (m: { value: number | null }) => m.value;
    const ups = r.ups!;
    assert.deepEqual(
      {
        source: ups.source, batteryStatus: ups.batteryStatus, charge: v(ups.charge), runtime: v(ups.runtime), timeOnBattery: v(ups.timeOnBattery),
        load: v(ups.load), inputVoltage: v(ups.inputVoltage), inputFrequency: v(ups.inputFrequency), outputVoltage: v(ups.outputVoltage),
        outputFrequency: v(ups.outputFrequency), outputCurrent: v(ups.outputCurrent), outputPower: v(ups.outputPower), batteryVoltage: v(ups.batteryVoltage), temperature: v(ups.temperature),
      },
      {
        source: 'battery', batteryStatus: 'low', charge: 35, runtime: 360, timeOnBattery: 120,
        load: 42, inputVoltage: 0, inputFrequency: 0, outputVoltage: 120,
        outputFrequency: 60, outputCurrent: 3.8, outputPower: 410, batteryVoltage: 23.6, temperature: 31,
      },
    );
    assert.equal(ups.alarms.quality, 'unknown'); // CPS-MIB counts no alarms
    assert.deepEqual([r.power.value, r.energy.value], [410, 123.4]);
    assert.deepEqual(r.outlets.map((o) => [o.index, o.name, o.state, o.bank]), [[1, 'switch', 'on', 1], [2, 'lab', 'off', 2]]);
    assert.deepEqual(r.sensors.map((s) => [s.index, s.kind, s.value.value]), [[1, 'temperature', 25], [101, 'humidity', 45.5]]);
    // A single-phase UPS (no upsPhase tables, upsBase…Phase not served): its one input and output line from upsAdvance
    assert.deepEqual(r.inlets.map((i) => [i.index, v(i.voltage), v(i.frequency), i.power.quality]), [[1, 0, 0, 'unknown']]);
    assert.deepEqual(r.phases.map((p) => [p.index, v(p.voltage), v(p.current), v(p.power)]), [[1, 120, 3.8, 410]]);
    assert.deepEqual(r.bypass, []);
    assert.equal(r.badValues, 0);
  });

  it('reads a three-phase UPS per phase: input, output and bypass lines; the NTC temperature without a battery one', async () => {
    const { [`${U}.2.2.3.0`]: _batteryTemperature, ...rest } = onBattery;
    const mib: FakeMib = {
      ...rest,
      [`${U}.3.1.1.0`]: 3, [`${U}.4.1.2.0`]: 3, // upsBaseInputPhase, upsBaseOutputPhase: the upsAdvance objects are no line's
      [`${U}.10.2.0`]: 38, // upsTemperature °C
      // upsPhaseInputTable: 1/10 VAC, 1/10 A, 1/10 Hz, 1/100 PF
      ...tableCells(`${U}.9.1.2.1`, '', { 2: [2_301, 2_297, 2_310], 3: [152, 148, 160], 4: [500, 500, 500], 5: [98, 97, 99] }),
      // upsPhaseOutputTable: 1/10 VAC, 1/10 A, …, W
      ...tableCells(`${U}.9.2.2.1`, '', { 2: [2_300, 2_300, 2_299], 3: [140, 139, 151], 6: [3_120, 3_050, 3_390] }),
      // upsPhaseBypassTable: 1/10 VAC, 1/10 A, 1/10 Hz
      ...tableCells(`${U}.9.3.2.1`, '', { 2: [2_298, 2_305, 2_302], 3: [0, 0, 0], 4: [499, 499, 499] }),
    };
    const result = await readDevice(new FakeSnmpClient(mib), cyberpowerUps);
    assert.ok(result.ok);
    const r = result.value;
    const v = (m: { value: number | null }) => m.value;
    assert.deepEqual(r.inlets.map((i) => [i.index, v(i.voltage), v(i.current), v(i.frequency), v(i.powerFactor)]), [
      [1, 230.1, 15.2, 50, 0.98], [2, 229.7, 14.8, 50, 0.97], [3, 231, 16, 50, 0.99],
    ]);
    assert.deepEqual(r.phases.map((p) => [p.index, v(p.voltage), v(p.current), v(p.power)]), [
      [1, 230, 14, 3_120], [2, 230, 13.9, 3_050], [3, 229.9, 15.1, 3_390], // never upsAdvanceOutputPower's total on phase 1
    ]);
    assert.deepEqual(r.bypass.map((b) => [b.index, v(b.voltage), v(b.current), v(b.frequency)]), [[1, 229.8, 0, 49.9], [2, 230.5, 0, 49.9], [3, 230.2, 0, 49.9]]);
    assert.equal(r.ups!.temperature.value, 38);
    assert.equal(r.badValues, 0);
  });

  // upsBaseOutputStatus and upsBaseBatteryStatus, one by one.
  const states: [string, Record<string, number>, string, string][] = [
    ['onLine, battery normal', { '4.1.1.0': 2, '2.1.1.0': 2 }, 'mains', 'normal'],
    ['onBoost (AVR on mains)', { '4.1.1.0': 4, '2.1.1.0': 2 }, 'mains', 'normal'],
    ['onBypass', { '4.1.1.0': 9, '2.1.1.0': 2 }, 'bypass', 'normal'],
    ['off, no battery present', { '4.1.1.0': 6, '2.1.1.0': 4 }, 'off', 'depleted'],
    ['onSleep', { '4.1.1.0': 5, '2.1.1.0': 2 }, 'off', 'normal'],
    ['unknown(1) stays unknown', { '4.1.1.0': 1, '2.1.1.0': 1 }, 'unknown', 'unknown'],
  ];
  for (const [name, values, source, batteryStatus] of states) {
    it(`status: ${name}`, async () => {
      const mib = { ...onBattery, ...Object.fromEntries(Object.entries(values).map(([k, n]) => [`${U}.${k}`, n])) };
      const result = await readDevice(new FakeSnmpClient(mib), cyberpowerUps);
      assert.ok(result.ok);
      assert.deepEqual([result.value.ups!.source, result.value.ups!.batteryStatus], [source, batteryStatus]);
    });
  }

  it('never takes absent or absurd values as readings', async () => {
    const { [`${U}.2.2.4.0`]: _runtime, ...noRuntime } = onBattery;
    const result = await readDevice(new FakeSnmpClient({ ...noRuntime, [`${U}.4.2.3.0`]: 65_535, [`${U}.2.2.1.0`]: Buffer.alloc(0) }), cyberpowerUps);
    assert.ok(result.ok);
    const ups = result.value.ups!;
    assert.deepEqual(ups.runtime, { value: null, quality: 'unknown' }); // not served
    assert.deepEqual(ups.load, { value: null, quality: 'implausible' }); // 65535 % of capacity
    assert.deepEqual(ups.charge, { value: null, quality: 'implausible' }); // a zero-length string where a Gauge belongs
    assert.equal(result.value.badValues, 2);
  });
});
