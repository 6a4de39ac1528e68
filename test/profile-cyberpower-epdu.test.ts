// A real CyberPower PDU81005 (switched, metered by outlet, 8 outlets), recorded: served by snmpsim,
// detected and read through the cyberpower-epdu profile; then an older ePDU-branch-only unit with
// banks and an environment probe, as CPS-MIB describes it (the recording has neither).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { cyberpowerEpdu } from '../src/profiles/cyberpower-epdu.js';
import { detectProfile } from '../src/profiles/detect.js';
import { readDevice } from '../src/profiles/read-device.js';
import { checkRecording } from './helpers/check-recording.js';
import { FakeSnmpClient, oidValue, tableCells, withSysObjectId } from './helpers/fake-snmp.js';
import { startSnmpsim, type Snmpsim } from './helpers/snmpsim.js';

describe('CyberPower PDU recording through the cyberpower-epdu profile', () => {
  let sim: Snmpsim;
  before(async () => { sim = await startSnmpsim(); });
  after(async () => { await sim?.stop(); });

  it('PDU81005: ePDU2 outlets, the ePDU load table\'s first row as phase 1; covered oracle sensors equal', async () => {
    // The oracle's other three sensors are row 2 of ePDULoadStatusTable, served without its phase and
    // bank number columns: a bank (phases come first) that cannot be placed without them.
    const { reading, coverage } = await checkRecording(sim, 'cyberpower_pdu81005', { profile: 'cyberpower-epdu', inlets: 0, phases: 1, banks: 0, outlets: 8, sensors: 0, minCovered: 3 });
    assert.equal(coverage.matched, coverage.covered);
    assert.deepEqual({ model: reading.identity.model, serial: reading.identity.serial, firmware: reading.identity.firmware }, { model: 'PDU81005', serial: 'NKVQV2000013', firmware: '1.3.4' });
    // ePDULoadStatusLoad 11 (tenths of amps; the oracle labels it a voltage), …Voltage 2290 (tenths of volts), …ActivePower 216 W
    assert.deepEqual(reading.phases.map((p) => [p.index, p.current.value, p.voltage.value, p.power.value]), [[1, 1.1, 229, 216]]);
    assert.ok(reading.outlets.every((o) => o.state === 'on')); // ePDU2OutletSwitchedStatusState outletStatusOn(1)
    // ePDU2OutletMeteredStatusLoad 4 (0.4 A), …ActivePower 82 W, …Energy 31 (3.1 kWh)
    const fifth = reading.outlets[4]!;
    assert.deepEqual([fifth.index, fifth.current.value, fifth.power.value, fifth.energy.value], [5, 0.4, 82, 3.1]);
    assert.equal(reading.badValues, 0);
  });

  it('finds the PDU by its objects when the sysObjectID is garbage', async () => {
    const real = sim.client('cyberpower_pdu81005');
    const garbled = withSysObjectId(real, '0.0');
    const detected = await detectProfile(garbled, 'auto');
    assert.ok(detected.ok);
    assert.equal(detected.value.name, 'cyberpower-epdu');
  });
});

describe('cyberpower-epdu on an ePDU-branch unit with banks and a probe, as the MIB describes it', () => {
  const P = '1.3.6.1.4.1.3808.1.1.3';
  const mib = {
    '1.3.6.1.2.1.1.2.0': oidValue(P),
    [`${P}.1.5.0`]: 'PDU20SWHVT19ATNET', // ePDUIdentModelNumber
    // ePDULoadStatusTable: phase 1, then banks 1 and 2 (…Load tenths of A, …LoadState, …PhaseNumber, …BankNumber, …Voltage, …ActivePower)
    ...tableCells(`${P}.2.3.1.1`, '', { 2: [85, 85, 0], 3: [1, 3, 2], 4: [1, 1, 1], 5: [0, 1, 2], 6: [1200, 1200, 1200], 7: [980, 980, 0] }),
    // ePDUOutletStatusTable: bank 2's outlets both off and drawing nothing (…Name, …State, …Bank, …Load)
    ...tableCells(`${P}.3.5.1.1`, '', { 2: ['web-1', 'web-2', 'db-1', 'db-2'], 4: [1, 1, 2, 2], 6: [1, 1, 2, 2], 7: [40, 45, 0, 0] }),
    [`${P}.5.7.0`]: 1200, // ePDUStatusInputVoltage
    [`${P}.5.8.0`]: 600, // ePDUStatusInputFrequency
    '1.3.6.1.4.1.3808.1.1.4.2.1.0': 743, // envirTemperature: 74.3 °F
    '1.3.6.1.4.1.3808.1.1.4.2.6.0': 235, // envirTemperatureCelsius: 23.5 °C
    '1.3.6.1.4.1.3808.1.1.4.3.1.0': 40, // envirHumidity %
  };

  it('reads phases and banks apart, infers a bank\'s breaker from its outlets, reads the probe', async () => {
    const client = new FakeSnmpClient(mib);
    const detected = await detectProfile(client, 'auto');
    assert.ok(detected.ok);
    assert.equal(detected.value.name, 'cyberpower-epdu');
    const result = await readDevice(client, cyberpowerEpdu);
    assert.ok(result.ok);
    const r = result.value;
    assert.equal(r.identity.model, 'PDU20SWHVT19ATNET');
    assert.deepEqual(r.inlets.map((i) => [i.index, i.voltage.value, i.frequency.value]), [[1, 120, 60]]);
    assert.deepEqual(r.phases.map((p) => [p.index, p.current.value, p.voltage.value, p.power.value, p.loadState]), [[1, 8.5, 120, 980, 'normal']]);
    // No breaker object in CPS-MIB: bank 2, all outlets off and drawing nothing, has lost its breaker.
    assert.deepEqual(r.banks.map((b) => [b.index, b.current.value, b.loadState, b.breaker, b.breakerInferred]), [
      [1, 8.5, 'near-overload', 'ok', true], [2, 0, 'low', 'tripped', true],
    ]);
    assert.deepEqual(r.outlets.map((o) => [o.index, o.name, o.state, o.bank, o.current.value]), [
      [1, 'web-1', 'on', 1, 4], [2, 'web-2', 'on', 1, 4.5], [3, 'db-1', 'off', 2, 0], [4, 'db-2', 'off', 2, 0],
    ]);
    // The Celsius object wins over the Fahrenheit one; humidity is numbered after temperature.
    assert.deepEqual(r.sensors.map((s) => [s.index, s.kind, s.value.value]), [[1, 'temperature', 23.5], [101, 'humidity', 40]]);
  });

  it('converts the Fahrenheit-only probe of older firmware', async () => {
    const { ['1.3.6.1.4.1.3808.1.1.4.2.6.0']: _celsius, ...older } = mib;
    const result = await readDevice(new FakeSnmpClient(older), cyberpowerEpdu);
    assert.ok(result.ok);
    assert.equal(result.value.sensors[0]!.value.value, 23.5); // (74.3 − 32) × 5/9
  });
});
