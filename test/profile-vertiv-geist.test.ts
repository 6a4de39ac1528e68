// A real Vertiv/Geist 3-phase rack PDU (IMD card, VERTIV-V5-MIB), recorded: served by snmpsim, detected and read
// through the vertiv-geist profile; then outlets and remote sensors as the MIB describes them (the recording has none).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { readDevice } from '../src/profiles/read-device.js';
import { vertivGeist } from '../src/profiles/vertiv-geist.js';
import { checkRecording } from './helpers/check-recording.js';
import { FakeSnmpClient, type FakeMib } from './helpers/fake-snmp.js';
import { startSnmpsim, type Snmpsim } from './helpers/snmpsim.js';

describe('Vertiv PDU recording through the vertiv-geist profile', () => {
  let sim: Snmpsim;
  before(async () => { sim = await startSnmpsim(); });
  after(async () => { await sim?.stop(); });

  it('MG02E4W1: one inlet, 3 phases, 6 breakers; every covered oracle sensor equal', async () => {
    const { reading, coverage } = await checkRecording(sim, 'vertiv-pdu_mg02e4w1', {
      profile: 'vertiv-geist', inlets: 1, phases: 3, banks: 6, outlets: 0, sensors: 0, ups: false, ats: false, minCovered: 14,
    });
    assert.equal(coverage.matched, coverage.covered);
    assert.deepEqual(
      { model: reading.identity.model, serial: reading.identity.serial, firmware: reading.identity.firmware },
      { model: 'MG02E4W1-42ITB3-3PS56B2A10-S', serial: 'ZY18120520', firmware: '3.4.0' },
    );
    assert.equal(reading.power.value, 1017);
    assert.equal(reading.energy.value, 8483.906); // pduTotalEnergy Wh → kWh
    const inlet = reading.inlets[0]!;
    assert.deepEqual([inlet.name, inlet.apparentPower.value, inlet.powerFactor.value], ['IMD PDU', 1067, 0.95]);
    assert.deepEqual(reading.phases.map((p) => [p.name, p.voltage.value, p.current.value, p.power.value]), [
      ['Phase A', 235, 0.95, 198], ['Phase B', 234.1, 1.87, 436], ['Phase C', 236.5, 1.7, 382],
    ]);
    assert.deepEqual(reading.banks.map((b) => [b.name, b.current.value, b.breaker]), [
      ['Circuit 1', 0.42, 'unknown'], ['Circuit 2', 0.51, 'unknown'], ['Circuit 3', 0.03, 'unknown'], // no breaker state in the MIB: never assumed ok
      ['Circuit 4', 1.81, 'unknown'], ['Circuit 5', 0.03, 'unknown'], ['Circuit 6', 1.69, 'unknown'],
    ]);
    assert.equal(reading.badValues, 0);
  });
});

describe('vertiv-geist outlets and remote sensors, as the MIB describes them', () => {
  const I = '1.3.6.1.4.1.21239.5.2';
  const outletsAndSensors = (temperatureUnits: 0 | 1): FakeMib => ({
    [`${I}.1.7.0`]: temperatureUnits,
    // pduOutletSwitchTable: on, off, turning off after a delay (still on), state unavailable
    [`${I}.3.5.1.2.1`]: 'Outlet 1', [`${I}.3.5.1.3.1`]: 'db-01 psu A', [`${I}.3.5.1.4.1`]: 1,
    [`${I}.3.5.1.2.2`]: 'Outlet 2', [`${I}.3.5.1.3.2`]: '', [`${I}.3.5.1.4.2`]: 2,
    [`${I}.3.5.1.2.3`]: 'Outlet 3', [`${I}.3.5.1.3.3`]: '', [`${I}.3.5.1.4.3`]: 3,
    [`${I}.3.5.1.2.4`]: 'Outlet 4', [`${I}.3.5.1.3.4`]: '', [`${I}.3.5.1.4.4`]: 7,
    // pduOutletMeterTable for outlet 1: 1.23 A, 250 W, 12345 Wh
    [`${I}.3.6.1.8.1`]: 123, [`${I}.3.6.1.12.1`]: 250, [`${I}.3.6.1.15.1`]: 12_345,
    // tempSensorTable: an available probe at 22.5 °C (72.5 °F), an unavailable one
    [`${I}.4.1.3.1`]: 'Cold aisle', [`${I}.4.1.4.1`]: 1, [`${I}.4.1.5.1`]: temperatureUnits === 1 ? 225 : 725,
    [`${I}.4.1.3.2`]: 'Hot aisle', [`${I}.4.1.4.2`]: 0, [`${I}.4.1.5.2`]: 0,
    // thdSensorTable: temperature and humidity of one probe
    [`${I}.9.1.3.1`]: 'Rack top', [`${I}.9.1.4.1`]: 1, [`${I}.9.1.5.1`]: temperatureUnits === 1 ? 300 : 860, [`${I}.9.1.6.1`]: 41,
  });

  it('reads outlet states, meters, and °C probes; an unavailable probe is unknown, not 0 °C', async () => {
    const result = await readDevice(new FakeSnmpClient(outletsAndSensors(1)), vertivGeist);
    assert.ok(result.ok);
    const r = result.value;
    assert.deepEqual(r.outlets.map((o) => [o.index, o.name, o.state]), [
      [1, 'db-01 psu A', 'on'], [2, 'Outlet 2', 'off'], [3, 'Outlet 3', 'on'], [4, 'Outlet 4', 'unknown'],
    ]);
    assert.deepEqual([r.outlets[0]!.current.value, r.outlets[0]!.power.value, r.outlets[0]!.energy.value], [1.23, 250, 12.345]);
    assert.deepEqual(r.sensors.map((s) => [s.index, s.kind, s.name, s.value.value, s.value.quality]), [
      [1, 'temperature', 'Cold aisle', 22.5, 'ok'],
      [2, 'temperature', 'Hot aisle', null, 'unknown'],
      [101, 'temperature', 'Rack top', 30, 'ok'],
      [201, 'humidity', 'Rack top', 41, 'ok'],
    ]);
  });

  it('converts probes of a device set to °F into °C', async () => {
    const result = await readDevice(new FakeSnmpClient(outletsAndSensors(0)), vertivGeist);
    assert.ok(result.ok);
    assert.deepEqual(result.value.sensors.map((s) => [s.index, s.value.value]), [[1, 22.5], [2, null], [101, 30], [201, 41]]);
  });
});
