// A real Panduit G5 metered three-phase PDU (PANDUIT-MIB), recorded: served by snmpsim, detected and read through the
// panduit profile; then phases, outlets and environment probes as the MIB describes them (the recording has none).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { panduitPdu } from '../src/profiles/panduit.js';
import { readDevice } from '../src/profiles/read-device.js';
import { checkRecording } from './helpers/check-recording.js';
import { FakeSnmpClient, type FakeMib } from './helpers/fake-snmp.js';
import { startSnmpsim, type Snmpsim } from './helpers/snmpsim.js';

describe('Panduit PDU recording through the panduit profile', () => {
  let sim: Snmpsim;
  before(async () => { sim = await startSnmpsim(); });
  after(async () => { await sim?.stop(); });

  it('P42D04M: one input, 6 breakers (the empty group rows left out); every covered oracle sensor equal', async () => {
    const { reading, coverage } = await checkRecording(sim, 'panduit', {
      profile: 'panduit', inlets: 1, phases: 0, banks: 6, outlets: 0, sensors: 0, ups: false, ats: false, minCovered: 15,
    });
    assert.equal(coverage.matched, coverage.covered);
    assert.deepEqual(
      [reading.identity.vendor, reading.identity.model, reading.identity.serial, reading.identity.firmware],
      ['Panduit', 'P42D04M', 'CN187D6053', '2.3.21'],
    );
    assert.equal(reading.power.value, 956);
    assert.equal(reading.energy.value, 7405); // pdug5InputTotalEnergy is in kWh
    const inlet = reading.inlets[0]!;
    assert.deepEqual(
      [inlet.current.value, inlet.power.value, inlet.apparentPower.value, inlet.powerFactor.value, inlet.energy.value, inlet.frequency.value],
      [4.48, 956, 1022, 0.93, 7405, 50], // 0.01 A, W, VA, hundredths, kWh, tenths of Hz
    );
    assert.equal(inlet.voltage.quality, 'unknown'); // no input phase table in this recording: never 0 V
    assert.deepEqual(reading.banks.map((b) => [b.index, b.name, b.current.value, b.rating.value, b.breaker, b.loadState]), [
      [1, 'B3', 1.93, 16, 'ok', 'normal'], [2, 'B4', 0, 16, 'ok', 'normal'], [3, 'B5', 2, 16, 'ok', 'normal'],
      [4, 'B6', 0.16, 16, 'ok', 'normal'], [5, 'B7', 0.13, 16, 'ok', 'normal'], [6, 'B8', 0.26, 16, 'ok', 'normal'],
    ]);
    assert.equal(reading.badValues, 0);
  });
});

