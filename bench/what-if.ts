// What-if at scale: GET /api/what-if's computation (src/capacity/what-if.ts) over the generated site
// of 1,000 PDUs and 10,000 dual-corded servers (src/demo/large-site.ts, as `breakerbox demo --size
// large` runs it), every device with a fresh reading in a real StateStore, the real DrainController
// (its SQLite store in memory) for the gates, a fake clock. Each question is one whole prediction:
// the hypothetical facts, assessPower over the whole topology, the mass-failure guard, every pool
// through the gates twice (now and after), the services and the moved load.
//
// Run alone: node --import tsx bench/what-if.ts [--iterations N]
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { parseWhatIf, whatIf, type WhatIfContext, type WhatIfResult } from '../src/capacity/what-if.js';
import { FakeClock } from '../src/clock.js';
import { largeSiteConfig } from '../src/demo/large-site.js';
import { DrainController } from '../src/drain/drain-controller.js';
import { DrainStore } from '../src/drain/drain-store.js';
import { EventLog } from '../src/events/event-log.js';
import { assessPower } from '../src/health/power-health.js';
import { Topology } from '../src/health/topology.js';
import type { OnOff } from '../src/model.js';
import { StateStore } from '../src/state/state-store.js';
import { nodeReading, pduReading } from '../test/helpers/synthetic-readings.js';

export interface WhatIfStat {
  question: string;
  /** Wall time per prediction. */
  medianMs: number;
  p95Ms: number;
  maxMs: number;
  /** CPU time per prediction (this process, GC threads included): what a busy machine's wall time is made of. */
  cpuMedianMs: number;
  lost: number;
  degraded: number;
  drains: number;
  loads: number;
}

export interface WhatIfBenchResult {
  pdus: number;
  nodes: number;
  pools: number;
  iterations: number;
  loadAverage: number;
  /** assessPower over the whole topology alone, for scale. */
  assess: { medianMs: number };
  questions: WhatIfStat[];
}

const STALE_MS = 90_000;

export async function whatIfBench(iterations = 20, pdus = 1_000): Promise<WhatIfBenchResult> {
  const config = largeSiteConfig({ pdus });
  const topology = new Topology(config);
  const clock = new FakeClock();
  const facts = new StateStore();
  // Each fed outlet draws half a 0.7 A server; unused outlets draw nothing.
  for (const pdu of config.pdus) {
    const reading = pduReading(topology, pdu, Array<OnOff>(pdu.outlets).fill('on'));
    reading.outlets = reading.outlets.map((o) => ({ ...o, current: { value: topology.outletFeeds(pdu.name, o.index) ? 0.35 : 0, quality: 'ok' } }));
    facts.recordPdu(pdu.name, clock.now(), { ok: true, reading });
  }
  for (const node of config.nodes) facts.recordNode(node.name, clock.now(), { ok: true, reading: nodeReading });
  const log = pino({ level: 'silent' });
  const view = () => assessPower(topology, facts, clock.now(), STALE_MS);
  const controller = new DrainController({
    topology: () => topology, settings: () => config.settings, view, facts, store: new DrainStore(':memory:'),
    backendFor: () => { throw new Error('the bench touches no backend'); }, events: new EventLog(clock, log), clock, log,
  });
  const live = view();
  const ctx: WhatIfContext = { topology, settings: config.settings, facts, view: live, controller, now: clock.now() };

  const racks = config.sites[0]!.rows[0]!.racks;
  const questions: Record<string, string>[] = [
    { pdu: `${racks[0]}-a` },
    { pdu: `${racks[3]}-b`, bank: '1' },
    { outlet: `${racks[5]}-a:3` },
    { feed: 'A', row: 'row 7' },
    { feed: 'B' }, // the whole site's B side: every server on one feed
  ];
  const assess: number[] = [];
  const stats: WhatIfStat[] = [];
  for (let i = 0; i < 3; i++) for (const q of questions) whatIf(parseWhatIf(q, topology), ctx); // warm-up
  for (const q of questions) {
    const times: number[] = [];
    const cpu: number[] = [];
    let last: WhatIfResult | null = null;
    for (let i = 0; i < iterations; i++) {
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      last = whatIf(parseWhatIf(q, topology), ctx);
      const c = process.cpuUsage(c0);
      times.push(performance.now() - t0);
      cpu.push((c.user + c.system) / 1000);
    }
    stats.push({
      question: new URLSearchParams(q).toString(), ...quantiles(times), cpuMedianMs: quantiles(cpu).medianMs,
      lost: last!.lost.length, degraded: last!.degraded.length, drains: last!.drains, loads: last!.loads.length,
    });
  }
  for (let i = 0; i < iterations; i++) {
    const t0 = performance.now();
    assessPower(topology, facts, clock.now(), STALE_MS);
    assess.push(performance.now() - t0);
  }
  controller.stop();
  return {
    pdus: config.pdus.length, nodes: config.nodes.length, pools: config.pools.length, iterations, loadAverage: loadavg()[0]!,
    assess: { medianMs: quantiles(assess).medianMs }, questions: stats,
  };
}

function quantiles(xs: number[]): { medianMs: number; p95Ms: number; maxMs: number } {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
  return { medianMs: at(0.5), p95Ms: at(0.95), maxMs: s[s.length - 1]! };
}

export function formatWhatIfBench(r: WhatIfBenchResult): string {
  const ms = (x: number) => `${x.toFixed(0).padStart(4)} ms`;
  return [
    `what-if at scale: ${r.pdus.toLocaleString('en')} PDUs, ${r.nodes.toLocaleString('en')} dual-corded servers, ${r.pools} pools; whole prediction per question (real StateStore, DrainController, fake clock)`,
    `  ${cpus().length} CPUs, load average ${r.loadAverage.toFixed(1)} at the end; ${r.iterations} runs each after a warm-up; assessPower over the whole topology alone: ${r.assess.medianMs.toFixed(0)} ms`,
    `  ${'question'.padEnd(28)}  wall p50  p95       max       CPU p50   lost  one feed  drains  loads`,
    ...r.questions.map((q) => `  ${q.question.padEnd(28)}${ms(q.medianMs)}   ${ms(q.p95Ms)}   ${ms(q.maxMs)}   ${ms(q.cpuMedianMs)}  ${String(q.lost).padStart(5)}  ${String(q.degraded).padStart(8)}  ${String(q.drains).padStart(6)}  ${String(q.loads).padStart(5)}`),
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { iterations: { type: 'string', default: '20' } } });
  console.log(formatWhatIfBench(await whatIfBench(Number(values.iterations))));
}
