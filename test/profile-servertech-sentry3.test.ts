// A real ServerTech Sentry3 Switched CDU, recorded: served by snmpsim, detected and read through the
// servertech-sentry3 profile; then a CDU with faults and settings as Sentry3-MIB describes them.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { detectProfile } from '../src/profiles/detect.js';
import { readDevice } from '../src/profiles/read-device.js';
import { servertechSentry3 } from '../src/profiles/servertech-sentry3.js';
import { checkRecording } from './helpers/check-recording.js';
import { FakeSnmpClient, withSysObjectId } from './helpers/fake-snmp.js';
import { startSnmpsim, type Snmpsim } from './helpers/snmpsim.js';
import { startSnmpRelay } from './helpers/snmp-relay.js';
import { NetSnmpClient } from '../src/snmp/snmp-client.js';

describe('ServerTech Sentry3 recording through the servertech-sentry3 profile', () => {
  let sim: Snmpsim;
  before(async () => { sim = await startSnmpsim(); });
  after(async () => { await sim?.stop(); });

  it('Sentry3 Switched CDU: three infeeds of tower A, 30 outlets numbered across infeeds; every oracle sensor covered and equal', async () => {
    const { reading: r, coverage } = await checkRecording(sim, 'sentry3_switched', {
      profile: 'servertech-sentry3', inlets: 3, phases: 3, banks: 0, outlets: 30, sensors: 0, minCovered: 36,
    });
    assert.equal(coverage.matched, coverage.total);
    assert.deepEqual(
      { model: r.identity.model, serial: r.identity.serial, firmware: r.identity.firmware },
      { model: 'CWG-30VDE455/CB', serial: 'ADFC0001714', firmware: 'Sentry Switched CDU Version 7.1f' },
    );
    assert.deepEqual(r.inlets.map((i) => [i.index, i.name, i.current.value, i.voltage.value]), [
      [1, 'TowerA_InfeedA', 3.09, 207], [2, 'TowerA_InfeedB', 3.92, 207.8], [3, 'TowerA_InfeedC', 4.34, 208.7],
    ]);
    assert.deepEqual(r.phases.map((p) => [p.index, p.current.value, p.voltage.value]), [[1, 3.09, 207], [2, 3.92, 207.8], [3, 4.34, 208.7]]);
    assert.deepEqual([r.outlets[10]!.index, r.outlets[10]!.name, r.outlets[10]!.current.value], [11, 'Outlet AB1', 0.81]);
    assert.equal(r.outlets.at(-1)!.name, 'Outlet AC10');
    // outletStatus is not served by this agent: state unknown, never assumed on.
    assert.ok(r.outlets.every((o) => o.state === 'unknown'));
    assert.deepEqual(r.power, { value: null, quality: 'unknown' }); // systemTotalPower not served
    assert.equal(r.badValues, 0);
  });

  it('Sentry3: the probe ports report notFound, so no sensors (their -1 values are never read as 0 °C)', async () => {
    const result = await readDevice(sim.client('sentry3_switched'), servertechSentry3, { trace: true });
    assert.ok(result.ok);
    assert.deepEqual(result.value.sensors, []);
  });

  it('Sentry3 agents are walked with at most 4 repetitions per GETBULK, as seen on the wire', async () => {
    const walk = async (profile: typeof servertechSentry3) => {
      const relay = await startSnmpRelay(sim.port);
      const client = new NetSnmpClient({ host: '127.0.0.1', port: relay.port, credentials: { version: '2c', community: 'sentry3_switched' }, timeoutMs: 3_000, retries: 1 });
      try {
        const result = await readDevice(client, profile);
        assert.ok(result.ok);
        assert.equal(result.value.outlets.length, 30, 'the whole CDU was read through the relay');
        return relay.requests.filter((r) => r.pdu === 'getbulk').map((r) => r.maxRepetitions);
      } finally {
        client.close();
        await relay.close();
      }
    };
    const quirky = await walk(servertechSentry3);
    assert.ok(quirky.length >= 10, `the tables were walked by GETBULK (${quirky.length} requests)`);
    assert.deepEqual([...new Set(quirky)], [4]);
    // Without the quirk the same reader asks for more per request: what the relay sees is the profile's doing.
    const plain = await walk({ ...servertechSentry3, quirks: {} });
    assert.ok(plain.every((n) => n !== null && n > 4), JSON.stringify([...new Set(plain)]));
    assert.ok(plain.length < quirky.length, `fewer round trips without the quirk (${plain.length} < ${quirky.length})`);
  });

  it('finds the family by its objects when the sysObjectID is missing', async () => {
    const detected = await detectProfile(withSysObjectId(sim.client('sentry3_switched'), undefined), 'auto');
    assert.ok(detected.ok);
    assert.equal(detected.value.name, 'servertech-sentry3');
  });
});

