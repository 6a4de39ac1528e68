// The receiver's own decoder of plain v1/v2c traps against net-snmp's: on every packet the own
// decoder takes, net-snmp must read exactly the same thing. Packets: the recorded real traps as
// Debian's snmptrap encodes them (captured off a socket), traps net-snmp encodes with every value
// type at its edges, and hundreds of thousands of mutations of both.
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { before, describe, it } from 'node:test';
import snmp from 'net-snmp';
import { decodeCommunityTrap, type CommunityTrap } from '../src/traps/community-trap.js';
import { netSnmp } from './helpers/net-snmp-tools.js';
import { recordedTrapsAsSnmptrapArgs } from './helpers/recorded-traps.js';

const COMMUNITY = 'public';

/** net-snmp's receiver, fed by hand: what it makes of one packet. */
function referenceDecoder(communities: string[]) {
  const socket: Record<string, unknown> = {};
  Object.assign(socket, { bind() {}, close() {}, unref() {}, ref() {}, on: () => socket, once: () => socket, send() {}, address: () => ({ address: '127.0.0.1', port: 1 }) });
  type Outcome = { error: Error | null; pdu: Record<string, unknown> | null };
  let outcome = null as Outcome | null;
  const receiver = snmp.createReceiver({ port: 1, includeAuthentication: true, dgramModule: { createSocket: () => socket } } as unknown as Parameters<typeof snmp.createReceiver>[0],
    (error: Error | null, n: { pdu: Record<string, unknown> } | null) => { outcome = { error, pdu: n?.pdu ?? null }; });
  for (const c of communities) receiver.getAuthorizer().addCommunity(c);
  const rinfo = { address: '127.0.0.1', family: 'IPv4', port: 9, size: 0 };
  return (packet: Buffer): Outcome => {
    outcome = null;
    try {
      (receiver as unknown as { onMsg(s: unknown, b: Buffer, r: unknown): void }).onMsg(socket, packet, rinfo);
    } catch (error) {
      return { error: error as Error, pdu: null };
    }
    return outcome ?? { error: null, pdu: null };
  };
}

const reference = referenceDecoder([COMMUNITY]);

/** Asserts net-snmp agrees with the own decoder on a packet; returns whether the own decoder took it. */
function agrees(packet: Buffer): boolean {
  let mine: CommunityTrap | null;
  try {
    mine = decodeCommunityTrap(packet);
  } catch (err) {
    assert.fail(`the decoder threw on ${packet.toString('hex')}: ${(err as Error).message}`);
  }
  if (!mine) return false;
  const theirs = reference(packet);
  const hex = packet.toString('hex');
  if (mine.community !== COMMUNITY) {
    assert.match(String(theirs.error?.message), /Local community not found/, `net-snmp should refuse the community of ${hex}`);
    return true;
  }
  assert.equal(theirs.error, null, `net-snmp refused ${hex}: ${theirs.error?.message}`);
  const pdu = theirs.pdu!;
  assert.equal(pdu.type, mine.type, hex);
  assert.equal(pdu.community, mine.community, hex);
  assert.deepStrictEqual((pdu.varbinds as unknown[]).map((v) => ({ ...(v as object) })), mine.varbinds.map((v) => ({ ...v })), hex);
  if (mine.type === snmp.PduType.Trap) {
    for (const k of ['enterprise', 'agentAddr', 'generic', 'specific', 'upTime'] as const) assert.equal(pdu[k], mine[k], `${k} of ${hex}`);
  }
  return true;
}

/** Packets as net-snmp's own session encodes them, captured instead of sent. */
function encode(version: 1 | 2, community: string, send: (s: snmp.Session, done: (err?: Error | null) => void) => void): Buffer {
  let captured: Buffer | null = null;
  const fake: Record<string, unknown> = {};
  Object.assign(fake, {
    unref() {}, ref() {}, bind() {}, close() {}, on: () => fake,
    send(buf: Buffer, offset: number, length: number, _p: number, _h: string, cb: (e: Error | null) => void) { captured = Buffer.from(buf.subarray(offset, offset + length)); cb(null); },
  });
  const session = snmp.createSession('127.0.0.1', community, { version: version === 1 ? snmp.Version1 : snmp.Version2c, dgramModule: { createSocket: () => fake } } as snmp.SessionOptions);
  let failure: Error | null = null;
  send(session, (err) => { failure = err ?? null; });
  session.close();
  assert.ok(captured, `net-snmp encoded nothing: ${failure}`);
  return captured;
}

