// A second Breakerbox started where one runs, with real processes: on the same HTTP port, the same
// trap port or the same database it prints one line (what is held, the holder's pid and command,
// what to do), no stack trace, and exits 75; the first runs on.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { EXIT_HELD } from '../src/held.js';
import { stopChild } from './helpers/child-process.js';
import { waitFor } from './helpers/demo-config.js';
import { wallDemoConfig } from './helpers/wall-demo.js';
import { cli } from './helpers/cli.js';


interface Run { child: ChildProcess; stdout: () => string; stderr: () => string; exited: Promise<number | null> }

function run(args: string[], cwd: string): Run {
  const child = spawn(process.execPath, [...cli(), ...args], { cwd, env: { ...process.env, LOG_LEVEL: 'info', LOG_FORMAT: '' } });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => { stdout += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('a second Breakerbox where one runs (real processes)', { timeout: 240_000 }, () => {
  const root = mkdtempSync(join(tmpdir(), 'bb-held-'));
  const dirs = ['first', 'http', 'trap'].map((d) => join(root, d));
  const running: Run[] = [];
  after(async () => {
    for (const r of running) await stopChild(r.child);
    rmSync(root, { recursive: true, force: true });
  });

  /** A config file in `dir`. Nothing is simulated (quicker to start): only the port under test can collide. */
  const configFile = async (dir: string, name: string, edit: (settings: Record<string, unknown>) => void = () => {}) => {
    mkdirSync(dir, { recursive: true });
    const config = await wallDemoConfig(dir, (raw) => { raw.settings.simulate = false; edit(raw.settings); });
    const file = join(dir, name);
    writeFileSync(file, stringify(config));
    return { file, config };
  };

  it('the HTTP port, the trap port, the database: each one line, with the holder, exit 75', async () => {
    const [firstDir, httpDir, trapDir] = dirs as [string, string, string];
    const first = await configFile(firstDir, 'first.yaml');
    const one = run(['run', first.file], firstDir);
    running.push(one);
    const url = await waitFor('the first one', () => /Wall: (http:\/\/\S+)\//.exec(one.stdout())?.[1], 90_000);
    const httpPort = Number(new URL(url).port);
    const trapPort = first.config.settings.traps.port;
    // The holder as ps names it: the program and its arguments, each by its base name.
    const holder = `pid ${one.child.pid}: node (--import index\\.mjs cli\\.ts|cli\\.js) run first\\.yaml`;

    const http = await configFile(httpDir, 'http.yaml');
    const trap = await configFile(trapDir, 'trap.yaml', (s) => { s.traps = { address: '127.0.0.1', port: trapPort, communities: ['public'] }; });
    const seconds = {
      http: run(['run', http.file, '--port', String(httpPort)], httpDir),
      trap: run(['run', trap.file], trapDir),
      database: run(['run', first.file], firstDir),
    };
    running.push(...Object.values(seconds));
    const expected = {
      http: new RegExp(`^breakerbox: HTTP port 127\\.0\\.0\\.1:${httpPort} is already in use \\(${holder}\\); stop that process, or start this one with --port N \\[BB_ERR_PORT_IN_USE\\]$`),
      trap: new RegExp(`^breakerbox: trap port 127\\.0\\.0\\.1:${trapPort} is already in use \\(${holder}\\); stop that process, or set settings\\.traps\\.port to a free port \\[BB_ERR_PORT_IN_USE\\]$`),
      database: new RegExp(`^breakerbox: database ${escape(join(firstDir, 'var/breakerbox.db'))} is in use by another Breakerbox process \\(${holder}; lock .*\\); stop that one first, or give this one another settings\\.database \\[BB_ERR_DB_LOCKED\\]$`),
    };
    for (const [what, second] of Object.entries(seconds) as [keyof typeof seconds, Run][]) {
      assert.equal(await second.exited, EXIT_HELD, `${what}: ${second.stderr()}`);
      const said = second.stderr();
      assert.equal(said.split('\n').length, 2, `${what}: one line: ${said}`);
      assert.match(said.trim(), expected[what]);
      assert.doesNotMatch(second.stdout(), /Wall: /, `${what}: it never started`);
    }
    assert.equal(EXIT_HELD, 75);

    assert.equal((await fetch(`${url}/api/health`)).status, 200, 'the first one runs on');
    assert.equal(one.child.exitCode, null);
  });
});
