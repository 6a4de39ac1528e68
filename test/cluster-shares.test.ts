// Rendezvous hashing of the devices over a cluster's processes: every process computes the same
// owner from the same list, the shares come out even, and a process joining or leaving moves only
// the devices it gains or held.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ownerOf, Share } from '../src/cluster/shares.js';

const DEVICES = Array.from({ length: 3_000 }, (_, i) => (i % 10 === 0 ? `pdu:pdu-${i}` : `node:node-${i}`));
const owners = (members: string[]) => new Map(DEVICES.map((d) => [d, ownerOf(members, d)]));

describe('devices shared out over the processes', () => {
  it('every process agrees, whatever order it lists the members in, and each owns about a third', () => {
    const a = owners(['bb-a', 'bb-b', 'bb-c']);
    assert.deepEqual(owners(['bb-c', 'bb-a', 'bb-b']), a);
    const counts = new Map<string, number>();
    for (const o of a.values()) counts.set(o!, (counts.get(o!) ?? 0) + 1);
    assert.deepEqual([...counts.keys()].sort(), ['bb-a', 'bb-b', 'bb-c']);
    for (const [m, n] of counts) assert.ok(n > 850 && n < 1_150, `${m} owns ${n} of 3000`);
    const shares = ['bb-a', 'bb-b', 'bb-c'].map((self) => { const s = new Share(self); s.update(['bb-a', 'bb-b', 'bb-c']); return s; });
    for (const d of DEVICES) assert.equal(shares.filter((s) => s.mine(d)).length, 1, `${d}: exactly one poller`);
  });

  it('a process leaving moves only its own devices; one joining takes only from the others what becomes its', () => {
    const three = owners(['bb-a', 'bb-b', 'bb-c']);
    const two = owners(['bb-a', 'bb-b']);
    for (const d of DEVICES) if (three.get(d) !== 'bb-c') assert.equal(two.get(d), three.get(d), `${d} moved though its poller stayed`);
    const four = owners(['bb-a', 'bb-b', 'bb-c', 'bb-d']);
    for (const d of DEVICES) if (four.get(d) !== 'bb-d') assert.equal(four.get(d), three.get(d), `${d} moved between the old processes`);
    const moved = DEVICES.filter((d) => four.get(d) === 'bb-d').length;
    assert.ok(moved > 600 && moved < 900, `about a quarter moves to the newcomer: ${moved}`);
  });

  it('alone, a process polls everything; its share follows the live list it is given, itself always in it', () => {
    const share = new Share('bb-a');
    assert.equal(share.update([]), true);
    assert.ok(DEVICES.every((d) => share.mine(d)));
    assert.equal(share.update(['bb-a']), false, 'the same list: nothing to recompute');
    share.update(['bb-b']);
    assert.deepEqual(share.live(), ['bb-a', 'bb-b']);
    assert.ok(DEVICES.some((d) => !share.mine(d)) && DEVICES.some((d) => share.mine(d)));
    assert.equal(ownerOf([], 'pdu:x'), null);
  });
});
