// The simulator: a pure power model, fault parsing, and real SNMP agents queried with the
// Net-SNMP command-line tools and with net-snmp sessions (what the poller uses).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import snmp from 'net-snmp';
import { loadConfigFile } from '../src/config/load-config.js';
import { configSchema, type Config, type ConfigInput } from '../src/config/schema.js';
import { bankOfOutlet, computePower, driftStep, NO_DRIFT, phaseOfBank, type Drift } from '../src/sim/physics.js';
import { parseFaultSpec, SimFaultError, Simulator } from '../src/sim/simulator.js';
import { freeUdpPort } from './helpers/ports.js';
import { join } from 'node:path';
import { packageRoot } from '../src/paths.js';

const run = promisify(execFile);
// A port of our own, so a demo or another test run on this machine does not collide with us;
// below Linux's ephemeral range, where client sockets bound to 0.0.0.0 would block our binds.
const PORT = await freeUdpPort();

const SYS_DESCR = '.1.3.6.1.2.1.1.1.0';
const SYS_OBJECT_ID = '.1.3.6.1.2.1.1.2.0';
const SYS_UPTIME = '.1.3.6.1.2.1.1.3.0';
const APC = '.1.3.6.1.4.1.318.1.1';
const OUTLET_STATE = `${APC}.26.9.2.3.1.5`; // rPDU2OutletSwitchedStatusState: 1 off, 2 on
const OUTLET_CURRENT = `${APC}.26.9.4.3.1.6`; // rPDU2OutletMeteredStatusCurrent, tenths of A
const OUTLET_NAME = `${APC}.26.9.4.3.1.3`;
const OUTLET_CTL = `${APC}.4.4.2.1.3`; // sPDUOutletCtl: 1 on, 2 off
const BANK_CURRENT = `${APC}.26.8.3.1.5`; // rPDU2BankStatusCurrent, tenths of A
const LOAD_STATUS = `${APC}.12.2.3.1.1`; // rPDULoadStatusEntry

const A = `127.66.0.1:${PORT}`;
const B = `127.66.0.2:${PORT}`;
const SINGLE = `127.66.1.1:${PORT}`; // one PSU, on A bank 1
const DUAL = `127.66.1.2:${PORT}`; // A bank 1 and B
const BANK2 = `127.66.1.3:${PORT}`; // one PSU, on A bank 2
const V3 = `127.66.1.4:${PORT}`; // on B, SNMPv3 only

function smallConfig(): Config {
  const pdu = (name: string, address: string) => ({ name, rack: 'r01', address, outlets: 48, banks: 2, phases: 1 });
  const input: ConfigInput = {
    sites: [{ name: 'Test', rows: [{ name: 'row 1', racks: ['r01'] }] }],
    pdus: [pdu('pdu-a', A), pdu('pdu-b', B)],
    nodes: [
      { name: 'single', rack: 'r01', address: SINGLE, amps: 1.2, psus: [{ pdu: 'pdu-a', outlet: 1 }] },
      { name: 'dual', rack: 'r01', address: DUAL, amps: 1.2, psus: [{ pdu: 'pdu-a', outlet: 2 }, { pdu: 'pdu-b', outlet: 1 }] },
      { name: 'bank2', rack: 'r01', address: BANK2, amps: 2, psus: [{ pdu: 'pdu-a', outlet: 30 }] },
      {
        name: 'v3node', rack: 'r01', address: V3, psus: [{ pdu: 'pdu-b', outlet: 2 }],
        snmp: { version: '3', user: 'sim', level: 'authPriv', authProtocol: 'sha', authKey: 'auctoritas', privProtocol: 'aes', privKey: 'privatus' },
      },
    ],
  };
  return configSchema.parse(input);
}

