// The generated sites of `breakerbox demo --size`: the sizes it accepts, and a site that is whole
// (every server on both strips within their outlets, in one pool, at an address of its own).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { largeSiteConfig, parseSize } from '../src/demo/large-site.js';
import { Topology } from '../src/health/topology.js';

describe('generated sites', () => {
  it('knows its sizes and says what it accepts', () => {
    assert.equal(parseSize('large'), 1_000);
    assert.equal(parseSize('medium'), 126);
    assert.equal(parseSize('250'), 250);
    for (const bad of ['0', '3', '2002', 'huge', '-4', '1e3']) assert.throws(() => parseSize(bad), /--size: demo, medium, large or an even number of PDUs from 2 to 2000/);
  });

  it('a site of 40 PDUs: 400 dual-corded servers, rows of ten racks, one pool per row, every address once', () => {
    const config = largeSiteConfig({ pdus: 40, stateDir: '/tmp/bb-site' });
    assert.equal(config.pdus.length, 40);
    assert.equal(config.nodes.length, 400);
    assert.deepEqual(config.sites[0]!.rows.map((r) => r.racks.length), [10, 10]);
    assert.deepEqual(config.pools.map((p) => [p.name, p.members.length]), [['web-001', 200], ['web-002', 200]]);
    assert.deepEqual(config.services.map((s) => s.pools), [['web-001', 'web-002']]);
    const addresses = [...config.pdus, ...config.nodes].map((d) => d.address);
    assert.equal(new Set(addresses).size, addresses.length);
    assert.equal(config.settings.database, '/tmp/bb-site/breakerbox.db');
    const topology = new Topology(config);
    for (const node of config.nodes) {
      assert.equal(node.psus.length, 2);
      assert.deepEqual(node.psus.map((p) => topology.pdus.get(p.pdu)!.feed), ['A', 'B']);
      for (const psu of node.psus) assert.ok(psu.outlet >= 1 && psu.outlet <= 48);
    }
    // Both banks of each strip carry servers: a bank trip drains nobody (dual-corded), but degrades ten.
    const banks = new Set(config.nodes.filter((n) => n.rack === 'r001').map((n) => topology.configuredBank(topology.pdus.get('r001-a')!, n.psus[0]!.outlet)));
    assert.deepEqual([...banks].sort(), [1, 2]);
  });
});
