// Socomec UPSes (SOCOMECUPS-MIB, NET VISION cards) and PDUs (SOCOMECPDU-MIB): recordings written from the MIBs
// (test/fixtures/snmprec/socomec_*), served by snmpsim, detected and read end to end; then what the MIBs define as
// unknown, and the notifications.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { DeviceReading, Measure } from '../src/model.js';
import { detect } from '../src/profiles/detect.js';
import { profiles } from '../src/profiles/index.js';
import { readDevice } from '../src/profiles/read-device.js';
import { socomecPdu, socomecUps } from '../src/profiles/socomec.js';
import { TrapClassifier } from '../src/traps/classify.js';
import { detectAndRead } from './helpers/check-recording.js';
import { FakeSnmpClient, type FakeMib } from './helpers/fake-snmp.js';
import { fixtureRecordingsDir, recordingsDir, startSnmpsim, type Snmpsim } from './helpers/snmpsim.js';

/** The value when trusted, else its quality. */
const num = (m: Measure) => (m.quality === 'ok' ? m.value : m.quality);

const NV7 = '1.3.6.1.4.1.4555.1.1.7';
const UPS = `${NV7}.1`;
const PDU = '1.3.6.1.4.1.4555.2.30';
const MINE = ['socomec_ups_fixture', 'socomec_ups_probe_fixture', 'socomec_pdu_fixture', 'socomec_pdu_probe_fixture'];

let sim: Snmpsim;
before(async () => { sim = await startSnmpsim(undefined, [], [fixtureRecordingsDir()]); });
after(async () => { await sim?.stop(); });

describe('socomec-ups: a three-phase MASTERYS on battery, by its sysObjectID (netvision7)', () => {
  let r: DeviceReading;
  before(async () => { r = await detectAndRead(sim, 'socomec_ups_fixture', 'socomec-ups', 'sysObjectID'); });

  it('identity: model, serial, the card\'s software version, the system name', () => {
    assert.deepEqual(r.identity, { vendor: 'Socomec', model: 'MASTERYS GP4 40', serial: 'E2317004521', firmware: 'v8.11.2', name: 'par2-ups-a' });
    assert.equal(r.kind, 'ups');
  });

  it('on battery: upsSecondsOnBattery is not -1 (upsOutputSource stays normalMode); the battery discharging is no low battery', () => {
    const u = r.ups!;
    assert.deepEqual([u.source, u.batteryStatus], ['battery', 'normal']);
    assert.deepEqual(
      [num(u.timeOnBattery), num(u.runtime), num(u.charge), num(u.batteryVoltage), num(u.temperature), num(u.alarms)],
      [184, 1_380, 87, 438, 24.1, 2], // s, minutes → s, %, 0.1 V DC, the battery's 0.1 degree (not the ambient 28.7), a count
    );
  });

  it('line 1 into the UPS section, 0.1 V / 0.1 A / 0.1 Hz / 0.1 kW; the input lost', () => {
    const u = r.ups!;
    assert.deepEqual(
      [num(u.inputVoltage), num(u.inputFrequency), num(u.outputVoltage), num(u.outputCurrent), num(u.outputPower), num(u.outputFrequency), num(u.load)],
      [0, 0, 230.1, 41.2, 8_800, 50, 36],
    );
    assert.equal(num(r.power), 26_700); // upsOutputGlobalkW: every line
  });

  it('every input and output line as inlets and phases', () => {
    assert.deepEqual(r.inlets.map((i) => [i.index, num(i.voltage), num(i.current), num(i.frequency)]), [[1, 0, 0, 0], [2, 0, 0, 0], [3, 0, 0, 0]]);
    assert.deepEqual(r.phases.map((p) => [p.index, num(p.voltage), num(p.current), num(p.power)]), [
      [1, 230.1, 41.2, 8_800], [2, 229.8, 38.9, 8_300], [3, 230.3, 44.7, 9_600],
    ]);
    assert.deepEqual([r.banks, r.outlets, r.sensors], [[], [], []]);
    assert.equal(r.badValues, 0);
  });
});

