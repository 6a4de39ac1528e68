// Cost of the drain loop at scale, in fake time: assessPower over a whole synthetic topology and
// the reconcile of a 1,000-member pool (steady state, after a fault, re-admission at a reload),
// at 1,000 nodes (the baseline) and at 10,000 nodes, in the same run.
//
// Everything is the real thing except the clock and the pollers: the config is built
// programmatically and validated by configSchema + checkReferences, facts are recorded in a real
// StateStore by hand (as test/helpers/scenario.ts does), drain records go to a real DrainStore
// (SQLite, WAL) in a temp dir, and the pool's members to the real MembershipFileBackend there.
//
// Shape: racks of 20 dual-corded nodes, each rack with an A and a B PDU of 48 outlets in 2 banks
// (node j on outlet j of both); 10 racks a row, one site. The pool "web" is racks 1-50 (1,000
// members) at both scales; at 10,000 nodes the other racks are in pools api, batch and store.
// The fault: bank 1 trips on both PDUs of one web rack, so its 20 nodes lose power and go silent.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import pino from 'pino';
import { MembershipFileBackend } from '../src/backends/membership-file-backend.js';
import type { PoolBackend } from '../src/backends/pool-backend.js';
import { FakeClock } from '../src/clock.js';
import { checkReferences } from '../src/config/references.js';
import { configSchema, type Config, type ConfigInput } from '../src/config/schema.js';
import { DrainController } from '../src/drain/drain-controller.js';
import { DrainStore } from '../src/drain/drain-store.js';
import { frozenDomains } from '../src/drain/mass-failure.js';
import { EventLog } from '../src/events/event-log.js';
import { assessPower } from '../src/health/power-health.js';
import { Topology } from '../src/health/topology.js';
import type { OnOff } from '../src/model.js';
import { Reloader } from '../src/reload/reloader.js';
import { StateStore } from '../src/state/state-store.js';
import { nodeReading, pduReading } from '../test/helpers/synthetic-readings.js';

const NODES_PER_RACK = 20;
const OUTLETS = 48;
const BANKS = 2;
const RACKS_PER_ROW = 10;
const POOL = 'web';
const POOL_RACKS = 50; // 50 × 20 = 1,000 members
const FAULT_BANK = 1; // outlets 1-24: nodes 1-20 of the rack
const PROBES = 3;

export interface Stat {
  medianMs: number;
  p95Ms: number;
  minMs: number;
  n: number;
}

export interface ScaleResult {
  racks: number;
  pdus: number;
  nodes: number;
  pools: { name: string; members: number }[];
  /** One-off: configSchema.parse + checkReferences, and new Topology. */
  parseMs: number;
  topologyMs: number;
  /** Retained heap of config + topology + facts (after a full GC). */
  footprintBytes: number;
  assess: Stat;
  /** Retained size of one PowerView (what assessPower returns). */
  viewBytes: number;
  frozen: Stat;
  steady: Stat & { viewCalls: number; backendReads: number; backendApplies: number; retainedPerRunBytes: number };
  /** retainedBytes: median heap delta of one step between full GCs; cycleRetainedBytes: mean per fault → reload cycle over all of them (a leak check). */
  fault: Stat & { lost: number; drained: number; backendApplies: number; retainedBytes: number; cycleRetainedBytes: number };
  reload: Stat & { readmitted: number; backendApplies: number; retainedBytes: number };
}

export interface ReconcileResult {
  /** 1-minute load average when the run began: other work on the machine widens the p95s. */
  loadAverage: number;
  warmup: number;
  iterations: number;
  faultIterations: number;
  scales: ScaleResult[];
}

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};
const stat = (xs: number[]): Stat => ({ medianMs: quantile(xs, 0.5), p95Ms: quantile(xs, 0.95), minMs: Math.min(...xs), n: xs.length });

