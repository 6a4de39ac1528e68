// Real traps (../shared/recordings/traps.json) classified by the profiles' trap definitions. Each expectation
// was decided from the MIB's definition of the notification, never from the text the device put in it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { profiles } from '../src/profiles/index.js';
import type { Profile } from '../src/profiles/profile.js';
import { TrapClassifier } from '../src/traps/classify.js';
import type { TrapVarbind } from '../src/traps/trap-types.js';
import { EXPECTED, loadRecordedTraps as load } from './helpers/recorded-traps.js';

describe('trap classification of recorded traps', () => {
  const classifier = new TrapClassifier(profiles);
  const recorded = load();

  it('has an expectation for each of the 26 recorded traps, and no other', () => {
    assert.equal(recorded.length, 26);
    assert.deepEqual(recorded.map((r) => r.name).sort(), Object.keys(EXPECTED).sort());
  });

  for (const { name, trap } of recorded) {
    it(name, () => {
      const expected = EXPECTED[name];
      assert.ok(expected, `no expectation for ${name}`);
      assert.deepEqual(classifier.classify(trap), { ...expected, entity: expected.entity ?? {} });
    });
  }

  it('decides outlet on/off by the trap OID, not the text', () => {
    const off = recorded.find((r) => r.name.startsWith('testOutletOff'));
    assert.ok(off);
    assert.ok(off.trap.varbinds.some((v) => typeof v.value === 'string' && v.value.includes('has turned on')));
    assert.equal(classifier.classify(off.trap).event, 'outlet-off');
  });

  it('answers with the sender\'s profile first, then any profile defining the OID', () => {
    const test = recorded.find((r) => r.name.startsWith('testApcTestTrap'));
    assert.ok(test);
    assert.equal(classifier.classify(test.trap).profile, 'apc-rpdu2');
    assert.equal(classifier.classify(test.trap, 'apc-ups').profile, 'apc-ups');
    assert.equal(classifier.classify(test.trap, 'apc-ats').profile, 'apc-ats');
    assert.equal(classifier.classify(test.trap, 'raritan-pdu2').profile, 'apc-rpdu2'); // the sender's profile does not define it
    assert.equal(classifier.classify(test.trap, null).profile, 'apc-rpdu2');
    assert.equal(classifier.classify(test.trap, 'no-such-profile').profile, 'apc-rpdu2');
  });
});