/** One BER element, definite length. */
function tlv(tag: number, content: number[]): number[] {
  const n = content.length;
  const length = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
  return [tag, ...length, ...content];
}

/** A small deterministic generator, so a failure can be reproduced. */
function random(seed: number) {
  let s = seed >>> 0;
  const next = () => ((s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 2 ** 32);
  return { next, int: (n: number) => Math.floor(next() * n), pick: <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]! };
}

function varbindsFor(r: ReturnType<typeof random>): snmp.Varbind[] {
  const T = snmp.ObjectType;
  const edgeInts = [0, 1, -1, 127, 128, -128, -129, 255, 256, 32767, -32768, 2 ** 31 - 1, -(2 ** 31)];
  const edgeUints = [0, 1, 127, 128, 255, 256, 65535, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1];
  const arcs = () => Array.from({ length: 1 + r.int(12) }, () => r.pick([0, 1, 5, 127, 128, 16383, 16384, 2 ** 21, 2 ** 28 - 1, 2 ** 31 - 1, 2 ** 32 - 1, r.int(100_000)]));
  const oid = () => `1.3.6.1.4.1.${arcs().join('.')}`;
  const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => r.int(256)));
  const makers: (() => snmp.Varbind)[] = [
    () => ({ oid: oid(), type: T.Integer, value: r.pick(edgeInts) }),
    () => ({ oid: oid(), type: T.OctetString, value: r.next() < 0.5 ? 'An outlet has turned off.'.repeat(1 + r.int(20)) : bytes(r.pick([0, 1, 127, 128, 255, 256, 1000])) }),
    () => ({ oid: oid(), type: T.OID, value: r.next() < 0.2 ? `2.${r.pick([0, 39, 40, 100])}.5` : oid() }),
    () => ({ oid: oid(), type: T.IpAddress, value: `${r.int(256)}.${r.int(256)}.${r.int(256)}.${r.int(256)}` }),
    () => ({ oid: oid(), type: r.pick([T.Counter, T.Gauge, T.TimeTicks]), value: r.pick(edgeUints) }),
    () => ({ oid: oid(), type: T.Opaque, value: bytes(r.int(20)) }),
    // As devices send it: big-endian, minimal, or padded to 8 bytes.
    () => ({ oid: oid(), type: T.Counter64, value: Buffer.from(r.pick([[0], [1], [0, 255], [1, 0], [1, 0, 0, 0, 0], [0, 0, 0, 1, 0, 0, 0, 7], [0x1f, 255, 255, 255, 255, 255, 255]])) }),
    () => ({ oid: oid(), type: r.pick([T.Null, T.NoSuchObject, T.NoSuchInstance, T.EndOfMibView]), value: null }),
  ];
  return Array.from({ length: r.int(8) }, () => r.pick(makers)());
}

