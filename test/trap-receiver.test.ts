// The trap receiver against Net-SNMP's own senders: v1, v2c, v3 authPriv traps, v2c and v3 informs, and what it refuses.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createSocket } from 'node:dgram';
import pino from 'pino';
import { trapsSchema } from '../src/config/schema.js';
import { TrapReceiver } from '../src/traps/trap-receiver.js';
import type { IncomingTrap } from '../src/traps/trap-types.js';
import { waitFor } from './helpers/demo-config.js';
import { netSnmp, sessionPacket } from './helpers/net-snmp-tools.js';

const OUTLET_OFF = '1.3.6.1.4.1.318.0.42';
const MTRAPARGS_INTEGER = '1.3.6.1.4.1.318.2.3.1.0';
const V3 = (user: string, auth: string, authKey: string, engine: string) =>
  ['-v3', '-u', user, '-l', 'authPriv', '-a', auth, '-A', authKey, '-x', 'AES', '-X', 'privpass123', '-e', engine];

describe('trap receiver', () => {
  const received: IncomingTrap[] = [];
  let receiver: TrapReceiver;
  let target = '';
  const logLines: string[] = [];
  before(async () => {
    const settings = trapsSchema.parse({
      address: '127.0.0.1', port: 0, communities: ['public'], allow: ['127.0.0.1/32'],
      users: [
        { user: 'trapuser', authProtocol: 'sha', authKey: 'authpass123', privProtocol: 'aes', privKey: 'privpass123' },
        { user: 'sha256user', authProtocol: 'sha256', authKey: 'authpass123', privProtocol: 'aes', privKey: 'privpass123' },
      ],
    });
    const log = pino({ level: 'warn' }, { write: (line: string) => { logLines.push(line); } });
    receiver = new TrapReceiver(settings, (t) => received.push(t), log);
    const port = await receiver.start();
    target = `127.0.0.1:${port}`;
  });
  after(async () => { await receiver?.stop(); });
  const last = () => received.at(-1)!;
  const next = async (n: number) => waitFor(`trap ${n}`, () => received.length >= n, 5_000, 20);

  it('v2c trap: trap OID and varbinds, the sender as source', async () => {
    const r = await netSnmp('snmptrap', ['-v2c', '-c', 'public', target, '', OUTLET_OFF, MTRAPARGS_INTEGER, 'i', '3']);
    assert.equal(r.code, 0, r.stderr);
    await next(1);
    assert.equal(last().version, '2c');
    assert.equal(last().trapOid, OUTLET_OFF);
    assert.equal(last().source, '127.0.0.1');
    assert.ok(last().sourcePort > 0 && last().sourcePort !== Number(target.split(':')[1]), 'the sender\'s own port');
    assert.deepEqual(last().varbinds, [{ oid: MTRAPARGS_INTEGER, type: 2, value: 3 }]);
  });

  it('v1 trap: converted to its v2 OID (RFC 3584), with the agent address', async () => {
    await netSnmp('snmptrap', ['-v1', '-c', 'public', target, '1.3.6.1.4.1.318', '127.3.7.1', '6', '42', '', MTRAPARGS_INTEGER, 'i', '5']);
    await next(2);
    assert.equal(last().version, '1');
    assert.equal(last().trapOid, OUTLET_OFF);
    assert.equal(last().agentAddress, '127.3.7.1');
    await netSnmp('snmptrap', ['-v1', '-c', 'public', target, '1.3.6.1.4.1.318', '127.3.7.1', '0', '0', '']);
    await next(3);
    assert.equal(last().trapOid, '1.3.6.1.6.3.1.1.5.1', 'generic coldStart');
  });

  it('v3 authPriv traps from two users (SHA with AES, SHA-256 with AES)', async () => {
    await netSnmp('snmptrap', [...V3('trapuser', 'SHA', 'authpass123', '0x8000000001020304'), target, '', OUTLET_OFF, MTRAPARGS_INTEGER, 'i', '7']);
    await next(4);
    assert.equal(last().version, '3');
    assert.equal(last().user, 'trapuser');
    assert.equal(last().varbinds[0]!.value, 7);
    await netSnmp('snmptrap', [...V3('sha256user', 'SHA-256', 'authpass123', '0x8000000001020305'), target, '', OUTLET_OFF]);
    await next(5);
    assert.equal(last().user, 'sha256user');
  });

  it('v2c and v3 informs are acknowledged', async () => {
    const v2 = await netSnmp('snmpinform', ['-v2c', '-c', 'public', '-t', '2', '-r', '1', target, '', '1.3.6.1.4.1.318.0.5']);
    assert.equal(v2.code, 0, `snmpinform v2c not acknowledged: ${v2.stderr}`);
    const v3 = await netSnmp('snmpinform', ['-v3', '-u', 'trapuser', '-l', 'authPriv', '-a', 'SHA', '-A', 'authpass123', '-x', 'AES', '-X', 'privpass123', '-t', '2', '-r', '1', target, '', '1.3.6.1.4.1.318.0.5']);
    assert.equal(v3.code, 0, `snmpinform v3 not acknowledged: ${v3.stderr}`);
    await next(7);
    assert.ok(received.slice(-2).every((t) => t.inform));
    assert.equal(receiver.stats.informs, 2);
  });

  it('drops and counts a wrong community, a wrong v3 key and a disallowed source, never logging the secret', async () => {
    const before = received.length;
    await netSnmp('snmptrap', ['-v2c', '-c', 'not-our-community', target, '', OUTLET_OFF]);
    await netSnmp('snmptrap', [...V3('trapuser', 'SHA', 'wrong-key-456', '0x8000000001020304'), target, '', OUTLET_OFF]);
    await netSnmp('snmptrap', ['-v2c', '-c', 'public', '--clientaddr=127.0.0.9', target, '', OUTLET_OFF]);
    await waitFor('three drops', () => (receiver.stats.dropped['unknown-community'] ?? 0) >= 1 && (receiver.stats.dropped['auth-failed'] ?? 0) >= 1 && (receiver.stats.dropped['not-allowed'] ?? 0) >= 1, 5_000, 20);
    assert.equal(received.length, before, 'nothing refused reached the pipeline');
    const log = logLines.join('\n');
    assert.match(log, /trap from 127\.0\.0\.9 dropped: not-allowed/);
    assert.match(log, /dropped: unknown-community/);
    for (const secret of ['not-our-community', 'wrong-key-456', 'authpass123', 'privpass123']) assert.ok(!log.includes(secret), `log contains ${secret}`);
  });

  it('v2c trap: every value type snmptrap sends, decoded (a small Counter64 arrives in one byte; binary strings as hex)', async () => {
    const e = '1.3.6.1.4.1.99999.1.';
    const before = received.length;
    const r = await netSnmp('snmptrap', ['-v2c', '-c', 'public', target, '', OUTLET_OFF,
      `${e}1`, 'i', '-5', `${e}2`, 'u', '4294967295', `${e}3`, 'c', '7', `${e}4`, 'C', '5', `${e}5`, 't', '12345', `${e}6`, 'a', '10.1.2.3',
      `${e}7`, 'o', '1.3.6.1.4.1.318', `${e}8`, 's', 'Outlet 3 ÄÖ', `${e}9`, 'x', '414243', `${e}10`, 'C', '1099511627776', `${e}11`, 'x', '07EA0B1D0F1E0000', `${e}12`, 'x', '001A2BFF']);
    assert.equal(r.code, 0, r.stderr);
    await next(before + 1);
    assert.deepEqual(last().varbinds.map((v) => [v.oid.slice(e.length), v.type, v.value]), [
      ['1', 2, -5], ['2', 66, 4294967295], ['3', 65, 7], ['4', 70, 5], ['5', 67, 12345], ['6', 64, '10.1.2.3'],
      ['7', 6, '1.3.6.1.4.1.318'], ['8', 4, 'Outlet 3 ÄÖ'], ['9', 4, 'ABC'], ['10', 70, 1099511627776],
      // Binary values (a DateAndTime, a MAC-like string with a byte that is not UTF-8) as hex.
      ['11', 4, '07 EA 0B 1D 0F 1E 00 00'], ['12', 4, '00 1A 2B FF'],
    ]);
  });

  it('a relayed trap names its device in snmpTrapAddress.0; the original community in snmpTrapCommunity.0 is not kept', async () => {
    const before = received.length;
    const r = await netSnmp('snmptrap', ['-v2c', '-c', 'public', target, '', OUTLET_OFF, MTRAPARGS_INTEGER, 'i', '4',
      '1.3.6.1.6.3.18.1.3.0', 'a', '127.3.7.1', '1.3.6.1.6.3.18.1.4.0', 's', 'the-pdus-own-community']);
    assert.equal(r.code, 0, r.stderr);
    await next(before + 1);
    assert.equal(last().source, '127.0.0.1');
    assert.equal(last().agentAddress, '127.3.7.1');
    assert.equal(last().relayed, false, 'the sender is not a configured relay (test/trap-relays.test.ts)');
    assert.ok(!JSON.stringify(last()).includes('the-pdus-own-community'), 'the relayed community is dropped');
    assert.deepEqual(last().varbinds.map((v) => v.oid), [MTRAPARGS_INTEGER, '1.3.6.1.6.3.18.1.3.0']);
  });

  it('an inform sent again (its acknowledgement lost) is acknowledged again but counted once', async () => {
    // The inform's bytes, as net-snmp's session puts them on the wire, sent twice from one socket.
    const packet = sessionPacket((session) => session.inform('1.3.6.1.4.1.318.0.5', [], () => {}));
    const socket = createSocket('udp4');
    const acks: Buffer[] = [];
    socket.on('message', (m) => acks.push(m));
    await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
    try {
      const before = received.length;
      const informs = receiver.stats.informs;
      const [host, port] = target.split(':');
      socket.send(packet, Number(port), host);
      await waitFor('first acknowledgement', () => acks.length === 1, 5_000, 10);
      socket.send(packet, Number(port), host);
      await waitFor('second acknowledgement', () => acks.length === 2, 5_000, 10);
      assert.equal(received.length, before + 1, 'one trap');
      assert.equal(receiver.stats.informs, informs + 1);
      assert.equal(receiver.stats.dropped['repeated-inform'], 1);
    } finally {
      socket.close();
    }
  });
});