/** Full GCs, for retained-heap figures: `--expose-gc` switched on at run time, when this bench starts (not at import). */
let gc: (() => void) | null = null;
const heapAfterGc = () => {
  if (!gc) {
    setFlagsFromString('--expose-gc');
    // Else the full GCs here flush the bytecode of functions not run lately (config parsing…): heap deltas of ±0.3 MB.
    setFlagsFromString('--no-flush-bytecode');
    gc = runInNewContext('gc') as () => void;
  }
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};

const pad = (n: number, w: number) => String(n).padStart(w, '0');
const rackName = (r: number) => `r${pad(r, 4)}`;
const nodeName = (r: number, j: number) => `n${pad((r - 1) * NODES_PER_RACK + j, 5)}`;
const ip = (i: number) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;

/** The synthetic site as a Config, validated like a file would be. */
export function syntheticConfig(racks: number, backendDir: string): Config {
  let address = 1;
  const rackNames = Array.from({ length: racks }, (_, i) => rackName(i + 1));
  const rows = [];
  for (let i = 0; i < racks; i += RACKS_PER_ROW) rows.push({ name: `row ${i / RACKS_PER_ROW + 1}`, racks: rackNames.slice(i, i + RACKS_PER_ROW) });
  const pdus: ConfigInput['pdus'] = [];
  const nodes: ConfigInput['nodes'] = [];
  for (let r = 1; r <= racks; r++) {
    for (const feed of ['A', 'B'] as const) {
      pdus.push({ name: `${rackName(r)}-${feed.toLowerCase()}`, rack: rackName(r), feed, address: ip(address++), outlets: OUTLETS, banks: BANKS });
    }
    for (let j = 1; j <= NODES_PER_RACK; j++) {
      nodes.push({ name: nodeName(r, j), rack: rackName(r), address: ip(address++), psus: [{ pdu: `${rackName(r)}-a`, outlet: j }, { pdu: `${rackName(r)}-b`, outlet: j }] });
    }
  }
  const members = (from: number, to: number) => {
    const out: string[] = [];
    for (let r = from; r <= Math.min(to, racks); r++) for (let j = 1; j <= NODES_PER_RACK; j++) out.push(nodeName(r, j));
    return out;
  };
  const backend = { type: 'file' as const, dir: backendDir };
  const pools = [
    { name: POOL, members: members(1, POOL_RACKS), backend },
    { name: 'api', members: members(51, 100), backend },
    { name: 'batch', members: members(101, 400), backend },
    { name: 'store', members: members(401, 500), backend },
  ].filter((p) => p.members.length > 0);
  const config = configSchema.parse({ sites: [{ name: 'Bench 1', rows }], pdus, nodes, pools } satisfies ConfigInput);
  const problems = checkReferences(config);
  if (problems.length > 0) throw new Error(`synthetic config: ${problems.slice(0, 3).map((p) => `${p.path.join('.')}: ${p.message}`).join('; ')}`);
  return config;
}

/** Facts recorded by hand, as pollers would: every PDU with its outlets as set, every node answering or not. */
class Facts {
  readonly store = new StateStore();
  private readonly outlets = new Map<string, OnOff[]>();

  constructor(private readonly topology: Topology, private readonly clock: FakeClock) {
    for (const pdu of topology.pdus.values()) this.outlets.set(pdu.name, Array<OnOff>(pdu.outlets).fill('on'));
  }

  pollAll(): void {
    for (const pdu of this.topology.pdus.keys()) this.pdu(pdu);
    for (const node of this.topology.nodes.keys()) this.node(node, this.store.node(node)?.reachable !== false);
  }

  pdu(name: string): void {
    const reading = pduReading(this.topology, this.topology.pdus.get(name)!, this.outlets.get(name)!);
    this.store.recordPdu(name, this.clock.now(), { ok: true, reading });
  }

  node(name: string, answers: boolean): void {
    if (!answers) return this.store.recordNode(name, this.clock.now(), { ok: false, error: 'no answer (timed out)' });
    this.store.recordNode(name, this.clock.now(), { ok: true, reading: nodeReading });
  }

