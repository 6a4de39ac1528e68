// Power history against a real InfluxDB 1.6 (Debian's influxd) on this machine, in one run:
// (a) sustained points/s through Breakerbox's writer (batches, the influx client's line protocol, HTTP),
//     beside a bare baseline: the same points as ready-made line protocol POSTed in the same batches;
// (b) an outage: points spooled to disk while influxd is stopped, memory sampled, then replayed;
// (c) the cost of history on a poll: CPU per poll of a 48-outlet PDU from a real snmpd, with and
//     without its points recorded to InfluxDB (the writer's work counted: it runs in this process).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { systemClock } from '../src/clock.js';
import { parseConfigText } from '../src/config/load-config.js';
import { Topology } from '../src/health/topology.js';
import { InfluxStore } from '../src/history/influx-store.js';
import { devicePoints, TagCache, type Point } from '../src/history/points.js';
import { apcRpdu2 } from '../src/profiles/apc-rpdu2.js';
import { readDevice } from '../src/profiles/read-device.js';
import { NetSnmpClient } from '../src/snmp/snmp-client.js';
import { StateStore } from '../src/state/state-store.js';
import { startInfluxd, type Influxd } from '../test/helpers/influxd.js';
import { pduReading } from '../test/helpers/synthetic-readings.js';
import { startSnmpd } from './pdu-poll-cpu.js';

const log = pino({ level: 'silent' });
const DAY = 86_400_000;
const BATCH = 10_000;

export interface HistoryBenchResult {
  points: number;
  pointsPerPoll: number;
  writer: { pointsPerSec: number; cpuUsPerPoint: number; influxdCpuUsPerPoint: number };
  bare: { pointsPerSec: number; cpuUsPerPoint: number; influxdCpuUsPerPoint: number };
  outage: { points: number; seconds: number; spoolMb: number; rssMb: { first: number; last: number; max: number }; replaySec: number; lost: number };
  poll: { polls: number; withoutMs: number; withMs: number; ratio: number };
}

/** A site of 48-outlet PDUs: the points of its poll number r (each PDU once), a second apart from `start`. */
function site(pdus: number): { round: (r: number, start: number) => Point[]; perPoll: number } {
  const config = parseConfigText(`
sites: [{ name: bench, rows: [{ name: row-1, racks: [${Array.from({ length: pdus }, (_, i) => `r${i}`).join(', ')}] }] }]
pdus: [${Array.from({ length: pdus }, (_, i) => `{ name: p${i}, rack: r${i}, address: "127.0.${Math.floor(i / 250)}.${(i % 250) + 1}", outlets: 48, banks: 2, snmp: { version: '2c', community: public } }`).join(', ')}]
`, 'bench.yaml');
  const topology = new Topology(config);
  const tags = new TagCache();
  const round = (r: number, start: number) => config.pdus.flatMap((cfg) => {
    const reading = pduReading(topology, cfg, Array.from({ length: 48 }, (_, i) => ((i + r) % 17 === 0 ? 'off' : 'on')));
    return devicePoints(topology, cfg.name, start + r * 1_000, reading, true, 'pdu', tags);
  });
  return { round, perPoll: round(0, 0).length / pdus };
}

/** `rounds` polls of the site, all at once (for the throughput runs). */
function sitePoints(pdus: number, rounds: number, start: number): { points: Point[]; perPoll: number } {
  const s = site(pdus);
  return { points: Array.from({ length: rounds }, (_, r) => s.round(r, start)).flat(), perPoll: s.perPoll };
}

const cpuOf = (pid: number): number => {
  // utime + stime of a process, µs (clock ticks of 10 ms on Linux).
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
};

async function influxdPid(influx: Influxd): Promise<number> {
  const { execFileSync } = await import('node:child_process');
  const out = execFileSync('pgrep', ['-f', `influxd run -config ${influx.dir}/influxdb.conf`]).toString().trim().split('\n');
  return Number(out[0]);
}

