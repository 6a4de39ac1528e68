// CPU cost of one full poll of a 48-outlet APC-shaped PDU: Breakerbox (walk, decode, normalize,
// update state) beside a bare net-snmp walk of exactly the same requests and beside Net-SNMP's
// own snmpbulkwalk/snmpget processes, all against one real Net-SNMP snmpd in the same run.
//
// The agent: Debian's snmpd on 127.0.0.1:<free port>, with a generated config whose `override`
// lines create every object the apc-rpdu2 profile reads (override registers each OID as an
// instance of its own, so it works outside any MIB module snmpd implements: no pass script).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import snmp from 'net-snmp';
import type { DeviceReading } from '../src/model.js';
import { apcRpdu2 } from '../src/profiles/apc-rpdu2.js';
import { readDevice } from '../src/profiles/read-device.js';
import { NetSnmpClient, type SnmpClient, type SnmpResult, type Varbind, type WalkOptions } from '../src/snmp/snmp-client.js';
import { StateStore } from '../src/state/state-store.js';
import { stopChild } from '../test/helpers/child-process.js';
import { freeUdpPort } from '../test/helpers/ports.js';

const SNMPD = '/usr/sbin/snmpd';
const SNMPBULKWALK = '/usr/bin/snmpbulkwalk';
const SNMPGET = '/usr/bin/snmpget';
const COMMUNITY = 'public';
const OUTLETS = 48;
const BANKS = 2;
const PDU_NAME = 'bench-pdu-a';

export interface PerPoll {
  /** Mean CPU (user + system) per poll, ms. */
  cpuMs: number;
  /** Mean wall-clock per poll, ms. */
  wallMs: number;
}

export interface PduPollCpuResult {
  polls: number;
  warmup: number;
  rounds: number;
  walkPolls: number;
  /** What one poll asks the agent: column subtrees walked, scalars fetched, SNMP requests sent. */
  columns: number;
  /** Columns the profile walks that this agent does not serve (older-card tables): one GETBULK each, nothing in the subtree. */
  emptyColumns: string[];
  scalars: number;
  requestsPerPoll: number;
  varbindsPerPoll: number;
  bare: PerPoll;
  breakerbox: PerPoll;
  /** readDevice + recordPdu over the recorded answers of one poll: no sockets, no BER. */
  normalizeOnly: PerPoll;
  /** Breakerbox/bare CPU ratio of each round (the spread shows the noise). */
  roundRatios: number[];
  snmpbulkwalk: PerPoll & { processes: number };
}

/** Deterministic, plausible values for outlet i (1-based): tenths of A, W, tenths of kWh, bank. */
function outletValues(i: number) {
  const tenthsA = 3 + ((i * 7) % 20);
  return { tenthsA, watts: Math.round((tenthsA / 10) * 230 * 0.95), energy: 1000 + i * 37, bank: i <= OUTLETS / BANKS ? 1 : 2, name: `scan-${String(100 + i).padStart(3, '0')} psu${(i % 2) + 1}` };
}

type Line = [oid: string, type: 'integer' | 'uinteger' | 'octet_str', value: number | string];

