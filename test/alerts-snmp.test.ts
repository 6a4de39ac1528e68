// Pages as SNMP notifications to Debian's real snmptrapd on loopback, which decodes them by name with
// mibs/BREAKERBOX-MIB: a v2c inform, a v2c trap, a v3 authPriv inform and a v3 authPriv trap (from
// Breakerbox's engine ID) arrive as BREAKERBOX-MIB::bbAlert… with every object; an inform nobody
// answers fails retryably and says so without the community or a key; a refused v3 user is permanent;
// through the outbox and its database, a page is delivered exactly once, after a retry and a restart.
// And the MIB passes smilint at level 3 without an error or a warning.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import type { Alert } from '../src/alerts/alert-engine.js';
import { Outbox, type OutboxItem } from '../src/alerts/outbox.js';
import type { PageKind } from '../src/alerts/receivers.js';
import type { ReceiverConfig } from '../src/alerts/rules.js';
import { clipUtf8, sendSnmp, snmpVarbinds } from '../src/alerts/snmp-notifier.js';
import type { Story, StoryText } from '../src/alerts/stories.js';
import { FakeClock } from '../src/clock.js';
import { ConfigError, parseConfigText } from '../src/config/load-config.js';
import { DrainStore } from '../src/drain/drain-store.js';
import { EventLog } from '../src/events/event-log.js';
import { freeUdpPort } from './helpers/ports.js';
import { projectMibs, standardMibs, startSnmptrapd, type Notification, type Snmptrapd } from './helpers/snmptrapd.js';

type SnmpReceiver = Extract<ReceiverConfig, { type: 'snmp' }>;

const COMMUNITY = 'S3cr3t-nms-community';
const AUTH_KEY = 'S3cr3t-nms-auth-key';
const PRIV_KEY = 'S3cr3t-nms-priv-key';
const SECRETS = [COMMUNITY, AUTH_KEY, PRIV_KEY];
/** Breakerbox's default engine ID (SNMP_ENGINE_ID): what a v3 trap's user is keyed by at the NMS. */
const ENGINE_ID = '0x80007ed904627265616b6572626f78';

const BANK = 'breaker-tripped:bank:dal3-r07-a bank 1';

function bankStory(id: number, acknowledged?: Alert['acknowledged']): Story {
  const root: Alert = {
    key: BANK, rule: 'breaker-tripped', severity: 'critical', subject: { kind: 'bank', name: 'dal3-r07-a bank 1' },
    labels: { site: 'Dallas 3', row: 'row 7', rack: 'r07', pdu: 'dal3-r07-a' }, summary: 'bank 1 breaker tripped on dal3-r07-a',
    causes: ['bank 1 breaker tripped on dal3-r07-a'], id, state: 'firing', since: 1_000, firedAt: 1_000, resolvedAt: null,
    flapping: false, muted: null, group: null, ...(acknowledged ? { acknowledged } : {}),
  };
  return { key: BANK, root, members: [], severity: 'critical' };
}

const TEXT: StoryText = {
  title: '[CRITICAL] dal3-r07-a bank 1: breaker tripped, 20 nodes down',
  cause: 'bank 1 breaker tripped on dal3-r07-a',
  impact: '20 nodes lost power (scan-057..scan-076); pool scanners 60 of 80 in service; services: Inbound mail scanning',
  action: 'pool scanners: 20 drained',
  link: 'https://noc.example.com/?rack=r07',
  services: ['Inbound mail scanning'],
};

let nextId = 1;
function page(receiver: string, kind: PageKind = 'trigger', story = bankStory(41), text: StoryText = TEXT): OutboxItem {
  const id = nextId++;
  return { id, receiver, idem: `${story.root.id}-${kind}-${id}`, kind, story, text, created: 1_000, attempts: 0, nextAt: 1_000, deliveredAt: null, rejected: null, lastError: null };
}

