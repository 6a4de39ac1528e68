// kill -9 in the middle of draining, then a restart: what was drained stays drained, nothing is
// drained twice, and the next reload re-admits it. The real command, the real SQLite file.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import type { ApiEvent, ApiNode, ApiPool } from '../src/http/api-types.js';
import { packageRoot } from '../src/paths.js';
import { demoConfig, waitFor } from './helpers/demo-config.js';

const TSX = pathToFileURL(join(packageRoot(), 'node_modules/tsx/dist/esm/index.mjs')).href;

function start(configFile: string, cwd: string): { child: ChildProcess; url: Promise<string> } {
  const child = spawn(process.execPath, ['--import', TSX, join(packageRoot(), 'src/cli.ts'), 'run', configFile], { cwd, env: { ...process.env, LOG_LEVEL: 'warn' } });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => { output += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { output += d.toString(); });
  return { child, url: waitFor('the service', () => /Wall: (http:\/\/\S+)\//.exec(output)?.[1], 30_000) };
}

const drainedInDb = (file: string): string[] => {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare("SELECT node FROM drains WHERE pool = 'scanners'").all() as { node: string }[]).map((r) => r.node).sort();
  } finally {
    db.close();
  }
};

describe('kill -9 while draining', () => {
  it('keeps what it drained, drains nothing twice, and re-admits at the next reload', async () => {
    const snmpPort = 23400 + (process.pid % 50);
    const { config, stateDir } = demoConfig({ snmpPort, pollInterval: '1s', holdDown: '1s' });
    const file = join(stateDir, 'dallas.yaml');
    // The demo file with this test's ports, state in stateDir.
    const { stringify } = await import('yaml');
    writeFileSync(file, stringify({ ...config, settings: { ...config.settings, http: { port: 0, host: '127.0.0.1' } } }));
    const db = join(stateDir, 'var/breakerbox.db');

    const first = start(file, stateDir);
    const url1 = await first.url;
    await waitFor('first polls', async () => (await (await fetch(`${url1}/api/nodes`)).json() as ApiNode[]).every((n) => n.power === 'normal'), 30_000);
    await fetch(`${url1}/api/sim/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'bank-trip', pdu: 'dal3-r07-a', bank: 1 }) });
    await waitFor('drains being written', () => drainedInDb(db).length > 0, 20_000, 5);
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));
    const before = drainedInDb(db);
    assert.ok(before.length > 0);

    const second = start(file, stateDir);
    try {
      const url2 = await second.url;
      const pools = async () => (await (await fetch(`${url2}/api/pools`)).json() as ApiPool[]).find((p) => p.name === 'scanners')!;
      const drained = async () => (await pools()).members.filter((m) => m.state === 'drained').map((m) => m.node).sort();
      assert.deepEqual(await drained(), before, 'still drained after the restart');
      // The restarted simulator has no fault: power is back, and nothing is drained (again).
      await waitFor('polled again', async () => (await (await fetch(`${url2}/api/nodes`)).json() as ApiNode[]).every((n) => n.power === 'normal' && n.reachable), 30_000);
      const events = await (await fetch(`${url2}/api/events`)).json() as ApiEvent[];
      assert.ok(!events.some((e) => e.type === 'drain'), 'nothing drained twice');
      assert.deepEqual(drainedInDb(db), before);
      await new Promise((r) => setTimeout(r, 1_200)); // the hold-down
      const reload = await (await fetch(`${url2}/api/reload`, { method: 'POST' })).json() as { outcome: string };
      assert.match(reload.outcome, new RegExp(`re-admitted ${before.length} of ${before.length}`));
      assert.deepEqual(await drained(), []);
      assert.deepEqual(drainedInDb(db), []);
    } finally {
      second.child.kill('SIGKILL');
    }
  });
});
