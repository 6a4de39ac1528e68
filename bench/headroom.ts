// What live N-1 headroom costs, on the generated site of 1,000 PDUs and 10,000 dual-corded servers
// (src/demo/large-site.ts): readings made by the simulator's power model (the currents a poll would
// read, in tenths as the APC card gives them), recorded in a real StateStore, and the real
// LiveHeadroom. Measured per poll-equivalent: a PDU's new reading marks it and its partner, and
// what history records at that poll (that PDU's parts) is computed; then what the alerts and the
// API ask every few seconds (every part, most of them kept), a whole computation from nothing, the
// single-points-of-failure audit of the cabling, and the per-rack summary the walls fetch.
// Run: node --import tsx bench/headroom.ts [--pdus 1000] [--polls 2000]
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { Capacity } from '../src/capacity/capacity.js';
import { audit } from '../src/capacity/audit.js';
import { headroom } from '../src/capacity/headroom.js';
import type { Config, PduConfig } from '../src/config/schema.js';
import { largeSiteConfig } from '../src/demo/large-site.js';
import { Topology } from '../src/health/topology.js';
import type { DeviceReading, Measure } from '../src/model.js';
import { computePower, type PduPower } from '../src/sim/physics.js';
import { StateStore } from '../src/state/state-store.js';

export interface HeadroomBench {
  pdus: number;
  nodes: number;
  parts: number;
  polls: number;
  /** CPU µs per poll, on average: record the reading, mark the PDU (and its partner), compute its parts as history records them. */
  perPollUs: number;
  /** The same polls recorded into a state store with no headroom kept: what a poll costs there without it. */
  recordOnlyUs: number;
  /** CPU ms for every part, every 5 s of polls (the rest kept): what an alert evaluation or GET /api/capacity costs. */
  allAfterPollsMs: { min: number; p50: number; max: number };
  /** CPU ms for every part from nothing (a reload, or the first ask). */
  fromScratchMs: { min: number; p50: number };
  /** CPU ms for the audit of the cabling (once per config) and the per-rack summary of the whole site (the rest kept). */
  auditMs: number;
  racksMs: number;
  /** The machine's 1-minute load average when it ran: CPU time grows on a crowded machine too. */
  load: number;
}

const ok = (value: number): Measure => ({ value, quality: 'ok' });
const tenths = (a: number) => Math.round(a * 10) / 10;

/** What a poll of this simulated strip reads. */
function readingOf(power: PduPower): DeviceReading {
  return {
    profile: 'bench', kind: 'pdu', identity: { vendor: 'APC', model: 'AP8858', serial: null, firmware: null, name: null }, sysObjectId: null,
    upTime: ok(1), power: ok(power.watts), energy: ok(1), loadState: 'normal', badValues: 0, bypass: [], sensors: [], ups: null, ats: null, inlets: [],
    phases: power.phases.map((p) => ({ index: p.number, name: null, current: ok(tenths(p.amps)), voltage: ok(p.volts), power: ok(p.watts), loadState: 'normal' })),
    banks: power.banks.map((b) => ({ index: b.number, name: null, current: ok(tenths(b.amps)), rating: ok(20), breaker: 'ok', breakerInferred: true, loadState: 'normal' })),
    outlets: power.outlets.map((o) => ({ index: o.number, name: null, state: o.on ? 'on' : 'off', bank: o.bank, current: ok(tenths(o.amps)), power: ok(o.watts), energy: ok(1), loadState: 'normal' })),
  };
}

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};

