// Single points of failure on small hand-made sites and on the demo, and `check-config --audit`.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { audit } from '../src/capacity/audit.js';
import { AUDIT_FOUND, auditCommand } from '../src/capacity/audit-cli.js';
import { loadConfigFile } from '../src/config/load-config.js';
import { demoConfigPath } from '../src/paths.js';
import type { DeviceReading } from '../src/model.js';
import { factsOf, reading, siteConfig, topologyOf, type SiteSpec } from './helpers/capacity-site.js';

const found = (spec: SiteSpec) => audit(topologyOf(siteConfig(spec))).findings.map((f) => `${f.subject.kind} ${f.subject.name}: ${f.kind} ${f.on}`);

// Two rows: r1 (row 1) and r2 (row 2); an A and a B strip in each.
const ROWS = [['r1'], ['r2']];
const STRIPS = [
  { name: 'a1', rack: 'r1', feed: 'A' }, { name: 'b1', rack: 'r1', feed: 'B' },
  { name: 'a2', rack: 'r2', feed: 'A' }, { name: 'b2', rack: 'r2', feed: 'B' },
];

describe('single points of failure', () => {
  it('a single-corded node is one; a dual-corded node on two feeds is not', () => {
    assert.deepEqual(found({ rows: ROWS, pdus: STRIPS, nodes: { single: { psus: ['a1:1'] }, dual: { psus: ['a1:2', 'b1:2'] } } }), ['node single: one-psu a1']);
  });

  it('a node whose supplies share a PDU, a feed or an upstream device', () => {
    const pdus = [...STRIPS, { name: 'ups', rack: 'r1', outlets: 1 }, { name: 'x1', rack: 'r1', feed: 'A', upstream: 'ups' }, { name: 'y1', rack: 'r1', feed: 'B', upstream: 'ups' }];
    assert.deepEqual(found({
      rows: ROWS, pdus,
      nodes: { samePdu: { psus: ['a1:1', 'a1:2'] }, sameFeed: { psus: ['a1:3', 'a2:3'], rack: 'r1' }, sameUps: { psus: ['x1:1', 'y1:1'] } },
    }), ['node samePdu: one-pdu a1', 'node sameFeed: one-feed feed A', 'node sameUps: one-upstream ups']);
  });

  it('a pool split over two rows is not one; a pool in one row is', () => {
    const nodes = { n1: { psus: ['a1:1', 'b1:1'] }, n2: { psus: ['a2:1', 'b2:1'] }, n3: { psus: ['a1:2', 'b1:2'] } };
    assert.deepEqual(found({ rows: ROWS, pdus: STRIPS, nodes, pools: { split: ['n1', 'n2'] } }), []);
    assert.deepEqual(found({ rows: ROWS, pdus: STRIPS, nodes, pools: { together: ['n1', 'n3'] }, services: { shop: ['together'] } }), [
      'pool together: one-row row 1 of Lab', 'service shop: one-row row 1 of Lab',
    ]);
  });

  it('a pool whose members all hang on one PDU says that only; on one feed, on that feed', () => {
    const nodes = { n1: { psus: ['a1:1'] }, n2: { psus: ['a1:2'] }, n3: { psus: ['a1:3', 'a2:3'], rack: 'r1' }, n4: { psus: ['a2:4'] } };
    const pools = { onePdu: ['n1', 'n2'], oneFeed: ['n3', 'n4'] };
    const f = found({ rows: ROWS, pdus: STRIPS, nodes, pools }).filter((x) => x.startsWith('pool'));
    assert.deepEqual(f, ['pool onePdu: one-pdu a1', 'pool oneFeed: one-feed feed A']);
  });

  it('a service whose pools are each sound but together stand in one row', () => {
    const nodes = { n1: { psus: ['a1:1', 'b1:1'] }, n2: { psus: ['a1:2', 'b1:2'] }, n3: { psus: ['a2:1', 'b2:1'] } };
    const f = found({ rows: ROWS, pdus: STRIPS, nodes, pools: { p1: ['n1'], p2: ['n2'], p3: ['n3'] }, services: { both: ['p1', 'p2'], spread: ['p1', 'p3'] } });
    assert.deepEqual(f.filter((x) => x.startsWith('service')), ['service both: one-row row 1 of Lab']);
  });

  it('an ATS that lost its redundancy, from a fresh reading only', () => {
    const config = siteConfig({ rows: ROWS, pdus: [...STRIPS, { name: 'ats', rack: 'r1', outlets: 1 }, { name: 'x1', rack: 'r1', upstream: 'ats' }], nodes: { n: { psus: ['a1:1', 'b1:1'] } } });
    const ats = (redundancy: 'lost' | 'redundant'): DeviceReading => ({
      ...reading({ kind: 'ats' }),
      ats: { activeSource: 'B', redundancy, sourceAVoltage: { value: 0, quality: 'ok' }, sourceBVoltage: { value: 230, quality: 'ok' }, outputVoltage: { value: 230, quality: 'ok' }, sourceACurrent: { value: null, quality: 'unknown' }, sourceBCurrent: { value: null, quality: 'unknown' }, outputCurrent: { value: null, quality: 'unknown' } },
    });
    const topology = topologyOf(config);
    const live = (r: DeviceReading, now = 0) => audit(topology, { facts: factsOf({ ats: r }), now, staleMs: 90_000 }).findings.filter((f) => f.subject.kind === 'ats');
    assert.deepEqual(live(ats('lost')).map((f) => f.message), ['ATS ats has no redundant source (running on source B): the device below it hangs on one source']);
    assert.deepEqual(live(ats('redundant')), []);
    assert.deepEqual(live(ats('lost'), 90_001), [], 'a stale reading says nothing');
    assert.deepEqual(audit(topology).findings.filter((f) => f.subject.kind === 'ats'), [], 'the config alone cannot tell');
  });

  it('the demo: its 20 single-corded scanners, and the storage pool (and the service on it) in one row', () => {
    const { findings } = audit(topologyOf(loadConfigFile(demoConfigPath())));
    const single = findings.filter((f) => f.kind === 'one-psu').map((f) => f.subject.name);
    assert.deepEqual(single, Array.from({ length: 20 }, (_, i) => `scan-0${57 + i}`));
    assert.deepEqual(findings.filter((f) => f.kind !== 'one-psu').map((f) => `${f.subject.kind} ${f.subject.name}: ${f.kind} ${f.on} ${f.racks.join(',')}`), [
      'pool storage: one-row row 2 of Dallas 3 r08', 'service Quarantine and archive: one-row row 2 of Dallas 3 r08',
    ]);
  });

  it('check-config --audit prints one line each and exits 4 when any is found, 0 when none', () => {
    const demo = auditCommand(loadConfigFile(demoConfigPath()));
    assert.equal(demo.code, AUDIT_FOUND);
    assert.equal(AUDIT_FOUND, 4);
    const lines = demo.output.split('\n');
    assert.equal(lines[0], '22 single points of failure:');
    assert.equal(lines[1], '  node scan-057 has one power supply (dal3-r07-a outlet 1)');
    assert.ok(lines.includes('  pool storage: all 4 members hang on row 2 of Dallas 3'));
    const sound = auditCommand(siteConfig({ rows: ROWS, pdus: STRIPS, nodes: { n1: { psus: ['a1:1', 'b1:1'] }, n2: { psus: ['a2:1', 'b2:1'] } }, pools: { p: ['n1', 'n2'] } }));
    assert.deepEqual(sound, { output: 'no single point of failure found (2 nodes, 1 pool, 0 services)', code: 0 });
    const unfed = auditCommand(siteConfig({ rows: ROWS, pdus: [{ name: 'p' }, { name: 'q' }], nodes: { n: { psus: ['p:1', 'q:1'] } } }));
    assert.deepEqual(unfed.output.split('\n'), [
      'no single point of failure found (1 node, 0 pools, 0 services)',
      'note: 2 PDUs name no feed (pdus[].feed): a node on them is checked for a shared PDU or upstream device, not a shared feed',
    ]);
  });
});
