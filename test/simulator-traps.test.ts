// The simulator's traps: what a real APC rack PDU would send for each fault, caught by a net-snmp
// receiver, each from the simulated PDU's own address (the receiver attributes traps by UDP source).
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import snmp from 'net-snmp';
import pino from 'pino';
import { configSchema, type Config, type ConfigInput } from '../src/config/schema.js';
import { TrapSender } from '../src/sim/trap-sender.js';
import { Simulator, trapTargetFromSettings } from '../src/sim/simulator.js';
import { freeUdpPort } from './helpers/ports.js';
import { packageRoot } from '../src/paths.js';

// Free ports: agents on PORT, the trap receiver on TRAP_PORT.
const PORT = await freeUdpPort();
const TRAP_PORT = await freeUdpPort();

const A_HOST = '127.9.0.1';
const B_HOST = '127.9.0.2';
const C_HOST = '127.9.0.3';

const APC = '1.3.6.1.4.1.318';
const TRAP = {
  outletOn: `${APC}.0.41`,
  outletOff: `${APC}.0.42`,
  bankLowLoad: `${APC}.0.222`,
  bankLowLoadCleared: `${APC}.0.223`,
  bankNearOverload: `${APC}.0.224`,
  bankNearOverloadCleared: `${APC}.0.225`,
  nearOverload: `${APC}.0.274`,
  nearOverloadCleared: `${APC}.0.275`,
  outletOverload: `${APC}.0.634`,
  outletOverloadCleared: `${APC}.0.635`,
  coldStart: '1.3.6.1.6.3.1.1.5.1',
};
const SYS_UPTIME = '1.3.6.1.2.1.1.3.0';
const SNMP_TRAP_OID = '1.3.6.1.6.3.1.1.4.1.0';
const SNMP_TRAP_ENTERPRISE = '1.3.6.1.6.3.1.1.4.3.0';
const MTRAPARGS_INTEGER = `${APC}.2.3.1.0`;
const MTRAPARGS_STRING = `${APC}.2.3.3.0`;
const IDENT_NAME = `${APC}.1.1.12.1.1.0`;
const IDENT_SERIAL = `${APC}.1.1.12.1.6.0`;
const LOAD_PHASE = `${APC}.1.1.12.2.3.1.1.4.0`;
const LOAD_BANK = `${APC}.1.1.12.2.3.1.1.5.0`;
const OUTLET_STATUS_INDEX = `${APC}.1.1.12.3.5.1.1.1.0`;
const OUTLET_STATE = `${APC}.1.1.26.9.2.3.1.5`; // rPDU2OutletSwitchedStatusState: 1 off, 2 on
const BANK_LOAD_STATE = `${APC}.1.1.26.8.3.1.4`; // rPDU2BankStatusLoadState: 1 lowLoad, 2 normal
const SERIAL = `${APC}.1.1.12.1.6.0`; // rPDUIdentSerialNumber, as served

function config(): Config {
  const pdu = (name: string, host: string) => ({ name, rack: 'r01', address: `${host}:${PORT}`, outlets: 48, banks: 2, phases: 1 });
  const input: ConfigInput = {
    sites: [{ name: 'Test', rows: [{ name: 'row 1', racks: ['r01'] }] }],
    pdus: [pdu('pdu-a', A_HOST), pdu('pdu-b', B_HOST), pdu('pdu-c', C_HOST)],
    nodes: [
      { name: 'single', rack: 'r01', address: `127.9.1.1:${PORT}`, amps: 1.2, psus: [{ pdu: 'pdu-a', outlet: 1 }] },
      { name: 'dual', rack: 'r01', address: `127.9.1.2:${PORT}`, amps: 1.2, psus: [{ pdu: 'pdu-a', outlet: 2 }, { pdu: 'pdu-b', outlet: 1 }] },
      // pdu-c: outlet 1 overloaded (17 A > 12 A), bank 1 near overload (17 A ≥ 16 A of 20 A), phase 1 near
      // overload (26 A ≥ 80 % of 32 A); bank 2 (9 A) normal.
      { name: 'heavy', rack: 'r01', address: `127.9.1.3:${PORT}`, amps: 17, psus: [{ pdu: 'pdu-c', outlet: 1 }] },
      { name: 'steady', rack: 'r01', address: `127.9.1.4:${PORT}`, amps: 9, psus: [{ pdu: 'pdu-c', outlet: 25 }] },
    ],
  };
  return configSchema.parse(input);
}

interface Received {
  source: string;
  trapOid: string;
  values: Map<string, unknown>;
  order: string[];
}

const received: Received[] = [];
const arrivals = new EventEmitter();
let receiver: { close(cb?: () => void): void; listener: { sockets: Record<string, import('node:dgram').Socket> } } | null = null;

