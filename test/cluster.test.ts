// Two Breakerbox processes of one cluster on a real PostgreSQL (initdb in a temp dir), the real
// command, the simulated data center served from this process (so a fault outlives a kill), and the
// pools' membership files shared by both (one backend, as a real load balancer is):
//   - kill -9 of the controller during a bank trip: the standby takes over within twice the lease,
//     every drain is made exactly once, and the next reload re-admits;
//   - the controller paused (SIGSTOP) past its lease while the standby takes over and an operator
//     changes a pool through it: resumed (SIGCONT), the old one writes nothing (a real HAProxy and
//     the membership files as the new one left them) and exits;
//   - a poller paused: its nodes are unknown, never down, until its devices move; nothing drains;
//   - PostgreSQL restarted while a bank trips: no backend is touched until the records are written,
//     then the drains land; the controller keeps its lease.
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { stringify } from 'yaml';
import { ADMIN } from '../src/backends/haproxy-runtime.js';
import type { Config } from '../src/config/schema.js';
import type { ApiEvent, ApiNode } from '../src/http/api-types.js';
import { Simulator } from '../src/sim/simulator.js';
import { stopChild } from './helpers/child-process.js';
import { cli } from './helpers/cli.js';
import { demoConfig, waitFor } from './helpers/demo-config.js';
import { freeUdpPort } from './helpers/ports.js';
import { start as startHaproxy } from './helpers/haproxy.js';
import { startPostgres, type Postgres } from './helpers/postgres.js';
import { range } from './helpers/scenario.js';

const SINGLE = range(57, 76); // fed by bank 1 of dal3-r07-a alone
const SCANNERS = range(1, 80);
const EXIT_LEASE_LOST = 76;
const MAINT = ADMIN.FMAINT;

/** Node names in an event's text, "scan-057..scan-060" ranges expanded. */
function namesIn(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/(scan|stor)-(\d+)(?:\.\.\1-(\d+))?/g)) {
    for (let i = Number(m[2]); i <= Number(m[3] ?? m[2]); i++) out.push(`${m[1]}-${String(i).padStart(m[2]!.length, '0')}`);
  }
  return out;
}

interface Member {
  name: string;
  child: ChildProcess;
  output(): string;
  /** Resolves with the URL once this process is the controller. */
  controller: Promise<string>;
  exited: Promise<number | null>;
}