type Values = Map<string, string>;
function parse(stdout: string): Values {
  const out: Values = new Map();
  for (const line of stdout.split('\n')) {
    const m = /^(\S+) (.*)$/.exec(line);
    if (m) out.set(m[1]!, m[2]!.replace(/^"(.*)"$/, '$1'));
  }
  return out;
}
/** snmpget; null when the device does not answer. */
async function get(address: string, oids: string[], timeoutS = 2): Promise<Values | null> {
  try {
    const { stdout } = await run('snmpget', ['-v2c', '-c', 'public', '-On', '-Oqt', '-t', String(timeoutS), '-r', '0', address, ...oids]);
    return parse(stdout);
  } catch (err) {
    if (/Timeout/.test(String((err as { stderr?: string }).stderr))) return null;
    throw err;
  }
}
const answers = async (address: string) => (await get(address, [SYS_UPTIME], 0.5)) !== null;
async function walk(address: string, oid: string): Promise<Values> {
  const { stdout } = await run('snmpbulkwalk', ['-v2c', '-c', 'public', '-On', '-Oqt', '-t', '2', '-r', '0', address, oid]);
  return parse(stdout);
}
/** One column of a walk, as index → number. */
function column(values: Values, oid: string): Map<number, number> {
  const out = new Map<number, number>();
  for (const [k, v] of values) if (k.startsWith(`${oid}.`)) out.set(Number(k.slice(oid.length + 1)), Number(v));
  return out;
}
async function uptime(address: string): Promise<number> {
  const v = await get(address, [SYS_UPTIME]);
  assert.ok(v, `${address} should answer`);
  return Number(v.get(SYS_UPTIME));
}
/** Waits for a device to answer again (re-binding after a fault is cleared is asynchronous). */
async function untilAnswers(address: string, withinMs = 5_000): Promise<void> {
  const end = Date.now() + withinMs;
  while (Date.now() < end) {
    if (await answers(address)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`${address} did not come back within ${withinMs} ms`);
}
const near = (actual: number | undefined, expected: number, tolerance: number, what: string) =>
  assert.ok(actual !== undefined && Math.abs(actual - expected) <= tolerance, `${what}: expected ${expected}±${tolerance}, got ${actual}`);

describe('power model (pure)', () => {
  const config = smallConfig();

  it('splits outlets into contiguous banks and maps banks round-robin to phases', () => {
    assert.equal(bankOfOutlet(24, 48, 2), 1);
    assert.equal(bankOfOutlet(25, 48, 2), 2);
    assert.deepEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((o) => bankOfOutlet(o, 10, 3)), [1, 1, 1, 1, 2, 2, 2, 3, 3, 3]);
    assert.deepEqual([1, 2, 3, 4].map((b) => phaseOfBank(b, 3)), [1, 2, 3, 1]);
  });

  it('shares a node load over its energized PSUs and sums banks and phases', () => {
    const p = computePower(config, []);
    const a = p.pdus.get('pdu-a')!;
    assert.equal(a.outlets[0]!.amps, 1.2);
    assert.equal(a.outlets[1]!.amps, 0.6);
    assert.equal(a.outlets[29]!.amps, 2);
    assert.ok(Math.abs(a.banks[0]!.amps - 1.8) < 1e-9 && a.banks[1]!.amps === 2);
    assert.ok(Math.abs(a.outlets[0]!.watts - 1.2 * 208 * 0.95) < 1e-9);
    assert.ok(a.outlets[10]!.on && a.outlets[10]!.amps === 0, 'unused outlets are on and draw nothing');
    assert.deepEqual(a.outlets[1]!.feeds, { node: 'dual', psu: 1 });
    assert.equal(p.nodes.get('v3node')!.amps, 1.0, 'default load of a server');
  });

  it('applies faults level-based and combines them', () => {
    const trip = computePower(config, [{ kind: 'bank-trip', pdu: 'pdu-a', bank: 1 }]);
    const a = trip.pdus.get('pdu-a')!;
    assert.ok(a.outlets.slice(0, 24).every((o) => !o.on && o.amps === 0));
    assert.equal(a.banks[0]!.amps, 0);
    assert.equal(a.banks[1]!.amps, 2);
    assert.equal(trip.nodes.get('single')!.powered, false);
    assert.equal(trip.nodes.get('dual')!.powered, true);
    assert.equal(trip.pdus.get('pdu-b')!.outlets[0]!.amps, 1.2, 'the surviving PSU carries the whole load');

    const inlet = computePower(config, [{ kind: 'inlet-loss', pdu: 'pdu-a' }]);
    assert.equal(inlet.pdus.get('pdu-a')!.answering, false);
    assert.equal(inlet.pdus.get('pdu-a')!.watts, 0);
    assert.deepEqual(['single', 'dual', 'bank2'].map((n) => inlet.nodes.get(n)!.powered), [false, true, false]);

    const card = computePower(config, [{ kind: 'pdu-unreachable', pdu: 'pdu-a' }]);
    assert.equal(card.pdus.get('pdu-a')!.answering, false);
    assert.equal(card.nodes.get('single')!.powered, true);

    const both = computePower(config, [{ kind: 'outlet-off', pdu: 'pdu-b', outlet: 1 }, { kind: 'bank-trip', pdu: 'pdu-a', bank: 1 }, { kind: 'node-down', node: 'bank2' }]);
    assert.equal(both.nodes.get('dual')!.powered, false);
    assert.equal(both.pdus.get('pdu-a')!.outlets[29]!.on, true);
    assert.equal(both.pdus.get('pdu-a')!.outlets[29]!.amps, 0, 'a node that is down draws nothing');
  });

  it('drifts within bounds: live loads stay positive, dead ones stay zero', () => {
    let drift: Drift = NO_DRIFT;
    for (let i = 0; i < 500; i++) {
      drift = driftStep(drift, config);
      const p = computePower(config, [{ kind: 'bank-trip', pdu: 'pdu-a', bank: 1 }], drift);
      const a = p.pdus.get('pdu-a')!;
      assert.ok(a.outlets[0]!.amps === 0 && a.outlets[29]!.amps > 0);
      assert.ok(a.volts > 204 && a.volts < 212);
      for (const f of drift.load.values()) assert.ok(f >= 0.96 && f <= 1.04);
    }
  });
});

