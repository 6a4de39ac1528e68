// Enlogic PDUs, from recordings written from ENLOGIC-PDU-MIB (EN1.0: three-phase, with its sysObjectID) and
// ENLOGIC-PDU2-MIB (EN2.0: single-phase, no sysObjectID): served by snmpsim, detected, and read with the MIBs' scales.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { DeviceReading, Measure } from '../src/model.js';
import { detect } from '../src/profiles/detect.js';
import { enlogicPdu } from '../src/profiles/enlogic.js';
import { readDevice } from '../src/profiles/read-device.js';
import { detectAndRead } from './helpers/check-recording.js';
import { FakeSnmpClient, type FakeMib } from './helpers/fake-snmp.js';
import { fixtureRecordingsDir, startSnmpsim, type Snmpsim } from './helpers/snmpsim.js';

const num = (m: Measure) => (m.quality === 'ok' ? m.value : m.quality);

describe('enlogic-pdu: an EN1.0 three-phase PDU, found by its sysObjectID', () => {
  let sim: Snmpsim;
  let r: DeviceReading;
  before(async () => {
    sim = await startSnmpsim(undefined, [], [fixtureRecordingsDir()]);
    r = await detectAndRead(sim, 'enlogic_pdu_fixture', 'enlogic-pdu', 'sysObjectID');
  });
  after(async () => { await sim?.stop(); });

  it('identity from the nameplate columns both generations share: no serial or firmware guessed', () => {
    assert.deepEqual(r.identity, { vendor: 'Enlogic', model: 'EN1323', serial: null, firmware: null, name: 'dal3-r12-a' });
  });

  it('the unit as the device and its one inlet: W, VA, tenths of kWh, load state', () => {
    assert.deepEqual([num(r.power), num(r.energy), r.loadState], [2450, 12_345.6, 'normal']);
    assert.deepEqual(r.inlets.map((i) => [i.index, num(i.power), num(i.apparentPower), num(i.energy), i.loadState]), [[1, 2450, 2580, 12_345.6, 'normal']]);
    assert.deepEqual([num(r.inlets[0]!.voltage), num(r.inlets[0]!.current)], ['unknown', 'unknown']); // three phases: no one voltage is the inlet's
  });

  it('three phases: hundredths of amps, whole volts, watts', () => {
    assert.deepEqual(r.phases.map((p) => [p.index, num(p.voltage), num(p.current), num(p.power), p.loadState]), [
      [1, 230, 5.12, 1120, 'normal'], [2, 231, 0.03, 0, 'low'], [3, 229, 5.9, 1330, 'normal'],
    ]);
  });

  it('breakers: off(6) is tripped and no load verdict; an empty label falls back to the configured name', () => {
    assert.deepEqual(r.banks.map((b) => [b.index, b.name, num(b.current), num(b.rating), b.breaker, b.breakerInferred, b.loadState]), [
      [1, 'CB1', 5.12, 'unknown', 'ok', false, 'normal'],
      [2, 'CB2', 0, 'unknown', 'tripped', false, 'unknown'],
      [3, 'Breaker 3', 5.9, 'unknown', 'ok', false, 'normal'],
    ]);
  });

  it('six outlets: switched state, breaker, current, power and energy merged by outlet number', () => {
    assert.equal(r.outlets.length, 6);
    assert.deepEqual(r.outlets.map((o) => [o.index, o.state, o.bank]), [[1, 'on', 1], [2, 'on', 1], [3, 'on', 2], [4, 'on', 2], [5, 'off', 3], [6, 'on', 3]]);
    const o1 = r.outlets[0]!;
    assert.deepEqual([o1.name, num(o1.current), num(o1.power), num(o1.energy), o1.loadState], ['scan-071 psu1', 2.45, 540, 812.3, 'normal']);
    const o6 = r.outlets[5]!;
    assert.deepEqual([o6.name, num(o6.current), num(o6.power), num(o6.energy)], ['store-01 psu1', 5.9, 1330, 1502.2]);
  });

  it('sensors: tenths of °C preferred, humidity in %, a probe that lost communication unknown, an empty port none', () => {
    assert.deepEqual(r.sensors.map((s) => [s.index, s.kind, s.name, num(s.value)]), [
      [1, 'temperature', 'Rack 07 inlet', 24.3],
      [2, 'humidity', 'Rack 07 inlet RH', 41],
      [3, 'temperature', 'Rack 07 exhaust', 'unknown'], // commsLost(3): its 0 is no reading
    ]);
    assert.equal(r.badValues, 0);
  });
});

