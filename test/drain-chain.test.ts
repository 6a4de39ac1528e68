// The drain chain (cause → impact → action) word for word: what an operator reads on the wall and
// in the event for every drain, so each separator and count is pinned here.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { drainChain } from '../src/drain/chain.js';
import type { NodeHealth, PowerView, PsuHealth } from '../src/health/power-health.js';

const psu = (pdu: string, outlet: number, feed: PsuHealth['feed'], cause: string | null = null): PsuHealth =>
  ({ pdu, outlet, feed, reason: `${pdu} outlet ${outlet} ${feed}`, cause });
const node = (name: string, psus: PsuHealth[]): NodeHealth => ({ name, power: 'lost', reachable: false, psus, reason: 'no feed' });
const view = (...nodes: NodeHealth[]): PowerView => ({ nodes: new Map(nodes.map((n) => [n.name, n])), pdus: new Map() });
const pool = { pool: 'scanners', total: 80, drainedAfter: 3, cap: 0.5 };

describe('drainChain', () => {
  it('one outlet of one PDU, one cause', () => {
    const v = view(node('scan-1', [psu('pdu-a', 4, 'down', 'bank 1 breaker tripped on pdu-a')]));
    assert.deepEqual(drainChain(v, ['scan-1'], pool), {
      cause: 'bank 1 breaker tripped on pdu-a',
      impact: 'outlet 4 of pdu-a → scan-1 lost power',
      action: 'drained 1 of 80 from pool scanners (3 drained, cap 50%)',
    });
  });

  it('several outlets on two PDUs: plural, ranges, PDUs joined with ", ", causes with "; " and deduplicated', () => {
    const v = view(
      node('scan-1', [psu('pdu-a', 1, 'down', 'cause A'), psu('pdu-b', 7, 'down', 'cause B')]),
      node('scan-2', [psu('pdu-a', 2, 'down', 'cause A'), psu('pdu-b', 9, 'up', 'cause C')]),
      node('scan-3', [psu('pdu-a', 3, 'down', 'cause A')]),
    );
    const c = drainChain(v, ['scan-1', 'scan-2', 'scan-3'], { pool: 'p', total: 10, drainedAfter: 3, cap: 0.25 });
    assert.equal(c.cause, 'cause A; cause B');
    assert.equal(c.impact, 'outlets 1-3 of pdu-a, outlet 7 of pdu-b → scan-1..scan-3 lost power');
    assert.equal(c.action, 'drained 3 of 10 from pool p (3 drained, cap 25%)');
  });

  it('no down feed known: "power lost", and the impact names only the nodes', () => {
    const v = view(node('scan-1', [psu('pdu-a', 1, 'up', 'ignored')]));
    const c = drainChain(v, ['scan-1', 'web-9'], pool);
    assert.equal(c.cause, 'power lost');
    assert.equal(c.impact, 'scan-1, web-9 lost power');
  });

  it('a down feed without a cause: "power lost", outlets still listed', () => {
    const v = view(node('scan-1', [psu('pdu-a', 5, 'down')]));
    const c = drainChain(v, ['scan-1'], pool);
    assert.equal(c.cause, 'power lost');
    assert.equal(c.impact, 'outlet 5 of pdu-a → scan-1 lost power');
  });

  it('shadow mode says "would drain" and touches no backend', () => {
    const v = view(node('scan-1', [psu('pdu-a', 4, 'down', 'x')]));
    assert.equal(drainChain(v, ['scan-1'], { ...pool, shadow: true }).action,
      'would drain 1 of 80 from pool scanners (shadow mode: no backend touched)');
    assert.equal(drainChain(v, ['scan-1'], { ...pool, shadow: false }).action,
      'drained 1 of 80 from pool scanners (3 drained, cap 50%)');
  });
});