/** The objects of the 48-outlet PDU: every one the apc-rpdu2 profile reads, plus the index/module/number columns around them. */
function pduObjects(): Line[] {
  const APC = '.1.3.6.1.4.1.318.1.1';
  const R2 = `${APC}.26`;
  const out: Line[] = [];
  const row = (entry: string, index: number, cols: Record<number, [Line[1], number | string]>) => {
    for (const [c, [type, value]] of Object.entries(cols)) out.push([`${entry}.${c}.${index}`, type, value]);
  };
  const I = 'integer' as const;
  const S = 'octet_str' as const;
  const G = 'uinteger' as const;
  const outlets = Array.from({ length: OUTLETS }, (_, k) => outletValues(k + 1));
  const bankTenths = (b: number) => outlets.filter((o) => o.bank === b).reduce((s, o) => s + o.tenthsA, 0);
  const totalTenths = outlets.reduce((s, o) => s + o.tenthsA, 0);
  const totalWatts = outlets.reduce((s, o) => s + o.watts, 0);

  // sPDUIdent and rPDUIdent scalars.
  out.push([`${APC}.4.1.4.0`, S, 'AP8941'], [`${APC}.4.1.5.0`, S, 'ZA1234567890']);
  out.push([`${APC}.12.1.3.0`, S, 'v6.5.6'], [`${APC}.12.1.5.0`, S, 'AP8941'], [`${APC}.12.1.6.0`, S, 'ZA1234567890'], [`${APC}.12.1.15.0`, I, -1], [`${APC}.12.1.16.0`, I, totalWatts]);
  // rPDU2IdentTable, rPDU2DeviceStatusTable (one device).
  row(`${R2}.2.1`, 1, { 1: [I, 1], 2: [I, 1], 3: [S, PDU_NAME], 6: [S, 'v6.5.6'], 8: [S, 'AP8941'], 9: [S, 'ZA1234567890'] });
  row(`${R2}.4.3.1`, 1, { 1: [I, 1], 2: [I, 1], 3: [S, PDU_NAME], 4: [I, 2], 5: [I, Math.round(totalWatts / 10)], 9: [I, 123456] });
  // rPDU2PhaseStatusTable (one phase).
  row(`${R2}.6.3.1`, 1, { 1: [I, 1], 2: [I, 1], 3: [I, 1], 4: [I, 2], 5: [I, totalTenths], 6: [I, 230], 7: [I, Math.round(totalWatts / 10)] });
  // rPDU2BankPropertiesTable, rPDU2BankStatusTable.
  for (let b = 1; b <= BANKS; b++) row(`${R2}.8.2.1`, b, { 1: [I, b], 2: [I, 1], 3: [I, b], 4: [I, 1], 5: [I, 20] });
  for (let b = 1; b <= BANKS; b++) row(`${R2}.8.3.1`, b, { 1: [I, b], 2: [I, 1], 3: [I, b], 4: [I, 2], 5: [I, bankTenths(b)] });
  // Outlet tables, 48 rows each.
  for (const [k, o] of outlets.entries()) {
    const i = k + 1;
    row(`${R2}.9.2.2.1`, i, { 1: [I, i], 2: [I, 1], 3: [S, o.name], 4: [I, i], 5: [I, 1], 6: [I, o.bank] });
    row(`${R2}.9.2.3.1`, i, { 1: [I, i], 2: [I, 1], 3: [S, o.name], 4: [I, i], 5: [I, 2], 6: [I, 2] });
    row(`${R2}.9.4.2.1`, i, { 1: [I, i], 2: [I, 1], 3: [S, o.name], 4: [I, i], 5: [I, 1], 6: [I, 2300], 7: [I, o.bank] });
    row(`${R2}.9.4.3.1`, i, { 1: [I, i], 2: [I, 1], 3: [S, o.name], 4: [I, i], 5: [I, 2], 6: [I, o.tenthsA], 7: [I, o.watts], 8: [I, o.watts + 10], 11: [I, o.energy] });
    row(`${APC}.4.4.2.1`, i, { 1: [I, i], 2: [I, 2], 3: [I, 1], 4: [S, o.name] });
  }
  // rPDULoadStatusTable: the phase total (bank 0), then one row per bank.
  row(`${APC}.12.2.3.1.1`, 1, { 1: [I, 1], 2: [G, totalTenths], 3: [I, 1], 4: [I, 1], 5: [I, 0] });
  for (let b = 1; b <= BANKS; b++) row(`${APC}.12.2.3.1.1`, b + 1, { 1: [I, b + 1], 2: [G, bankTenths(b)], 3: [I, 1], 4: [I, 1], 5: [I, b] });
  return out;
}

function snmpdConfig(port: number): string {
  const lines = [
    `agentaddress udp:127.0.0.1:${port}`,
    `rocommunity ${COMMUNITY} 127.0.0.1`,
    'dontLogTCPWrappersConnects yes',
    ...pduObjects().map(([oid, type, value]) => `override ${oid} ${type} ${type === 'octet_str' ? JSON.stringify(value) : value}`),
  ];
  return `${lines.join('\n')}\n`;
}


export interface Agent {
  port: number;
  dir: string;
  env: NodeJS.ProcessEnv;
  stop(): Promise<void>;
}

