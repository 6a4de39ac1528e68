// The command table behind `breakerbox`: every subcommand has usage, options' help and an example
// that parses; a bad command line is one line, with where to look, exit 64; the README lists every
// command with the usage its help prints.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { COMMANDS } from '../src/cli-commands.js';
import { commandHelp, overview, parseCommandLine, usageLine, UsageError, type Command } from '../src/cli-help.js';
import { packageRoot } from '../src/paths.js';
import { cli as breakerbox } from './helpers/cli.js';

/** Splits a command line as a shell would, for the examples (double quotes only). */
function words(line: string): string[] {
  return [...line.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]!);
}

const parse = (line: string) => parseCommandLine(COMMANDS, words(line));

function usageError(line: string): UsageError {
  try {
    parse(line);
  } catch (err) {
    assert.ok(err instanceof UsageError, String(err));
    return err;
  }
  assert.fail(`"${line}" parsed`);
}

describe('breakerbox help', () => {
  it('every command has its usage, each option with its help, and examples that parse', () => {
    assert.ok(COMMANDS.length >= 15);
    for (const c of COMMANDS) {
      const help = commandHelp(c);
      assert.match(help, new RegExp(`^Usage: breakerbox ${c.name}\\b`), c.name);
      assert.ok(c.summary.length > 0, `${c.name} says what it does`);
      for (const [name, o] of Object.entries(c.options)) {
        assert.ok(o.help.length > 0, `${c.name} --${name} has help`);
        assert.match(help, new RegExp(`^  --${name}\\b.*\\S\\s{2,}\\S`, 'm'), `${c.name} --${name} is listed`);
      }
      assert.ok(c.examples.length > 0, `${c.name} has an example`);
      for (const example of c.examples) {
        assert.ok(example.startsWith(`breakerbox ${c.name}`), example);
        const parsed = parse(example.slice('breakerbox '.length));
        assert.equal(parsed.help, false);
        assert.equal(parsed.command, c, example);
      }
    }
  });

  it('--help, -h and help CMD give a command\'s help; no command is run; --help alone the list', () => {
    const hold = COMMANDS.find((c) => c.name === 'hold')!;
    for (const line of ['hold --help', 'hold -h', 'help hold', 'hold scan-1 --pool p --reason x --help']) assert.deepEqual(parse(line), { help: true, command: hold }, line);
    for (const line of ['--help', '-h', 'help']) assert.deepEqual(parse(line), { help: true, command: null }, line);
    const run = parse('--port 9090');
    assert.equal(run.help, false);
    assert.equal(run.help === false && run.command.name, 'run');
    const list = overview(COMMANDS);
    for (const c of COMMANDS) assert.match(list, new RegExp(`^  ${c.name}\\b`, 'm'), `${c.name} in the list`);
  });

  it('a bad command line: one line saying what is wrong and where to look', () => {
    const cases: [string, RegExp, string][] = [
      ['frob', /^unknown command "frob"$/, 'breakerbox --help'],
      ['help frob', /^unknown command "frob"$/, 'breakerbox --help'],
      ['probe 10.0.0.1 --pool p', /^unknown option --pool for probe$/, 'breakerbox probe --help'],
      ['run --port', /^option --port needs a value$/, 'breakerbox run --help'],
      ['alerts --url=x --json', /^unknown option --json for alerts$/, 'breakerbox alerts --help'],
      ['probe 10.0.0.1 --json=yes', /^option --json takes no value$/, 'breakerbox probe --help'],
      ['drain --pool p --reason r', /^drain needs NODE$/, 'breakerbox drain --help'],
      ['check-config a.yaml b.yaml', /^check-config: unexpected argument "b\.yaml"$/, 'breakerbox check-config --help'],
    ];
    for (const [line, message, hint] of cases) {
      const err = usageError(line);
      assert.match(err.message, message, line);
      assert.equal(err.hint, hint, line);
      assert.equal(err.line(), `breakerbox: ${err.message} (see ${hint})`);
      assert.ok(!err.line().includes('\n'), line);
    }
  });

  it('a command\'s options are its own: another command\'s are refused', () => {
    assert.equal(parse('hold scan-1 --pool p --mode in --reason x').help, false);
    assert.match(usageError('reload --pool p').message, /unknown option --pool for reload/);
    assert.match(usageError('run --size large').message, /unknown option --size for run/);
    assert.equal(parse('demo --size large').help, false);
  });

  it('the README lists every command, with the usage its help prints', () => {
    const readme = readFileSync(join(packageRoot(), 'README.md'), 'utf8');
    const section = /^## Commands\n([\s\S]*?)^## /m.exec(readme)?.[1];
    assert.ok(section, 'README has a Commands section');
    const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
    const listed = new Set([...block.matchAll(/^breakerbox ([\w-]+)/gm)].map((m) => m[1]!));
    assert.deepEqual([...listed].sort(), COMMANDS.map((c) => c.name).sort(), 'the same commands');
    for (const c of COMMANDS) {
      assert.ok(block.split('\n').some((l) => l === `breakerbox ${usageLine(c)}` || l.startsWith(`breakerbox ${usageLine(c)} `)), `README: "breakerbox ${usageLine(c)}"`);
    }
  });
});

describe('breakerbox (the process)', () => {
  const cli = (args: string[]) => promisify(execFile)(process.execPath, [...breakerbox(), ...args], { cwd: packageRoot() })
    .then((r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }), (e: { code: number; stdout: string; stderr: string }) => e);

  it('exit 0 with the help; exit 64 with one line on stderr for an unknown command', async () => {
    const [help, unknown] = await Promise.all([cli(['sim', '--help']), cli(['frob', '--port', '1'])]);
    assert.equal(help.code, 0);
    assert.equal(help.stdout.trim(), commandHelp(COMMANDS.find((c: Command) => c.name === 'sim')!));
    assert.equal(unknown.code, 64);
    assert.equal(unknown.stderr, 'breakerbox: unknown command "frob" (see breakerbox --help)\n');
  });

  it('check-config --audit lists the single points of failure and exits 4; without it, 0', async () => {
    const [plain, audit] = await Promise.all([cli(['check-config', 'examples/dallas-3.yaml']), cli(['check-config', 'examples/dallas-3.yaml', '--audit'])]);
    assert.equal(plain.code, 0);
    assert.equal(audit.code, 4);
    assert.match(audit.stdout, /scan-057/, 'the demo\'s single-corded scanners are named');
  });
});
