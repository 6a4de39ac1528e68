// The remaining APC rack and floor PDU generations, from recordings written from the MIBs (test/fixtures/snmprec):
// the cPDU (its own edition of PowerNet-MIB), the InfraStruXure PDUs (xPDU and the modular distribution) and the old
// MasterSwitch units (V2, VM, MSP). Served by snmpsim, detected and read end to end; the APC recordings keep their profiles.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { DeviceReading, Measure } from '../src/model.js';
import { apcMasterswitch } from '../src/profiles/apc-masterswitch.js';
import { apcRpdu2 } from '../src/profiles/apc-rpdu2.js';
import { detect } from '../src/profiles/detect.js';
import { profileForSysObjectId, profiles } from '../src/profiles/index.js';
import { readDevice } from '../src/profiles/read-device.js';
import { readOutletStates } from '../src/profiles/read-outlet-states.js';
import { TrapClassifier } from '../src/traps/classify.js';
import type { TrapVarbind } from '../src/traps/trap-types.js';
import { detectAndRead } from './helpers/check-recording.js';
import { fixtureRecordingsDir, recordingsDir, startSnmpsim, type Snmpsim } from './helpers/snmpsim.js';

const num = (m: Measure) => (m.quality === 'ok' ? m.value : m.quality);
const APC = '1.3.6.1.4.1.318';
const MINE = ['apc-cpdu', 'apc-isx-pdu', 'apc-masterswitch'];
const MY_FIXTURES = /^apc-(cpdu|isx|masterswitch)_/;

