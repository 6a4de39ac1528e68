// The trap path, measured on this machine in this run:
//
// (a) Latency: an APC outletOff trap leaving the sender → the node gone from the membership file
//     (<stateDir>/var/pools/scanners.members), confirming poll included. The demo data center with
//     a 60 s poll interval, so only the trap path can drain within a trial. Per trial one
//     single-corded scanner's outlet on dal3-r07-a is switched off in the simulator WITHOUT its own
//     traps: the app runs with simulate: false and the bench runs the Simulator itself with
//     SimulatorOptions.trapTarget = null (the app's own simulator would send the trap itself; it has
//     no switch for that). Then the bench sends the trap, pre-encoded, from a socket bound to the
//     PDU's address 127.3.7.1 and watches the file (fs.watch on its directory, plus a 2 ms read
//     fallback; the backend writes by rename). Then the fault is cleared, the node re-admitted
//     (poll + reload) and the full poll that follows a quick confirmation done before the next
//     trial. The first trial after start runs cold (JIT, first statements) and is reported apart.
//     Breakdown from hooks on the app's objects (no src change): the pipeline's call of
//     poller.confirmPdu (trap received, checked, decoded, classified, journaled), its resolution
//     (the confirming read of the PDU done), the drain event, the file; and, for comparison, one
//     GET of just that outlet's state. Run twice:
//     simulated devices in Breakerbox's process (as `breakerbox demo` runs them) and in a process of
//     their own (bench/traps-sim.ts; a real PDU is another machine).
//
// (b) Throughput: the highest trap rate with zero loss through the whole receive path (allow-list,
//     rate limit, decode, v3 auth + decrypt, attribute, classify, journal, batch/confirm with a stub
//     poller that never polls), v2c and v3 authPriv (SHA + AES-128), beside Net-SNMP's snmptrapd
//     with no handler, counted by what it logs to a file ("lean" and "stock" set-ups, see
//     SnmptrapdMode), all fed the same pre-encoded packets by the same sender process
//     (bench/traps-sender.ts), loopback only, 127.3.7.1 → 127.0.0.1. One source address, so the
//     receiver's perSourceRate is set out of the way (1e9/s). A step passes when nothing is lost
//     AND the receiver keeps up: when the sender stops, at most 100 ms of traffic is still queued
//     (a 2 s step could otherwise hide a slower receiver in the 8 MiB socket buffer). A failed step
//     is retried once; a series stops at the first step that fails twice. CPU per trap is reported
//     too: on a shared machine it is steadier than the zero-loss step.
//
// Profile the receiving side (it runs in the bench's own process; the sender and snmptrapd do not):
//   node --cpu-prof --import tsx bench/run.ts --only traps --trap-trials 0 --trap-rates 20000,20000 --trap-receivers breakerbox
import { fork, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, watch, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg as osLoadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { startApp, type App } from '../src/app.js';
import { systemClock } from '../src/clock.js';
import { trapsSchema, type Config } from '../src/config/schema.js';
import { EventLog } from '../src/events/event-log.js';
import { Topology } from '../src/health/topology.js';
import { profiles } from '../src/profiles/index.js';
import { Simulator } from '../src/sim/simulator.js';
import { NetSnmpClient, parseAddress } from '../src/snmp/snmp-client.js';
import { StateStore } from '../src/state/state-store.js';
import { TrapClassifier } from '../src/traps/classify.js';
import { MibNames } from '../src/traps/mib-names.js';
import { TrapPipeline } from '../src/traps/trap-pipeline.js';
import { TrapReceiver } from '../src/traps/trap-receiver.js';
import { demoConfig, waitFor } from '../test/helpers/demo-config.js';
import { encodeTraps, type PacketSpec, type V3User } from './trap-packets.js';
import type { SenderCommand, SenderReply } from './traps-sender.js';
import type { SimCommand, SimReply } from './traps-sim.js';
import { stopChild } from '../test/helpers/child-process.js';
import { freeUdpPort } from '../test/helpers/ports.js';

const PDU = 'dal3-r07-a';
const PDU_ADDRESS = '127.3.7.1';
/** dal3-r07-a outlet n feeds the single-corded scan-(056 + n), n = 1..20. */
const SINGLE_OUTLETS = 20;
const nodeOn = (outlet: number) => `scan-${String(56 + outlet).padStart(3, '0')}`;
const COMMUNITY = 'public';
/** PowerNet-MIB rPDU2OutletSwitchedStatusState (1 off, 2 on), the column the apc-rpdu2 profile reads outlet states from. */
const OUTLET_STATE = '1.3.6.1.4.1.318.1.1.26.9.2.3.1.5';
const USER: V3User = { name: 'benchuser', authPassword: 'bench-auth-pass', privPassword: 'bench-priv-pass' };
const ENGINE_ID = '8000B98380' + 'b4e4c4b0c5e4b0c5e4b0c5e4'; // enterprise 0x00B983 (net-snmp's), 12 fixed bytes
const SNMPTRAPD = '/usr/sbin/snmptrapd';

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};

/** A bench child process over IPC: one command, one reply, in order. */
class Child<Cmd, Reply> {
  private readonly waiting: ((r: Reply | Error) => void)[] = [];
  private constructor(private readonly child: ChildProcess) {
    child.on('message', (r: Reply) => this.waiting.shift()?.(r));
    child.once('exit', (code, signal) => { for (const w of this.waiting.splice(0)) w(new Error(`child exited (${code ?? signal})`)); });
  }

