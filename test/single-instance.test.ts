// One Breakerbox per database, with real processes: a second `breakerbox run` on the same database
// refuses to start (one line naming the file, exit code 75) and the first keeps running; once the
// first dies by kill -9 (the OS drops its lock) the next one starts.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { stopChild } from './helpers/child-process.js';
import { waitFor } from './helpers/demo-config.js';
import { wallDemoConfig } from './helpers/wall-demo.js';
import { cli } from './helpers/cli.js';


interface Run { child: ChildProcess; output: () => string; stderr: () => string; exited: Promise<number | null> }

function run(configFile: string, cwd: string): Run {
  const child = spawn(process.execPath, [...cli(), 'run', configFile], { cwd, env: { ...process.env, LOG_LEVEL: 'warn' } });
  let output = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => { output += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { output += d.toString(); stderr += d.toString(); });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, output: () => output, stderr: () => stderr, exited };
}

const wallUrl = (r: Run) => waitFor('the service', () => /Wall: (http:\/\/\S+)\//.exec(r.output())?.[1], 60_000);

describe('one instance per database (real processes)', { timeout: 180_000 }, () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'bb-single-'));
  const running: Run[] = [];
  after(async () => {
    for (const r of running) await stopChild(r.child);
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('a second process exits 75 with one line naming the database; after kill -9 of the first, the next starts', async () => {
    const config = await wallDemoConfig(stateDir);
    const file = join(stateDir, 'dallas.yaml');
    writeFileSync(file, stringify(config));
    const db = join(stateDir, 'var/breakerbox.db');

    const first = run(file, stateDir);
    running.push(first);
    const url = await wallUrl(first);

    const second = run(file, stateDir);
    running.push(second);
    assert.equal(await second.exited, 75);
    const said = second.stderr().trim();
    assert.equal(said.split('\n').length, 1, `one line: ${said}`);
    assert.ok(said.includes(db), `names the file: ${said}`);
    assert.match(said, /in use by another Breakerbox process/);

    const health = await fetch(`${url}/api/health`);
    assert.equal(health.status, 200, 'the first one runs on');
    assert.equal(((await health.json()) as { status: string }).status, 'ok');

    first.child.kill('SIGKILL');
    assert.equal(await first.exited, null);
    const third = run(file, stateDir);
    running.push(third);
    const url3 = await wallUrl(third);
    assert.equal(((await (await fetch(`${url3}/api/health`)).json()) as { status: string }).status, 'ok');
  });
});
