// One Breakerbox process of a cluster on PostgreSQL. It stands by (answering its health, sending
// the wall and the API to the controller) until it takes the controller lease; then it starts the
// whole service from the shared records and acts — every record it writes fenced by the lease's
// epoch, every backend call and page made only while the lease runs here. A controller that loses
// its lease stops at once (exit EXIT_LEASE_LOST; systemd starts it again as a standby), as a
// Kubernetes controller does: nothing it decided after that can be carried out.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { hostname } from 'node:os';
import pg from 'pg';
import type { Logger } from 'pino';
import { Registry } from 'prom-client';
import { pollTargets, startApp, type App, type AppOptions } from '../app.js';
import { systemClock, type Clock } from '../clock.js';
import type { Config } from '../config/schema.js';
import { DrainStore, type StorageNotice } from '../drain/drain-store.js';
import { isAddressInUse, PortInUseError } from '../held.js';
import { matchToken } from '../http/access.js';
import { Poller } from '../poller/poller.js';
import { StateStore } from '../state/state-store.js';
import { TrapReceiver } from '../traps/trap-receiver.js';
import type { ClusterHealth } from './cluster-health.js';
import { registerCluster } from './cluster-metrics.js';
import { FactFeed, FactPublisher } from './facts.js';
import { Lease, readLease, type LeaseRow } from './lease.js';
import { PgPersistence } from './pg-persistence.js';
import { migrate } from './schema.js';
import { Share } from './shares.js';
import { TrapFeed, TrapForwarder } from './traps.js';

/** The exit code of a controller that lost its lease: started again, it stands by. */
export const EXIT_LEASE_LOST = 76;

export type ClusterSettings = NonNullable<Config['settings']['cluster']>;

/** A pool of connections to the cluster's database: BIGINTs read as numbers, an idle connection's error never fatal. */
export function clusterPool(settings: ClusterSettings, log: Logger): pg.Pool {
  const pool = new pg.Pool({
    connectionString: settings.database, max: 4, connectionTimeoutMillis: Math.max(1_000, Math.round(settings.lease / 3)),
    types: { getTypeParser: ((oid: number, format?: 'text' | 'binary') => (oid === 20 ? Number : pg.types.getTypeParser(oid, format))) as typeof pg.types.getTypeParser },
  });
  pool.on('error', (err) => log.warn({ err: err.message }, 'cluster database connection lost'));
  return pool;
}

export interface ClusterOptions extends Omit<AppOptions, 'drainStore' | 'cluster' | 'clock'> {
  log: Logger;
  /** The lease is lost: by default the process exits with EXIT_LEASE_LOST. */
  onLost?: (why: string) => void;
  /** This process became the controller and serves the whole service. */
  onController?: (app: App, epoch: number) => void;
  clock?: Clock;
}

export class ClusterProcess {
  /** The whole service, once this process is the controller. */
  app: App | null = null;
  readonly name: string;
  private readonly settings: ClusterSettings;
  private readonly lease: Lease;
  private standby: Server | null = null;
  private port = 0;
  private timer: { cancel(): void } | null = null;
  private controllerRow: LeaseRow | null = null;
  private databaseProblem: string | null = null;
  private migrated = false;
  private taking = false;
  private stopped = false;
  private lost = false;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly startedAt = new Date();
  /** The devices this process polls: its share among the live processes. */
  private readonly share: Share;
  /** Standing by, this process still polls its share and publishes what it finds. */
  private standbyPolls: { poller: Poller; publisher: FactPublisher; traps: TrapReceiver | null } | null = null;
  private readonly forwarder: TrapForwarder;
  private trapFeed: TrapFeed | null = null;
  private publisher: FactPublisher | null = null;
  /** Facts published while standing by, before the controller's own publisher. */
  private publishedBefore = 0;
  private feed: FactFeed | null = null;