  /** A TypeScript file next to this one, run by tsx; its own execArgv, so a --cpu-prof given to the bench profiles only the bench. */
  static fork<C, R>(file: string): Child<C, R> {
    return new Child(fork(fileURLToPath(new URL(file, import.meta.url)), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
  }

  ask(cmd: Cmd, timeoutMs: number): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`child: no answer in ${timeoutMs} ms`)), timeoutMs);
      this.waiting.push((r) => {
        clearTimeout(timer);
        if (r instanceof Error) reject(r);
        else resolve(r);
      });
      this.child.send(cmd as object);
    });
  }

  stop(): Promise<void> {
    return stopChild(this.child);
  }
}

// ───────────────────────────── (a) latency ─────────────────────────────

/** Where the simulated devices run: sharing Breakerbox's process (as `breakerbox demo` runs them), or in a process of their own. */
export type SimPlace = 'in-process' | 'own-process';

interface SimHandle {
  inject(spec: object): Promise<string>;
  clear(id: string): Promise<void>;
  stop(): Promise<void>;
}

/** The simulated data center, silent: SimulatorOptions.trapTarget = null, so the only trap is the bench's. */
async function startSim(place: SimPlace, config: Config, snmpPort: number): Promise<SimHandle> {
  if (place === 'in-process') {
    const sim = new Simulator(config, { trapTarget: null });
    await sim.start();
    return { inject: async (spec) => sim.injectFault(spec).id, clear: async (id) => { sim.clearFault(id); }, stop: () => sim.stop() };
  }
  const child = Child.fork<SimCommand, SimReply>('./traps-sim.ts');
  const ask = async (cmd: SimCommand) => {
    const r = await child.ask(cmd, 30_000);
    if (r.type === 'failed') throw new Error(`simulator process: ${r.error}`);
    return r;
  };
  try {
    await ask({ type: 'start', snmpPort });
  } catch (err) {
    await child.stop();
    throw err;
  }
  return {
    inject: async (spec) => (await ask({ type: 'inject', spec })).id!,
    clear: async (id) => { await ask({ type: 'clear', id }); },
    stop: () => child.stop(),
  };
}

export interface LatencyTrial {
  outlet: number;
  node: string;
  /** Trap sent → node absent from the membership file. */
  totalMs: number;
  /** Trap sent → the pipeline asks for the confirming poll (receive, checks, decode, classify, journal). */
  toConfirmMs: number;
  /** The confirming poll of the PDU (walk of its tables), until it resolved. */
  pollMs: number;
  /** Poll resolved → drain decided (event); may be ≤ 0: the store's change listener runs before the poll's promise settles. */
  toDrainMs: number;
  /** Drain decided → the file observed without the node (backend write by rename + the watcher). */
  toFileMs: number;
  /** Which watcher saw the file first. */
  seenBy: 'watch' | 'stat';
  /** For comparison, after the trial: one GET of the outlet's rPDU2OutletSwitchedStatusState from the same agent. */
  getMs: number;
}

export interface TrapLatencyResult {
  place: SimPlace;
  trials: LatencyTrial[];
  /** The first trial after start, not counted: cold code paths (JIT, first statements prepared, first GET served). */
  warmup: LatencyTrial | null;
  pollIntervalMs: number;
}

/** Resolves with performance.now() when `node` is not listed in `file`; fs.watch on the directory plus a fast read fallback. */
function whenGone(file: string, node: string, timeoutMs: number): Promise<{ at: number; seenBy: 'watch' | 'stat' }> {
  const dir = join(file, '..');
  const base = file.slice(dir.length + 1);
  return new Promise((resolve, reject) => {
    let done = false;
    const gone = (): boolean => {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch {
        return false;
      }
      return !text.split('\n').includes(node);
    };
    const finish = (result: { at: number; seenBy: 'watch' | 'stat' } | Error) => {
      if (done) return;
      done = true;
      watcher.close();
      clearInterval(poll);
      clearTimeout(timer);
      if (result instanceof Error) reject(result);
      else resolve(result);
    };
    const watcher = watch(dir, (_event, name) => {
      if (!done && (name === null || name === base) && gone()) finish({ at: performance.now(), seenBy: 'watch' });
    });
    watcher.on('error', (err) => finish(err));
    const poll = setInterval(() => { if (!done && gone()) finish({ at: performance.now(), seenBy: 'stat' }); }, 2);
    const timer = setTimeout(() => finish(new Error(`${node} still in ${file} after ${timeoutMs} ms`)), timeoutMs);
  });
}

function bindSocket(address: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = createSocket('udp4');
    s.once('error', reject);
    s.bind(0, address, () => { s.off('error', reject); resolve(s); });
  });
}

