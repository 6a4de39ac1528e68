import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareOids, parseAddress } from '../src/snmp/snmp-client.js';

describe('snmp client helpers', () => {
  it('orders OIDs numerically, sub-identifier by sub-identifier', () => {
    const cases: [string, string, number][] = [
      ['1.3.6.1.9', '1.3.6.1.10', -1], ['1.3.6.1.10', '1.3.6.1.9', 1], ['1.3.6.1', '1.3.6.1.0', -1],
      ['1.3.6.1.2', '1.3.6.1.2', 0], ['1.3.6.1.25.3', '1.3.6.1.3.25', 1], ['1.2.100', '1.2.99.1', 1], ['1.2.19', '1.2.2', 1],
    ];
    for (const [a, b, sign] of cases) assert.equal(Math.sign(compareOids(a, b)), sign, `${a} vs ${b}`);
  });
  it('parses addresses with and without a port', () => {
    assert.deepEqual(parseAddress('10.0.0.1'), { host: '10.0.0.1', port: 161 });
    assert.deepEqual(parseAddress('127.3.7.1:1161'), { host: '127.3.7.1', port: 1161 });
  });
});
