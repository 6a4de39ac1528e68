// The wall's patches: what the server says changed (src/http/patch.ts), applied by the wall's own code
// (dashboards/wall/patch.js), gives exactly the new value, for random values and their random edits.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { applyPatch, inflate, unpack } from '../dashboards/wall/patch.js';
import { diff, pack, type Json } from '../src/http/patch.js';

/** A small seeded generator (mulberry32), so a failure can be replayed. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function value(r: () => number, depth: number): Json {
  const k = r();
  if (depth > 3 || k < 0.35) return [null, true, false, 0, 1.5, -2, 'on', 'off', ''][Math.floor(r() * 9)]!;
  if (k < 0.65) return Array.from({ length: Math.floor(r() * 5) }, () => value(r, depth + 1));
  return Object.fromEntries(Array.from({ length: Math.floor(r() * 5) }, (_, i) => [`k${i}`, value(r, depth + 1)]));
}

/** The value with a few random changes deep inside it. */
function edit(r: () => number, v: Json, depth = 0): Json {
  if (r() < 0.15) return value(r, depth);
  if (Array.isArray(v)) {
    const out = v.map((x) => (r() < 0.3 ? edit(r, x, depth + 1) : x));
    if (r() < 0.2) out.push(value(r, depth + 1));
    if (r() < 0.2) out.pop();
    return out;
  }
  if (typeof v === 'object' && v !== null) {
    const out: Record<string, Json> = {};
    for (const [key, x] of Object.entries(v)) if (r() > 0.05) out[key] = r() < 0.3 ? edit(r, x, depth + 1) : x;
    if (r() < 0.1) out.extra = value(r, depth + 1);
    return out;
  }
  return v;
}

describe('wall patches', () => {
  it('a snapshot is inflated from gzipped JSON bytes (as the server sends it), whatever view of them arrives', async () => {
    const message = pack({ pdus: [{ name: 'pdu-1', state: 'a long repeated string' }, { name: 'pdu-2', state: 'a long repeated string' }] });
    const bytes = gzipSync(JSON.stringify(message));
    assert.deepEqual(await inflate(bytes), message);
    assert.deepEqual(await inflate(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length)), message, 'an ArrayBuffer, as in a browser');
    assert.deepEqual(await inflate(message), message, 'an object is taken as it is');
    await assert.rejects(inflate(Buffer.from('not gzip')));
  });

  it('applied, a patch gives the new value; equal values give no patch; the old value is left as it was', () => {
    const r = rng(20261205);
    for (let i = 0; i < 3000; i++) {
      const before = value(r, 0);
      const after = edit(r, before);
      const frozen = JSON.stringify(before);
      const patch = diff(before, after);
      if (JSON.stringify(before) === JSON.stringify(after)) {
        assert.equal(patch, undefined, `case ${i}: equal values, no patch`);
        continue;
      }
      assert.notEqual(patch, undefined, `case ${i}: a change is never missed`);
      assert.deepEqual(applyPatch(structuredClone(before), JSON.parse(JSON.stringify(patch))), after, `case ${i}`);
      assert.equal(JSON.stringify(before), frozen);
    }
  });

  it('a PDU whose bank tripped: the patch names only the outlets and fields that changed', () => {
    const outlet = (index: number, state: string) => ({ index, state, current: state === 'on' ? 0.7 : 0, feeds: [{ node: `n${index}`, psu: 1 }] });
    const before = { name: 'p', reachable: true, outlets: [1, 2, 3, 4, 5, 6, 7, 8].map((i) => outlet(i, 'on')) };
    const after = { ...before, outlets: [1, 2, 3, 4, 5, 6, 7, 8].map((i) => outlet(i, i <= 3 ? 'off' : 'on')) };
    assert.deepEqual(diff(before, after), { $p: { outlets: { $a: { 0: { $p: { state: 'off', current: 0 } }, 1: { $p: { state: 'off', current: 0 } }, 2: { $p: { state: 'off', current: 0 } } }, $n: 8 } } });
    // Most of an array changed: sent whole.
    const most = { ...before, outlets: before.outlets.map((o) => ({ ...o, state: 'off', current: 0 })) };
    assert.deepEqual(diff(before, most), { $p: { outlets: most.outlets } });
    // A key that went away: the whole object.
    const { reachable: _, ...without } = before;
    assert.deepEqual(diff(before, without), without);
    // A key whose value is undefined is no key, as in JSON.
    assert.equal(diff(before, { ...before, extra: undefined } as unknown as Json), undefined);
  });

  it('packed for the wire: same-keyed rows as a table, a long string said more than once sent once; unpacked, the same', () => {
    const rows = [1, 2, 3, 4].map((index) => ({ index, state: index < 3 ? 'on' : 'off', feeds: [] as unknown[] }));
    const table = pack({ outlets: rows }) as unknown as { outlets: { $k: string[]; $r: unknown[][] } };
    assert.deepEqual(table.outlets, { $k: ['index', 'state', 'feeds'], $r: [[1, 'on', []], [2, 'on', []], [3, 'off', []], [4, 'off', []]] });
    assert.deepEqual(unpack(table), { outlets: rows });
    assert.deepEqual(pack({ mixed: [{ a: 1 }, { b: 2 }, { a: 3 }] }), { mixed: [{ a: 1 }, { b: 2 }, { a: 3 }] }, 'rows with other keys stay objects');
    const cause = 'bank 1 breaker tripped on dal3-r07-a';
    const message = { from: 1, nodes: [{ name: 'n1', reason: cause, psus: [{ reason: cause }] }, { name: 'n2', reason: cause }], note: 'said only once here' };
    const shared = pack(message);
    assert.deepEqual(shared.$strings, [cause]);
    assert.equal(JSON.stringify(shared).split(cause).length - 1, 1, 'the cause is sent once');
    assert.deepEqual(unpack(JSON.parse(JSON.stringify(shared))), message);
    assert.equal(pack({ a: 'short', b: 'short' }).$strings, undefined, 'short strings stay');
    const r = rng(7);
    for (let i = 0; i < 2000; i++) {
      const v = { list: [value(r, 0), value(r, 0), 'a repeated long string', 'a repeated long string'], rows: [0, 1, 2, 3].map(() => ({ x: value(r, 1), y: value(r, 2) })) };
      assert.deepEqual(unpack(JSON.parse(JSON.stringify(pack(v)))), v, `case ${i}`);
    }
  });
});
