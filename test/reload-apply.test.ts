// A reload applies everything that depends on a setting, without a restart: trap credentials and
// the receiver itself, SNMP timeout and concurrency, the re-assess tick, the schedule; settings only
// a restart can change are named in an event and kept; a bad file is refused and nothing changes.
import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startApp, type App } from '../src/app.js';
import { FakeClock } from '../src/clock.js';
import { parseConfigText } from '../src/config/load-config.js';
import type { ConfigInput } from '../src/config/schema.js';
import type { ApiEvent } from '../src/http/api-types.js';
import type { ReloadResult } from '../src/reload/reloader.js';
import { waitFor } from './helpers/demo-config.js';
import { netSnmp } from './helpers/net-snmp-tools.js';
import { freeUdpPort } from './helpers/ports.js';

const OLD = 'old-trap-community';
const NEW = 'new-trap-community';

/** A config file (JSON is YAML) in a temp dir; `write` replaces it, as an operator's edit would. */
function configFile(base: (dir: string) => ConfigInput): { dir: string; file: string; write(edit?: (c: ConfigInput) => void): void; load(): ReturnType<typeof parseConfigText> } {
  const dir = mkdtempSync(join(tmpdir(), 'bb-reload-'));
  const file = join(dir, 'breakerbox.yaml');
  const write = (edit?: (c: ConfigInput) => void) => {
    const c = base(dir);
    edit?.(c);
    writeFileSync(file, JSON.stringify(c, null, 1));
  };
  write();
  return { dir, file, write, load: () => parseConfigText(JSON.stringify(base(dir)), file) };
}

const site = [{ name: 'Lab', rows: [{ name: 'row 1', racks: ['r1'] }] }];

async function trapStats(app: App) {
  return (await (await fetch(`${app.url}/api/traps/stats`)).json()) as { received: number; accepted: number; dropped: Record<string, number>; listening: string | null };
}

function sendTrap(port: number, community: string) {
  return netSnmp('snmptrap', ['-v2c', '-c', community, `127.0.0.1:${port}`, '', '1.3.6.1.6.3.1.1.5.3', '1.3.6.1.2.1.2.2.1.1.2', 'i', '2']);
}

async function portIsFree(port: number): Promise<boolean> {
  const sock = createSocket('udp4');
  const free = await new Promise<boolean>((resolve) => { sock.once('error', () => resolve(false)); sock.bind(port, '127.0.0.1', () => resolve(true)); });
  await new Promise<void>((resolve) => { try { sock.close(() => resolve()); } catch { resolve(); } });
  return free;
}

describe('reload: trap receiver and credentials', () => {
  let app: App;
  let trapPort = 0;
  let cfg: ReturnType<typeof configFile>;
  const traps = (communities: string[], enabled = true): ConfigInput['settings'] => ({
    http: { port: 0, host: '127.0.0.1' }, reload: { schedule: '0 0 1 1 *' },
    traps: { enabled, address: '127.0.0.1', port: trapPort, communities },
  });

  before(async () => {
    trapPort = await freeUdpPort();
    cfg = configFile((dir) => ({ sites: site, settings: { ...traps([OLD]), database: join(dir, 'bb.db') } }));
    app = await startApp({ config: cfg.load(), configPath: cfg.file, stateDir: cfg.dir, logLevel: 'silent' });
  });
  after(async () => { await app?.stop(); });

  it('a new community is accepted and the old one refused after a reload, without a restart', async () => {
    assert.equal((await sendTrap(trapPort, OLD)).code, 0);
    await waitFor('the old community accepted', async () => (await trapStats(app)).accepted === 1);

    cfg.write((c) => { c.settings = { ...c.settings, traps: { ...c.settings!.traps, communities: [NEW] } }; });
    const result = await app.reloader.reloadNow('test');
    assert.equal(result.ok, true, result.configError ?? '');
    assert.ok(result.changed.includes('settings.traps'), result.outcome);

    const before = await trapStats(app);
    await sendTrap(trapPort, OLD);
    const refused = await waitFor('the old community refused', async () => { const s = await trapStats(app); return s.received > before.received && s; });
    assert.equal(refused.accepted, before.accepted, 'the old community is no longer accepted');
    assert.equal(refused.dropped['unknown-community'] ?? 0, (before.dropped['unknown-community'] ?? 0) + 1);

    await sendTrap(trapPort, NEW);
    await waitFor('the new community accepted', async () => (await trapStats(app)).accepted === before.accepted + 1);
    const events = (await (await fetch(`${app.url}/api/events`)).json()) as ApiEvent[];
    assert.ok(!JSON.stringify(events).includes(NEW) && !JSON.stringify(events).includes(OLD), 'no community in any event');
  });

  it('traps disabled by a reload stop listening; enabled again, they listen and accept', async () => {
    cfg.write((c) => { c.settings = { ...c.settings, traps: { ...c.settings!.traps, enabled: false, communities: [NEW] } }; });
    assert.equal((await app.reloader.reloadNow('test')).ok, true);
    assert.equal((await trapStats(app)).listening, null);
    assert.ok(await portIsFree(trapPort), 'the trap port is released');

    cfg.write((c) => { c.settings = { ...c.settings, traps: { ...c.settings!.traps, enabled: true, communities: [NEW] } }; });
    assert.equal((await app.reloader.reloadNow('test')).ok, true);
    assert.equal((await trapStats(app)).listening, `127.0.0.1:${trapPort}`);
    const before = (await trapStats(app)).accepted;
    await sendTrap(trapPort, NEW);
    await waitFor('accepted again', async () => (await trapStats(app)).accepted === before + 1);
  });
});

