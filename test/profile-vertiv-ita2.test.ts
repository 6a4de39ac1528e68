// A Vertiv Liebert ITA2 UPS, from a recording written from VERTIV-ITA2-MIB (with the UPS-MIB its card serves too):
// served by snmpsim, detected by its sysObjectID over the UPS-MIB fallback, and read with the MIB's scales.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DeviceReading } from '../src/model.js';
import { readDevice } from '../src/profiles/read-device.js';
import { vertivIta2 } from '../src/profiles/vertiv-ita2.js';
import { FakeSnmpClient } from './helpers/fake-snmp.js';
import { detectAndRead } from './helpers/check-recording.js';
import { fixtureRecordingsDir, startSnmpsim, type Snmpsim } from './helpers/snmpsim.js';

const num = (m: { value: number | null; quality: string }) => (m.quality === 'ok' ? m.value : m.quality);

describe('vertiv-ita2: a three-phase ITA2 on mains', () => {
  let sim: Snmpsim;
  let r: DeviceReading;
  before(async () => {
    sim = await startSnmpsim(undefined, [], [fixtureRecordingsDir()]);
    r = await detectAndRead(sim, 'vertiv_ita2_fixture', 'vertiv-ita2');
  });
  after(async () => { await sim?.stop(); });

  it('identity from the ITA2 ident group, the rest from UPS-MIB', () => {
    assert.deepEqual(r.identity, { vendor: 'Vertiv', model: 'Liebert ITA2 30kVA', serial: null, firmware: 'UPS-FW 1.2', name: 'ups-dal3-b' });
  });

  it('UPS: the ITA2 values win over UPS-MIB (runtime in tenths of minutes, power in hundredths of kW, 0.01 Hz)', () => {
    const u = r.ups!;
    assert.deepEqual([u.source, u.batteryStatus, num(u.runtime), num(u.charge), num(u.temperature), num(u.batteryVoltage)], ['mains', 'normal', 2892, 100, 25.3, 272.1]);
    assert.deepEqual(
      [num(u.inputVoltage), num(u.inputFrequency), num(u.outputVoltage), num(u.outputCurrent), num(u.outputPower), num(u.outputFrequency), num(u.load), num(u.timeOnBattery)],
      [230.1, 50.01, 230, 25.4, 5520, 49.99, 21.3, 0],
    );
  });

  it('one inlet and one output phase per phase', () => {
    assert.deepEqual(r.inlets.map((i) => [i.index, num(i.voltage), num(i.current), num(i.frequency)]), [
      [1, 230.1, 31.2, 50.01], [2, 229.8, 29.8, 50], [3, 230.5, 30.5, 50], // inputFrequency is the UPS's; lines 2 and 3 keep UPS-MIB's
    ]);
    assert.deepEqual(r.phases.map((p) => [p.index, p.name, num(p.voltage), num(p.current), num(p.power)]), [
      [1, 'Output A', 230, 25.4, 5520], [2, 'Output B', 229.9, 24.1, 5310], [3, 'Output C', 230.1, 26.2, 5780],
    ]);
  });

  it('one bypass line per phase: ITA2\'s tenths of volts and 0.01 Hz first, UPS-MIB\'s current and power beneath', () => {
    assert.deepEqual(r.bypass.map((b) => [b.index, b.name, num(b.voltage), num(b.current), num(b.power), num(b.frequency)]), [
      [1, 'Bypass A', 230.2, 0, 0, 50.01], [2, 'Bypass B', 229.9, 0, 0, 50.01], [3, 'Bypass C', 230.4, 0, 0, 50.01],
    ]);
  });

  it('battery temperatures as sensors', () => {
    assert.deepEqual(r.sensors.map((s) => [s.index, s.name, num(s.value)]), [[1, 'Battery', 25.3], [2, 'Battery environment', 24.1]]);
    assert.equal(r.badValues, 0);
  });
});

describe('vertiv-ita2 without UPS-MIB', () => {
  const I = '1.3.6.1.4.1.13400.2.54';
  it('on utility and battery counts as on battery; values it does not serve are unknown, not 0', async () => {
    const result = await readDevice(new FakeSnmpClient({ [`${I}.2.1.2.0`]: 4, [`${I}.2.5.7.0`]: 95, [`${I}.2.3.1.0`]: 2301 }), vertivIta2);
    assert.ok(result.ok);
    const u = result.value.ups!;
    assert.deepEqual([u.source, u.batteryStatus, num(u.runtime), num(u.outputVoltage), num(u.charge), num(u.outputPower)], ['battery', 'unknown', 570, 230.1, 'unknown', 'unknown']);
    assert.deepEqual(result.value.phases.map((p) => [p.index, num(p.voltage), num(p.current)]), [[1, 230.1, 'unknown']]);
    assert.deepEqual(result.value.inlets, []);
  });
});
