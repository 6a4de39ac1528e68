// Every reason the trap receiver refuses a datagram, one row each, with real packets from Net-SNMP's
// tools or net-snmp's session over loopback: the packet is counted under exactly its reason (as
// GET /api/traps/stats shows) and nothing of it reaches the pipeline. Each row sends from its own
// loopback address, and time stands still (FakeClock), so the per-source rate is exact.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import snmp from 'net-snmp';
import pino from 'pino';
import { FakeClock } from '../src/clock.js';
import { trapsSchema } from '../src/config/schema.js';
import { TrapReceiver, type DropReason } from '../src/traps/trap-receiver.js';
import type { IncomingTrap } from '../src/traps/trap-types.js';
import { waitFor } from './helpers/demo-config.js';
import { netSnmp, sessionPacket, udpFrom } from './helpers/net-snmp-tools.js';

const OUTLET_OFF = '1.3.6.1.4.1.318.0.42';
/** A trap the test's handler throws on: what happens when handling one fails. */
const POISON = '1.3.6.1.4.1.99999.0.666';
const ENGINE = '0x8000000001020304';
const v3 = (user: string, authKey: string, privKey: string) =>
  ['-v3', '-u', user, '-l', 'authPriv', '-a', 'SHA', '-A', authKey, '-x', 'AES', '-X', privKey, '-e', ENGINE];
const from = (host: string) => `--clientaddr=${host}`;

async function snmptrap(args: string[]): Promise<void> {
  const r = await netSnmp('snmptrap', args);
  assert.equal(r.code, 0, r.stderr);
}

async function sendRaw(host: string, target: string, packets: Buffer[], acks = 0): Promise<void> {
  const socket = await udpFrom(host);
  try {
    for (const [i, p] of packets.entries()) {
      await socket.send(p, target);
      // An inform sent again only after its acknowledgement, as a sender whose acknowledgement was lost would.
      if (acks) await waitFor(`acknowledgement ${i + 1}`, () => socket.replies.length >= Math.min(i + 1, acks), 5_000, 10);
    }
  } finally {
    socket.close();
  }
}

interface Row {
  reason: DropReason;
  /** What is sent, and from where. */
  send: (target: string) => Promise<void>;
  /** Traps of it that are accepted (a repeated inform and a burst over the rate are partly accepted). */
  accepted: number;
}

const ROWS: Row[] = [
  { reason: 'not-allowed', accepted: 0, send: (t) => snmptrap(['-v2c', '-c', 'public', from('127.0.2.1'), t, '', OUTLET_OFF]) },
  {
    reason: 'rate-limited', accepted: 2,
    send: async (t) => { for (let i = 0; i < 3; i++) await snmptrap(['-v2c', '-c', 'public', from('127.0.1.2'), t, '', OUTLET_OFF]); },
  },
  {
    reason: 'oversized', accepted: 0,
    send: (t) => snmptrap(['-v2c', '-c', 'public', from('127.0.1.3'), t, '', OUTLET_OFF, '1.3.6.1.4.1.318.2.3.3.0', 's', 'x'.repeat(17_000)]),
  },
  {
    reason: 'malformed', accepted: 0,
    send: (t) => {
      const trap = sessionPacket((s) => s.trap(OUTLET_OFF, [], () => {}));
      return sendRaw('127.0.1.4', t, [trap.subarray(0, trap.length - 5)]);
    },
  },
  { reason: 'unknown-community', accepted: 0, send: (t) => snmptrap(['-v2c', '-c', 'not-our-community', from('127.0.1.5'), t, '', OUTLET_OFF]) },
  { reason: 'unknown-user', accepted: 0, send: (t) => snmptrap([...v3('stranger', 'authpass123', 'privpass123'), from('127.0.1.6'), t, '', OUTLET_OFF]) },
  { reason: 'auth-failed', accepted: 0, send: (t) => snmptrap([...v3('trapuser', 'wrong-auth-456', 'privpass123'), from('127.0.1.7'), t, '', OUTLET_OFF]) },
  { reason: 'decrypt-failed', accepted: 0, send: (t) => snmptrap([...v3('trapuser', 'authpass123', 'wrong-priv-789'), from('127.0.1.8'), t, '', OUTLET_OFF]) },
  {
    // A GetRequest is not a notification: the receiver answers v3 discovery only.
    reason: 'unsupported', accepted: 0,
    send: async (t) => { await netSnmp('snmpget', ['-v2c', '-c', 'public', '-t', '1', '-r', '0', from('127.0.1.9'), t, '1.3.6.1.2.1.1.1.0']); },
  },
  {
    reason: 'repeated-inform', accepted: 1,
    send: (t) => {
      const inform = sessionPacket((s) => s.inform(OUTLET_OFF, [], () => {}));
      return sendRaw('127.0.1.10', t, [inform, inform], 2);
    },
  },
  { reason: 'other', accepted: 0, send: (t) => snmptrap(['-v2c', '-c', 'public', from('127.0.1.11'), t, '', POISON]) },
];

