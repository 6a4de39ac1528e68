// The controller lease and the fenced drain store on a real PostgreSQL (initdb in a temp dir):
// migrations applied once whoever starts first; the lease taken by one process at a time, its epoch
// bumped at each takeover; a write of a process that lost the lease refused in the database; a
// process paused past its lease no longer trusts it; writes kept while the database is away.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { startApp } from '../src/app.js';
import { systemClock } from '../src/clock.js';
import { clusterPool } from '../src/cluster/cluster.js';
import { FencedError, Lease, readLease } from '../src/cluster/lease.js';
import { PgPersistence } from '../src/cluster/pg-persistence.js';
import { migrate, SCHEMA_VERSION } from '../src/cluster/schema.js';
import { DrainStore, StorageError, type DrainRecord, type StorageNotice } from '../src/drain/drain-store.js';
import type { ApiNode } from '../src/http/api-types.js';
import { createLogger } from '../src/log.js';
import { demoConfig, waitFor } from './helpers/demo-config.js';
import { freeUdpPort } from './helpers/ports.js';
import { startPostgres, type Postgres } from './helpers/postgres.js';
import { WatchedClock } from './helpers/watched-clock.js';

const silent = pino({ level: 'silent' });
const record = (node: string, since = 1): DrainRecord => ({
  pool: 'scanners', node, reason: 'power lost', since, by: 'breakerbox', shadow: false,
  chain: { cause: 'bank 1 of dal3-r07-a tripped', impact: `${node} lost power`, action: 'drained' },
});

