// Dell rack PDUs (DellrPDU-MIB) and UPSes (DELL-SNMP-UPS-MIB beside UPS-MIB): recordings written from the MIBs
// (test/fixtures/snmprec), served by snmpsim, detected and read end to end; then what the fixtures leave out.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Measure } from '../src/model.js';
import { detect } from '../src/profiles/detect.js';
import { dellUps } from '../src/profiles/dell-ups.js';
import { readDevice } from '../src/profiles/read-device.js';
import { TrapClassifier } from '../src/traps/classify.js';
import { profiles } from '../src/profiles/index.js';
import { FakeSnmpClient } from './helpers/fake-snmp.js';
import { detectAndRead } from './helpers/check-recording.js';
import { fixtureRecordingsDir, startSnmpsim, type Snmpsim } from './helpers/snmpsim.js';

const v = (m: Measure) => m.value;
const unknown = { value: null, quality: 'unknown' };


describe('Dell through the dell-rpdu and dell-ups profiles', () => {
  let sim: Snmpsim;
  before(async () => { sim = await startSnmpsim(undefined, [], [fixtureRecordingsDir()]); });
  after(async () => { await sim?.stop(); });

  it('a switched rack PDU: hundredths of kW, tenths of kWh and A, outlet states on(1) off(2), sensors by comm status', async () => {
    const r = await detectAndRead(sim, 'dell_rpdu_fixture', 'dell-rpdu');
    assert.deepEqual(r.identity, { vendor: 'Dell', model: 'H1P6U', serial: 'CN0H1P6U1234', firmware: 'v1.0.4', name: 'dal3-r09-b' });
    assert.deepEqual([v(r.power), v(r.energy), r.loadState], [1840, 5237.1, 'normal']);
    assert.deepEqual(r.phases.map((p) => [p.index, v(p.voltage), v(p.current), v(p.power), p.loadState]), [[1, 230, 8.3, 1840, 'normal']]);
    assert.deepEqual(r.banks, []); // the MIB has no bank table
    // outlet 3 reports unknown(3); outlet 4 is switched but not metered: its numbers are unknown, not 0
    assert.deepEqual(r.outlets.map((o) => [o.index, o.name, o.state, v(o.current), v(o.power), v(o.energy), o.loadState]), [
      [1, 'db-02 psu B', 'on', 2, 460, 310, 'normal'],
      [2, 'Outlet 2', 'off', 0, 0, 0, 'low'],
      [3, 'Outlet 3', 'unknown', 1, 230, 12, 'normal'],
      [4, 'Outlet 4', 'on', null, null, null, 'unknown'],
    ]);
    assert.deepEqual(r.outlets[3]!.current, unknown);
    // commsOK in tenths of °C; commsLost unknown; notInstalled no sensor
    assert.deepEqual(r.sensors.map((s) => [s.index, s.kind, s.name, s.value.value, s.value.quality]), [
      [1, 'temperature', 'Rack front', 24, 'ok'], [2, 'temperature', 'Rack rear', null, 'unknown'], [101, 'humidity', 'Rack front', 45, 'ok'],
    ]);
    assert.equal(r.badValues, 0);
  });

  it('a UPS on battery with a low battery: the card\'s own seconds remaining before the UPS-MIB\'s minutes; the probe in tenths', async () => {
    const r = await detectAndRead(sim, 'dell_ups_fixture', 'dell-ups');
    assert.deepEqual(r.identity, { vendor: 'DELL', model: 'Dell Online Rack UPS 5600W', serial: 'CN0J730N1234', firmware: '01.18.0004', name: 'dal3-ups-2' });
    const u = r.ups!;
    assert.deepEqual([u.source, u.batteryStatus], ['battery', 'low']);
    assert.deepEqual(
      [v(u.runtime), v(u.timeOnBattery), v(u.charge), v(u.batteryVoltage), v(u.temperature), v(u.inputVoltage), v(u.outputVoltage), v(u.outputCurrent), v(u.outputPower), v(u.load), v(u.outputFrequency), v(u.alarms)],
      [754, 95, 48, 198.7, 31, 0, 208, 15.2, 3050, 55, 60, 2],
    );
    // UPS-MIB's lines: the input is out, and the bypass with it
    assert.deepEqual(r.inlets.map((i) => [i.index, v(i.voltage)]), [[1, 0]]);
    assert.deepEqual(r.phases.map((p) => [p.index, v(p.voltage), v(p.current), v(p.power)]), [[1, 208, 15.2, 3050]]);
    assert.deepEqual(r.bypass.map((b) => [b.index, v(b.voltage), v(b.current), v(b.power), v(b.frequency)]), [[1, 0, 0, 0, 0]]);
    assert.deepEqual(r.sensors.map((s) => [s.index, s.kind, s.name, s.value.value]), [[1, 'temperature', 'EMP 1', 25.3], [101, 'humidity', 'EMP 1', 41.2]]);
    assert.equal(r.badValues, 0);
  });

  it('the recordings of other families are not claimed by the Dell or HPE profiles', async () => {
    for (const [recording, profile] of [['apc_ap7900b', 'apc-rpdu2'], ['vertiv-pdu_mg02e4w1', 'vertiv-geist']] as const) {
      const d = await detect(sim.client(recording));
      assert.ok(d.ok);
      assert.equal(d.value.profile.name, profile);
    }
  });
});

describe('dell-ups without its own objects', () => {
  it('no probe present: no sensors; no physicalBatterySecondsRemaining: the UPS-MIB minutes, in seconds', async () => {
    const r = await readDevice(new FakeSnmpClient({
      '1.3.6.1.4.1.674.10902.2.120.7.1.0': 0, '1.3.6.1.4.1.674.10902.2.120.7.3.2.0': 0,
      '1.3.6.1.2.1.33.1.2.3.0': 12, '1.3.6.1.2.1.33.1.4.1.0': 3, '1.3.6.1.2.1.33.1.2.1.0': 1,
    }), dellUps);
    assert.ok(r.ok);
    assert.deepEqual(r.value.sensors, []);
    assert.deepEqual([r.value.ups!.source, r.value.ups!.batteryStatus, v(r.value.ups!.runtime)], ['mains', 'unknown', 720]);
    assert.deepEqual(r.value.ups!.charge, unknown);
  });
});

describe('dell-rpdu traps', () => {
  it('outletTurnOff names its outlet by outletNumber; phaseOverLoadSet its phase', () => {
    const classifier = new TrapClassifier(profiles);
    const E = '1.3.6.1.4.1.674.10903.200.2.200';
    const off = classifier.classify({ trapOid: `${E}.500.0.46`, varbinds: [{ oid: `${E}.160.7.0`, type: 4, value: 'CN0H1P6U1234' }, { oid: `${E}.160.2.0`, type: 2, value: 3 }] });
    assert.deepEqual([off.profile, off.name, off.event, off.entity], ['dell-rpdu', 'outletTurnOff', 'outlet-off', { outlet: 3 }]);
    const over = classifier.classify({ trapOid: `${E}.500.0.24`, varbinds: [{ oid: `${E}.160.4.0`, type: 2, value: 1 }] });
    assert.deepEqual([over.profile, over.event, over.entity], ['dell-rpdu', 'overload', { phase: 1 }]);
  });
});