export async function trapLatency(trials: number, place: SimPlace = 'in-process', snmpPort = place === 'in-process' ? 23181 : 23183): Promise<TrapLatencyResult> {
  const { config, stateDir } = demoConfig({ snmpPort, pollInterval: '60s', holdDown: '0s' });
  const trapPort = config.settings.traps.port;
  const membersFile = join(stateDir, 'var/pools/scanners.members');
  const active = () => { try { return new Set(readFileSync(membersFile, 'utf8').split('\n').filter(Boolean)); } catch { return new Set<string>(); } };
  let sim: SimHandle | null = null;
  let app: App | null = null;
  let sender: Socket | null = null;
  let getter: NetSnmpClient | null = null;
  const out: LatencyTrial[] = [];
  try {
    // The simulated devices bind before the app polls them.
    sim = await startSim(place, config, snmpPort);
    app = await startApp({ config, stateDir, logLevel: 'silent', simulate: false });
    const a = app;
    if (!a.traps) throw new Error('traps are not enabled in the demo config');
    sender = await bindSocket(PDU_ADDRESS);
    const pduConfig = config.pdus.find((p) => p.name === PDU)!;
    getter = new NetSnmpClient({ ...parseAddress(pduConfig.address), credentials: pduConfig.snmp, timeoutMs: 2_000, retries: 0 });
    // outletOff for outlets 1..20, v2c, as the PDU sends it; encoded before any timing.
    const packets = encodeTraps({ version: '2c', community: config.settings.traps.communities[0]! }, SINGLE_OUTLETS);
    await waitFor('all 80 scanners active and the PDU polled', () => active().size === 80 && a.store.pdu(PDU)?.reachable === true, 30_000, 50);

    // Hooks on the app's objects, for the breakdown: the pipeline calls poller.confirmPdu to confirm.
    const poller = a.poller;
    const pollSince = poller.pollSince.bind(poller);
    const confirmPdu = poller.confirmPdu.bind(poller);
    interface Marks { confirm?: number; polled?: number; drain?: number }
    let mark = null as Marks | null;
    poller.confirmPdu = async (name, since, outlets) => {
      const m = mark;
      if (m && name === PDU) m.confirm ??= performance.now();
      try {
        return await confirmPdu(name, since, outlets);
      } finally {
        if (m && name === PDU) m.polled ??= performance.now();
      }
    };
    const unsubscribe = a.events.subscribe((e) => { if (mark && e.type === 'drain') mark.drain ??= performance.now(); });
    try {
      for (let i = 0; i <= trials; i++) {
        const outlet = (i % SINGLE_OUTLETS) + 1;
        const node = nodeOn(outlet);
        const accepted = a.traps.stats().accepted;
        const fault = await sim.inject({ kind: 'outlet-off', pdu: PDU, outlet });
        // The outlet reads off at once; give the PDU's card a moment before it "sends" its trap.
        await new Promise((r) => setTimeout(r, 20));
        const m: Marks = {};
        mark = m;
        const seen = whenGone(membersFile, node, 10_000);
        const t0 = performance.now();
        sender.send(packets[outlet - 1]!, trapPort, '127.0.0.1');
        const { at, seenBy } = await seen;
        mark = null;
        if (m.confirm === undefined || m.polled === undefined || m.drain === undefined) throw new Error(`trial ${i}: the drain did not come by the trap path (${JSON.stringify(m)})`);
        if (a.traps.stats().accepted !== accepted + 1) throw new Error(`trial ${i}: ${a.traps.stats().accepted - accepted} traps accepted, expected 1`);
        // What a confirmation of just this outlet would cost: one GET (1 = off).
        const g0 = performance.now();
        const got = await getter.get([`${OUTLET_STATE}.${outlet}`]);
        const getMs = performance.now() - g0;
        if (!got.ok || got.value[0]?.value !== 1) throw new Error(`trial ${i}: outlet ${outlet} state read ${JSON.stringify(got)}`);
        out.push({
          outlet, node, totalMs: at - t0, toConfirmMs: m.confirm - t0, pollMs: m.polled - m.confirm,
          toDrainMs: m.drain - m.polled, toFileMs: at - m.drain, seenBy, getMs,
        });
        // Power back, then reload until the node is re-admitted.
        await sim.clear(fault);
        await waitFor(`${node} re-admitted`, async () => {
          await pollSince('pdu', PDU, Date.now());
          await pollSince('node', node, Date.now());
          await a.reloader.reloadNow('bench');
          await a.controller.settle();
          return active().has(node) && active().size === 80;
        }, 30_000, 20);
        // The full poll that follows a quick confirmation (250 ms on) belongs to this trial: it must
        // not land in the next one, where it would measure the simulator's cost, not Breakerbox's.
        await sleep(Math.max(0, m.confirm + 300 - performance.now()));
        await pollSince('pdu', PDU, Date.now());
      }
    } finally {
      unsubscribe();
      poller.confirmPdu = confirmPdu;
    }
  } finally {
    sender?.close();
    getter?.close();
    await app?.stop();
    await sim?.stop();
    rmSync(stateDir, { recursive: true, force: true });
  }
  return { place, trials: out.slice(1), warmup: out[0] ?? null, pollIntervalMs: config.settings.pollInterval };
}

