// Breakerbox at growing sizes of the generated site (src/demo/large-site.ts: N PDUs, ten dual-corded
// servers per PDU): Breakerbox runs as `breakerbox run` in a process of its own, the simulated PDUs and
// servers in another (as real devices are other machines), and this process plays the walls. Per size:
// memory and CPU, how the polls keep up against the interval, event-loop lag, API latency, the wall's
// snapshot and a bank trip's delta, a bank trip → the last of N wall clients, and a trap-announced loss
// of power → the membership file. Growth between sizes is printed and flagged when worse than linear.
import { spawn, type ChildProcess } from 'node:child_process';
import { watch } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { get } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { io, type Socket } from 'socket.io-client';
import { unpack } from '../dashboards/wall/patch.js';
import type { Config } from '../src/config/schema.js';
import { largeSiteText } from '../src/demo/large-site.js';
import { shardsOf } from '../src/sim/shard.js';
import type { ApiLoad } from '../src/http/api-types.js';
import { packageRoot } from '../src/paths.js';
import { stopChild } from '../test/helpers/child-process.js';
import { freeUdpPort } from '../test/helpers/ports.js';

/** PDUs (with their servers) per simulator process. */
const SIM_SHARD_PDUS = 250;

export interface ScaleOptions {
  sizes: number[];
  clients: number;
  trials: number;
  log?: (line: string) => void;
}

export interface ScaleResult {
  pdus: number;
  nodes: number;
  /** Start → every PDU reachable, ms. */
  firstCycleMs: number;
  rssBytes: number;
  simRssBytes: number;
  /** Over the steady window (no fault, no wall), % of one core. */
  cpuPercent: number;
  simCpuPercent: number;
  health: ApiLoad;
  api: { healthMs: number; pdusPageMs: number; pdusAllMs: number; pdusAllBytes: number; pdusAllGzipBytes: number };
  /** What a wall that holds no topology is sent: the topology and the snapshot. */
  snapshotBytes: number;
  rackSnapshotBytes: number;
  /** The snapshot alone: what a wall that holds the topology is sent. */
  stateBytes: number;
  /** Connect → the snapshot at the last of the clients, ms. */
  connectAllMs: number;
  tripDeltaBytes: number;
  /** Bank trip asked of the simulator → the delta showing it at the last client, ms, per trial. */
  tripToLastClientMs: number[];
  /**
   * The same from the moment the simulator applied the fault (its clock, on this machine: the breaker
   * trips then; its agents answer with it and its trap leaves after): Breakerbox's part, whenever
   * the simulator's answer to the request itself comes.
   */
  tripAppliedToLastClientMs: number[];
  /** Second feed's bank trip (the servers lose power) asked of the simulator → gone from the membership file, ms, per trial. */
  lossToFileMs: number[];
  /** The same from the moment the simulator applied the fault. */
  lossAppliedToFileMs: number[];
  /** After the trials, over the last complete window. */
  loadAfter: ApiLoad;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function freeTcpPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Resolves with the first stdout line matching `pattern`; rejects if the child exits first. */
function started(child: ChildProcess, pattern: RegExp, what: string): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    let out: string | null = '';
    let err = '';
    // Read to the end (a pipe nobody reads blocks the child), keeping text only until the line is found.
    child.stdout!.on('data', (d: Buffer) => {
      if (out === null) return;
      out += d.toString();
      const m = out.match(pattern);
      if (m) {
        out = null;
        resolve(m);
      }
    });
    child.stderr!.on('data', (d: Buffer) => { err = (err + d.toString()).slice(-4_000); });
    child.once('exit', (code) => reject(new Error(`${what} exited (${code}) before starting:\n${err}`)));
  });
}

/** CPU seconds (user + system) and RSS of a process, from /proc. */
async function procStat(pid: number): Promise<{ cpuSeconds: number; rssBytes: number }> {
  const stat = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.split(' ');
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const rssKb = Number(status.match(/VmRSS:\s+(\d+)/)?.[1] ?? 0);
  return { cpuSeconds: (Number(stat[11]) + Number(stat[12])) / 100, rssBytes: rssKb * 1024 };
}