describe('a cluster of two processes on PostgreSQL', { timeout: 240_000 }, () => {
  let db: Postgres;
  let sim: Simulator;
  let config: Config;
  let stateDir: string;
  let poolsDir: string;
  const children: ChildProcess[] = [];

  before(async () => {
    db = await startPostgres();
    ({ config, stateDir } = demoConfig({ snmpPort: await freeUdpPort(), trapPort: await freeUdpPort(), pollInterval: '1s', holdDown: '1s' }));
    poolsDir = join(stateDir, 'pools');
    sim = new Simulator(config, { httpPort: null, driftIntervalMs: 0 });
    await sim.start();
  });
  after(async () => {
    for (const c of children) {
      if (c.signalCode === null && c.exitCode === null) c.kill('SIGCONT');
      await stopChild(c);
    }
    await sim?.stop();
    await db?.stop();
  });

  /** Each process its own directory, config and trap port; one database, one set of membership files. */
  async function member(name: string, database: string, lease: string, backends: Record<string, unknown> = {}, trapPort?: number): Promise<Member> {
    const dir = join(stateDir, name);
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'site.yaml');
    const pools = config.pools.map((p) => ({ ...p, backend: backends[p.name] ?? { type: 'file', dir: poolsDir } }));
    writeFileSync(file, stringify({
      ...config, pools,
      settings: {
        ...config.settings, simulate: false, snmpTimeout: 2_000, http: { port: 0, host: '127.0.0.1' },
        traps: { ...config.settings.traps, port: trapPort ?? await freeUdpPort() },
        cluster: { database, lease, name },
      },
    }));
    const child = spawn(process.execPath, [...cli(), 'run', file], { cwd: dir, env: { ...process.env, LOG_LEVEL: 'warn' } });
    children.push(child);
    let output = '';
    // Told by its own output, as it comes: the line it prints on becoming the controller.
    let becameController: (url: string) => void = () => {};
    const seen = () => { const url = /controller \(epoch \d+\).* Wall: (http:\/\/\S+)\//.exec(output)?.[1]; if (url) becameController(url); };
    child.stdout!.on('data', (d: Buffer) => { output += d.toString(); seen(); });
    child.stderr!.on('data', (d: Buffer) => { output += d.toString(); });
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    // Bounded, on a timer that never holds the test process open by itself.
    let late: NodeJS.Timeout | undefined;
    const controller = Promise.race([
      new Promise<string>((resolve) => { becameController = resolve; }),
      exited.then((code): never => { throw new Error(`${name} exited (${code}) before it became the controller: ${output}`); }),
      new Promise<never>((_, reject) => { late = setTimeout(() => reject(new Error(`${name} did not become the controller within 120 s: ${output}`)), 120_000); late.unref(); }),
    ]).finally(() => clearTimeout(late));
    controller.catch(() => {});
    await Promise.race([
      waitFor(`${name} started`, () => /joined the cluster at http/.test(output), 60_000, 50),
      exited.then((code) => { throw new Error(`${name} exited (${code}): ${output}`); }),
    ]);
    return { name, child, output: () => output, controller, exited };
  }

  const membersFile = () => join(poolsDir, 'scanners.members');
  const members = () => (existsSync(membersFile()) ? readFileSync(membersFile(), 'utf8').split('\n').filter(Boolean) : null);
  /** The scanners the membership file (one active member a line) leaves out. */
  const out = () => { const active = new Set(members() ?? []); return SCANNERS.filter((n) => !active.has(n)); };
  const api = async <T>(url: string, path: string, init?: RequestInit) => (await (await fetch(`${url}${path}`, init)).json()) as T;
  const allNormal = async (url: string) => (await api<ApiNode[]>(url, '/api/nodes')).every((n) => n.power === 'normal');
  const drainRows = () => db.query<{ node: string; epoch: number }>("SELECT node, epoch::int AS epoch FROM bb_drains WHERE pool = 'scanners' ORDER BY node");
  const lease = async () => (await db.query<{ holder: string; epoch: number; acquired: number; renewed: number }>(
    "SELECT holder, epoch::int AS epoch, (extract(epoch FROM acquired_at) * 1000)::float8 AS acquired, (extract(epoch FROM renewed_at) * 1000)::float8 AS renewed FROM bb_lease WHERE name = 'controller'"))[0];

  it('kill -9 of the controller during a bank trip: the standby takes over within twice the lease, drains once, re-admits at the reload', async () => {
    const a = await member('bb-a', `${db.url}`, '3s');
    const urlA = await a.controller;
    const b = await member('bb-b', `${db.url}`, '3s');
    await waitFor('every node polled normal', () => allNormal(urlA), 60_000);
    assert.equal((await api<{ cluster: { role: string; name: string } }>(urlA, '/api/health')).cluster.role, 'controller');
    const standby = await api<{ role: string; cluster: { controller: { name: string } } }>(b.output().match(/joined the cluster at (\S+)\//)![1]!, '/api/health');
    assert.deepEqual([standby.role, standby.cluster.controller.name], ['standby', 'bb-a']);
    const first = (await lease())!;
    const status = await promisify(execFile)(process.execPath, [...cli(), 'cluster', 'status', '--cluster', db.url]);
    assert.match(status.stdout, new RegExp(`^controller bb-a in epoch ${first.epoch} at ${urlA.replace(/[.]/g, '\\.')}: lease renewed (now|\\d+ s ago), runs out in \\d+ s$`, 'm'));
    assert.match(status.stdout, /^bb-a\s+controller\s+http:\/\/127\.0\.0\.1:\d+\s+\S+\s+\d+\s+\d+ devices\s+(now|\d+ s ago)$/m);
    assert.match(status.stdout, /^bb-b\s+standby\s+http:\/\/127\.0\.0\.1:\d+\s+\S+\s+\d+\s+\d+ devices\s+(now|\d+ s ago)$/m);

    sim.injectFault({ kind: 'bank-trip', pdu: 'dal3-r07-a', bank: 1 });
    await waitFor('drains being written', async () => (await drainRows()).length > 0, 30_000, 5);
    const killedAt = (await lease())!.renewed;
    a.child.kill('SIGKILL');
    await a.exited;
    const byA = await drainRows();
    const journalA = (await db.query<{ id: number }>("SELECT id::int AS id FROM bb_events WHERE body->>'type' = 'drain' ORDER BY id")).map((r) => r.id);

    const urlB = await b.controller;
    const second = (await lease())!;
    assert.equal(second.holder, 'bb-b');
    assert.equal(second.epoch, first.epoch + 1);
    assert.ok(second.acquired - killedAt <= 2 * 3_000, `taken over ${Math.round(second.acquired - killedAt)} ms after the last renewal: within twice the lease`);

    // The new controller finishes the job: every node of the bank out, each drained once.
    await waitFor('the membership file without the bank', () => SINGLE.every((n) => out().includes(n)), 60_000);
    const rows = await drainRows();
    assert.deepEqual(rows.map((r) => r.node), SINGLE);
    for (const r of byA) assert.deepEqual(rows.find((x) => x.node === r.node), r, `${r.node}: still the record the first controller wrote`);
    const times = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM bb_drain_times WHERE pool = 'scanners'");
    assert.equal(times[0]!.n, SINGLE.length, 'each node drained exactly once');
    // The journal is shared: the new controller shows what the first one did, and numbers on from it.
    const journal = await api<ApiEvent[]>(urlB, '/api/events');
    assert.equal(new Set(journal.map((e) => e.id)).size, journal.length, 'no id given twice');
    for (const id of journalA) assert.ok(journal.some((e) => e.id === id && e.type === 'drain'), `the first controller's drain event ${id} is in the new one's journal`);
    const again = journal.filter((e) => e.type === 'drain' && !journalA.includes(e.id));
    for (const e of again) for (const r of byA) assert.ok(!namesIn(`${e.message} ${e.chain?.impact ?? ''}`).includes(r.node), `${r.node} drained again: ${e.message}`);

    sim.clearAllFaults();
    await waitFor('power back', () => allNormal(urlB), 60_000);
    await waitFor('a reload that re-admits', async () => /re-admitted (\d+) of \1\b/.test((await api<{ outcome: string }>(urlB, '/api/reload', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).outcome), 30_000, 500);
    await waitFor('every member back in the file', () => out().length === 0 && members()?.length === 80, 30_000);
    assert.deepEqual(await drainRows(), []);
    await stopChild(b.child);
    assert.equal((await lease())!.holder, null, 'a clean stop hands the lease over');
  });

  it('a controller paused past its lease writes nothing when it wakes, and exits: HAProxy and the membership files as its successor left them', async () => {
    const hx = await startHaproxy({ servers: SCANNERS, backend: 'scanners' });
    try {
      const haproxy = { scanners: { type: 'haproxy', socket: hx.socketPath } };
      const a = await member('bb-c', db.url, '2s', haproxy);
      const urlA = await a.controller;
      const b = await member('bb-d', db.url, '2s', haproxy);
      await waitFor('every node polled normal', () => allNormal(urlA), 60_000);
      const storageFile = join(poolsDir, 'storage.members');
      await waitFor('the storage pool\'s file written', () => existsSync(storageFile), 30_000);

      a.child.kill('SIGSTOP');
      const urlB = await b.controller;
      await waitFor('every node polled normal by the new controller', () => allNormal(urlB), 60_000);
      // Through the new controller: an operator takes a scanner out. The old one never heard of it.
      const held = await fetch(`${urlB}/api/pools/scanners/members/scan-001/hold`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ mode: 'out', reason: 'disk swap' }) });
      assert.equal(held.status, 200, await held.text());
      await waitFor('scan-001 in maint', async () => ((await hx.adminStates()).get('scan-001')! & MAINT) !== 0, 30_000);
      const states = await hx.adminStates();
      assert.deepEqual([...states].filter(([, v]) => v !== 0).map(([n]) => n), ['scan-001'], 'only the held scanner out');
      const storage = { text: readFileSync(storageFile, 'utf8'), mtime: statSync(storageFile).mtimeMs };
      const holds = await db.query('SELECT pool, node FROM bb_holds');

      a.child.kill('SIGCONT');
      assert.equal(await a.exited, EXIT_LEASE_LOST, a.output());
      assert.match(a.output(), /lost the controller lease/);
      assert.deepEqual(await hx.adminStates(), states, 'HAProxy as the new controller left it');
      assert.deepEqual({ text: readFileSync(storageFile, 'utf8'), mtime: statSync(storageFile).mtimeMs }, storage, 'the storage pool\'s file not even rewritten alike');
      assert.deepEqual(await db.query('SELECT pool, node FROM bb_holds'), holds);
      const released = await fetch(`${urlB}/api/pools/scanners/members/scan-001/hold`, { method: 'DELETE', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ reason: 'disk swapped' }) });
      assert.equal(released.status, 200, await released.text());
      await waitFor('scan-001 ready again', async () => (await hx.adminStates()).get('scan-001') === 0, 30_000);
      await stopChild(b.child);
    } finally {
      await hx.stop();
    }
  });

  it('a poller stopped: its nodes are unknown, never down, until its devices move to the others; nothing drains', async () => {
    const a = await member('bb-f', db.url, '6s');
    const urlA = await a.controller;
    // The standby listens where the simulated PDUs send their traps: the controller hears them through it.
    const b = await member('bb-g', db.url, '6s', {}, config.settings.traps.port);
    // Both poll a share: the controller adopts the other's facts.
    const theirs = await waitFor('bb-g polling its share', async () => {
      const rows = await db.query<{ name: string }>("SELECT name FROM bb_facts WHERE kind = 'node' AND poller = 'bb-g' ORDER BY name");
      return rows.length > 10 && rows.map((r) => r.name);
    }, 60_000);
    await waitFor('every node polled normal', () => allNormal(urlA), 60_000);
    await waitFor('the membership file written', () => members()?.length === 80 && out().length === 0, 30_000);
    // Metrics per role: each process says what it is, what it polls, and the facts it moved.
    const series = async (url: string) => new Map([...(await (await fetch(`${url}/metrics`)).text()).matchAll(/^(breakerbox_cluster_\w+) (\S+)$/gm)].map((m) => [m[1]!, Number(m[2])]));
    const ofA = await series(urlA);
    const ofB = await series(b.output().match(/joined the cluster at (\S+)\//)![1]!);
    assert.equal(ofA.get('breakerbox_cluster_controller'), 1);
    assert.equal(ofB.get('breakerbox_cluster_controller'), 0);
    assert.equal(ofA.get('breakerbox_cluster_polled_devices')! + ofB.get('breakerbox_cluster_polled_devices')!, 100, 'every device in one share (16 PDUs, 84 nodes)');
    assert.ok(ofB.get('breakerbox_cluster_facts_published_total')! > 0 && ofA.get('breakerbox_cluster_facts_adopted_total')! > 0);
    assert.equal(ofB.has('breakerbox_cluster_epoch'), false, 'a standby acts in no epoch');

    // A trap sent to the standby reaches the controller's pipeline: attributed, journaled, confirmed.
    const outlet = sim.injectFault({ kind: 'outlet-off', pdu: 'dal3-r07-a', outlet: 48 });
    const heard = await waitFor('the trap at the controller', async () => (await api<{ device: string | null; name: string; entity: { outlet?: number } }[]>(urlA, '/api/traps')).find((t) => t.device === 'dal3-r07-a' && t.entity.outlet === 48), 30_000);
    assert.match(heard.name, /outlet.*off/i);
    assert.equal((await api<{ received: number }>(urlA, '/api/traps/stats')).received, 0, 'nothing came to the controller\'s own port');
    assert.ok((await series(urlA)).get('breakerbox_cluster_traps_taken_total')! >= 1);
    sim.clearFault(outlet.id);
    const since = Date.now();

    b.child.kill('SIGSTOP');
    const unknown = await waitFor('its nodes unknown', async () => {
      const nodes = await api<ApiNode[]>(urlA, '/api/nodes');
      const quiet = nodes.filter((n) => theirs.includes(n.name) && n.power === 'unknown');
      return quiet.length > 0 && quiet;
    }, 30_000, 100);
    assert.ok(unknown.every((n) => theirs.includes(n.name)), 'only the stopped poller\'s nodes');
    // Moved to the controller within the lease and a poll or two: all normal again.
    await waitFor('its devices polled by the controller', async () => {
      const rows = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM bb_facts WHERE kind = 'node' AND name = ANY($1) AND poller = 'bb-f'", [theirs]);
      return rows[0]!.n === theirs.length;
    }, 30_000);
    await waitFor('every node normal again', () => allNormal(urlA), 30_000);
    const drains = (await api<ApiEvent[]>(urlA, `/api/events?from=${since}`)).filter((e) => e.type === 'drain' || e.type === 'would-drain');
    assert.deepEqual(drains, [], 'nothing drained');
    assert.deepEqual(out(), [], 'every member still in the file');
    b.child.kill('SIGCONT');
    await stopChild(b.child);
    await stopChild(a.child);
  });

  it('PostgreSQL restarted while a bank trips: no backend touched before the records are written, then the drains land', async () => {
    const a = await member('bb-e', db.url, '20s');
    const urlA = await a.controller;
    await waitFor('every node polled normal', () => allNormal(urlA), 60_000);
    await waitFor('the membership file written', () => members()?.length === 80 && out().length === 0, 30_000);
    // The processes of the scenarios before (killed, or gone on a lost lease) have aged out: it polls every device.
    await waitFor('polling alone', async () => (await api<{ cluster: { members: string[] } }>(urlA, '/api/health')).cluster.members.join() === 'bb-e', 30_000);
    const epoch = (await lease())!.epoch;
    await db.pause();
    sim.injectFault({ kind: 'bank-trip', pdu: 'dal3-r07-a', bank: 1 });
    await waitFor('the trip decided', async () => (await api<ApiNode[]>(urlA, '/api/nodes')).filter((n) => SINGLE.includes(n.name) && n.power === 'lost').length === SINGLE.length, 30_000);
    const health = await waitFor('the controller degraded', async () => { const h = await api<{ status: string; problems: { message: string }[] }>(urlA, '/api/health'); return h.status === 'degraded' && h; }, 30_000);
    assert.match(health.problems.map((p) => p.message).join('\n'), /cannot write the cluster database/);
    assert.equal(out().length, 0, 'no backend touched while the records cannot be written');
    await db.start();
    await waitFor('the drains landed in the file', () => SINGLE.every((n) => out().includes(n)), 30_000);
    assert.deepEqual((await drainRows()).map((r) => r.node), SINGLE);
    assert.equal((await lease())!.epoch, epoch, 'the same controller, its lease kept');
    assert.equal(a.child.exitCode, null);
    sim.clearAllFaults();
    await stopChild(a.child);
  });
});
