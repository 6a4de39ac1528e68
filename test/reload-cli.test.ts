// The real command: SIGHUP reloads, a bad config is refused and the running one kept, secrets never logged.
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ApiEvent, ApiNode } from '../src/http/api-types.js';
import { packageRoot } from '../src/paths.js';
import { waitFor } from './helpers/demo-config.js';
import { freeUdpPort } from './helpers/ports.js';
import { cli } from './helpers/cli.js';

const SECRET = 's3cret-community-do-not-log';
/** The simulated devices' SNMP port: free on loopback when the suite starts. */
let port = 0;
const config = (holdDown: string, dir: string) => `sites: [{name: Lab, rows: [{name: row 1, racks: [r1]}]}]
pdus:
  - {name: lab-a, rack: r1, address: "127.9.1.1:${port}", outlets: 8, banks: 2, snmp: {version: "2c", community: ${SECRET}}}
nodes:
  - {name: web-1, rack: r1, address: "127.9.2.1:${port}", snmp: {version: "2c", community: ${SECRET}}, psus: [{pdu: lab-a, outlet: 1}]}
  - {name: web-2, rack: r1, address: "127.9.2.2:${port}", psus: [{pdu: lab-a, outlet: 5}]}
pools:
  - {name: web, members: [web-1, web-2], backend: {type: file, dir: "${dir}/pools"}}
settings:
  pollInterval: 1s
  snmpTimeout: 400ms
  reload: {schedule: "0 0 1 1 *", holdDown: ${holdDown}}
  http: {port: 0, host: 127.0.0.1}
  simulate: true
  traps: {enabled: false}
  database: "${dir}/breakerbox.db"
  history: {embedded: {database: "${dir}/history.db"}}
`;

describe('breakerbox run (the command)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bb-cli-'));
  const file = join(dir, 'lab.yaml');
  let child: ChildProcess;
  let output = '';
  let url = '';
  const api = async <T>(path: string, init?: RequestInit) => (await fetch(`${url}${path}`, init)).json() as Promise<T>;

  before(async () => {
    port = await freeUdpPort();
    writeFileSync(file, config('7s', dir));
    child = spawn(process.execPath, [...cli(), 'run', file], { cwd: packageRoot(), env: { ...process.env, LOG_LEVEL: 'debug' } });
    child.stdout!.on('data', (d: Buffer) => { output += d.toString(); });
    child.stderr!.on('data', (d: Buffer) => { output += d.toString(); });
    url = await waitFor('the wall URL', () => /Wall: (http:\/\/\S+)\//.exec(output)?.[1], 20_000);
    await waitFor('nodes polled', async () => (await api<ApiNode[]>('/api/nodes')).every((n) => n.power === 'normal'));
  });
  after(() => { child?.kill('SIGKILL'); });

  it('SIGHUP reloads and picks up a changed config', async () => {
    writeFileSync(file, config('9s', dir));
    child.kill('SIGHUP');
    const reload = await waitFor('a reload event', async () => (await api<ApiEvent[]>('/api/events')).find((e) => e.type === 'reload'));
    assert.match(reload.message, /reload \(signal\)/);
    const snapshot = await api<{ reload: { holdDownMs: number } }>('/api/snapshot');
    assert.equal(snapshot.reload.holdDownMs, 9_000);
  });

  it('a bad config is refused with file, line and key; the running one is kept', async () => {
    writeFileSync(file, config('9s', dir).replace('outlets: 8', 'outlets: -3'));
    const res = await fetch(`${url}/api/reload`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    assert.equal(res.status, 422);
    const body = (await res.json()) as { configError: string };
    assert.match(body.configError, new RegExp(`lab\\.yaml:3: pdus\\[0\\]\\.outlets: `));
    const events = await api<ApiEvent[]>('/api/events');
    assert.ok(events.some((e) => e.type === 'config-rejected'));
    assert.equal((await api<{ status: string }>('/api/health')).status, 'degraded', 'while the refused file is on disk');
    assert.equal((await api<ApiNode[]>('/api/nodes')).length, 2);
  });

  it('an outlet switched off drains its node; nothing logged carries the community', async () => {
    await fetch(`${url}/api/sim/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'outlet-off', pdu: 'lab-a', outlet: 1 }) });
    const drained = await waitFor('web-1 drained', async () => (await api<{ members: { node: string; state: string }[] }[]>('/api/pools'))[0]!.members.find((m) => m.node === 'web-1' && m.state === 'drained'));
    assert.ok(drained);
    await waitFor('the drain logged', () => /"msg":"outlet 1 switched off on lab-a/.test(output));
    assert.ok(!output.includes(SECRET), 'the community appeared in the output');
  });
});

describe('breakerbox run refuses a file it cannot safely read', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bb-cli-bad-'));
  const run = (file: string) => new Promise<{ code: number | null; stderr: string }>((resolve) => {
    execFile(process.execPath, [...cli(), 'run', file], { cwd: packageRoot(), timeout: 60_000 }, (err, _stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : null) : 0, stderr });
    });
  });

  for (const [what, name, text, expected] of [
    ['over the size limit', 'huge.yaml', `sites: []\n${`# ${'x'.repeat(120)}\n`.repeat(75_000)}`, /huge\.yaml: \(top level\): the file is 8\.8 MiB, more than the limit of 8\.0 MiB/],
    ['an alias bomb', 'bomb.yaml', 'sites: [{name: Lab, rows: [{name: r, racks: [r1]}]}]\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n', /bomb\.yaml:3: \(top level\): its aliases expand more than 100 times/],
    ['a syntax error', 'syntax.yaml', 'sites: [{name: Lab\nsettings: {pollInterval: 1s}\n', /syntax\.yaml:\d+: /],
  ] as const) {
    it(`${what}: exit 2, one located line, no stack trace`, async () => {
      const file = join(dir, name);
      writeFileSync(file, text);
      const { code, stderr } = await run(file);
      assert.equal(code, 2, stderr);
      assert.match(stderr, expected);
      assert.doesNotMatch(stderr, /\n\s+at /);
    });
  }
});