async function writerRun(influx: Influxd, database: string, pdus: number, rounds: number, start: number, dir: string): Promise<{ pointsPerSec: number; cpuUsPerPoint: number; influxdCpuUsPerPoint: number }> {
  const store = await InfluxStore.open({ url: influx.url, database, retention: { raw: 14 * DAY, minute: 90 * DAY, hour: 730 * DAY } },
    { batchSize: BATCH, flushIntervalMs: 200, spoolDir: join(dir, `spool-${database}`), spoolMaxBytes: 1 << 30 }, systemClock, log);
  await store.ensureSchema();
  const s = site(pdus);
  const pid = await influxdPid(influx);
  const d0 = cpuOf(pid);
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  // Made round by round as a poller would (the making timed apart and taken out of the writer's CPU),
  // and fed without running ahead of the writer (else the surplus would go to the spool).
  let making = 0;
  let total = 0;
  for (let r = 0; r < rounds; r++) {
    const m0 = process.cpuUsage();
    const points = s.round(r, start);
    const m = process.cpuUsage(m0);
    making += m.user + m.system;
    total += points.length;
    while (store.stats().queued > 2 * BATCH) await new Promise((res) => setTimeout(res, 1));
    store.add(points);
  }
  while (store.stats().written < total) await new Promise((r) => setTimeout(r, 2));
  const sec = (performance.now() - t0) / 1_000;
  const c = process.cpuUsage(c0);
  const d = cpuOf(pid) - d0;
  if (store.stats().spooledPoints > 0) throw new Error('bench history: the writer spooled while InfluxDB was up');
  await store.stop();
  return { pointsPerSec: total / sec, cpuUsPerPoint: (c.user + c.system - making) / total, influxdCpuUsPerPoint: d / total };
}

/** The baseline: the same points as line protocol made beforehand, POSTed in the same batches, two requests at a time as the writer does. */
async function bareRun(influx: Influxd, database: string, points: Point[]): Promise<{ pointsPerSec: number; cpuUsPerPoint: number; influxdCpuUsPerPoint: number }> {
  await influx.query(`CREATE DATABASE "${database}"`);
  const esc = (s: string) => s.replace(/[ ,=]/g, (c) => `\\${c}`);
  const bodies: string[] = [];
  for (let i = 0; i < points.length; i += BATCH) {
    bodies.push(points.slice(i, i + BATCH).map((p) => `${p.measurement}${Object.entries(p.tags).map(([k, v]) => `,${k}=${esc(v)}`).join('')} ${Object.entries(p.fields).map(([k, v]) => `${k}=${typeof v === 'string' ? JSON.stringify(v) : v}`).join(',')} ${p.time * 1000}`).join('\n'));
  }
  const pid = await influxdPid(influx);
  const d0 = cpuOf(pid);
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  let next = 0;
  await Promise.all([0, 1].map(async () => {
    while (next < bodies.length) {
      const res = await fetch(`${influx.url}/write?db=${database}&precision=u`, { method: 'POST', body: bodies[next++]! });
      if (res.status !== 204) throw new Error(`bench history: bare write answered ${res.status}: ${await res.text()}`);
    }
  }));
  const sec = (performance.now() - t0) / 1_000;
  const c = process.cpuUsage(c0);
  return { pointsPerSec: points.length / sec, cpuUsPerPoint: (c.user + c.system) / points.length, influxdCpuUsPerPoint: (cpuOf(pid) - d0) / points.length };
}

