// A simulated device answers a repeated SNMPv2c request from its answer cache, byte for byte as net-snmp
// would, until its MIB is written; computed instances (sysUpTime) and other versions are never cached.
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import snmp from 'net-snmp';
import pino from 'pino';
import { integer, tlv } from '../src/snmp/ber.js';
import { SnmpDevice } from '../src/sim/snmp-device.js';
import { freeUdpPort } from './helpers/ports.js';

const ENTERPRISE = '1.3.6.1.4.1.99999';
const SYS_UPTIME = '1.3.6.1.2.1.1.3.0';
const GET = 0xa0;
const GET_BULK = 0xa5;

function oid(text: string): Buffer {
  const arcs = text.split('.').map(Number);
  const bytes = [40 * arcs[0]! + arcs[1]!];
  for (const arc of arcs.slice(2)) {
    const groups = [arc & 0x7f];
    for (let v = arc >>> 7; v > 0; v >>>= 7) groups.unshift((v & 0x7f) | 0x80);
    bytes.push(...groups);
  }
  return tlv(0x06, Buffer.from(bytes));
}

/** An SNMP request datagram, encoded by hand so the same bytes (request id included) can be sent twice. */
function request(o: { version: number; type: number; id: number; oids: string[]; nonRepeaters?: number; maxRepetitions?: number }): Buffer {
  const varbinds = tlv(0x30, Buffer.concat(o.oids.map((x) => tlv(0x30, Buffer.concat([oid(x), Buffer.from([0x05, 0x00])])))));
  const pdu = tlv(o.type, Buffer.concat([integer(o.id), integer(o.nonRepeaters ?? 0), integer(o.maxRepetitions ?? 0), varbinds]));
  return tlv(0x30, Buffer.concat([integer(o.version), tlv(0x04, Buffer.from('public')), pdu]));
}

describe('simulated agent answer cache', () => {
  let now = 1_000_000;
  let port: number;
  let device: SnmpDevice;
  const client = dgram.createSocket('udp4');
  const ask = async (datagram: Buffer): Promise<Buffer> => {
    const answer = once(client, 'message');
    client.send(datagram, port, '127.0.0.1');
    return (await answer)[0] as Buffer;
  };
  const setValue = (v: number) => device.writer.scalar({ name: 'testValue', oid: `${ENTERPRISE}.1`, type: snmp.ObjectType.Integer }, v);

  before(async () => {
    port = await freeUdpPort();
    device = new SnmpDevice({
      role: 'pdu', name: 'cache-test', address: `127.0.0.1:${port}`, credentials: { version: '2c', community: 'public' },
      system: { descr: 'test', objectId: '1.3.6.1.4.1.99999', contact: 'c', location: 'l' }, now: () => now, log: pino({ level: 'silent' }), initialUptimeMs: 0,
    });
    setValue(5);
    device.writer.scalar({ name: 'testName', oid: `${ENTERPRISE}.2`, type: snmp.ObjectType.OctetString }, 'strip-a');
    await device.start();
  });
  after(async () => {
    client.close();
    await device.stop();
  });

  it('answers a repeated GETBULK byte for byte as net-snmp did, with the request id of each', async () => {
    const bulk = { version: 1, type: GET_BULK, oids: [ENTERPRISE], maxRepetitions: 3 };
    const first = await ask(request({ ...bulk, id: 0x1234567 }));
    const hits = device.answers.hits;
    const second = await ask(request({ ...bulk, id: 0x1234567 }));
    assert.equal(device.answers.hits, hits + 1, 'the second answer comes from the cache');
    assert.deepEqual(second, first);
    const other = await ask(request({ ...bulk, id: 200 }));
    assert.equal(device.answers.hits, hits + 2);
    // Only the request id differs: an id of 200 takes two bytes (a leading zero) where 0x1234567 took four.
    assert.equal(other.length, first.length - 2);
    assert.ok(other.includes(Buffer.from('strip-a')));
  });

  it('a write to the MIB retires the kept answers', async () => {
    const session = snmp.createSession('127.0.0.1', 'public', { port, version: snmp.Version2c, retries: 0, timeout: 2_000 });
    const get = () => new Promise<unknown>((resolve, reject) => session.getBulk([ENTERPRISE], 0, 2, (err, vbs) => (err ? reject(err) : resolve((vbs![0] as snmp.Varbind[])[0]!.value))));
    try {
      assert.equal(await get(), 5);
      assert.equal(await get(), 5);
      const misses = device.answers.misses;
      setValue(7);
      assert.equal(await get(), 7);
      assert.equal(device.answers.misses, misses + 1, 'the first answer after the write is made afresh');
      assert.equal(await get(), 7);
      assert.equal(device.answers.misses, misses + 1, 'and then kept');
    } finally {
      session.close();
    }
  });

  it('a write retires only the answers that show what it changed; a new object retires every answer', async () => {
    const bulk = { version: 1, type: GET_BULK, oids: [`${ENTERPRISE}.2`], maxRepetitions: 1 }; // shows testName alone
    const first = await ask(request({ ...bulk, id: 7 }));
    const hits = device.answers.hits;
    setValue(9); // testValue is not in that answer
    assert.deepEqual(await ask(request({ ...bulk, id: 7 })), first);
    assert.equal(device.answers.hits, hits + 1, 'still answered from the cache');
    device.writer.scalar({ name: 'testLater', oid: `${ENTERPRISE}.3`, type: snmp.ObjectType.Integer }, 1); // a GETBULK may now walk into it
    await ask(request({ ...bulk, id: 7 }));
    assert.equal(device.answers.hits, hits + 1, 'a new object: made afresh');
  });

  it('never keeps an answer holding sysUpTime, nor an SNMPv1 answer', async () => {
    const uptime = async (id: number, version = 1) => {
      const [hits, misses] = [device.answers.hits, device.answers.misses];
      const answer = await ask(request({ version, type: GET, id, oids: [SYS_UPTIME] }));
      assert.equal(device.answers.hits, hits, 'not answered from the cache');
      return { answer, counted: device.answers.misses - misses };
    };
    const a = await uptime(1);
    now += 10_000; // a hundred seconds later, a thousand ticks
    const b = await uptime(1);
    assert.equal(a.counted, 1);
    assert.notDeepEqual(b.answer, a.answer, 'sysUpTime moved on');
    const v1 = await uptime(2, 0);
    assert.equal(v1.counted, 0, 'SNMPv1 goes through net-snmp untouched');
    assert.equal(v1.answer[4], 0, 'answered as version 1');
  });

  it('encodes INTEGERs in their shortest two\'s-complement form', () => {
    const cases: [number, string][] = [[0, '020100'], [127, '02017f'], [128, '02020080'], [255, '020200ff'], [256, '02020100'], [-1, '0201ff'], [-128, '020180'], [-129, '0202ff7f'], [2147483647, '02047fffffff'], [-2147483648, '020480000000']];
    for (const [n, hex] of cases) assert.equal(integer(n).toString('hex'), hex, String(n));
  });
});
