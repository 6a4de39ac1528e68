// A real two-unit ServerTech Sentry4 PRO2, recorded: served by snmpsim, detected and read through the
// servertech-sentry4 profile; then a PDU in trouble as Sentry4-MIB describes it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { detectProfile } from '../src/profiles/detect.js';
import { readDevice } from '../src/profiles/read-device.js';
import { servertechSentry4 } from '../src/profiles/servertech-sentry4.js';
import { checkRecording } from './helpers/check-recording.js';
import { FakeSnmpClient, withSysObjectId } from './helpers/fake-snmp.js';
import { startSnmpsim, type Snmpsim } from './helpers/snmpsim.js';

describe('ServerTech Sentry4 recording through the servertech-sentry4 profile', () => {
  let sim: Snmpsim;
  before(async () => { sim = await startSnmpsim(); });
  after(async () => { await sim?.stop(); });

  it('Sentry4 PRO2 master + link unit: cords, lines and phases apart, six breakers; every covered oracle sensor equal', async () => {
    const { reading: r, coverage } = await checkRecording(sim, 'sentry4', {
      profile: 'servertech-sentry4', inlets: 2, phases: 12, banks: 6, outlets: 0, sensors: 2, minCovered: 54,
    });
    assert.equal(coverage.matched, coverage.covered);
    assert.deepEqual(
      { model: r.identity.model, serial: r.identity.serial, firmware: r.identity.firmware },
      { model: 'C2S42CE-YCMFAM00', serial: null, firmware: 'Version 8.0n' }, // st4UnitProductSN is "<private>"
    );
    assert.deepEqual(r.inlets.map((i) => [i.index, i.name, i.power.value, i.apparentPower.value, i.powerFactor.value, i.energy.value, i.frequency.value, i.loadState]), [
      [1, 'Master_Cord_A', 1701, 1790, 0.95, 893.7, 60, 'normal'], [2, 'Link1_Cord_A', 1265, 1329, 0.96, 2565.9, 60, 'normal'],
    ]);
    const phase = (index: number) => r.phases.find((p) => p.index === index)!;
    assert.deepEqual([phase(1).name, phase(1).current.value, phase(1).voltage.quality], ['AA:L1', 5.6, 'unknown']); // a line: current only
    assert.deepEqual([phase(4).name, phase(4).current.value], ['BA:L1', 3.84]);
    assert.deepEqual([phase(101).name, phase(101).voltage.value, phase(101).current.value, phase(101).power.value], ['AA:L1-L2', 207.9, 2.09, 415]);
    assert.deepEqual([phase(106).name, phase(106).voltage.value], ['BA:L3-L1', 208.2]);
    assert.deepEqual(r.banks.map((b) => [b.index, b.name, b.breaker, b.breakerInferred, b.loadState]), [
      [1, 'AA:L1-L2-BR1', 'ok', false, 'normal'], [2, 'AA:L2-L3-BR2', 'ok', false, 'normal'], [3, 'AA:L3-L1-BR3', 'ok', false, 'normal'],
      [4, 'BA:L1-L2-BR1', 'ok', false, 'normal'], [5, 'BA:L2-L3-BR2', 'ok', false, 'normal'], [6, 'BA:L3-L1-BR3', 'ok', false, 'normal'],
    ]);
    assert.equal(r.badValues, 0);
  });

  it('Sentry4: unit A reports its probe ports normal but their value -410 (invalid): unknown, never -41 °C; unit B\'s notFound ports are no sensors', async () => {
    const result = await readDevice(sim.client('sentry4'), servertechSentry4);
    assert.ok(result.ok);
    assert.deepEqual(result.value.sensors.map((s) => [s.index, s.kind, s.name, s.value]), [
      [1, 'temperature', 'Temp_Sensor_A1', { value: null, quality: 'unknown' }],
      [2, 'temperature', 'Temp_Sensor_A2', { value: null, quality: 'unknown' }],
    ]);
  });

  it('finds the family by its objects when the sysObjectID is missing', async () => {
    const detected = await detectProfile(withSysObjectId(sim.client('sentry4'), undefined), 'auto');
    assert.ok(detected.ok);
    assert.equal(detected.value.name, 'servertech-sentry4');
  });
});

