// A real Eaton ePDU (EMA114-10, managed, one L5-20P input, 24 outlets), recorded: served by snmpsim,
// detected and read through the eaton-epdu profile; then a three-phase unit with breakers and probes
// as EATON-EPDU-MIB describes it (the recording has neither).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eatonEpdu } from '../src/profiles/eaton-epdu.js';
import { detectProfile } from '../src/profiles/detect.js';
import { readDevice } from '../src/profiles/read-device.js';
import { checkRecording } from './helpers/check-recording.js';
import { FakeSnmpClient, oidValue, tableCells } from './helpers/fake-snmp.js';
import { startSnmpsim, type Snmpsim } from './helpers/snmpsim.js';

describe('Eaton ePDU recording through the eaton-epdu profile', () => {
  let sim: Snmpsim;
  before(async () => { sim = await startSnmpsim(); });
  after(async () => { await sim?.stop(); });

  it('EMA114-10: one input, one phase, 24 outlets, milli-units; every oracle sensor covered and equal', async () => {
    const { reading, coverage } = await checkRecording(sim, 'eatonpdu_2', { profile: 'eaton-epdu', inlets: 1, phases: 1, banks: 0, outlets: 24, sensors: 0, minCovered: 51 });
    assert.equal(coverage.matched, coverage.total);
    assert.deepEqual({ model: reading.identity.model, serial: reading.identity.serial, firmware: reading.identity.firmware }, { model: 'EMA114-10', serial: 'H619P44058', firmware: '05.01.0002' });
    const inlet = reading.inlets[0]!;
    assert.equal(inlet.name, 'Feed A'); // inputFeedName
    assert.equal(inlet.voltage.value, 118.45); // inputVoltage 118450 mV
    assert.equal(inlet.current.value, 14.108); // inputCurrent 14108 mA
    assert.equal(inlet.frequency.value, 60); // inputFrequency 600 (0.1 Hz)
    assert.equal(inlet.powerFactor.value, 0.946); // inputTotalPowerFactor 946 thousandths
    assert.equal(inlet.loadState, 'near-overload'); // inputCurrentThStatus highWarning(3): 88% of 16 A
    assert.equal(reading.power.value, 1584); // inputTotalWatts
    assert.equal(reading.energy.value, 8185.493); // inputTotalWh 8185493
    assert.deepEqual(reading.phases.map((p) => [p.name, p.current.value, p.voltage.value, p.power.value]), [['L1', 14.108, 118.45, 1589]]);
    const first = reading.outlets[0]!;
    assert.deepEqual([first.name, first.state, first.current.value, first.power.value, first.energy.value], ['Power strip + s-rw-lab-rack', 'on', 0.79, 80, 785.621]);
    assert.ok(reading.outlets.every((o) => o.state === 'on')); // outletControlStatus on(1)
    // Outlets' parents are outlet sections, not breakers: no bank is claimed for them.
    assert.ok(reading.outlets.every((o) => o.bank === null));
    assert.equal(reading.badValues, 0);
  });
});