export function formatTrapLatency(r: TrapLatencyResult): string {
  const t = r.trials;
  if (t.length === 0) return 'trap → drained: no trials';
  const f = (x: number) => `${x.toFixed(1)} ms`;
  const row = (label: string, xs: number[]) => `  ${label.padEnd(34)} p50 ${f(quantile(xs, 0.5)).padStart(9)}   p99 ${f(quantile(xs, 0.99)).padStart(9)}   max ${f(Math.max(...xs)).padStart(9)}`;
  const total = t.map((x) => x.totalMs);
  const p99 = quantile(total, 0.99);
  const byWatch = t.filter((x) => x.seenBy === 'watch').length;
  return [
    `trap → drained in the membership file, simulated devices ${r.place === 'in-process' ? 'in Breakerbox\'s process (as `breakerbox demo` runs them)' : 'in a process of their own (as real PDUs are other machines)'}`,
    `  (demo, poll interval ${(r.pollIntervalMs / 1000).toFixed(0)} s so only the trap path drains; ${t.length} trials, one single-corded scanner per trial, outletOff v2c from ${PDU_ADDRESS})`,
    row('total (trap sent → file)', total),
    row('  trap → confirming poll asked', t.map((x) => x.toConfirmMs)),
    row('  confirming poll of the PDU', t.map((x) => x.pollMs)),
    row('  poll done → drain decided', t.map((x) => x.toDrainMs)),
    row('  drain decided → file seen', t.map((x) => x.toFileMs)),
    `  target p99 < 50 ms: ${p99 < 50 ? 'met' : 'NOT met'} (p99 ${f(p99)}); file change seen first by fs.watch in ${byWatch} of ${t.length} trials, by the 2 ms read fallback in ${t.length - byWatch}`,
    `  without the confirming poll (trap → asked + poll done → file)   p50 ${f(quantile(t.map((x) => x.totalMs - x.pollMs), 0.5))}   p99 ${f(quantile(t.map((x) => x.totalMs - x.pollMs), 0.99))}`,
    row('for comparison: one GET of the outlet state', t.map((x) => x.getMs)),
    ...(r.warmup ? [`  first trap after start, not counted above (cold code paths): total ${f(r.warmup.totalMs)} (to confirming poll ${f(r.warmup.toConfirmMs)}, poll ${f(r.warmup.pollMs)}, to drain ${f(r.warmup.toDrainMs)}, to file ${f(r.warmup.toFileMs)})`] : []),
  ].join('\n');
}

// ───────────────────────────── (b) throughput ─────────────────────────────

export interface RateStep {
  rate: number;
  attempt: number;
  sent: number;
  /** What the sender achieved: sent / its elapsed time. */
  sendRate: number;
  received: number;
  lost: number;
  /** Traffic still queued when the sender stopped, in ms of the step's rate. */
  lagMs: number;
  /** Receiver CPU over the sending time, % of one core. */
  cpuPct: number;
  /** Receiver CPU per trap received, µs (sending time and drain). */
  cpuUsPerTrap: number;
  /** Kernel UDP receive-buffer drops during the step (/proc/net/snmp RcvbufErrors, all sockets). */
  kernelDrops: number;
  /** Breakerbox's own drop counters by reason, if any. */
  refused: string;
  pass: boolean;
}

export interface Series {
  name: string;
  steps: RateStep[];
  /** Highest rate that passed, below the first rate that failed twice (null: none passed). */
  best: number | null;
  rcvbuf: number | null;
}

export interface SenderCheck {
  version: '2c' | '3';
  pool: number;
  meanBytes: number;
  encodeMs: number;
  rate: number;
  sendRate: number;
  received: number;
  sent: number;
  senderCpuPct: number;
}

export interface TrapThroughputResult {
  stepMs: number;
  rates: number[];
  perSourceRate: number;
  receiveBuffer: number;
  senderChecks: SenderCheck[];
  series: Series[];
  /** 1-minute load average before and after, and the CPUs: other work on the machine shows up as loss. */
  loadBefore: number;
  loadAfter: number;
  cpus: number;
}

/** The sender child process (bench/traps-sender.ts). */
class Sender {
  private constructor(private readonly child: Child<SenderCommand, SenderReply>) {}

  static start(): Sender {
    return new Sender(Child.fork('./traps-sender.ts'));
  }

  private async ask<T extends SenderReply['type']>(cmd: SenderCommand, want: T, timeoutMs: number): Promise<Extract<SenderReply, { type: T }>> {
    const r = await this.child.ask(cmd, timeoutMs);
    if (r.type !== want) throw new Error(`sender: ${r.type === 'failed' ? r.error : r.type}`);
    return r as Extract<SenderReply, { type: T }>;
  }

  prepare(spec: PacketSpec, count: number) {
    return this.ask({ type: 'prepare', spec, count }, 'prepared', 60_000);
  }

  blast(port: number, rate: number, durationMs: number) {
    return this.ask({ type: 'blast', source: PDU_ADDRESS, host: '127.0.0.1', port, rate, durationMs }, 'done', 2 * durationMs + 10_000);
  }

  stop(): Promise<void> {
    return this.child.stop();
  }
}

/** What a receiver under test offers the stepper. */
interface Counted {
  port: number;
  count(): number;
  /** CPU time of the receiving process so far, ms. */
  cpuMs(): number;
  refused(): string;
}

function rcvbufErrors(): number {
  const lines = readFileSync('/proc/net/snmp', 'utf8').split('\n').filter((l) => l.startsWith('Udp:'));
  const [head, values] = [lines[0]!.split(/\s+/), lines[1]!.split(/\s+/)];
  return Number(values[head.indexOf('RcvbufErrors')] ?? 0);
}

