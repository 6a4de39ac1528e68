// Who a trap is about: the address a trap names for itself (snmpTrapAddress.0, RFC 3584, or the v1
// agent-addr) is believed only when a configured relay sent it. From anyone else the trap is the
// sender's own, the named address kept as a claim; the real sender (address:port) is on every
// record in GET /api/traps and in the events about it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import snmp from 'net-snmp';
import { trapsSchema } from '../src/config/schema.js';
import { waitFor } from './helpers/demo-config.js';
import { netSnmp, sessionPacket, udpFrom } from './helpers/net-snmp-tools.js';
import { startTrapHarness, type TrapHarness } from './helpers/trap-harness.js';

const PDU = '127.3.7.1';
const RELAY = '127.0.4.1';
const STRANGER = '127.0.5.1';
const OUTLET_OFF = '1.3.6.1.4.1.318.0.42';
const OUTLET_INDEX = '1.3.6.1.4.1.318.2.3.1.0';
const SNMP_TRAP_ADDRESS = '1.3.6.1.6.3.18.1.3.0';

/** outletOff for outlet 3, naming PDU in snmpTrapAddress.0, as net-snmp's session sends it. */
const namingThePdu = () => sessionPacket((s) => s.trap(OUTLET_OFF, [
  { oid: OUTLET_INDEX, type: snmp.ObjectType.Integer, value: 3 },
  { oid: SNMP_TRAP_ADDRESS, type: snmp.ObjectType.IpAddress, value: PDU },
], () => {}));

describe('trap attribution: relays', () => {
  let h: TrapHarness;
  before(async () => { h = await startTrapHarness({ communities: ['public'], relays: ['127.0.4.0/30'] }); });
  after(async () => { await h?.stop(); });

  /** Sends from `host`, returns the API's record of it and the sender's port. */
  async function sendFrom(host: string, packet: Buffer) {
    const socket = await udpFrom(host);
    try {
      const count = (await h.traps()).length;
      await socket.send(packet, h.target());
      const traps = await waitFor('the trap in GET /api/traps', async () => { const t = await h.traps(); return t.length > count && t; }, 5_000, 10);
      return { record: traps.at(-1)!, port: socket.port };
    } finally {
      socket.close();
    }
  }

  it('from a configured relay, snmpTrapAddress.0 names the device; the relay is recorded as the sender', async () => {
    const raisedBefore = h.raised.length;
    const { record, port } = await sendFrom(RELAY, namingThePdu());
    assert.equal(record.device, 'pdu-a');
    assert.equal(record.source, PDU);
    assert.equal(record.sender, `${RELAY}:${port}`);
    assert.equal(record.claimed, null);
    await waitFor('the confirming read of pdu-a', () => h.confirms.includes('pdu-a'), 5_000, 10);
    const event = await waitFor('an event about it', () => h.raised.slice(raisedBefore).find((e) => e.type === 'trap-unconfirmed'), 5_000, 10);
    assert.equal(event.subject, 'pdu-a');
    assert.ok(event.message.includes(`sent by relay ${RELAY}:${port}`), event.message);
  });

  it('from anyone else, the same trap is the sender\'s: attributed to its real address, the claim noted, pdu-a untouched', async () => {
    const confirms = h.confirms.length;
    const raisedBefore = h.raised.length;
    const { record, port } = await sendFrom(STRANGER, namingThePdu());
    assert.equal(record.device, null, 'not attributed to pdu-a');
    assert.equal(record.source, STRANGER);
    assert.equal(record.sender, `${STRANGER}:${port}`);
    assert.equal(record.claimed, PDU);
    assert.equal(record.event, 'outlet-off', 'still classified, and shown');
    const hint = await waitFor('a hint event', () => h.raised.slice(raisedBefore).find((e) => e.type === 'trap-hint'), 5_000, 10);
    assert.equal(hint.subject, STRANGER);
    assert.ok(hint.message.includes(`sent by ${STRANGER}:${port}`), hint.message);
    assert.ok(hint.message.includes(`it names ${PDU}, not believed`), hint.message);
    // Let any confirmation that would be scheduled run: none is.
    await new Promise((r) => setImmediate(r));
    assert.equal(h.confirms.length, confirms, 'no confirming read of pdu-a on a spoofed trap');
  });

  it('a v1 agent-addr is believed from a relay only', async () => {
    const v1 = (host: string) => netSnmp('snmptrap', ['-v1', '-c', 'public', `--clientaddr=${host}`, h.target(), '1.3.6.1.4.1.318', PDU, '6', '42', '', OUTLET_INDEX, 'i', '4']);
    let count = (await h.traps()).length;
    assert.equal((await v1('127.0.4.2')).code, 0);
    let record = (await waitFor('relayed v1 trap', async () => { const t = await h.traps(); return t.length > count && t; }, 5_000, 10)).at(-1)!;
    assert.deepEqual([record.version, record.device, record.source, record.claimed], ['1', 'pdu-a', PDU, null]);
    assert.match(record.sender, /^127\.0\.4\.2:\d+$/);

    count = (await h.traps()).length;
    assert.equal((await v1('127.0.5.2')).code, 0);
    record = (await waitFor('spoofed v1 trap', async () => { const t = await h.traps(); return t.length > count && t; }, 5_000, 10)).at(-1)!;
    assert.deepEqual([record.version, record.device, record.source, record.claimed], ['1', null, '127.0.5.2', PDU]);
    assert.match(record.sender, /^127\.0\.5\.2:\d+$/);
  });

  it('a device sending for itself, naming its own address or none: its own, nothing claimed', async () => {
    const count = (await h.traps()).length;
    assert.equal((await netSnmp('snmptrap', ['-v1', '-c', 'public', `--clientaddr=${PDU}`, h.target(), '1.3.6.1.4.1.318', PDU, '6', '42', '', OUTLET_INDEX, 'i', '5'])).code, 0);
    assert.equal((await netSnmp('snmptrap', ['-v2c', '-c', 'public', `--clientaddr=${PDU}`, h.target(), '', OUTLET_OFF, OUTLET_INDEX, 'i', '6'])).code, 0);
    const records = (await waitFor('both traps', async () => { const t = await h.traps(); return t.length >= count + 2 && t; }, 5_000, 10)).slice(count);
    for (const r of records) {
      assert.deepEqual([r.device, r.source, r.claimed], ['pdu-a', PDU, null]);
      assert.match(r.sender, /^127\.3\.7\.1:\d+$/);
    }
  });

  it('relays can change without a restart: the former relay is no longer believed', async () => {
    await h.service.reconfigure(trapsSchema.parse({ address: '127.0.0.1', port: 0, communities: ['public'], relays: [] }));
    const { record } = await sendFrom(RELAY, namingThePdu());
    assert.deepEqual([record.device, record.source, record.claimed], [null, RELAY, PDU]);
  });
});
