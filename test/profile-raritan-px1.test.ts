// Raritan Dominion PX, first generation (PDU-MIB, raritan 4): recordings written from the MIB (test/fixtures/snmprec),
// served by snmpsim, detected and read end to end; PX2/PX3 (PDU2-MIB) recordings stay with raritan-pdu2.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Measure } from '../src/model.js';
import { detect } from '../src/profiles/detect.js';
import { profiles } from '../src/profiles/index.js';
import { raritanPx1 } from '../src/profiles/raritan-px1.js';
import { readDevice } from '../src/profiles/read-device.js';
import { TrapClassifier } from '../src/traps/classify.js';
import { detectAndRead } from './helpers/check-recording.js';
import { FakeSnmpClient } from './helpers/fake-snmp.js';
import { fixtureRecordingsDir, startSnmpsim, type Snmpsim } from './helpers/snmpsim.js';

const v = (m: Measure) => m.value;
const unknown = { value: null, quality: 'unknown' };
const PDU = '1.3.6.1.4.1.13742.4';

describe('Raritan PX1 through the raritan-px1 profile', () => {
  let sim: Snmpsim;
  before(async () => { sim = await startSnmpsim(undefined, [], [fixtureRecordingsDir()]); });
  after(async () => { await sim?.stop(); });

  it('a three-phase PX: milliamps, millivolts, watt-hours; breaker C2 tripped; outlet states off(0) on(1), cycling and error unknown', async () => {
    const r = await detectAndRead(sim, 'raritan-px1_fixture', 'raritan-px1');
    // the model and name are accessible-for-notify objects: not read
    assert.deepEqual(r.identity, { vendor: 'Raritan', model: null, serial: 'PKF2450118', firmware: '1.5.8.20120', name: null });
    assert.equal(v(r.power), 957); // unitActivePower, W
    const inlet = r.inlets[0]!;
    assert.equal(r.inlets.length, 1);
    assert.deepEqual([v(inlet.power), v(inlet.apparentPower), v(inlet.powerFactor), v(inlet.energy)], [957, 996, 0.96, 12_345.678]);
    // inletCurrent and inletVoltage report 0 on a three-phase inlet: unknown, never 0 A / 0 V
    assert.deepEqual([inlet.current, inlet.voltage], [unknown, unknown]);
    // inletPoleActivePower is valid on inline meters only: not read
    assert.deepEqual(r.phases.map((p) => [p.index, p.name, v(p.current), v(p.voltage), v(p.power)]), [
      [1, 'L1', 2.23, 230.1, null], [2, 'L2', 0, 229.8, null], [3, 'L3', 2.1, 231, null],
    ]);
    assert.deepEqual(r.banks.map((b) => [b.index, b.name, b.breaker, b.breakerInferred, v(b.current), v(b.rating)]), [
      [1, 'C1', 'ok', false, 2.23, 20], [2, 'C2', 'tripped', false, 0, 20], [3, 'C3', 'ok', false, 2.1, 20],
    ]);
    assert.deepEqual(r.outlets.map((o) => [o.index, o.name, o.state, v(o.current), v(o.power), v(o.energy), o.bank]), [
      [1, 'web-01 psu A', 'on', 1.25, 275, 1_834.567, null],
      [2, 'web-02 psu A', 'on', 0.98, 212, 612.345, null],
      [3, 'db-01 psu A', 'off', 0, 0, null, null], // outletWattHours 0: the placeholder of a unit without energy support
      [4, 'scan-071 psu A', 'on', 2.1, 470, 99.999, null],
      [5, 'scan-072 psu A', 'unknown', 0, 0, 45.678, null], // cycling(2)
      [6, 'Outlet 6', 'unknown', 0, 0, null, null], // error(-1)
    ]);
    assert.deepEqual(r.outlets[2]!.energy, unknown);
    // externalSensorTable: decimal digits applied; the unavailable(-1) sensor unknown; the smoke detector not a reading
    assert.deepEqual(r.sensors.map((s) => [s.index, s.kind, s.name, s.value.value, s.value.quality]), [
      [1, 'temperature', 'Rack front', 23.5, 'ok'], [2, 'humidity', 'Rack front', 41, 'ok'], [3, 'temperature', 'Rack rear', null, 'unknown'],
    ]);
    assert.equal(r.badValues, 0);
  });

  it('a single-phase PX behind an OEM sysObjectID, found by probe: its inlet current and voltage, a °F sensor in °C', async () => {
    const r = await detectAndRead(sim, 'raritan-px1_probe_fixture', 'raritan-px1', 'probe');
    assert.deepEqual([r.identity.serial, r.identity.firmware], ['PKE1234567', '1.3.5.7416']);
    assert.deepEqual(r.inlets.map((i) => [i.index, v(i.current), v(i.voltage), v(i.power), v(i.apparentPower), v(i.powerFactor), v(i.energy)]), [
      [1, 0.45, 120.3, 52, 54, 0.96, null], // inletActiveEnergy 0 with outletEnergySupport No: unknown
    ]);
    assert.deepEqual(r.phases.map((p) => [p.index, p.name, v(p.current), v(p.voltage)]), [[1, 'L1', 0.45, 120.3]]);
    assert.deepEqual(r.banks.map((b) => [b.index, b.name, b.breaker, v(b.current), v(b.rating)]), [[1, 'CB1', 'ok', 0.45, 15]]);
    assert.deepEqual(r.outlets.map((o) => [o.index, o.name, o.state, v(o.current), v(o.power), v(o.energy)]), [
      [1, 'ntp-01', 'on', 0.45, 52, null], [2, 'ntp-02', 'off', 0, 0, null],
    ]);
    assert.deepEqual(r.sensors.map((s) => [s.index, s.kind, s.name, s.value.value]), [[1, 'temperature', 'Cold aisle', 25]]); // 77.0 °F
    assert.deepEqual(r.power, unknown); // no unitActivePower in this recording
  });

  it('PX2/PX3 recordings stay raritan-pdu2; no other recording is claimed by raritan-px1', async () => {
    for (const recording of ['raritan-pdu_px2', 'raritan-pdu_px3']) {
      const d = await detect(sim.client(recording));
      assert.ok(d.ok);
      assert.equal(d.value.profile.name, 'raritan-pdu2', recording);
    }
    for (const recording of ['apc_ap7900b', 'sentry4', 'dell_rpdu_fixture', 'unknown_device', 'wti_vmr_fixture', 'wti_mpc_fixture']) {
      const d = await detect(sim.client(recording));
      assert.ok(!d.ok || d.value.profile.name !== 'raritan-px1', recording);
    }
  });
});

