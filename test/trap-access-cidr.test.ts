// CIDR blocks for the trap allow-list and relays: read strictly at config load (the problem names
// file:line, the key and the bad value) and again by the lists themselves, which never build a mask
// from a bad prefix; what loads matches exactly the addresses it says.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, parseConfigText } from '../src/config/load-config.js';
import { AddressBlocks, AllowList, CidrError } from '../src/traps/access.js';
import { ipv4, parseIpv4Cidr } from '../src/traps/cidr.js';

/** settings.traps.<key> with one block, on line 6 of lab.yaml. */
const config = (key: 'allow' | 'relays', block: string) => `sites: [{name: Lab, rows: [{name: r, racks: [r1]}]}]
settings:
  traps:
    communities: [public]
    ${key}:
      - ${JSON.stringify(block)}
`;

function problems(text: string): string[] {
  try {
    parseConfigText(text, 'lab.yaml');
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return err.problems.map((p) => `${p.file}:${p.line}: ${p.path}: ${p.message}`);
  }
  return [];
}

const VALID: [string, { net: string; prefix: number }][] = [
  ['10.0.0.0/8', { net: '10.0.0.0', prefix: 8 }],
  ['10.1.2.3', { net: '10.1.2.3', prefix: 32 }],
  ['0.0.0.0/0', { net: '0.0.0.0', prefix: 0 }],
  ['255.255.255.255/32', { net: '255.255.255.255', prefix: 32 }],
  ['192.168.7.9/24', { net: '192.168.7.0', prefix: 24 }],
  ['172.16.0.0/12', { net: '172.16.0.0', prefix: 12 }],
  ['127.0.0.1/31', { net: '127.0.0.0', prefix: 31 }],
];

const INVALID: [string, RegExp][] = [
  ['10.0.0.0/33', /the prefix must be 0–32 \(33 is not\)/],
  ['10.0.0.0/99', /the prefix must be 0–32/],
  ['300.1.1.1/8', /each of the four numbers must be 0–255 \(300 is not\)/],
  ['1.2.3.256', /0–255 \(256 is not\)/],
  ['1.2.3/8', /is not an IPv4 address or CIDR block/],
  ['1.2.3.4.5', /is not an IPv4 address or CIDR block/],
  ['1.2.3.4/-1', /is not an IPv4 address or CIDR block/],
  ['1.2.3.4/', /is not an IPv4 address or CIDR block/],
  ['1.2.3.4/8/8', /is not an IPv4 address or CIDR block/],
  ['10.0.0.0/8 ', /contains a space/],
  [' 10.0.0.0/8', /contains a space/],
  ['10.0.0.0 /8', /contains a space/],
  ['10.0.0.0/08', /no leading zeros in the prefix/],
  ['010.0.0.0/8', /no leading zeros in "010"/],
  ['10.0.0.x/8', /is not an IPv4 address or CIDR block/],
  ['0x0a.0.0.0/8', /is not an IPv4 address or CIDR block/],
  ['', /is not an IPv4 address or CIDR block/],
  ['fe80::/10', /is IPv6/],
  ['::ffff:10.0.0.0/104', /is IPv6/],
];

describe('trap CIDR blocks', () => {
  for (const key of ['allow', 'relays'] as const) {
    for (const [block] of VALID) {
      it(`traps.${key}: ${JSON.stringify(block)} loads`, () => {
        assert.deepEqual(problems(config(key, block)), []);
        assert.deepEqual(parseConfigText(config(key, block), 'lab.yaml').settings.traps[key], [block]);
      });
    }
    for (const [block, why] of INVALID) {
      it(`traps.${key}: ${JSON.stringify(block)} is refused at lab.yaml:6, naming the value`, () => {
        const found = problems(config(key, block));
        assert.equal(found.length, 1, found.join('\n'));
        assert.ok(found[0]!.startsWith(`lab.yaml:6: settings.traps.${key}[0]: ${JSON.stringify(block)} `), found[0]);
        assert.match(found[0]!, why);
      });
    }
  }

  it('a non-string block is refused with the key path', () => {
    const found = problems(config('allow', 'x').replace('- "x"', '- 42'));
    assert.equal(found.length, 1);
    assert.match(found[0]!, /^lab\.yaml:6: settings\.traps\.allow\[0\]: /);
  });

  it('no relays by default, and configs without them still load', () => {
    const loaded = parseConfigText('sites: [{name: Lab, rows: [{name: r, racks: [r1]}]}]\n', 'lab.yaml');
    assert.deepEqual(loaded.settings.traps.relays ?? [], []);
  });

  for (const [block, want] of VALID) {
    it(`${block} reads as ${want.net}/${want.prefix}`, () => {
      const parsed = parseIpv4Cidr(block);
      assert.ok(typeof parsed !== 'string', String(parsed));
      assert.equal(parsed.net, ipv4(want.net));
      assert.equal(parsed.mask, want.prefix === 0 ? 0 : (0xffffffff << (32 - want.prefix)) >>> 0);
    });
  }

  for (const [block, why] of INVALID) {
    it(`the lists, built directly, refuse ${JSON.stringify(block)} rather than build a mask from it`, () => {
      assert.throws(() => new AllowList([block]), (err: unknown) => err instanceof CidrError && err.code === 'BB_ERR_BAD_CIDR' && err.message.startsWith(`traps.allow: ${JSON.stringify(block)}`) && why.test(err.message));
      assert.throws(() => new AddressBlocks(['10.0.0.0/8', block], 'traps.relays'), (err: unknown) => err instanceof CidrError && err.message.startsWith('traps.relays: '));
    });
  }

  it('matches exactly what the blocks say', () => {
    const cases: [string[], string, boolean][] = [
      [['10.0.0.0/8'], '10.255.1.2', true],
      [['10.0.0.0/8'], '11.0.0.1', false],
      [['10.1.2.3'], '10.1.2.3', true],
      [['10.1.2.3'], '10.1.2.4', false],
      [['192.168.7.9/24'], '192.168.7.200', true],
      [['192.168.7.9/24'], '192.168.8.1', false],
      [['0.0.0.0/0'], '203.0.113.9', true],
      [['127.0.0.0/31'], '127.0.0.1', true],
      [['127.0.0.0/31'], '127.0.0.2', false],
      [['255.255.255.255/32'], '255.255.255.255', true],
      [['10.0.0.0/8', '192.168.0.0/16'], '192.168.1.1', true],
      [['10.0.0.0/8'], '::ffff:10.1.1.1', true],
      [['10.0.0.0/8'], 'not-an-address', false],
      [['10.0.0.0/8'], '10.0.0', false],
      [['10.0.0.0/8'], '10.0.0.256', false],
    ];
    for (const [blocks, address, want] of cases) {
      assert.equal(new AllowList(blocks).allows(address), want, `${blocks.join(',')} allows ${address}`);
      assert.equal(new AllowList(blocks).allows(address), new AddressBlocks(blocks, 'x').contains(address));
    }
    assert.equal(new AllowList([]).allows('203.0.113.9'), true, 'an empty allow-list allows everyone');
    assert.equal(new AddressBlocks([], 'traps.relays').contains('203.0.113.9'), false, 'no relays: nobody speaks for another device');
  });
});
