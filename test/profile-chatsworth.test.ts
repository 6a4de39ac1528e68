// Chatsworth eConnect PDUs (CPI-UNITY-MIB): recordings written from the MIB (test/fixtures/snmprec), served by snmpsim,
// detected and read end to end: two chained three-phase units by sysObjectID, a single-phase unit by probe.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { DeviceReading, Measure } from '../src/model.js';
import { chatsworthPdu } from '../src/profiles/chatsworth.js';
import { detect } from '../src/profiles/detect.js';
import { profiles } from '../src/profiles/index.js';
import { readDevice } from '../src/profiles/read-device.js';
import { TrapClassifier } from '../src/traps/classify.js';
import { detectAndRead } from './helpers/check-recording.js';
import { FakeSnmpClient } from './helpers/fake-snmp.js';
import { fixtureRecordingsDir, recordingsDir, startSnmpsim, type Snmpsim } from './helpers/snmpsim.js';

const num = (m: Measure) => (m.quality === 'ok' ? m.value : m.quality);
const ECONNECT = '1.3.6.1.4.1.30932.1.10.1';
const LEGACY_TRAPS = '1.3.6.1.4.1.30932.1.1.6.0';

describe('chatsworth-pdu through snmpsim', () => {
  let sim: Snmpsim;
  before(async () => { sim = await startSnmpsim(undefined, [], [fixtureRecordingsDir()]); });
  after(async () => { await sim?.stop(); });

  describe('two chained three-phase units, found by sysObjectID', () => {
    let r: DeviceReading;
    before(async () => { r = await detectAndRead(sim, 'chatsworth_pdu_fixture', 'chatsworth-pdu', 'sysObjectID'); });

    it('identity from the legacy systemInfo scalars (the Unity rows are keyed by MAC); no serial there', () => {
      assert.deepEqual(r.identity, { vendor: 'Chatsworth', model: 'EB-3D2412', serial: null, firmware: '2.1.0.21', name: 'dal2-r07-pdu-a' });
      assert.deepEqual([num(r.power), num(r.energy)], ['unknown', 'unknown']); // the MIB's unit totals are volt-amps
    });

    it('one inlet per chained unit in MAC order, in VA; inlet 1 is the unit every other table is read as', () => {
      assert.deepEqual(r.inlets.map((i) => [i.index, i.name, num(i.apparentPower), num(i.power), num(i.current)]), [
        [1, 'dal2-r07-pdu-a', 4630, 'unknown', 'unknown'],
        [2, 'dal2-r08-pdu-a', 3120, 'unknown', 'unknown'],
      ]);
    });

    it('the lowest-MAC unit\'s input lines as phases, in hundredths of amps', () => {
      assert.deepEqual(r.phases.map((p) => [p.index, num(p.current), num(p.voltage)]), [[1, 12.1, 'unknown'], [2, 11.85, 'unknown'], [3, 13.42, 'unknown']]);
    });

    it('six branches: no breaker object, so a trip is inferred from the outlets; only noalarm is a load verdict', () => {
      assert.deepEqual(r.banks.map((b) => [b.index, b.name, num(b.current), num(b.rating), b.breaker, b.breakerInferred, b.loadState]), [
        [1, null, 4.2, 'unknown', 'ok', true, 'normal'],
        [2, null, 3.95, 'unknown', 'ok', true, 'normal'],
        [3, null, 0, 'unknown', 'tripped', true, 'normal'], // both its outlets off, drawing nothing
        [4, null, 6.12, 'unknown', 'ok', true, 'unknown'], // warning(1): a low or a high limit, the MIB does not say
        [5, null, 5.25, 'unknown', 'ok', true, 'normal'],
        [6, null, 5.05, 'unknown', 'ok', true, 'normal'],
      ]);
    });

    it('twelve outlets of the lowest-MAC unit: state, branch, current, decawatt-seconds as kWh; VA is not power', () => {
      assert.equal(r.outlets.length, 12);
      assert.deepEqual(r.outlets.map((o) => [o.index, o.name, o.state, o.bank, num(o.current), num(o.energy), o.loadState]), [
        [1, 'web-01 psu A', 'on', 1, 2.1, 120, 'normal'],
        [2, 'web-02 psu A', 'on', 1, 2.1, 100, 'normal'],
        [3, 'db-01 psu A', 'on', 2, 2, 115, 'normal'],
        [4, 'db-02 psu A', 'on', 2, 1.95, 112, 'normal'],
        [5, 'spare 5', 'off', 3, 0, 0.05, 'normal'],
        [6, 'spare 6', 'off', 3, 0, 0, 'normal'],
        [7, 'store-01 psu A', 'on', 4, 3.06, 180, 'unknown'], // alarm(2)
        [8, 'store-02 psu A', 'on', 4, 3.06, 176, 'normal'],
        [9, 'scan-071 psu A', 'on', 5, 2.7, 150, 'normal'],
        [10, 'scan-072 psu A', 'on', 5, 2.55, 144, 'normal'],
        [11, 'scan-073 psu A', 'on', 6, 2.55, 140, 'normal'],
        [12, 'scan-074 psu A', 'on', 6, 2.5, 138, 'normal'],
      ]);
      assert.ok(r.outlets.every((o) => o.power.quality === 'unknown'));
    });

    it('sensors of the lowest-MAC unit: °F read as °C, humidity in %', () => {
      assert.deepEqual(r.sensors.map((s) => [s.index, s.kind, s.name, num(s.value)]), [
        [1, 'temperature', 'Rack 07 inlet', 25], [2, 'humidity', 'Rack 07 inlet RH', 41], [3, 'temperature', 'Rack 07 exhaust', 35],
      ]);
      assert.equal(r.badValues, 0);
    });
  });

  it('a single-phase switched unit without outlet metering on a generic sysObjectID, found by probe: no current invented', async () => {
    const r = await detectAndRead(sim, 'chatsworth_probe_fixture', 'chatsworth-pdu', 'probe');
    assert.deepEqual(r.identity, { vendor: 'Chatsworth', model: null, serial: null, firmware: null, name: null }); // no legacy scalars served
    assert.deepEqual(r.inlets.map((i) => [i.index, i.name, num(i.apparentPower)]), [[1, 'lab-r03-pdu-b', 1450]]);
    assert.deepEqual(r.phases.map((p) => [p.index, num(p.current)]), [[1, 7.02]]);
    assert.deepEqual(r.banks.map((b) => [b.index, num(b.current), b.breaker]), [[1, 4.1, 'ok'], [2, 2.92, 'ok']]);
    assert.deepEqual(r.outlets.map((o) => [o.index, o.name, o.state, o.bank]), [
      [1, 'lab-01 psu B', 'on', 1], [2, 'lab-02 psu B', 'on', 1], [3, 'lab-03 psu B', 'off', 1], [4, 'lab-04 psu B', 'on', 1],
      [5, 'lab-05 psu B', 'on', 2], [6, 'lab-06 psu B', 'on', 2], [7, 'lab-07 psu B', 'on', 2], [8, null, 'on', 2], // no user-supplied name
    ]);
    for (const o of r.outlets) assert.deepEqual([num(o.current), num(o.energy), o.loadState], ['unknown', 'unknown', 'unknown']);
    assert.deepEqual(r.sensors.map((s) => [s.index, s.kind, s.name, num(s.value)]), [[1, 'temperature', 'Intake', 20]]);
    assert.equal(r.badValues, 0);
  });

  it('the shared recordings and the other fixtures are not claimed by chatsworth-pdu', async () => {
    const names = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.snmprec') && !f.startsWith('chatsworth_')).map((f) => f.slice(0, -'.snmprec'.length));
    const recordings = [...names(join(recordingsDir(), 'snmprec')), ...names(fixtureRecordingsDir())];
    assert.ok(recordings.length > 20);
    const detected = await Promise.all(recordings.map(async (recording) => [recording, await detect(sim.client(recording))] as const));
    assert.deepEqual(detected.filter(([, d]) => d.ok && d.value.profile.name === 'chatsworth-pdu').map(([recording]) => recording), []);
  });
});

