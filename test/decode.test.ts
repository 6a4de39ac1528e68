import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeValue } from '../src/profiles/decode.js';
import type { ValueSpec } from '../src/profiles/profile.js';

const amps: ValueSpec = { type: 'number', scale: 0.1, sentinels: [-1], min: 0, max: 200 };

describe('decodeValue: bad data is never zero or fine', () => {
  const cases: [string, unknown, ValueSpec, unknown][] = [
    ['tenths of amps', 28, amps, { quality: 'ok', value: 2.8 }],
    ['APC -1 "no sensor"', -1, amps, { quality: 'unknown', value: null }],
    ['negative current', -5, amps, { quality: 'implausible', value: null }],
    ['absurd current', 99_999, amps, { quality: 'implausible', value: null }],
    ['a string where a number belongs', Buffer.from('12'), { type: 'number' }, { quality: 'implausible', value: null }],
    ['zero-length value', Buffer.alloc(0), amps, { quality: 'implausible', value: null }],
    ['missing', undefined, amps, { quality: 'unknown', value: null }],
    ['Counter64 (a bigint from the client)', 256n, { type: 'number' }, { quality: 'ok', value: 256 }],
    ['<private> text', Buffer.from('<private>'), { type: 'string' }, { quality: 'unknown', value: null }],
    ['text with padding', Buffer.from('notsupported '), { type: 'string' }, { quality: 'unknown', value: null }],
    ['plain text', Buffer.from('AP7900B'), { type: 'string' }, { quality: 'ok', value: 'AP7900B' }],
    ['enum', 2, { type: 'enum', map: { 1: 'off', 2: 'on' } }, { quality: 'ok', value: 'on' }],
    ['enum value outside the map', 9, { type: 'enum', map: { 1: 'off', 2: 'on' } }, { quality: 'unknown', value: null }],
  ];
  for (const [name, raw, spec, expected] of cases) {
    it(name, () => assert.deepEqual(decodeValue(raw, spec), expected));
  }
});
