// PLANET IP power managers (DIGIPDU-MIB) and DigiPower PDUs (DigiPower-PDU-MIB): recordings written from the MIBs
// (test/fixtures/snmprec/planet_*, digipower_*), served by one snmpsim, detected and read end to end; then what the
// fixtures leave out, and the traps.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Measure } from '../src/model.js';
import { detect } from '../src/profiles/detect.js';
import { digipowerPdu } from '../src/profiles/digipower.js';
import { profiles } from '../src/profiles/index.js';
import { planetPdu } from '../src/profiles/planet.js';
import { readDevice } from '../src/profiles/read-device.js';
import { TrapClassifier } from '../src/traps/classify.js';
import { detectAndRead } from './helpers/check-recording.js';
import { FakeSnmpClient } from './helpers/fake-snmp.js';
import { fixtureRecordingsDir, recordingsDir, startSnmpsim, type Snmpsim } from './helpers/snmpsim.js';

/** The value when trusted, else its quality. */
const num = (m: Measure) => (m.quality === 'ok' ? m.value : m.quality);
const SMART = '1.3.6.1.4.1.10456.3';
const DIGIPOWER = '1.3.6.1.4.1.17420';
const mine = /^(planet|digipower)_/;

/** Every other recording the simulator serves, listed before it starts (other fixtures may be added meanwhile). */
const others = [join(recordingsDir(), 'snmprec'), fixtureRecordingsDir()]
  .flatMap((dir) => readdirSync(dir).filter((f) => f.endsWith('.snmprec')).map((f) => f.slice(0, -'.snmprec'.length)))
  .filter((name) => !mine.test(name));

let sim: Snmpsim;
before(async () => { sim = await startSnmpsim(undefined, [], [fixtureRecordingsDir()]); });
after(async () => { await sim?.stop(); });

describe('planet-pdu', () => {
  it('an IPM-8220 by sysObjectID: in-feed and outlets in tenths of amps, its two branches as banks', async () => {
    const r = await detectAndRead(sim, 'planet_fixture', 'planet-pdu');
    assert.deepEqual(r.identity, { vendor: 'PLANET', model: 'IPM-8220', serial: 'PL1823A00457', firmware: 'V1.2.3', name: null });
    assert.deepEqual(r.inlets.map((i) => [i.index, num(i.current), num(i.voltage), num(i.power), num(i.energy)]), [
      [1, 6.8, 'unknown', 'unknown', 'unknown'], // voltage, power and energy have no unit in the MIB
    ]);
    assert.deepEqual(num(r.power), 'unknown');
    assert.deepEqual(r.banks.map((b) => [b.index, b.name, num(b.current), b.breaker]), [[1, 'Branch 1', 3.6, 'unknown'], [2, 'Branch 2', 3.2, 'unknown']]);
    assert.deepEqual(r.outlets.map((o) => [o.index, o.state, num(o.current), num(o.power)]), [
      [1, 'on', 1.2, 'unknown'], [2, 'on', 0.9, 'unknown'], [3, 'off', 0, 'unknown'], [4, 'on', 1.5, 'unknown'],
      [5, 'on', 1.1, 'unknown'], [6, 'unknown', 0.6, 'unknown'], // on-act(3): switching on
      [7, 'on', 0.8, 'unknown'], [8, 'on', 0.7, 'unknown'],
    ]);
    // inbuilt 27 °C; external 1 at 24 °C, 2 unplugged (unknown), 3 not monitored (no sensor); RH 45 %
    assert.deepEqual(r.sensors.map((s) => [s.index, s.kind, num(s.value)]), [
      [1, 'temperature', 27], [101, 'temperature', 24], [102, 'temperature', 'unknown'], [201, 'humidity', 45],
    ]);
    assert.equal(r.badValues, 0);
  });

  it('an IPM-4220 with a generic sysObjectID, found by probe: °F read as °C, one branch (no banks), outlet 4 switching off', async () => {
    const r = await detectAndRead(sim, 'planet_probe_fixture', 'planet-pdu', 'probe');
    assert.deepEqual(r.identity, { vendor: 'PLANET', model: 'IPM-4220', serial: 'PL1740B00112', firmware: 'V1.0.8', name: null });
    assert.deepEqual(r.inlets.map((i) => [i.index, num(i.current)]), [[1, 2.6]]);
    assert.deepEqual(r.banks, []);
    assert.deepEqual(r.outlets.map((o) => [o.index, o.state, num(o.current)]), [[1, 'on', 0.5], [2, 'off', 0], [3, 'on', 2.1], [4, 'unknown', 0]]);
    assert.deepEqual(r.sensors.map((s) => [s.index, s.kind, num(s.value)]), [[1, 'temperature', 25], [101, 'temperature', 30]]); // 77 °F, 86 °F
  });

  it('a unit with two in-feeds: its branches are not numbered as banks', async () => {
    const r = await readDevice(new FakeSnmpClient({
      [`${SMART}.2.2.0`]: 2, [`${SMART}.2.4.0`]: 2,
      [`${SMART}.3.2.1.5.1`]: 40, [`${SMART}.3.2.1.5.2`]: 30, [`${SMART}.3.2.1.13.1`]: 20, [`${SMART}.3.2.1.13.2`]: 15,
    }), planetPdu);
    assert.ok(r.ok);
    assert.deepEqual([r.value.inlets.map((i) => num(i.current)), r.value.banks], [[4, 3], []]);
  });
});

