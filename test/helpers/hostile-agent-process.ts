// A child process hosting hostile and broken SNMP agents (never in a test's own process): each is a
// real net-snmp Agent serving an APC rPDU2 outlet table, behind a small UDP front that passes its
// answers on as they are, late, with another community, or with one varbind made malformed.
// argv[2]: JSON AgentSpec[]; prints one JSON line {ready: [{name, port}]} once every front listens.
import dgram from 'node:dgram';
import snmp from 'net-snmp';
import { MibWriter, type NetSnmpMib, type TableDef } from '../../src/sim/mib-writer.js';
import { readHeader, tlv } from '../../src/snmp/ber.js';
import type { AgentSpec } from './hostile-agent.js';

const OUTLETS: TableDef<'index' | 'name' | 'number' | 'state'> = {
  name: 'rPDU2OutletSwitchedStatusEntry', oid: '1.3.6.1.4.1.318.1.1.26.9.2.3.1',
  columns: {
    index: [1, 'rPDU2OutletSwitchedStatusIndex', snmp.ObjectType.Integer],
    name: [3, 'rPDU2OutletSwitchedStatusName', snmp.ObjectType.OctetString],
    number: [4, 'rPDU2OutletSwitchedStatusNumber', snmp.ObjectType.Integer],
    state: [5, 'rPDU2OutletSwitchedStatusState', snmp.ObjectType.Integer],
  },
};

function mibFor(spec: AgentSpec): NetSnmpMib {
  const mib = snmp.createMib() as NetSnmpMib;
  const w = new MibWriter(mib);
  w.scalar({ name: 'sysDescr', oid: '1.3.6.1.2.1.1.1', type: snmp.ObjectType.OctetString }, `APC Web/SNMP Management Card (${spec.name})`);
  w.scalar({ name: 'sysObjectID', oid: '1.3.6.1.2.1.1.2', type: snmp.ObjectType.OID }, '1.3.6.1.4.1.318.1.3.4.5');
  w.scalar({ name: 'sysUpTime', oid: '1.3.6.1.2.1.1.3', type: snmp.ObjectType.TimeTicks }, 12_345);
  const rows = spec.mode === 'endless' ? spec.rows ?? 20_000 : 8;
  const big = 'x'.repeat(spec.valueBytes ?? 2_500);
  for (let i = 1; i <= rows; i++) {
    // 'malformed': five-byte names, which the front turns into five-byte IpAddresses.
    const name = spec.mode === 'endless' ? big : spec.mode === 'malformed' ? `out${String(i).padStart(2, '0')}` : `outlet ${i}`;
    w.row(OUTLETS, i, { index: i, name, number: i, state: 2 });
  }
  return mib;
}

async function start(spec: AgentSpec): Promise<{ name: string; port: number }> {
  const agentSocket: { s: dgram.Socket | null } = { s: null };
  const dgramModule = { createSocket: (type: dgram.SocketType) => (agentSocket.s = dgram.createSocket(type)) };
  // net-snmp's agent takes port 0 as 161: ask the system for a free port first.
  const agentPort = await freePort();
  const agent = snmp.createAgent({ address: '127.0.0.1', port: agentPort, transport: 'udp4', dgramModule }, () => {}, mibFor(spec)) as unknown as { getAuthorizer(): { addCommunity(c: string): void } };
  agent.getAuthorizer().addCommunity(spec.community);
  await new Promise<void>((resolve, reject) => { agentSocket.s!.once('listening', () => resolve()); agentSocket.s!.once('error', reject); });

  const front = dgram.createSocket('udp4');
  const back = dgram.createSocket('udp4');
  // One back socket: answers go to the last client that asked (one poller per test).
  let last: { address: string; port: number } | null = null;
  front.on('message', (msg, rinfo) => {
    last = { address: rinfo.address, port: rinfo.port };
    back.send(msg, agentPort, '127.0.0.1');
  });
  back.on('message', (msg) => {
    const to = last;
    if (!to) return;
    const answer = spec.mode === 'community' ? withCommunity(msg, spec.answerCommunity ?? 'other')
      : spec.mode === 'malformed' ? withFiveByteIpAddresses(msg) : msg;
    const send = () => front.send(answer, to.port, to.address);
    if (spec.mode === 'slow') setTimeout(send, spec.delayMs ?? 0);
    else send();
  });
  await new Promise<void>((r) => back.bind(0, '127.0.0.1', () => r()));
  await new Promise<void>((r) => front.bind(0, spec.host, () => r()));
  return { name: spec.name, port: front.address().port };
}

async function freePort(): Promise<number> {
  const probe = dgram.createSocket('udp4');
  await new Promise<void>((r) => probe.bind(0, '127.0.0.1', () => r()));
  const { port } = probe.address();
  await new Promise<void>((r) => probe.close(() => r()));
  return port;
}

function withCommunity(msg: Buffer, community: string): Buffer {
  const outer = readHeader(msg, 0)!;
  const version = readHeader(msg, outer.body)!;
  const old = readHeader(msg, version.end)!;
  return tlv(0x30, Buffer.concat([msg.subarray(outer.body, version.end), tlv(0x04, Buffer.from(community)), msg.subarray(old.end, outer.end)]));
}
/** Every five-byte OCTET STRING value retagged as an IpAddress (same size): net-snmp refuses the whole message. */
function withFiveByteIpAddresses(msg: Buffer): Buffer {
  const copy = Buffer.from(msg);
  for (let i = 0; i + 6 < copy.length; i++) {
    // A value right after an OID that ends a varbind: 04 05 followed by five printable bytes "outNN".
    if (copy[i] === 0x04 && copy[i + 1] === 0x05 && copy.subarray(i + 2, i + 5).toString() === 'out') copy[i] = 0x40;
  }
  return copy;
}

const specs = JSON.parse(process.argv[2] ?? '[]') as AgentSpec[];
Promise.all(specs.map(start)).then((ready) => {
  process.stdout.write(`${JSON.stringify({ ready })}\n`);
}, (err: unknown) => {
  process.stderr.write(`hostile agents failed to start: ${String(err)}\n`);
  process.exit(1);
});
process.on('SIGTERM', () => process.exit(0));
// net-snmp's agent sockets do not hold the event loop: this does, until the parent stops the process.
setInterval(() => {}, 60_000);