describe('power model at scale', () => {
  const config = smallConfig();

  it('moves one share of the site per drift step: its PDUs and the nodes whose first PSU they feed', () => {
    const a = driftStep(NO_DRIFT, config, () => 1, { index: 0, of: 2 });
    assert.deepEqual([...a.voltage.keys()], ['pdu-a']);
    assert.deepEqual([...a.load.keys()].sort(), ['bank2', 'dual', 'single']);
    const b = driftStep(a, config, () => 0, { index: 1, of: 2 });
    assert.deepEqual([...b.voltage.keys()].sort(), ['pdu-a', 'pdu-b']);
    assert.equal(b.voltage.get('pdu-a'), a.voltage.get('pdu-a'), 'the other share keeps its value');
    assert.ok(b.voltage.get('pdu-b')! < 208 && b.load.get('v3node')! < 1 && b.load.get('dual') === a.load.get('dual'));
  });

  it('tells which PDUs a change leaves reading the same (their agents are not rewritten): the same object', () => {
    const before = computePower(config, []);
    const same = computePower(config, [{ kind: 'node-down', node: 'v3node' }], NO_DRIFT, before);
    assert.equal(same.pdus.get('pdu-a'), before.pdus.get('pdu-a'));
    assert.notEqual(same.pdus.get('pdu-b'), before.pdus.get('pdu-b'), 'a node that went down draws nothing from pdu-b');
    const trip = computePower(config, [{ kind: 'bank-trip', pdu: 'pdu-a', bank: 2 }], NO_DRIFT, before);
    assert.notEqual(trip.pdus.get('pdu-a'), before.pdus.get('pdu-a'), 'a tripped bank');
    const card = computePower(config, [{ kind: 'pdu-unreachable', pdu: 'pdu-b' }], NO_DRIFT, before);
    assert.notEqual(card.pdus.get('pdu-b'), before.pdus.get('pdu-b'), 'a card that stopped answering');
    assert.equal(card.pdus.get('pdu-b')!.answering, false);
    const drift = driftStep(NO_DRIFT, config, () => 1, { index: 1, of: 2 });
    assert.notEqual(computePower(config, [], drift, before).pdus.get('pdu-b'), before.pdus.get('pdu-b'), 'a drifted voltage');
  });

  it('keeps the objects of PDUs a change leaves as they were, and only those', () => {
    const before = computePower(config, []);
    const after = computePower(config, [{ kind: 'node-down', node: 'v3node' }], NO_DRIFT, before);
    assert.equal(after.pdus.get('pdu-a'), before.pdus.get('pdu-a'), 'untouched: the same object');
    assert.notEqual(after.pdus.get('pdu-b'), before.pdus.get('pdu-b'));
    assert.deepEqual(after, computePower(config, [{ kind: 'node-down', node: 'v3node' }]), 'the same result as computed afresh');
    // A fault on an unused outlet changes nothing it draws, yet the PDU is recomputed (the outlet reads off).
    const off = computePower(config, [{ kind: 'outlet-off', pdu: 'pdu-a', outlet: 40 }], NO_DRIFT, before);
    assert.notEqual(off.pdus.get('pdu-a'), before.pdus.get('pdu-a'));
    assert.equal(off.pdus.get('pdu-a')!.outlets[39]!.on, false);
    const back = computePower(config, [], NO_DRIFT, off);
    assert.equal(back.pdus.get('pdu-a')!.outlets[39]!.on, true, 'cleared: recomputed again');
    const drifted = computePower(config, [], driftStep(NO_DRIFT, config, () => 1, { index: 1, of: 2 }), before);
    assert.equal(drifted.pdus.get('pdu-a'), before.pdus.get('pdu-a'));
    assert.notEqual(drifted.pdus.get('pdu-b')!.volts, before.pdus.get('pdu-b')!.volts);
  });
});