describe('the controller lease and the fenced store on PostgreSQL', () => {
  let db: Postgres;
  const pools: { end(): Promise<void> }[] = [];
  const pool = () => {
    const p = clusterPool({ database: db.url, lease: 1_000 }, silent);
    pools.push(p);
    return p;
  };
  before(async () => { db = await startPostgres(); });
  after(async () => {
    for (const p of pools) await p.end().catch(() => {});
    await db?.stop();
  });

  it('migrates once, whoever starts first, and refuses a database a newer Breakerbox migrated', async () => {
    const [a, b] = await Promise.all([migrate(pool()), migrate(pool())]);
    assert.deepEqual([...a!, ...b!].sort(), [1, 2, 3, 4], 'each migration applied exactly once');
    assert.deepEqual(await migrate(pool()), []);
    assert.deepEqual((await db.query<{ version: number }>('SELECT version FROM bb_schema ORDER BY version')).map((r) => r.version), [1, 2, 3, SCHEMA_VERSION]);
    await db.query("INSERT INTO bb_schema (version, what) VALUES (999, 'from the future')");
    await assert.rejects(migrate(pool()), new RegExp(`schema version 999; this Breakerbox knows up to ${SCHEMA_VERSION}: upgrade it \\[BB_ERR_SCHEMA\\]`));
    await db.query('DELETE FROM bb_schema WHERE version = 999');
  });

  it('one holder at a time; a takeover bumps the epoch, and the old holder can neither renew nor write', async () => {
    let t = 0;
    const p = pool();
    const a = new Lease({ pool: p, holder: 'a', url: 'http://a', leaseMs: 400, monotonic: () => t });
    const b = new Lease({ pool: p, holder: 'b', url: 'http://b', leaseMs: 400 });
    assert.equal(await a.tryAcquire(), true);
    const first = a.epoch!;
    assert.equal(await b.tryAcquire(), false, 'held and not expired');
    assert.equal(a.valid(), true);
    // Trusted only up to the lease less its margin, measured from before it was asked.
    t = 400 - a.margin - 1;
    assert.equal(a.valid(), true);
    t = 400 - a.margin;
    assert.equal(a.valid(), false, 'a paused process wakes up not trusting its lease');

    await waitFor('b takes the expired lease', () => b.tryAcquire(), 5_000, 50);
    assert.equal(b.epoch, first + 1);
    assert.deepEqual((({ holder, url, epoch }) => ({ holder, url, epoch }))((await readLease(p))!), { holder: 'b', url: 'http://b', epoch: first + 1 });
    assert.equal(await a.renew(), false, 'the old holder cannot renew');
    assert.equal(a.epoch, null);

    // A write in the old epoch, fenced in the database.
    a.epoch = first;
    const client = await p.connect();
    try {
      await client.query('BEGIN');
      await assert.rejects(a.fence(client), (err: Error) => err instanceof FencedError && /held by b in epoch \d+, not by this process \(epoch \d+\) \[BB_ERR_FENCED\]/.test(err.message));
      await client.query('ROLLBACK');
    } finally {
      client.release();
    }
    await b.release();
    assert.equal(await a.tryAcquire(), true, 'released: taken at once');
    assert.equal(a.epoch, first + 2);
    await a.release();
  });

  it('a lease that ran out but nobody took is still its holder\'s: nobody else acted', async () => {
    const p = pool();
    const a = new Lease({ pool: p, holder: 'solo', url: null, leaseMs: 200 });
    assert.ok(await a.tryAcquire());
    await waitFor('the lease expired in the database', async () => { const r = await readLease(p); return r && r.expiresAt < r.now; }, 5_000, 50);
    assert.equal(await a.renew(), true);
    await a.release();
  });

  it('the drain store on PostgreSQL: written in order, read back by the next controller; a deposed one\'s writes never land', async () => {
    const p = pool();
    const clock = new WatchedClock(0);
    const notices: StorageNotice[] = [];
    const fenced: string[] = [];
    const a = new Lease({ pool: p, holder: 'ctl-a', url: null, leaseMs: 60_000 });
    await waitFor('ctl-a holds the lease', () => a.tryAcquire(), 5_000, 50);
    const storeA = new DrainStore({ persistence: new PgPersistence(p, a, { clock, onHealth: (n) => notices.push(n), onFenced: (why) => fenced.push(why) }), loaded: await PgPersistence.load(p, 0) }, { clock });
    assert.equal(storeA.mayAct(), true);
    storeA.putDrains([record('scan-057'), record('scan-058')]);
    storeA.recordDrainTimes('scanners', [1, 1]);
    storeA.putHold({ pool: 'scanners', node: 'scan-060', mode: 'out', reason: 'disk swap', by: 'ops', since: 2 });
    storeA.drainByOperator(record('scan-059', 3), { time: 3, who: 'ops', action: 'drain', pool: 'scanners', node: 'scan-059', why: 'by hand' });
    storeA.deleteDrains([{ pool: 'scanners', node: 'scan-058' }]);
    await storeA.durable();
    const rows = await db.query<{ node: string; epoch: string }>("SELECT node, epoch FROM bb_drains WHERE pool = 'scanners' ORDER BY node");
    assert.deepEqual(rows.map((r) => [r.node, Number(r.epoch)]), [['scan-057', a.epoch], ['scan-059', a.epoch]]);

    // The next controller starts from exactly that.
    const loaded = await PgPersistence.load(p, 0);
    assert.deepEqual(loaded.contents.drains.map((d) => d.node).sort(), ['scan-057', 'scan-059']);
    assert.deepEqual(loaded.contents.holds.map((h) => [h.node, h.mode]), [['scan-060', 'out']]);
    assert.deepEqual(loaded.contents.drainTimes.map((t) => t.time), [1, 1]);
    assert.deepEqual(loaded.contents.audit.map((e) => [e.id, e.action, e.node]), [[1, 'drain', 'scan-059']]);
    assert.equal(loaded.lastAuditId, 1);

    // Another process takes the lease (this one was paused): what this one writes now is refused, and it is told.
    await db.query("UPDATE bb_lease SET holder = 'ctl-b', epoch = epoch + 1 WHERE name = 'controller'");
    storeA.putDrains([record('scan-070')]);
    await assert.rejects(storeA.durable(), FencedError);
    assert.equal(fenced.length, 1);
    assert.match(fenced[0]!, /held by ctl-b in epoch \d+, not by this process/);
    assert.equal(storeA.mayAct(), false, 'a deposed process touches no backend and sends no page');
    assert.throws(() => storeA.holdByOperator({ pool: 'scanners', node: 'scan-061', mode: 'in', reason: 'x', by: 'ops', since: 4 }, { time: 4, who: 'ops', action: 'hold-in', pool: 'scanners', node: 'scan-061', why: 'x' }), StorageError);
    assert.deepEqual((await db.query("SELECT node FROM bb_drains WHERE node = 'scan-070'")), [], 'nothing of the deposed controller landed');
    assert.deepEqual(notices, []);
    await db.query("UPDATE bb_lease SET holder = NULL, expires_at = now() - interval '1 second' WHERE name = 'controller'");
  });

  it('the database away: automatic writes kept in order and written when it is back; operator changes refused meanwhile', async () => {
    const p = pool();
    const clock = new WatchedClock(0);
    const notices: StorageNotice[] = [];
    const lease = new Lease({ pool: p, holder: 'ctl-c', url: null, leaseMs: 60_000 });
    await waitFor('ctl-c holds the lease', () => lease.tryAcquire(), 5_000, 50);
    const store = new DrainStore({ persistence: new PgPersistence(p, lease, { clock, onHealth: (n) => notices.push(n), onFenced: () => assert.fail('not fenced') }), loaded: await PgPersistence.load(p, 0) }, { clock });
    await db.pause();
    store.putDrains([record('scan-071')]);
    let written = false;
    const durable = store.durable().then(() => { written = true; });
    await waitFor('the failure told', () => notices.length === 1, 10_000, 20);
    assert.equal(notices[0]!.status, 'degraded');
    assert.match(notices[0]!.message, /^cannot write the cluster database: .*\. Decisions are kept in memory and written when it is back; no backend is touched before they are/);
    assert.equal(store.health().status, 'degraded');
    assert.throws(() => store.holdByOperator({ pool: 'scanners', node: 'scan-072', mode: 'in', reason: 'x', by: 'ops', since: 5 }, { time: 5, who: 'ops', action: 'hold-in', pool: 'scanners', node: 'scan-072', why: 'x' }), /cannot write the cluster database/);
    store.putDrains([record('scan-073')]);
    assert.equal(written, false, 'not durable while the database is away');
    await db.start();
    // The retry waits on the injected clock: let it run until the writes land.
    await waitFor('the kept writes landed', async () => { clock.advance(5_000); return written; }, 20_000, 50);
    await durable;
    assert.equal(store.health().status, 'ok');
    assert.match(notices.at(-1)!.message, /^the cluster database takes writes again/);
    const rows = await db.query<{ node: string }>("SELECT node FROM bb_drains WHERE node IN ('scan-071', 'scan-072', 'scan-073') ORDER BY node");
    assert.deepEqual(rows.map((r) => r.node), ['scan-071', 'scan-073']);
    await lease.release();
  });

  it('a controller whose lease ran out here touches no backend, though the database has not told it yet', async () => {
    const p = pool();
    await db.query('DELETE FROM bb_drains; DELETE FROM bb_holds; DELETE FROM bb_drain_times');
    let t = 0;
    const lease = new Lease({ pool: p, holder: 'ctl-paused', url: null, leaseMs: 60_000, monotonic: () => t });
    await waitFor('ctl-paused holds the lease', () => lease.tryAcquire(), 5_000, 50);
    const lines: string[] = [];
    const log = createLogger('warn', new Writable({ write(chunk, _enc, done) { lines.push(String(chunk)); done(); } }));
    const { config, stateDir } = demoConfig({ snmpPort: await freeUdpPort(), trapPort: await freeUdpPort() });
    const loaded = await PgPersistence.load(p, Date.now());
    const app = await startApp({
      config, stateDir, log,
      drainStore: (onHealth) => new DrainStore({ persistence: new PgPersistence(p, lease, { clock: systemClock, onHealth, onFenced: () => {} }), loaded }),
    });
    try {
      const file = join(stateDir, 'var', 'pools', 'scanners.members');
      await waitFor('every node polled normal', async () => ((await (await fetch(`${app.url}/api/nodes`)).json()) as ApiNode[]).every((n) => n.power === 'normal'), 60_000);
      await waitFor('the membership file written', () => existsSync(file) && readFileSync(file, 'utf8').split('\n').filter(Boolean).length === 80, 30_000);
      const before = readFileSync(file, 'utf8');
      // Paused past its lease: nobody has taken it yet, so the database still takes its records.
      t = 60_000;
      app.simulator!.injectFault({ kind: 'bank-trip', pdu: 'dal3-r07-a', bank: 1 });
      await waitFor('the drain decided and recorded', async () => (await db.query("SELECT 1 FROM bb_drains WHERE node = 'scan-057'")).length === 1, 30_000);
      await waitFor('the backend refused', () => lines.some((l) => l.includes('backend left untouched: this process may not act')), 30_000);
      assert.equal(readFileSync(file, 'utf8'), before, 'the membership file untouched');
    } finally {
      await app.stop();
      await lease.release();
    }
  });
});
