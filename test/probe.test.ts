// `breakerbox probe` against real recordings served by snmpsim, over v2c and v3 authPriv.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { packageRoot } from '../src/paths.js';
import { startSnmpsim, type Snmpsim } from './helpers/snmpsim.js';

const run = promisify(execFile);
const V3 = ['--v3-user=probe', '--v3-auth-key=authkey123', '--v3-auth-proto=SHA', '--v3-priv-key=privkey123', '--v3-priv-proto=AES'];
const probe = (args: string[]) => run(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'probe', ...args], { cwd: packageRoot() });

describe('breakerbox probe', () => {
  let sim: Snmpsim;
  let target: string;
  before(async () => {
    sim = await startSnmpsim(undefined, V3);
    target = `127.0.0.1:${sim.port}`;
  });
  after(async () => { await sim?.stop(); });

  it('prints a readable table of a detected APC PDU', async () => {
    const { stdout } = await probe([target, '--community', 'apc_apdu9959eu3']);
    assert.match(stdout, /APC APDU9959EU3/);
    assert.match(stdout, /profile apc-rpdu2 \(pdu, by sysObjectID\)/);
    assert.match(stdout, /power 1170 W {3}energy 70\.6 kWh/);
    assert.match(stdout, /Outlets\n/);
    assert.equal(stdout.match(/^ {2}\d+ +Outlet \d+ label +on/gm)?.length, 24);
  });

  it('--json gives the normalized reading with where each value came from', async () => {
    const { stdout } = await probe([target, '--community', 'apc_ap7900b', '--json']);
    const json = JSON.parse(stdout) as { profile: string; outlets: { state: string }[]; phases: { voltage: { value: number } }[]; trace: { path: string; oid: string }[] };
    assert.equal(json.profile, 'apc-rpdu2');
    assert.equal(json.outlets.length, 8);
    assert.equal(json.phases[0]!.voltage.value, 120);
    assert.ok(json.trace.some((t) => t.path === 'phases[1].voltage' && t.oid === '1.3.6.1.4.1.318.1.1.12.1.15.0'));
  });

  it('speaks SNMPv3 authPriv (SHA, AES) with a context, and names a wrong key without printing it', async () => {
    const { stdout } = await probe([target, '--user', 'probe', '--auth-protocol', 'sha', '--auth-key', 'authkey123', '--priv-protocol', 'aes', '--priv-key', 'privkey123', '--context', 'apc_ap7900b']);
    assert.match(stdout, /APC AP7900B/);
    const err = await probe([target, '--user', 'probe', '--auth-protocol', 'sha', '--auth-key', 'wrong-key-1', '--priv-protocol', 'aes', '--priv-key', 'privkey123', '--context', 'apc_ap7900b', '--timeout', '800'])
      .then(() => assert.fail('expected failure'), (e: { code: number; stderr: string }) => e);
    assert.equal(err.code, 1);
    assert.match(err.stderr, /authentication failed/);
    assert.doesNotMatch(err.stderr, /wrong-key-1/);
  });

  it('an unreachable device is a clear failure, not a crash', async () => {
    const err = await probe(['127.0.0.1:9', '--timeout', '300']).then(() => assert.fail('expected failure'), (e: { code: number; stderr: string }) => e);
    assert.equal(err.code, 1);
    assert.match(err.stderr, /no answer/);
  });
});