describe('own v1/v2c trap decoder against net-snmp', () => {
  const recorded: Buffer[] = [];
  const generated: Buffer[] = [];

  before(async () => {
    // The recorded real traps, as Debian's snmptrap puts them on the wire.
    const socket = createSocket('udp4');
    socket.on('message', (m) => recorded.push(m));
    await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
    const target = `127.0.0.1:${socket.address().port}`;
    const all = recordedTrapsAsSnmptrapArgs();
    for (const { trapOid, args } of all) {
      const v2c = await netSnmp('snmptrap', ['-v2c', '-c', COMMUNITY, target, '', trapOid, ...args]);
      assert.equal(v2c.code, 0, v2c.stderr);
      const v1 = await netSnmp('snmptrap', ['-v1', '-c', COMMUNITY, target, '1.3.6.1.4.1.318', '10.1.2.3', '6', '42', '', ...args]);
      assert.equal(v1.code, 0, v1.stderr);
    }
    const deadline = Date.now() + 5_000;
    while (recorded.length < 2 * all.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    socket.close();
    assert.equal(recorded.length, 2 * all.length);

    const r = random(1628);
    for (let i = 0; i < 2_000; i++) {
      const community = r.next() < 0.9 ? COMMUNITY : r.pick(['private', '', 'publi', 'public ', 'pübl\u00efc']);
      const varbinds = varbindsFor(r);
      if (r.next() < 0.5) {
        generated.push(encode(2, community, (s, done) => s.trap(`1.3.6.1.4.1.318.0.${r.int(400)}`, varbinds, { upTime: r.int(2 ** 32) }, done)));
      } else {
        const generic = r.int(7);
        generated.push(encode(1, community, (s, done) => s.trap(generic === 6 ? `1.3.6.1.4.1.${r.int(60_000)}.${r.int(1000)}` : generic, varbinds,
          { upTime: r.int(2 ** 32), agentAddr: `10.${r.int(256)}.${r.int(256)}.${r.int(256)}` }, done)));
      }
    }
  });

  it('takes every recorded trap, v1 and v2c, and reads it as net-snmp does', () => {
    for (const p of recorded) assert.ok(agrees(p), `not taken: ${p.toString('hex')}`);
  });

  it('takes every trap net-snmp encodes, every value type at its edges, and reads it as net-snmp does', () => {
    for (const p of generated) assert.ok(agrees(p), `not taken: ${p.toString('hex')}`);
  });

  it('on mutated packets, either leaves the packet to net-snmp or reads it exactly as net-snmp does', () => {
    const r = random(7);
    const seeds = [...recorded, ...generated];
    let taken = 0;
    let tried = 0;
    for (let i = 0; i < 200_000; i++) {
      const p = Buffer.from(r.pick(seeds));
      const edits = 1 + r.int(3);
      let q: Buffer = p;
      for (let e = 0; e < edits; e++) {
        const at = r.int(q.length);
        const kind = r.int(5);
        if (kind === 0) q[at] = r.int(256);
        else if (kind === 1) q[at] = q[at]! ^ (1 << r.int(8));
        else if (kind === 2) q = q.subarray(0, at);
        else if (kind === 3) q = Buffer.concat([q, Buffer.from([r.int(256), r.int(256)])]);
        else q[at] = r.pick([0x00, 0x7f, 0x80, 0x81, 0x82, 0x84, 0xff]);
      }
      tried++;
      if (agrees(q)) taken++;
    }
    // The mutations that keep a packet well formed (many a changed value byte) are taken: the comparison is not empty.
    assert.ok(taken > tried / 20, `only ${taken} of ${tried} mutated packets were taken`);
  });

  it('leaves to net-snmp packets whose structure it would read differently', () => {
    // net-snmp reads varbinds to the end of the datagram, whatever the lengths say.
    const int = (n: number) => tlv(0x02, [n]);
    const varbind = (value: number[]) => tlv(0x30, [...tlv(0x06, [0x2b, 6, 1, 4, 1, 0x82, 0x3e, 2, 3, 1, 0]), ...value]);
    const packet = (pdu: number[], after: number[] = []) => Buffer.from(tlv(0x30, [...int(1), ...tlv(0x04, [...Buffer.from(COMMUNITY)]), ...pdu, ...after]));
    const plain = packet(tlv(0xa7, [...int(1), ...int(0), ...int(0), ...tlv(0x30, varbind(int(40)))]));
    assert.ok(agrees(plain), 'the plain packet is taken');
    const cases = {
      'a varbind after the PDU, inside the message': packet(tlv(0xa7, [...int(1), ...int(0), ...int(0), ...tlv(0x30, varbind(int(40)))]), varbind(int(41))),
      'a varbind after the list, inside the PDU': packet(tlv(0xa7, [...int(1), ...int(0), ...int(0), ...tlv(0x30, varbind(int(40))), ...varbind(int(41))])),
      'a third element in a varbind': packet(tlv(0xa7, [...int(1), ...int(0), ...int(0), ...tlv(0x30, tlv(0x30, [...varbind(int(40)).slice(2), ...int(41)]))])),
    };
    for (const [name, p] of Object.entries(cases)) {
      assert.equal(decodeCommunityTrap(p), null, name);
      assert.equal(reference(p).error, null, `net-snmp reads ${name}`);
    }
  });

  it('leaves v3, informs, GetRequests and non-BER bytes to net-snmp', () => {
    const inform = encode(2, COMMUNITY, (s) => s.inform('1.3.6.1.4.1.318.0.42', [], () => {}));
    assert.equal(decodeCommunityTrap(inform), null);
    const get = encode(2, COMMUNITY, (s) => s.get(['1.3.6.1.2.1.1.1.0'], () => {}));
    assert.equal(decodeCommunityTrap(get), null);
    for (const junk of [Buffer.alloc(0), Buffer.from([0x30]), Buffer.from([0x30, 0x80, 0, 0]), Buffer.from('hello world')]) assert.equal(decodeCommunityTrap(junk), null);
  });
});