describe('trap drop reasons', () => {
  const clock = new FakeClock();
  const got: IncomingTrap[] = [];
  const logLines: string[] = [];
  let receiver: TrapReceiver;
  let target = '';

  before(async () => {
    const settings = trapsSchema.parse({
      address: '127.0.0.1', port: 0, communities: ['public'], allow: ['127.0.1.0/24'], perSourceRate: 2,
      users: [{ user: 'trapuser', authProtocol: 'sha', authKey: 'authpass123', privProtocol: 'aes', privKey: 'privpass123' }],
    });
    const log = pino({ level: 'warn' }, { write: (line: string) => { logLines.push(line); } });
    receiver = new TrapReceiver(settings, (t) => {
      if (t.trapOid === POISON) throw new Error('handler failed');
      got.push(t);
    }, log, clock);
    target = `127.0.0.1:${await receiver.start()}`;
  });
  after(async () => { await receiver?.stop(); });

  it('the table covers every drop reason the receiver counts', () => {
    const all: Record<DropReason, true> = {
      'not-allowed': true, 'rate-limited': true, oversized: true, malformed: true, 'unknown-community': true, 'unknown-user': true,
      'auth-failed': true, 'decrypt-failed': true, unsupported: true, 'repeated-inform': true, other: true,
    };
    assert.deepEqual(ROWS.map((r) => r.reason).sort(), Object.keys(all).sort());
  });

  for (const row of ROWS) {
    it(`${row.reason}: counted under its reason alone, nothing of it handed on`, async () => {
      const dropped = { ...receiver.stats.dropped };
      const accepted = receiver.stats.accepted;
      const handed = got.length;
      await row.send(target);
      await waitFor(`a drop counted as ${row.reason}`, () => (receiver.stats.dropped[row.reason] ?? 0) > (dropped[row.reason] ?? 0), 5_000, 10);
      assert.deepEqual(receiver.stats.dropped, { ...dropped, [row.reason]: (dropped[row.reason] ?? 0) + 1 }, 'one drop, under this reason only');
      assert.equal(receiver.stats.accepted - accepted, row.accepted);
      if (row.reason !== 'other') assert.equal(got.length - handed, row.accepted, 'the pipeline got only what was accepted');
      assert.match(logLines.join('\n'), new RegExp(`dropped: ${row.reason}`));
    });
  }

  it('no drop logs a community or a key', () => {
    const log = logLines.join('\n');
    for (const secret of ['not-our-community', 'public', 'authpass123', 'privpass123', 'wrong-auth-456', 'wrong-priv-789']) {
      assert.ok(!log.includes(secret), `the log holds ${secret}`);
    }
  });
});

describe('per-source rate in fake time', () => {
  it('a burst up to the rate passes, the rest waits for time to pass, and each source has its own bucket', async () => {
    const clock = new FakeClock();
    const got: IncomingTrap[] = [];
    const r = new TrapReceiver(trapsSchema.parse({ address: '127.0.0.1', port: 0, communities: ['public'], perSourceRate: 2 }), (t) => got.push(t), pino({ level: 'silent' }), clock);
    const target = `127.0.0.1:${await r.start()}`;
    const packet = sessionPacket((s) => s.trap(OUTLET_OFF, [], () => {}), { version: snmp.Version2c });
    const burst = async (host: string, n: number) => {
      const seen = r.stats.received;
      await sendRaw(host, target, Array.from({ length: n }, () => packet));
      await waitFor(`${n} datagrams`, () => r.stats.received >= seen + n, 5_000, 10);
    };
    try {
      await burst('127.0.3.1', 5);
      assert.deepEqual([got.length, r.stats.dropped['rate-limited']], [2, 3], 'a burst of 5 at 2/s: 2 pass');
      await burst('127.0.3.2', 2);
      assert.equal(got.length, 4, 'another source has its own bucket');
      clock.advance(499);
      await burst('127.0.3.1', 1);
      assert.equal(got.length, 4, 'half a second at 2/s is not yet one more');
      clock.advance(1);
      await burst('127.0.3.1', 1);
      assert.equal(got.length, 5, 'after 500 ms, one more');
      clock.advance(60_000);
      await burst('127.0.3.1', 3);
      assert.equal(got.length, 7, 'a long quiet refills to one second\'s worth, no more');
      assert.ok(got.every((t) => t.receivedAt >= Date.UTC(2026, 0, 1) && t.receivedAt <= clock.now()), 'received-at from the injected clock');
    } finally {
      await r.stop();
    }
  });
});
