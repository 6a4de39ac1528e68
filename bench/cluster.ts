// A cluster on a real PostgreSQL (initdb in a temp dir), measured three ways:
//   - failover: three real `breakerbox run` processes on the simulated demo; the controller is
//     killed (-9) again and again; kill → the next controller holds the lease, and → it serves
//     its wall, against the lease (a standby may take the lease only once it has run out);
//   - fact latency: a fact recorded by a poller's store → adopted by the controller's store,
//     through PostgreSQL (publisher and feed in this process, each with its own connections),
//     against the same fact handed from one store to another in memory;
//   - throughput: the facts of a 1,000-PDU / 10,000-node site, polled by 3 pollers at once, all
//     published and adopted: facts per second, against what a 30 s poll interval needs.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { stringify } from 'yaml';
import { systemClock } from '../src/clock.js';
import { clusterPool } from '../src/cluster/cluster.js';
import { FactFeed, FactPublisher } from '../src/cluster/facts.js';
import { migrate } from '../src/cluster/schema.js';
import { Topology } from '../src/health/topology.js';
import { largeSiteConfig } from '../src/demo/large-site.js';
import { Simulator } from '../src/sim/simulator.js';
import { StateStore } from '../src/state/state-store.js';
import { stopChild } from '../test/helpers/child-process.js';
import { cli } from '../test/helpers/cli.js';
import { demoConfig, waitFor } from '../test/helpers/demo-config.js';
import { freeUdpPort } from '../test/helpers/ports.js';
import { startPostgres, type Postgres } from '../test/helpers/postgres.js';
import { nodeReading, pduReading } from '../test/helpers/synthetic-readings.js';

const silent = pino({ level: 'silent' });
const quantile = (xs: number[], q: number) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(q * s.length))]!; };

export interface ClusterBench {
  leaseMs: number;
  takeoverMs: number[];
  wallMs: number[];
  factMs: number[];
  memoryMs: number[];
  throughput: { devices: number; pollers: number; seconds: number; neededPerSecond: number };
}

export async function clusterBench(o: { kills: number; facts: number; leaseMs?: number }): Promise<ClusterBench> {
  const db = await startPostgres();
  try {
    const leaseMs = o.leaseMs ?? 3_000;
    const { takeoverMs, wallMs } = await failovers(db, o.kills, leaseMs);
    const { factMs, memoryMs } = await factLatency(db, o.facts);
    const throughput = await factThroughput(db, 1_000, 3);
    return { leaseMs, takeoverMs, wallMs, factMs, memoryMs, throughput };
  } finally {
    await db.stop();
  }
}

async function failovers(db: Postgres, kills: number, leaseMs: number): Promise<{ takeoverMs: number[]; wallMs: number[] }> {
  const { config, stateDir } = demoConfig({ snmpPort: await freeUdpPort(), trapPort: await freeUdpPort(), pollInterval: '2s' });
  const sim = new Simulator(config, { httpPort: null, driftIntervalMs: 0 });
  await sim.start();
  const children = new Map<string, { child: ChildProcess; output: () => string }>();
  const start = async (name: string) => {
    const dir = join(stateDir, name);
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'site.yaml');
    const pools = config.pools.map((p) => ({ ...p, backend: { type: 'file', dir: join(stateDir, 'pools') } }));
    writeFileSync(file, stringify({ ...config, pools, settings: { ...config.settings, simulate: false, http: { port: 0, host: '127.0.0.1' }, traps: { ...config.settings.traps, port: await freeUdpPort() }, cluster: { database: db.url, lease: leaseMs, name } } }));
    const child = spawn(process.execPath, [...cli(), 'run', file], { cwd: dir, env: { ...process.env, LOG_LEVEL: 'error' } });
    let output = '';
    child.stdout!.on('data', (d: Buffer) => { output += d.toString(); });
    children.set(name, { child, output: () => output });
  };
  const holder = async () => (await db.query<{ holder: string | null; epoch: number }>("SELECT holder, epoch::int AS epoch FROM bb_lease WHERE name = 'controller'"))[0];
  const takeoverMs: number[] = [];
  const wallMs: number[] = [];
  try {
    for (const name of ['bb-1', 'bb-2', 'bb-3']) await start(name);
    await waitFor('a controller', async () => (await holder())?.holder, 60_000, 50);
    for (let i = 0; i < kills; i++) {
      const before = (await holder())!;
      const victim = children.get(before.holder!)!;
      const walls = new Map([...children].map(([n, c]) => [n, c.output().split('Wall:').length]));
      // Killed at a random point of its lease's renewal cycle.
      await new Promise((r) => setTimeout(r, Math.random() * (leaseMs / 3)));
      const t0 = performance.now();
      victim.child.kill('SIGKILL');
      const next = await waitFor('the next controller', async () => { const h = await holder(); return h && h.epoch > before.epoch && h.holder ? h : null; }, 10 * leaseMs, 10);
      takeoverMs.push(performance.now() - t0);
      await waitFor('its wall', () => children.get(next.holder!)!.output().split('Wall:').length > walls.get(next.holder!)!, 30_000, 10);
      wallMs.push(performance.now() - t0);
      if (victim.child.exitCode === null && victim.child.signalCode === null) await new Promise((r) => victim.child.once('exit', r));
      await start(before.holder!); // back as a standby
    }
  } finally {
    for (const c of children.values()) await stopChild(c.child);
    await sim.stop();
  }
  return { takeoverMs, wallMs };
}