function text(v: unknown): string {
  return Buffer.isBuffer(v) ? v.toString('utf8') : String(v);
}

/** Resolves when a trap arrives for which `done` (given every trap since `from`) is true; fails after `withinMs`. */
function arrived(from: number, done: (got: Received[]) => boolean, what: string, withinMs = 10_000): Promise<Received[]> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const got = received.slice(from);
      if (!done(got)) return false;
      clearTimeout(give);
      arrivals.off('trap', check);
      resolve(got);
      return true;
    };
    const give = setTimeout(() => {
      arrivals.off('trap', check);
      reject(new Error(`${what}: got ${received.slice(from).map((t) => `${t.source} ${t.trapOid}`).join(', ') || 'nothing'}`));
    }, withinMs);
    arrivals.on('trap', check);
    check();
  });
}

/** The `count` traps since `from`, once they have arrived (and no more came with them). */
async function trapsAfter(from: number, count: number): Promise<Received[]> {
  const got = await arrived(from, (g) => g.length >= count, `expected ${count} traps`);
  assert.equal(got.length, count, `expected ${count} traps, got ${got.map((t) => `${t.source} ${t.trapOid}`).join(', ')}`);
  return got;
}

const MARK_OUTLET = 47; // unused, on pdu-a's bank 2

/**
 * Nothing arrived since `from` from what was done before: a marker (outlet 47 of pdu-a switched off)
 * is queued behind any trap the simulator raised, so whatever came before the marker was sent.
 */
async function quietAfter(from: number): Promise<void> {
  const isMark = (t: Received, oid: string) => t.source === A_HOST && t.trapOid === oid && t.values.get(MTRAPARGS_INTEGER) === MARK_OUTLET;
  const mark = sim.injectFault({ kind: 'outlet-off', pdu: 'pdu-a', outlet: MARK_OUTLET });
  const got = await arrived(from, (g) => g.some((t) => isMark(t, TRAP.outletOff)), 'the marker trap');
  assert.deepEqual(got.slice(0, got.findIndex((t) => isMark(t, TRAP.outletOff))).map((t) => `${t.source} ${t.trapOid}`), []);
  const at = received.length;
  sim.clearFault(mark.id);
  await arrived(at, (g) => g.some((t) => isMark(t, TRAP.outletOn)), 'the marker cleared');
}

async function get(host: string, oids: string[]): Promise<unknown[] | null> {
  const session = snmp.createSession(host, 'public', { port: PORT, version: snmp.Version2c, timeout: 500, retries: 0 });
  session.on('error', () => {});
  try {
    return await new Promise((resolve) => session.get(oids, (err, vbs) => resolve(err || !vbs ? null : vbs.map((v) => v.value))));
  } finally {
    session.close();
  }
}

const sim = new Simulator(config(), { driftIntervalMs: 0, trapTarget: { host: '127.0.0.1', port: TRAP_PORT, community: 'traps' } });
let serialA = '';

before(async () => {
  receiver = snmp.createReceiver({ port: TRAP_PORT, address: '127.0.0.1', transport: 'udp4', disableAuthorization: true }, (err: unknown, n: { pdu: { varbinds: snmp.Varbind[] }; rinfo: { address: string } } | undefined) => {
    if (err || !n) return;
    const values = new Map<string, unknown>(n.pdu.varbinds.map((v) => [v.oid, v.value]));
    received.push({ source: n.rinfo.address, trapOid: String(values.get(SNMP_TRAP_OID)), values, order: n.pdu.varbinds.map((v) => v.oid) });
    arrivals.emit('trap');
  }) as typeof receiver;
  // The bind is asynchronous: 'listening' has not fired yet.
  await Promise.all(Object.values(receiver!.listener.sockets).map((s) => new Promise((r) => s.once('listening', r))));
  await sim.start();
  serialA = text((await get(A_HOST, [SERIAL]))?.[0]);
  assert.match(serialA, /^ZA\d{10}$/);
});

after(async () => {
  await sim.stop();
  await new Promise<void>((r) => (receiver ? receiver.close(() => r()) : r()));
});

