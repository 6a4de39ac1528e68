import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { ConfigError, loadConfigFile, MAX_YAML_ALIASES, maxConfigBytes, parseConfigText } from '../src/config/load-config.js';
import { loadConfigInWorker } from '../src/config/load-in-worker.js';
import { demoConfigPath, packageRoot } from '../src/paths.js';
import { cli } from './helpers/cli.js';

const run = promisify(execFile);
const SMALL = `sites:
  - name: Lab
    rows:
      - name: row 1
        racks: [r1]
pdus:
  - name: pdu-a
    rack: r1
    address: 127.0.0.1:1161
    outlets: 8
    snmp: {version: "2c", community: s3cret-community}
nodes:
  - name: web-1
    rack: r1
    address: 127.0.0.2
    psus:
      - {pdu: pdu-a, outlet: 1}
pools:
  - name: web
    members: [web-1]
    backend: {type: file, dir: var/pools}
settings:
  pollInterval: 10s
`;

/** Nine levels of nine aliases: 9^4 copies of one list if expanded ("billion laughs", scaled down). */
const ALIAS_BOMB = `sites: [{name: Lab, rows: [{name: r, racks: [r1]}]}]
a: &a [x, x, x, x, x, x, x, x, x]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: [*c, *c, *c, *c, *c, *c, *c, *c, *c]
`;

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

async function checkConfig(file: string, env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stderr: string; stdout: string }> {
  return run(process.execPath, [...cli(), 'check-config', file], { cwd: packageRoot(), env: { ...process.env, ...env } }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stderr: string; stdout: string }) => e,
  );
}

function problems(text: string): string[] {
  try {
    parseConfigText(text, 'lab.yaml');
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    return err.problems.map((p) => `${p.file}:${p.line}: ${p.path}: ${p.message}`);
  }
  assert.fail('expected a ConfigError');
}