describe('servertech-sentry3 as Sentry3-MIB describes a running CDU', () => {
  const ST3 = '1.3.6.1.4.1.1718.3.2';
  const rows: Record<string, unknown> = {
    [`${ST3}.2.1.3.1.1`]: Buffer.from('TowerA_InfeedA'), [`${ST3}.2.1.3.2.1`]: Buffer.from(''), [`${ST3}.2.1.2.1.1`]: Buffer.from('AA'), [`${ST3}.2.1.2.2.1`]: Buffer.from('BA'), // infeedName, infeedID
    [`${ST3}.2.1.6.1.1`]: 4, [`${ST3}.2.1.6.2.1`]: 1, // infeedLoadStatus loadHigh, notOn
    [`${ST3}.2.1.7.1.1`]: 1234, [`${ST3}.2.1.7.2.1`]: -1, // infeedLoadValue: 12.34 A, not measured
    [`${ST3}.2.1.11.1.1`]: 2080, [`${ST3}.2.1.11.2.1`]: -5, // infeedVoltage: 208 V, nonsense
    [`${ST3}.2.1.16.1.1`]: 12345, // infeedEnergy, tenths of kWh
    // outlets A1, A2 on tower A infeed A; B1 on tower B infeed A
    [`${ST3}.3.1.5.1.1.1`]: 1, [`${ST3}.3.1.5.1.1.2`]: 0, [`${ST3}.3.1.5.2.1.1`]: 6, // outletStatus on, off, noComm
    [`${ST3}.3.1.18.1.1.1`]: 2500, // outletEnergy, Wh
    [`${ST3}.7.1.3.1.1.1`]: Buffer.from('BranchA1'), [`${ST3}.7.1.5.1.1.1`]: 8, [`${ST3}.7.1.9.1.1.1`]: 20, // branchName, branchStatus offFuse, branchCapacity
    // probes A1 and A2 (A2's row in Fahrenheit), probe B1 without humidity
    [`${ST3}.5.1.3.1.1`]: Buffer.from('Inlet'), [`${ST3}.5.1.3.1.2`]: Buffer.from('Outlet'), [`${ST3}.5.1.3.2.1`]: Buffer.from('Top'),
    [`${ST3}.5.1.5.1.1`]: 0, [`${ST3}.5.1.5.1.2`]: 0, [`${ST3}.5.1.5.2.1`]: 0, // tempHumidSensorTempStatus normal
    [`${ST3}.5.1.6.1.1`]: 231, [`${ST3}.5.1.6.1.2`]: 770, [`${ST3}.5.1.6.2.1`]: 245, // tempHumidSensorTempValue, tenths
    [`${ST3}.5.1.9.1.1`]: 0, [`${ST3}.5.1.9.1.2`]: 0, [`${ST3}.5.1.9.2.1`]: 1, // tempHumidSensorHumidStatus normal, normal, notFound
    [`${ST3}.5.1.10.1.1`]: 41, [`${ST3}.5.1.10.1.2`]: 43, [`${ST3}.5.1.10.2.1`]: -1,
    [`${ST3}.5.1.13.1.1`]: 0, [`${ST3}.5.1.13.1.2`]: 1, // tempHumidSensorTempScale celsius, fahrenheit (B1: absent, Celsius)
  };

  it('reads units, sentinels, states and probes as the MIB means them', async () => {
    const result = await readDevice(new FakeSnmpClient(rows, { verbatim: true }), servertechSentry3);
    assert.ok(result.ok);
    const r = result.value;
    assert.deepEqual(r.inlets.map((i) => [i.index, i.name, i.current, i.voltage.value, i.voltage.quality, i.energy.value, i.loadState]), [
      [1, 'TowerA_InfeedA', { value: 12.34, quality: 'ok' }, 208, 'ok', 1234.5, 'near-overload'],
      [2, 'BA', { value: null, quality: 'unknown' }, null, 'implausible', null, 'unknown'], // unnamed: its ID; -1: unknown, never 0 A
    ]);
    assert.deepEqual(r.outlets.map((o) => [o.index, o.state, o.energy.value]), [[1, 'on', 2.5], [2, 'off', null], [3, 'unknown', null]]);
    assert.deepEqual(r.banks.map((b) => [b.index, b.name, b.breaker, b.rating.value]), [[1, 'BranchA1', 'tripped', 20]]);
    assert.deepEqual(r.sensors.map((s) => [s.index, s.kind, s.name, s.value.value]), [
      [1, 'temperature', 'Inlet', 23.1], [2, 'temperature', 'Top', 24.5], // the Fahrenheit row is left out, never read as 77 °C
      [101, 'humidity', 'Inlet', 41], [102, 'humidity', 'Outlet', 43],
    ]);
    assert.equal(r.badValues, 2); // the -5 V, read once for the inlet and once for the phase
  });
});