describe('enlogic-pdu2: an EN2.0 single-phase PDU without a sysObjectID, found by its probe', () => {
  let sim: Snmpsim;
  let r: DeviceReading;
  before(async () => {
    sim = await startSnmpsim(undefined, [], [fixtureRecordingsDir()]);
    r = await detectAndRead(sim, 'enlogic_pdu2_fixture', 'enlogic-pdu2', 'probe');
  });
  after(async () => { await sim?.stop(); });

  it('identity from the EN2.0 nameplate: serial and firmware one column on from EN1.0', () => {
    assert.deepEqual(r.identity, { vendor: 'Enlogic', model: 'EN2PS201R', serial: 'EN20C2005A0042', firmware: '3.1.2', name: 'lab-r02-b' });
  });

  it('the one phase is the inlet: voltage and current beside the unit totals', () => {
    assert.deepEqual(r.inlets.map((i) => [i.index, num(i.voltage), num(i.current), num(i.power), num(i.apparentPower), num(i.energy)]), [
      [1, 231, 8.12, 1830, 1900, 9876.5],
    ]);
    assert.deepEqual(r.phases.map((p) => [p.index, num(p.voltage), num(p.current), num(p.power)]), [[1, 231, 8.12, 1830]]);
  });

  it('breaker 2 off is tripped; the rating, whose unit the MIB does not state, is not read', () => {
    assert.deepEqual(r.banks.map((b) => [b.index, b.name, num(b.current), b.breaker, num(b.rating)]), [
      [1, 'CB1', 8.12, 'ok', 'unknown'], [2, 'CB2', 0, 'tripped', 'unknown'],
    ]);
  });

  it('outlet 2 off; a °F probe in tenths read as °C', () => {
    assert.deepEqual(r.outlets.map((o) => [o.index, o.name, o.state, o.bank, num(o.current)]), [
      [1, 'Outlet 1', 'on', 1, 8.12], [2, 'Outlet 2', 'off', 1, 0], [3, 'Outlet 3', 'on', 2, 0], [4, 'Outlet 4', 'on', 2, 0],
    ]);
    assert.deepEqual(r.sensors.map((s) => [s.index, s.kind, s.name, num(s.value)]), [[1, 'temperature', 'Intake', 24]]); // 75.2 °F
    assert.equal(r.badValues, 0);
  });

  it('the same device giving the pdu node as its sysObjectID is read by enlogic-pdu: no part number taken for a serial', async () => {
    const result = await readDevice(sim.client('enlogic_pdu2_fixture'), enlogicPdu);
    assert.ok(result.ok);
    assert.deepEqual(result.value.identity, { vendor: 'Enlogic', model: 'EN2PS201R', serial: null, firmware: null, name: 'lab-r02-b' });
    assert.deepEqual(result.value.banks.map((b) => b.breaker), ['ok', 'tripped']);
  });
});

describe('enlogic detection without a sysObjectID', () => {
  /** A fixture as a fake device, its sysObjectID left out. */
  const withoutSysObjectId = (name: string): FakeMib => Object.fromEntries(
    readFileSync(join(fixtureRecordingsDir(), `${name}.snmprec`), 'utf8').trim().split('\n')
      .map((line) => line.split('|'))
      .filter(([oid, type]) => oid !== '1.3.6.1.2.1.1.2.0' && (type === '2' || type === '4'))
      .map(([oid, type, value]) => [oid!, type === '2' ? Number(value) : Buffer.from(value ?? '')]),
  );

  it('an EN1.0 nameplate (no column 16) is not taken for EN2.0: found by probe as enlogic-pdu', async () => {
    const detected = await detect(new FakeSnmpClient(withoutSysObjectId('enlogic_pdu_fixture')));
    assert.ok(detected.ok);
    assert.deepEqual([detected.value.profile.name, detected.value.how], ['enlogic-pdu', 'probe']);
  });
});