/** A UDP port that never answers and notes which client socket (source port) asked, and when. */
async function silentAgent(): Promise<{ port: number; askers: Map<number, number>; close(): Promise<void> }> {
  const sock: Socket = createSocket('udp4');
  const askers = new Map<number, number>();
  sock.on('message', (_msg, rinfo) => { if (!askers.has(rinfo.port)) askers.set(rinfo.port, Date.now()); });
  await new Promise<void>((resolve) => sock.bind(0, '127.0.0.1', () => resolve()));
  return { port: sock.address().port, askers, close: () => new Promise<void>((resolve) => sock.close(() => resolve())) };
}

describe('reload: SNMP timeout and poll concurrency', () => {
  let app: App;
  let agent: Awaited<ReturnType<typeof silentAgent>>;
  let cfg: ReturnType<typeof configFile>;
  const NODES = ['n1', 'n2', 'n3', 'n4'];
  const SLOW_MS = 60_000;

  before(async () => {
    agent = await silentAgent();
    // Four nodes behind one silent agent (told apart by community), a one-minute timeout, one poll at a time.
    cfg = configFile((dir) => ({
      sites: site,
      nodes: NODES.map((name) => ({ name, rack: 'r1', address: `127.0.0.1:${agent.port}`, snmp: { version: '2c' as const, community: `c-${name}` }, psus: [{ pdu: 'p1', outlet: NODES.indexOf(name) + 1 }] })),
      pdus: [{ name: 'p1', rack: 'r1', address: `127.0.0.1:${agent.port}`, outlets: 8, snmp: { version: '2c' as const, community: 'c-p1' } }],
      settings: {
        pollInterval: '1h', snmpTimeout: SLOW_MS, snmpRetries: 0, pollConcurrency: 1,
        http: { port: 0, host: '127.0.0.1' }, reload: { schedule: '0 0 1 1 *' }, traps: { enabled: false }, database: join(dir, 'bb.db'),
      },
    }));
    app = await startApp({ config: cfg.load(), configPath: cfg.file, stateDir: cfg.dir, logLevel: 'silent' });
  });
  after(async () => { await app?.stop(); await agent?.close(); });

  it('more concurrency and a shorter timeout take effect on the polls already waiting', async () => {
    await waitFor('the first poll asking', () => agent.askers.size >= 1, 10_000, 20);
    const first = Math.min(...agent.askers.values());

    cfg.write((c) => { c.settings = { ...c.settings, pollConcurrency: 8, snmpTimeout: '300ms' }; });
    const result = await app.reloader.reloadNow('test');
    assert.equal(result.ok, true, result.configError ?? '');
    assert.deepEqual(result.changed.filter((c) => c.startsWith('settings.')).sort(), ['settings.pollConcurrency', 'settings.snmpTimeout']);

    // With one poll at a time the second would ask only after the first's minute-long timeout.
    await waitFor('every device asking at once', () => agent.askers.size >= 5, 30_000, 20);
    const last = Math.max(...agent.askers.values());
    assert.ok(last - first < SLOW_MS / 2, `the last device asked ${last - first} ms after the first`);
    // The polls that started after the reload gave up after 300 ms, not a minute: their failures are recorded.
    await waitFor('three nodes recorded as not answering', () => NODES.filter((n) => app.store.node(n)).length >= 3, 30_000, 50);
  });
});

