// breakerbox hold|release|drain|reload against a running service, with a token.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { startApp, type App } from '../src/app.js';
import type { ApiPool } from '../src/http/api-types.js';
import { packageRoot } from '../src/paths.js';
import { demoConfig } from './helpers/demo-config.js';
import { freeUdpPort } from './helpers/ports.js';
import { cli as breakerbox } from './helpers/cli.js';

const run = promisify(execFile);
const TOKEN = 'carol-token-0123456789';

describe('operator commands', () => {
  let app: App;
  const cli = (args: string[], token: string | null = TOKEN) =>
    run(process.execPath, [...breakerbox(), ...args, '--url', app.url, ...(token ? ['--token', token] : [])], { cwd: packageRoot() })
      .then((r) => ({ code: 0, out: r.stdout }), (e: { code: number; stderr: string }) => ({ code: e.code, out: e.stderr }));
  const member = async (node: string) => ((await (await fetch(`${app.url}/api/pools`)).json()) as ApiPool[])[0]!.members.find((m) => m.node === node)!;

  before(async () => {
    const demo = demoConfig({ snmpPort: await freeUdpPort(), trapPort: await freeUdpPort() });
    demo.config.settings.api.tokens = [{ name: 'carol', token: TOKEN }];
    app = await startApp({ config: demo.config, stateDir: demo.stateDir, logLevel: 'silent' });
  });
  after(async () => { await app?.stop(); });

  it('refuses a change without the token, and says why', async () => {
    const r = await cli(['hold', 'scan-003', '--pool', 'scanners', '--reason', 'disk swap'], null);
    assert.equal(r.code, 1);
    assert.match(r.out, /refused \(401\)/);
  });

  it('holds, releases, drains and reloads, each audited with who and why', async () => {
    assert.equal((await cli(['hold', 'scan-003', '--pool', 'scanners', '--reason', 'disk swap'])).code, 0);
    assert.equal((await member('scan-003')).state, 'held');
    assert.equal((await cli(['release', 'scan-003', '--pool', 'scanners'])).code, 0);
    assert.equal((await member('scan-003')).state, 'active');
    assert.equal((await cli(['drain', 'scan-004', '--pool', 'scanners', '--reason', 'noisy fan'])).code, 0);
    assert.equal((await member('scan-004')).state, 'drained');
    const reload = await cli(['reload', '--reason', 'end of maintenance']);
    assert.equal(reload.code, 0);
    assert.match(reload.out, /reload: /);
    const audit = (await (await fetch(`${app.url}/api/audit`)).json()) as { who: string; action: string; node: string | null; why: string }[];
    assert.deepEqual(audit.map((a) => [a.who, a.action, a.node, a.why]).reverse(), [
      ['carol', 'hold-out', 'scan-003', 'disk swap'], ['carol', 'release', 'scan-003', 'released'],
      ['carol', 'drain', 'scan-004', 'noisy fan'], ['carol', 'reload', null, 'end of maintenance'],
    ]);
  });

  it('a drain needs a reason; an unknown member is a clear error', async () => {
    assert.match((await cli(['drain', 'scan-005', '--pool', 'scanners'])).out, /say why/);
    const r = await cli(['hold', 'nope-1', '--pool', 'scanners', '--reason', 'x']);
    assert.equal(r.code, 1);
    assert.match(r.out, /nope-1 is not a member of pool scanners/);
  });
});