describe('fault specs', () => {
  it('parses good specs and names the problem in bad ones', () => {
    assert.deepEqual(parseFaultSpec({ kind: 'bank-trip', pdu: 'p', bank: 2 }), { kind: 'bank-trip', pdu: 'p', bank: 2 });
    const bad: [unknown, RegExp][] = [
      [null, /must be an object/],
      [{ kind: 'meteor' }, /"kind" must be one of bank-trip/],
      [{ kind: 'bank-trip', pdu: 'p' }, /bank-trip needs "bank"/],
      [{ kind: 'outlet-off', pdu: 'p', outlet: 0 }, /"outlet" \(an integer from 1\)/],
      [{ kind: 'node-down' }, /node-down needs "node"/],
      [{ kind: 'inlet-loss', pdu: 'p', bank: 1 }, /unexpected "bank"/],
    ];
    for (const [input, message] of bad) assert.throws(() => parseFaultSpec(input), (e: Error) => e instanceof SimFaultError && message.test(e.message));
  });

  it('refuses unknown devices and out-of-range banks and outlets without applying anything', () => {
    const sim = new Simulator(smallConfig(), { driftIntervalMs: 0 });
    const refused: [unknown, RegExp][] = [
      [{ kind: 'bank-trip', pdu: 'pdu-z', bank: 1 }, /unknown pdu "pdu-z"/],
      [{ kind: 'bank-trip', pdu: 'pdu-a', bank: 3 }, /has 2 bank\(s\); there is no bank 3/],
      [{ kind: 'outlet-off', pdu: 'pdu-a', outlet: 49 }, /has 48 outlets; there is no outlet 49/],
      [{ kind: 'node-down', node: 'ghost' }, /unknown node "ghost"/],
    ];
    for (const [input, message] of refused) assert.throws(() => sim.injectFault(input), (e: Error) => e instanceof SimFaultError && message.test(e.message));
    assert.deepEqual(sim.faults(), []);
    const f = sim.injectFault({ kind: 'node-down', node: 'dual' });
    assert.equal(sim.nodePowered('dual'), false);
    assert.deepEqual(sim.faults().map((x) => x.id), [f.id]);
    assert.equal(sim.clearFault(f.id), true);
    assert.equal(sim.clearFault(f.id), false);
    assert.equal(sim.nodePowered('dual'), true);
  });
});

