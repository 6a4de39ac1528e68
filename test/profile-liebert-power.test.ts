// Liebert power-distribution products on a GP agent (LIEBERT-GP-POWER-MIB measurement tables): the recorded 300 kVA FPC
// (compared with the oracle) and an STS2/PDU written from the MIBs (test/fixtures/snmprec), served by snmpsim.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { DeviceReading, Measure } from '../src/model.js';
import { detect } from '../src/profiles/detect.js';
import { profiles } from '../src/profiles/index.js';
import { liebertPower } from '../src/profiles/liebert-power.js';
import { readDevice } from '../src/profiles/read-device.js';
import { TrapClassifier } from '../src/traps/classify.js';
import { checkRecording, detectAndRead } from './helpers/check-recording.js';
import { FakeSnmpClient } from './helpers/fake-snmp.js';
import { fixtureRecordingsDir, recordingsDir, startSnmpsim, type Snmpsim } from './helpers/snmpsim.js';

const GP = '1.3.6.1.4.1.476.1.42';
const POINT = `${GP}.3.5.2.2.1`;
const LINE = `${GP}.3.5.2.3.1`;
const v = (m: Measure) => (m.quality === 'ok' ? m.value : m.quality);
const MINE = ['liebert_web485', 'liebert-power_sts2_fixture'];

let sim: Snmpsim;
before(async () => { sim = await startSnmpsim(undefined, [], [fixtureRecordingsDir()]); });
after(async () => { await sim?.stop(); });

describe('liebert-power: the recorded 300 kVA FPC (sysObjectID liebertGlobalProducts itself, found by probe)', () => {
  let r: DeviceReading;
  before(async () => {
    ({ reading: r } = await checkRecording(sim, 'liebert_web485', { profile: 'liebert-power', inlets: 1, phases: 6, sensors: 0, ups: false, ats: false, minCovered: 13 }));
  });

  it('is found by its measurement tables, not by liebert-ups or liebert-pdu', async () => {
    const d = await detect(sim.client('liebert_web485'));
    assert.ok(d.ok);
    assert.deepEqual([d.value.profile.name, d.value.how], ['liebert-power', 'probe']);
    assert.deepEqual(r.identity, { vendor: 'Liebert', model: '300kVA FPC', serial: null, firmware: null, name: null }); // sysDescr as the model
  });

  it('the output point (row 2) is inlet 2: kVA and kW as the agent answers them, power factor in hundredths, Hz', () => {
    assert.deepEqual(r.inlets.map((i) => [i.index, v(i.apparentPower), v(i.power), v(i.powerFactor), v(i.frequency), v(i.energy)]), [
      [2, 139_000, 138_000, 0.99, 60, 'unknown'], // lgpPwrMeasurementPointWattHours: unit in doubt, not read
    ]);
    assert.deepEqual(v(r.power), 'unknown'); // no device total in the MIB
  });

  it('the kVA reading agrees with the point’s own lines in the MIB’s volts and amps', () => {
    const lines = r.phases.filter((p) => p.current.quality === 'ok');
    const va = lines.reduce((sum, p) => sum + p.voltage.value! * p.current.value!, 0);
    assert.ok(Math.abs(va - r.inlets[0]!.apparentPower.value!) / va < 0.02, `${va} VA from the lines`);
  });

  it('phases 3 × (point − 1) + line: the input’s line-to-line volts, the output’s line-to-neutral volts and amps', () => {
    assert.deepEqual(r.phases.map((p) => [p.index, v(p.voltage), v(p.current), v(p.power)]), [
      [1, 479, 'unknown', 'unknown'], [2, 477, 'unknown', 'unknown'], [3, 478, 'unknown', 'unknown'],
      [4, 118, 408, 'unknown'], [5, 118, 394, 'unknown'], [6, 118, 366, 'unknown'],
    ]);
    assert.equal(r.badValues, 0);
  });
});

describe('liebert-power: an STS2/PDU written from the MIBs (lgpPMPonSTS2PDU)', () => {
  let r: DeviceReading;
  before(async () => { r = await detectAndRead(sim, 'liebert-power_sts2_fixture', 'liebert-power'); });

  it('identity from the managed-device table before the card’s', () => {
    assert.deepEqual(r.identity, { vendor: 'Liebert', model: 'STS2/PDU', serial: '0407STS2B118', firmware: '3.2.0', name: 'STS2-B' });
    assert.equal(r.kind, 'pdu');
  });

  it('three points, three inlets: both sources give only their frequency, the output its powers', () => {
    assert.deepEqual(r.inlets.map((i) => [i.index, v(i.frequency), v(i.apparentPower), v(i.power), v(i.powerFactor)]), [
      [1, 60, 'unknown', 'unknown', 'unknown'],
      [2, 60, 'unknown', 'unknown', 'unknown'],
      [3, 60, 94_000, 89_000, 0.95],
    ]);
  });

  it('nine phases: each source’s line-to-line volts, the three-phase output’s line-to-neutral; a line without a current is unknown, never 0', () => {
    assert.deepEqual(r.phases.map((p) => [p.index, v(p.voltage), v(p.current)]), [
      [1, 482, 'unknown'], [2, 480, 'unknown'], [3, 481, 'unknown'],
      [4, 479, 'unknown'], [5, 478, 'unknown'], [6, 480, 'unknown'],
      [7, 120, 268], [8, 119, 251], [9, 121, 'unknown'],
    ]);
    assert.ok(r.phases.every((p) => p.power.quality === 'unknown' && p.name === null)); // line powers: unit in doubt
  });

  it('LIEBERT-GP-ENVIRONMENTAL temperatures (tenths first, whole degrees as the fallback) and humidity', () => {
    assert.deepEqual(r.sensors.map((s) => [s.index, s.kind, v(s.value)]), [[1, 'temperature', 68.3], [2, 'temperature', 24], [101, 'humidity', 41.2]]);
    assert.deepEqual([r.banks, r.outlets, r.ups, r.ats], [[], [], null, null]);
    assert.equal(r.badValues, 0);
  });
});