  /** A bank's breaker trips (or is reset): every outlet of it goes off (on), and the PDU is polled. */
  setBank(pdu: string, bank: number, state: OnOff): void {
    const cfg = this.topology.pdus.get(pdu)!;
    const states = this.outlets.get(pdu)!;
    states.forEach((_, i) => { if (this.topology.configuredBank(cfg, i + 1) === bank) states[i] = state; });
    this.pdu(pdu);
  }
}

const time = async (fn: () => unknown): Promise<number> => {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
};

/** One scale: its config, facts, controller, store and files, with each measured step as a method. */
class Harness {
  readonly dir = mkdtempSync(join(tmpdir(), 'bb-bench-reconcile-'));
  readonly clock = new FakeClock();
  readonly config: Config;
  readonly topology: Topology;
  readonly facts: Facts;
  readonly parseMs: number;
  readonly topologyMs: number;
  readonly footprintBytes: number;
  readonly staleMs: number;
  readonly file: MembershipFileBackend;
  readonly store: DrainStore;
  readonly controller: DrainController;
  readonly reloader: Reloader;
  readonly poolSize: number;
  viewCalls = 0;
  reads = 0;
  applies = 0;
  private cycles = 0;

  constructor(readonly racks: number) {
    const log = pino({ level: 'silent' });
    const backendDir = join(this.dir, 'pools');
    const heap0 = heapAfterGc();
    let t0 = performance.now();
    this.config = syntheticConfig(racks, backendDir);
    this.parseMs = performance.now() - t0;
    t0 = performance.now();
    this.topology = new Topology(this.config);
    this.topologyMs = performance.now() - t0;
    this.facts = new Facts(this.topology, this.clock);
    this.facts.pollAll();
    this.footprintBytes = heapAfterGc() - heap0;

    const { config, topology, clock } = this;
    this.staleMs = config.settings.pollInterval * config.settings.staleAfterPolls;
    this.file = new MembershipFileBackend(backendDir);
    const backend: PoolBackend = {
      kind: 'file',
      readActive: (pool) => { if (pool === POOL) this.reads++; return this.file.readActive(pool); },
      apply: (pool, members) => { if (pool === POOL) this.applies++; return this.file.apply(pool, members); },
    };
    this.store = new DrainStore(join(this.dir, 'var/breakerbox.db'));
    const events = new EventLog(clock, log);
    this.controller = new DrainController({
      topology: () => topology, settings: () => config.settings, view: () => { this.viewCalls++; return this.assess(); }, facts: this.facts.store,
      store: this.store, backendFor: () => backend, events, clock, log,
    });
    this.reloader = new Reloader({ configPath: null, currentConfig: () => config, applyConfig: () => {}, controller: this.controller, events, clock, log });
    this.poolSize = topology.pools.get(POOL)!.members.length;
  }

  /** The first reconcile of every pool writes the membership files. */
  async start(): Promise<void> {
    this.controller.enqueueAll();
    await this.controller.settle();
    if (this.active() !== this.poolSize) throw new Error(`first reconcile: ${this.active()} of ${this.poolSize} active`);
  }

  assess() {
    return assessPower(this.topology, this.facts.store, this.clock.now(), this.staleMs);
  }

  frozen(view: ReturnType<Harness['assess']>) {
    return frozenDomains(this.topology, view, this.facts.store, this.config.settings.massFailure);
  }

  async reconcilePool(): Promise<void> {
    this.controller.enqueue(POOL);
    await this.controller.settle();
  }

  /** Kept out of the async faultCycle, whose suspended frame would otherwise hold a whole PowerView across the memory probes. */
  countLost(): number {
    let lost = 0;
    for (const n of this.assess().nodes.values()) if (n.power === 'lost') lost++;
    return lost;
  }

  active(): number {
    return readFileSync(this.file.membersPath(POOL), 'utf8').split('\n').filter(Boolean).length;
  }

