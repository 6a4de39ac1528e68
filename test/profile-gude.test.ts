// A real Gude Expert Power Control 8031 (GUDEADS-EPC8031-MIB), recorded: served by snmpsim, detected and read through
// the gude-epc profile; then other models of the family (their own OIDs), per-port meters and probes as their MIBs describe them.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { detectProfile } from '../src/profiles/detect.js';
import { gudeEpc } from '../src/profiles/gude-epc.js';
import { profileByName, profileForSysObjectId, profileKey } from '../src/profiles/index.js';
import { planOf } from '../src/profiles/plan.js';
import { readDevice } from '../src/profiles/read-device.js';
import { checkRecording } from './helpers/check-recording.js';
import { FakeSnmpClient, SYS_OBJECT_ID } from './helpers/fake-snmp.js';
import { startSnmpsim, type Snmpsim } from './helpers/snmpsim.js';

describe('Gude recording through the gude-epc profile', () => {
  let sim: Snmpsim;
  before(async () => { sim = await startSnmpsim(); });
  after(async () => { await sim?.stop(); });

  it('EPC 8031: one power channel, 8 relay ports, the CPU board temperature; every covered oracle sensor equal', async () => {
    const { reading, coverage } = await checkRecording(sim, 'gude-epc_8031', {
      profile: 'gude-epc', inlets: 1, phases: 0, banks: 0, outlets: 8, sensors: 1, ups: false, ats: false, minCovered: 16,
    });
    assert.equal(coverage.matched, coverage.covered);
    assert.deepEqual({ model: reading.identity.model, firmware: reading.identity.firmware }, { model: 'Expert Power Control 8031-3', firmware: '1.6.3' });
    assert.equal(reading.power.value, 18); // epc8031PowerActive.1, W
    assert.equal(reading.energy.value, 1109.596); // epc8031AbsEnergyActive.1, Wh → kWh
    const inlet = reading.inlets[0]!;
    assert.deepEqual(
      [inlet.voltage.value, inlet.current.value, inlet.power.value, inlet.apparentPower.value, inlet.powerFactor.value, inlet.frequency.value, inlet.energy.value],
      [230, 0.186, 18, 42, 0.424, 49.99, 1109.596], // V, mA → A, W, VA, 0.001, 0.01 Hz, Wh → kWh
    );
    assert.deepEqual(reading.outlets.map((o) => [o.index, o.state]), [
      [1, 'off'], [2, 'on'], [3, 'on'], [4, 'on'], [5, 'on'], [6, 'off'], [7, 'off'], [8, 'on'],
    ]);
    assert.deepEqual(reading.sensors.map((s) => [s.index, s.kind, s.name, s.value.value]), [[1000, 'temperature', 'CPU', 37.5]]); // 0.1 °C
    assert.equal(reading.badValues, 0);
  });

  it('a poll asks only for the model\'s own subtree: detection narrows the family to the EPC 8031 variant', async () => {
    for (const wanted of ['auto', 'gude-epc']) {
      const detected = await detectProfile(sim.client('gude-epc_8031'), wanted);
      assert.ok(detected.ok);
      const profile = detected.value;
      assert.deepEqual([profile.name, profile.variant, profileKey(profile)], ['gude-epc', '8031', 'gude-epc#8031'], wanted);
      assert.equal(profileByName('gude-epc#8031'), profile, 'the poll worker finds the variant by its key');
      const columns = planOf(profile).columns;
      assert.ok(columns.every((c) => c.startsWith('1.3.6.1.4.1.28507.81.')), 'only the 8031\'s own objects');
      assert.ok(columns.length * 10 < planOf(gudeEpc).columns.length, `${columns.length} columns walked, not the family's ${planOf(gudeEpc).columns.length}`);
    }
  });
});