describe('socomec-ups: a single-phase ITYS on its automatic bypass, on a card with a generic sysObjectID', () => {
  let r: DeviceReading;
  before(async () => { r = await detectAndRead(sim, 'socomec_ups_probe_fixture', 'socomec-ups', 'probe'); });

  it('found by probe ahead of the UPS-MIB fallback it also serves; the UPS\'s own software version from the UPS-MIB', () => {
    assert.deepEqual(r.identity, { vendor: 'Socomec', model: 'ITYS PRO 3000', serial: 'A1904000777', firmware: 'UPS 02.07', name: 'par2-ups-c' });
  });

  it('onBypass(6) is bypass; upsSecondsOnBattery -1 (not on battery) leaves the time to the UPS-MIB\'s 0', () => {
    const u = r.ups!;
    assert.deepEqual([u.source, u.batteryStatus, num(u.timeOnBattery), num(u.runtime), num(u.charge)], ['bypass', 'normal', 0, 2_520, 100]);
    assert.deepEqual([num(u.inputVoltage), num(u.inputFrequency), num(u.outputVoltage), num(u.outputPower), num(u.load)], [231.2, 49.9, 230.9, 700, 27]);
    assert.deepEqual(r.inlets.map((i) => [i.index, num(i.voltage), num(i.current), num(i.frequency)]), [[1, 231.2, 4.1, 49.9]]);
    assert.deepEqual(r.phases.map((p) => [p.index, num(p.voltage), num(p.current), num(p.power)]), [[1, 230.9, 3.8, 700]]);
    assert.equal(r.badValues, 0);
  });
});

describe('socomec-pdu', () => {
  it('a three-phase dPDU by the MIB\'s pdu node: lines L1-L3 in 0.1 V and 0.1 A, L2 past its minor threshold, the EnviroProbe', async () => {
    const r = await detectAndRead(sim, 'socomec_pdu_fixture', 'socomec-pdu', 'sysObjectID');
    assert.deepEqual(r.identity, { vendor: 'Socomec', model: 'dPDU 3x16A 400V', serial: 'DP10A00123', firmware: '1.05', name: 'par2-r07-pdu-b' });
    assert.deepEqual(r.inlets.map((i) => [i.index, num(i.frequency), num(i.voltage)]), [[1, 50, 'unknown']]);
    assert.deepEqual(r.phases.map((p) => [p.index, p.name, num(p.voltage), num(p.current), p.loadState]), [
      [1, 'L1', 230.4, 8.2, 'normal'], [2, 'L2', 229.8, 12.9, 'near-overload'], [3, 'L3', 231, 3.1, 'normal'],
    ]);
    assert.deepEqual(r.sensors.map((s) => [s.index, s.kind, num(s.value)]), [[1, 'temperature', 24.3], [2, 'humidity', 41]]);
    assert.deepEqual([r.banks, r.outlets, r.ups, num(r.power)], [[], [], null, 'unknown']); // the MIB has no breakers, outlets or power
    assert.equal(r.badValues, 0);
  });

  it('a dPDU with a generic sysObjectID, by probe: L1 past its major threshold; no EnviroProbe answering, no sensor', async () => {
    const r = await detectAndRead(sim, 'socomec_pdu_probe_fixture', 'socomec-pdu', 'probe');
    assert.deepEqual(r.phases.map((p) => [p.name, num(p.current), p.loadState]), [['L1', 30.1, 'overload'], ['L2', 14.4, 'normal'], ['L3', 9.7, 'normal']]);
    assert.deepEqual(r.sensors, []);
    assert.equal(r.identity.name, null); // dpduIdentName empty
  });
});

describe('Socomec detection against every other recording', () => {
  const recordings = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.snmprec')).map((f) => f.slice(0, -'.snmprec'.length));
  const others = [...recordings(join(recordingsDir(), 'snmprec')), ...recordings(fixtureRecordingsDir())].filter((r) => !MINE.includes(r));
  const probes = [...socomecUps.detect.probe, ...socomecPdu.detect.probe];

  it('no other recording is detected as socomec-ups or socomec-pdu, nor answers their probes', async () => {
    assert.ok(others.length > 20);
    for (const recording of others) {
      const d = await detect(sim.client(recording));
      assert.ok(!d.ok || !d.value.profile.name.startsWith('socomec-'), recording);
      const got = await sim.client(recording).getNext(probes);
      if (!got.ok) continue; // an agent refusing the request answers no probe either
      assert.deepEqual(got.value.filter((vb, i) => vb.oid.startsWith(`${probes[i]}.`)), [], recording);
    }
  });
});

