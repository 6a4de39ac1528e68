// ATEN eco PDUs (ATEN-PE-CFG) and ICT DC distribution panels (ICT-PDU-MIB): recordings written from the MIBs
// (test/fixtures/snmprec), served by one snmpsim, detected and read end to end.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Measure } from '../src/model.js';
import { atenPdu } from '../src/profiles/aten.js';
import { detect } from '../src/profiles/detect.js';
import { ictPdu } from '../src/profiles/ict.js';
import { profiles } from '../src/profiles/index.js';
import { readDevice } from '../src/profiles/read-device.js';
import { TrapClassifier } from '../src/traps/classify.js';
import { detectAndRead } from './helpers/check-recording.js';
import { FakeSnmpClient } from './helpers/fake-snmp.js';
import { fixtureRecordingsDir, recordingsDir, startSnmpsim, type Snmpsim } from './helpers/snmpsim.js';

const num = (m: Measure) => (m.quality === 'ok' ? m.value : m.quality);
const PE = '1.3.6.1.4.1.21317.1.3.2.2';
const PANEL = '1.3.6.1.4.1.39145.10';

describe('ATEN and ICT recordings', () => {
  let sim: Snmpsim;
  before(async () => { sim = await startSnmpsim(undefined, [], [fixtureRecordingsDir()]); });
  after(async () => { await sim?.stop(); });

  it('aten-pdu: a PE8208G by sysObjectID, thousandths of A, V and W; bank 2\'s breaker open', async () => {
    const r = await detectAndRead(sim, 'aten_pe8208g_fixture', 'aten-pdu');
    assert.deepEqual(r.identity, { vendor: 'ATEN', model: 'PE8208G', serial: null, firmware: 'v1.4.121', name: 'ams1-r12-pdu-b' });
    assert.equal(num(r.power), 526.8);
    assert.deepEqual(r.inlets.map((i) => [i.index, num(i.current), num(i.voltage), num(i.power), num(i.energy)]), [[1, 2.449, 230.15, 526.8, 'unknown']]);
    assert.deepEqual(r.phases, []);
    assert.deepEqual(r.banks.map((b) => [b.index, b.name, num(b.current), num(b.rating), b.breaker, b.breakerInferred]), [
      [1, 'Bank 1', 2.449, 16, 'ok', false],
      [2, 'Bank 2', 0, 16, 'tripped', false], // breakerStatus off(1)
    ]);
    assert.deepEqual(r.outlets.map((o) => [o.index, o.name, o.state, num(o.current), num(o.power)]), [
      [1, 'web-01-A', 'on', 0.512, 104.2],
      [2, 'web-02-A', 'on', 0.734, 160.5],
      [3, 'db-01-A', 'off', 0, 0],
      [4, null, 'on', 1.203, 262.1], // no name set
      [5, 'nas-01', 'on', 0, 0],
      [6, 'lab-sw-01', 'on', 0, 0],
      [7, 'kvm-01', 'off', 0, 0], // pop(7): switched off by overload protection
      [8, 'spare', 'unknown', 0, 0], // fault(4)
    ]);
    assert.ok(r.outlets.every((o) => o.bank === null && o.energy.quality === 'unknown')); // no outlet-to-bank map; dissipation has no unit
    // Sensor port 1 with a probe; port 2 "not available" (unknown); ports 3-6 not supported: none.
    assert.deepEqual(r.sensors.map((s) => [s.index, s.kind, num(s.value)]), [
      [1, 'temperature', 24.5], [2, 'temperature', 'unknown'], [101, 'humidity', 41], [102, 'humidity', 'unknown'],
    ]);
    assert.equal(r.badValues, 0);
  });

  it('aten-pdu: a metered-only PE found by probe; rows the device does not support are no outlets, banks or sensors', async () => {
    const r = await detectAndRead(sim, 'aten_pe_metered_probe_fixture', 'aten-pdu', 'probe');
    assert.deepEqual(r.identity, { vendor: 'ATEN', model: 'PE5108G', serial: null, firmware: 'v1.3.112', name: 'nyc2-r03-pdu-a' });
    assert.deepEqual(r.inlets.map((i) => [i.index, num(i.current), num(i.voltage), num(i.power)]), [[1, 3.12, 120.4, 355.6]]);
    // not-support(6) states say nothing; outlets 9 and 10 (-2000000, names "n/a") are not there
    assert.deepEqual(r.outlets.map((o) => [o.index, o.name, o.state, num(o.current), num(o.power)]), [
      [1, 'esx-11', 'unknown', 1.012, 118.3],
      [2, 'esx-12', 'unknown', 0.987, 114.9],
      [3, null, 'unknown', 0, 0],
      [4, 'core-sw', 'unknown', 1.121, 122.4],
      [5, 'mgmt-fw', 'unknown', 'unknown', 'unknown'], // -1000000: not available
      [6, null, 'unknown', 0, 0],
      [7, null, 'unknown', 0, 0],
      [8, null, 'unknown', 0, 0],
    ]);
    assert.deepEqual(r.banks.map((b) => [b.index, b.name, num(b.current), num(b.rating), b.breaker]), [[1, 'Bank 1', 3.12, 15, 'unknown']]); // breaker not-support(3)
    assert.deepEqual(r.sensors.map((s) => [s.index, s.kind, num(s.value)]), [[1, 'temperature', 22.75]]); // its humidity not supported
    assert.equal(r.badValues, 0);
  });

  it('ict-pdu: a dual-bus panel by sysObjectID; buses as inlets, each output\'s fuse as its bank', async () => {
    const r = await detectAndRead(sim, 'ict_dual_bus_fixture', 'ict-pdu');
    assert.deepEqual(r.identity, { vendor: 'ICT', model: 'ICT200DB-12IRC', serial: null, firmware: '2.14', name: 'Tower 7 shelter' });
    assert.equal(num(r.power), 'unknown'); // the MIB has no power object
    assert.deepEqual(r.inlets.map((i) => [i.index, i.name, num(i.voltage), num(i.current)]), [[1, 'Bus A', 13.62, 24.1], [2, 'Bus B', 13.58, 18.6]]);
    assert.deepEqual(r.outlets.map((o) => [o.index, o.name, o.state, num(o.current), o.bank]), [
      [1, 'Radio 1', 'on', 6.2, 1], [2, 'Radio 2', 'on', 5.85, 2], [3, 'Switch A', 'on', 2.1, 3], [4, 'Switch B', 'on', 0, 4],
      [5, 'Camera', 'on', 0.95, 5], [6, 'Backhaul', 'on', 8.4, 6], [7, 'Spare 7', 'off', 0, 7], [8, 'Router', 'on', 3.9, 8],
      [9, 'Sensor hub', 'on', 'unknown', 9], // no integer current, and an empty text one
      [10, 'Lights', 'on', 2.55, 10],
    ]);
    assert.deepEqual(r.banks.filter((b) => b.breaker !== 'ok').map((b) => [b.index, b.name, b.breaker, num(b.current), b.breakerInferred]), [[4, 'Switch B', 'tripped', 0, false]]);
    assert.equal(r.banks.length, 10);
    assert.deepEqual(r.sensors, []);
    assert.equal(r.badValues, 0);
  });

  it('ict-pdu: an older single-bus panel found by probe; text values, the system readings as its inlet', async () => {
    const r = await detectAndRead(sim, 'ict_single_bus_probe_fixture', 'ict-pdu', 'probe');
    assert.deepEqual([r.identity.model, r.identity.firmware, r.identity.name], ['ICT180S-48BRCP', '2.08', 'Hub 3']);
    assert.deepEqual(r.inlets.map((i) => [i.index, i.name, num(i.voltage), num(i.current)]), [[1, null, 54.2, 12.5]]);
    assert.deepEqual(r.outlets.map((o) => [o.index, o.name, o.state, num(o.current)]), [
      [1, 'Core router', 'on', 4.1], [2, 'OLT', 'on', 6.3], [3, 'Spare', 'off', 0], [4, 'Microwave', 'on', 2.1],
    ]);
    assert.deepEqual(r.banks.map((b) => [b.index, b.breaker, num(b.current)]), [[1, 'ok', 4.1], [2, 'ok', 6.3], [3, 'ok', 0], [4, 'ok', 2.1]]);
    assert.equal(r.badValues, 0);
  });

  it('neither profile claims the shared recordings or the other fixtures', async () => {
    const mine = /^(aten|ict)_/;
    const recordings = [join(recordingsDir(), 'snmprec'), fixtureRecordingsDir()]
      .flatMap((dir) => readdirSync(dir).filter((f) => f.endsWith('.snmprec')).map((f) => f.slice(0, -'.snmprec'.length)))
      .filter((name) => !mine.test(name));
    assert.ok(recordings.length > 20);
    for (const recording of recordings) {
      const d = await detect(sim.client(recording));
      assert.ok(!d.ok || !['aten-pdu', 'ict-pdu'].includes(d.value.profile.name), recording);
    }
  });
});

