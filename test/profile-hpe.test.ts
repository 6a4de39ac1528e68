// HPE PDUs and UPSes (CPQPOWER-MIB): a real G3 metered/switched PDU recording checked against the oracle, and
// recordings written from the MIB (test/fixtures/snmprec) for a G2 intelligent PDU and a UPS network module,
// served by snmpsim, detected and read end to end.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Measure } from '../src/model.js';
import { readDevice } from '../src/profiles/read-device.js';
import { hpePdu } from '../src/profiles/hpe-pdu.js';
import { checkRecording, detectAndRead } from './helpers/check-recording.js';
import { FakeSnmpClient } from './helpers/fake-snmp.js';
import { fixtureRecordingsDir, startSnmpsim, type Snmpsim } from './helpers/snmpsim.js';

const v = (m: Measure) => m.value;
const unknown = { value: null, quality: 'unknown' };


describe('HPE through the hpe-pdu and hpe-ups profiles', () => {
  let sim: Snmpsim;
  before(async () => { sim = await startSnmpsim(undefined, [], [fixtureRecordingsDir()]); });
  after(async () => { await sim?.stop(); });

  it('a real G3 metered/switched PDU (pdu3): every covered oracle sensor equal, whole watts and hundredths of PF as the unit sends them', async () => {
    const { reading, coverage } = await checkRecording(sim, 'hpe-mapdu_pdu3', {
      profile: 'hpe-pdu', inlets: 1, phases: 1, banks: 0, sensors: 0, ups: false, ats: false, minCovered: 70,
    });
    assert.equal(coverage.matched, coverage.covered);
    assert.deepEqual([reading.identity.vendor, reading.identity.model, reading.identity.firmware], ['HPE', 'P9S18A', '2.0.0.J']); // managementModuleIdent
    assert.equal(reading.power.value, 154);
    const inlet = reading.inlets[0]!;
    assert.deepEqual([v(inlet.power), v(inlet.powerFactor), v(inlet.frequency)], [154, 0.98, 50]);
    // phases 2 and 3 of this single-phase unit carry pdu3InputPhaseIndex 0: not phases
    assert.deepEqual(reading.phases.map((p) => [p.index, v(p.voltage), v(p.current), v(p.power)]), [[1, 229.8, 0.65, 154]]);
    assert.deepEqual(reading.outlets.slice(20, 23).map((o) => [o.index, o.name, o.state, v(o.current), v(o.power)]), [
      [21, 'OUTLET21', 'on', 0.26, 65], [22, 'OUTLET22', 'on', 0.09, 14], [23, 'OUTLET23', 'on', 0.32, 74],
    ]);
    // the empty slots report control status 0, which the MIB does not define
    assert.ok(reading.outlets.slice(24).every((o) => o.state === 'unknown'));
    assert.equal(reading.badValues, 0);
  });

  it('a G2 intelligent PDU (pdu2): mV, mA, Wh and thousandths of PF scaled; breakers on and off; outlet states; -1 unknown', async () => {
    const r = await detectAndRead(sim, 'hpe_pdu_fixture', 'hpe-pdu');
    assert.deepEqual(r.identity, { vendor: 'HPE', model: 'HPE G2 Metered & Switched 3Ph 22kVA', serial: 'CN98765432', firmware: '2.0.22', name: 'dal3-r07-a' });
    assert.deepEqual([v(r.power), v(r.energy)], [3300, 1234.567]);
    const inlet = r.inlets[0]!;
    assert.deepEqual([r.inlets.length, v(inlet.power), v(inlet.apparentPower), v(inlet.powerFactor), v(inlet.energy), v(inlet.frequency)], [1, 3300, 3456, 0.955, 1234.567, 50]);
    // three phases; the neutral current row is not one
    assert.deepEqual(r.phases.map((p) => [p.index, v(p.voltage), v(p.current), v(p.power), p.loadState]), [
      [1, 230.1, 4.52, 1040, 'normal'], [2, 229.8, 5.01, 1150, 'normal'], [3, 231.4, 6.133, 1110, 'near-overload'],
    ]);
    // breaker groups only (the outlet section has no breaker); breakerOff is a dead branch
    assert.deepEqual(r.banks.map((b) => [b.index, b.name, v(b.current), v(b.rating), b.breaker, b.breakerInferred]), [
      [1, 'Breaker L1', 4.52, 16, 'ok', false], [2, 'Breaker L2', 0, 16, 'tripped', false],
    ]);
    // on, off, pendingOff (still on), pendingOn (still off); -1 watts and Wh are unknown, not 0
    assert.deepEqual(r.outlets.map((o) => [o.index, o.name, o.state, v(o.current), v(o.power), v(o.energy)]), [
      [1, 'db-01 psu A', 'on', 1.25, 280, 45], [2, 'Outlet 2', 'off', 0, 0, 0], [3, 'Outlet 3', 'on', 2.1, null, 12], [4, 'Outlet 4', 'off', 0.8, 170, null],
    ]);
    assert.deepEqual(r.outlets[2]!.power, unknown);
    // a connected probe in tenths of °C; a disconnected one is no sensor; a bad one is unknown
    assert.deepEqual(r.sensors.map((s) => [s.index, s.kind, s.name, s.value.value, s.value.quality]), [
      [1, 'temperature', 'Inlet air', 23.5, 'ok'], [101, 'humidity', 'Inlet air', null, 'unknown'],
    ]);
    assert.equal(r.badValues, 0);
  });

  it('a UPS network module on battery: source, runtime in s, voltages, load; what the MIB lacks stays unknown', async () => {
    const r = await detectAndRead(sim, 'hpe_ups_fixture', 'hpe-ups');
    assert.deepEqual([r.identity.vendor, r.identity.model, r.identity.firmware, r.identity.name], ['HP', 'HP R5000;AF465A;CN1234ABCD', 'INV: 1.27 NET: 2.1.0', 'dal3-ups-1']);
    const u = r.ups!;
    assert.equal(u.source, 'battery'); // upsOutputSource battery(5)
    assert.deepEqual(
      [v(u.runtime), v(u.charge), v(u.batteryVoltage), v(u.load), v(u.inputVoltage), v(u.inputFrequency), v(u.outputVoltage), v(u.outputCurrent), v(u.outputPower), v(u.outputFrequency), v(u.temperature)],
      [1260, 87, 240, 42, 0, 0, 230, 9, 1890, 50, 27],
    );
    // no battery-status object in CPQPOWER-MIB and no UPS-MIB on this card: unknown, never "normal"
    assert.equal(u.batteryStatus, 'unknown');
    assert.deepEqual([u.timeOnBattery, u.alarms], [unknown, unknown]);
    assert.deepEqual(r.inlets.map((i) => [v(i.voltage), v(i.current)]), [[0, 0]]);
    assert.deepEqual(r.phases.map((p) => [p.index, v(p.voltage), v(p.current), v(p.power)]), [[1, 230, 9, 1890]]);
    // upsBypassTable and upsBypassFrequency: the bypass shares the failed input
    assert.deepEqual(r.bypass.map((b) => [b.index, v(b.voltage), v(b.frequency), b.current.quality]), [[1, 0, 0, 'unknown']]);
    assert.deepEqual(r.outlets.map((o) => [o.index, o.state]), [[1, 'on'], [2, 'off']]); // upsRecepStatus
    // ambient temperature and humidity; the remote probe is absent: no sensor
    assert.deepEqual(r.sensors.map((s) => [s.index, s.kind, s.value.value]), [[1, 'temperature', 27], [101, 'humidity', 38]]);
    assert.equal(r.badValues, 0);
  });
});