describe('gude-epc across the family, as the MIBs describe it', () => {
  it('knows every EPC model by its sysObjectID, and no other Gude product', () => {
    for (const id of [68, 69, 107, 106, 43, 100, 77, 81, 82, 83, 85, 87, 56, 58, 98, 97, 64, 112, 109, 111]) {
      assert.equal(profileForSysObjectId(`1.3.6.1.4.1.28507.${id}`)?.name, 'gude-epc', `28507.${id}`);
    }
    assert.equal(profileForSysObjectId('1.3.6.1.4.1.28507.66')?.name, undefined); // Expert Sensor Box 7213
    assert.equal(profileForSysObjectId('1.3.6.1.4.1.28507.4')?.name, undefined); // ETS
  });

  // EPC 8226 (gudeads 58): two power channels, per-port meters, an external probe.
  const G = '1.3.6.1.4.1.28507.58.1';
  const epc8226 = {
    [SYS_OBJECT_ID]: { oid: '1.3.6.1.4.1.28507.58' },
    [`${G}.1.2.1.0`]: 'Expert Power Control 8226-2', [`${G}.1.2.2.0`]: '1.2.0',
    // epc8226PowerTable: channel 1 valid, channel 2 "data not active"
    [`${G}.5.1.2.1.2.1`]: 1, [`${G}.5.1.2.1.3.1`]: 25_500, [`${G}.5.1.2.1.4.1`]: 460, [`${G}.5.1.2.1.5.1`]: 2_100,
    [`${G}.5.1.2.1.6.1`]: 229, [`${G}.5.1.2.1.7.1`]: 5_002, [`${G}.5.1.2.1.8.1`]: 950, [`${G}.5.1.2.1.10.1`]: 484,
    [`${G}.5.1.2.1.2.2`]: 0, [`${G}.5.1.2.1.4.2`]: 0, [`${G}.5.1.2.1.5.2`]: 0, [`${G}.5.1.2.1.6.2`]: 0,
    // epc8226portTable: two ports
    [`${G}.3.1.2.1.2.1`]: 'db-01 A', [`${G}.3.1.2.1.3.1`]: 1,
    [`${G}.3.1.2.1.2.2`]: 'db-02 A', [`${G}.3.1.2.1.3.2`]: 0,
    // epc8226spPowerTable: port 1 metered, port 2's meter not active
    [`${G}.5.5.2.1.2.1`]: 1, [`${G}.5.5.2.1.3.1`]: 1_234, [`${G}.5.5.2.1.4.1`]: 230, [`${G}.5.5.2.1.5.1`]: 1_050,
    [`${G}.5.5.2.1.2.2`]: 0, [`${G}.5.5.2.1.3.2`]: 0, [`${G}.5.5.2.1.4.2`]: 0, [`${G}.5.5.2.1.5.2`]: 0,
    // epc8226SensorTable: a temperature/humidity probe at 23.4 °C, 45.6 %RH
    [`${G}.6.1.1.2.1`]: 234, [`${G}.6.1.1.3.1`]: 456, [`${G}.6.1.1.32.1`]: 'Rack 7 top',
  };

  it('reads a two-channel model: both channels are inlets, no device total from one of them', async () => {
    const result = await readDevice(new FakeSnmpClient(epc8226), gudeEpc);
    assert.ok(result.ok);
    const r = result.value;
    assert.equal(r.identity.model, 'Expert Power Control 8226-2');
    assert.equal(r.power.value, null);
    assert.deepEqual(r.inlets.map((i) => [i.index, i.voltage.value, i.current.value, i.power.value, i.frequency.value, i.powerFactor.value, i.energy.value]), [
      [1, 229, 2.1, 460, 50.02, 0.95, 25.5],
      [2, null, null, null, null, null, null], // data not active: unknown, not 0
    ]);
    assert.deepEqual(r.outlets.map((o) => [o.index, o.name, o.state, o.current.value, o.power.value, o.energy.value]), [
      [1, 'db-01 A', 'on', 1.05, 230, 1.234],
      [2, 'db-02 A', 'off', null, null, null],
    ]);
    assert.deepEqual(r.sensors.map((s) => [s.index, s.kind, s.name, s.value.value]), [
      [1, 'temperature', 'Rack 7 top', 23.4], [101, 'humidity', 'Rack 7 top', 45.6],
    ]);
  });

  it('EPC 8291: a blown port fuse is a port without power, an error state is unknown; bank currents in mA', async () => {
    const E = '1.3.6.1.4.1.28507.98.1';
    const client = new FakeSnmpClient({ // no sysObjectID: found by its relay port table
      [`${E}.3.1.2.1.3.1`]: 1, [`${E}.3.1.2.1.3.2`]: 2, [`${E}.3.1.2.1.3.3`]: 3, [`${E}.3.1.2.1.3.4`]: 0,
      [`${E}.5.8.1.4.1`]: 3_250, [`${E}.5.8.1.4.2`]: 0,
    });
    const detected = await detectProfile(client, 'auto');
    assert.ok(detected.ok);
    assert.deepEqual([detected.value.name, detected.value.variant], ['gude-epc', '8291'], 'found by probe, narrowed to its model');
    const result = await readDevice(client, detected.value);
    assert.ok(result.ok);
    assert.deepEqual(result.value.outlets.map((o) => [o.index, o.state]), [[1, 'on'], [2, 'off'], [3, 'unknown'], [4, 'off']]);
    assert.deepEqual(result.value.banks.map((b) => [b.index, b.current.value, b.breaker]), [[1, 3.25, 'unknown'], [2, 0, 'unknown']]);
  });
});