describe('aten-pdu and ict-pdu without a recording', () => {
  it('aten: "not supported" rows are no entities, "not available" values unknown, a negative reading implausible', async () => {
    const r = await readDevice(new FakeSnmpClient({
      [`${PE}.2.1.5.1.2.1`]: 7, [`${PE}.2.1.5.1.2.2`]: 6, // pop, not-support
      [`${PE}.2.2.99.1.2.1`]: -1_000_000, [`${PE}.2.2.99.1.2.2`]: -2_000_000, [`${PE}.2.2.99.1.4.1`]: -5,
      [`${PE}.2.2.10.1.2.1`]: 'a', [`${PE}.2.2.10.1.2.2`]: 'n/a',
    }), atenPdu);
    assert.ok(r.ok);
    assert.deepEqual(r.value.outlets.map((o) => [o.index, o.name, o.state, o.current.quality, o.power.quality]), [[1, 'a', 'off', 'unknown', 'implausible']]);
  });

  it('ict: a negative text voltage (a -48 V plant\'s sign) is implausible, never a number', async () => {
    const r = await readDevice(new FakeSnmpClient({ [`${PANEL}.6.0`]: '-54.1', [`${PANEL}.7.0`]: '12.0 A' }), ictPdu);
    assert.ok(r.ok);
    assert.deepEqual(r.value.inlets.map((i) => [i.index, i.voltage.quality, num(i.current)]), [[1, 'implausible', 12]]);
  });
});

