// Conteg PDUs (CONTEG-DATABUS-MIB: Schleifenbauer's databus MIB under Conteg's enterprise) and Dataprobe iBoot-PDUs
// (IBOOTPDU-MIB): recordings written from the MIBs (test/fixtures/snmprec), served by one snmpsim, detected and read.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Measure } from '../src/model.js';
import { detect } from '../src/profiles/detect.js';
import { profiles } from '../src/profiles/index.js';
import { TrapClassifier } from '../src/traps/classify.js';
import { detectAndRead } from './helpers/check-recording.js';
import { fixtureRecordingsDir, recordingsDir, startSnmpsim, type Snmpsim } from './helpers/snmpsim.js';

const num = (m: Measure) => (m.quality === 'ok' ? m.value : m.quality);
const CONTEG = '1.3.6.1.4.1.28402.12.1';
const IBOOT = '1.3.6.1.4.1.1418.6';

describe('conteg-pdu and dataprobe-ibootpdu recordings', () => {
  let sim: Snmpsim;
  before(async () => { sim = await startSnmpsim(undefined, [], [fixtureRecordingsDir()]); });
  after(async () => { await sim?.stop(); });

  it('a Conteg three-phase PDU by its sysObjectID under contegProducts: the databus tables in hundredths', async () => {
    const r = await detectAndRead(sim, 'conteg_hpdu_fixture', 'conteg-pdu');
    assert.deepEqual(r.identity, { vendor: 'Conteg', model: 'PDU-3F16-8S', serial: 'CTG00123456', firmware: '253', name: 'r12-pdu-a' });
    // sdbDevTotalsTable: whole kWh, CentiPercent power factor, CentiAmpere, VA, W
    assert.deepEqual(r.inlets.map((i) => [i.index, num(i.energy), num(i.powerFactor), num(i.current), num(i.apparentPower), num(i.power)]), [
      [1, 9220, 0.961, 9.48, 2186, 2103],
    ]);
    assert.deepEqual(r.phases.map((p) => [p.index, p.name, num(p.voltage), num(p.current), num(p.power)]), [
      [1, 'L1', 230.1, 5.12, 1137], [2, 'L2', 231.2, 4.36, 966], [3, 'L3', 229.8, 0, 0],
    ]);
    assert.deepEqual(r.banks.map((b) => [b.index, b.name, num(b.current), b.breaker]), [[1, 'B1', 5.12, 'unknown'], [2, 'B2', 4.36, 'unknown'], [3, 'B3', 0, 'unknown']]);
    assert.deepEqual(r.outlets.map((o) => [o.index, o.name, o.state, num(o.current), num(o.power), num(o.energy)]), [
      [1, 'web-01', 'on', 2.1, 469, 1520],
      [2, 'web-02', 'on', 1.8, 401, 1388],
      [3, 'db-01', 'on', 2.44, 539, 2012],
      [4, 'db-02', 'on', 1.92, 427, 1776],
      [5, 'sw-01', 'on', 1.22, 259, 603],
      [6, 'spare', 'off', 0, 0, 98],
      [7, 'fw-01', 'on', 'unknown', 'unknown', 'unknown'], // switched, not metered (sdbDevCfOutletsMetered 6)
      [8, null, 'on', 'unknown', 'unknown', 'unknown'], // no name set
    ]);
    assert.deepEqual(r.sensors.map((s) => [s.index, s.kind, s.name, num(s.value)]), [[1, 'temperature', 'Internal', 31.5], [101, 'temperature', 'External', 22.25]]);
    assert.equal(r.badValues, 0);
  });

  it('a Conteg DPM found by probe: metered, not switched (states unknown, never on); no external sensor, no 0 °C', async () => {
    const r = await detectAndRead(sim, 'conteg_dpm_probe_fixture', 'conteg-pdu', 'probe');
    // sdbDevIdProductId and sdbDevIdName empty: the sales order number and the vanity tag stand in
    assert.deepEqual(r.identity, { vendor: 'Conteg', model: 'SO-88213', serial: 'CTG00098765', firmware: '250', name: 'DPM-R07' });
    assert.deepEqual(r.phases.map((p) => [p.index, num(p.voltage), num(p.current)]), [[1, 232.05, 7.33]]);
    assert.deepEqual(r.banks, []);
    assert.deepEqual(r.outlets.map((o) => [o.index, o.state, num(o.current), num(o.power)]), [
      [1, 'unknown', 2.01, 438], [2, 'unknown', 1.98, 432], [3, 'unknown', 1.77, 388], [4, 'unknown', 1.57, 344],
    ]);
    assert.deepEqual(r.sensors.map((s) => [s.index, s.name, num(s.value)]), [[1, 'Internal', 28.75]]);
  });

  it('an iBoot-PDU8 by the MIB\'s node as sysObjectID: two line cords in hundredths, the relay\'s own state, °C', async () => {
    const r = await detectAndRead(sim, 'dataprobe_pdu8_fixture', 'dataprobe-ibootpdu');
    assert.deepEqual(r.identity, { vendor: 'Dataprobe', model: 'iBoot-PDU8A-N15', serial: null, firmware: '1.41.0211', name: 'dal3-r14-iboot' });
    assert.deepEqual(r.inlets.map((i) => [i.index, i.name, num(i.voltage), num(i.current), num(i.power)]), [
      [1, 'LC1', 120.5, 3.45, 'unknown'], [2, 'LC2', 119.8, 2.12, 'unknown'], // no power in the MIB
    ]);
    assert.deepEqual([r.phases, r.banks], [[], []]);
    assert.deepEqual(r.outlets.map((o) => [o.index, o.name, o.state, num(o.current)]), [
      [1, 'web-01', 'on', 'unknown'], [2, 'web-02', 'on', 'unknown'], [3, 'db-01', 'off', 'unknown'], [4, 'db-02', 'on', 'unknown'],
      [5, 'modem', 'on', 'unknown'], // outletStatus cycle(2), the physical outlet on
      [6, 'kvm', 'on', 'unknown'], [7, 'spare', 'off', 'unknown'], [8, null, 'on', 'unknown'],
    ]);
    // temperature2 reads 999: no probe present
    assert.deepEqual(r.sensors.map((s) => [s.index, s.kind, s.name, num(s.value)]), [[1, 'temperature', 'Temperature 1', 27], [2, 'temperature', 'Temperature 2', 'unknown']]);
    assert.equal(r.badValues, 0);
  });

  it('an iBoot-PDU4 found by probe, one line cord, °F, firmware without outletActualStatus', async () => {
    const r = await detectAndRead(sim, 'dataprobe_pdu4_probe_fixture', 'dataprobe-ibootpdu', 'probe');
    assert.deepEqual([r.identity.model, r.identity.name], ['iBoot-PDU4-C10', 'lab-iboot-4']);
    assert.deepEqual(r.inlets.map((i) => [i.index, num(i.voltage), num(i.current)]), [[1, 230.1, 1.8]]); // LC2's zeros are no inlet
    assert.deepEqual(r.outlets.map((o) => [o.index, o.name, o.state]), [
      [1, 'router', 'on'], [2, 'switch', 'unknown'], [3, 'nas', 'off'], [4, 'cam', 'unknown'], // pend-on(4), reboot(3): not sure either way
    ]);
    assert.deepEqual(r.sensors.map((s) => [s.index, num(s.value)]), [[1, 25], [2, 'unknown']]); // 77 °F
  });

  it('the recordings of other families are not claimed by conteg-pdu or dataprobe-ibootpdu', async () => {
    const names = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.snmprec')).map((f) => f.slice(0, -'.snmprec'.length));
    const others = [...names(join(recordingsDir(), 'snmprec')), ...names(fixtureRecordingsDir()).filter((n) => !/^(conteg|dataprobe)_/.test(n))];
    assert.ok(others.includes('schleifenbauer_dpm27e'));
    for (const recording of others) {
      const d = await detect(sim.client(recording));
      assert.ok(!d.ok || !['conteg-pdu', 'dataprobe-ibootpdu'].includes(d.value.profile.name), recording);
      if (recording === 'schleifenbauer_dpm27e') assert.ok(d.ok && d.value.profile.name === 'schleifenbauer'); // the same MIB, its own enterprise
    }
  });
});