async function outageRun(influx: Influxd, pdus: number, rounds: number, start: number, dir: string): Promise<HistoryBenchResult['outage']> {
  const store = await InfluxStore.open({ url: influx.url, database: 'outage', retention: { raw: 14 * DAY, minute: 90 * DAY, hour: 730 * DAY } },
    { batchSize: BATCH, flushIntervalMs: 200, spoolDir: join(dir, 'spool-outage'), spoolMaxBytes: 1 << 30, retryMaxMs: 500 }, systemClock, log);
  await store.ensureSchema();
  const rss = () => process.memoryUsage().rss / 1_048_576;
  const samples: number[] = [];
  const sampler = setInterval(() => samples.push(rss()), 100);
  await influx.pause();
  const t0 = performance.now();
  // Polls made as a poller would, each round's points as they come, so nothing but the writer holds them.
  const s = site(pdus);
  let total = 0;
  for (let r = 0; r < rounds; r++) {
    const points = s.round(r, start);
    total += points.length;
    for (let i = 0; i < points.length; i += s.perPoll) {
      store.add(points.slice(i, i + s.perPoll));
      if (i % (s.perPoll * 10) === 0) await new Promise((res) => setImmediate(res));
    }
  }
  while (store.stats().queued > 0) await new Promise((r) => setTimeout(r, 20));
  const seconds = (performance.now() - t0) / 1_000;
  const spoolMb = store.stats().spoolBytes / 1_048_576;
  const during = samples.splice(0);
  const t1 = performance.now();
  await influx.start();
  while (store.stats().written < total && store.stats().droppedPoints === 0) await new Promise((r) => setTimeout(r, 20));
  const replaySec = (performance.now() - t1) / 1_000;
  clearInterval(sampler);
  const lost = total - store.stats().written;
  await store.stop();
  // Flat: the last quarter of the outage holds no more than its first quarter (the spool grows on disk, not here).
  const quarter = Math.max(1, Math.floor(during.length / 4));
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  return {
    points: total, seconds, spoolMb, replaySec, lost,
    rssMb: { first: median(during.slice(0, quarter)), last: median(during.slice(-quarter)), max: Math.max(...during, ...samples) },
  };
}

async function pollRun(influx: Influxd, polls: number, dir: string): Promise<HistoryBenchResult['poll']> {
  const agent = await startSnmpd();
  const client = new NetSnmpClient({ host: '127.0.0.1', port: agent.port, credentials: { version: '2c', community: 'public' }, timeoutMs: 2_000, retries: 1 });
  const config = parseConfigText(`
sites: [{ name: bench, rows: [{ name: row-1, racks: [r1] }] }]
pdus: [{ name: bench-pdu-a, rack: r1, address: 127.0.0.1, outlets: 48, banks: 2, snmp: { version: '2c', community: public } }]
`, 'bench.yaml');
  const topology = new Topology(config);
  const tags = new TagCache();
  const store = new StateStore();
  const open = async () => {
    const w = await InfluxStore.open({ url: influx.url, database: 'polls', retention: { raw: 14 * DAY, minute: 90 * DAY, hour: 730 * DAY } },
      { batchSize: BATCH, flushIntervalMs: 1_000, spoolDir: join(dir, 'spool-polls'), spoolMaxBytes: 1 << 30 }, systemClock, log);
    await w.ensureSchema();
    return w;
  };
  const poll = async (writer: InfluxStore | null) => {
    const r = await readDevice(client, apcRpdu2);
    if (!r.ok) throw new Error(`bench history: poll failed: ${r.error}`);
    const at = Date.now();
    store.recordPdu('bench-pdu-a', at, { ok: true, reading: r.value });
    writer?.add(devicePoints(topology, 'bench-pdu-a', at, r.value, true, 'pdu', tags));
  };
  // With history, a writer of its own per round (made before the clock starts), stopped at the end
  // of it: everything the polls made is written inside the measured time, with no waiting loop.
  const timed = async (n: number, history: boolean) => {
    const writer = history ? await open() : null;
    const c0 = process.cpuUsage();
    for (let i = 0; i < n; i++) await poll(writer);
    await writer?.stop();
    const c = process.cpuUsage(c0);
    if (writer && writer.stats().written === 0) throw new Error('bench history: nothing written');
    return (c.user + c.system) / 1_000;
  };
  try {
    await timed(30, false);
    await timed(30, true);
    let without = 0;
    let withHistory = 0;
    const rounds = 4;
    for (let r = 0; r < rounds; r++) {
      without += await timed(polls / rounds, false);
      withHistory += await timed(polls / rounds, true);
    }
    return { polls, withoutMs: without / polls, withMs: withHistory / polls, ratio: withHistory / without };
  } finally {
    client.close();
    await agent.stop();
  }
}