  private constructor(private readonly options: ClusterOptions, private readonly pool: pg.Pool) {
    this.settings = options.config.settings.cluster!;
    this.clock = options.clock ?? systemClock;
    this.log = options.log.child({ module: 'cluster' });
    this.name = this.settings.name ?? `${hostname()}:${process.pid}`;
    this.lease = new Lease({ pool, holder: this.name, url: null, leaseMs: this.settings.lease });
    this.share = new Share(this.name);
    this.forwarder = new TrapForwarder(pool, this.name, this.log);
  }

  /** Starts standing by (its health served at once), and tries for the lease. */
  static async start(options: ClusterOptions): Promise<ClusterProcess> {
    const settings = options.config.settings.cluster;
    if (!settings) throw new Error('settings.cluster is not set');
    const pool = clusterPool(settings, options.log.child({ module: 'cluster' }));
    const member = new ClusterProcess(options, pool);
    try {
      await member.listen();
    } catch (err) {
      await pool.end();
      throw err;
    }
    member.tick();
    return member;
  }

  /** Where this process answers (standing by, then as the controller). */
  get url(): string {
    return this.app?.url ?? this.ownUrl();
  }

  health(): ClusterHealth {
    const row = this.controllerRow;
    return {
      name: this.name, role: this.app ? 'controller' : 'standby', epoch: this.app ? this.lease.epoch : null,
      leaseMs: this.settings.lease, leaseLeftMs: Math.round(this.lease.left()), devices: this.devicesMine(), members: this.share.live(),
      facts: { published: this.publishedBefore + (this.standbyPolls?.publisher.written ?? 0) + (this.publisher?.written ?? 0), adopted: this.feed?.adopted ?? 0 },
      traps: { forwarded: this.forwarder.forwarded, taken: this.trapFeed?.taken ?? 0 },
      controller: row?.holder && row.expiresAt > row.now ? { name: row.holder, url: row.url, epoch: row.epoch } : null,
    };
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.timer?.cancel();
    await new Promise<void>((r) => (this.standby ? this.standby.close(() => r()) : r()));
    await this.stopStandbyPolls();
    this.publisher?.stop();
    this.feed?.stop();
    this.trapFeed?.stop();
    if (this.app) await this.app.stop();
    // Handed over at once: a standby need not wait for the lease to run out.
    await this.lease.release().catch(() => {});
    await this.pool.query('DELETE FROM bb_members WHERE id = $1', [this.name]).catch(() => {});
    await this.pool.end().catch(() => {});
  }

  private ownUrl(): string {
    if (this.settings.url) return this.settings.url.replace(/\/$/, '');
    const host = this.options.host ?? this.options.config.settings.http.host;
    return `http://${host === '0.0.0.0' || host === '::' ? hostname() : host}:${this.port}`;
  }

  // ---- standing by ---------------------------------------------------------------------------