describe('chatsworth-pdu without a recording', () => {
  it('an agent that does not length-prefix the MAC in the index: rows still numbered by their ID', async () => {
    const mac = '0.12.21.1.162.59';
    const r = await readDevice(new FakeSnmpClient({
      [`${ECONNECT}.4.10.1.3.2.${mac}`]: 1, [`${ECONNECT}.4.10.1.11.2.${mac}`]: 0, // outlet 2: branch 1, off
      [`${ECONNECT}.4.10.1.11.3.${mac}`]: 5, // a control value the MIB does not define
      [`${ECONNECT}.5.10.1.4.4.${mac}`]: 3, [`${ECONNECT}.5.10.1.5.4.${mac}`]: 12, // a sensor type the MIB does not define
    }), chatsworthPdu);
    assert.ok(r.ok);
    assert.deepEqual(r.value.outlets.map((o) => [o.index, o.state, o.bank]), [[2, 'off', 1], [3, 'unknown', null]]);
    assert.deepEqual(r.value.sensors, []);
  });
});

describe('chatsworth-pdu traps', () => {
  const classifier = new TrapClassifier(profiles);
  const classify = (trapOid: string, varbinds: { oid: string; type: number; value: number | string }[] = []) => {
    const c = classifier.classify({ trapOid, varbinds });
    return [c.profile, c.name, c.event, c.entity];
  };
  const mac = '6.0.12.21.1.162.59';

  it('outletStateChangeAlert: the outlet from cpiPduOutletId, its alarm status as the event', () => {
    const outlet = (status: number) => [
      { oid: `${ECONNECT}.4.10.1.2.7.${mac}`, type: 2, value: 7 }, // cpiPduOutletId
      { oid: `${ECONNECT}.4.10.1.9.7.${mac}`, type: 2, value: status }, // cpiPduOutletStatus
    ];
    assert.deepEqual(classify(`${ECONNECT}.500.5.1`, outlet(2)), ['chatsworth-pdu', 'outletStateChangeAlert', 'alarm', { outlet: 7 }]);
    assert.deepEqual(classify(`${ECONNECT}.500.5.1`, outlet(0)), ['chatsworth-pdu', 'outletStateChangeAlert', 'alarm-cleared', { outlet: 7 }]);
  });

  it('the SecureArray, environment and legacy limit notifications', () => {
    assert.deepEqual(classify(`${ECONNECT}.500.1.7`), ['chatsworth-pdu', 'systemSecureArrayDisconnectAlert', 'communication-lost', {}]);
    assert.deepEqual(classify(`${ECONNECT}.500.6.1`), ['chatsworth-pdu', 'environMaxTempAlert', 'alarm', {}]);
    assert.deepEqual(classify(`${LEGACY_TRAPS}.2`), ['chatsworth-pdu', 'maxCurrentyz1', 'overload', {}]);
    assert.deepEqual(classify(`${LEGACY_TRAPS}.12`), ['chatsworth-pdu', 'minCurrentzx2', 'low-load', {}]);
    assert.deepEqual(classify(`${LEGACY_TRAPS}.32`), ['chatsworth-pdu', 'minHumidity2', 'alarm', {}]);
    assert.deepEqual(classify(`${LEGACY_TRAPS}.35`), ['chatsworth-pdu', 'alarmChange', 'alarm-cleared', {}]);
  });
});