export async function historyBench(options: { pdus?: number; rounds?: number; polls?: number } = {}): Promise<HistoryBenchResult> {
  const pdus = options.pdus ?? 100;
  const rounds = options.rounds ?? 20;
  const dir = mkdtempSync(join(tmpdir(), 'bb-bench-history-'));
  const influx = await startInfluxd();
  try {
    const start = Date.now() - 3_600_000;
    // Warm-up (JIT, connections, shard creation), then the bare baseline and the writer, into databases of their own.
    await writerRun(influx, 'warm', pdus, 10, start, dir);
    const { points, perPoll } = sitePoints(pdus, rounds, start);
    // Twice each, alternately: the figures are the better of the two (this machine's noise is large).
    const bares = [await bareRun(influx, 'bare1', points)];
    const writers = [await writerRun(influx, 'writer1', pdus, rounds, start, dir)];
    bares.push(await bareRun(influx, 'bare2', points));
    writers.push(await writerRun(influx, 'writer2', pdus, rounds, start, dir));
    points.length = 0;
    const best = (xs: typeof bares) => xs.reduce((a, b) => (b.pointsPerSec > a.pointsPerSec ? b : a));
    const bare = best(bares);
    const writer = best(writers);
    const outage = await outageRun(influx, pdus, 60, start + DAY, dir);
    const poll = await pollRun(influx, options.polls ?? 400, dir);
    return { points: pdus * rounds * perPoll, pointsPerPoll: perPoll, writer, bare, outage, poll };
  } finally {
    await influx.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export function formatHistory(r: HistoryBenchResult): string {
  const k = (x: number) => `${Math.round(x).toLocaleString('en-US')}`;
  return [
    `history → InfluxDB 1.6 on this machine (${k(r.points)} points of 48-outlet PDUs, ${r.pointsPerPoll} points per poll, batches of ${BATCH})`,
    `  Breakerbox's writer  ${k(r.writer.pointsPerSec)} points/s, ${r.writer.cpuUsPerPoint.toFixed(2)} µs CPU per point here (influxd ${r.writer.influxdCpuUsPerPoint.toFixed(2)} µs)`,
    `  bare POST baseline   ${k(r.bare.pointsPerSec)} points/s, ${r.bare.cpuUsPerPoint.toFixed(2)} µs CPU per point here (influxd ${r.bare.influxdCpuUsPerPoint.toFixed(2)} µs)`,
    `  writer / bare        ${(r.writer.pointsPerSec / r.bare.pointsPerSec).toFixed(2)} × the throughput (target ≥ 100,000 points/s)`,
    `outage: ${k(r.outage.points)} points while influxd was stopped (${r.outage.seconds.toFixed(1)} s), spooled ${r.outage.spoolMb.toFixed(1)} MB on disk`,
    `  RSS median over its first / last quarter ${r.outage.rssMb.first.toFixed(0)} / ${r.outage.rssMb.last.toFixed(0)} MB (max ${r.outage.rssMb.max.toFixed(0)}, replay included); replayed in ${r.outage.replaySec.toFixed(1)} s after influxd came back; lost ${r.outage.lost}`,
    `cost on the poll: CPU per poll of a 48-outlet PDU from snmpd, ${r.poll.polls} polls each way`,
    `  without history ${r.poll.withoutMs.toFixed(2)} ms, with history to InfluxDB ${r.poll.withMs.toFixed(2)} ms: ${((r.poll.ratio - 1) * 100).toFixed(1)} % more (target ≤ 10 %)`,
  ].join('\n');
}

