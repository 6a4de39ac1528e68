// A config file a reload refused, left on disk while Breakerbox runs on the version it had:
// /api/health (and the wall's snapshot) is degraded with BB_ERR_CONFIG_REJECTED and the file:line,
// until the file is put back as it was or a reload loads a good one; the wall says it as a warning.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { startApp, type App } from '../src/app.js';
import { parseConfigText } from '../src/config/load-config.js';
import type { ApiProblem } from '../src/http/api-types.js';
import { packageRoot } from '../src/paths.js';

type Health = { status: string; problems: ApiProblem[] };

describe('a refused config file on disk', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bb-refused-'));
  const file = join(dir, 'lab.yaml');
  /** Line 3 is the poll interval: the bad files break it there. */
  const text = (pollInterval: string) => `sites: [{name: Lab, rows: [{name: row 1, racks: [r1]}]}]
settings:
  pollInterval: ${pollInterval}
  http: {port: 0, host: 127.0.0.1}
  reload: {schedule: "0 0 1 1 *"}
  traps: {enabled: false}
  database: "${dir}/bb.db"
`;
  let app: App;
  const health = async () => (await (await fetch(`${app.url}/api/health`)).json()) as Health;

  before(async () => {
    writeFileSync(file, text('5s'));
    app = await startApp({ config: parseConfigText(text('5s'), file), configPath: file, stateDir: dir, logLevel: 'silent' });
  });
  after(async () => { await app?.stop(); });

  it('is ok before any reload refuses anything', async () => {
    const h = await health();
    assert.deepEqual([h.status, h.problems], ['ok', []]);
  });

  it('refused by a reload: degraded, with the code, the file:line and since when; the snapshot says so too', async () => {
    writeFileSync(file, text('soon'));
    const asked = Date.now();
    const result = await app.reloader.reloadNow('test');
    assert.equal(result.ok, false);
    const h = await health();
    assert.equal(h.status, 'degraded');
    assert.equal(h.problems.length, 1);
    const [problem] = h.problems;
    assert.equal(problem!.code, 'BB_ERR_CONFIG_REJECTED');
    assert.ok(problem!.message.includes(`${file}:3: settings.pollInterval`), problem!.message);
    assert.match(problem!.message, /refused at the last reload; Breakerbox runs on the configuration it had/);
    assert.ok(problem!.since! >= asked && problem!.since! <= result.at, 'since the refusal');
    const snapshot = (await (await fetch(`${app.url}/api/snapshot`)).json()) as { health: Health };
    assert.deepEqual(snapshot.health, { status: h.status, problems: h.problems });
  });

  it('the file put back as it was: ok, without a reload', async () => {
    writeFileSync(file, text('5s'));
    assert.equal((await health()).status, 'ok');
  });

  it('refused again, then edited (not yet checked): still degraded, saying the file changed since', async () => {
    writeFileSync(file, text('soon'));
    assert.equal((await app.reloader.reloadNow('test')).ok, false);
    writeFileSync(file, text('later'));
    const h = await health();
    assert.equal(h.status, 'degraded');
    assert.match(h.problems[0]!.message, /the file has changed since; the next reload checks it/);
  });

  it('a good file loaded by a reload clears it', async () => {
    writeFileSync(file, text('7s'));
    const result = await app.reloader.reloadNow('test');
    assert.equal(result.ok, true, result.configError ?? '');
    assert.equal(app.config().settings.pollInterval, 7_000);
    assert.deepEqual((await health()).problems, []);
  });

  it('on the wall it is a warning, not a failure of Breakerbox', async () => {
    const { assess } = (await import(pathToFileURL(join(packageRoot(), 'dashboards/wall/render.js')).href)) as { assess: (snap: unknown) => { level: string; word: string; detail: string } };
    const snap = (problems: ApiProblem[]) => ({ pdus: [], nodes: [], pools: [], services: [], health: { status: 'degraded', problems } });
    const refused = assess(snap([{ code: 'BB_ERR_CONFIG_REJECTED', message: 'lab.yaml:3: …' }]));
    assert.deepEqual([refused.level, refused.word], ['warn', 'DEGRADED']);
    assert.match(refused.detail, /config file refused/);
    assert.doesNotMatch(refused.detail, /storage/);
    assert.equal(assess(snap([{ code: 'BB_ERR_STORAGE', message: 'disk full' }])).level, 'crit', 'a storage failure stays critical');
  });
});
