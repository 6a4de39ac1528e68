// A real APC Smart-UPS (NMC2), recorded: served by snmpsim, detected and read through the apc-ups profile;
// then a UPS in trouble as PowerNet-MIB describes it (no recording has one).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { apcUps } from '../src/profiles/apc-ups.js';
import { detectProfile } from '../src/profiles/detect.js';
import { readDevice } from '../src/profiles/read-device.js';
import { checkRecording } from './helpers/check-recording.js';
import { FakeSnmpClient, oidValue, withSysObjectId } from './helpers/fake-snmp.js';
import { startSnmpsim, type Snmpsim } from './helpers/snmpsim.js';

describe('APC UPS recording through the apc-ups profile', () => {
  let sim: Snmpsim;
  before(async () => { sim = await startSnmpsim(); });
  after(async () => { await sim?.stop(); });

  it('SMT750 on an NMC2: high-precision readings, one temperature probe; every covered oracle sensor equal', async () => {
    const { reading, coverage } = await checkRecording(sim, 'apc_smt750x-nmc2', { profile: 'apc-ups', ups: true, ats: false, inlets: 1, phases: 1, banks: 0, outlets: 0, sensors: 1, minCovered: 12 });
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
    // A single-phase UPS (no upsPhase tables): its one input and output line from the system-wide objects; no bypass served
    assert.deepEqual(reading.inlets.map((i) => [i.index, i.voltage.value, i.frequency.value]), [[1, 119.1, 60]]);
    assert.deepEqual(reading.phases.map((p) => [p.index, p.voltage.value, p.current.value]), [[1, 119.1, 0]]);
    assert.deepEqual(reading.bypass, []);
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

describe('apc-ups on a three-phase UPS with a bypass input and probes on older ports, as the MIB describes them', () => {
  const U = '1.3.6.1.4.1.318.1.1.1';
  const I = `${U}.9.2.2.1`; // upsPhaseInputEntry
  const IP = `${U}.9.2.3.1`; // upsPhaseInputPhaseEntry
  const OP = `${U}.9.3.3.1`; // upsPhaseOutputPhaseEntry
  const IEM = '1.3.6.1.4.1.318.1.1.10.2.3.2.1'; // iemStatusProbesEntry
  const EMS = '1.3.6.1.4.1.318.1.1.10.3.13.1.1'; // emsProbeStatusEntry
  const card = new FakeSnmpClient({
    '1.3.6.1.2.1.1.2.0': oidValue('1.3.6.1.4.1.318.1.3.23'), // symmetraPX
    [`${U}.3.1.1.0`]: 3, [`${U}.4.1.2.0`]: 3, // upsBasicInputPhase, upsBasicOutputPhase
    [`${U}.3.3.1.0`]: 2301, [`${U}.3.3.6.0`]: 2320, // upsHighPrecInputLineVoltage, …BypassVoltage: system-wide, no line's here
    [`${U}.4.2.8.0`]: 7_200, // upsAdvOutputActivePower: the three phases' sum, never phase 1's
    [`${U}.4.3.6.0`]: 123_456, // upsHighPrecOutputEnergyUsage (hundredths of kWh)
    [`${U}.4.1.4.0`]: 31, // upsBasicSystemInternalTemperature: no battery temperature served
    // upsPhaseInputTable: input 1 the mains, input 2 the bypass (upsPhaseInputType main(2), bypass(3)); frequency 0.1 Hz
    [`${I}.4.1`]: 500, [`${I}.4.2`]: 499, [`${I}.5.1`]: 2, [`${I}.5.2`]: 3, [`${I}.6.1`]: 'Mains', [`${I}.6.2`]: 'Bypass',
    // upsPhaseInputPhaseTable (input.phase): voltage V, current 0.1 A (-1: unsupported), power W, power factor hundredths
    [`${IP}.3.1.1`]: 230, [`${IP}.3.1.2`]: 231, [`${IP}.3.1.3`]: 229, [`${IP}.3.2.1`]: 232, [`${IP}.3.2.2`]: 233, [`${IP}.3.2.3`]: 231,
    [`${IP}.6.1.1`]: 123, [`${IP}.6.1.2`]: 118, [`${IP}.6.1.3`]: -1, [`${IP}.6.2.1`]: 0, [`${IP}.6.2.2`]: 0, [`${IP}.6.2.3`]: 0,
    [`${IP}.9.1.1`]: 2_750, [`${IP}.9.1.2`]: 2_640, [`${IP}.9.1.3`]: -1, [`${IP}.9.2.1`]: 0, [`${IP}.9.2.2`]: 0, [`${IP}.9.2.3`]: 0,
    [`${IP}.13.1.1`]: 97, [`${IP}.13.1.2`]: 96, [`${IP}.13.1.3`]: 95,
    // upsPhaseOutputPhaseTable (output.phase)
    [`${OP}.3.1.1`]: 230, [`${OP}.3.1.2`]: 230, [`${OP}.3.1.3`]: 231,
    [`${OP}.4.1.1`]: 110, [`${OP}.4.1.2`]: 104, [`${OP}.4.1.3`]: 98,
    [`${OP}.13.1.1`]: -1, [`${OP}.13.1.2`]: 2_380, [`${OP}.13.1.3`]: 2_230,
    // iemStatusProbesTable: probe 1 connected(2), in fahrenheit(2), 77 °F and 45 %RH; probe 2 disconnected(1)
    [`${IEM}.2.1`]: 'Row 4 hot aisle', [`${IEM}.3.1`]: 2, [`${IEM}.4.1`]: 77, [`${IEM}.5.1`]: 2, [`${IEM}.6.1`]: 45,
    [`${IEM}.2.2`]: 'Probe 2', [`${IEM}.3.2`]: 1, [`${IEM}.4.2`]: 0, [`${IEM}.5.2`]: 2, [`${IEM}.6.2`]: 0,
    // emsProbeStatusTable in emsStatusSysTempUnits celsius(1): probe 1 commsEstablished(2), temperature only (0 %RH); probe 2 commsLost(3)
    '1.3.6.1.4.1.318.1.1.10.3.12.11.0': 1,
    [`${EMS}.2.1`]: 'Battery room', [`${EMS}.3.1`]: 22, [`${EMS}.6.1`]: 0, [`${EMS}.10.1`]: 2,
    [`${EMS}.2.2`]: 'Cold aisle', [`${EMS}.3.2`]: 0, [`${EMS}.6.2`]: 0, [`${EMS}.10.2`]: 3,
    // upsOutletGroupStatusTable: name, state on(1) / off(2) / unknown(3)
    [`${U}.12.1.2.1.2.1`]: 'Main Outlets', [`${U}.12.1.2.1.3.1`]: 1,
    [`${U}.12.1.2.1.2.2`]: 'Switched Outlet Group 1', [`${U}.12.1.2.1.3.2`]: 2,
    [`${U}.12.1.2.1.2.3`]: 'Switched Outlet Group 2', [`${U}.12.1.2.1.3.3`]: 3,
  });

  it('reads the mains phases as inlets, the output phases, the bypass input per phase, the outlet groups and every probe', async () => {
    const detected = await detectProfile(card, 'auto');
    assert.ok(detected.ok);
    assert.equal(detected.value.name, 'apc-ups');
    const result = await readDevice(card, apcUps);
    assert.ok(result.ok);
    const r = result.value;
    const v = (m: { value: number | null; quality: string }) => (m.quality === 'ok' ? m.value : m.quality);
    assert.deepEqual(r.inlets.map((i) => [i.index, v(i.voltage), v(i.current), v(i.power), v(i.powerFactor), v(i.frequency)]), [
      [1, 230, 12.3, 2_750, 0.97, 50],
      [2, 231, 11.8, 2_640, 0.96, 50],
      [3, 229, 'unknown', 'unknown', 0.95, 50], // -1: unsupported, never 0
    ]);
    assert.deepEqual(r.phases.map((p) => [p.index, v(p.voltage), v(p.current), v(p.power)]), [
      [1, 230, 11, 'unknown'], // upsAdvOutputActivePower is all three phases': not phase 1's
      [2, 230, 10.4, 2_380],
      [3, 231, 9.8, 2_230],
    ]);
    assert.deepEqual(r.bypass.map((b) => [b.index, v(b.voltage), v(b.current), v(b.power), v(b.frequency)]), [
      [1, 232, 0, 0, 49.9], [2, 233, 0, 0, 49.9], [3, 231, 0, 0, 49.9],
    ]);
    assert.equal(r.energy.value, 1_234.56);
    assert.deepEqual(r.outlets.map((o) => [o.index, o.name, o.state]), [[1, 'Main Outlets', 'on'], [2, 'Switched Outlet Group 1', 'off'], [3, 'Switched Outlet Group 2', 'unknown']]);
    assert.equal(r.ups!.temperature.value, 31);
    assert.deepEqual(r.sensors.map((x) => [x.index, x.kind, x.name, v(x.value)]), [
      [21, 'temperature', 'Row 4 hot aisle', 25], // 77 °F
      [41, 'temperature', 'Battery room', 22],
      [42, 'temperature', 'Cold aisle', 'unknown'], // commsLost: its 0 is no reading
      [121, 'humidity', 'Row 4 hot aisle', 45],
    ]);
    assert.equal(r.badValues, 0);
  });
});