function receiver(name: string, port: number, over: Partial<SnmpReceiver>): SnmpReceiver {
  return { type: 'snmp', name, host: '127.0.0.1', port, mode: 'inform', version: '2c', minSeverity: 'warning', timeout: 3_000, ...over } as SnmpReceiver;
}
const v3User = (name: string): NonNullable<SnmpReceiver['user']> => ({
  name, level: 'authPriv', authProtocol: 'sha256', authKey: AUTH_KEY, privProtocol: 'aes', privKey: PRIV_KEY, engineID: ENGINE_ID.slice(2),
});

const pageId = (item: OutboxItem) => `${item.receiver}:${item.idem}`;
const isPage = (item: OutboxItem) => (n: Notification) => n.varbinds.get('BREAKERBOX-MIB::bbPageId.0') === `STRING: ${pageId(item)}`;

/** Every object of the page, decoded by name as the MIB names it. */
function assertDecoded(n: Notification, item: OutboxItem, notification: string): void {
  const v = (name: string) => n.varbinds.get(`BREAKERBOX-MIB::${name}.0`);
  assert.equal(n.varbinds.get('SNMPv2-MIB::snmpTrapOID.0'), `OID: BREAKERBOX-MIB::${notification}`);
  assert.equal(v('bbPageId'), `STRING: ${pageId(item)}`);
  assert.equal(v('bbStoryKey'), `STRING: ${BANK}`);
  assert.equal(v('bbAlertId'), `Gauge32: ${item.story.root.id}`);
  assert.equal(v('bbAlertRule'), 'STRING: breaker-tripped');
  assert.equal(v('bbAlertSeverity'), 'INTEGER: critical(1)');
  assert.equal(v('bbSubjectKind'), 'STRING: bank');
  assert.equal(v('bbSubjectName'), 'STRING: dal3-r07-a bank 1');
  assert.equal(v('bbSite'), 'STRING: Dallas 3');
  assert.equal(v('bbRow'), 'STRING: row 7');
  assert.equal(v('bbRack'), 'STRING: r07');
  assert.equal(v('bbPdu'), 'STRING: dal3-r07-a');
  assert.equal(v('bbNode'), 'STRING: ', 'empty when absent');
  assert.equal(v('bbPool'), 'STRING: ', 'empty when absent');
  assert.equal(v('bbService'), 'STRING: Inbound mail scanning');
  assert.equal(v('bbAlertCause'), `STRING: ${TEXT.cause}`);
  assert.equal(v('bbAlertImpact'), `STRING: ${TEXT.impact}`);
  assert.equal(v('bbAlertAction'), `STRING: ${TEXT.action}`);
  assert.equal(v('bbWallLink'), `STRING: ${TEXT.link}`);
  assert.equal(n.lines.length, 2 + 21, 'sysUpTime, snmpTrapOID and the 21 objects');
  assert.ok(n.lines[0]!.startsWith('SNMPv2-MIB::sysUpTime.0 = Timeticks: '));
}