async function timed(url: string, times: number): Promise<{ ms: number; bytes: number; gzipBytes: number }> {
  const samples: number[] = [];
  let bytes = 0;
  for (let i = 0; i < times; i++) {
    const t0 = performance.now();
    const res = await fetch(url, { headers: { 'accept-encoding': 'identity' } });
    bytes = (await res.arrayBuffer()).byteLength;
    samples.push(performance.now() - t0);
  }
  // fetch() would unzip: count the bytes on the wire with node:http.
  const gzipBytes = await new Promise<number>((resolve, reject) => {
    get(url, { headers: { 'accept-encoding': 'gzip' } }, (res) => {
      let n = 0;
      res.on('data', (c: Buffer) => { n += c.length; });
      res.on('end', () => resolve(n));
    }).on('error', reject);
  });
  return { ms: median(samples), bytes, gzipBytes };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)]!;
}

const health = async (url: string) => (await (await fetch(`${url}/api/health`)).json()) as ApiLoad & { pdus: { total: number; reachable: number } };

function connect(url: string, query: Record<string, string> = {}): Promise<{ socket: Socket; snapshotBytes: number; stateBytes: number }> {
  return new Promise((resolve, reject) => {
    const socket = io(url, { transports: ['websocket'], reconnection: false, forceNew: true, query, timeout: 120_000 });
    // Gzipped JSON on the wire: its bytes are what a wall downloads.
    let topologyBytes = 0;
    socket.once('topology', (t: Buffer) => { topologyBytes = t.length; });
    socket.once('snapshot', (s: Buffer) => resolve({ socket, snapshotBytes: topologyBytes + s.length, stateBytes: s.length }));
    socket.once('connect_error', reject);
    socket.once('disconnect', (why) => reject(new Error(`wall client disconnected before its snapshot: ${why}`)));
  });
}

/** What a delta carries, per kind: entries and unpacked JSON bytes ("pdus 3 (2.1 KB), nodes 12 (1.0 KB)"). */
function deltaParts(d: Record<string, unknown>): string {
  return Object.entries(d).filter(([k]) => !['from', 'to', 'time'].includes(k)).map(([k, v]) => {
    const n = Array.isArray(v) ? `${v.length} ` : '';
    return `${k} ${n}(${(Buffer.byteLength(JSON.stringify(v)) / 1024).toFixed(1)} KB)`;
  }).join(', ');
}

/**
 * Resolves, once every member in `gone` has left the pool's membership file, with when the file was
 * written (its mtime, on the performance.now() clock): this process also plays 200 walls, and the
 * moment it notices the change says more about its own load than about Breakerbox.
 */
function goneFromFile(dir: string, pool: string, gone: string[]): Promise<number> {
  const file = join(dir, `${pool}.members`);
  return new Promise((resolve) => {
    let done = false;
    const check = async () => {
      const text = await readFile(file, 'utf8').catch(() => '');
      const active = new Set(text.split('\n'));
      if (!done && gone.every((n) => !active.has(n))) {
        done = true;
        watcher.close();
        // Read, then stat: a later write can only make the figure larger, never flatter it.
        resolve((await stat(file)).mtimeMs - performance.timeOrigin);
      }
    };
    const watcher = watch(dir, () => void check());
    void check();
  });
}

interface Step { pdu: string; pool?: string; applied: number; seen: number; seenAs: string }

/**
 * Where a trial's time went, from Breakerbox's own records (epoch ms, this machine's clock): the
 * simulator applied the fault → Breakerbox received its trap → the confirming read was recorded (the
 * "confirmed" event) → the drain event → what this process saw (the last wall, the file).
 */
async function timeline(url: string, trip: Step, loss: Step, after: number): Promise<{ text: string; lastEvent: number }> {
  const traps = (await (await fetch(`${url}/api/traps?limit=200`)).json()) as { time: number; device: string | null }[];
  const events = (await (await fetch(`${url}/api/events?since=${after}`)).json()) as { id: number; time: number; type: string; subject: string }[];
  const onClock = (ms: number) => ms + performance.timeOrigin;
  const one = (s: Step) => {
    const t0 = onClock(s.applied);
    const at = (t: number | undefined) => (t === undefined ? '?' : `${(t - t0).toFixed(0)}`);
    const trap = traps.filter((x) => x.device === s.pdu && x.time >= t0 - 5).map((x) => x.time).sort((a, b) => a - b)[0];
    const confirmed = events.find((e) => e.type === 'trap' && e.subject === s.pdu && e.time >= t0 - 5)?.time;
    const drained = s.pool ? events.find((e) => e.type === 'drain' && e.subject === s.pool && e.time >= t0 - 5)?.time : undefined;
    return `${s.pdu} trap +${at(trap)}, confirmed +${at(confirmed)}${s.pool ? `, drain event +${at(drained)}` : ''}, ${s.seenAs} +${at(onClock(s.seen))} ms`;
  };
  return { text: `${one(trip)}; ${one(loss)}`, lastEvent: events.reduce((m, e) => Math.max(m, e.id), after) };
}

