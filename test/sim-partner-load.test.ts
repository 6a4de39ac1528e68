// The simulator's power model moves a server's load onto its remaining power supplies when some lose
// power, as dual-corded servers do: what the N-1 headroom and what-if figures are checked against.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { computePower, DEFAULT_AMPS } from '../src/sim/physics.js';
import { demo } from './helpers/scenario.js';

const config = demo();
const amps = (node: string) => config.nodes.find((n) => n.name === node)!.amps ?? DEFAULT_AMPS.server;
const near = (a: number, b: number) => Math.abs(a - b) < 1e-9;

describe('simulator: load moves onto the partner PSU', () => {
  it('a feed lost in a row: every B strip outlet carries its server whole, and its bank the sum', () => {
    const before = computePower(config, []);
    const rowA = ['dal3-r01-a', 'dal3-r02-a', 'dal3-r03-a', 'dal3-r04-a'];
    const after = computePower(config, rowA.map((pdu) => ({ kind: 'inlet-loss' as const, pdu })));
    for (const pdu of rowA) assert.ok(after.pdus.get(pdu)!.outlets.every((o) => !o.on && o.amps === 0), `${pdu} dead`);
    const b = after.pdus.get('dal3-r01-b')!;
    for (let i = 1; i <= 10; i++) {
      const node = `scan-${String(i).padStart(3, '0')}`;
      assert.ok(near(before.pdus.get('dal3-r01-b')!.outlets[i - 1]!.amps, amps(node) / 2), `${node}: half on each strip before`);
      assert.ok(near(b.outlets[i - 1]!.amps, amps(node)), `${node}: all of it on B after`);
      assert.equal(after.nodes.get(node)!.powered, true);
    }
    assert.ok(near(b.banks[0]!.amps, 2 * before.pdus.get('dal3-r01-b')!.banks[0]!.amps), 'bank 1 of dal3-r01-b doubles');
    assert.ok(near(b.amps, 2 * before.pdus.get('dal3-r01-b')!.amps), 'so does its phase');
    // Row 2 is untouched.
    assert.ok(near(after.pdus.get('dal3-r05-b')!.amps, before.pdus.get('dal3-r05-b')!.amps));
  });

  it('a four-PSU storage node losing its A strip shares its load over the two B supplies left', () => {
    const after = computePower(config, [{ kind: 'inlet-loss', pdu: 'dal3-r08-a' }]);
    const stor = config.nodes.find((n) => n.name === 'stor-01')!;
    const load = stor.amps ?? DEFAULT_AMPS.storage;
    const b = after.pdus.get('dal3-r08-b')!;
    for (const psu of stor.psus.filter((p) => p.pdu === 'dal3-r08-b')) assert.ok(near(b.outlets[psu.outlet - 1]!.amps, load / 2), `outlet ${psu.outlet}`);
    assert.equal(after.nodes.get('stor-01')!.energizedPsus, 2);
  });
});