describe('digipower-pdu', () => {
  it('by sysObjectID: identity of PDU-01, the unit’s temperature (°C) and humidity (%); outlet states from their packed text', async () => {
    const r = await detectAndRead(sim, 'digipower_fixture', 'digipower-pdu');
    assert.deepEqual(r.identity, { vendor: 'DigiPower', model: 'SWH-1023J-08N1', serial: null, firmware: 'v1.53', name: 'rk12-pdu-b' });
    assert.deepEqual(r.sensors.map((s) => [s.index, s.kind, num(s.value)]), [[1, 'temperature', 26], [2, 'humidity', 41]]);
    // pdu01OutletStatus "1,1,0,1,1,1,-2,1": one off, one without power (breaker triggered); currents have no unit
    assert.deepEqual(r.outlets.map((o) => [o.index, o.state, num(o.current)]), [
      [1, 'on', 'unknown'], [2, 'on', 'unknown'], [3, 'off', 'unknown'], [4, 'on', 'unknown'], [5, 'on', 'unknown'], [6, 'on', 'unknown'], [7, 'off', 'unknown'], [8, 'on', 'unknown'],
    ]);
    assert.deepEqual([r.inlets, r.banks, num(r.power)], [[], [], 'unknown']);
    assert.equal(r.badValues, 0);
  });

  it('a daisy chain with a generic sysObjectID, found by probe: the model number where the name is empty; no sensor', async () => {
    const r = await detectAndRead(sim, 'digipower_probe_fixture', 'digipower-pdu', 'probe');
    assert.deepEqual(r.identity, { vendor: 'DigiPower', model: 'DP-SW08', serial: null, firmware: 'v1.53', name: null });
    assert.deepEqual(r.sensors, []);
    assert.deepEqual(r.outlets.map((o) => o.state), ['on', 'off', 'on', 'on', 'on', 'on', 'on', 'on'], 'the first PDU of the chain');
  });
});