async function factLatency(db: Postgres, count: number): Promise<{ factMs: number[]; memoryMs: number[] }> {
  const poolA = clusterPool({ database: db.url, lease: 15_000 }, silent);
  const poolB = clusterPool({ database: db.url, lease: 15_000 }, silent);
  await migrate(poolA);
  const poller = new StateStore();
  const controller = new StateStore();
  const publisher = new FactPublisher(poolA, poller, 'poller', systemClock, silent);
  const feed = new FactFeed(poolB, controller, 'controller', systemClock, silent);
  await feed.start();
  const factMs: number[] = [];
  const memoryMs: number[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const name = `bench-node-${i % 50}`;
      const adopted = new Promise<number>((resolve) => { const off = controller.onChange((c) => { if (c.name === name) { off(); resolve(performance.now()); } }); });
      await new Promise((r) => setTimeout(r, Math.random() * 50));
      const t0 = performance.now();
      poller.recordNode(name, Date.now(), { ok: true, reading: { ...nodeReading, uptimeTicks: 100_000 + i } });
      factMs.push((await adopted) - t0);
      // The same fact handed over in memory, as one process does.
      const local = new StateStore();
      const t1 = performance.now();
      const seen = new Promise<number>((resolve) => local.onChange(() => resolve(performance.now())));
      local.adopt('node', poller.node(name)!);
      memoryMs.push((await seen) - t1);
    }
  } finally {
    publisher.stop();
    feed.stop();
    await poolA.end();
    await poolB.end();
  }
  return { factMs, memoryMs };
}

async function factThroughput(db: Postgres, pdus: number, pollers: number): Promise<ClusterBench['throughput']> {
  const config = largeSiteConfig({ pdus, stateDir: 'var/bench-cluster' });
  const topology = new Topology(config);
  const pools = Array.from({ length: pollers + 1 }, () => clusterPool({ database: db.url, lease: 15_000 }, silent));
  const stores = Array.from({ length: pollers }, () => new StateStore());
  const publishers = stores.map((s, i) => new FactPublisher(pools[i]!, s, `poller-${i}`, systemClock, silent));
  const controller = new StateStore();
  const feed = new FactFeed(pools[pollers]!, controller, 'controller', systemClock, silent);
  await feed.start();
  const devices = config.pdus.length + config.nodes.length;
  let adopted = 0;
  const all = new Promise<void>((resolve) => controller.onChange(() => { if (++adopted === devices) resolve(); }));
  try {
    const now = Date.now();
    const t0 = performance.now();
    config.pdus.forEach((p, i) => stores[i % pollers]!.recordPdu(p.name, now, { ok: true, reading: pduReading(topology, p, Array.from({ length: p.outlets }, () => 'on')) }));
    config.nodes.forEach((n, i) => stores[i % pollers]!.recordNode(n.name, now, { ok: true, reading: nodeReading }));
    await all;
    return { devices, pollers, seconds: (performance.now() - t0) / 1_000, neededPerSecond: devices / (config.settings.pollInterval / 1_000) };
  } finally {
    for (const p of publishers) p.stop();
    feed.stop();
    for (const p of pools) await p.end();
  }
}

export function formatCluster(r: ClusterBench): string {
  const f = (xs: number[]) => `p50 ${quantile(xs, 0.5).toFixed(0)} / p99 ${quantile(xs, 0.99).toFixed(0)} / max ${Math.max(...xs).toFixed(0)} ms`;
  const g = (xs: number[]) => `p50 ${quantile(xs, 0.5).toFixed(1)} / p99 ${quantile(xs, 0.99).toFixed(1)} ms`;
  const rate = r.throughput.devices / r.throughput.seconds;
  return [
    `cluster on PostgreSQL (three processes on the demo, lease ${r.leaseMs} ms; ${r.takeoverMs.length} kills of the controller)`,
    `  kill -9 → the next controller holds the lease   ${f(r.takeoverMs)} = p99 ${(quantile(r.takeoverMs, 0.99) / r.leaseMs).toFixed(2)} × the lease (bound: 2 ×)`,
    `  kill -9 → it serves its wall                    ${f(r.wallMs)}`,
    `  a fact: poller's store → controller's store      ${g(r.factMs)} through PostgreSQL (in memory: ${g(r.memoryMs)}; batched every 100 ms)`,
    `  throughput: ${r.throughput.devices} devices' facts from ${r.throughput.pollers} pollers published and adopted in ${r.throughput.seconds.toFixed(2)} s = ${rate.toFixed(0)} facts/s, ${(rate / r.throughput.neededPerSecond).toFixed(1)} × what a 30 s poll interval needs (${r.throughput.neededPerSecond.toFixed(0)}/s)`,
  ].join('\n');
}