describe('hpe-pdu tables the recordings do not cover, as the MIB describes them', () => {
  const P = '1.3.6.1.4.1.232.165';

  it('G3 (pdu3): tenths of V, hundredths of A, a °F probe to °C, kWh outlet energy, breaker off', async () => {
    const r = await readDevice(new FakeSnmpClient({
      [`${P}.11.2.2.1.1.1.1`]: 1, [`${P}.11.2.2.1.3.1.1`]: 2084, [`${P}.11.2.2.1.11.1.1`]: 1234, [`${P}.11.2.2.1.20.1.1`]: 2400,
      [`${P}.11.3.1.1.2.1.1`]: 'CB1', [`${P}.11.3.1.1.3.1.1`]: 3, [`${P}.11.3.1.1.11.1.1`]: 2000, [`${P}.11.3.1.1.12.1.1`]: 1234, [`${P}.11.3.1.1.26.1.1`]: 3,
      [`${P}.11.4.1.1.1.1`]: 2, // fahrenheit
      [`${P}.11.4.2.1.2.1.1`]: 'Top', [`${P}.11.4.2.1.3.1.1`]: 2, [`${P}.11.4.2.1.4.1.1`]: 770,
      [`${P}.11.5.1.1.2.1.1`]: 'web-01', [`${P}.11.5.1.1.5.1.1`]: 512, [`${P}.11.5.1.1.13.1.1`]: 1100, [`${P}.11.5.1.1.14.1.1`]: 37,
      [`${P}.11.5.2.1.1.1.1`]: 1,
    }), hpePdu);
    assert.ok(r.ok);
    assert.deepEqual(r.value.phases.map((p) => [v(p.voltage), v(p.current), v(p.power)]), [[208.4, 12.34, 2400]]);
    assert.deepEqual(r.value.banks.map((b) => [b.name, v(b.rating), v(b.current), b.breaker]), [['CB1', 20, 12.34, 'tripped']]);
    assert.deepEqual(r.value.outlets.map((o) => [o.name, o.state, v(o.current), v(o.power), v(o.energy)]), [['web-01', 'off', 5.12, 1100, 37]]);
    assert.deepEqual(r.value.sensors.map((s) => [s.name, s.value.value]), [['Top', 25]]);
  });

  it('modular PDUs (mpdu): outputs as banks in 0.01 A with their rating; extension-bar outlets; -1 unknown', async () => {
    const r = await readDevice(new FakeSnmpClient({
      [`${P}.5.1.2.1.3.1`]: 'AF531A', [`${P}.5.1.2.1.38.1`]: -1,
      [`${P}.5.2.1.1.3.1.1`]: 16, [`${P}.5.2.1.1.7.1.1`]: 175, [`${P}.5.2.1.1.3.1.2`]: 16, [`${P}.5.2.1.1.7.1.2`]: -1,
      [`${P}.5.4.1.1.6.1.1.1`]: 88, [`${P}.5.4.1.1.7.1.1.1`]: 190, [`${P}.5.4.1.1.9.1.1.1`]: 'db-07', [`${P}.5.4.1.1.20.1.1.1`]: 5000,
    }), hpePdu);
    assert.ok(r.ok);
    assert.equal(r.value.identity.model, 'AF531A');
    assert.deepEqual(r.value.power, unknown);
    assert.deepEqual(r.value.banks.map((b) => [b.index, v(b.rating), v(b.current), b.breaker]), [[1, 16, 1.75, 'unknown'], [2, 16, null, 'unknown']]);
    assert.deepEqual(r.value.outlets.map((o) => [o.name, v(o.current), v(o.power), v(o.energy), o.state]), [['db-07', 0.88, 190, 5, 'unknown']]);
  });
});
