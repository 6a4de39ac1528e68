// kill -9 in the middle of draining, then a restart while the fault is still there: what was drained
// stays drained, nothing is drained twice, and the next reload re-admits it once power is back.
// The real command, the real SQLite file; the devices run in this process, so the fault outlives the kill.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import type { Config } from '../src/config/schema.js';
import type { ApiEvent, ApiNode, ApiPool } from '../src/http/api-types.js';
import { Simulator } from '../src/sim/simulator.js';
import { stopChild } from './helpers/child-process.js';
import { demoConfig, waitFor } from './helpers/demo-config.js';
import { PageReceiver } from './helpers/page-receiver.js';
import { freeUdpPort } from './helpers/ports.js';
import { range } from './helpers/scenario.js';
import { cli } from './helpers/cli.js';

const SINGLE = range(57, 76); // fed by bank 1 of dal3-r07-a alone

function start(configFile: string, cwd: string): { child: ChildProcess; url: Promise<string>; output(): string } {
  const child = spawn(process.execPath, [...cli(), 'run', configFile], { cwd, env: { ...process.env, LOG_LEVEL: 'warn' } });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => { output += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { output += d.toString(); });
  const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`breakerbox exited (${code}): ${output}`))));
  const url = waitFor('the service', () => /Wall: (http:\/\/\S+)\//.exec(output)?.[1], 60_000);
  exited.catch(() => {});
  return { child, url: Promise.race([url, exited]), output: () => output };
}

/** The demo's config as a file for the real command: its devices simulated in this process (they outlive a kill), a free HTTP port. */
async function serviceConfig(config: Config, stateDir: string, settings: Partial<Config['settings']> = {}): Promise<string> {
  const file = join(stateDir, 'dallas.yaml');
  const { stringify } = await import('yaml');
  writeFileSync(file, stringify({ ...config, settings: { ...config.settings, simulate: false, snmpTimeout: 2_000, http: { port: 0, host: '127.0.0.1' }, ...settings } }));
  return file;
}

/** Node names in an event's text, "scan-057..scan-060" ranges expanded. */
function namesIn(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/(scan|stor)-(\d+)(?:\.\.\1-(\d+))?/g)) {
    const width = m[2]!.length;
    for (let i = Number(m[2]); i <= Number(m[3] ?? m[2]); i++) out.push(`${m[1]}-${String(i).padStart(width, '0')}`);
  }
  return out;
}

interface Row { node: string; since: number }
const rowsInDb = (file: string): Row[] => {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return db.prepare("SELECT node, since FROM drains WHERE pool = 'scanners' ORDER BY node").all() as Row[];
  } finally {
    db.close();
  }
};

