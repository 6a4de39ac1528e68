// The simulator split over processes (`breakerbox sim --shard i/n`): every device in exactly one
// shard, a power domain (PDUs and the servers they feed) never split, shards balanced.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseConfigText } from '../src/config/load-config.js';
import { largeSiteConfig } from '../src/demo/large-site.js';
import { shardOf, shardsOf } from '../src/sim/shard.js';

describe('simulator shards', () => {
  it('place every PDU and server in one shard, a rack with its servers, balanced by agent count', () => {
    const config = largeSiteConfig({ pdus: 40 });
    const shards = [0, 1, 2, 3].map((i) => shardOf(config, i, 4));
    const names = (list: { name: string }[]) => list.map((d) => d.name);
    assert.deepEqual(shards.flatMap((s) => names(s.pdus)).sort(), names(config.pdus).sort(), 'every PDU once');
    assert.deepEqual(shards.flatMap((s) => names(s.nodes)).sort(), names(config.nodes).sort(), 'every server once');
    for (const shard of shards) {
      const pdus = new Set(names(shard.pdus));
      for (const node of shard.nodes) for (const psu of node.psus) assert.ok(pdus.has(psu.pdu), `${node.name}'s ${psu.pdu} is in its shard`);
      // 20 racks of 2 PDUs and 20 servers over 4 shards: 5 racks each.
      assert.equal(shard.pdus.length, 10);
      assert.equal(shard.nodes.length, 100);
    }
  });

  it('keep a power domain whole when a server draws from two racks, and refuse a bad i/n', () => {
    const config = parseConfigText(`
sites: [{name: S, rows: [{name: r, racks: [r1, r2, r3]}]}]
pdus:
  - {name: p1, rack: r1, address: 127.0.0.1:1161, outlets: 8}
  - {name: p2, rack: r2, address: 127.0.0.2:1161, outlets: 8}
  - {name: p3, rack: r3, address: 127.0.0.3:1161, outlets: 8}
nodes:
  - {name: n1, rack: r1, address: 127.0.1.1:1161, psus: [{pdu: p1, outlet: 1}, {pdu: p2, outlet: 1}]}
  - {name: n3, rack: r3, address: 127.0.1.3:1161, psus: [{pdu: p3, outlet: 1}]}
`, 'two-racks.yaml');
    const shard = shardsOf(config, 2);
    assert.equal(shard.get('p1'), shard.get('p2'), 'p1 and p2 feed n1: one domain');
    assert.equal(shard.get('n1'), shard.get('p1'));
    assert.notEqual(shard.get('p3'), shard.get('p1'), 'the other domain goes to the other shard');
    assert.equal(shard.get('n3'), shard.get('p3'));
    assert.throws(() => shardOf(config, 2, 2), /want i\/n/);
    assert.throws(() => shardOf(config, 0, 0), /want i\/n/);
  });
});