describe('aten-pdu and ict-pdu traps', () => {
  const classifier = new TrapClassifier(profiles);
  const classify = (trapOid: string, varbinds: { oid: string; type: number; value: number | string }[] = []) => {
    const c = classifier.classify({ trapOid, varbinds });
    return [c.profile, c.name, c.event, c.entity];
  };

  it('ict: v1 traps (distPanel.0.specific) with the bus or output number they carry', () => {
    assert.deepEqual(classify(`${PANEL}.0.104`, [{ oid: `${PANEL}.8.1.1.4`, type: 2, value: 4 }]), ['ict-pdu', 'fuseAlarmTrap', 'breaker-tripped', { outlet: 4, bank: 4 }]);
    assert.deepEqual(classify(`${PANEL}.0.114`, [{ oid: `${PANEL}.8.1.1.4`, type: 2, value: 4 }]), ['ict-pdu', 'fuseAlarmClear', 'breaker-reset', { outlet: 4, bank: 4 }]);
    assert.deepEqual(classify(`${PANEL}.0.107`, [{ oid: `${PANEL}.8.1.1.7`, type: 2, value: 7 }]), ['ict-pdu', 'loadshedTrap', 'outlet-off', { outlet: 7 }]);
    assert.deepEqual(classify(`${PANEL}.0.103`, [{ oid: `${PANEL}.10.1.1.2`, type: 2, value: 2 }]), ['ict-pdu', 'sysOvercurrentAlarmTrap', 'overload', { inlet: 2 }]);
    assert.deepEqual(classify(`${PANEL}.0.126`, [{ oid: `${PANEL}.8.1.1.1`, type: 2, value: 1 }]), ['ict-pdu', 'scheduledPowerCycle', 'outlet-reboot', { outlet: 1 }]);
  });

  it('aten: customTrapMSG, the PE devices\' one event notification, is an alarm', () => {
    assert.deepEqual(classify(`${PE}.5`), ['aten-pdu', 'customTrapMSG', 'alarm', {}]);
  });
});