describe('simulated PDU traps', () => {
  beforeEach(() => sim.clearAllFaults());

  it('outlet-off sends outletOff for that outlet from the PDU address, shaped like a real APC trap; clearing sends outletOn', async () => {
    let from = received.length;
    const f = sim.injectFault({ kind: 'outlet-off', pdu: 'pdu-a', outlet: 5 });
    const [off] = await trapsAfter(from, 1);
    assert.equal(off!.source, A_HOST, 'sent from the PDU\'s own address');
    assert.equal(off!.trapOid, TRAP.outletOff);
    assert.equal(off!.values.get(MTRAPARGS_INTEGER), 5);
    assert.match(text(off!.values.get(MTRAPARGS_STRING)), /outlet has turned off/);
    assert.equal(off!.values.get(SNMP_TRAP_ENTERPRISE), APC);
    assert.ok(Number(off!.values.get(SYS_UPTIME)) > 86_400 * 100, 'sysUpTime is the PDU\'s (up for days), not the process\'s');
    assert.deepEqual((await get(A_HOST, [`${OUTLET_STATE}.5`]))?.[0], 1, 'a poll the trap triggers reads the outlet off');

    // The varbinds, in order, as the real PDU in the recordings sends them.
    const recorded = recordedTrap(`${APC}.0.42`);
    assert.deepEqual(off!.order, recorded.map((v) => v.oid.replace(/^\./, '')));

    from = received.length;
    sim.clearFault(f.id);
    const [on] = await trapsAfter(from, 1);
    assert.equal(on!.source, A_HOST);
    assert.equal(on!.trapOid, TRAP.outletOn);
    assert.equal(on!.values.get(MTRAPARGS_INTEGER), 5);
    await quietAfter(received.length);
  });

  it('bank-trip sends outletOff for each outlet of the bank that was on, then the bank\'s low-load trap; clearing reverses it', async () => {
    let from = received.length;
    const held = sim.injectFault({ kind: 'outlet-off', pdu: 'pdu-a', outlet: 3 });
    await trapsAfter(from, 1);
    from = received.length;
    const trip = sim.injectFault({ kind: 'bank-trip', pdu: 'pdu-a', bank: 1 });
    const expectOutlets = Array.from({ length: 24 }, (_, i) => i + 1).filter((n) => n !== 3);
    const traps = await trapsAfter(from, expectOutlets.length + 1);
    assert.ok(traps.every((t) => t.source === A_HOST), 'all from pdu-a');
    const offs = traps.slice(0, -1);
    assert.ok(offs.every((t) => t.trapOid === TRAP.outletOff));
    assert.deepEqual(offs.map((t) => t.values.get(MTRAPARGS_INTEGER)), expectOutlets, 'outlet 3 was already off');
    const bank = traps.at(-1)!;
    assert.equal(bank.trapOid, TRAP.bankLowLoad);
    assert.equal(bank.values.get(LOAD_BANK), 1);
    assert.equal(bank.values.get(LOAD_PHASE), 0, 'phase 0: this is bank data');
    assert.equal(text(bank.values.get(IDENT_NAME)), 'pdu-a');
    assert.equal(text(bank.values.get(IDENT_SERIAL)), serialA, 'the serial number the PDU serves');
    assert.equal(bank.values.get(SNMP_TRAP_ENTERPRISE), APC);
    assert.deepEqual(await get(A_HOST, [`${BANK_LOAD_STATE}.1`, `${BANK_LOAD_STATE}.2`]), [1, 2], 'the poll reads bank 1 lowLoad, like the trap');

    from = received.length;
    sim.clearFault(trip.id);
    const back = await trapsAfter(from, expectOutlets.length + 1);
    assert.ok(back.slice(0, -1).every((t) => t.trapOid === TRAP.outletOn && t.source === A_HOST));
    assert.deepEqual(back.slice(0, -1).map((t) => t.values.get(MTRAPARGS_INTEGER)), expectOutlets, 'outlet 3 stays off');
    assert.equal(back.at(-1)!.trapOid, TRAP.bankLowLoadCleared);
    assert.equal(back.at(-1)!.values.get(LOAD_BANK), 1);

    from = received.length;
    sim.clearFault(held.id);
    const [three] = await trapsAfter(from, 1);
    assert.deepEqual([three!.trapOid, three!.values.get(MTRAPARGS_INTEGER)], [TRAP.outletOn, 3]);
  });

  it('pdu-unreachable: the dead card sends nothing, even as an outlet switches; back, it boots and reports', async () => {
    let from = received.length;
    const dead = sim.injectFault({ kind: 'pdu-unreachable', pdu: 'pdu-b' });
    const off = sim.injectFault({ kind: 'outlet-off', pdu: 'pdu-b', outlet: 2 });
    await quietAfter(from);

    from = received.length;
    sim.clearFault(dead.id);
    const [cold, found] = await trapsAfter(from, 2);
    assert.deepEqual([cold!.source, cold!.trapOid], [B_HOST, TRAP.coldStart]);
    assert.ok(Number(cold!.values.get(SYS_UPTIME)) < 500, 'the card just booted');
    assert.deepEqual([found!.source, found!.trapOid, found!.values.get(MTRAPARGS_INTEGER)], [B_HOST, TRAP.outletOff, 2]);
    assert.ok(await get(B_HOST, [SYS_UPTIME]), 'the rebooted card answers when its traps arrive');

    from = received.length;
    sim.clearFault(off.id);
    const [on] = await trapsAfter(from, 1);
    assert.deepEqual([on!.source, on!.trapOid, on!.values.get(MTRAPARGS_INTEGER)], [B_HOST, TRAP.outletOn, 2]);
  });

  it('inlet-loss: a PDU without power sends nothing; restored, it sends coldStart only', async () => {
    let from = received.length;
    const f = sim.injectFault({ kind: 'inlet-loss', pdu: 'pdu-b' });
    await quietAfter(from);
    from = received.length;
    sim.clearFault(f.id);
    const [cold] = await trapsAfter(from, 1);
    assert.deepEqual([cold!.source, cold!.trapOid], [B_HOST, TRAP.coldStart]);
    await quietAfter(received.length);
  });

  it('load thresholds: crossing back below and above sends the clears, then the outlet, bank and phase traps', async () => {
    let from = received.length;
    const f = sim.injectFault({ kind: 'node-down', node: 'heavy' });
    const cleared = await trapsAfter(from, 3);
    assert.ok(cleared.every((t) => t.source === C_HOST));
    assert.deepEqual(cleared.map((t) => t.trapOid), [TRAP.outletOverloadCleared, TRAP.bankNearOverloadCleared, TRAP.nearOverloadCleared]);
    assert.equal(cleared[0]!.values.get(OUTLET_STATUS_INDEX), 1);
    assert.deepEqual([cleared[1]!.values.get(LOAD_BANK), cleared[1]!.values.get(LOAD_PHASE)], [1, 0]);
    assert.equal(cleared[2]!.values.get(LOAD_PHASE), 1);
    assert.equal(cleared[2]!.values.has(LOAD_BANK), false, 'rPDUNearOverload carries the phase only, as recorded');
    assert.equal(text(cleared[2]!.values.get(IDENT_NAME)), 'pdu-c');

    from = received.length;
    sim.clearFault(f.id);
    const raised = await trapsAfter(from, 3);
    assert.deepEqual(raised.map((t) => t.trapOid), [TRAP.outletOverload, TRAP.bankNearOverload, TRAP.nearOverload]);
    const recorded = recordedTrap(TRAP.nearOverload);
    assert.deepEqual(raised[2]!.order, recorded.map((v) => v.oid.replace(/^\./, '')), 'same varbinds as the recorded real PDU');
  });

  it('node-down on a lightly loaded outlet sends nothing (the outlet stays on)', async () => {
    const from = received.length;
    sim.injectFault({ kind: 'node-down', node: 'single' });
    await quietAfter(from);
  });
});

