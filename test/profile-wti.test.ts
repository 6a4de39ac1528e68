// WTI power switches and PDUs (WTI-POWER-MIB and the older WTI-MPC-MIB, one tree): recordings written from the MIBs
// (test/fixtures/snmprec), served by snmpsim, detected and read end to end.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Measure } from '../src/model.js';
import { detect } from '../src/profiles/detect.js';
import { profiles } from '../src/profiles/index.js';
import { readDevice } from '../src/profiles/read-device.js';
import { wtiPdu } from '../src/profiles/wti.js';
import { TrapClassifier } from '../src/traps/classify.js';
import { detectAndRead } from './helpers/check-recording.js';
import { FakeSnmpClient } from './helpers/fake-snmp.js';
import { fixtureRecordingsDir, startSnmpsim, type Snmpsim } from './helpers/snmpsim.js';

const v = (m: Measure) => m.value;
const unknown = { value: null, quality: 'unknown' };
const WTI = '1.3.6.1.4.1.2634.3';

describe('WTI through the wti-pdu profile', () => {
  let sim: Snmpsim;
  before(async () => { sim = await startSnmpsim(undefined, [], [fixtureRecordingsDir()]); });
  after(async () => { await sim?.stop(); });

  it('a VMR on an embedded Linux agent (WTI-POWER-MIB), found by probe: plugs in tenths of amps, branches A and B as inlets', async () => {
    const r = await detectAndRead(sim, 'wti_vmr_fixture', 'wti-pdu', 'probe');
    // the MIBs have no identity objects
    assert.deepEqual(r.identity, { vendor: 'WTI', model: null, serial: null, firmware: null, name: null });
    assert.equal(v(r.power), 814); // environmentSystemTotalPower
    assert.deepEqual(r.inlets.map((i) => [i.index, i.name, v(i.current), v(i.power)]), [[1, 'A', 4.2, 482], [2, 'B', 2.9, 332]]);
    assert.deepEqual(r.inlets[0]!.voltage, unknown); // the MIB gives branch voltages per unit only
    assert.deepEqual(r.phases, []);
    assert.deepEqual(r.banks, []); // no branch breaker object (alarmCircuitBreakerOpen is device-wide)
    assert.deepEqual(r.outlets.map((o) => [o.index, o.name, o.state, v(o.current), v(o.power)]), [
      [1, 'web-01 psu B', 'on', 1.2, 138],
      [2, 'web-02 psu B', 'on', 0.9, 104],
      [3, 'db-01 psu B', 'off', 0, 0],
      [4, 'LOCAL-A04', 'on', 2.1, 240], // plugName empty: the placeholder gives way to plugID
      [5, 'scan-071 psu B', 'on', 1.5, 172],
      [6, 'scan-072 psu B', 'on', 1.4, 160],
      [7, 'scan-073 psu B', 'on', 0, 0],
      [8, 'spare', 'off', 0, 0],
    ]);
    assert.ok(r.outlets.every((o) => o.energy.quality === 'unknown' && o.bank === null)); // no plug energy, no plug-to-branch map
    // environmentUnitTemperature is in no unit the MIBs name: no sensor is made of it
    assert.deepEqual(r.sensors, []);
    assert.equal(r.badValues, 0);
  });

  it('an MPC (WTI-MPC-MIB) by the MIB\'s node as sysObjectID: plug states, no plug metering (unknown, never 0)', async () => {
    const r = await detectAndRead(sim, 'wti_mpc_fixture', 'wti-pdu');
    assert.equal(v(r.power), 1345);
    assert.deepEqual(r.inlets.map((i) => [i.index, i.name, v(i.current), v(i.power)]), [[1, 'A', 3.3, 655], [2, 'B', 3.5, 690]]);
    assert.deepEqual(r.outlets.map((o) => [o.index, o.name, o.state]), [
      [1, 'fw-01 psu A', 'on'], [2, 'fw-02 psu A', 'off'], [3, 'fw-01 psu B', 'on'], [4, 'LOCAL-B04', 'on'],
    ]);
    for (const o of r.outlets) assert.deepEqual([o.current, o.power], [unknown, unknown]);
  });

  it('the recordings of other families are not claimed by wti-pdu', async () => {
    for (const recording of ['apc_ap7900b', 'raritan-pdu_px2', 'sentry3_switched', 'gude-epc_8031', 'unknown_device', 'raritan-px1_fixture', 'raritan-px1_probe_fixture']) {
      const d = await detect(sim.client(recording));
      assert.ok(!d.ok || d.value.profile.name !== 'wti-pdu', recording);
    }
  });
});

describe('wti-pdu without a recording', () => {
  it('plugStatus outside 0/1 is unknown; a negative plug current is implausible, never a number', async () => {
    const r = await readDevice(new FakeSnmpClient({
      [`${WTI}.100.200.1.3.1`]: 2, [`${WTI}.100.200.1.5.1`]: 'x', [`${WTI}.100.200.1.7.1`]: -5,
    }), wtiPdu);
    assert.ok(r.ok);
    assert.deepEqual(r.value.outlets.map((o) => [o.state, o.current.quality]), [['unknown', 'implausible']]);
  });
});

describe('wti-pdu traps', () => {
  it('v1 alarm traps (enterprise.0.specific): set and clear', () => {
    const classifier = new TrapClassifier(profiles);
    const event = (oid: string) => { const c = classifier.classify({ trapOid: oid, varbinds: [{ oid: `${WTI}.300.1.0`, type: 4, value: 'alarm' }] }); return [c.profile, c.name, c.event]; };
    assert.deepEqual(event(`${WTI}.300.8.0.1`), ['wti-pdu', 'circuitBreakerOpenSetTrap', 'breaker-tripped']);
    assert.deepEqual(event(`${WTI}.300.8.0.2`), ['wti-pdu', 'circuitBreakerOpenClearTrap', 'breaker-reset']);
    assert.deepEqual(event(`${WTI}.300.10.0.1`), ['wti-pdu', 'lostVoltageSetTrap', 'inlet-lost']);
    assert.deepEqual(event(`${WTI}.300.2.0.1`), ['wti-pdu', 'testTrap', 'test']);
  });
});
