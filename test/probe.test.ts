// `breakerbox probe` against real recordings served by snmpsim, over v2c and v3 authPriv.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { packageRoot } from '../src/paths.js';
import { vendorOf } from '../src/snmp/enterprises.js';
import { detect } from '../src/profiles/detect.js';
import { profiles } from '../src/profiles/index.js';
import type { SnmpClient } from '../src/snmp/snmp-client.js';
import { fixtureRecordingsDir, startSnmpsim, type Snmpsim } from './helpers/snmpsim.js';
import { cli } from './helpers/cli.js';

const run = promisify(execFile);
const V3 = ['--v3-user=probe', '--v3-auth-key=authkey123', '--v3-auth-proto=SHA', '--v3-priv-key=privkey123', '--v3-priv-proto=AES'];
const probe = (args: string[]) => run(process.execPath, [...cli(), 'probe', ...args], { cwd: packageRoot() });

describe('breakerbox probe', () => {
  let sim: Snmpsim;
  let target: string;
  before(async () => {
    sim = await startSnmpsim(undefined, V3, [fixtureRecordingsDir()]);
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

  it('an unreachable device is a clear failure, not a crash: it says what was tried, never the secret, and what to check', async () => {
    const err = await probe(['127.0.0.1:9', '--timeout', '300']).then(() => assert.fail('expected failure'), (e: { code: number; stderr: string }) => e);
    assert.equal(err.code, 1);
    assert.match(err.stderr, /no answer \(timed out\), asked with SNMPv2c community "public": check the address and port/);
    const secret = await probe(['127.0.0.1:9', '--timeout', '300', '--community', 's3cret-community']).then(() => assert.fail('expected failure'), (e: { code: number; stderr: string }) => e);
    assert.match(secret.stderr, /asked with SNMPv2c the community given \(16 characters, not shown\)/);
    assert.doesNotMatch(secret.stderr, /s3cret/);
  });

  it('a device no profile reads: what its system group says, the vendor from its enterprise number, exit 3', async () => {
    const err = await probe([target, '--community', 'unknown_device']).then(() => assert.fail('expected exit 3'), (e: { code: number; stdout: string }) => e);
    assert.equal(err.code, 3);
    assert.match(err.stdout, /answers, but no vendor profile matched/);
    assert.match(err.stdout, /vendor enterprise 99999 {3}sysObjectID 1\.3\.6\.1\.4\.1\.99999\.7\.1/);
    assert.match(err.stdout, /description "Acme SmartStrip 3000, firmware 1\.2"/);
    assert.match(err.stdout, /name "strip-r09-a" {3}location "DC1 row 9" {3}up 1 d 1 h/);
    const json = await probe([target, '--community', 'unknown_device', '--json']).then(() => assert.fail('expected exit 3'), (e: { stdout: string }) => JSON.parse(e.stdout) as Record<string, unknown>);
    assert.deepEqual([json.matched, json.sysObjectId, json.upTimeSeconds], [false, '1.3.6.1.4.1.99999.7.1', 90_000]);
  });

  it('telling a device no profile reads costs a handful of round trips, not one per family', async () => {
    const client = sim.client('unknown_device');
    let requests = 0;
    const counting: SnmpClient = {
      get: (oids) => { requests++; return client.get(oids); },
      getNext: (oids) => { requests++; return client.getNext(oids); },
      subtree: (oid, o) => { requests++; return client.subtree(oid, o); },
      close: () => client.close(),
    };
    const detected = await detect(counting);
    assert.equal(detected.ok, false);
    const probes = profiles.reduce((n, p) => n + p.detect.probe.length, 0);
    assert.ok(probes > 8, `${probes} characteristic objects`);
    assert.equal(requests, 1 + Math.ceil(probes / 16), `sysObjectID, then the families ${16} at a time (${probes} objects)`);
  });

  it('an unknown --profile lists the ones there are', async () => {
    const err = await probe([target, '--profile', 'acme']).then(() => assert.fail('expected failure'), (e: { code: number; stderr: string }) => e);
    assert.equal(err.code, 64);
    assert.match(err.stderr, /unknown profile "acme"; the profiles are: .*apc-rpdu2.*entity-sensor, system \(or auto\)/);
  });
});

describe('the vendor from a sysObjectID', () => {
  it('by enterprise number; an unknown one by its number; none for a missing or zero one', () => {
    assert.equal(vendorOf('1.3.6.1.4.1.318.1.3.4.6'), 'APC');
    assert.equal(vendorOf('.1.3.6.1.4.1.850.1.1.1'), 'Tripp Lite');
    assert.equal(vendorOf('1.3.6.1.4.1.424242'), 'enterprise 424242');
    assert.equal(vendorOf('1.3.6.1.4.1.0'), null, 'some firmware sends enterprise 0');
    assert.equal(vendorOf('1.3.6.1.2.1.33'), null);
    assert.equal(vendorOf(null), null);
  });
});