describe('a packed list (DigiPower\'s outlet states in one text)', () => {
  const STATUS = '1.3.6.1.4.1.17420.1.2.9.1.13.0';
  const read = async (value: unknown) => {
    const r = await readDevice(new FakeSnmpClient({ [STATUS]: value as string }), digipowerPdu);
    assert.ok(r.ok);
    return r.value;
  };
  it('item k is outlet k; "not available" items are no outlet; an item that is no state is one bad value', async () => {
    const r = await read(Buffer.from('1, 0,-1,x,-2,-1'));
    assert.deepEqual(r.outlets.map((o) => [o.index, o.state]), [[1, 'on'], [2, 'off'], [4, 'unknown'], [5, 'off']]);
    assert.equal(r.badValues, 1);
  });
  it('an empty text is no outlets; a number where the text should be is a bad value, not outlets', async () => {
    assert.deepEqual((await read(Buffer.alloc(0))).outlets, []);
    const r = await read(7);
    assert.deepEqual([r.outlets, r.badValues], [[], 1]);
  });
});

describe('detection stays apart', () => {
  it('no other recording or fixture is claimed by planet-pdu or digipower-pdu', async () => {
    assert.ok(others.length > 20);
    const claimed: string[] = [];
    for (const recording of others) {
      const d = await detect(sim.client(recording));
      if (d.ok && ['planet-pdu', 'digipower-pdu'].includes(d.value.profile.name)) claimed.push(`${recording}: ${d.value.profile.name}`);
    }
    assert.deepEqual(claimed, []);
  });

  it('each family’s probe answers only on its own tree', async () => {
    for (const [recording, profile] of [['planet_probe_fixture', digipowerPdu], ['digipower_probe_fixture', planetPdu]] as const) {
      const next = await sim.client(recording).getNext([...profile.detect.probe]);
      assert.ok(next.ok);
      next.value.forEach((vb, i) => assert.ok(!vb.oid.startsWith(`${profile.detect.probe[i]}.`), `${recording} answers ${profile.name}'s probe`));
    }
  });
});

describe('traps', () => {
  const classifier = new TrapClassifier(profiles);
  const arg = (n: number, value: number) => ({ oid: `${SMART}.100.2.${n}.0`, type: 2, value });
  const classify = (trapOid: string, varbinds: { oid: string; type: number; value: number }[] = []) => {
    const c = classifier.classify({ trapOid, varbinds });
    return [c.profile, c.name, c.event, c.entity];
  };

  it('PLANET notifications: the entity from the argument the DESCRIPTION names', () => {
    assert.deepEqual(classify(`${SMART}.100.1.101`, [arg(1, 1), arg(2, 1), arg(3, 2), arg(4, 171), arg(5, 160)]),
      ['planet-pdu', 'inFeedOverloadTrap', 'overload', { inlet: 1 }]);
    assert.deepEqual(classify(`${SMART}.100.1.105`, [arg(1, 1), arg(2, 2), arg(3, 1), arg(4, 85), arg(5, 80)]),
      ['planet-pdu', 'inFeedBranchHighCurrentTrap', 'near-overload', { inlet: 1, bank: 2 }]);
    assert.deepEqual(classify(`${SMART}.100.1.231`, [arg(1, 1), arg(2, 6), arg(3, 2), arg(4, 105), arg(5, 100)]),
      ['planet-pdu', 'outOverloadTrap', 'overload', { outlet: 6 }]);
    assert.deepEqual(classify(`${SMART}.100.1.401`, [arg(1, 2), arg(2, 0)]), ['planet-pdu', 'pduConnectTrap', 'communication-lost', {}]);
    assert.deepEqual(classify(`${SMART}.100.1.702`), ['planet-pdu', 'upsOnBatteryTrap', 'on-battery', {}]);
  });

  it('DigiPower v1 traps (enterprise.0.specific)', () => {
    assert.deepEqual(classify(`${DIGIPOWER}.0.105`), ['digipower-pdu', 'devOutOfThreshold1', 'near-overload', {}]);
    assert.deepEqual(classify(`${DIGIPOWER}.0.106`), ['digipower-pdu', 'devOutOfThreshold2', 'overload', {}]);
    assert.deepEqual(classify(`${DIGIPOWER}.0.108`), ['digipower-pdu', 'devBackToNormal', 'overload-cleared', {}]);
  });
});