/** snmpd on a free loopback port serving the 48-outlet PDU; stop() ends it and removes its files. */
export async function startSnmpd(): Promise<Agent> {
  if (!existsSync(SNMPD) || !existsSync(SNMPBULKWALK)) throw new Error(`${SNMPD} and ${SNMPBULKWALK} are needed: apt-get install -y snmpd snmp`);
  const dir = mkdtempSync(join(tmpdir(), 'breakerbox-bench-snmpd-'));
  const port = await freeUdpPort();
  const conf = join(dir, 'snmpd.conf');
  writeFileSync(conf, snmpdConfig(port));
  mkdirSync(join(dir, 'persist'));
  // No MIB files: snmpd needs none to serve overrides, and it keeps the log quiet.
  const env = { ...process.env, SNMP_PERSISTENT_DIR: join(dir, 'persist'), MIBS: '', MIBDIRS: join(dir, 'no-mibs') };
  const child: ChildProcess = spawn(SNMPD, ['-f', '-Lo', '-C', '-c', conf], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const keep = (d: Buffer) => { if (log.length < 20_000) log += d.toString(); };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const stop = async () => {
    await stopChild(child);
    rmSync(dir, { recursive: true, force: true });
  };
  const probe = snmp.createSession('127.0.0.1', COMMUNITY, { port, timeout: 200, retries: 0, version: snmp.Version2c });
  probe.on('error', () => {});
  try {
    const deadline = Date.now() + 15_000;
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`snmpd exited (${child.exitCode ?? child.signalCode}):\n${log}`);
      const name = await new Promise<unknown>((r) => probe.get(['1.3.6.1.4.1.318.1.1.26.2.1.3.1'], (err, vbs) => r(err ? null : vbs?.[0]?.value)));
      if (Buffer.isBuffer(name) && name.toString() === PDU_NAME) break;
      if (Date.now() > deadline) throw new Error(`snmpd did not answer on 127.0.0.1:${port}:\n${log}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } catch (error) {
    probe.close();
    await stop();
    throw error;
  }
  probe.close();
  return { port, dir, env, stop };
}

/** A client that passes every call through and notes what readDevice asked for. */
class RecordingClient implements SnmpClient {
  readonly gets: string[][] = [];
  readonly subtrees: { oid: string; options: WalkOptions | undefined }[] = [];
  readonly answers = new Map<string, SnmpResult<Varbind[]>>();
  constructor(private readonly inner: SnmpClient) {}
  async get(oids: string[]) {
    this.gets.push(oids);
    const r = await this.inner.get(oids);
    this.answers.set(`get ${oids.join(',')}`, r);
    return r;
  }
  getNext(oids: string[]): Promise<SnmpResult<Varbind[]>> {
    throw new Error(`bench: readDevice used getNext(${oids.join(',')}); the bare baseline does not replicate it`);
  }
  async subtree(oid: string, options?: WalkOptions) {
    this.subtrees.push({ oid, options });
    const r = await this.inner.subtree(oid, options);
    this.answers.set(`subtree ${oid}`, r);
    return r;
  }
  close() {
    this.inner.close();
  }
}

/** Answers from memory what a RecordingClient saw: isolates decode + normalize + store from I/O. */
class ReplayClient implements SnmpClient {
  constructor(private readonly answers: Map<string, SnmpResult<Varbind[]>>) {}
  private answer(key: string): Promise<SnmpResult<Varbind[]>> {
    const r = this.answers.get(key);
    if (!r) throw new Error(`bench: no recorded answer for ${key}`);
    return Promise.resolve(r);
  }
  get(oids: string[]) { return this.answer(`get ${oids.join(',')}`); }
  getNext(oids: string[]) { return this.answer(`getNext ${oids.join(',')}`); }
  subtree(oid: string) { return this.answer(`subtree ${oid}`); }
  close() {}
}

function check(reading: DeviceReading): void {
  const fail = (what: string) => { throw new Error(`bench pdu-poll-cpu: wrong reading: ${what}`); };
  if (reading.outlets.length !== OUTLETS) fail(`${reading.outlets.length} outlets, expected ${OUTLETS}`);
  if (reading.banks.length !== BANKS) fail(`${reading.banks.length} banks, expected ${BANKS}`);
  if (reading.phases.length !== 1) fail(`${reading.phases.length} phases, expected 1`);
  if (reading.badValues !== 0) fail(`${reading.badValues} bad values`);
  if (reading.identity.model !== 'AP8941' || reading.identity.name !== PDU_NAME) fail(`identity ${JSON.stringify(reading.identity)}`);
  for (const [k, o] of reading.outlets.entries()) {
    const v = outletValues(k + 1);
    const ok = o.index === k + 1 && o.state === 'on' && o.bank === v.bank && o.name === v.name && o.loadState === 'normal'
      && o.current.value === v.tenthsA / 10 && o.power.value === v.watts && o.energy.value === Math.round(v.energy * 0.1 * 1e6) / 1e6;
    if (!ok) fail(`outlet ${k + 1}: ${JSON.stringify(o)} (expected ${JSON.stringify(v)})`);
  }
  for (const b of reading.banks) if (b.rating.value !== 20 || b.breaker === 'tripped' || b.current.quality !== 'ok') fail(`bank ${JSON.stringify(b)}`);
  const p = reading.phases[0]!;
  if (p.voltage.value !== 230 || p.current.quality !== 'ok' || p.power.quality !== 'ok') fail(`phase ${JSON.stringify(p)}`);
}

const cpuMs = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1000;

/** Runs `poll` n times in a row; CPU (this process) and wall, summed. */
async function timed(n: number, poll: () => Promise<void>): Promise<{ cpuMs: number; wallMs: number }> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await poll();
  const wallMs = performance.now() - t0;
  return { cpuMs: cpuMs(process.cpuUsage(c0)), wallMs };
}

/** `times` output of bash: the line for its children, "0m0.123s 0m0.045s" → ms. */
function parseChildTimes(out: string): number {
  const lines = out.trim().split('\n');
  const m = /(\d+)m([\d.]+)s\s+(\d+)m([\d.]+)s/.exec(lines.at(-1) ?? '');
  if (!m) throw new Error(`bench: cannot read bash times output: ${out}`);
  return (Number(m[1]) * 60 + Number(m[2]) + Number(m[3]) * 60 + Number(m[4])) * 1000;
}

export async function pduPollCpu(polls = 300, warmup = 30, rounds = 10, walkPolls = polls): Promise<PduPollCpuResult> {
  const agent = await startSnmpd();
  const target = { host: '127.0.0.1', port: agent.port, credentials: { version: '2c' as const, community: COMMUNITY }, timeoutMs: 2_000, retries: 1 };
  const client = new NetSnmpClient(target);
  const session = snmp.createSession('127.0.0.1', COMMUNITY, { port: agent.port, timeout: 2_000, retries: 1, backoff: 1, version: snmp.Version2c });
  session.on('error', () => {});
  const store = new StateStore();
  try {
    // One recorded poll: the exact requests readDevice makes, and the reading to check.
    const recorder = new RecordingClient(client);
    const first = await readDevice(recorder, apcRpdu2);
    if (!first.ok) throw new Error(`bench pdu-poll-cpu: readDevice failed: ${first.error}`);
    check(first.value);
    const gets = recorder.gets;
    const walks = recorder.subtrees.map(({ oid, options }) => ({ oid, maxRepetitions: options?.maxRepetitions ?? 20 }));
    if (recorder.subtrees.some((w) => w.options?.getNext)) throw new Error('bench: the profile walks with GETNEXT; the bare baseline assumes GETBULK');

    const breakerbox = async () => {
      const r = await readDevice(client, apcRpdu2);
      if (!r.ok) throw new Error(`bench pdu-poll-cpu: poll failed: ${r.error}`);
      store.recordPdu(PDU_NAME, Date.now(), { ok: true, reading: r.value });
    };
    // The same requests with raw net-snmp: one GET per scalar chunk, one subtree per column, all at once; no decoding.
    let varbinds = 0;
    const bare = async () => {
      await Promise.all([
        ...gets.map((oids) => new Promise<void>((res, rej) => session.get(oids, (err, vbs) => { if (err) rej(err); else { varbinds += vbs?.length ?? 0; res(); } }))),
        ...walks.map((w) => new Promise<void>((res, rej) => session.subtree(w.oid, w.maxRepetitions, (vbs: snmp.Varbind[]) => { varbinds += vbs.length; }, (err: Error | null) => (err ? rej(err) : res())))),
      ]);
    };
    // Count the requests of one bare poll (untimed).
    let requests = 0;
    const s = session as unknown as { get: (...a: unknown[]) => unknown; getBulk: (...a: unknown[]) => unknown };
    const [origGet, origBulk] = [s.get, s.getBulk];
    s.get = function (...a: unknown[]) { requests++; return origGet.apply(this, a); };
    s.getBulk = function (...a: unknown[]) { requests++; return origBulk.apply(this, a); };
    await bare();
    s.get = origGet;
    s.getBulk = origBulk;
    varbinds = 0;
    await bare();
    const varbindsPerPoll = varbinds;
    const replay = new ReplayClient(recorder.answers);
    const replayStore = new StateStore();
    const normalize = async () => {
      const r = await readDevice(replay, apcRpdu2);
      if (!r.ok) throw new Error('replay failed');
      replayStore.recordPdu(PDU_NAME, Date.now(), { ok: true, reading: r.value });
    };

    // Warm up everything (JIT, sockets, agent caches), then alternate in rounds so drift hits all alike.
    await timed(warmup, bare);
    await timed(warmup, breakerbox);
    await timed(warmup, normalize);
    const sum = { bare: { cpuMs: 0, wallMs: 0 }, breakerbox: { cpuMs: 0, wallMs: 0 }, normalize: { cpuMs: 0, wallMs: 0 } };
    const roundRatios: number[] = [];
    let done = 0;
    for (let r = 0; r < rounds; r++) {
      const n = Math.round((polls * (r + 1)) / rounds) - done;
      done += n;
      const a = await timed(n, bare);
      const b = await timed(n, breakerbox);
      const c = await timed(n, normalize);
      for (const [k, v] of [['bare', a], ['breakerbox', b], ['normalize', c]] as const) {
        sum[k].cpuMs += v.cpuMs;
        sum[k].wallMs += v.wallMs;
      }
      roundRatios.push(b.cpuMs / a.cpuMs);
    }
    const per = (x: { cpuMs: number; wallMs: number }, n: number): PerPoll => ({ cpuMs: x.cpuMs / n, wallMs: x.wallMs / n });

    const emptyColumns = walks.filter((w) => { const a = recorder.answers.get(`subtree ${w.oid}`); return a?.ok && a.value.length === 0; }).map((w) => w.oid);
    const walk = await bulkwalkProcesses(agent, gets, walks, varbindsPerPoll, emptyColumns.length, warmup, walkPolls);
    return {
      polls, warmup, rounds, walkPolls,
      columns: walks.length,
      emptyColumns,
      scalars: gets.reduce((n, g) => n + g.length, 0),
      requestsPerPoll: requests,
      varbindsPerPoll,
      bare: per(sum.bare, polls),
      breakerbox: per(sum.breakerbox, polls),
      normalizeOnly: per(sum.normalize, polls),
      roundRatios,
      snmpbulkwalk: walk,
    };
  } finally {
    client.close();
    session.close();
    await agent.stop();
  }
}

/**
 * Net-SNMP's own tools doing the same poll: one snmpbulkwalk per column (-Cr = the same
 * max-repetitions) and one snmpget for the scalars, all started at once by one bash, whose
 * `times` reports its children's user+sys (process start included).
 */
async function bulkwalkProcesses(agent: Agent, gets: string[][], walks: { oid: string; maxRepetitions: number }[], expected: number, empty: number, warmup: number, polls: number): Promise<PerPoll & { processes: number }> {
  const common = `-v2c -c ${COMMUNITY} -r1 -t2 -On`;
  const addr = `127.0.0.1:${agent.port}`;
  const cmds = [
    ...gets.map((oids) => `${SNMPGET} ${common} ${addr} ${oids.join(' ')}`),
    // (On an empty subtree snmpbulkwalk also GETs the subtree's own OID and prints "No Such Object": it has no option not to.)
    ...walks.map((w) => `${SNMPBULKWALK} ${common} -Cr${w.maxRepetitions} ${addr} ${w.oid}`),
  ];
  const out = join(agent.dir, 'walk-out');
  mkdirSync(out);
  const script = `${cmds.map((c, i) => `${c} >${out}/${i} 2>&1 &`).join('\n')}\nwait\ntimes\n`;
  const env = agent.env;
  const once = () => new Promise<{ cpuMs: number; wallMs: number }>((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn('/bin/bash', ['-c', script], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    let text = '';
    child.stdout.on('data', (d: Buffer) => { text += d.toString(); });
    child.once('error', reject);
    child.once('close', (code) => {
      const wallMs = performance.now() - t0;
      if (code !== 0) return reject(new Error(`bench: snmp tools exited ${code}`));
      try { resolve({ cpuMs: parseChildTimes(text), wallMs }); } catch (e) { reject(e); }
    });
  });
  // Check once that the tools printed every value the bare walk got.
  await once();
  const count = (pattern: string) => Number(spawnSync('/bin/bash', ['-c', `cat ${out}/* | grep -ci '${pattern}' || true`], { encoding: 'utf8' }).stdout.trim());
  const noSuch = count('= No Such');
  const lines = count(' = ') - noSuch;
  const bad = count('timeout\\|error') + Math.max(0, noSuch - empty);
  if (lines !== expected || bad !== 0) throw new Error(`bench: snmp tools printed ${lines} values (expected ${expected}), ${bad} errors`);
  for (let i = 0; i < warmup; i++) await once();
  let cpu = 0;
  let wall = 0;
  for (let i = 0; i < polls; i++) {
    const r = await once();
    cpu += r.cpuMs;
    wall += r.wallMs;
  }
  return { cpuMs: cpu / polls, wallMs: wall / polls, processes: cmds.length };
}

export function formatPduPollCpu(r: PduPollCpuResult): string {
  const f = (x: number) => x.toFixed(2).padStart(6);
  const base = r.bare.cpuMs;
  const ratio = (x: number) => `${(x / base).toFixed(2)} ×`;
  const wall = (p: PerPoll) => `${f(p.wallMs)} ms wall`;
  const bb = r.breakerbox.cpuMs / base;
  return [
    `PDU poll CPU, 48-outlet APC-shaped table from snmpd (${r.polls} polls after ${r.warmup} warm-up, ${r.rounds} alternating rounds)`,
    `  one poll = ${r.columns} column subtrees${r.emptyColumns.length ? ` (${r.emptyColumns.length} empty here: ${r.emptyColumns.join(', ')})` : ''} + ${r.scalars} scalars = ${r.requestsPerPoll} SNMP requests, ${r.varbindsPerPoll} values`,
    `  bare net-snmp subtree walk      ${f(base)} ms CPU/poll ${wall(r.bare)}   (baseline)`,
    `  Breakerbox readDevice + store   ${f(r.breakerbox.cpuMs)} ms CPU/poll ${wall(r.breakerbox)}   = ${ratio(r.breakerbox.cpuMs)} baseline   (target ≤ 1.25×: ${bb <= 1.25 ? 'met' : 'NOT met'})`,
    `    per round                     ${r.roundRatios.map((x) => x.toFixed(2)).join(', ')} ×`,
    `    of which decode+normalize+store, replayed without I/O: ${f(r.normalizeOnly.cpuMs)} ms CPU/poll = ${ratio(r.normalizeOnly.cpuMs)} baseline`,
    `  snmpbulkwalk (process)          ${f(r.snmpbulkwalk.cpuMs)} ms CPU/poll ${wall(r.snmpbulkwalk)}   = ${ratio(r.snmpbulkwalk.cpuMs)} baseline   (${r.snmpbulkwalk.processes} processes/poll: ${r.snmpbulkwalk.processes - r.columns} snmpget + ${r.columns} snmpbulkwalk, ${(r.snmpbulkwalk.cpuMs / r.snmpbulkwalk.processes).toFixed(1)} ms each; ${r.walkPolls} polls)`,
  ].join('\n');
}
