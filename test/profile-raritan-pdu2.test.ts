// Real Raritan PX2/PX3 PDUs, recorded: served by snmpsim, detected and read through the raritan-pdu2 profile.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { raritanPdu2 } from '../src/profiles/raritan-pdu2.js';
import { readDevice } from '../src/profiles/read-device.js';
import { checkRecording } from './helpers/check-recording.js';
import { FakeSnmpClient } from './helpers/fake-snmp.js';
import { startSnmpsim, type Snmpsim } from './helpers/snmpsim.js';

describe('Raritan PDU2-MIB recordings through the raritan-pdu2 profile', () => {
  let sim: Snmpsim;
  before(async () => { sim = await startSnmpsim(); });
  after(async () => { await sim?.stop(); });

  it('PX2 (old firmware, no state columns): one inlet, 12 outlets; every oracle sensor covered and equal', async () => {
    const { reading, coverage } = await checkRecording(sim, 'raritan-pdu_px2', { profile: 'raritan-pdu2', inlets: 1, phases: 0, banks: 0, outlets: 12, sensors: 0, minCovered: 28 });
    assert.equal(coverage.covered, coverage.total);
    const inlet = reading.inlets[0]!;
    assert.equal(inlet.name, 'I1');
    assert.equal(inlet.current.value, 0.68); // 680 with inletSensorDecimalDigits 3
    assert.equal(inlet.frequency.value, 50); // 500 with 1 digit
    assert.equal(reading.outlets[0]!.name, '1'); // outletName empty: outletLabel
    assert.equal(reading.outlets[2]!.name, 'OUTLET3');
    // This agent serves no measurements…SensorState: outlet state is unknown, never assumed on.
    assert.ok(reading.outlets.every((o) => o.state === 'unknown' && o.bank === null));
  });

  it('PX3-5493U-K2: inlet, 2 breakers, 24 outlets on them, 2 temperature sensors', async () => {
    const { reading } = await checkRecording(sim, 'raritan-pdu_px3', { profile: 'raritan-pdu2', inlets: 1, phases: 0, banks: 2, outlets: 24, sensors: 2, minCovered: 82 });
    assert.deepEqual(
      { model: reading.identity.model, serial: reading.identity.serial, firmware: reading.identity.firmware },
      { model: 'PX3-5493U-K2', serial: null, firmware: '4.2.0.5-50274' }, // the serial is "<private>"
    );
    const inlet = reading.inlets[0]!;
    assert.equal(inlet.powerFactor.value, 0.98); // 98 with 2 digits
    assert.equal(inlet.energy.value, 74_057.676); // Wh → kWh
    assert.equal(inlet.loadState, 'normal');
    assert.deepEqual(reading.banks.map((b) => [b.name, b.breaker, b.breakerInferred, b.rating.value]), [['C1', 'ok', false, 16], ['C2', 'ok', false, 16]]);
    // outletPowerSource points at overCurrentProtectorLabel: outlets 1-12 behind C1, 13-24 behind C2.
    assert.deepEqual(reading.outlets.map((o) => o.bank), [...Array(12).fill(1), ...Array(12).fill(2)]);
    assert.ok(reading.outlets.every((o) => o.state === 'on'));
    assert.equal(reading.outlets[23]!.name, 'DEVICE 1:PS1:Installed');
    assert.deepEqual(reading.sensors.map((s) => [s.kind, s.name, s.value.value]), [['temperature', 'R03 Inlet Temperature', 23.1], ['temperature', 'R03 Outlet Temperature', 29.8]]);
    assert.equal(reading.badValues, 0);
  });
});

// A PX3 in trouble, as the MIB describes it (no recording has one): a tripped breaker, an outlet
// switched off, a sensor without a reading, an outlet fed straight from the inlet, a °F sensor.
describe('raritan-pdu2 on a faulted PDU', () => {
  const P = '1.3.6.1.4.1.13742.6';
  const rows: Record<string, unknown> = {
    [`${P}.3.4.3.1.2.1.1`]: Buffer.from('C1'), // overCurrentProtectorLabel
    [`${P}.3.4.3.1.5.1.1`]: Buffer.from('20A'), // overCurrentProtectorRatedCurrent
    [`${P}.5.3.3.1.3.1.1.1`]: 4, [`${P}.5.3.3.1.4.1.1.1`]: 0, // rmsCurrent normal, 0 A
    [`${P}.5.3.3.1.3.1.1.15`]: 0, [`${P}.5.3.3.1.4.1.1.15`]: 0, // trip: open
    [`${P}.3.5.3.1.33.1.1`]: `${P}.3.4.3.1.2.1.1`, // outlet 1 → C1
    [`${P}.3.5.3.1.33.1.2`]: `${P}.3.3.3.1.2.1.1`, // outlet 2 → inletLabel.1.1 (no breaker)
    [`${P}.5.4.3.1.3.1.1.14`]: 8, [`${P}.5.4.3.1.3.1.2.14`]: 7, // onOff: off, on
    [`${P}.5.4.3.1.3.1.2.1`]: -1, [`${P}.5.4.3.1.4.1.2.1`]: 0, // outlet 2 current: unavailable
    [`${P}.5.4.3.1.3.1.2.5`]: 4, [`${P}.5.4.3.1.4.1.2.5`]: 123, // outlet 2 power: 123 W
    [`${P}.3.6.3.1.2.1.1`]: 10, [`${P}.3.6.3.1.16.1.1`]: 14, [`${P}.3.6.3.1.17.1.1`]: 1, // temperature in degreeF
    [`${P}.5.5.3.1.3.1.1`]: 4, [`${P}.5.5.3.1.4.1.1`]: 770,
  };
  const client = new FakeSnmpClient(rows, { verbatim: true });

  it('reads the trip, the off outlet, the unavailable sensor and the breakerless outlet as the MIB means them', async () => {
    const result = await readDevice(client, raritanPdu2);
    assert.ok(result.ok);
    const r = result.value;
    assert.deepEqual(r.banks.map((b) => [b.index, b.name, b.breaker, b.rating.value]), [[1, 'C1', 'tripped', 20]]);
    assert.deepEqual(r.outlets.map((o) => [o.index, o.state, o.bank]), [[1, 'off', 1], [2, 'on', null]]);
    assert.deepEqual(r.outlets[1]!.current, { value: null, quality: 'unknown' }); // state unavailable(-1): no reading, not 0 A
    assert.equal(r.outlets[1]!.power.value, 123);
    assert.deepEqual(r.sensors, []); // a °F reading is never passed off as °C
  });
});