describe('eaton-epdu on a three-phase unit with breakers and probes, as the MIB describes it', () => {
  const E = '1.3.6.1.4.1.534.6.6.7';
  const groupID = `${E}.5.1.1.2`;
  const mib = {
    '1.3.6.1.2.1.1.2.0': oidValue(E),
    [`${E}.1.2.1.3.0`]: 'EMAB03', // partNumber
    [`${E}.1.2.1.9.0`]: 1, // temperatureScale fahrenheit(1)
    [`${E}.3.1.1.2.0.1`]: 4, // inputType threePhaseWye
    [`${E}.3.1.1.3.0.1`]: 500, // inputFrequency 50.0 Hz
    // inputVoltageTable: phase1toN(2) … phase3toN(4), millivolts
    ...tableCells(`${E}.3.2.1`, '0.1', { 2: [2, 3, 4], 3: [230_100, 229_800, 231_000] }),
    // inputCurrentTable: phase1(3) … phase3(5), then neutral(2); milliamps; …ThStatus; designators
    ...tableCells(`${E}.3.3.1`, '0.1', { 2: [3, 4, 5, 2], 4: [5_000, 6_000, 7_000, 1_000], 5: [0, 0, 4, 0], 12: ['L1', 'L2', 'L3', 'N'] }),
    // inputPowerTable: phase1(1) … phase3(3), total(4); watts
    ...tableCells(`${E}.3.4.1`, '0.1', { 2: [1, 2, 3, 4], 4: [1_100, 1_300, 1_500, 3_900] }),
    // groupTable: two 1-pole breakers, one outlet section; breakerOn(1), breakerOff(2), notApplicable(0)
    ...tableCells(`${E}.5.1.1`, '0', { 3: ['Breaker A', 'Breaker B', 'Section 1'], 4: [1, 1, 4], 5: [1, 2, 0] }),
    // groupCurrentTable: capacity (-1: unknown), current, milliamps
    ...tableCells(`${E}.5.4.1`, '0', { 2: [16_000, -1, -1], 3: [3_200, 0, 2_000], 4: [0, 0, 0] }),
    ...tableCells(`${E}.6.1.1`, '0', { 3: ['web-1 psu1', 'web-2 psu1', 'db-1 psu2'] }), // outletName
    ...tableCells(`${E}.6.6.1`, '0', { 2: [1, 0, 3] }), // outletControlStatus on, off, pendingOn (still off)
    ...tableCells(`${E}.6.4.1`, '0', { 3: [1_500, -20, 0] }), // outletCurrent; -20 mA is no current
    // outletParentTable (strapping.outlet.parent): outlet 3 sits in section 1 and behind breaker A
    [`${E}.6.2.1.2.0.1.1`]: 1, [`${E}.6.2.1.3.0.1.1`]: oidValue(`${groupID}.0.1`),
    [`${E}.6.2.1.2.0.2.1`]: 1, [`${E}.6.2.1.3.0.2.1`]: oidValue(`${groupID}.0.2`),
    [`${E}.6.2.1.2.0.3.1`]: 2, [`${E}.6.2.1.3.0.3.1`]: oidValue(`${groupID}.0.3`),
    [`${E}.6.2.1.2.0.3.2`]: 1, [`${E}.6.2.1.3.0.3.2`]: oidValue(`${groupID}.0.1`),
    // temperatureTable: probe 1 connected at 77.0 °F, slot 2 empty
    ...tableCells(`${E}.7.1.1`, '0', { 2: ['Rack top', 'T2'], 3: [1, 0], 4: [770, 0] }),
    // humidityTable: probe 1 at 45.5 %RH, probe 2 bad(-1)
    ...tableCells(`${E}.7.2.1`, '0', { 2: ['Rack top', 'H2'], 3: [1, -1], 4: [455, 0] }),
  };

  it('detects the unit and reads phases, breakers, outlets behind them and °F probes in °C', async () => {
    const client = new FakeSnmpClient(mib);
    const detected = await detectProfile(client, 'auto');
    assert.ok(detected.ok);
    assert.equal(detected.value.name, 'eaton-epdu');
    const result = await readDevice(client, eatonEpdu);
    assert.ok(result.ok);
    const r = result.value;
    // Three phases (the neutral and the total rows are none), numbered in row order.
    assert.deepEqual(r.phases.map((p) => [p.index, p.name, p.current.value, p.voltage.value, p.power.value, p.loadState]), [
      [1, 'L1', 5, 230.1, 1100, 'normal'], [2, 'L2', 6, 229.8, 1300, 'normal'], [3, 'L3', 7, 231, 1500, 'overload'],
    ]);
    // A three-phase input has no single current or voltage of its own.
    assert.deepEqual([r.inlets.length, r.inlets[0]!.frequency.value, r.inlets[0]!.current.quality], [1, 50, 'unknown']);
    // Breakers only: the outlet section is no bank.
    assert.deepEqual(r.banks.map((b) => [b.index, b.name, b.breaker, b.breakerInferred, b.current.value, b.rating.value]), [
      [1, 'Breaker A', 'ok', false, 3.2, 16], [2, 'Breaker B', 'tripped', false, 0, null],
    ]);
    assert.equal(r.banks[1]!.rating.quality, 'unknown'); // capacity -1
    assert.deepEqual(r.outlets.map((o) => [o.index, o.state, o.bank]), [[1, 'on', 1], [2, 'off', 2], [3, 'off', 1]]);
    assert.equal(r.outlets[1]!.current.quality, 'implausible'); // a negative current is never zero
    assert.equal(r.badValues, 1);
    // 77.0 °F is 25 °C; the empty slot is no sensor; the bad humidity probe is there, unknown.
    assert.deepEqual(r.sensors.map((s) => [s.index, s.kind, s.name, s.value.value, s.value.quality]), [
      [1, 'temperature', 'Rack top', 25, 'ok'], [101, 'humidity', 'Rack top', 45.5, 'ok'], [102, 'humidity', 'H2', null, 'unknown'],
    ]);
  });

  it('finds the unit by its objects when the sysObjectID is garbage', async () => {
    const detected = await detectProfile(new FakeSnmpClient({ ...mib, '1.3.6.1.2.1.1.2.0': oidValue('0.0') }), 'auto');
    assert.ok(detected.ok);
    assert.equal(detected.value.name, 'eaton-epdu');
  });

  it('reads temperatures as they come when the unit counts in °C', async () => {
    const result = await readDevice(new FakeSnmpClient({ ...mib, [`${E}.1.2.1.9.0`]: 0 }), eatonEpdu);
    assert.ok(result.ok);
    assert.equal(result.value.sensors.find((s) => s.kind === 'temperature')!.value.value, 77);
  });
});
