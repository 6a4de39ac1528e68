// 100,000 random and mutated packets at the trap receiver: every one counted and dropped or handled,
// nothing thrown, and a valid trap afterwards still gets through. Loopback only, bounded.
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { describe, it } from 'node:test';
import snmp from 'net-snmp';
import pino from 'pino';
import { trapsSchema } from '../src/config/schema.js';
import { TrapReceiver } from '../src/traps/trap-receiver.js';
import type { IncomingTrap } from '../src/traps/trap-types.js';
import { waitFor } from './helpers/demo-config.js';

const PACKETS = 100_000;
const USER = { name: 'fuzzer', level: snmp.SecurityLevel.authPriv, authProtocol: snmp.AuthProtocols.sha, authKey: 'authpass123', privProtocol: snmp.PrivProtocols.aes, privKey: 'privpass123' };

/** Real traps as net-snmp encodes them (v1, v2c, v2c inform, v3 authPriv), captured off the wire. */
async function capture(): Promise<Buffer[]> {
  const sink = dgram.createSocket('udp4');
  const got: Buffer[] = [];
  sink.on('message', (m) => got.push(m));
  await new Promise<void>((r) => sink.bind(0, '127.0.0.1', () => r()));
  const port = sink.address().port;
  const varbinds = [{ oid: '1.3.6.1.4.1.318.2.3.1.0', type: snmp.ObjectType.Integer, value: 3 }, { oid: '1.3.6.1.4.1.318.2.3.3.0', type: snmp.ObjectType.OctetString, value: 'An outlet has turned off.' }];
  const sessions = [
    snmp.createSession('127.0.0.1', 'public', { trapPort: port, version: snmp.Version1 }),
    snmp.createSession('127.0.0.1', 'public', { trapPort: port, version: snmp.Version2c }),
    snmp.createV3Session('127.0.0.1', USER, { trapPort: port, version: snmp.Version3, engineID: '8000000001020304' }),
  ];
  for (const s of sessions) {
    s.on('error', () => {});
    s.trap('1.3.6.1.4.1.318.0.42', varbinds, () => {});
  }
  await waitFor('captured', () => got.length >= 3, 5_000, 10);
  for (const s of sessions) s.close();
  sink.close();
  return got;
}

/** A deterministic generator, so a failure can be replayed. */
function rng(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    return x / 2 ** 32;
  };
}

function mutate(base: Buffer, r: () => number): Buffer {
  const kind = Math.floor(r() * 7);
  const out = Buffer.from(base);
  switch (kind) {
    case 0: { // random bytes of random length
      const b = Buffer.alloc(1 + Math.floor(r() * 600));
      for (let i = 0; i < b.length; i++) b[i] = Math.floor(r() * 256);
      return b;
    }
    case 1: return out.subarray(0, Math.floor(r() * out.length)); // truncated
    case 2: { // bit flips
      for (let n = 1 + Math.floor(r() * 8); n > 0; n--) {
        const i = Math.floor(r() * out.length);
        out[i] = out[i]! ^ (1 << Math.floor(r() * 8));
      }
      return out;
    }
    case 3: { // a length byte replaced
      out[1 + Math.floor(r() * Math.min(40, out.length - 1))] = Math.floor(r() * 256);
      return out;
    }
    case 4: { // wrong version
      const v = out.indexOf(0x02, 0);
      if (v >= 0 && v + 2 < out.length) out[v + 2] = Math.floor(r() * 256);
      return out;
    }
    case 5: return Buffer.concat([out, Buffer.alloc(Math.floor(r() * 20_000), 0x30)]); // oversized
    default: { // a random slice spliced in
      const at = Math.floor(r() * out.length);
      const junk = Buffer.alloc(Math.floor(r() * 30));
      for (let i = 0; i < junk.length; i++) junk[i] = Math.floor(r() * 256);
      return Buffer.concat([out.subarray(0, at), junk, out.subarray(at)]);
    }
  }
}

describe('trap receiver under fuzzing', () => {
  it(`survives ${PACKETS.toLocaleString('en')} random and mutated packets, then handles a valid trap`, async () => {
    const bases = await capture();
    const received: IncomingTrap[] = [];
    const escaped: unknown[] = [];
    const onUncaught = (err: unknown) => escaped.push(err);
    process.on('uncaughtException', onUncaught);
    const receiver = new TrapReceiver(trapsSchema.parse({
      address: '127.0.0.1', port: 0, communities: ['public'], perSourceRate: 1e9,
      users: [{ user: 'fuzzer', authProtocol: 'sha', authKey: 'authpass123', privProtocol: 'aes', privKey: 'privpass123' }],
    }), (t) => received.push(t), pino({ level: 'silent' }));
    const port = await receiver.start();
    const sender = dgram.createSocket('udp4');
    try {
      const r = rng(20261129);
      let sent = 0;
      while (sent < PACKETS) {
        // Paced in bursts so the kernel keeps most of them; what it drops is not the receiver's doing.
        for (let i = 0; i < 200 && sent < PACKETS; i++, sent++) sender.send(mutate(bases[sent % bases.length]!, r), port, '127.0.0.1');
        await new Promise((res) => setTimeout(res, 10));
      }
      // The receiver has taken every datagram the kernel kept once its count stops moving. How many the
      // kernel kept depends on the machine's load (a busy CI host drops more), not on the receiver.
      let seen = -1;
      await waitFor('the receiver to drain its queue', () => {
        const now = receiver.stats.received;
        const still = now === seen && now > 0;
        seen = now;
        return still;
      }, 30_000, 300).catch((e: Error) => { throw new Error(`${e.message} ${JSON.stringify(receiver.stats)}`); });
      const s = receiver.stats;
      const dropped = Object.values(s.dropped).reduce((a, b) => a + (b ?? 0), 0);
      assert.ok(s.received >= PACKETS / 2, `received ${s.received} of ${PACKETS}: most of the fuzz reached the receiver`);
      // Every packet is either accepted (a mutation that is still a valid trap) or dropped with a reason.
      assert.ok(s.accepted + dropped >= s.received * 0.99, `accounted ${s.accepted + dropped} of ${s.received}: ${JSON.stringify(s.dropped)}`);
      assert.ok((s.dropped.malformed ?? 0) > PACKETS / 10, 'malformed packets are counted');
      assert.ok((s.dropped.oversized ?? 0) > 0, 'oversized packets are counted');
      assert.deepEqual(escaped, [], 'nothing escaped as an uncaught exception');

      const before = received.length;
      sender.send(bases[1]!, port, '127.0.0.1'); // the valid v2c trap
      await waitFor('the valid trap', () => received.length > before, 5_000, 10);
      assert.equal(received.at(-1)!.trapOid, '1.3.6.1.4.1.318.0.42');
    } finally {
      process.off('uncaughtException', onUncaught);
      sender.close();
      await receiver.stop();
    }
  });
});
