// How probe prints a reading: the header agrees with the body, the vendor is said once, and the
// markers for missing and implausible values are explained. Pure formatting of hand-made readings.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DeviceReading, Measure } from '../src/model.js';
import { formatReading } from '../src/probe/format-reading.js';

const ok = (value: number): Measure => ({ value, quality: 'ok' });
const unknown: Measure = { value: null, quality: 'unknown' };
const inlet = (index: number, power: Measure) => ({
  index, name: null, voltage: ok(230), current: ok(2), power, apparentPower: unknown, powerFactor: unknown, energy: unknown, frequency: ok(50), loadState: 'normal' as const,
});

function reading(o: Partial<DeviceReading> = {}): DeviceReading {
  return {
    profile: 'eaton-ups', kind: 'ups', identity: { vendor: 'Eaton', model: 'Eaton 9PX 3000', serial: 'S1', firmware: '1.0', name: null },
    power: unknown, energy: unknown, loadState: 'unknown', badValues: 0, inlets: [inlet(1, ok(400)), inlet(2, ok(350))], phases: [], bypass: [], banks: [], outlets: [], sensors: [], ups: null, ats: null,
    ...o,
  } as DeviceReading;
}

describe('probe output', () => {
  it('says the vendor once when the model already names it', () => {
    assert.match(formatReading('ups1', reading(), 'sysObjectID').split('\n')[0]!, /^ups1: Eaton 9PX 3000$/);
    assert.match(formatReading('p', reading({ identity: { vendor: 'APC', model: 'AP8858', serial: null, firmware: null, name: 'r07-a' } }), 'probe').split('\n')[0]!, /^p: APC AP8858 "r07-a"$/);
  });
  it('without a device total, the header\'s power is the inlets\' sum, and says so', () => {
    assert.match(formatReading('ups1', reading(), 'x'), /power 750 W \(sum of inlets\)/);
    assert.match(formatReading('ups1', reading({ inlets: [inlet(1, ok(400)), inlet(2, unknown)] }), 'x'), /power 400 W \(sum of 1 of 2 inlets\)/);
    assert.match(formatReading('ups1', reading({ power: ok(900) }), 'x'), /power 900 W {3}/, 'the device\'s own total first');
  });
  it('without a device load, the worst of its inlets, phases and banks; "unknown" only when it is', () => {
    const near = reading({ inlets: [{ ...inlet(1, ok(1)), loadState: 'near-overload' }, inlet(2, ok(1))] });
    assert.match(formatReading('u', near, 'x'), /load near-overload \(its worst inlet, phase or bank\)/);
    assert.match(formatReading('u', reading({ inlets: [{ ...inlet(1, ok(1)), loadState: 'unknown' }] }), 'x'), /load unknown /);
  });
  it('explains "-" and "?!" when they appear, and only then', () => {
    const text = formatReading('u', reading({ inlets: [inlet(1, { value: null, quality: 'implausible' })] }), 'x');
    assert.match(text, /\n {2}- {2}not given by the device, or unknown\n {2}\?! an implausible value the device sent/);
    const clean = reading({ power: ok(1), energy: ok(2), loadState: 'normal', inlets: [{ ...inlet(1, ok(1)), apparentPower: ok(1), powerFactor: ok(1), energy: ok(1) }] });
    assert.doesNotMatch(formatReading('u', clean, 'x'), /not given by the device|implausible value/);
  });
});