describe('APC cPDU, InfraStruXure and MasterSwitch through snmpsim', () => {
  let sim: Snmpsim;
  before(async () => { sim = await startSnmpsim(undefined, [], [fixtureRecordingsDir()]); });
  after(async () => { await sim?.stop(); });

  describe('apc-cpdu: a three-phase cPDU by its sysObjectID (the cPDU node), with a chained unit', () => {
    let r: DeviceReading;
    before(async () => { r = await detectAndRead(sim, 'apc-cpdu_3ph_fixture', 'apc-cpdu', 'sysObjectID'); });

    it('identity from the nameplate; the unit totals as device and inlet: W, VA, hundredths of PF, tenths of kWh', () => {
      assert.deepEqual(r.identity, { vendor: 'APC', model: 'APDU10452SW', serial: '3F2248A01234', firmware: '1.2.3', name: 'ams2-r14-b' });
      assert.deepEqual([num(r.power), num(r.energy), r.loadState], [4299, 45_678.9, 'normal']);
      assert.deepEqual(r.inlets.map((i) => [i.index, num(i.power), num(i.apparentPower), num(i.powerFactor), num(i.energy), num(i.voltage)]), [
        [1, 4299, 4525, 0.95, 45_678.9, 'unknown'], // three phases: no one voltage is the inlet's
      ]);
    });

    it('phases in hundredths of amps and whole volts, with the device\'s verdicts', () => {
      assert.deepEqual(r.phases.map((p) => [p.index, num(p.voltage), num(p.current), num(p.power), p.loadState]), [
        [1, 230, 6.12, 1337, 'normal'], [2, 231, 13.5, 2962, 'near-overload'], [3, 229, 0.02, 0, 'low'],
      ]);
    });

    it('breakers: off(6) is tripped; an empty label gives way to the configured name', () => {
      assert.deepEqual(r.banks.map((b) => [b.index, b.name, num(b.current), num(b.rating), b.breaker, b.breakerInferred, b.loadState]), [
        [1, 'CB1', 6.12, 'unknown', 'ok', false, 'normal'], // the chained unit's CB1 is off: not this one
        [2, 'CB2', 13.5, 'unknown', 'ok', false, 'near-overload'],
        [3, 'CB3 spare', 0, 'unknown', 'tripped', false, 'unknown'],
      ]);
    });

    it('outlets merged by ID: switched state, breaker, metering; a state outside off/on unknown', () => {
      assert.deepEqual(r.outlets.map((o) => [o.index, o.name, o.state, o.bank, num(o.current), num(o.power), num(o.energy)]), [
        [1, 'web-071 psu1', 'on', 1, 2.98, 650, 812.3],
        [2, 'web-072 psu1', 'on', 1, 3.14, 687, 840.2],
        [3, 'db-03 psu1', 'on', 2, 8.2, 1800, 2041.1],
        [4, 'db-04 psu1', 'off', 2, 0, 0, 1987],
        [5, 'store-11 psu1', 'on', 3, 0, 0, 512],
        [6, 'store-12 psu1', 'unknown', 3, 0, 0, 509],
      ]);
    });

    it('sensors: tenths of °C, %RH, a lost probe unknown; a door switch and an empty port are none', () => {
      assert.deepEqual(r.sensors.map((s) => [s.index, s.kind, s.name, num(s.value)]), [
        [1, 'temperature', 'Rack 14 inlet', 24.3], [2, 'humidity', 'Rack 14 inlet RH', 41], [3, 'temperature', 'Rack 14 exhaust', 'unknown'],
      ]);
      assert.equal(r.badValues, 0);
    });
  });

  it('apc-cpdu: a single-phase cPDU behind a generic sysObjectID, found by its cPDU-only columns', async () => {
    const r = await detectAndRead(sim, 'apc-cpdu_1ph_probe_fixture', 'apc-cpdu', 'probe');
    assert.deepEqual(r.identity, { vendor: 'APC', model: 'APDU10150ME', serial: '3F2301B00042', firmware: '1.1.0', name: 'lab-r03-a' }); // empty model: the part number
    assert.deepEqual(r.inlets.map((i) => [num(i.voltage), num(i.current), num(i.power), num(i.powerFactor), i.loadState]), [[229, 8.12, 1790, 0.96, 'low']]);
    assert.deepEqual(r.banks.map((b) => [b.index, b.breaker]), [[1, 'ok'], [2, 'tripped']]);
    assert.deepEqual(r.outlets.map((o) => [o.index, o.state, o.bank, o.current.quality]), [[1, 'on', 1, 'unknown'], [2, 'off', 1, 'unknown'], [3, 'on', 2, 'unknown'], [4, 'on', 2, 'unknown']]);
    assert.deepEqual(r.sensors.map((s) => [s.name, num(s.value)]), [['Intake', 24]]); // 75.2 °F
  });

  it('apc-isx-pdu: an xPDU by its sysObjectID: main input, output phases, panel positions as banks', async () => {
    const r = await detectAndRead(sim, 'apc-isx_xpdu_fixture', 'apc-isx-pdu', 'sysObjectID');
    assert.deepEqual(r.identity, { vendor: 'APC', model: 'PD80G6FK1-M', serial: 'PD0712000456', firmware: 'v3.0.4', name: 'hall2-isx-a' });
    assert.deepEqual([num(r.power), num(r.energy)], [35_200, 'unknown']); // tenths of kW; no energy object
    assert.deepEqual(r.inlets.map((i) => [i.index, i.name, num(i.voltage), num(i.current)]), [[1, 'Main input', 480.1, 'unknown']]); // L-N is -1 behind a transformer: L-L
    assert.deepEqual(r.phases.map((p) => [p.index, num(p.voltage), num(p.current), num(p.power)]), [
      [1, 120.1, 103.2, 12_100], [2, 119.9, 104.6, 11_900], [3, 120.3, 98.1, 11_200],
    ]);
    // 42 positions: empty (rating 0), earth (1) and neutral (2) positions are no breakers; -1 is no current reading
    assert.deepEqual(r.banks.map((b) => b.index), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    assert.deepEqual(r.banks.slice(0, 9).map((b) => [b.index, b.name, num(b.current), num(b.rating), b.breaker]), [
      [1, 'Rack A01 PDU-A', 12.1, 20, 'unknown'], [2, 'Rack A02 PDU-A', 9.8, 20, 'unknown'],
      [3, 'Rack A03 3ph', 20.4, 30, 'unknown'], [4, 'Rack A03 3ph', 19.8, 30, 'unknown'], [5, 'Rack A03 3ph', 21, 30, 'unknown'],
      [6, 'Rack A04 PDU-A', 'unknown', 20, 'unknown'], [7, 'spare', 0, 20, 'unknown'], [8, null, 18.7, 20, 'unknown'],
      [9, 'RDP-1 row C', 56.2, 100, 'unknown'],
    ]);
    assert.deepEqual(r.outlets, []);
    assert.equal(r.badValues, 0);
  });

  it('apc-isx-pdu: a modular distribution found by probe: modules and subfeeds as banks, cables as outlets', async () => {
    const r = await detectAndRead(sim, 'apc-isx_modular_probe_fixture', 'apc-isx-pdu', 'probe');
    assert.deepEqual(r.identity, { vendor: 'APC', model: 'PDPM144H', serial: 'ZA0912003456', firmware: 'v5.1.2', name: null });
    assert.deepEqual([num(r.power), num(r.energy)], [41_200, 987_654.3]);
    assert.deepEqual(r.inlets, []); // no input metering
    assert.deepEqual(r.phases.map((p) => [p.index, num(p.voltage), num(p.current), num(p.power), p.loadState]), [
      [1, 230.1, 61.2, 13_800, 'normal'], [2, 229.8, 74.1, 17_000, 'near-overload'], [3, 230.5, 49.8, 10_400, 'normal'],
    ]);
    assert.deepEqual(r.banks.map((b) => [b.index, b.name, num(b.current), num(b.rating), b.breaker, b.loadState]), [
      [1, null, 15.2, 'unknown', 'ok', 'normal'], // three poles, none in alarm: the first pole's current
      [2, null, 14.2, 'unknown', 'ok', 'near-overload'], // the pole over its high threshold
      [3, null, 6.4, 'unknown', 'tripped', 'normal'], // one of its two poles open
      [5, null, 0.3, 'unknown', 'ok', 'low'],
      [101, 'PDU-2 downstream', 22.1, 'unknown', 'ok', 'normal'],
      [102, 'Spare subfeed', 0, 'unknown', 'tripped', 'normal'],
    ]);
    assert.deepEqual(r.outlets.map((o) => [o.index, o.name, o.state, o.bank, num(o.power), num(o.energy)]), [
      [1, 'Rack B01 PDU-A', 'unknown', 1, 10_600, 12_345.6],
      [2, 'Rack B02 PDU-A', 'unknown', 2, 8800, 9876.5],
      [3, 'Rack B03 PDU-A', 'unknown', 3, 1500, 456.7],
      [5, 'Rack B05 lab', 'unknown', 5, 0, 'unknown'], // -1: not available
      [103, 'Rack B03 PDU-B', 'unknown', 3, 0, 432.1], // module 3's second cable; module 4's is not present
    ]);
    assert.equal(r.badValues, 0);
  });

  describe('apc-masterswitch', () => {
    it('a MasterSwitch V2 by its sysObjectID: identity, outlet names from both sPDU tables, outletUnknown(4) unknown', async () => {
      const r = await detectAndRead(sim, 'apc-masterswitch_v2_fixture', 'apc-masterswitch', 'sysObjectID');
      assert.deepEqual(r.identity, { vendor: 'APC', model: 'AP9212', serial: 'WA0133012345', firmware: 'v2.2.0', name: 'lon1-r02-ms' });
      assert.deepEqual(r.outlets.map((o) => [o.index, o.name, o.state]), [
        [1, 'router-a psu1', 'on'], [2, 'router-b psu1', 'on'], [3, 'modem', 'off'], [4, 'kvm', 'on'],
        [5, 'fw-01 psu1', 'on'], [6, 'fw-02 psu1', 'on'], [7, 'console', 'unknown'], [8, 'spare', 'on'], // 8: sPDUOutletName only
      ]);
      assert.equal(r.loadState, 'unknown'); // the MasterSwitch reports no load
    });

    it('what the masterSwitch node found before (apc-rpdu2): no firmware, no PDU name, outlet 8 unnamed; a VM nothing', async () => {
      const v2 = await readDevice(sim.client('apc-masterswitch_v2_fixture'), apcRpdu2);
      assert.ok(v2.ok);
      assert.deepEqual([v2.value.identity.firmware, v2.value.identity.name, v2.value.outlets[7]!.name], [null, null, null]);
      const vm = await readDevice(sim.client('apc-masterswitch_vm_probe_fixture'), apcRpdu2);
      assert.ok(vm.ok);
      assert.deepEqual([vm.value.identity.model, vm.value.outlets.length], [null, 0]);
    });

    it('a MasterSwitch VM found by probe: the first VM\'s identity, load verdict and outlets only', async () => {
      const r = await detectAndRead(sim, 'apc-masterswitch_vm_probe_fixture', 'apc-masterswitch', 'probe');
      assert.deepEqual(r.identity, { vendor: 'APC', model: 'AP9224', serial: 'ZA0215001111', firmware: 'v2.0.1', name: 'par3-r07-vm' });
      assert.equal(r.loadState, 'low'); // sPDUMasterStatusVMLowLoadCondition true
      assert.deepEqual(r.outlets.map((o) => [o.index, o.name, o.state]), [
        [1, 'app-01 psu1', 'on'], [2, 'app-02 psu1', 'on'], [3, 'app-03 psu1', 'off'], [4, 'app-04 psu1', 'on'],
        [5, 'Outlet 5', 'on'], [6, 'Outlet 6', 'on'], [7, 'Outlet 7', 'off'], [8, 'Outlet 8', 'on'],
      ]);
    });

    it('a MasterSwitch plus by its sysObjectID: outlet states, one the MIB does not define unknown', async () => {
      const r = await detectAndRead(sim, 'apc-masterswitch_msp_fixture', 'apc-masterswitch', 'sysObjectID');
      assert.deepEqual([r.identity.model, r.identity.name], ['AP9225EXT', 'fra2-r01-msp']);
      assert.deepEqual(r.outlets.map((o) => [o.index, o.name, o.state]), [[1, 'nas-01 psu1', 'on'], [2, 'nas-02 psu1', 'on'], [3, 'beacon', 'off'], [4, 'Outlet 4', 'unknown']]);
    });

    it('outlet states in one GET where outlets are numbered by the index (sPDU), never from the VM\'s unit.outlet tables', async () => {
      const v2 = await readOutletStates(sim.client('apc-masterswitch_v2_fixture'), apcMasterswitch, [3, 5]);
      assert.deepEqual(v2 && [...v2], [[3, 'off'], [5, 'on']]);
      assert.equal(await readOutletStates(sim.client('apc-masterswitch_vm_probe_fixture'), apcMasterswitch, [3]), null); // read whole instead
    });
  });

  it('the APC recordings keep their profiles', async () => {
    for (const [recording, profile] of [['apc_ap7900b', 'apc-rpdu2'], ['apc_apdu9959eu3', 'apc-rpdu2'], ['apc_ats', 'apc-ats'], ['apc_smt750x-nmc2', 'apc-ups']]) {
      const d = await detect(sim.client(recording!));
      assert.ok(d.ok, recording);
      assert.deepEqual([d.value.profile.name, d.value.how], [profile, 'sysObjectID'], recording);
    }
  });

  it('the recordings and fixtures of other families are not claimed by these profiles', async () => {
    const names = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.snmprec')).map((f) => f.slice(0, -'.snmprec'.length));
    const others = [...names(join(recordingsDir(), 'snmprec')), ...names(fixtureRecordingsDir())].filter((n) => !MY_FIXTURES.test(n));
    assert.ok(others.length > 20);
    for (const recording of others) {
      const d = await detect(sim.client(recording));
      assert.ok(!d.ok || !MINE.includes(d.value.profile.name), `${recording}: ${d.ok ? d.value.profile.name : ''}`);
    }
  });
});

describe('APC sysObjectIDs: the longest prefix wins', () => {
  it('MasterSwitch products are apc-masterswitch, the rest of the masterSwitch node stays apc-rpdu2', () => {
    const of = (oid: string) => profileForSysObjectId(oid)?.name;
    assert.deepEqual([`${APC}.1.3.4.1`, `${APC}.1.3.4.2`, `${APC}.1.3.4.3`, `${APC}.1.3.4.4`].map(of), Array(4).fill('apc-masterswitch'));
    assert.deepEqual([`${APC}.1.3.4.5`, `${APC}.1.3.4.6`, `${APC}.1.3.4.8`, `${APC}.1.3.4.10`].map(of), Array(4).fill('apc-rpdu2'));
    assert.deepEqual([`${APC}.1.3.15`, `${APC}.1.3.24.1`, `${APC}.1.3.24.2`, `${APC}.1.1.32`].map(of), ['apc-isx-pdu', 'apc-isx-pdu', 'apc-isx-pdu', 'apc-cpdu']);
  });
});

describe('APC traps', () => {
  const classifier = new TrapClassifier(profiles);
  const arg = (n: number): TrapVarbind => ({ oid: `${APC}.2.3.1.0`, type: 2, value: n }); // mtrapargsInteger
  const classify = (oid: string, varbinds: TrapVarbind[] = [], profile?: string) => {
    const c = classifier.classify({ trapOid: oid, varbinds }, profile);
    return [c.profile, c.name, c.event, c.entity];
  };

  it('cPDU notifications under pduTraps: only their severity says what happened', () => {
    assert.deepEqual(classify(`${APC}.1.1.32.8.1`), ['apc-cpdu', 'trapCritical', 'alarm', {}]);
    assert.deepEqual(classify(`${APC}.1.1.32.8.4`), ['apc-cpdu', 'trapCleared', 'alarm-cleared', {}]);
    assert.deepEqual(classify(`${APC}.1.1.32.8.5`), ['apc-cpdu', 'trapTest', 'test', {}]);
    assert.deepEqual(classify(`${APC}.1.1.32.8.3`)[2], 'unclassified');
  });

  it('InfraStruXure: a module breaker open, a branch over its thresholds, a panel phase over its maximum, on battery', () => {
    assert.deepEqual(classify(`${APC}.0.656`, [arg(3)]), ['apc-isx-pdu', 'isxModularBreakerOpenAlarm', 'breaker-tripped', { bank: 3 }]);
    assert.deepEqual(classify(`${APC}.0.342`, [arg(9)]), ['apc-isx-pdu', 'xPDUBranchCurrentHighAlarm', 'near-overload', { bank: 9 }]);
    assert.deepEqual(classify(`${APC}.0.628`, [arg(9)]), ['apc-isx-pdu', 'xPDUBranchCurrentMaxAlarm', 'overload', { bank: 9 }]);
    assert.deepEqual(classify(`${APC}.0.682`, [arg(2)]), ['apc-isx-pdu', 'isxModularTotalOutputCurrentMaxThresholdViolation', 'overload', { phase: 2 }]);
    assert.deepEqual(classify(`${APC}.0.210`), ['apc-isx-pdu', 'pduOnBatteryMode', 'on-battery', {}]);
  });

  it('MasterSwitch: a VM outlet off, an outlet off on the device\'s own profile (0 is all outlets), a VM near overload', () => {
    const vmOutlet = { oid: `${APC}.1.1.5.5.1.1.3.1.3`, type: 2, value: 3 }; // sPDUOutletControlVMOutletIndex
    assert.deepEqual(classify(`${APC}.0.90`, [vmOutlet]), ['apc-masterswitch', 'msvmOutletOff', 'outlet-off', { outlet: 3 }]);
    const outlet = (n: number) => ({ oid: `${APC}.1.1.4.4.2.1.1.${n}`, type: 2, value: n }); // sPDUOutletControlIndex
    assert.deepEqual(classify(`${APC}.0.42`, [outlet(5)], 'apc-masterswitch'), ['apc-masterswitch', 'outletOff', 'outlet-off', { outlet: 5 }]);
    assert.deepEqual(classify(`${APC}.0.42`, [outlet(0)], 'apc-masterswitch'), ['apc-masterswitch', 'outletOff', 'outlet-off', {}]);
    assert.deepEqual(classify(`${APC}.0.95`), ['apc-masterswitch', 'msvmNearOverload', 'near-overload', {}]);
  });
});