/** The receive buffer the kernel gave the socket on 127.0.0.1:port (ss's rb), or null. */
function rcvbuf(port: number): number | null {
  const r = spawnSync('ss', ['-uamn', 'sport', '=', `:${port}`], { encoding: 'utf8' });
  const m = /rb(\d+)/.exec(r.stdout ?? '');
  return m ? Number(m[1]) : null;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const loadavg = () => osLoadavg()[0]!;

async function step(sender: Sender, target: Counted, rate: number, attempt: number, durationMs: number): Promise<RateStep> {
  const base = target.count();
  const drops0 = rcvbufErrors();
  const cpu0 = target.cpuMs();
  const done = await sender.blast(target.port, rate, durationMs);
  const atEnd = target.count() - base;
  const cpuPct = ((target.cpuMs() - cpu0) / done.elapsedMs) * 100;
  // Drain: until everything arrived, or nothing more for 500 ms (at most 10 s).
  let last = target.count();
  let quietSince = performance.now();
  const deadline = performance.now() + 10_000;
  while (target.count() - base < done.sent && performance.now() - quietSince < 500 && performance.now() < deadline) {
    await sleep(20);
    const now = target.count();
    if (now !== last) { last = now; quietSince = performance.now(); }
  }
  const received = target.count() - base;
  const lost = done.sent - received;
  const cpuUsPerTrap = ((target.cpuMs() - cpu0) * 1000) / Math.max(1, received);
  const lagMs = ((done.sent - atEnd) / rate) * 1000;
  return {
    rate, attempt, sent: done.sent, sendRate: done.sent / (done.elapsedMs / 1000), received, lost, lagMs, cpuPct, cpuUsPerTrap,
    kernelDrops: rcvbufErrors() - drops0, refused: target.refused(),
    pass: lost === 0 && lagMs <= 100 && done.errors === 0,
  };
}

async function series(name: string, sender: Sender, target: Counted, rates: number[], durationMs: number, log: (s: string) => void): Promise<Series> {
  const steps: RateStep[] = [];
  let best: number | null = null;
  for (const rate of rates) {
    let passed = false;
    for (let attempt = 1; attempt <= 2 && !passed; attempt++) {
      const s = await step(sender, target, rate, attempt, durationMs);
      steps.push(s);
      log(`    ${name.padEnd(24)} ${formatStep(s)}`);
      passed = s.pass;
      await sleep(300);
    }
    if (!passed) break;
    best = rate;
  }
  return { name, steps, best, rcvbuf: rcvbuf(target.port) };
}

function formatStep(s: RateStep): string {
  const k = (x: number) => `${(x / 1000).toFixed(1)}k`;
  return `${k(s.rate).padStart(6)}/s${s.attempt > 1 ? ' (retry)' : '        '}  sent ${String(s.sent).padStart(6)} at ${k(s.sendRate)}/s  received ${String(s.received).padStart(6)}  lost ${String(s.lost).padStart(6)}  lag ${s.lagMs.toFixed(0).padStart(5)} ms  cpu ${s.cpuPct.toFixed(0).padStart(3)}% ${s.cpuUsPerTrap.toFixed(1).padStart(5)} µs/trap  kernel drops ${s.kernelDrops}${s.refused ? `  refused ${s.refused}` : ''}  ${s.pass ? 'ok' : 'FAIL'}`;
}

/** Breakerbox's receive path in this process: TrapReceiver → TrapPipeline, stub poller, real classifier. */
async function startBreakerbox(config: Config, perSourceRate: number): Promise<Counted & { stop(): Promise<void>; receiveBuffer: number }> {
  const settings = trapsSchema.parse({
    address: '127.0.0.1', port: await freeUdpPort(), communities: [COMMUNITY], allow: ['127.0.0.0/8'], perSourceRate,
    users: [{ user: USER.name, level: 'authPriv', authProtocol: 'sha', authKey: USER.authPassword, privProtocol: 'aes', privKey: USER.privPassword }],
  });
  const log = pino({ level: 'silent' });
  const topology = new Topology(config);
  const pipeline = new TrapPipeline({
    topology: () => topology, classifier: new TrapClassifier(profiles), names: () => MibNames.empty(),
    store: new StateStore(), poller: { pollSince: () => Promise.resolve(false), confirmPdu: () => Promise.resolve(false) }, events: new EventLog(systemClock, log),
    clock: systemClock, log,
  });
  let counted = 0;
  const receiver = new TrapReceiver(settings, (trap) => { pipeline.handle(trap); counted++; }, log);
  const port = await receiver.start();
  const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
  return {
    port, receiveBuffer: settings.receiveBuffer,
    count: () => counted,
    cpuMs: cpu,
    refused: () => Object.entries(receiver.stats.dropped).map(([k, v]) => `${k}=${v}`).join(','),
    stop: () => receiver.stop(),
  };
}

/**
 * How snmptrapd is set up. "lean": the least work it can be asked to do and still be counted: no MIBs,
 * notification log not retained, one 2-byte line per trap ("T"). "stock": as it ships, counted the
 * same way: its default log format (a header line and a varbind line per trap, OIDs formatted with
 * whatever MIBs the package finds) and its notification log retained.
 */
export type SnmptrapdMode = 'lean' | 'stock';

/** Net-SNMP's snmptrapd on a free port: no handler, logging each trap to a file, which is how it is counted; same receive buffer. */
async function startSnmptrapd(mode: SnmptrapdMode, receiveBuffer: number): Promise<Counted & { stop(): Promise<void> }> {
  if (!existsSync(SNMPTRAPD)) throw new Error(`${SNMPTRAPD} is needed: apt-get install -y snmptrapd`);
  const dir = mkdtempSync(join(tmpdir(), 'breakerbox-bench-snmptrapd-'));
  const port = await freeUdpPort();
  const conf = join(dir, 'snmptrapd.conf');
  const logFile = join(dir, 'traps.log');
  const linesPerTrap = mode === 'lean' ? 1 : 2;
  writeFileSync(conf, [
    `[snmp] serverRecvBuf ${receiveBuffer}`,
    '[snmptrapd]',
    `authCommunity log ${COMMUNITY}`,
    `createUser -e 0x${ENGINE_ID} ${USER.name} SHA "${USER.authPassword}" AES "${USER.privPassword}"`,
    `authUser log ${USER.name} priv`,
    ...(mode === 'lean' ? ['doNotRetainNotificationLogs yes', 'format2 T\\n', 'format1 T\\n'] : []),
    '',
  ].join('\n'));
  mkdirSync(join(dir, 'persist'));
  const env: NodeJS.ProcessEnv = { ...process.env, SNMP_PERSISTENT_DIR: join(dir, 'persist') };
  if (mode === 'lean') Object.assign(env, { MIBS: '', MIBDIRS: join(dir, 'no-mibs') });
  const child = spawn(SNMPTRAPD, ['-f', '-n', '-C', '-c', conf, '-Lf', logFile, `udp:127.0.0.1:${port}`], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  const keep = (d: Buffer) => { if (text.length < 20_000) text += d.toString(); };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  // Not a child that outlives the bench, even when it fails.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  void exited.then(() => process.off('exit', killOnExit));
  let fd: number | null = null;
  const stop = async () => {
    await stopChild(child);
    if (fd !== null) closeSync(fd);
    fd = null;
    rmSync(dir, { recursive: true, force: true });
  };
  // Lines are counted as the file grows: newlines in the bytes appended since the last look.
  let offset = 0;
  let lines = 0;
  const chunk = Buffer.alloc(1 << 20);
  const readLines = () => {
    if (fd === null) {
      if (!existsSync(logFile)) return lines;
      fd = openSync(logFile, 'r');
    }
    for (;;) {
      const n = readSync(fd, chunk, 0, chunk.length, offset);
      if (n <= 0) return lines;
      offset += n;
      for (let i = chunk.indexOf(10, 0); i !== -1 && i < n; i = chunk.indexOf(10, i + 1)) lines++;
    }
  };
  let header = 0;
  let headerBytes = 0;
  const count = () => Math.floor((readLines() - header) / linesPerTrap);
  const ticks = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;
  const cpuMs = () => {
    const stat = readFileSync(`/proc/${child.pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(f[11]) + Number(f[12])) / ticks) * 1000; // utime, stime
  };
  try {
    // Up when it has written its banner (after any MIB warnings) and logs a probe trap.
    await waitFor('snmptrapd banner', () => (readLines(), readFileSync(logFile, 'utf8').includes('NET-SNMP version')) || child.exitCode !== null, 15_000, 20);
    if (child.exitCode !== null) throw new Error(`snmptrapd exited (${child.exitCode}):\n${text}`);
    await sleep(100);
    header = readLines();
    headerBytes = offset;
    const probe = await bindSocket(PDU_ADDRESS);
    try {
      const [packet] = encodeTraps({ version: '2c', community: COMMUNITY }, 1);
      probe.send(packet!, port, '127.0.0.1');
      await waitFor('snmptrapd logging a probe trap', () => count() === 1, 10_000, 20);
    } finally {
      probe.close();
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    port, count, cpuMs, refused: () => '',
    async stop() {
      // Check the counting on the last 4 MiB of the log: trap lines only, and as many lines per trap as assumed.
      const counted = count();
      const total = lines - header;
      const from = Math.max(headerBytes, offset - (4 << 20));
      const tail = Buffer.alloc(offset - from);
      if (fd !== null) readSync(fd, tail, 0, tail.length, from);
      await stop();
      const seen = tail.toString('utf8').split('\n').slice(from > headerBytes ? 1 : 0, -1);
      const heads = seen.filter((l) => (mode === 'lean' ? l === 'T' : /^\d{4}-\d\d-\d\d .*\[127\.3\.7\.1\]/.test(l))).length;
      const bodies = mode === 'lean' ? 0 : seen.filter((l) => l.includes('iso.3.6.1.4.1.318.0.42') || l.includes('318.0.42')).length;
      const ok = total === counted * linesPerTrap && (mode === 'lean' ? heads === seen.length : heads + bodies === seen.length && Math.abs(heads - bodies) <= 1);
      if (!ok) throw new Error(`snmptrapd (${mode}) log does not read as counted: ${total} lines for ${counted} traps; tail ${seen.length} lines, ${heads} headers, ${bodies} bodies, e.g. ${seen.slice(0, 2).join(' | ')}`);
    },
  };
}


/** A bare dgram socket that only counts, with the same receive buffer: checks the sender is not the bottleneck. */
async function bareCounter(receiveBuffer: number): Promise<Counted & { stop(): Promise<void> }> {
  const s = createSocket('udp4');
  let n = 0;
  s.on('message', () => { n++; });
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  s.setRecvBufferSize(receiveBuffer);
  return {
    port: s.address().port, count: () => n, cpuMs: () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; }, refused: () => '',
    stop: () => new Promise((r) => s.close(() => r())),
  };
}

export const DEFAULT_RATES = [5_000, 10_000, 15_000, 20_000, 25_000, 30_000, 40_000, 50_000, 60_000, 70_000, 80_000, 90_000, 100_000, 120_000, 140_000, 160_000, 180_000];

export const RECEIVERS = ['breakerbox', 'snmptrapd', 'snmptrapd-stock', 'node-dgram'] as const;
export type ReceiverName = (typeof RECEIVERS)[number];

export async function trapThroughput(o: { rates?: number[]; stepMs?: number; perSourceRate?: number; receivers?: readonly ReceiverName[]; versions?: readonly ('2c' | '3')[]; log?: (s: string) => void } = {}): Promise<TrapThroughputResult> {
  const receivers = o.receivers ?? RECEIVERS;
  const versions = o.versions ?? ['2c', '3'];
  const rates = o.rates ?? DEFAULT_RATES;
  const stepMs = o.stepMs ?? 2_000;
  const perSourceRate = o.perSourceRate ?? 1e9;
  const log = o.log ?? (() => {});
  const { config, stateDir } = demoConfig({ snmpPort: 23191 });
  rmSync(stateDir, { recursive: true, force: true });
  const receiveBuffer = config.settings.traps.receiveBuffer;
  const sender = Sender.start();
  const stoppers: (() => Promise<void>)[] = [];
  const result: TrapThroughputResult = { stepMs, rates, perSourceRate, receiveBuffer, senderChecks: [], series: [], loadBefore: 0, loadAfter: 0, cpus: availableParallelism() };
  const specs: Record<'2c' | '3', { spec: PacketSpec; pool: number }> = {
    '2c': { spec: { version: '2c', community: COMMUNITY }, pool: 1_000 },
    '3': { spec: { version: '3', user: USER, engineId: ENGINE_ID }, pool: 10_000 },
  };
  const run = async (name: string, start: () => Promise<Counted & { stop(): Promise<void> }>) => {
    const target = await start();
    const stop = target.stop.bind(target);
    stoppers.push(stop);
    try {
      result.series.push(await series(name, sender, target, rates, stepMs, log));
    } finally {
      stoppers.splice(stoppers.indexOf(stop), 1);
      await stop();
    }
  };
  try {
    result.loadBefore = loadavg();
    for (const version of versions) {
      const { spec, pool } = specs[version];
      const prepared = await sender.prepare(spec, pool);
      // The sender alone, into a socket that only counts, at 1.5 × the highest rate tried: the sender must not be the limit.
      const bare = await bareCounter(receiveBuffer);
      try {
        const rate = 1.5 * Math.max(...rates);
        const done = await sender.blast(bare.port, rate, stepMs);
        await sleep(300);
        result.senderChecks.push({
          version, pool: prepared.count, meanBytes: prepared.meanBytes, encodeMs: prepared.encodeMs, rate,
          sendRate: done.sent / (done.elapsedMs / 1000), sent: done.sent, received: bare.count(), senderCpuPct: (done.cpuMs / done.elapsedMs) * 100,
        });
        log(`    sender check v${version}: ${done.sent} sent at ${(done.sent / done.elapsedMs).toFixed(1)}k/s, bare socket counted ${bare.count()}`);
      } finally {
        await bare.stop();
      }
      if (receivers.includes('breakerbox')) await run(`Breakerbox v${version}`, () => startBreakerbox(config, perSourceRate));
      if (receivers.includes('snmptrapd')) await run(`snmptrapd v${version}`, () => startSnmptrapd('lean', receiveBuffer));
      if (receivers.includes('snmptrapd-stock')) await run(`snmptrapd stock v${version}`, () => startSnmptrapd('stock', receiveBuffer));
      if (receivers.includes('node-dgram')) await run(`node:dgram only v${version}`, () => bareCounter(receiveBuffer));
    }
    result.loadAfter = loadavg();
  } finally {
    for (const stop of stoppers.splice(0)) await stop().catch(() => {});
    await sender.stop();
  }
  // Breakerbox first, then snmptrapd, per version, in the printed order.
  const order = ['Breakerbox v2c', 'Breakerbox v3', 'snmptrapd v2c', 'snmptrapd v3', 'snmptrapd stock v2c', 'snmptrapd stock v3', 'node:dgram only v2c', 'node:dgram only v3'];
  result.series.sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name));
  return result;
}

/** Median CPU per received trap over the passed steps at ≥ 10k/s (fixed costs amortized), else over all passed steps. */
function cpuPerTrap(s: Series): number | null {
  const passed = s.steps.filter((x) => x.pass);
  const fast = passed.filter((x) => x.rate >= 10_000);
  const xs = (fast.length ? fast : passed).map((x) => x.cpuUsPerTrap);
  return xs.length ? quantile(xs, 0.5) : null;
}

export function formatTrapThroughput(r: TrapThroughputResult): string {
  const k = (x: number | null) => (x === null ? 'none' : `${(x / 1000).toFixed(1)}k/s`);
  const get = (name: string) => r.series.find((s) => s.name === name);
  const best = (name: string) => get(name)?.best ?? null;
  const ratio = (a: string, b: string) => {
    const x = best(a);
    const y = best(b);
    return x !== null && y ? x / y : null;
  };
  const times = (x: number | null) => (x === null ? 'n/a' : `${x.toFixed(2)} ×`);
  const bb3 = best('Breakerbox v3');
  const lean = ratio('Breakerbox v2c', 'snmptrapd v2c');
  const cpuRatio = (a: string, b: string) => {
    const x = get(a) && cpuPerTrap(get(a)!);
    const y = get(b) && cpuPerTrap(get(b)!);
    return x && y ? y / x : null;
  };
  const stock = ratio('Breakerbox v2c', 'snmptrapd stock v2c');
  // What 3 × lean would ask of any Node receiver, beside what a bare socket costs here.
  const floor = (): string[] => {
    const leanBest = best('snmptrapd v2c');
    const bare = get('node:dgram only v2c');
    const bareUs = bare ? cpuPerTrap(bare) : null;
    if (!leanBest || !bareUs) return [];
    const budget = 1e6 / (3 * leanBest);
    return [`  3 × lean snmptrapd is ${k(3 * leanBest)}: ${budget.toFixed(1)} µs of one core per trap, of which a bare Node socket that only counts uses ${bareUs.toFixed(1)} µs here, leaving ${(budget - bareUs).toFixed(1)} µs to decode, check, classify and journal`];
  };
  const lines = [
    `trap throughput with zero loss (same sender process, pre-encoded APC outletOff traps from ${PDU_ADDRESS}, ${r.stepMs / 1000} s per step, a step passes with 0 lost and ≤ 100 ms queued when the sender stops)`,
    `  receiver socket buffer: ${r.receiveBuffer} B requested (settings.traps.receiveBuffer); perSourceRate set to ${r.perSourceRate.toExponential(0)}/s (one source, so the default 500/s limit would refuse the load); allow-list 127.0.0.0/8`,
    ...r.senderChecks.map((c) => `  sender alone, v${c.version} (${c.pool} distinct packets of ~${c.meanBytes.toFixed(0)} B, encoded in ${c.encodeMs.toFixed(0)} ms): asked ${k(c.rate)}, sent at ${k(c.sendRate)} (${c.senderCpuPct.toFixed(0)}% of a core), a bare socket counted ${c.received} of ${c.sent}`),
    ...r.series.map((s) => {
      const last = s.steps.filter((x) => x.pass).at(-1);
      const fail = s.steps.filter((x) => !x.pass).at(-1);
      const us = cpuPerTrap(s);
      return `  ${s.name.padEnd(20)} highest zero-loss step ${k(s.best).padStart(9)}${last ? ` (receiver CPU ${last.cpuPct.toFixed(0)}% of a core there)` : ''}${fail ? `; at ${k(fail.rate)}: lost ${fail.lost}, ${fail.lagMs.toFixed(0)} ms queued` : ''}`
        + `\n  ${''.padEnd(20)} CPU per trap ${us === null ? 'n/a' : `${us.toFixed(1)} µs (median of passed steps ≥ 10k/s) ⇒ ≈ ${k(1e6 / us)} per core`}${s.rcvbuf ? `; socket rb ${s.rcvbuf} B` : ''}`;
    }),
    `  (snmptrapd "lean": no MIBs, notification log not retained, a 2-byte line per trap; "stock": its default log format and notification log, counted the same way;`,
    `   "node:dgram only": a bare Node socket that only counts datagrams, in the process Breakerbox's receiver runs in: the floor of any Node receiver)`,
    `  Breakerbox v2c / snmptrapd v2c: ${times(lean)} lean, ${times(stock)} stock   (target ≥ 3 ×: ${lean !== null && lean >= 3 ? 'met' : 'NOT met'} against lean, ${stock !== null && stock >= 3 ? 'met' : 'NOT met'} against stock)`,
    `  Breakerbox v3 / snmptrapd v3: ${times(ratio('Breakerbox v3', 'snmptrapd v3'))} lean, ${times(ratio('Breakerbox v3', 'snmptrapd stock v3'))} stock`,
    ...floor(),
    `  by CPU per trap (less noisy than the zero-loss step on a shared machine): Breakerbox v2c is ${times(cpuRatio('Breakerbox v2c', 'snmptrapd v2c'))} as fast as lean snmptrapd, ${times(cpuRatio('Breakerbox v2c', 'snmptrapd stock v2c'))} as stock; v3 ${times(cpuRatio('Breakerbox v3', 'snmptrapd v3'))} lean, ${times(cpuRatio('Breakerbox v3', 'snmptrapd stock v3'))} stock`,
    `  Breakerbox v3 authPriv ${k(bb3)}   (target ≥ 10k/s: ${bb3 !== null && bb3 >= 10_000 ? 'met' : 'NOT met'})`,
    `  machine: ${r.cpus} CPUs, 1-min load average ${r.loadBefore.toFixed(2)} before, ${r.loadAfter.toFixed(2)} after (the sender and the receiver need one core each; other work shows up as loss)`,
  ];
  return lines.join('\n');
}
