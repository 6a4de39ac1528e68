// Every registered profile against a device that answers badly: every object it reads answers
// "<private>", -1, a negative number, the wrong type, or nothing at all (empty tables). Whatever
// the family, the read never throws, and nothing it could not trust comes out as a trusted
// number: no current, voltage, power, energy, charge or runtime below zero, and no number read
// from text that holds none.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DeviceReading, Measure } from '../src/model.js';
import { profiles } from '../src/profiles/index.js';
import { planOf } from '../src/profiles/plan.js';
import { readDevice } from '../src/profiles/read-device.js';
import { FakeSnmpClient, type FakeMib, type FakeValue } from './helpers/fake-snmp.js';

/** Every measure in a reading, with where it is ("ups.runtime", "outlets[3].current"). */
function measures(value: unknown, path = ''): [string, Measure][] {
  if (value === null || typeof value !== 'object') return [];
  if ('quality' in value && 'value' in value) return [[path, value as Measure]];
  if (Array.isArray(value)) return value.flatMap((v, i) => measures(v, `${path}[${i}]`));
  return Object.entries(value).flatMap(([k, v]) => measures(v, path ? `${path}.${k}` : k));
}

/** A device answering `value` for every object the profile reads: its scalars, and row 1 of every column. */
function device(profile: (typeof profiles)[number], value: FakeValue): FakeMib {
  const { columns, scalars } = planOf(profile);
  const mib: Record<string, FakeValue> = { '1.3.6.1.2.1.1.2.0': '1.3.6.1.4.1.99999' };
  for (const oid of scalars) mib[oid] = value;
  for (const column of columns) mib[`${column}.1`] = value;
  return mib;
}

/** Quantities that cannot be below zero, wherever they are in the model. */
const NEVER_NEGATIVE = /(current|voltage|power|apparentPower|energy|charge|runtime|timeOnBattery|load|frequency|rating)$/i;

const hostile: [string, FakeValue][] = [
  ['"<private>" everywhere', Buffer.from('<private>')],
  ['-1 everywhere', -1],
  ['a large negative number everywhere', -2_147_483_648],
  ['an empty string everywhere', Buffer.alloc(0)],
  ['text with no number everywhere', Buffer.from('n/a')],
];

describe('every profile against a device that answers badly', () => {
  for (const profile of profiles) {
    describe(profile.name, () => {
      for (const [what, value] of hostile) {
        it(what, async () => {
          const result = await readDevice(new FakeSnmpClient(device(profile, value)), profile);
          if (!result.ok) return; // a clean failure is an answer too
          const bad = measures(result.value as DeviceReading).filter(([path, m]) => m.quality === 'ok' && (
            !Number.isFinite(m.value) || (NEVER_NEGATIVE.test(path) && m.value! < 0) || (typeof value !== 'number' && !/sensors|temperature/.test(path))));
          assert.deepEqual(bad, [], `trusted values that should not be: ${bad.map(([p, m]) => `${p}=${m.value}`).join(', ')}`);
        });
      }
      it('no objects at all (empty tables): nothing trusted', async () => {
        const result = await readDevice(new FakeSnmpClient({ '1.3.6.1.2.1.1.2.0': '1.3.6.1.4.1.99999' }), profile);
        if (!result.ok) return;
        const trusted = measures(result.value).filter(([, m]) => m.quality === 'ok');
        assert.deepEqual(trusted, []);
        for (const part of ['inlets', 'phases', 'banks', 'outlets', 'sensors'] as const) assert.equal(result.value[part].length, 0, part);
      });
    });
  }
});