describe('kill -9 while draining', () => {
  let sim: Simulator | undefined;
  const children: ChildProcess[] = [];
  after(async () => {
    for (const c of children) await stopChild(c);
    await sim?.stop();
  });

  it('keeps what it drained, drains nothing twice with the fault still there, and re-admits at the next reload', async (t) => {
    const { config, stateDir } = demoConfig({ snmpPort: await freeUdpPort(), trapPort: await freeUdpPort(), pollInterval: '1s', holdDown: '1s' });
    const file = await serviceConfig(config, stateDir);
    const db = join(stateDir, 'var/breakerbox.db');
    const membersFile = join(stateDir, 'var/pools/scanners.members');
    const members = () => (existsSync(membersFile) ? readFileSync(membersFile, 'utf8').split('\n').filter(Boolean) : null);
    sim = new Simulator(config, { httpPort: null, driftIntervalMs: 0 });
    await sim.start();

    const first = start(file, stateDir);
    children.push(first.child);
    const url1 = await first.url;
    await waitFor('first polls', async () => (await (await fetch(`${url1}/api/nodes`)).json() as ApiNode[]).every((n) => n.power === 'normal'), 60_000);
    sim.injectFault({ kind: 'bank-trip', pdu: 'dal3-r07-a', bank: 1 });
    // Killed the moment the records are committed: the backend may not have been told yet.
    await waitFor('drains being written', () => existsSync(db) && rowsInDb(db).length > 0, 30_000, 5);
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));
    const before = rowsInDb(db);
    const had = new Set(before.map((r) => r.node));
    assert.ok(before.length > 0);

    // The journal outlives the restart: what the restarted service itself did is what came after this.
    const restartedAt = Date.now();
    const second = start(file, stateDir);
    children.push(second.child);
    t.after(() => { if (second.child.exitCode !== null) t.diagnostic(`the restarted service exited: ${second.output()}`); });
    const url2 = await second.url;
    const api = async <T>(path: string, init?: RequestInit) => (await (await fetch(`${url2}${path}`, init)).json()) as T;
    const drained = async () => (await api<ApiPool[]>('/api/pools')).find((p) => p.name === 'scanners')!.members.filter((m) => m.state === 'drained').map((m) => m.node).sort();
    assert.deepEqual((await drained()).filter((n) => had.has(n)), [...had].sort(), 'still drained after the restart');
    // The fault is still there: the restarted service sees those nodes without power, as the first did...
    await waitFor('the fault seen again', async () => {
      const lost = new Set((await api<ApiNode[]>('/api/nodes')).filter((n) => n.power === 'lost').map((n) => n.name));
      return SINGLE.every((n) => lost.has(n));
    }, 60_000);
    // ...and has reconciled with it: the membership file says what the records say.
    await waitFor('the membership file written', () => { const m = members(); return m?.length === 60 && SINGLE.every((n) => !m.includes(n)); }, 30_000);
    const again = (await api<ApiEvent[]>(`/api/events?from=${restartedAt}`)).filter((e) => e.type === 'drain' || e.type === 'would-drain');
    for (const e of again) for (const n of namesIn(`${e.message} ${e.chain?.impact ?? ''}`)) assert.ok(!had.has(n), `${n} drained twice: ${e.message}`);
    if (SINGLE.every((n) => had.has(n))) assert.deepEqual(again, [], 'no drain decided again');
    assert.deepEqual(rowsInDb(db).filter((r) => had.has(r.node)), before, 'one record per node, each from the first decision');
    const out = await drained();
    assert.ok(SINGLE.every((n) => out.includes(n)), `every node of the tripped bank is out: ${out.join()}`);

    sim.clearAllFaults();
    await waitFor('power back', async () => (await api<ApiNode[]>('/api/nodes')).every((n) => n.power === 'normal' && n.reachable), 60_000);
    // A reload re-admits once the nodes have answered for the 1 s hold-down: asked until it does.
    const reload = await waitFor('a reload that re-admits', async () => {
      const r = await api<{ outcome: string }>('/api/reload', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      return /re-admitted (\d+) of \1\b/.test(r.outcome) && r;
    }, 30_000, 500);
    assert.match(reload.outcome, /re-admitted (\d+) of \1\b/);
    assert.deepEqual(await drained(), []);
    assert.deepEqual(rowsInDb(db), []);
    await waitFor('every member back in the file', () => members()?.length === 80, 30_000);
  });
});

describe('kill -9 between a page queued and its delivery', () => {
  let sim: Simulator | undefined;
  const children: ChildProcess[] = [];
  const receiver = new PageReceiver();
  after(async () => {
    for (const c of children) await stopChild(c);
    await sim?.stop();
    await receiver.stop();
  });

  it('loses nothing and sends nothing twice: the restarted service delivers the page once', async () => {
    await receiver.start();
    receiver.failing.add('/hook');
    const { config, stateDir } = demoConfig({ snmpPort: await freeUdpPort(), trapPort: await freeUdpPort(), pollInterval: '1s' });
    const alerts = { ...config.settings.alerts, receivers: [{ type: 'webhook' as const, name: 'hook', url: receiver.url('/hook'), minSeverity: 'critical' as const, timeout: 2_000 }] };
    const file = await serviceConfig(config, stateDir, { alerts });
    const db = join(stateDir, 'var/breakerbox.db');
    const queued = () => {
      if (!existsSync(db)) return 0;
      const d = new Database(db, { readonly: true, fileMustExist: true });
      try {
        return (d.prepare("SELECT count(*) AS n FROM outbox WHERE receiver = 'hook' AND done = 0").get() as { n: number }).n;
      } catch {
        return 0; // not created yet
      } finally {
        d.close();
      }
    };
    sim = new Simulator(config, { httpPort: null, driftIntervalMs: 0 });
    await sim.start();
    const first = start(file, stateDir);
    children.push(first.child);
    const url1 = await first.url;
    await waitFor('first polls', async () => (await (await fetch(`${url1}/api/nodes`)).json() as ApiNode[]).every((n) => n.power === 'normal'), 60_000);
    sim.injectFault({ kind: 'bank-trip', pdu: 'dal3-r07-a', bank: 1 });
    await waitFor('the page queued, its receiver refusing', () => queued() > 0, 30_000, 20);
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));
    assert.equal(receiver.on('/hook').length, 0, 'nothing delivered before the kill');

    receiver.failing.delete('/hook');
    const second = start(file, stateDir);
    children.push(second.child);
    await second.url;
    await waitFor('delivered after the restart', () => receiver.on('/hook').length > 0, 30_000);
    await new Promise((r) => setTimeout(r, 3_000));
    const pages = receiver.on('/hook').map((r) => JSON.parse(r.body) as { kind: string; story: { key: string } });
    assert.deepEqual(pages.map((p) => [p.kind, p.story.key]), [['trigger', 'breaker-tripped:bank:dal3-r07-a bank 1']], 'the page, once');
    assert.equal(queued(), 0);
  });
});