describe('panduit phases, outlets and probes, as the MIB describes them', () => {
  const G5 = '1.3.6.1.4.1.19536.10.1';
  const P = `${G5}.2.2.1`; // pdug5InputPhaseEntry, index (pdu, phase)
  const mib = (scale: 1 | 2): FakeMib => ({
    // pdug5InputPhaseTable: three phases to neutral, and the neutral current row
    [`${P}.2.1.1`]: 2, [`${P}.3.1.1`]: 2301, [`${P}.9.1.1`]: 3, [`${P}.11.1.1`]: 512, [`${P}.12.1.1`]: 1, [`${P}.20.1.1`]: 1150,
    [`${P}.2.1.2`]: 3, [`${P}.3.1.2`]: 2298, [`${P}.9.1.2`]: 4, [`${P}.11.1.2`]: 1634, [`${P}.12.1.2`]: 4, [`${P}.20.1.2`]: 3700,
    [`${P}.2.1.3`]: 4, [`${P}.3.1.3`]: 2310, [`${P}.9.1.3`]: 5, [`${P}.11.1.3`]: 7, [`${P}.12.1.3`]: 2, [`${P}.20.1.3`]: 12,
    [`${P}.2.1.4`]: 0, [`${P}.3.1.4`]: 0, [`${P}.9.1.4`]: 2, [`${P}.11.1.4`]: 1120, [`${P}.12.1.4`]: 1, [`${P}.20.1.4`]: -1,
    // pdug5GroupTable: a breaker turned off, an outlet section (no breaker)
    [`${G5}.3.1.1.2.1.1`]: 'B1', [`${G5}.3.1.1.3.1.1`]: 2, [`${G5}.3.1.1.11.1.1`]: 1600, [`${G5}.3.1.1.12.1.1`]: 0, [`${G5}.3.1.1.13.1.1`]: 6, [`${G5}.3.1.1.26.1.1`]: 3,
    [`${G5}.3.1.1.2.1.2`]: 'S1', [`${G5}.3.1.1.3.1.2`]: 5, [`${G5}.3.1.1.11.1.2`]: -1, [`${G5}.3.1.1.12.1.2`]: 310, [`${G5}.3.1.1.26.1.2`]: 1,
    // pdug5OutletTable and pdug5OutletControlTable: on, off, pending off (still on), pending on (still off)
    ...Object.fromEntries([1, 2, 3, 4].flatMap((n) => [
      [`${G5}.5.1.1.2.1.${n}`, `Outlet ${n}`], [`${G5}.5.1.1.5.1.${n}`, n === 1 ? 123 : 0], [`${G5}.5.1.1.13.1.${n}`, n === 1 ? 250 : 0],
      [`${G5}.5.1.1.14.1.${n}`, n === 1 ? 12_345 : 0], [`${G5}.5.1.1.18.1.${n}`, 1], [`${G5}.5.2.1.1.1.${n}`, [2, 1, 3, 4][n - 1]!],
    ])),
    // pdug5EnvProbeTable: pdug5TemperatureScale
    [`${G5}.4.1.1.1.1`]: scale,
    // pdug5TemperatureTable: connected, disconnected (no sensor), bad (unknown)
    [`${G5}.4.2.1.2.1.1`]: 'Inlet', [`${G5}.4.2.1.3.1.1`]: 2, [`${G5}.4.2.1.4.1.1`]: scale === 1 ? 23 : 77,
    [`${G5}.4.2.1.2.1.2`]: 'Spare', [`${G5}.4.2.1.3.1.2`]: 1, [`${G5}.4.2.1.4.1.2`]: 0,
    [`${G5}.4.2.1.2.1.3`]: 'Outlet', [`${G5}.4.2.1.3.1.3`]: 3, [`${G5}.4.2.1.4.1.3`]: 0,
    // pdug5HumidityTable
    [`${G5}.4.3.1.2.1.1`]: 'Inlet', [`${G5}.4.3.1.3.1.1`]: 2, [`${G5}.4.3.1.4.1.1`]: 38,
  });

  it('reads phases without the neutral row, breaker off as tripped, outlet states and meters, °C probes', async () => {
    const result = await readDevice(new FakeSnmpClient(mib(1)), panduitPdu);
    assert.ok(result.ok);
    const r = result.value;
    assert.deepEqual(r.phases.map((p) => [p.index, p.voltage.value, p.current.value, p.power.value, p.loadState]), [
      [1, 230.1, 5.12, 1150, 'normal'], [2, 229.8, 16.34, 3700, 'near-overload'], [3, 231, 0.07, 12, 'low'],
    ]);
    assert.equal(r.inlets.length, 0); // no pdug5InputTable row and a three-phase phase table: no inlet invented
    assert.deepEqual(r.banks.map((b) => [b.index, b.name, b.current.value, b.rating.value, b.breaker, b.loadState]), [
      [1, 'B1', 0, 16, 'tripped', 'unknown'], // breakerOff(3); cbOff(6) is no load verdict
    ]);
    assert.deepEqual(r.outlets.map((o) => [o.index, o.name, o.state]), [
      [1, 'Outlet 1', 'on'], [2, 'Outlet 2', 'off'], [3, 'Outlet 3', 'on'], [4, 'Outlet 4', 'off'],
    ]);
    const o1 = r.outlets[0]!;
    assert.deepEqual([o1.current.value, o1.power.value, o1.energy.value, o1.bank], [1.23, 250, 12.345, 1]);
    assert.deepEqual(r.sensors.map((s) => [s.index, s.kind, s.name, s.value.value, s.value.quality]), [
      [1, 'temperature', 'Inlet', 23, 'ok'],
      [3, 'temperature', 'Outlet', null, 'unknown'],
      [101, 'humidity', 'Inlet', 38, 'ok'],
    ]);
  });

  it('converts probes of a PDU set to °F into °C', async () => {
    const result = await readDevice(new FakeSnmpClient(mib(2)), panduitPdu);
    assert.ok(result.ok);
    assert.deepEqual(result.value.sensors.map((s) => [s.index, s.value.value]), [[1, 25], [3, null], [101, 38]]);
  });

  it('a single-phase PDU: the one phase voltage is the input voltage', async () => {
    const result = await readDevice(new FakeSnmpClient({
      [`${G5}.2.1.1.2.1`]: 600, [`${G5}.2.1.1.5.1`]: 800, [`${G5}.2.1.1.11.1`]: 352,
      [`${P}.2.1.1`]: 1, [`${P}.3.1.1`]: 1201, [`${P}.9.1.1`]: 1, [`${P}.11.1.1`]: 352,
    }), panduitPdu);
    assert.ok(result.ok);
    const inlet = result.value.inlets[0]!;
    assert.deepEqual([inlet.index, inlet.voltage.value, inlet.current.value, inlet.frequency.value, inlet.power.value], [1, 120.1, 3.52, 60, 800]);
  });
});

describe('panduit traps', () => {
  it('severity notifications: critical and warning are alarms, cleared clears, test is a test', () => {
    const event = (n: number) => panduitPdu.traps?.find((t) => t.oid === `1.3.6.1.4.1.19536.10.1.6.${n}`)?.event;
    assert.deepEqual([1, 2, 3, 4, 5].map(event), ['alarm', 'alarm', undefined, 'alarm-cleared', 'test']);
  });
});