describe('pages as SNMP notifications to snmptrapd', { timeout: 120_000 }, () => {
  let trapd: Snmptrapd;
  before(async () => {
    trapd = await startSnmptrapd([
      `authCommunity log ${COMMUNITY}`,
      // An inform's user is keyed by snmptrapd's own engine ID; a trap's by the sender's.
      `createUser informer SHA-256 ${AUTH_KEY} AES ${PRIV_KEY}`,
      `createUser -e ${ENGINE_ID} trapper SHA-256 ${AUTH_KEY} AES ${PRIV_KEY}`,
      'authUser log informer priv',
      'authUser log trapper priv',
    ].join('\n'));
  });
  after(async () => { await trapd?.stop(); });

  it('a v2c inform is acknowledged and decoded by name: bbAlertFiring with every object', async () => {
    const item = page('nms-v2c');
    assert.deepEqual(await sendSnmp(receiver('nms-v2c', trapd.port, { community: COMMUNITY }), item), { ok: true });
    const n = await trapd.waitFor('the v2c inform', isPage(item));
    assert.equal(n.security, `INFORM, SNMP v2c, community ${COMMUNITY}`);
    assertDecoded(n, item, 'bbAlertFiring');
    assert.equal(n.varbinds.get('BREAKERBOX-MIB::bbAlertTitle.0'), `STRING: ${TEXT.title}`);
    assert.equal(n.varbinds.get('BREAKERBOX-MIB::bbAckBy.0'), 'STRING: ');
  });

  it('a v2c trap arrives the same; a resolve is bbAlertResolved titled [RESOLVED]', async () => {
    const item = page('nms-trap', 'resolve');
    assert.deepEqual(await sendSnmp(receiver('nms-trap', trapd.port, { mode: 'trap', community: COMMUNITY }), item), { ok: true });
    const n = await trapd.waitFor('the v2c trap', isPage(item));
    assert.equal(n.security, `TRAP2, SNMP v2c, community ${COMMUNITY}`);
    assertDecoded(n, item, 'bbAlertResolved');
    assert.equal(n.varbinds.get('BREAKERBOX-MIB::bbAlertTitle.0'), 'STRING: [RESOLVED] dal3-r07-a bank 1: breaker tripped, 20 nodes down');
  });

  it('a v3 authPriv inform (SHA-256, AES) is acknowledged; an acknowledge says who and why', async () => {
    const item = page('nms-v3', 'acknowledge', bankStory(42, { by: 'alice', reason: 'on it, replacing the breaker', at: 2_000 }));
    assert.deepEqual(await sendSnmp(receiver('nms-v3', trapd.port, { version: '3', user: v3User('informer') }), item), { ok: true });
    const n = await trapd.waitFor('the v3 inform', isPage(item));
    assert.match(n.security, /^INFORM, SNMP v3, user informer/);
    assertDecoded(n, item, 'bbAlertAcknowledged');
    assert.equal(n.varbinds.get('BREAKERBOX-MIB::bbAckBy.0'), 'STRING: alice');
    assert.equal(n.varbinds.get('BREAKERBOX-MIB::bbAckReason.0'), 'STRING: on it, replacing the breaker');
    assert.equal(n.varbinds.get('BREAKERBOX-MIB::bbAlertTitle.0'), 'STRING: [ACKNOWLEDGED] dal3-r07-a bank 1: breaker tripped, 20 nodes down');
  });

  it('a v3 authPriv trap comes from Breakerbox\'s engine ID, which the NMS keys its user by', async () => {
    const item = page('nms-v3-trap', 'flapping');
    assert.deepEqual(await sendSnmp(receiver('nms-v3-trap', trapd.port, { mode: 'trap', version: '3', user: v3User('trapper') }), item), { ok: true });
    const n = await trapd.waitFor('the v3 trap', isPage(item));
    assert.match(n.security, /^TRAP2, SNMP v3, user trapper/);
    assertDecoded(n, item, 'bbAlertFlapping');
  });

  it('long texts are cut to 255 bytes at a character boundary and arrive as UTF-8', async () => {
    const long = { ...TEXT, cause: `Zürich ${'é'.repeat(300)}`, title: 'Zürich — bank 1 ✓' };
    assert.equal(clipUtf8('a'.repeat(255)).toString(), 'a'.repeat(255), 'up to 255 bytes: as it is');
    assert.equal(clipUtf8(`${'a'.repeat(250)}😀😀`).toString(), `${'a'.repeat(250)}…`, 'a 4-byte character is not split');
    const item = page('nms-v2c', 'trigger', bankStory(43), long);
    const cause = snmpVarbinds(item).find((vb) => vb.oid.endsWith('.1.1.16.0'))!.value as Buffer;
    assert.ok(cause.length <= 255 && cause.length >= 250, `${cause.length} bytes`);
    assert.ok(!cause.toString('utf8').includes('\uFFFD') && cause.toString('utf8').endsWith('é…'), 'whole characters, then an ellipsis');
    assert.deepEqual(await sendSnmp(receiver('nms-v2c', trapd.port, { community: COMMUNITY }), item), { ok: true });
    const n = await trapd.waitFor('the long page', isPage(item));
    assert.equal(n.varbinds.get('BREAKERBOX-MIB::bbAlertCause.0'), `STRING: ${cause.toString('utf8')}`);
    assert.equal(n.varbinds.get('BREAKERBOX-MIB::bbAlertTitle.0'), 'STRING: Zürich — bank 1 ✓');
  });

  it('a v3 user the NMS does not know is refused for good, said without a key', async () => {
    const r = receiver('nms-v3', trapd.port, { version: '3', user: v3User('stranger') });
    const result = await sendSnmp(r, page('nms-v3'));
    assert.deepEqual(result, { ok: false, permanent: true, what: 'SNMPv3 refused: unknown user name' });
  });
});

