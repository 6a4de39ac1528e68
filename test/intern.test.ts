import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Interner } from '../src/poller/intern.js';

test('interner: short strings anywhere in a reading are kept once; the reading is unchanged', () => {
  const interner = new Interner(8, 100);
  const reading = () => ({
    outlets: [{ name: 'Outlet 1', state: 'on', current: { value: 0.5, quality: 'ok' } }, { name: 'Outlet 2', state: 'on', current: { value: null, quality: 'ok' } }],
    sysDescr: 'Linux r001-n01 6.1.0-13-amd64',
    raw: new Uint8Array([1, 2]),
  });
  const first = interner.walk(reading());
  assert.deepEqual(first, reading());
  // Outlet 1, Outlet 2, on, ok: each distinct short string once, the long one not at all.
  assert.equal(interner.size, 4);
  interner.walk(reading());
  assert.equal(interner.size, 4, 'strings seen before are not added again');
  assert.equal(interner.walk('on'), 'on');
});

test('interner: the table stops growing at its bound', () => {
  const interner = new Interner(32, 3);
  const serials = interner.walk(Array.from({ length: 10 }, (_, i) => ({ serial: `SN${i}` })));
  assert.equal(interner.size, 3);
  assert.deepEqual(serials.map((s) => s.serial), Array.from({ length: 10 }, (_, i) => `SN${i}`));
});