export function headroomBench(pdus = 1_000, polls = 2_000): HeadroomBench {
  const generated = largeSiteConfig({ pdus });
  // The phases rated as the demo's strips are, so every part is judged, none left unknown for want of a rating.
  const config: Config = { ...generated, pdus: generated.pdus.map((p): PduConfig => ({ ...p, rating: { phase: 32 } })) };
  const topology = new Topology(config);
  const power = computePower(config, []);
  const store = new StateStore();
  let now = 0;
  const readings = new Map(config.pdus.map((p) => [p.name, readingOf(power.pdus.get(p.name)!)]));
  for (const [name, r] of readings) store.recordPdu(name, now, { ok: true, reading: r });
  const capacity = new Capacity({ config: () => config, topology: () => topology, facts: store, now: () => now });
  store.onChange((c) => { if (c.kind === 'pdu') capacity.touch(c.name); });

  // CPU time, not wall time: on a busy machine a wall clock mostly measures the wait for a core.
  const time = (f: () => unknown) => {
    const t = process.cpuUsage();
    f();
    const d = process.cpuUsage(t);
    return (d.user + d.system) / 1000;
  };
  const scratch: number[] = [];
  let parts = 0;
  for (let i = 0; i < 5; i++) scratch.push(time(() => { parts = headroom({ topology, facts: store, now, staleMs: 90_000, settings: config.settings.capacity }).length; }));
  capacity.headroom(); // warm: every PDU kept

  // Polls in the poller's order, 30 ms apart (1,000 PDUs in 30 s): a new reading (a load that moved a little) each time.
  // The baseline: the same kind of polls into a store of their own, nothing derived.
  const bare = new StateStore();
  for (const [name, r] of readings) bare.recordPdu(name, 0, { ok: true, reading: r });
  let bareMs = 0;
  for (let i = 0; i < polls; i++) {
    const name = config.pdus[i % config.pdus.length]!.name;
    const r = readings.get(name)!;
    const next = { ...r, outlets: r.outlets.map((o, k) => (k === i % 10 ? { ...o, current: ok(tenths((o.current.value ?? 0) + 0.1)) } : o)) };
    bareMs += time(() => bare.recordPdu(name, 30 * (i + 1), { ok: true, reading: next }));
  }

  let pollMs = 0;
  const allAfter: number[] = [];
  const names = config.pdus.map((p) => p.name);
  for (let i = 0; i < polls; i++) {
    const name = names[i % names.length]!;
    const r = readings.get(name)!;
    const next = { ...r, outlets: r.outlets.map((o, k) => (k === i % 10 ? { ...o, current: ok(tenths((o.current.value ?? 0) + 0.1)) } : o)) };
    readings.set(name, next);
    now += 30;
    pollMs += time(() => {
      store.recordPdu(name, now, { ok: true, reading: next });
      capacity.pduHeadroom(name);
    });
    // Alerts look about every 5 s (167 polls): the whole site, most of it kept.
    if (i % 167 === 166) allAfter.push(time(() => capacity.headroom()));
  }
  const fresh = new Topology(config); // the audit is kept per topology: a new one, as after a reload
  const auditMs = time(() => audit(fresh));
  capacity.headroom();
  capacity.audit(); // kept per topology: paid once, above
  const racksMs = time(() => capacity.racks(null));
  return {
    pdus, nodes: config.nodes.length, parts, polls,
    perPollUs: (pollMs / polls) * 1000, recordOnlyUs: (bareMs / polls) * 1000,
    allAfterPollsMs: { min: Math.min(...allAfter), p50: quantile(allAfter, 0.5), max: Math.max(...allAfter) },
    fromScratchMs: { min: Math.min(...scratch), p50: quantile(scratch, 0.5) },
    auditMs, racksMs, load: loadavg()[0]!,
  };
}

export function formatHeadroom(r: HeadroomBench): string {
  const f = (x: number, d = 0) => x.toFixed(d);
  return [
    `live N-1 headroom, generated site: ${r.pdus} PDUs, ${r.nodes} dual-corded servers, ${r.parts} banks and phases (${r.polls} polls; CPU time, load average ${f(r.load, 1)})`,
    `  per PDU poll: record it, mark it and its partner, compute its parts for history   ${f(r.perPollUs)} µs on average (recording it alone: ${f(r.recordOnlyUs)} µs)`,
    `  every part, every 5 s of polls (alerts, GET /api/capacity)                        min ${f(r.allAfterPollsMs.min, 1)} / p50 ${f(r.allAfterPollsMs.p50, 1)} / max ${f(r.allAfterPollsMs.max, 1)} ms`,
    `  every part from nothing (a reload, the first ask)                                 min ${f(r.fromScratchMs.min, 1)} / p50 ${f(r.fromScratchMs.p50, 1)} ms`,
    `  audit of the cabling (once per config) ${f(r.auditMs, 1)} ms · per-rack summary of the site for the walls (then kept 5 s) ${f(r.racksMs, 1)} ms`,
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { pdus: { type: 'string', default: '1000' }, polls: { type: 'string', default: '2000' } } });
  console.log(formatHeadroom(headroomBench(Number(values.pdus), Number(values.polls))));
}