describe('configuration', () => {
  it('accepts a small valid config and fills defaults', () => {
    const config = parseConfigText(SMALL, 'lab.yaml');
    assert.equal(config.settings.pollInterval, 10_000);
    assert.equal(config.settings.reload.schedule, '0 * * * *');
    assert.equal(config.pools[0]!.drain.maxDrainedFraction, 0.5);
  });

  it('the shipped demo config is valid', () => {
    const config = parseConfigText(readFileSync(demoConfigPath(), 'utf8'), 'dallas-3.yaml');
    assert.equal(config.pools.find((p) => p.name === 'scanners')!.members.length, 80);
    const single = config.nodes.filter((n) => n.psus.length === 1);
    assert.equal(single.length, 20);
    assert.ok(single.every((n) => n.psus[0]!.pdu === 'dal3-r07-a' && n.psus[0]!.outlet <= 24), 'all on bank 1 of dal3-r07-a');
  });

  it('a wrong type names the line and the key path', () => {
    const [p] = problems(SMALL.replace('outlets: 8', 'outlets: eight'));
    assert.match(p!, /^lab\.yaml:10: pdus\[0\]\.outlets: /);
  });

  it('an unknown key names the line and the key path', () => {
    const [p] = problems(SMALL.replace('    outlets: 8', '    outlets: 8\n    outlts: 9'));
    assert.match(p!, /^lab\.yaml:\d+: pdus\[0\]: .*outlts/);
  });

  it('checks references: an outlet the PDU lacks, an unknown PDU, a member that is not a node, two PSUs on one outlet', () => {
    assert.match(problems(SMALL.replace('{pdu: pdu-a, outlet: 1}', '{pdu: pdu-a, outlet: 9}'))[0]!, /lab\.yaml:17: nodes\[0\]\.psus\[0\]\.outlet: PDU pdu-a has outlets 1-8, not 9/);
    assert.match(problems(SMALL.replace('{pdu: pdu-a, outlet: 1}', '{pdu: pdu-b, outlet: 1}'))[0]!, /nodes\[0\]\.psus\[0\]\.pdu: PDU "pdu-b" is not defined/);
    assert.match(problems(SMALL.replace('members: [web-1]', 'members: [web-1, web-2]'))[0]!, /lab\.yaml:20: pools\[0\]\.members\[1\]: node "web-2" is not defined/);
    assert.match(problems(SMALL.replace('      - {pdu: pdu-a, outlet: 1}', '      - {pdu: pdu-a, outlet: 1}\n      - {pdu: pdu-a, outlet: 1}'))[0]!, /nodes\[0\]\.psus\[1\]\.outlet: outlet 1 of pdu-a already feeds web-1/);
  });

  it('an SNMPv3 user must carry the keys its level needs', () => {
    const v3 = SMALL.replace('snmp: {version: "2c", community: s3cret-community}', 'snmp: {version: "3", user: ops, level: authPriv, authProtocol: sha256, authKey: k3y-long-enough}');
    const [p] = problems(v3);
    assert.match(p!, /lab\.yaml:11: pdus\[0\]\.snmp\.privProtocol: level authPriv needs privProtocol/);
    assert.doesNotMatch(problems(v3).join('\n'), /k3y-long-enough/);
  });

  it('a bad reload schedule is refused', () => {
    assert.match(problems(SMALL.replace('pollInterval: 10s', 'pollInterval: 10s\n  reload: {schedule: "every hour"}'))[0]!, /settings\.reload\.schedule: .*cron/);
  });

  it('YAML syntax errors name the line', () => {
    assert.match(problems(SMALL.replace('racks: [r1]', 'racks: [r1'))[0]!, /^lab\.yaml:\d+: /);
  });

  it('breakerbox check-config exits 2 naming file, line and key path, and never prints the community', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bb-config-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, SMALL.replace('outlet: 1}', 'outlet: 0}'));
    const err = await run(process.execPath, [...cli(), 'check-config', file], { cwd: packageRoot() }).then(
      () => assert.fail('expected exit 2'),
      (e: { code: number; stderr: string; stdout: string }) => e,
    );
    assert.equal(err.code, 2);
    assert.match(err.stderr, new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:17: nodes\\[0\\]\\.psus\\[0\\]\\.outlet: `));
    assert.doesNotMatch(err.stderr + err.stdout, /s3cret-community/);

    writeFileSync(file, SMALL);
    const ok = await run(process.execPath, [...cli(), 'check-config', file], { cwd: packageRoot() });
    assert.match(ok.stdout, /ok \(1 PDUs, 1 nodes, 1 pools/);
  });

  it('a file over the size limit is refused unread, naming the file and the limit (BB_ERR_CONFIG_TOO_LARGE)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bb-config-'));
    const file = join(dir, 'big.yaml');
    writeFileSync(file, SMALL + '#'.repeat(2_000));
    const err = (() => { try { loadConfigFile(file, 1_024); } catch (e) { return e; } return assert.fail('expected a ConfigError'); })();
    assert.ok(err instanceof ConfigError);
    assert.equal(err.code, 'BB_ERR_CONFIG_TOO_LARGE');
    assert.match(err.message, new RegExp(`^${escape(file)}: .*the file is 2\\.\\d KiB, more than the limit of 1\\.0 KiB`));
    assert.equal(loadConfigFile(file, 1024 * 1024).pdus.length, 1, 'the same file under a larger limit loads');
    assert.equal(maxConfigBytes({}), 8 * 1024 * 1024);
    assert.equal(maxConfigBytes({ BREAKERBOX_MAX_CONFIG_BYTES: '1000' }), 1000);
    assert.throws(() => maxConfigBytes({ BREAKERBOX_MAX_CONFIG_BYTES: 'lots' }), ConfigError);
  });

  it('a YAML alias bomb is refused with the line of its first alias (BB_ERR_CONFIG_ALIASES); a few aliases are fine', () => {
    const err = (() => { try { parseConfigText(ALIAS_BOMB, 'bomb.yaml'); } catch (e) { return e; } return assert.fail('expected a ConfigError'); })();
    assert.ok(err instanceof ConfigError);
    assert.equal(err.code, 'BB_ERR_CONFIG_ALIASES');
    assert.match(err.message, new RegExp(`^bomb\\.yaml:3: .*aliases expand more than ${MAX_YAML_ALIASES} times`));
    const withAlias = SMALL.replace('    snmp: {version: "2c", community: s3cret-community}', '    snmp: &creds {version: "2c", community: s3cret-community}')
      .replace('    address: 127.0.0.2\n', '    address: 127.0.0.2\n    snmp: *creds\n');
    assert.equal(parseConfigText(withAlias, 'lab.yaml').nodes[0]!.snmp.version, '2c');
  });

  it('nesting deep enough to exhaust the parser is a located refusal, not a crash', () => {
    const err = (() => { try { parseConfigText(`sites: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`, 'deep.yaml'); } catch (e) { return e; } return assert.fail('expected a ConfigError'); })();
    assert.ok(err instanceof ConfigError);
    assert.match(err.message, /^deep\.yaml(:\d+)?: /);
  });

  it('an unknown reload time zone is refused with its line', () => {
    assert.match(problems(SMALL.replace('pollInterval: 10s', 'pollInterval: 10s\n  reload: {timezone: Mars/Olympus}'))[0]!, /^lab\.yaml:24: settings\.reload\.timezone: "Mars\/Olympus" is not a time zone/);
    assert.equal(parseConfigText(SMALL.replace('pollInterval: 10s', 'pollInterval: 10s\n  reload: {timezone: America/Chicago}'), 'lab.yaml').settings.reload.timezone, 'America/Chicago');
  });

  it('in a worker thread: the same config, the same located refusals, and a time bound', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bb-config-'));
    const good = join(dir, 'good.yaml');
    const bad = join(dir, 'bad.yaml');
    writeFileSync(good, SMALL);
    writeFileSync(bad, SMALL.replace('outlets: 8', 'outlets: eight'));
    assert.deepEqual(await loadConfigInWorker(good), parseConfigText(SMALL, good));
    await assert.rejects(loadConfigInWorker(bad), (e: unknown) => e instanceof ConfigError && new RegExp(`^${escape(bad)}:10: pdus\\[0\\]\\.outlets: `).test(e.message));
    await assert.rejects(loadConfigInWorker(good, { maxBytes: 100 }), (e: unknown) => e instanceof ConfigError && e.code === 'BB_ERR_CONFIG_TOO_LARGE');
    await assert.rejects(loadConfigInWorker(join(dir, 'missing.yaml')), (e: unknown) => e instanceof ConfigError && /cannot read/.test(e.message));
    await assert.rejects(loadConfigInWorker(good, { timeoutMs: 1 }), (e: unknown) => e instanceof ConfigError && e.code === 'BB_ERR_CONFIG_TIMEOUT' && e.message.startsWith(`${good}: `));
  });

  it('breakerbox check-config exits 2 with a one-line located error for an oversized file, an alias bomb and a syntax error; never a stack trace', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bb-config-'));
    const huge = join(dir, 'huge.yaml');
    writeFileSync(huge, SMALL + `# ${'x'.repeat(120)}\n`.repeat(75_000)); // 8.8 MiB of comments: over the default 8 MiB
    const bomb = join(dir, 'bomb.yaml');
    writeFileSync(bomb, ALIAS_BOMB);
    const syntax = join(dir, 'syntax.yaml');
    writeFileSync(syntax, SMALL.replace('racks: [r1]', 'racks: [r1'));
    const cases: [string, RegExp, NodeJS.ProcessEnv?][] = [
      [huge, new RegExp(`^${escape(huge)}: \\(top level\\): the file is 8\\.8 MiB, more than the limit of 8\\.0 MiB`)],
      [bomb, new RegExp(`^${escape(bomb)}:3: \\(top level\\): its aliases expand more than 100 times`)],
      [syntax, new RegExp(`^${escape(syntax)}:\\d+: `)],
      [syntax.replace('syntax', 'small'), new RegExp(`^${escape(syntax.replace('syntax', 'small'))}: \\(top level\\): the file is .*more than the limit of 100 bytes`), { BREAKERBOX_MAX_CONFIG_BYTES: '100' }],
    ];
    writeFileSync(syntax.replace('syntax', 'small'), SMALL);
    for (const [file, expected, env] of cases) {
      const r = await checkConfig(file, env);
      assert.equal(r.code, 2, `${file}: exit ${r.code}: ${r.stderr}`);
      assert.match(r.stderr, expected);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    }
  });
});
