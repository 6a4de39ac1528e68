import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { ConfigError, parseConfigText } from '../src/config/load-config.js';
import { demoConfigPath, packageRoot } from '../src/paths.js';

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
    const err = await run(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'check-config', file], { cwd: packageRoot() }).then(
      () => assert.fail('expected exit 2'),
      (e: { code: number; stderr: string; stdout: string }) => e,
    );
    assert.equal(err.code, 2);
    assert.match(err.stderr, new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:17: nodes\\[0\\]\\.psus\\[0\\]\\.outlet: `));
    assert.doesNotMatch(err.stderr + err.stdout, /s3cret-community/);

    writeFileSync(file, SMALL);
    const ok = await run(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'check-config', file], { cwd: packageRoot() });
    assert.match(ok.stdout, /ok \(1 PDUs, 1 nodes, 1 pools/);
  });
});