describe('simulated agents over SNMP', () => {
  // Loads wander every 100 ms throughout, so every reading below is also a drift check.
  const sim = new Simulator(smallConfig(), { driftIntervalMs: 100 });
  before(() => sim.start());
  after(() => sim.stop());

  it('serves APC rPDU2 identity, outlets and banks like a real PDU', async () => {
    const sys = await get(A, [SYS_DESCR, SYS_OBJECT_ID, `${APC}.12.1.5.0`, `${APC}.4.1.4.0`]);
    assert.ok(sys);
    assert.match(sys.get(SYS_DESCR)!, /^APC Web\/SNMP Management Card \(MB:v4\.1\.0 .* MN:AP8858 HR:\S+ SN: ZA\d{10} MD:\d\d\/\d\d\/\d{4}\) $/);
    assert.equal(sys.get(SYS_OBJECT_ID), '.1.3.6.1.4.1.318.1.3.4.6');
    assert.equal(sys.get(`${APC}.12.1.5.0`), 'AP8858');
    const all = await walk(A, `${APC}`);
    const current = column(all, OUTLET_CURRENT);
    assert.equal(current.size, 48);
    near(current.get(1), 12, 1, 'single-corded outlet');
    near(current.get(2), 6, 1, 'half of a dual-corded node');
    near(current.get(30), 20, 1, 'bank 2 outlet');
    assert.equal(current.get(3), 0);
    assert.ok([...column(all, OUTLET_STATE).values()].every((s) => s === 2));
    assert.ok([...column(all, OUTLET_CTL).values()].every((s) => s === 1));
    assert.equal(all.get(`${OUTLET_NAME}.2`), 'dual PSU1');
    assert.equal(all.get(`${OUTLET_NAME}.3`), 'Outlet 3');
    near(column(all, BANK_CURRENT).get(1), 18, 1, 'bank 1');
    // rPDULoadStatusTable: the phase row (bank 0) first, then one row per bank.
    assert.deepEqual([...column(all, `${LOAD_STATUS}.5`).values()], [0, 1, 2]);
    near(column(all, `${LOAD_STATUS}.2`).get(1), 38, 1, 'phase load');
    assert.equal(await answers(SINGLE), true);
  });

  it('bank-trip: that bank reads off at 0 A, the other bank draws, single-corded nodes go silent', async () => {
    const dualUptime = await uptime(DUAL);
    const f = sim.injectFault({ kind: 'bank-trip', pdu: 'pdu-a', bank: 1 });
    try {
      const all = await walk(A, APC);
      const state = column(all, OUTLET_STATE);
      const ctl = column(all, OUTLET_CTL);
      const current = column(all, OUTLET_CURRENT);
      for (let n = 1; n <= 24; n++) {
        assert.equal(state.get(n), 1, `outlet ${n} state`);
        assert.equal(ctl.get(n), 2, `outlet ${n} sPDUOutletCtl`);
        assert.equal(current.get(n), 0, `outlet ${n} current`);
      }
      assert.equal(state.get(30), 2);
      near(current.get(30), 20, 1, 'bank 2 still draws');
      assert.equal(column(all, BANK_CURRENT).get(1), 0);
      near(column(all, BANK_CURRENT).get(2), 20, 1, 'bank 2 current');
      near(column(await walk(B, OUTLET_CURRENT), OUTLET_CURRENT).get(1), 12, 1, 'B side now carries the dual node');
      assert.equal(await answers(SINGLE), false);
      assert.equal(await answers(DUAL), true);
      assert.equal(sim.nodePowered('single'), false);
    } finally {
      assert.equal(sim.clearFault(f.id), true);
    }
    await untilAnswers(SINGLE);
    assert.ok((await uptime(SINGLE)) < 300, 'the node rebooted: sysUpTime restarts near 0');
    assert.ok((await uptime(DUAL)) >= dualUptime, 'the dual-corded node never rebooted');
    near(column(await walk(A, OUTLET_CURRENT), OUTLET_CURRENT).get(1), 12, 1, 'load is back');
  });

  it('pdu-unreachable: the PDU times out while its nodes keep answering', async () => {
    const f = sim.injectFault({ kind: 'pdu-unreachable', pdu: 'pdu-a' });
    try {
      assert.equal(await answers(A), false);
      assert.equal(await answers(SINGLE), true);
      assert.equal(sim.nodePowered('single'), true);
    } finally {
      sim.clearFault(f.id);
    }
    await untilAnswers(A);
  });

  it('inlet-loss: the PDU and its single-fed nodes go silent; clearing boots them', async () => {
    sim.injectFault({ kind: 'inlet-loss', pdu: 'pdu-a' });
    try {
      const results = await Promise.all([A, SINGLE, BANK2, DUAL].map(answers));
      assert.deepEqual(results, [false, false, false, true]);
    } finally {
      sim.clearAllFaults();
    }
    await Promise.all([A, SINGLE, BANK2].map((a) => untilAnswers(a)));
    assert.ok((await uptime(A)) < 300, 'the PDU card rebooted');
    assert.ok((await uptime(BANK2)) < 300);
  });

  it('node-down: the node is silent while its outlet stays on at 0 A; net-snmp sees a timeout', async () => {
    const f = sim.injectFault({ kind: 'node-down', node: 'single' });
    try {
      const v = await get(A, [`${OUTLET_STATE}.1`, `${OUTLET_CURRENT}.1`]);
      assert.equal(v?.get(`${OUTLET_STATE}.1`), '2');
      assert.equal(v?.get(`${OUTLET_CURRENT}.1`), '0');
      const session = snmp.createSession('127.66.1.1', 'public', { port: PORT, timeout: 500, retries: 0, version: snmp.Version2c });
      session.on('error', () => {});
      const error = await new Promise<Error | null>((resolve) => session.get([SYS_UPTIME.slice(1)], (e) => resolve(e ?? null)));
      session.close();
      assert.equal(error?.name, 'RequestTimedOutError', `expected a timeout, got ${String(error)}`);
    } finally {
      sim.clearFault(f.id);
    }
  });

  it('serves SNMPv3 users from the config', async () => {
    const { stdout } = await run('snmpget', ['-v3', '-l', 'authPriv', '-u', 'sim', '-a', 'SHA', '-A', 'auctoritas', '-x', 'AES', '-X', 'privatus',
      '-On', '-Oqt', '-t', '2', '-r', '0', V3, SYS_DESCR]);
    assert.match(parse(stdout).get(SYS_DESCR) ?? '', /^Linux v3node 6\.1\.0-28-amd64 .* x86_64$/);
    assert.equal(await answers(V3), false, 'no v2c community on a v3-only device');
  });
});

