// A device that sends a broken value stays a reachable device with one untrusted value.
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { after, before, describe, it } from 'node:test';
import type { Profile } from '../src/profiles/profile.js';
import { readDevice } from '../src/profiles/read-device.js';
import { NetSnmpClient } from '../src/snmp/snmp-client.js';
import { retypeZeroLengthIntegers } from '../src/snmp/tolerant-dgram.js';

// Minimal BER, enough to answer one GET the way a broken agent does.
const tlv = (tag: number, body: Buffer) => Buffer.concat([Buffer.from([tag, body.length]), body]);
const oid = (s: string) => {
  const p = s.split('.').map(Number);
  const bytes = [40 * p[0]! + p[1]!];
  for (const x of p.slice(2)) {
    const enc = [x & 0x7f];
    for (let v = x >> 7; v; v >>= 7) enc.unshift((v & 0x7f) | 0x80);
    bytes.push(...enc);
  }
  return tlv(0x06, Buffer.from(bytes));
};
const POWER = '1.3.6.1.4.1.99999.1.1.0'; // answered with a zero-length INTEGER
const MODEL = '1.3.6.1.4.1.99999.1.2.0'; // answered with "PX-1"
const VOLTS = '1.3.6.1.4.1.99999.1.3.0'; // answered with 230

/** Answers every GET (v2c) with the three values above and the system group, echoing the request id. */
function brokenAgent(): dgram.Socket {
  const sock = dgram.createSocket('udp4');
  sock.on('message', (msg, rinfo) => {
    const pdu = msg.indexOf(0xa0, 5);
    const reqId = msg.subarray(pdu + 2, pdu + 4 + msg[pdu + 3]!);
    const vbs = Buffer.concat([
      tlv(0x30, Buffer.concat([oid(POWER), Buffer.from([0x02, 0x00])])),
      tlv(0x30, Buffer.concat([oid(MODEL), tlv(0x04, Buffer.from('PX-1'))])),
      tlv(0x30, Buffer.concat([oid(VOLTS), tlv(0x02, Buffer.from([0x00, 0xe6]))])),
      // the system group every read asks for: sysObjectID, sysUpTime (TimeTicks 100)
      tlv(0x30, Buffer.concat([oid('1.3.6.1.2.1.1.2.0'), oid('1.3.6.1.4.1.99999')])),
      tlv(0x30, Buffer.concat([oid('1.3.6.1.2.1.1.3.0'), tlv(0x43, Buffer.from([100]))])),
    ]);
    const response = tlv(0xa2, Buffer.concat([reqId, tlv(0x02, Buffer.from([0])), tlv(0x02, Buffer.from([0])), tlv(0x30, vbs)]));
    sock.send(tlv(0x30, Buffer.concat([tlv(0x02, Buffer.from([1])), tlv(0x04, Buffer.from('public')), response])), rinfo.port, rinfo.address);
  });
  return sock;
}

const profile: Profile = {
  name: 'test-broken', vendor: 'Test', kind: 'pdu', mibs: ['none'], detect: { sysObjectId: [], probe: [] },
  identity: { model: [{ oid: MODEL, type: 'string' }] },
  device: { power: [{ oid: POWER, type: 'number', min: 0 }] },
  inlets: [{ entity: 1, scalars: { voltage: { oid: VOLTS, type: 'number', min: 0, max: 600 } } }],
};

describe('bad data from a device', () => {
  const agent = brokenAgent();
  let port = 0;
  before(async () => {
    await new Promise<void>((r) => agent.bind(0, '127.0.0.1', () => r()));
    port = agent.address().port;
  });
  after(() => agent.close());

  it('a zero-length INTEGER is one implausible value, not a dead device', async () => {
    const client = new NetSnmpClient({ host: '127.0.0.1', port, credentials: { version: '2c', community: 'public' }, timeoutMs: 1_000, retries: 0 });
    try {
      const result = await readDevice(client, profile);
      assert.ok(result.ok, result.ok ? '' : result.error);
      assert.deepEqual(result.value.power, { value: null, quality: 'implausible' });
      assert.equal(result.value.badValues, 1);
      assert.equal(result.value.identity.model, 'PX-1');
      assert.equal(result.value.inlets[0]!.voltage.value, 230);
      assert.deepEqual([result.value.sysObjectId, result.value.upTime.value], ['1.3.6.1.4.1.99999', 1]);
    } finally {
      client.close();
    }
  });

  it('leaves well-formed and v3 messages untouched', () => {
    const ok = Buffer.from('302902010104067075626c6963a21c0204000000010201000201003010300e06082b060102010103004302303a', 'hex');
    assert.equal(retypeZeroLengthIntegers(ok), ok);
    const truncated = ok.subarray(0, 20);
    assert.equal(retypeZeroLengthIntegers(truncated), truncated);
  });
});