  private async listen(): Promise<void> {
    const host = this.options.host ?? this.options.config.settings.http.host;
    const port = this.options.port ?? this.options.config.settings.http.port;
    const server = createServer((req, res) => this.answer(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err) => reject(isAddressInUse(err) ? new PortInUseError('HTTP', 'tcp', host, port) : err));
      server.listen(port, host, () => resolve());
    });
    this.standby = server;
    this.port = (server.address() as { port: number }).port;
    this.lease.url = this.ownUrl();
  }

  /** A standby answers its health; the wall and the API are the controller's, and it says where. */
  private answer(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '/').split('?')[0]!;
    const health = this.health();
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers });
      res.end(JSON.stringify(body));
    };
    if (path === '/metrics') {
      void this.metrics(req, res);
      return;
    }
    if (path === '/api/health') {
      const problems = this.databaseProblem ? [{ code: 'BB_ERR_CLUSTER_DB', message: this.databaseProblem }] : [];
      send(200, { status: problems.length ? 'degraded' : 'ok', role: 'standby', problems, time: this.clock.now(), cluster: health });
      return;
    }
    const controller = health.controller;
    if (req.method === 'GET' && !path.startsWith('/api/') && controller?.url) {
      res.writeHead(307, { location: `${controller.url}${req.url ?? '/'}`, 'cache-control': 'no-store' });
      res.end();
      return;
    }
    const where = controller ? `the controller is ${controller.name}${controller.url ? ` at ${controller.url}` : ''}` : 'no controller holds the lease yet';
    send(503, { error: `this Breakerbox process (${this.name}) stands by: ${where}`, code: 'BB_ERR_STANDBY', controller }, { 'retry-after': '1' });
  }

  /** A standby's own series; behind a bearer token when the configuration protects reads. */
  private async metrics(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const api = this.options.config.settings.api;
    const presented = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (api.protectReads && !(presented && matchToken(api.tokens, presented))) {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'reads need a bearer token', code: 'BB_ERR_UNAUTHORIZED' }));
      return;
    }
    const registry = new Registry();
    registerCluster(registry, () => this.health());
    res.writeHead(200, { 'content-type': registry.contentType, 'cache-control': 'no-store' });
    res.end(await registry.metrics());
  }

  // ---- the lease -----------------------------------------------------------------------------

  private tick(): void {
    if (this.stopped || this.lost) return;
    void this.step().finally(() => {
      if (this.stopped || this.lost) return;
      this.timer = this.clock.setTimeout(() => this.tick(), Math.max(100, Math.round(this.settings.lease / 3)));
    });
  }

  private async step(): Promise<void> {
    try {
      if (!this.migrated) {
        const applied = await migrate(this.pool);
        this.migrated = true;
        if (applied.length) this.log.info({ versions: applied }, 'cluster database schema migrated');
        if (!this.app && !this.taking) await this.startStandbyPolls();
      }
      await this.heartbeat();
      await this.readMembers();
      if (this.app) {
        if (!(await this.lease.renew())) return this.lose(`another process took the lease: ${await this.describeHolder()}`);
      } else if (!this.taking && (await this.lease.tryAcquire())) {
        await this.takeOver();
      }
      this.controllerRow = await readLease(this.pool);
      if (this.databaseProblem) this.log.info('cluster database reachable again');
      this.databaseProblem = null;
    } catch (err) {
      const message = `cannot reach the cluster database: ${(err as Error).message}`;
      if (this.databaseProblem !== message) this.log.warn(message);
      this.databaseProblem = message;
    }
    // The lease ran out here before it could be renewed (the database away, or this process paused).
    if (this.app && !this.lease.valid()) this.lose('the lease ran out before it could be renewed');
  }

  private async heartbeat(): Promise<void> {
    await this.pool.query(`
      INSERT INTO bb_members (id, host, pid, url, role, started_at, seen_at, devices) VALUES ($1, $2, $3, $4, $5, $6, clock_timestamp(), $7)
      ON CONFLICT (id) DO UPDATE SET host = excluded.host, pid = excluded.pid, url = excluded.url, role = excluded.role, seen_at = excluded.seen_at, devices = excluded.devices`,
    [this.name, hostname(), process.pid, this.ownUrl(), this.app ? 'controller' : 'standby', this.startedAt, this.devicesMine()]);
  }

  /** The processes seen within a lease share the devices; one that went quiet loses its share to the others. */
  private async readMembers(): Promise<void> {
    // A process gone for long (killed, or exited on a lost lease) is forgotten.
    if (this.app) await this.pool.query("DELETE FROM bb_members WHERE seen_at < clock_timestamp() - $1 * interval '1 millisecond'", [10 * this.settings.lease]);
    const { rows } = await this.pool.query<{ id: string }>("SELECT id FROM bb_members WHERE seen_at > clock_timestamp() - $1 * interval '1 millisecond'", [this.settings.lease]);
    if (this.share.update(rows.map((r) => r.id))) {
      this.log.info({ members: this.share.live(), devices: this.devicesMine() }, 'the devices were shared out again');
    }
  }

  private devicesMine(): number {
    const { pdus, nodes } = this.app?.config() ?? this.options.config;
    return pdus.filter((p) => this.share.mine(`pdu:${p.name}`)).length + nodes.filter((n) => this.share.mine(`node:${n.name}`)).length;
  }

  /** Standing by: this process's share polled, and published for the controller; the traps it gets forwarded. */
  private async startStandbyPolls(): Promise<void> {
    const { config } = this.options;
    const { snmpTimeout, snmpRetries, pollConcurrency } = config.settings;
    const store = new StateStore();
    const poller = new Poller({
      store, clock: this.clock, log: this.options.log.child({ module: 'poller' }),
      timeoutMs: snmpTimeout, retries: snmpRetries, concurrency: pollConcurrency, share: (k) => this.share.mine(k),
    });
    poller.setTargets(pollTargets(config));
    poller.start();
    const traps = config.settings.traps.enabled ? new TrapReceiver(config.settings.traps, (trap) => this.forwarder.forward(trap), this.options.log.child({ module: 'traps' }), this.clock) : null;
    this.standbyPolls = { poller, publisher: new FactPublisher(this.pool, store, this.name, this.clock, this.log), traps };
    try {
      const port = await traps?.start();
      if (port !== undefined) this.log.info({ port }, 'standing by: traps received here are forwarded to the controller');
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'standing by without a trap receiver: traps sent here are lost');
      this.standbyPolls.traps = null;
    }
  }

  private async stopStandbyPolls(): Promise<void> {
    const polls = this.standbyPolls;
    this.standbyPolls = null;
    polls?.publisher.stop();
    this.publishedBefore += polls?.publisher.written ?? 0;
    await polls?.traps?.stop();
    await polls?.poller.stop();
  }

  private async describeHolder(): Promise<string> {
    const row = await readLease(this.pool).catch(() => null);
    return row?.holder ? `${row.holder} in epoch ${row.epoch}` : 'nobody holds it now';
  }

  /** The lease is this process's: the whole service, from the shared records. */
  private async takeOver(): Promise<void> {
    this.taking = true;
    const epoch = this.lease.epoch!;
    this.log.info({ epoch }, 'took the controller lease: starting the service from the shared records');
    try {
      await new Promise<void>((r) => (this.standby ? this.standby.close(() => r()) : r()));
      this.standby = null;
      await this.stopStandbyPolls();
      const loaded = await PgPersistence.load(this.pool, this.clock.now());
      const { onLost: _lost, onController: _controller, ...appOptions } = this.options;
      let tell: (notice: StorageNotice) => void = () => {};
      const persistence = new PgPersistence(this.pool, this.lease, { clock: this.clock, onHealth: (n) => tell(n), onFenced: (why) => this.lose(why) });
      this.app = await startApp({
        ...appOptions, port: this.port,
        drainStore: (onHealth) => { tell = onHealth; return new DrainStore({ persistence, loaded }, { clock: this.clock }); },
        // Events go with the records, fenced alike: a deposed controller's never reach the journal.
        journal: { load: (after) => PgPersistence.loadEvents(this.pool, after), publish: (event) => persistence.keep([{ op: 'event', event }]) },
        cluster: () => this.health(), pollShare: (k) => this.share.mine(k),
      });
      // Its own polls published for the next controller; everyone else's adopted, all there is first.
      this.publisher = new FactPublisher(this.pool, this.app.store, this.name, this.clock, this.log);
      this.feed = new FactFeed(this.pool, this.app.store, this.name, this.clock, this.log);
      await this.feed.start();
      const app = this.app;
      this.trapFeed = new TrapFeed(this.pool, this.clock, this.log, (trap) => app.traps.inject(trap));
      await this.trapFeed.start();
      // Starting took part of the lease: renewed now, so a slow start does not cost the turn it won.
      if (!(await this.lease.renew())) return this.lose(`another process took the lease while this one started: ${await this.describeHolder()}`);
    } catch (err) {
      await this.lease.release().catch(() => {});
      this.lose(`the service could not start: ${(err as Error).message}`);
      return;
    }
    this.taking = false;
    await this.heartbeat();
    this.options.onController?.(this.app, epoch);
  }

  private lose(why: string): void {
    if (this.lost) return;
    this.lost = true;
    this.timer?.cancel();
    this.log.fatal({ epoch: this.lease.epoch }, `lost the controller lease (${why}): stopping, so nothing more is done in its name`);
    if (this.options.onLost) this.options.onLost(why);
    else process.exit(EXIT_LEASE_LOST);
  }
}