describe('the demo data center', () => {
  it('starts all 100 agents; tripping r07-a bank 1 silences the 20 single-corded scanners only', async () => {
    const config = loadConfigFile(join(packageRoot(), 'examples', 'dallas-3.yaml'));
    for (const d of [...config.pdus, ...config.nodes]) d.address = d.address.replace(/:\d+$/, `:${PORT}`);
    const addr = (name: string) => config.nodes.find((n) => n.name === name)!.address;
    const sim = new Simulator(config);
    try {
      await sim.start();
      const pdu = config.pdus.find((p) => p.name === 'dal3-r07-a')!;
      assert.equal((await get(pdu.address, [SYS_OBJECT_ID]))?.get(SYS_OBJECT_ID), '.1.3.6.1.4.1.318.1.3.4.6');
      assert.match((await get(addr('scan-061'), [SYS_DESCR]))?.get(SYS_DESCR) ?? '', /^Linux scan-061 /);
      sim.injectFault({ kind: 'bank-trip', pdu: 'dal3-r07-a', bank: 1 });
      const unpowered = config.nodes.filter((n) => !sim.nodePowered(n.name)).map((n) => n.name);
      assert.equal(unpowered.length, 20);
      assert.deepEqual([unpowered[0], unpowered[19]], ['scan-057', 'scan-076']);
      assert.deepEqual(await Promise.all(['scan-061', 'scan-077', 'stor-01'].map((n) => answers(addr(n)))), [false, true, true]);
    } finally {
      await sim.stop();
      await sim.stop(); // idempotent
    }
    assert.equal(await answers(addr('scan-077')), false, 'stop closed every socket');
  });

  it('rejects start naming the address that cannot be bound, and leaves nothing bound', async () => {
    const first = new Simulator(smallConfig(), { driftIntervalMs: 0 });
    await first.start();
    try {
      const config = smallConfig();
      config.pdus[0]!.address = `127.66.9.9:${PORT}`; // free; the rest collide with `first`
      const second = new Simulator(config, { driftIntervalMs: 0 });
      await assert.rejects(second.start(), (e: Error) => /could not bind/.test(e.message) && e.message.includes(B) && /EADDRINUSE/.test(e.message));
      assert.equal(await answers(`127.66.9.9:${PORT}`), false);
      assert.equal(await answers(A), true, 'the first simulator is untouched');
    } finally {
      await first.stop();
    }
  });
});
