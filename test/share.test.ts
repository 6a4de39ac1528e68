import assert from 'node:assert/strict';
import { test } from 'node:test';
import { share } from '../src/state/share.js';

const reading = (amps: number, name: string | null = 'Outlet 2') => ({
  identity: { sysName: 'r001-a', serial: 'SN1' },
  outlets: [
    { index: 1, name: 'Outlet 1', current: { value: 1.5, quality: 'ok' }, power: { value: null, quality: 'unsupported' } },
    { index: 2, name, current: { value: amps, quality: 'ok' }, power: { value: null, quality: 'unsupported' } },
  ],
});

test('share: a reading keeps the previous one\'s unchanged parts; only what moved is new', () => {
  const prev = reading(0.7);
  const next = share(prev, reading(0.9));
  assert.deepEqual(next, reading(0.9), 'the values are the new reading\'s');
  assert.notEqual(next, prev);
  assert.equal(next.identity, prev.identity);
  assert.equal(next.outlets[0], prev.outlets[0], 'an unchanged outlet is the previous object');
  assert.notEqual(next.outlets[1], prev.outlets[1], 'the outlet whose current moved is new');
  assert.notEqual(next.outlets[1]!.current, prev.outlets[1]!.current);
  assert.equal(next.outlets[1]!.power, prev.outlets[1]!.power);
  assert.deepEqual(prev, reading(0.7), 'the previous reading is never changed');
});

test('share: nothing changed gives the previous reading itself; a key gained, lost or null is a change', () => {
  const prev = reading(0.7);
  assert.equal(share(prev, reading(0.7)), prev);
  assert.notEqual(share(prev, reading(0.7, null)), prev);
  const gained = { ...reading(0.7), extra: 1 };
  assert.notEqual(share(prev, gained), prev);
  const lost: Partial<ReturnType<typeof reading>> = reading(0.7);
  delete lost.identity;
  assert.notEqual(share(prev, lost), prev);
  const undefinedA: object = { a: undefined };
  assert.notEqual(share(undefinedA, { b: undefined }), undefinedA, 'a key renamed, both undefined, is a change');
  const shorter = { ...reading(0.7), outlets: reading(0.7).outlets.slice(0, 1) };
  assert.notEqual(share(prev, shorter), prev);
  assert.equal(share(prev, shorter).outlets[0], prev.outlets[0]);
  assert.equal(share(null, prev), prev);
});
