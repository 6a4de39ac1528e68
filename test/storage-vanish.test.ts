// The database file deleted, then replaced, under the running app: each is found (a critical event),
// the file is re-created from memory, and a restart after each loses no hold or drain record.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { startApp, type App } from '../src/app.js';
import type { Config } from '../src/config/schema.js';
import type { ApiEvent, ApiPool } from '../src/http/api-types.js';
import { waitFor } from './helpers/demo-config.js';
import { wallDemoConfig } from './helpers/wall-demo.js';

describe('the database file deleted or replaced under the running app', { timeout: 180_000 }, () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'bb-vanish-'));
  const db = join(stateDir, 'var/breakerbox.db');
  let app: App | undefined;
  after(async () => {
    await app?.stop();
    rmSync(stateDir, { recursive: true, force: true });
  });

  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${app!.url}${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    assert.ok(res.ok, `${method} ${path}: ${res.status} ${await res.clone().text()}`);
    return res.json() as Promise<unknown>;
  };
  const scanners = async () => ((await call('GET', '/api/pools')) as ApiPool[]).find((p) => p.name === 'scanners')!;
  const stateOf = async (node: string) => (await scanners()).members.find((m) => m.node === node)!.state;
  // Since an id: the journal outlives a restart, so what an earlier run said is there too.
  const storageEvents = async (since = 0) => ((await call('GET', `/api/events?since=${since}`)) as ApiEvent[]).filter((e) => e.type.startsWith('storage-'));
  const restart = async (config: Config) => {
    await app!.stop();
    app = await startApp({ config, stateDir, logLevel: 'silent' });
  };

  it('finds it, re-creates it from memory, and a restart after it keeps every hold and drain', async () => {
    const config = await wallDemoConfig(stateDir);
    app = await startApp({ config, stateDir, logLevel: 'silent' });
    await call('POST', '/api/pools/scanners/members/scan-003/hold', { reason: 'disk swap' });
    await call('POST', '/api/pools/scanners/members/scan-004/drain', { reason: 'noisy fan' });

    rmSync(db); // the file only, as `rm` of it would
    assert.equal(existsSync(db), false);
    const deleted = await waitFor('the deletion to be found and repaired', async () => {
      const events = await storageEvents();
      return events.length === 2 ? events : null;
    }, 30_000, 100);
    assert.deepEqual(deleted.map((e) => [e.type, e.severity]), [['storage-failed', 'critical'], ['storage-recovered', 'info']]);
    assert.match(deleted[0]!.message, /breakerbox\.db vanished while in use; re-creating it from memory/);
    assert.match(deleted[1]!.message, /re-created from memory \(1 drain records, 1 holds, 2 audit entries\)/);
    assert.ok(existsSync(db));

    await restart(config);
    assert.equal(await stateOf('scan-003'), 'held', 'the hold survived');
    assert.equal(await stateOf('scan-004'), 'drained', 'the drain survived');

    const before = ((await call('GET', '/api/events')) as ApiEvent[]).at(-1)?.id ?? 0;
    assert.equal((await storageEvents()).length, 2, 'the first run\'s storage events are still in the journal');
    rmSync(db);
    writeFileSync(db, 'someone else\'s file'); // a different file at the path
    const replaced = await waitFor('the replacement to be found and repaired', async () => {
      const events = await storageEvents(before);
      return events.length === 2 ? events : null;
    }, 30_000, 100);
    assert.match(replaced[0]!.message, /breakerbox\.db was replaced by another file while in use/);
    assert.equal(replaced[1]!.type, 'storage-recovered');
    assert.equal(readdirSync(join(stateDir, 'var')).filter((f) => f.startsWith('breakerbox.db.replaced-')).length, 1, 'the stranger kept aside');

    await restart(config);
    assert.equal(await stateOf('scan-003'), 'held');
    assert.equal(await stateOf('scan-004'), 'drained');
    const audit = (await call('GET', '/api/audit')) as { action: string; node: string }[];
    assert.deepEqual(audit.map((a) => [a.action, a.node]).reverse(), [['hold-out', 'scan-003'], ['drain', 'scan-004']]);
  });
});