describe('trap classifier', () => {
  const classifier = new TrapClassifier(profiles);
  const vb = (oid: string, value: string | number | null, type = 2): TrapVarbind => ({ oid, type, value });
  const APC = '1.3.6.1.4.1.318';

  it('leaves an unknown trap unclassified', () => {
    const unclassified = { profile: null, name: null, event: 'unclassified', entity: {} };
    assert.deepEqual(classifier.classify({ trapOid: '1.3.6.1.4.1.99999.0.1', varbinds: [] }), unclassified);
    assert.deepEqual(classifier.classify({ trapOid: '', varbinds: [] }), unclassified);
    assert.deepEqual(classifier.classify({ trapOid: `${APC}.0.42.1`, varbinds: [] }), unclassified); // not a prefix match
  });

  it('tolerates leading dots in the trap OID and varbind OIDs', () => {
    const c = classifier.classify({ trapOid: `.${APC}.0.42`, varbinds: [vb(`.${APC}.2.3.1.0`, 7)] });
    assert.deepEqual(c, { profile: 'apc-rpdu2', name: 'outletOff', event: 'outlet-off', entity: { outlet: 7 } });
  });

  it('finds a varbind with or without its instance, and reads the MIB\'s own object before the one devices send', () => {
    const off = (varbinds: TrapVarbind[]) => classifier.classify({ trapOid: `${APC}.0.42`, varbinds }).entity;
    assert.deepEqual(off([vb(`${APC}.2.3.1`, 5)]), { outlet: 5 }); // mtrapargsInteger, v1-converted without .0
    assert.deepEqual(off([vb(`${APC}.1.1.4.4.2.1.1.3`, 3)]), { outlet: 3 }); // sPDUOutletControlIndex.3
    assert.deepEqual(off([vb(`${APC}.2.3.1.0`, 9), vb(`${APC}.1.1.4.4.2.1.1.3`, 3)]), { outlet: 3 });
    assert.deepEqual(off([vb(`${APC}.2.3.1.0`, '4')]), { outlet: 4 }); // decimal text
    assert.deepEqual(off([vb(`${APC}.2.3.10.0`, 4)]), {}); // mtrapargs 10 is not mtrapargsInteger (1)
    assert.deepEqual(off([vb(`${APC}.2.3.1.0`, 0)]), {}); // outlet 0: "all outlets have turned off", no one outlet
    assert.deepEqual(off([]), {});
  });

  it('reads bank and phase of the bank/phase traps, 0 naming none', () => {
    const rPDU = `${APC}.1.1.12.2.3.1.1`;
    const c = (bank: number, phase: number) => classifier.classify({ trapOid: `${APC}.0.226`, varbinds: [vb(`${rPDU}.5.0`, bank), vb(`${rPDU}.4.0`, phase)] });
    assert.deepEqual(c(2, 0), { profile: 'apc-rpdu2', name: 'rPDUBankPhaseOverload', event: 'overload', entity: { bank: 2 } });
    assert.deepEqual(c(0, 3).entity, { phase: 3 });
  });

  it('decides the event from a state varbind, falling back to the definition\'s event', () => {
    // Raritan outletSensorStateChange: outletLabel.pduId.outletId, typeOfSensor, measurementsOutletSensorState.pduId.outletId.sensorType
    const PDU2 = '1.3.6.1.4.1.13742.6';
    const sensor = (type: number, state: number) => classifier.classify({
      trapOid: `${PDU2}.0.63`,
      varbinds: [vb(`${PDU2}.3.5.3.1.2.1.12`, '12', 4), vb(`${PDU2}.0.0.10.0`, type), vb(`${PDU2}.5.4.3.1.3.1.12.${type}`, state)],
    }, 'raritan-pdu2');
    assert.deepEqual(sensor(14, 8), { profile: 'raritan-pdu2', name: 'outletSensorStateChange', event: 'outlet-off', entity: { outlet: 12 } });
    assert.equal(sensor(14, 7).event, 'outlet-on');
    assert.equal(sensor(1, 6).event, 'overload'); // rmsCurrent above its upper critical threshold
    assert.equal(sensor(4, 6).event, 'alarm'); // rmsVoltage above it: no overload
    assert.equal(sensor(1, 4).event, 'alarm-cleared');
    assert.equal(sensor(1, -1).event, 'alarm'); // unavailable: the fallback
  });

  it('reads an OID-valued varbind (an AutonomousType) under its prefix', () => {
    const alarm = (trapOid: string, descr: string) => classifier.classify({ trapOid, varbinds: [vb('1.3.6.1.2.1.33.1.6.2.1.1.7', 7), vb('1.3.6.1.2.1.33.1.6.2.1.2.7', descr, 6)] }).event;
    assert.equal(alarm('1.3.6.1.2.1.33.2.3', '1.3.6.1.2.1.33.1.6.3.3'), 'battery-low'); // upsAlarmLowBattery
    assert.equal(alarm('1.3.6.1.2.1.33.2.0.3', '.1.3.6.1.2.1.33.1.6.3.9'), 'on-bypass'); // v1-converted, leading dot
    assert.equal(alarm('1.3.6.1.2.1.33.2.3', '1.3.6.1.2.1.33.1.6.3.6'), 'alarm'); // upsAlarmInputBad: out of tolerance, not on battery
    assert.equal(alarm('1.3.6.1.2.1.33.2.3', '1.3.6.1.4.1.534.1.7.3'), 'alarm'); // not a well-known UPS-MIB alarm
    assert.equal(alarm('1.3.6.1.2.1.33.2.4', '1.3.6.1.2.1.33.1.6.3.2'), 'on-mains'); // upsAlarmOnBattery removed
    assert.equal(alarm('1.3.6.1.2.1.33.2.4', '1.3.6.1.2.1.33.1.6.3.9'), 'alarm-cleared');
  });

  it('builds its index once from the profiles given', () => {
    const only: Profile[] = profiles.filter((p) => p.name === 'ups-mib');
    const small = new TrapClassifier(only);
    assert.equal(small.classify({ trapOid: `${APC}.0.42`, varbinds: [] }).event, 'unclassified');
    assert.equal(small.classify({ trapOid: '1.3.6.1.2.1.33.2.1', varbinds: [] }, 'apc-ups').profile, 'ups-mib');
    assert.equal(new TrapClassifier([]).classify({ trapOid: '1.3.6.1.2.1.33.2.1', varbinds: [] }).event, 'unclassified');
  });
});