describe('an inform nobody answers', { timeout: 30_000 }, () => {
  it('fails retryably (v2c and v3), saying what went wrong without the community or a key', async () => {
    const port = await freeUdpPort();
    for (const r of [receiver('dead', port, { community: COMMUNITY, timeout: 600 }), receiver('dead', port, { version: '3', user: v3User('informer'), timeout: 600 })]) {
      const result = await sendSnmp(r, page('dead'));
      assert.deepEqual(result, { ok: false, permanent: false, what: 'no acknowledgement within 600 ms' });
      const said = JSON.stringify(result);
      assert.deepEqual(SECRETS.filter((s) => said.includes(s)), []);
    }
  });
});

describe('an SNMP receiver through the outbox', { timeout: 60_000 }, () => {
  let trapd: Snmptrapd;
  let dir: string;
  before(async () => {
    trapd = await startSnmptrapd(`authCommunity log ${COMMUNITY}`);
    dir = mkdtempSync(join(tmpdir(), 'bb-snmp-outbox-'));
  });
  after(async () => {
    await trapd?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a page queued while the NMS is away is delivered once when it answers, and never again after a restart', async () => {
    const clock = new FakeClock();
    const log = pino({ level: 'silent' });
    const path = join(dir, 'breakerbox.db');
    let config = receiver('nms', await freeUdpPort(), { community: COMMUNITY, timeout: 600 });
    let store = new DrainStore(path, { clock });
    const events = new EventLog(clock, log);
    let outbox = new Outbox({ store, receivers: () => [config], clock, events, log });

    const story = bankStory(51);
    assert.equal(outbox.enqueue('nms', '51-trigger', 'trigger', story, TEXT), true);
    assert.equal(outbox.enqueue('nms', '51-trigger', 'trigger', story, TEXT), false, 'the same page is queued once');
    await outbox.idle();
    const [failed] = outbox.pending();
    assert.equal(failed?.attempts, 1);
    assert.equal(failed?.lastError, 'no acknowledgement within 600 ms');
    assert.match(events.since().at(-1)?.message ?? '', /receiver nms did not take the page .* \(no acknowledgement within 600 ms\); retrying with backoff/);

    config = { ...config, port: trapd.port };
    clock.advance(1_000);
    const first = await trapd.waitFor('the page, on its retry', (n) => n.varbinds.get('BREAKERBOX-MIB::bbPageId.0') === 'STRING: nms:51-trigger');
    assert.equal(first.varbinds.get('SNMPv2-MIB::snmpTrapOID.0'), 'OID: BREAKERBOX-MIB::bbAlertFiring');
    await outbox.idle();
    assert.deepEqual(outbox.pending(), []);

    // A restart on the same database: what was delivered is not sent again; the next page (in order, after it) is.
    outbox.stop();
    store.close();
    store = new DrainStore(path, { clock });
    outbox = new Outbox({ store, receivers: () => [config], clock, events, log });
    outbox.start();
    assert.equal(outbox.enqueue('nms', '51-trigger', 'trigger', story, TEXT), false, 'still known after the restart');
    assert.equal(outbox.enqueue('nms', '51-resolve', 'resolve', story, TEXT), true);
    await trapd.waitFor('the resolve', (n) => n.varbinds.get('BREAKERBOX-MIB::bbPageId.0') === 'STRING: nms:51-resolve');
    await outbox.idle();
    const ids = trapd.notifications().map((n) => n.varbinds.get('BREAKERBOX-MIB::bbPageId.0'));
    assert.deepEqual(ids, ['STRING: nms:51-trigger', 'STRING: nms:51-resolve'], 'each page exactly once, in order');
    outbox.stop();
    store.close();
  });
});