describe('conteg-pdu and dataprobe-ibootpdu traps', () => {
  const classifier = new TrapClassifier(profiles);
  const classify = (trapOid: string, varbinds: { oid: string; type: number; value: number | string }[]) => {
    const c = classifier.classify({ trapOid, varbinds });
    return [c.profile, c.name, c.event, c.entity];
  };
  const ss = `${CONTEG}.1.2.3.1.1`; // sdbDevSsEntry

  it('Conteg alerts: the alert object\'s value names the outlet or branch; 0 is no alert', () => {
    assert.deepEqual(classify(`${CONTEG}.0.4`, [{ oid: `${ss}.4.1`, type: 2, value: 5 }, { oid: `${CONTEG}.1.2.7.2.1.5.1.5`, type: 2, value: 1720 }]),
      ['conteg-pdu', 'sdbDevSsOutletCurrentAlertDetected', 'overload', { outlet: 5 }]);
    assert.deepEqual(classify(`${CONTEG}.0.11`, [{ oid: `${ss}.10.1`, type: 2, value: 2 }]), ['conteg-pdu', 'sdbDevSsBranchCurrentAlertDetected', 'overload', { bank: 2 }]);
    assert.deepEqual(classify(`${CONTEG}.0.3`, [{ oid: `${ss}.3.1`, type: 2, value: 0 }]), ['conteg-pdu', 'sdbDevSsInputCurrentAlertDetected', 'overload-cleared', {}]);
    assert.deepEqual(classify(`${CONTEG}.0.6`, [{ oid: `${ss}.6.1`, type: 2, value: 6 }]), ['conteg-pdu', 'sdbDevSsOutletCurrentDropAlertDetected', 'alarm', { outlet: 6 }]);
    assert.deepEqual(classify(`${CONTEG}.0.9`, [{ oid: `${CONTEG}.1.1.1.5.0`, type: 2, value: 0 }, { oid: `${CONTEG}.1.1.1.6.0`, type: 2, value: 3 }]),
      ['conteg-pdu', 'sdbMgmtStsRingStateChanged', 'communication-lost', {}]);
  });

  it('iBoot-PDU outletChange: the new outletStatus and the outlet', () => {
    const change = (status: number) => classify(`${IBOOT}.7.1`, [
      { oid: `${IBOOT}.5.1.1.3`, type: 2, value: 3 }, { oid: `${IBOOT}.5.1.2.3`, type: 4, value: 'db-01' }, { oid: `${IBOOT}.5.1.6.3`, type: 2, value: status },
    ]);
    assert.deepEqual(change(0), ['dataprobe-ibootpdu', 'outletChange', 'outlet-off', { outlet: 3 }]);
    assert.deepEqual(change(1), ['dataprobe-ibootpdu', 'outletChange', 'outlet-on', { outlet: 3 }]);
    assert.deepEqual(change(2), ['dataprobe-ibootpdu', 'outletChange', 'outlet-reboot', { outlet: 3 }]);
    assert.deepEqual(change(4), ['dataprobe-ibootpdu', 'outletChange', 'alarm', { outlet: 3 }]); // pend-on: not switched yet
  });
});
