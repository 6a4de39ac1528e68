// The trap source lists and the per-source bucket at their edges: how a bad block is refused, what a
// non-IPv4 source gets, the remembered answers staying bounded, and the bucket map cleared at its cap.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from '../src/clock.js';
import { AddressBlocks, AllowList, CidrError, PerSourceRateLimit } from '../src/traps/access.js';

/** The remembered answers: their count is the memory a flood of spoofed sources can take. */
const remembered = (b: AddressBlocks) => (Reflect.get(b, 'seen') as Map<string, boolean>).size;
const addr = (i: number) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;

describe('trap source blocks', () => {
  const bad: [string, unknown, RegExp][] = [
    ['a number', 42, /^traps\.allow: 42 is not a string$/],
    ['null', null, /^traps\.allow: null is not a string$/],
    ['an object', { cidr: '10.0.0.0/8' }, /^traps\.allow: \{"cidr":"10\.0\.0\.0\/8"\} is not a string$/],
    ['a prefix past 32', '10.0.0.0/33', /^traps\.allow: "10\.0\.0\.0\/33" is not .*prefix/],
  ];
  for (const [what, cidr, message] of bad) {
    it(`refuses ${what} with a CidrError naming it`, () => {
      assert.throws(() => new AllowList([cidr as string]), (e: unknown) => {
        assert.ok(e instanceof CidrError);
        assert.equal(e.name, 'CidrError');
        assert.equal(e.code, 'BB_ERR_BAD_CIDR');
        assert.match(e.message, message);
        return true;
      });
    });
  }

  it('no list and an empty list allow everyone and are not active', () => {
    for (const list of [new AllowList(undefined), new AllowList([])]) {
      assert.equal(list.active, false);
      assert.equal(list.allows('192.0.2.1'), true);
      assert.equal(list.allows('junk'), true);
    }
    assert.equal(new AddressBlocks(undefined, 'x').empty, true);
  });

  const rows: [string[], string, boolean][] = [
    [['10.0.0.0/8'], '10.1.2.3', true],
    [['10.0.0.0/8'], '::ffff:10.1.2.3', true],
    [['10.0.0.0/8'], '11.1.2.3', false],
    [['10.0.0.0/8', '192.0.2.7'], '192.0.2.7', true],
    [['10.0.0.0/8', '192.0.2.7'], '192.0.2.8', false],
    // Blocks whose network is 0: an address that is not IPv4 must not read as 0.0.0.0 and match.
    [['0.0.0.0/0'], '::1', false],
    [['0.0.0.0/0'], 'junk', false],
    [['0.0.0.0/0'], '', false],
    [['0.0.0.0/8'], '0.0.0.1', true],
    [['0.0.0.0/8'], 'fe80::1', false],
    [['0.0.0.0/0'], '203.0.113.9', true],
  ];
  for (const [cidrs, address, want] of rows) {
    it(`${JSON.stringify(cidrs)} ${want ? 'allows' : 'refuses'} ${JSON.stringify(address)}, asked twice`, () => {
      const list = new AllowList(cidrs);
      assert.equal(list.active, true);
      assert.equal(list.allows(address), want);
      assert.equal(list.allows(address), want, 'the remembered answer is the same');
      const blocks = new AddressBlocks(cidrs, 'x');
      assert.equal(blocks.contains(address), want);
      assert.equal(blocks.contains(address), want);
    });
  }

  it('an empty block list remembers nothing', () => {
    const blocks = new AddressBlocks([], 'x');
    for (let i = 0; i < 50; i++) assert.equal(blocks.contains(addr(i)), false);
    assert.equal(remembered(blocks), 0);
  });

  it('remembers answers, at most 10,000 of them, and answers right across the clearing', () => {
    const blocks = new AddressBlocks(['10.0.0.0/16'], 'x');
    for (let i = 0; i < 10; i++) blocks.contains(addr(i));
    assert.equal(remembered(blocks), 10, 'each new address is remembered');
    for (let i = 10; i < 10_000; i++) blocks.contains(addr(i));
    assert.equal(remembered(blocks), 10_000);
    // Asking again for one already known is a hit: nothing is cleared.
    assert.equal(blocks.contains(addr(5)), true);
    assert.equal(remembered(blocks), 10_000);
    // The 10,001st distinct address clears the lot first.
    assert.equal(blocks.contains(addr(70_000)), false, '10.1.17.112 is outside 10.0.0.0/16');
    assert.equal(remembered(blocks), 1);
    for (let i = 0; i < 25_000; i++) {
      assert.equal(blocks.contains(addr(i)), i < 65_536);
      assert.ok(remembered(blocks) <= 10_000);
    }
    assert.equal(blocks.contains(addr(70_000)), false);
    assert.equal(blocks.contains(addr(1)), true);
  });
});

describe('per-source bucket edges', () => {
  it('at the source cap the map is cleared, and a drained source starts again full', () => {
    const clock = new FakeClock();
    const limit = new PerSourceRateLimit(1, clock, 2);
    assert.equal(limit.take('a'), true);
    assert.equal(limit.take('a'), false, 'a is drained');
    assert.equal(limit.take('b'), true);
    assert.equal(limit.take('a'), false, 'two sources, the cap, not yet past it: a is still drained');
    assert.equal(limit.take('c'), true, 'a third source clears the map');
    assert.equal(limit.take('a'), true, 'a forgotten, so full again');
  });

  it('below the source cap nothing is forgotten', () => {
    const clock = new FakeClock();
    const limit = new PerSourceRateLimit(1, clock, 3);
    assert.equal(limit.take('a'), true);
    assert.equal(limit.take('b'), true);
    assert.equal(limit.take('a'), false);
    assert.equal(limit.take('c'), true);
    assert.equal(limit.take('a'), false, 'three sources fit under a cap of three');
    assert.equal(limit.take('b'), false);
  });

  it('time that goes backwards takes no tokens away either', () => {
    const clock = new FakeClock();
    const limit = new PerSourceRateLimit(10, clock);
    assert.equal(limit.take('a'), true);
    clock.advance(-1_000);
    assert.equal([1, 2, 3, 4, 5, 6, 7, 8, 9, 10].filter(() => limit.take('a')).length, 9, 'the nine left after one');
  });
});