describe('receiver config', () => {
  const load = (receivers: string) => parseConfigText(`sites: [{name: Lab, rows: [{name: row 1, racks: [r1]}]}]\nsettings: {alerts: {receivers: [${receivers}]}}\n`, 'lab.yaml');
  const problems = (receivers: string): string[] => {
    try {
      load(receivers);
    } catch (err) {
      assert.ok(err instanceof ConfigError, String(err));
      return err.problems.map((p) => `${p.path}: ${p.message}`);
    }
    return [];
  };

  it('defaults: port 162, inform, Breakerbox\'s engine ID for v3', () => {
    const [r] = load(`{type: snmp, name: nms, host: nms.example.com, version: "3", user: {name: bb, authProtocol: sha, authKey: ${AUTH_KEY}, privProtocol: aes, privKey: ${PRIV_KEY}}}`).settings.alerts.receivers;
    assert.equal(r?.type, 'snmp');
    if (r?.type !== 'snmp') return;
    assert.deepEqual({ port: r.port, mode: r.mode, level: r.user?.level, engineID: r.user?.engineID }, { port: 162, mode: 'inform', level: 'authPriv', engineID: ENGINE_ID.slice(2) });
  });

  it('each version needs its credentials, and each level its keys', () => {
    assert.deepEqual(problems('{type: snmp, name: nms, host: h, version: "2c"}'), ['settings.alerts.receivers[0].community: version 2c needs community']);
    assert.deepEqual(problems('{type: snmp, name: nms, host: h, version: "3", community: c}'), [
      'settings.alerts.receivers[0].user: version 3 needs user', 'settings.alerts.receivers[0].community: version 3 takes a user, not a community',
    ]);
    assert.deepEqual(problems(`{type: snmp, name: nms, host: h, version: "3", user: {name: bb, authProtocol: sha, authKey: ${AUTH_KEY}}}`), [
      'settings.alerts.receivers[0].user.privProtocol: level authPriv needs privProtocol', 'settings.alerts.receivers[0].user.privKey: level authPriv needs privKey',
    ]);
    assert.deepEqual(problems('{type: snmp, name: nms, host: h, version: "3", user: {name: bb, level: noAuthNoPriv, engineID: "0x12"}}'), [
      'settings.alerts.receivers[0].user.engineID: 5 to 32 octets in hex',
    ]);
    assert.deepEqual(problems('{type: snmp, name: nms, host: h, version: "3", user: {name: bb, level: noAuthNoPriv}, mode: trap}'), []);
  });
});

describe('mibs/BREAKERBOX-MIB', () => {
  it('passes smilint -l 3 without an error or a warning', async () => {
    const child = spawn('smilint', ['-l', '3', '-s', join(projectMibs(), 'BREAKERBOX-MIB')], { env: { ...process.env, SMIPATH: standardMibs() }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { out += d.toString(); });
    const code = await new Promise<number | null>((resolve, reject) => { child.on('error', reject); child.on('close', resolve); });
    assert.equal(out, '', 'smilint said nothing');
    assert.equal(code, 0);
  });

  it('smilint would say so if it did not (the check can fail)', async () => {
    const child = spawn('smilint', ['-l', '3', join(projectMibs(), 'BREAKERBOX-MIB')], { env: { ...process.env, SMIPATH: join(projectMibs(), 'no-such-dir') }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { out += d.toString(); });
    await new Promise((resolve) => child.on('close', resolve));
    assert.match(out, /failed to locate MIB module `SNMPv2-SMI'/);
  });
});