  /**
   * Bank 1 trips on both PDUs of a web rack (another each time): its 20 nodes lose power and go
   * silent; reconcile. Then power back, the nodes answer, a hold-down later the reload re-admits.
   * `probe`: a full GC around each step to see what it retains (then its timings are not used).
   */
  async faultCycle(probe = false) {
    const { clock, config, facts } = this;
    const rack = 1 + ((this.cycles++ * 7) % POOL_RACKS);
    const rackNodes = Array.from({ length: NODES_PER_RACK }, (_, j) => nodeName(rack, j + 1));
    clock.advance(config.settings.pollInterval);
    facts.pollAll();
    for (const feed of ['a', 'b']) facts.setBank(`${rackName(rack)}-${feed}`, FAULT_BANK, 'off');
    for (const n of rackNodes) facts.node(n, false);

    const a0 = this.applies;
    let h = probe ? heapAfterGc() : 0;
    const faultMs = await time(() => this.reconcilePool());
    const faultRetained = probe ? heapAfterGc() - h : 0;
    const lost = this.countLost();
    const drained = this.controller.records(POOL).length;
    const faultApplies = this.applies - a0;
    if (drained !== NODES_PER_RACK || this.active() !== this.poolSize - NODES_PER_RACK) throw new Error(`fault at ${rackName(rack)}: ${drained} drained, ${this.active()} active`);

    for (const feed of ['a', 'b']) facts.setBank(`${rackName(rack)}-${feed}`, FAULT_BANK, 'on');
    for (const n of rackNodes) facts.node(n, true);
    clock.advance(config.settings.reload.holdDown);
    facts.pollAll();

    const b0 = this.applies;
    h = probe ? heapAfterGc() : 0;
    let outcome: Awaited<ReturnType<Reloader['reloadNow']>> | null = null;
    const reloadMs = await time(async () => { outcome = await this.reloader.reloadNow('bench'); });
    const reloadRetained = probe ? heapAfterGc() - h : 0;
    const readmitted = outcome!.pools.find((p) => p.pool === POOL)?.readmitted.length ?? 0;
    if (readmitted !== NODES_PER_RACK || this.active() !== this.poolSize) throw new Error(`reload after ${rackName(rack)}: ${readmitted} re-admitted, ${this.active()} active: ${outcome!.outcome}`);
    return { faultMs, reloadMs, lost, drained, faultApplies, readmitted, reloadApplies: this.applies - b0, faultRetained, reloadRetained };
  }