describe('trap target', () => {
  it('comes from settings.traps: a wildcard address means loopback; disabled or without a community, none', () => {
    const base = { enabled: true, address: '0.0.0.0', port: 1162, communities: ['bb', 'other'], users: [], perSourceRate: 500, mibDirs: [], receiveBuffer: 65_536 };
    assert.deepEqual(trapTargetFromSettings(base), { host: '127.0.0.1', port: 1162, community: 'bb' });
    assert.deepEqual(trapTargetFromSettings({ ...base, address: '10.1.2.3' }), { host: '10.1.2.3', port: 1162, community: 'bb' });
    assert.equal(trapTargetFromSettings({ ...base, enabled: false }), null);
    assert.equal(trapTargetFromSettings({ ...base, communities: [] }), null);
    assert.equal(trapTargetFromSettings(config().settings.traps), null, 'default: no community');
  });

  it('a source address that cannot be bound sends nothing and neither hangs nor throws', async () => {
    const from = received.length;
    const sender = new TrapSender({ device: 'far', source: '192.0.2.1', target: { host: '127.0.0.1', port: TRAP_PORT, community: 'x' }, log: pino({ level: 'silent' }) });
    await sender.send({ name: 'outletOff', oid: TRAP.outletOff, varbinds: [] }, 100);
    sender.close();
    sender.close();
    await quietAfter(from);
  });
});

/** The varbinds of a real APC trap with this snmpTrapOID, from the shared recordings ($BREAKERBOX_RECORDINGS). */
function recordedTrap(trapOid: string): { oid: string }[] {
  const dir = resolve(process.env.BREAKERBOX_RECORDINGS ?? join(packageRoot(), '..', 'shared', 'recordings'));
  const traps = JSON.parse(readFileSync(join(dir, 'traps.json'), 'utf8')) as { varbinds: { oid: string; resolved: string }[] }[];
  const t = traps.find((x) => x.varbinds.some((v) => v.oid === `.${SNMP_TRAP_OID}` && v.resolved === `.${trapOid}`));
  assert.ok(t, `${trapOid} is in the recordings`);
  return t.varbinds;
}
