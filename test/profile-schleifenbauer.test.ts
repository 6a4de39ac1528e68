// A real Schleifenbauer DPM27e (SCHLEIFENBAUER-DATABUS-MIB), recorded: served by snmpsim, detected and read through the
// schleifenbauer profile; then totals, branches, switched outlets and temperatures as the MIB describes them (the recording has none).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { detectProfile } from '../src/profiles/detect.js';
import { readDevice } from '../src/profiles/read-device.js';
import { schleifenbauer } from '../src/profiles/schleifenbauer.js';
import { checkRecording } from './helpers/check-recording.js';
import { FakeSnmpClient } from './helpers/fake-snmp.js';
import { startSnmpsim, type Snmpsim } from './helpers/snmpsim.js';

describe('Schleifenbauer recording through the schleifenbauer profile', () => {
  let sim: Snmpsim;
  before(async () => { sim = await startSnmpsim(); });
  after(async () => { await sim?.stop(); });

  it('DPM27e: 3 input phases, 27 outlets; every covered oracle sensor equal', async () => {
    const { reading, coverage } = await checkRecording(sim, 'schleifenbauer_dpm27e', {
      profile: 'schleifenbauer', inlets: 0, phases: 3, banks: 0, outlets: 27, sensors: 0, ups: false, ats: false, minCovered: 30,
    });
    assert.equal(coverage.matched, coverage.covered);
    assert.deepEqual(
      { serial: reading.identity.serial, firmware: reading.identity.firmware, name: reading.identity.name },
      { serial: 'SVNL00655429', firmware: '250', name: 'dpm27e-test' },
    );
    assert.deepEqual(reading.phases.map((p) => [p.index, p.voltage.value, p.current.value]), [[1, 0, 0], [2, 0, 0], [3, 0, 0]]);
    const outlet = (n: number) => reading.outlets.find((o) => o.index === n)!;
    assert.deepEqual([outlet(11).name, outlet(11).current.value], ['channel11', 1.94]); // CentiAmpere
    assert.deepEqual([outlet(4).energy.value, outlet(5).energy.value], [532, 402]); // whole kWh
    assert.equal(outlet(27).name, 'channel27');
    assert.equal(outlet(27).current.quality, 'unknown'); // named, but not metered
    assert.ok(reading.outlets.every((o) => o.state === 'unknown')); // no switched outlets: never assumed on
    assert.equal(reading.badValues, 0);
  });
});

describe('schleifenbauer totals, branches, switched outlets and temperatures, as the MIB describes them', () => {
  const D = '1.3.6.1.4.1.31034.12.1.1.2';
  const hpdu = (tempSensors: number) => new FakeSnmpClient({
    [`${D}.1.1.1.5.3`]: 'HPDU-G3', [`${D}.1.1.1.6.3`]: 'SVNL00012345', // unit at databus address 3
    [`${D}.2.1.1.9.3`]: tempSensors, // sdbDevCfTempSensors
    // sdbDevInTable: one phase, 231.10 V, 4.56 A, 1012 W
    [`${D}.6.1.1.5.3.1`]: 456, [`${D}.6.1.1.7.3.1`]: 23_110, [`${D}.6.1.1.10.3.1`]: 1_012, [`${D}.6.1.1.13.3.1`]: 'L1',
    // sdbDevTotalsTable: 12345 kWh, PF 98.30 %, 4.56 A, 1030 VA, 1012 W
    [`${D}.11.1.1.2.3.1`]: 12_345, [`${D}.11.1.1.3.3.1`]: 9_830, [`${D}.11.1.1.4.3.1`]: 456, [`${D}.11.1.1.6.3.1`]: 1_030, [`${D}.11.1.1.7.3.1`]: 1_012,
    // sdbDevBranchTable: two branches
    [`${D}.10.1.1.5.3.1`]: 310, [`${D}.10.1.1.13.3.1`]: 'B1', [`${D}.10.1.1.5.3.2`]: 146, [`${D}.10.1.1.13.3.2`]: 'B2',
    // outlets: names, switch states, meters
    [`${D}.7.1.1.2.3.1`]: 'web-01', [`${D}.7.1.1.2.3.2`]: 'web-02',
    [`${D}.7.3.1.2.3.1`]: 1, [`${D}.7.3.1.2.3.2`]: 0,
    [`${D}.7.2.1.5.3.1`]: 210, [`${D}.7.2.1.11.3.1`]: 480, [`${D}.7.2.1.2.3.1`]: 77,
    // sdbDevMeasuresTable: internal 31.50 °C, external 22.25 °C
    [`${D}.8.1.1.1.3`]: 3_150, [`${D}.8.1.1.2.3`]: 2_225,
  });

  it('reads the totals as the inlet, phases, branches, outlet states and meters, in hundredths', async () => {
    const result = await readDevice(hpdu(1), schleifenbauer);
    assert.ok(result.ok);
    const r = result.value;
    assert.deepEqual(r.inlets.map((i) => [i.index, i.energy.value, i.powerFactor.value, i.current.value, i.apparentPower.value, i.power.value]), [
      [1, 12_345, 0.983, 4.56, 1_030, 1_012],
    ]);
    assert.deepEqual(r.phases.map((p) => [p.index, p.name, p.voltage.value, p.current.value, p.power.value]), [[1, 'L1', 231.1, 4.56, 1_012]]);
    assert.deepEqual(r.banks.map((b) => [b.index, b.name, b.current.value, b.breaker]), [[1, 'B1', 3.1, 'unknown'], [2, 'B2', 1.46, 'unknown']]);
    assert.deepEqual(r.outlets.map((o) => [o.index, o.name, o.state, o.current.value, o.power.value, o.energy.value]), [
      [1, 'web-01', 'on', 2.1, 480, 77],
      [2, 'web-02', 'off', null, null, null],
    ]);
    assert.deepEqual(r.sensors.map((s) => [s.index, s.kind, s.name, s.value.value]), [
      [3, 'temperature', 'Internal', 31.5], [103, 'temperature', 'External', 22.25],
    ]);
  });

  it('a unit without a temperature sensor has no external temperature (not 0 °C); found without a sysObjectID', async () => {
    const client = hpdu(0);
    const detected = await detectProfile(client, 'auto');
    assert.ok(detected.ok);
    assert.equal(detected.value.name, 'schleifenbauer');
    const result = await readDevice(client, schleifenbauer);
    assert.ok(result.ok);
    assert.deepEqual(result.value.sensors.map((s) => [s.index, s.name]), [[3, 'Internal']]);
  });
});