  close(): void {
    this.controller.stop();
    this.reloader.stop();
    this.store.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * The baseline (1,000 nodes, only the 1,000-member pool) and the large site (10,000 nodes), both
 * built first and then measured in alternation, so load on the machine hits both alike.
 */
export async function reconcileBench(opts: { racks?: number[]; warmup?: number; iterations?: number; faultIterations?: number } = {}): Promise<ReconcileResult> {
  const warmup = opts.warmup ?? 5;
  const iterations = opts.iterations ?? 40;
  const faultIterations = opts.faultIterations ?? 15;
  const loadAverage = loadavg()[0]!;
  const harnesses: Harness[] = [];
  try {
    for (const racks of opts.racks ?? [POOL_RACKS, 500]) harnesses.push(new Harness(racks));
    for (const h of harnesses) await h.start();
    // Each phase: warm-up rounds, then measured rounds, one sample per scale per round.
    const rounds = async (n: number, step: (h: Harness) => Promise<number>) => {
      const samples = harnesses.map(() => [] as number[]);
      for (let i = 0; i < warmup + n; i++) for (const [k, h] of harnesses.entries()) { const ms = await step(h); if (i >= warmup) samples[k]!.push(ms); }
      return samples;
    };

    const assess = await rounds(iterations, (h) => time(() => h.assess()));
    const views = harnesses.map((h) => h.assess());
    const frozen = await rounds(iterations, (h) => time(() => h.frozen(views[harnesses.indexOf(h)]!)));
    views.length = 0;
    const viewBytes = harnesses.map((h) => {
      const before = heapAfterGc();
      const view = h.assess();
      const bytes = heapAfterGc() - before;
      return view.nodes.size > 0 ? bytes : 0;
    });

    const before = harnesses.map((h) => ({ views: h.viewCalls, reads: h.reads, applies: h.applies }));
    const steadyHeap0 = heapAfterGc();
    const steadyRuns = await rounds(iterations, (h) => time(() => h.reconcilePool()));
    const steadyRetained = (heapAfterGc() - steadyHeap0) / ((warmup + iterations) * harnesses.length);
    const perSteady = harnesses.map((h, k) => {
      const n = warmup + iterations;
      return { viewCalls: (h.viewCalls - before[k]!.views) / n, backendReads: (h.reads - before[k]!.reads) / n, backendApplies: (h.applies - before[k]!.applies) / n };
    });

    const cycles = harnesses.map(() => [] as Awaited<ReturnType<Harness['faultCycle']>>[]);
    let cycleHeap0 = 0;
    for (let i = 0; i < warmup + faultIterations; i++) {
      if (i === warmup) cycleHeap0 = heapAfterGc();
      for (const [k, h] of harnesses.entries()) { const c = await h.faultCycle(); if (i >= warmup) cycles[k]!.push(c); }
    }
    const cycleRetained = (heapAfterGc() - cycleHeap0) / (faultIterations * harnesses.length);
    // One-shot heap deltas are noisy: the median of PROBES cycles, each step between full GCs.
    const probes = harnesses.map(() => ({ fault: [] as number[], reload: [] as number[] }));
    for (const [k, h] of harnesses.entries()) {
      for (let i = 0; i < PROBES; i++) { const c = await h.faultCycle(true); probes[k]!.fault.push(c.faultRetained); probes[k]!.reload.push(c.reloadRetained); }
    }

    const scales = harnesses.map((h, k): ScaleResult => {
      const last = cycles[k]![cycles[k]!.length - 1]!;
      return {
        racks: h.racks, pdus: h.topology.pdus.size, nodes: h.topology.nodes.size,
        pools: [...h.topology.pools.values()].map((p) => ({ name: p.name, members: p.members.length })),
        parseMs: h.parseMs, topologyMs: h.topologyMs, footprintBytes: h.footprintBytes,
        assess: stat(assess[k]!), viewBytes: viewBytes[k]!,
        frozen: stat(frozen[k]!),
        steady: {
          ...stat(steadyRuns[k]!), retainedPerRunBytes: steadyRetained, ...perSteady[k]!,
        },
        fault: { ...stat(cycles[k]!.map((c) => c.faultMs)), lost: last.lost, drained: last.drained, backendApplies: last.faultApplies, retainedBytes: quantile(probes[k]!.fault, 0.5), cycleRetainedBytes: cycleRetained },
        reload: { ...stat(cycles[k]!.map((c) => c.reloadMs)), readmitted: last.readmitted, backendApplies: last.reloadApplies, retainedBytes: quantile(probes[k]!.reload, 0.5) },
      };
    });
    return { loadAverage, warmup, iterations, faultIterations, scales };
  } finally {
    for (const h of harnesses) h.close();
  }
}

export function formatReconcile(r: ReconcileResult): string {
  const [base, big] = [r.scales[0]!, r.scales[r.scales.length - 1]!];
  const scale = big.nodes / base.nodes;
  const f = (x: number) => (x < 10 ? x.toFixed(2) : x.toFixed(1)).padStart(6);
  const mb = (b: number) => `${(b / 2 ** 20).toFixed(1)} MB`;
  const kb = (b: number) => `${(b / 1024).toFixed(1)} kB`;
  const row = (label: string, pick: (s: ScaleResult) => Stat, note = '') => {
    const [a, b] = [pick(base), pick(big)];
    const ratio = b.medianMs / a.medianMs;
    const shape = ratio > scale * 1.5 ? '  SUPER-LINEAR' : '';
    return `  ${label.padEnd(34)}${f(a.medianMs)} / ${f(a.p95Ms)} ms   ${f(b.medianMs)} / ${f(b.p95Ms)} ms   ${ratio.toFixed(1).padStart(5)} ×${shape}${note}`;
  };
  const scaleLine = (s: ScaleResult) => `${s.nodes.toLocaleString('en')} nodes, ${s.pdus} PDUs, ${s.racks} racks; pools ${s.pools.map((p) => `${p.name} ${p.members}`).join(', ')}`;
  return [
    `reconcile at scale: pool "${POOL}" of 1,000 members, real DrainController/StateStore/DrainStore (SQLite)/membership files, fake clock`,
    `  baseline: ${scaleLine(base)}`,
    `  large:    ${scaleLine(big)}`,
    `  wall time on ${cpus().length} CPUs, load average ${r.loadAverage.toFixed(1)} at the start; both scales measured in alternation: ${r.warmup} warm-up rounds, then ${r.iterations} (fault → reload cycles: ${r.faultIterations}, each on another rack, + ${PROBES} under GC for memory)`,
    `  ${'p50 / p95'.padEnd(34)}${`${base.nodes.toLocaleString('en')} nodes`.padStart(15).padEnd(21)}${`${big.nodes.toLocaleString('en')} nodes`.padStart(15).padEnd(21)}ratio (nodes × ${scale})`,
    row('assessPower, whole topology', (s) => s.assess, `   (${((big.assess.medianMs * 1000) / big.nodes).toFixed(2)} µs/node at ${big.nodes.toLocaleString('en')})`),
    row('frozenDomains (each loop kick)', (s) => s.frozen),
    row('reconcile, nothing changed', (s) => s.steady),
    row(`reconcile after fault (${big.fault.drained} lost)`, (s) => s.fault),
    row('reload: re-admit + reconcile', (s) => s.reload),
    `  per steady reconcile: ${big.steady.viewCalls} assessPower calls over the whole topology (noteFrozen's and reconcile's), ${big.steady.backendReads} backend read (membership file), ${big.steady.backendApplies} backend writes`,
    `  after the fault: ${big.fault.lost} nodes lost, ${big.fault.drained} drained, ${big.fault.backendApplies} backend write; at the reload: ${big.reload.readmitted} re-admitted, ${big.reload.backendApplies} backend write`,
    `  memory (heapUsed after full GC)           ${base.nodes.toLocaleString('en').padStart(6)} nodes    ${big.nodes.toLocaleString('en').padStart(6)} nodes`,
    `    config + topology + facts               ${mb(base.footprintBytes).padStart(12)}   ${mb(big.footprintBytes).padStart(12)}   ${(big.footprintBytes / base.footprintBytes).toFixed(1)} ×`,
    `    one PowerView                           ${mb(base.viewBytes).padStart(12)}   ${mb(big.viewBytes).padStart(12)}   ${(big.viewBytes / base.viewBytes).toFixed(1)} ×`,
    `    retained per steady reconcile (mean over all, both scales): ${kb(big.steady.retainedPerRunBytes)}`,
    `    retained by one fault reconcile         ${kb(base.fault.retainedBytes).padStart(12)}   ${kb(big.fault.retainedBytes).padStart(12)}   (median of ${PROBES} steps between full GCs; V8 itself moves these by up to ±0.3 MB)`,
    `    retained by one reload                  ${kb(base.reload.retainedBytes).padStart(12)}   ${kb(big.reload.retainedBytes).padStart(12)}`,
    `    retained per fault → reload cycle (mean over all, both scales): ${kb(big.fault.cycleRetainedBytes)}`,
    `  one-off: config parse + checkReferences ${base.parseMs.toFixed(0)} → ${big.parseMs.toFixed(0)} ms, new Topology ${base.topologyMs.toFixed(1)} → ${big.topologyMs.toFixed(1)} ms`,
  ].join('\n');
}