describe('liebert-power without a recording', () => {
  const garbage = { '1.3.6.1.2.1.1.2.0': { oid: '0.0' } };

  it('a GP agent with a garbage sysObjectID is found by its K-factor column', async () => {
    const d = await detect(new FakeSnmpClient({ ...garbage, [`${LINE}.12.2.1`]: 10 }));
    assert.ok(d.ok);
    assert.deepEqual([d.value.profile.name, d.value.how], ['liebert-power', 'probe']);
  });

  it('a UPS on the same generic sysObjectID that also serves the measurement tables stays liebert-ups', async () => {
    const d = await detect(new FakeSnmpClient({
      '1.3.6.1.2.1.1.2.0': { oid: GP }, [`${GP}.3.5.1.26.0`]: 2, [`${GP}.3.5.3.55.0`]: 3, [`${LINE}.12.2.1`]: 10, [`${LINE}.13.2.1`]: 14, [`${POINT}.13.2`]: 0,
    }));
    assert.ok(d.ok);
    assert.deepEqual([d.value.profile.name, d.value.how], ['liebert-ups', 'probe']);
  });

  it('an agent that answers the point powers in W, as the MIB says, is implausible from 2 kW on, not a thousandfold number', async () => {
    const r = await readDevice(new FakeSnmpClient({ [`${POINT}.7.2`]: 139_000, [`${POINT}.8.2`]: 138_000, [`${POINT}.9.2`]: 99, [`${LINE}.6.2.1`]: -4 }), liebertPower);
    assert.ok(r.ok);
    assert.deepEqual(r.value.inlets.map((i) => [i.index, v(i.apparentPower), v(i.power), v(i.powerFactor)]), [[2, 'implausible', 'implausible', 0.99]]);
    assert.deepEqual(r.value.phases.map((p) => [p.index, v(p.current)]), [[4, 'implausible']]);
    assert.equal(r.value.badValues, 3);
  });

  it('the other recordings and fixtures are not claimed by liebert-power; the Liebert UPS and rack PDU keep their profiles', async () => {
    const names = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.snmprec')).map((f) => f.replace(/\.snmprec$/, ''));
    const all = [...names(join(recordingsDir(), 'snmprec')), ...names(fixtureRecordingsDir())].filter((n) => !MINE.includes(n));
    assert.ok(all.length > 20);
    for (const recording of all) {
      const d = await detect(sim.client(recording));
      assert.ok(!d.ok || d.value.profile.name !== 'liebert-power', recording);
      if (recording === 'liebert_ups_fixture' || recording === 'liebert_pdu_fixture') {
        assert.ok(d.ok);
        assert.equal(d.value.profile.name, recording === 'liebert_ups_fixture' ? 'liebert-ups' : 'liebert-pdu');
      }
    }
  });
});

describe('liebert-power notifications', () => {
  const classifier = new TrapClassifier(profiles);
  const condition = (added: boolean, descr: string) => ({
    trapOid: `${GP}.3.3.0.${added ? 1 : 2}`,
    varbinds: [{ oid: `${GP}.3.2.3.1.1.7`, type: 66, value: 7 }, { oid: `${GP}.3.2.3.1.2.7`, type: 6, value: descr }], // lgpConditionId, …Descr
  });

  it('conditions: a source lost and back, an overload, a transfer to the alternate source', () => {
    const event = (added: boolean, descr: string) => classifier.classify(condition(added, descr), 'liebert-power').event;
    assert.equal(event(true, `${GP}.3.2.1.47.2`), 'inlet-lost'); // lgpConditionSource2Failure
    assert.equal(event(false, `${GP}.3.2.1.47.2`), 'inlet-restored');
    assert.equal(event(true, `${GP}.3.2.1.40.6`), 'overload'); // lgpConditionOutputToLoadOverload
    assert.equal(event(false, `${GP}.3.2.1.40.6`), 'overload-cleared');
    assert.equal(event(true, `${GP}.3.2.1.60`), 'source-transfer'); // lgpConditionLoadOnAlternateSource
    assert.equal(event(true, `${GP}.3.2.1.59.4`), 'alarm'); // lgpConditionTransformerOverTemperature: no event of its own
  });

  it('event notifications: output overload, power redundancy lost', () => {
    const c = classifier.classify({ trapOid: `${GP}.3.3.0.7`, varbinds: [] }, 'liebert-power');
    assert.deepEqual([c.profile, c.name, c.event], ['liebert-power', 'lgpEventOutputOverload', 'overload']);
    assert.equal(classifier.classify({ trapOid: `${GP}.3.3.0.9`, varbinds: [] }, 'liebert-power').event, 'redundancy-lost');
  });
});
