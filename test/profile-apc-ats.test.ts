// A real APC transfer switch (AP4423 card serving atsStatus and xATS objects), recorded: served by snmpsim,
// detected and read through the apc-ats profile; then a rack ATS that lost a source, as PowerNet-MIB describes it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { apcAts } from '../src/profiles/apc-ats.js';
import { formatReading } from '../src/probe/format-reading.js';
import { detectProfile } from '../src/profiles/detect.js';
import { readDevice } from '../src/profiles/read-device.js';
import { checkRecording } from './helpers/check-recording.js';
import { FakeSnmpClient, withSysObjectId } from './helpers/fake-snmp.js';
import { startSnmpsim, type Snmpsim } from './helpers/snmpsim.js';

describe('APC ATS recording through the apc-ats profile', () => {
  let sim: Snmpsim;
  before(async () => { sim = await startSnmpsim(); });
  after(async () => { await sim?.stop(); });

  it('AP4423: source A active, two sources, three output phases; every covered oracle sensor equal', async () => {
    const { reading, coverage } = await checkRecording(sim, 'apc_ats', { profile: 'apc-ats', ats: true, ups: false, inlets: 2, phases: 3, banks: 0, outlets: 0, sensors: 0, minCovered: 7 });
    assert.equal(coverage.matched, coverage.covered);
    assert.deepEqual(
      { model: reading.identity.model, serial: reading.identity.serial, firmware: reading.identity.firmware },
      { model: 'AP4423', serial: null, firmware: '4.1.9' }, // atsIdentSerialNumber is "<private>"
    );
    const a = reading.ats!;
    assert.deepEqual(
      [a.activeSource, a.redundancy, a.sourceAVoltage.value, a.sourceBVoltage.value, a.outputVoltage.value, a.sourceACurrent.quality, a.sourceBCurrent.quality, a.outputCurrent.quality],
      ['A', 'redundant', 470.4, 0.4, 467.8, 'unknown', 'unknown', 'unknown'], // xATS has no source currents; its phase currents are not served here
    );
    assert.deepEqual(reading.inlets.map((i) => [i.index, i.voltage.value]), [[1, 470.4], [2, 0.4]]);
    assert.deepEqual(reading.phases.map((p) => [p.index, p.voltage.value]), [[1, 467.8], [2, 467.9], [3, 465.5]]);
    assert.deepEqual(reading.power, { value: null, quality: 'unknown' }); // xATSSystemOutputTotalPower not served
    assert.equal(reading.badValues, 0);
  });

  it('finds the ATS by its objects when the sysObjectID is missing', async () => {
    const real = sim.client('apc_ats');
    const noSysObjectId = withSysObjectId(real, undefined);
    const detected = await detectProfile(noSysObjectId, 'auto');
    assert.ok(detected.ok);
    assert.equal(detected.value.name, 'apc-ats');
  });

  it('leaves the rack PDUs to apc-rpdu2', async () => {
    for (const recording of ['apc_ap7900b', 'apc_apdu9959eu3']) {
      const detected = await detectProfile(sim.client(recording), 'auto');
      assert.ok(detected.ok);
      assert.equal(detected.value.name, 'apc-rpdu2', recording);
    }
  });
});

describe('apc-ats on a rack ATS that lost source A, as the MIB describes it', () => {
  const A = '1.3.6.1.4.1.318.1.1.8.5';
  // Agents index the phase tables input.phase.1, one sub-identifier more than the MIB's INDEX.
  const rows: Record<string, unknown> = {
    [`${A}.1.2.0`]: 2, // atsStatusSelectedSource sourceB
    [`${A}.1.3.0`]: 1, // atsStatusRedundancyState atsRedundancyLost
    [`${A}.3.2.1.4.1`]: -1, [`${A}.3.2.1.4.2`]: 60, // atsInputFrequency
    [`${A}.3.2.1.6.1`]: Buffer.from('Source A'), [`${A}.3.2.1.6.2`]: Buffer.from('Source B'), // atsInputName
    [`${A}.3.3.1.3.1.1.1`]: -1, [`${A}.3.3.1.3.2.1.1`]: 208, // atsInputVoltage: A unsupported/lost, B 208 V
    [`${A}.3.3.1.6.1.1.1`]: -1, [`${A}.3.3.1.6.2.1.1`]: 12, // atsInputCurrent A
    [`${A}.4.3.1.2.1.1.1`]: 1, [`${A}.4.3.1.2.1.4.1`]: 4, // atsOutputPhaseIndex phase1, neutral
    [`${A}.4.3.1.3.1.1.1`]: 207, [`${A}.4.3.1.3.1.4.1`]: 0, // atsOutputVoltage
    [`${A}.4.3.1.4.1.1.1`]: 118, [`${A}.4.3.1.4.1.4.1`]: 3, // atsOutputCurrent (tenths of A)
    [`${A}.4.3.1.19.1.1.1`]: 3, // atsOutputPhaseState nearoverload
    // atsOutputBankTable: total(1), bank1(2), bank2(3)
    [`${A}.4.5.1.3.1`]: 1, [`${A}.4.5.1.3.2`]: 2, [`${A}.4.5.1.3.3`]: 3,
    [`${A}.4.5.1.4.1`]: 118, [`${A}.4.5.1.4.2`]: 100, [`${A}.4.5.1.4.3`]: 18,
    [`${A}.4.5.1.5.1`]: 3, [`${A}.4.5.1.5.2`]: 4, [`${A}.4.5.1.5.3`]: 1,
  };

  it('reads the active source, the lost redundancy, the unsupported voltage and the banks as the MIB means them', async () => {
    const result = await readDevice(new FakeSnmpClient(rows, { verbatim: true }), apcAts);
    assert.ok(result.ok);
    const r = result.value;
    assert.deepEqual([r.ats!.activeSource, r.ats!.redundancy], ['B', 'lost']);
    assert.deepEqual(r.ats!.sourceAVoltage, { value: null, quality: 'unknown' }); // -1: no reading, never 0 V
    assert.equal(r.ats!.sourceBVoltage.value, 208);
    assert.equal(r.ats!.outputVoltage.value, 207);
    assert.deepEqual([r.ats!.sourceACurrent.quality, r.ats!.sourceBCurrent.value, r.ats!.outputCurrent.value], ['unknown', 12, 11.8]); // atsInputCurrent (A), atsOutputCurrent (tenths)
    assert.match(formatReading('ats-1', r, 'probe'), /\nATS\n.*source A A.*output A\n +B +lost +- +- +208 +12 +207 +11\.8\n/);
    assert.deepEqual(r.inlets.map((i) => [i.index, i.name, i.voltage.value, i.current.value, i.frequency.value]), [[1, 'Source A', null, null, null], [2, 'Source B', 208, 12, 60]]);
    assert.deepEqual(r.phases.map((p) => [p.index, p.voltage.value, p.current.value, p.loadState]), [[1, 207, 11.8, 'near-overload']]); // the neutral row is no phase
    assert.deepEqual(r.banks.map((b) => [b.index, b.current.value, b.loadState]), [[1, 10, 'overload'], [2, 1.8, 'normal']]); // the total row is no bank
    assert.equal(r.badValues, 0);
  });
});