describe('servertech-sentry4 as Sentry4-MIB describes a PDU in trouble', () => {
  const ST4 = '1.3.6.1.4.1.1718.4.1';
  const rows: Record<string, unknown> = {
    [`${ST4}.4.2.1.4.1.1.1`]: Buffer.from('AA:L1'), [`${ST4}.4.3.1.3.1.1.1`]: 2950, [`${ST4}.4.3.1.4.1.1.1`]: 17, // line current highAlarm
    [`${ST4}.6.2.1.4.1.1.1`]: Buffer.from('AA:BR1'), [`${ST4}.6.2.1.4.1.1.2`]: Buffer.from('AA:BR2'),
    [`${ST4}.6.3.1.1.1.1.1`]: 12, [`${ST4}.6.3.1.1.1.1.2`]: 0, // st4OcpStatus breakerTripped, normal
    [`${ST4}.6.2.1.7.1.1.1`]: 20, [`${ST4}.6.2.1.7.1.1.2`]: 20, // st4OcpCurrentCapacity
    [`${ST4}.7.3.1.3.1.1.1`]: 0, [`${ST4}.7.3.1.3.1.1.2`]: 1612, [`${ST4}.7.3.1.4.1.1.2`]: 16, // st4BranchCurrent, …CurrentStatus highWarning
    [`${ST4}.8.2.1.3.1.1.1`]: Buffer.from('web-01 psu1'), [`${ST4}.8.2.1.3.1.1.2`]: Buffer.from(''), [`${ST4}.8.2.1.2.1.1.1`]: Buffer.from('AA1'), [`${ST4}.8.2.1.2.1.1.2`]: Buffer.from('AA2'), // st4OutletName, st4OutletID
    [`${ST4}.8.3.1.1.1.1.1`]: 2, [`${ST4}.8.3.1.1.1.1.2`]: 1, // st4OutletState off, on
    [`${ST4}.8.3.1.3.1.1.2`]: 145, [`${ST4}.8.3.1.14.1.1.2`]: 987654, // st4OutletCurrent, st4OutletEnergy (Wh)
    [`${ST4}.9.1.10.0`]: 1, // st4TempSensorScale fahrenheit
    [`${ST4}.9.2.1.3.1.1`]: Buffer.from('Rack top'), [`${ST4}.9.3.1.1.1.1`]: 770, [`${ST4}.9.3.1.2.1.1`]: 0,
    [`${ST4}.10.2.1.3.1.1`]: Buffer.from('Rack top'), [`${ST4}.10.2.1.3.1.2`]: Buffer.from('Spare port'),
    [`${ST4}.10.3.1.1.1.1`]: 38, [`${ST4}.10.3.1.1.1.2`]: -1, [`${ST4}.10.3.1.2.1.1`]: 0, [`${ST4}.10.3.1.2.1.2`]: 7, // humidity: found, notFound
  };

  it('reads the tripped breaker, the overloaded line, the switched-off outlet and only the trustworthy probes', async () => {
    const result = await readDevice(new FakeSnmpClient(rows, { verbatim: true }), servertechSentry4);
    assert.ok(result.ok);
    const r = result.value;
    assert.deepEqual(r.phases.map((p) => [p.index, p.name, p.current.value, p.loadState]), [[1, 'AA:L1', 29.5, 'overload']]);
    assert.deepEqual(r.banks.map((b) => [b.index, b.name, b.breaker, b.rating.value, b.current.value, b.loadState]), [
      [1, 'AA:BR1', 'tripped', 20, 0, 'unknown'], [2, 'AA:BR2', 'ok', 20, 16.12, 'near-overload'],
    ]);
    assert.deepEqual(r.outlets.map((o) => [o.index, o.name, o.state, o.current.value, o.energy.value]), [
      [1, 'web-01 psu1', 'off', null, null], [2, 'AA2', 'on', 1.45, 987.654],
    ]);
    // Fahrenheit temperatures are left out (never 77 °C); the notFound humidity port is no sensor.
    assert.deepEqual(r.sensors.map((s) => [s.index, s.kind, s.name, s.value.value]), [[101, 'humidity', 'Rack top', 38]]);
    assert.equal(r.badValues, 0);
  });
});