export async function scaleBench(o: ScaleOptions): Promise<ScaleResult[]> {
  const log = o.log ?? (() => {});
  const root = packageRoot();
  // Breakerbox runs from its build, as `npm start` does (compiled only if a source changed).
  await new Promise<void>((resolve, reject) => {
    spawn(process.execPath, [join(root, 'scripts/build-if-changed.mjs')], { stdio: 'inherit' }).once('exit', (c) => (c === 0 ? resolve() : reject(new Error('build failed'))));
  });
  const out: ScaleResult[] = [];
  for (const pdus of o.sizes) out.push(await oneSize(root, pdus, { ...o, trials: Math.min(o.trials, pdus / 2) }, log));
  return out;
}

async function oneSize(root: string, pdus: number, o: ScaleOptions, log: (line: string) => void): Promise<ScaleResult> {
  const dir = await mkdtemp(join(tmpdir(), `bb-scale-${pdus}-`));
  const [agentPort, trapPort, httpPort] = [await freeUdpPort(), await freeUdpPort(), await freeTcpPort()];
  const raw = parse(largeSiteText({ pdus, agentPort, trapPort, httpPort, stateDir: dir }));
  raw.settings.simulate = false;
  raw.settings.http.host = '127.0.0.1';
  const configFile = join(dir, 'site.yaml');
  await writeFile(configFile, stringify(raw, { lineWidth: 0 }));
  const nodes = (raw.nodes as unknown[]).length;
  const children: ChildProcess[] = [];
  const sockets: Socket[] = [];
  const cli = join(root, 'dist/src/cli.js');
  try {
    // The simulator in shards of about 250 PDUs, one process each (a process's garbage collection and
    // bursts of answers then hold up only its share of the agents); a fault goes to its PDU's shard.
    const shards = Math.ceil(pdus / SIM_SHARD_PDUS);
    log(`${pdus} PDUs, ${nodes} nodes: starting the simulator (${shards} process${shards > 1 ? 'es' : ''})`);
    const sims: ChildProcess[] = [];
    const simUrls: string[] = [];
    for (let i = 0; i < shards; i++) {
      const port = await freeTcpPort();
      const sim = spawn(process.execPath, [cli, 'sim', configFile, '--port', String(port), '--shard', `${i + 1}/${shards}`], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LOG_LEVEL: 'warn' } });
      children.push(sim);
      sims.push(sim);
      simUrls.push(`http://127.0.0.1:${port}`);
    }
    for (const sim of sims) await started(sim, /Simulating/, 'the simulator');
    const shardOfDevice = shardsOf(raw as Config, shards);
    const simUrl = (pdu: string) => simUrls[shardOfDevice.get(pdu)!]!;
    const simStat = async () => (await Promise.all(sims.map((p) => procStat(p.pid!)))).reduce((a, b) => ({ cpuSeconds: a.cpuSeconds + b.cpuSeconds, rssBytes: a.rssBytes + b.rssBytes }));
    log('  starting Breakerbox');
    const t0 = performance.now();
    const bb = spawn(process.execPath, [cli, 'run', configFile], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LOG_LEVEL: 'warn' } });
    children.push(bb);
    const url = (await started(bb, /Wall: (http:\/\/\S+?)\/?\s/, 'Breakerbox'))[1]!;
    while ((await health(url)).pdus.reachable < pdus) await sleep(250);
    const firstCycleMs = performance.now() - t0;
    // Steady means every device's first poll is behind (the servers are polled once a minute) and no poll
    // waits for a slot; then, no wall open, one PDU poll interval, measured from outside and by Breakerbox itself.
    const [intervalMs, nodeIntervalMs] = [30_000, 60_000];
    log(`  every PDU reachable after ${(firstCycleMs / 1000).toFixed(1)} s; settling (a server poll interval, no poll waiting), then the steady window (no wall open)`);
    await sleep(Math.max(intervalMs / 2, nodeIntervalMs - (performance.now() - t0)));
    for (const until = performance.now() + nodeIntervalMs; performance.now() < until && (await health(url)).polls.waiting > 0;) await sleep(1_000);
    const [b0, s0] = [await procStat(bb.pid!), await simStat()];
    const w0 = performance.now();
    await sleep(intervalMs);
    const [b1, s1] = [await procStat(bb.pid!), await simStat()];
    const wallS = (performance.now() - w0) / 1000;
    const steady = await health(url);

    const api = { healthMs: (await timed(`${url}/api/health`, 20)).ms, pdusPageMs: (await timed(`${url}/api/pdus?limit=50`, 20)).ms };
    const all = await timed(`${url}/api/pdus`, 3);

    // The walls: one scoped to a rack, then the clients, all of the site.
    const rack = await connect(url, { rack: 'r001' });
    rack.socket.close();
    log(`  connecting ${o.clients} wall clients`);
    const c0 = performance.now();
    // In batches of 25, as walls and laptops open over some seconds rather than in one instant.
    const conns: Awaited<ReturnType<typeof connect>>[] = [];
    while (conns.length < o.clients) conns.push(...await Promise.all(Array.from({ length: Math.min(25, o.clients - conns.length) }, () => connect(url))));
    const connectAllMs = performance.now() - c0;
    sockets.push(...conns.map((c) => c.socket));
    await sleep(2_000);

    // Trials: in a different rack each time, spread over the site, trip bank 1 of the rack's A strip (its
    // servers keep power from B: the wall shows it, nothing drains), then bank 1 of its B strip (servers
    // n01–n10 lose power: they leave their row's pool, at most 10 of its 200 members a trial).
    const racks = pdus / 2;
    const tripToLastClientMs: number[] = [];
    const lossToFileMs: number[] = [];
    const tripAppliedToLastClientMs: number[] = [];
    const lossAppliedToFileMs: number[] = [];
    let tripDeltaBytes = 0;
    let tripDeltaParts = '';
    const pools = join(dir, 'pools');
    let eventsSeen = (await (await fetch(`${url}/api/events`)).json() as { id: number }[]).reduce((m, e) => Math.max(m, e.id), 0);
    for (let t = 0; t < o.trials; t++) {
      const rackIndex = Math.floor(((t + 0.5) * racks) / o.trials);
      const r = `r${String(rackIndex + 1).padStart(3, '0')}`;
      const pool = `web-${String(Math.floor(rackIndex / 10) + 1).padStart(3, '0')}`;
      const pduA = `${r}-a`;
      const arrived = sockets.map((s, i) => new Promise<number>((resolve) => {
        const on = (packed: object) => {
          // A PDU's entry in a delta is a patch of what changed: the trip is there as a breaker now "tripped".
          const d = unpack(packed) as { pdus?: { name: string }[] };
          if (d.pdus?.some((p) => p.name === pduA && JSON.stringify(p).includes('"tripped"'))) {
            // The delta that carries the trip (with whatever else changed in the same tick).
            if (i === 0) {
              const bytes = Buffer.byteLength(JSON.stringify(packed));
              if (bytes > tripDeltaBytes) tripDeltaParts = deltaParts(d);
              tripDeltaBytes = Math.max(tripDeltaBytes, bytes);
            }
            s.off('delta', on);
            resolve(performance.now());
          }
        };
        s.on('delta', on);
      }));
      const tA = performance.now();
      // The fault's id, and when the simulator applied it (epoch ms, this machine's clock) on this run's clock.
      const inject = async (pdu: string) => {
        const fault = (await (await fetch(`${simUrl(pdu)}/api/sim/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'bank-trip', pdu, bank: 1 }) })).json()) as { id: string; since: number };
        return { id: fault.id, applied: fault.since - performance.timeOrigin };
      };
      const { id: faultA, applied: tA1 } = await inject(pduA);
      const lastClient = Math.max(...await Promise.all(arrived));
      tripToLastClientMs.push(lastClient - tA);
      tripAppliedToLastClientMs.push(lastClient - tA1);
      await sleep(1_000);
      const lost = Array.from({ length: 10 }, (_, i) => `${r}-n${String(i + 1).padStart(2, '0')}`);
      const inFile = goneFromFile(pools, pool, lost);
      const tB = performance.now();
      const { id: faultB, applied: tB1 } = await inject(`${r}-b`);
      const gone = await inFile;
      lossToFileMs.push(gone - tB);
      lossAppliedToFileMs.push(gone - tB1);
      const steps = await timeline(url, { pdu: pduA, applied: tA1, seen: lastClient, seenAs: 'last wall' }, { pdu: `${r}-b`, pool, applied: tB1, seen: gone, seenAs: 'file' }, eventsSeen);
      eventsSeen = steps.lastEvent;
      // Breakers reset: tripped PDUs piling up in one row would read as a mass failure (and freeze
      // drains, by design). The servers stay out of their pool until the next reload re-admits them.
      for (const [pdu, id] of [[pduA, faultA], [`${r}-b`, faultB]] as const) await fetch(`${simUrl(pdu)}/api/sim/faults/${id}`, { method: 'DELETE' });
      if (t === 0) log(`  the delta carrying the trip: ${tripDeltaParts}`);
      log(`  trial ${t + 1}: bank trip → last of ${o.clients} walls ${tripToLastClientMs.at(-1)!.toFixed(0)} ms (${tripAppliedToLastClientMs.at(-1)!.toFixed(0)} after the simulator applied it); power lost → membership file ${lossToFileMs.at(-1)!.toFixed(0)} ms (${lossAppliedToFileMs.at(-1)!.toFixed(0)})`);
      log(`    from applied: ${steps.text}`);
      await sleep(2_000);
    }
    await sleep(intervalMs);
    const loadAfter = await health(url);
    return {
      pdus, nodes, firstCycleMs,
      rssBytes: steady.process.rssBytes, simRssBytes: s1.rssBytes,
      cpuPercent: (100 * (b1.cpuSeconds - b0.cpuSeconds)) / wallS,
      simCpuPercent: (100 * (s1.cpuSeconds - s0.cpuSeconds)) / wallS,
      health: steady,
      api: { healthMs: api.healthMs, pdusPageMs: api.pdusPageMs, pdusAllMs: all.ms, pdusAllBytes: all.bytes, pdusAllGzipBytes: all.gzipBytes },
      snapshotBytes: conns[0]!.snapshotBytes,
      rackSnapshotBytes: rack.snapshotBytes,
      stateBytes: conns[0]!.stateBytes,
      connectAllMs,
      tripDeltaBytes,
      tripToLastClientMs,
      tripAppliedToLastClientMs,
      lossToFileMs,
      lossAppliedToFileMs,
      loadAfter,
    };
  } finally {
    for (const s of sockets) s.close();
    for (const c of children.reverse()) await stopChild(c, 10_000);
    await rm(dir, { recursive: true, force: true });
  }
}

const TARGETS_AT_1000 = 'targets at 1,000 PDUs: RSS ≤ 300 MB, poll p99 ≤ 50% of the interval, loop lag p99 ≤ 20 ms, trip → last client p99 ≤ 100 ms, trip delta ≤ 5 KB, power lost → file p99 ≤ 50 ms';

export function formatScale(results: ScaleResult[], clients: number): string {
  const mb = (b: number) => `${(b / 1048576).toFixed(0)} MB`;
  const kb = (b: number) => (b >= 1048576 ? `${(b / 1048576).toFixed(1)} MB` : `${(b / 1024).toFixed(1)} KB`);
  const ms = (x: number | null) => (x === null ? '-' : `${x.toFixed(0)} ms`);
  const pct = (x: number | null) => (x === null ? '-' : `${(100 * x).toFixed(0)}%`);
  const q = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.max(0, Math.ceil(p * xs.length) - 1)]!;
  const rows: [string, (r: ScaleResult) => string, ((r: ScaleResult) => number) | null][] = [
    ['nodes', (r) => String(r.nodes), null],
    ['first cycle (start → every PDU reachable)', (r) => ms(r.firstCycleMs), (r) => r.firstCycleMs],
    ['Breakerbox RSS', (r) => mb(r.rssBytes), (r) => r.rssBytes],
    ['Breakerbox CPU, steady (% of a core)', (r) => `${r.cpuPercent.toFixed(0)}%`, (r) => r.cpuPercent],
    ['simulator RSS / CPU (its processes, together)', (r) => `${mb(r.simRssBytes)} / ${r.simCpuPercent.toFixed(0)}%`, null],
    ['PDU poll due → recorded p99 (of 30 s)', (r) => `${ms(r.health.polls.pdu.p99Ms)} = ${pct(r.health.polls.pdu.p99OfInterval)}`, (r) => r.health.polls.pdu.p99Ms ?? 0],
    ['node poll due → recorded p99 (of 60 s)', (r) => `${ms(r.health.polls.node.p99Ms)} = ${pct(r.health.polls.node.p99OfInterval)}`, (r) => r.health.polls.node.p99Ms ?? 0],
    ['polls waiting for a slot (steady)', (r) => String(r.health.polls.waiting), null],
    ['event-loop lag p99 / max, steady', (r) => `${r.health.process.eventLoopLagMs.p99} / ${r.health.process.eventLoopLagMs.max} ms`, (r) => r.health.process.eventLoopLagMs.p99],
    ['event-loop lag p99 / max, walls and trips', (r) => `${r.loadAfter.process.eventLoopLagMs.p99} / ${r.loadAfter.process.eventLoopLagMs.max} ms`, null],
    ['GET /api/health', (r) => ms(r.api.healthMs), (r) => r.api.healthMs],
    ['GET /api/pdus?limit=50', (r) => ms(r.api.pdusPageMs), (r) => r.api.pdusPageMs],
    ['GET /api/pdus (all)', (r) => `${ms(r.api.pdusAllMs)}, ${kb(r.api.pdusAllBytes)} (gzip ${kb(r.api.pdusAllGzipBytes)})`, (r) => r.api.pdusAllMs],
    ['wall snapshot (gzip on the wire), site / one rack', (r) => `${kb(r.snapshotBytes)} / ${kb(r.rackSnapshotBytes)}`, (r) => r.snapshotBytes],
    ['  state only (the wall holds the topology), site', (r) => kb(r.stateBytes), (r) => r.stateBytes],
    [`${clients} walls connect → last snapshot`, (r) => ms(r.connectAllMs), (r) => r.connectAllMs],
    ['the delta carrying a bank trip (largest)', (r) => kb(r.tripDeltaBytes), (r) => r.tripDeltaBytes],
    [`bank trip → last of ${clients} walls p50 / p99`, (r) => `${ms(q(r.tripToLastClientMs, 0.5))} / ${ms(q(r.tripToLastClientMs, 0.99))}`, (r) => q(r.tripToLastClientMs, 0.5)],
    [`  from the fault applied in the simulator`, (r) => `${ms(q(r.tripAppliedToLastClientMs, 0.5))} / ${ms(q(r.tripAppliedToLastClientMs, 0.99))}`, (r) => q(r.tripAppliedToLastClientMs, 0.5)],
    ['power lost (trap) → membership file written p50 / p99', (r) => `${ms(q(r.lossToFileMs, 0.5))} / ${ms(q(r.lossToFileMs, 0.99))}`, (r) => q(r.lossToFileMs, 0.5)],
    [`  from the fault applied in the simulator`, (r) => `${ms(q(r.lossAppliedToFileMs, 0.5))} / ${ms(q(r.lossAppliedToFileMs, 0.99))}`, (r) => q(r.lossAppliedToFileMs, 0.5)],
  ];
  const width = Math.max(...rows.map(([name]) => name.length)) + 2;
  const col = 30;
  const lines = [`scale: the generated site at ${results.map((r) => r.pdus).join(', ')} PDUs (10 nodes per PDU), Breakerbox and the simulator in processes of their own, ${clients} walls in this one`];
  lines.push(`  ${''.padEnd(width)}${results.map((r) => `${r.pdus} PDUs`.padEnd(col)).join('')}`);
  for (const [name, show] of rows) lines.push(`  ${name.padEnd(width)}${results.map((r) => show(r).padEnd(col)).join('')}`);
  // Growth: each figure's ratio between neighbouring sizes against the ratio of sizes; worse than linear is flagged.
  lines.push('', '  growth between sizes (figure ratio / size ratio; ⚠ worse than linear):');
  for (let i = 1; i < results.length; i++) {
    const [a, b] = [results[i - 1]!, results[i]!];
    const sizeRatio = b.pdus / a.pdus;
    const parts: string[] = [];
    for (const [name, , figure] of rows) {
      if (!figure) continue;
      const [fa, fb] = [figure(a), figure(b)];
      if (fa <= 0) continue;
      const ratio = fb / fa;
      parts.push(`${name.split(/[,(]/)[0]!.trim()} ${ratio.toFixed(1)}×${ratio > sizeRatio * 1.25 && fb > 5 ? ' ⚠' : ''}`);
    }
    lines.push(`    ${a.pdus} → ${b.pdus} PDUs (${sizeRatio.toFixed(1)}×): ${parts.join('; ')}`);
  }
  lines.push('', `  ${TARGETS_AT_1000}`);
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const sizes = (process.argv[2] ?? '16,126,500,1000').split(',').map(Number);
  const clients = Number(process.argv[3] ?? 200);
  console.log(formatScale(await scaleBench({ sizes, clients, trials: Number(process.argv[4] ?? 5), log: (l) => console.error(l) }), clients));
}