describe('raritan-px1 without a recording', () => {
  it('a PX2 answering both trees is detected by its sysObjectID (pdu2), never as a PX1', async () => {
    const client = new FakeSnmpClient({ '1.3.6.1.2.1.1.2.0': { oid: '1.3.6.1.4.1.13742.6' }, [`${PDU}.1.2.2.1.3.1`]: 1 });
    const d = await detect(client);
    assert.ok(d.ok);
    assert.equal(d.value.profile.name, 'raritan-pdu2');
  });

  it('a breaker state outside ok(0)/tripped(1) is unknown, a sensor of another unit (pascal) is not read', async () => {
    const r = await readDevice(new FakeSnmpClient({
      [`${PDU}.1.5.2.1.2.1`]: 'C1', [`${PDU}.1.5.2.1.3.1`]: 7,
      [`${PDU}.3.3.1.2.1`]: 10, [`${PDU}.3.3.1.4.1`]: 'odd', [`${PDU}.3.3.1.16.1`]: 11, [`${PDU}.3.3.1.41.1`]: 1013,
    }), raritanPx1);
    assert.ok(r.ok);
    assert.deepEqual(r.value.banks.map((b) => [b.name, b.breaker]), [['C1', 'unknown']]);
    assert.deepEqual(r.value.sensors, []);
  });
});

describe('raritan-px1 traps', () => {
  it('powerControl carries the new outlet state; circuitBreakerTripped names its breaker by circuitBreakerLabel', () => {
    const classifier = new TrapClassifier(profiles);
    const off = classifier.classify({ trapOid: `${PDU}.0.23`, varbinds: [
      { oid: `${PDU}.1.2.2.1.2.4`, type: 4, value: 'scan-071 psu A' }, { oid: `${PDU}.1.2.2.1.3.4`, type: 2, value: 0 },
    ] });
    assert.deepEqual([off.profile, off.name, off.event, off.entity], ['raritan-px1', 'powerControl', 'outlet-off', { outlet: 4 }]);
    const tripped = classifier.classify({ trapOid: `${PDU}.0.51`, varbinds: [{ oid: `${PDU}.1.5.2.1.2.2`, type: 4, value: 'C2' }] });
    assert.deepEqual([tripped.profile, tripped.event, tripped.entity], ['raritan-px1', 'breaker-tripped', { bank: 2 }]);
  });
});