describe('socomec-ups as the MIB defines its states', () => {
  const read = async (mib: FakeMib) => {
    const result = await readDevice(new FakeSnmpClient(mib), socomecUps);
    assert.ok(result.ok);
    return result.value.ups!;
  };
  const source = `${UPS}.4.1.0`;
  const seconds = `${UPS}.2.2.0`;

  it('running modes are mains only while upsSecondsOnBattery says -1; bypass and off states whatever the battery', async () => {
    const cases: [number, number | undefined, string][] = [
      [3, -1, 'mains'], [4, -1, 'mains'], [5, -1, 'mains'], [9, -1, 'mains'], [10, -1, 'mains'],
      [4, 12, 'battery'], [3, 0, 'battery'], [4, undefined, 'unknown'],
      [2, -1, 'bypass'], [6, 30, 'bypass'], [7, -1, 'off'], [8, -1, 'off'], [1, -1, 'unknown'],
    ];
    for (const [state, secs, expected] of cases) {
      const u = await read({ [source]: state, ...(secs === undefined ? {} : { [seconds]: secs }) });
      assert.equal(u.source, expected, `upsOutputSource ${state}, upsSecondsOnBattery ${secs}`);
    }
  });

  it('upsBatteryStatus: charging and discharging normal, failure and disconnected depleted, test and unknown unknown', async () => {
    const expected = { 1: 'unknown', 2: 'normal', 3: 'normal', 4: 'unknown', 5: 'normal', 6: 'low', 7: 'depleted', 8: 'depleted', 9: 'depleted' };
    for (const [state, status] of Object.entries(expected)) assert.equal((await read({ [`${UPS}.2.1.0`]: Number(state) })).batteryStatus, status, state);
  });

  it('upsSecondsOnBattery -1 is no time on battery (unknown, never -1 s)', async () => {
    const u = await read({ [seconds]: -1, [source]: 4 });
    assert.deepEqual([u.source, u.timeOnBattery.quality], ['mains', 'unknown']);
  });
});

describe('socomec-pdu when the card lost the PDU', () => {
  it('dpduAlarmDisconnect on(1): the lines stay, their readings and load verdicts unknown (never 0 V)', async () => {
    const result = await readDevice(new FakeSnmpClient({
      [`${PDU}.2.1.0`]: 0, [`${PDU}.2.2.0`]: 0, [`${PDU}.2.3.0`]: 0, [`${PDU}.3.1.0`]: 1, [`${PDU}.3.2.0`]: 0, [`${PDU}.3.3.0`]: 0,
    }), socomecPdu);
    assert.ok(result.ok);
    assert.deepEqual(result.value.phases.map((p) => [p.name, num(p.voltage), num(p.current), p.loadState]), [['L1', 'unknown', 'unknown', 'unknown']]);
    assert.deepEqual(result.value.inlets.map((i) => num(i.frequency)), ['unknown']);
  });
});

describe('Socomec notifications', () => {
  const classifier = new TrapClassifier(profiles);
  const classify = (trapOid: string, descr?: number) => {
    const varbinds = descr === undefined ? [] : [{ oid: `${UPS}.6.2.1.2.7`, type: 6, value: `${UPS}.6.3.${descr}` }];
    const c = classifier.classify({ trapOid, varbinds });
    return [c.profile, c.name, c.event];
  };

  it('UPS: on battery, battery low, on bypass, and back (v1 traps, enterprise.0.specific)', () => {
    assert.deepEqual(classify(`${NV7}.2.0.1`), ['socomec-ups', 'upsTrapOnBattery', 'on-battery']);
    assert.deepEqual(classify(`${NV7}.2.0.15`), ['socomec-ups', 'upsTrapOnBatteryPower', 'on-battery']);
    assert.deepEqual(classify(`${NV7}.2.0.10`), ['socomec-ups', 'upsTrapBatteryLow', 'battery-low']);
    assert.deepEqual(classify(`${NV7}.2.0.18`), ['socomec-ups', 'upsTrapOnBypass', 'on-bypass']);
    assert.deepEqual(classify(`${NV7}.2.0.23`), ['socomec-ups', 'upsTrapPowerRestored', 'on-mains']);
    assert.deepEqual(classify(`${NV7}.2.0.22`), ['socomec-ups', 'upsTrapUpsNormal', 'on-mains']);
  });

  it('UPS: alarm-table entries say which well-known alarm came or went', () => {
    assert.equal(classify(`${NV7}.2.0.3`, 14)[2], 'battery-low');
    assert.equal(classify(`${NV7}.2.0.4`, 14)[2], 'battery-low-cleared');
    assert.equal(classify(`${NV7}.2.0.3`, 55)[2], 'on-bypass');
    assert.equal(classify(`${NV7}.2.0.4`, 15)[2], 'on-mains');
    assert.equal(classify(`${NV7}.2.0.3`, 31)[2], 'alarm'); // upsAlarmPhaseRotationFault
  });

  it('PDU: load alarms per line, set and recovered', () => {
    assert.deepEqual(classify(`${PDU}.20.0.3`), ['socomec-pdu', 'dpduL1LoadMajorAlarm', 'overload']);
    assert.deepEqual(classify(`${PDU}.20.0.14`), ['socomec-pdu', 'dpduL2LoadMinorAlarmRecover', 'near-overload-cleared']);
    assert.deepEqual(classify(`${PDU}.20.0.24`), ['socomec-pdu', 'dpduL3OutVoltMajorAlarmRecover', 'alarm-cleared']);
    assert.deepEqual(classify(`${PDU}.20.0.1`), ['socomec-pdu', 'dpduCommunicationLost', 'communication-lost']);
  });
});