describe('reload: the re-assess tick, the schedule, restart-only settings and refused files (fake time)', () => {
  let app: App;
  let cfg: ReturnType<typeof configFile>;
  const clock = new FakeClock();
  let reassessed = 0;

  before(async () => {
    cfg = configFile((dir) => ({
      sites: site,
      settings: { pollInterval: '10s', http: { port: 0, host: '127.0.0.1' }, reload: { schedule: '0 12 * * *', timezone: 'UTC', holdDown: '5m' }, traps: { enabled: false }, database: join(dir, 'bb.db') },
    }));
    app = await startApp({ config: cfg.load(), configPath: cfg.file, stateDir: cfg.dir, logLevel: 'silent', clock });
    // No devices, so nothing but the tick re-assesses the pools.
    const enqueueAll = app.controller.enqueueAll.bind(app.controller);
    app.controller.enqueueAll = () => { reassessed++; enqueueAll(); };
  });
  after(async () => { await app?.stop(); });

  const reload = async (edit: (c: ConfigInput) => void): Promise<ReloadResult> => {
    cfg.write(edit);
    return app.reloader.reloadNow('test');
  };

  it('a new poll interval changes how often power is re-assessed', async () => {
    clock.advance(10_000);
    assert.equal(reassessed, 1, 'every 10 s before the reload');
    const result = await reload((c) => { c.settings!.pollInterval = '60s'; });
    assert.equal(result.ok, true, result.configError ?? '');
    reassessed = 0;
    for (let i = 0; i < 5; i++) clock.advance(10_000);
    assert.equal(reassessed, 0, 'not every 10 s any more');
    clock.advance(10_000);
    assert.equal(reassessed, 1, 'every 60 s after it');
  });

  it('a new schedule time zone moves the next reload', async () => {
    const before = app.reloader.nextAt();
    assert.equal(new Date(before!).getUTCHours(), 12);
    const result = await reload((c) => { c.settings!.pollInterval = '60s'; c.settings!.reload = { schedule: '0 12 * * *', timezone: 'Asia/Kolkata', holdDown: '5m' }; });
    assert.equal(result.ok, true, result.configError ?? '');
    const after = new Date(app.reloader.nextAt()!);
    assert.equal(`${after.getUTCHours()}:${after.getUTCMinutes()}`, '6:30', 'noon in Kolkata is 06:30 UTC');
  });

  it('a setting that needs a restart is named in an event and kept; the rest is applied', async () => {
    const running = app.config().settings;
    const result = await reload((c) => {
      c.settings!.pollInterval = '60s';
      c.settings!.reload = { schedule: '0 12 * * *', timezone: 'Asia/Kolkata', holdDown: '7m' };
      c.settings!.http = { port: 1, host: '127.0.0.2' };
      c.settings!.database = join(cfg.dir, 'elsewhere.db');
    });
    assert.equal(result.ok, true, 'the rest of the file is applied');
    assert.deepEqual(result.needsRestart, ['settings.http.port', 'settings.http.host', 'settings.database']);
    assert.match(result.outcome, /settings\.http\.port, settings\.http\.host, settings\.database kept until a restart/);
    const event = app.events.since(0).find((e) => e.type === 'config-needs-restart');
    assert.ok(event, 'a config-needs-restart event');
    assert.equal(event.severity, 'warning');
    assert.match(event.message, /settings\.http\.port, settings\.http\.host, settings\.database changed in the file but take effect only after a restart/);
    assert.match(event.message, /the rest of the new configuration is applied/);
    assert.deepEqual(app.config().settings.http, running.http);
    assert.equal(app.config().settings.database, running.database);
    assert.equal(app.config().settings.reload.holdDown, 420_000, 'the hold-down change is applied');
    const health = await fetch(`${app.url}/api/health`);
    assert.equal(health.status, 200, 'still serving on the running address');
  });

  for (const [what, write, expected] of [
    ['a file over the size limit', (file: string) => writeFileSync(file, `sites: []\n${`# ${'x'.repeat(120)}\n`.repeat(75_000)}`), /: \(top level\): the file is 8\.8 MiB, more than the limit of 8\.0 MiB/],
    ['an alias bomb', (file: string) => writeFileSync(file, 'sites: [{name: Lab, rows: [{name: r, racks: [r1]}]}]\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n'), /:3: \(top level\): its aliases expand more than 100 times/],
    ['a syntax error', (file: string) => writeFileSync(file, 'sites: [{name: Lab\nsettings: {pollInterval: 1s}\n'), /:\d+: /],
  ] as const) {
    it(`${what} is refused with its location; the running config is kept`, async () => {
      const running = app.config();
      const since = app.events.since(0).at(-1)?.id ?? 0;
      write(cfg.file);
      const result = await app.reloader.reloadNow('test');
      assert.equal(result.ok, false);
      assert.ok(result.configError?.startsWith(cfg.file), result.configError ?? '');
      assert.match(result.configError!, expected);
      assert.equal(app.config(), running, 'the running config object is untouched');
      const rejected = app.events.since(since).find((e) => e.type === 'config-rejected');
      assert.ok(rejected);
      assert.match(rejected.message, /the running one is kept/);
      clock.advance(60_000);
      assert.ok(reassessed > 0, 'the tick still runs');
    });
  }
});

describe('reload: backends, API tokens and mode follow the file', () => {
  let app: App;
  let agent: Awaited<ReturnType<typeof silentAgent>>;
  let cfg: ReturnType<typeof configFile>;
  const TOKEN = 'reload-test-token-0123456789';

  before(async () => {
    agent = await silentAgent();
    cfg = configFile((dir) => ({
      sites: site,
      pdus: [{ name: 'p1', rack: 'r1', address: `127.0.0.1:${agent.port}`, outlets: 8 }],
      nodes: [{ name: 'web-1', rack: 'r1', address: `127.0.0.2:${agent.port}`, psus: [{ pdu: 'p1', outlet: 1 }] }],
      pools: [{ name: 'web', members: ['web-1'], backend: { type: 'file' as const, dir: join(dir, 'pools-a') } }],
      settings: { pollInterval: '1h', http: { port: 0, host: '127.0.0.1' }, reload: { schedule: '0 0 1 1 *' }, traps: { enabled: false }, database: join(dir, 'bb.db') },
    }));
    app = await startApp({ config: cfg.load(), configPath: cfg.file, stateDir: cfg.dir, logLevel: 'silent' });
  });
  after(async () => { await app?.stop(); await agent?.close(); });

  it('a pool moved to another backend is written there', async () => {
    await app.controller.settle();
    await waitFor('the first membership file', () => existsSync(join(cfg.dir, 'pools-a', 'web.members')));
    const first = app.backendFor('web');
    cfg.write((c) => { c.pools![0]!.backend = { type: 'file', dir: join(cfg.dir, 'pools-b') }; });
    const result = await app.reloader.reloadNow('test');
    assert.equal(result.ok, true, result.configError ?? '');
    assert.ok(result.changed.includes('pools'));
    assert.notEqual(app.backendFor('web'), first, 'a new backend for the new spec');
    await waitFor('the membership file in the new directory', () => existsSync(join(cfg.dir, 'pools-b', 'web.members')));
    assert.match(readFileSync(join(cfg.dir, 'pools-b', 'web.members'), 'utf8'), /web-1/);
  });

  it('API tokens and protectReads added by a reload are enforced at once; so is shadow mode', async () => {
    const before = (await (await fetch(`${app.url}/api/pools`)).json()) as { name: string; shadow: boolean }[];
    assert.equal(before[0]!.shadow, false);
    cfg.write((c) => {
      c.pools![0]!.backend = { type: 'file', dir: join(cfg.dir, 'pools-b') };
      c.settings!.api = { tokens: [{ name: 'ops', token: TOKEN }], protectReads: true };
      c.settings!.mode = 'shadow';
    });
    const result = await app.reloader.reloadNow('test');
    assert.equal(result.ok, true, result.configError ?? '');
    assert.equal((await fetch(`${app.url}/api/pools`)).status, 401, 'reads need the new token');
    const pools = await fetch(`${app.url}/api/pools`, { headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(pools.status, 200);
    assert.equal(((await pools.json()) as { shadow: boolean }[])[0]!.shadow, true, 'the pool is in shadow mode');
  });
});
