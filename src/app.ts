// The composition root: wires sources → facts → power health → reconcile → effects.
import type { Logger } from 'pino';
import { AlertService } from './alerts/alert-service.js';
import { Backends } from './backends/create-backend.js';
import type { PoolBackend } from './backends/pool-backend.js';
import { systemClock, type Clock } from './clock.js';
import type { Config } from './config/schema.js';
import { DrainController } from './drain/drain-controller.js';
import { DrainStore, type StorageNotice } from './drain/drain-store.js';
import type { ClusterHealth } from './cluster/cluster-health.js';
import type { ApiEvent, ApiProblem } from './http/api-types.js';
import { resolve } from 'node:path';
import { EventLog } from './events/event-log.js';
import { PowerHealth, type PowerView } from './health/power-health.js';
import { Topology } from './health/topology.js';
import { startHttp, type HttpServer } from './http/server.js';
import { poolsView, poolView, type ReadModel } from './http/snapshot.js';
import { createLogger } from './log.js';
import { wallDir } from './paths.js';
import { Poller, type PollTarget } from './poller/poller.js';
import { limitsFor } from './poller/poll-limits.js';
import { Reloader } from './reload/reloader.js';
import { SimFaultError, Simulator } from './sim/simulator.js';
import { StateStore } from './state/state-store.js';
import { watchFacts } from './events/fact-events.js';
import { TrapService } from './traps/trap-service.js';
import { ProcessMonitor } from './process-load.js';
import { Maintenance } from './maintenance/maintenance.js';
import { History, HistoryRecorder } from './history/history.js';
import { historyRoutes } from './http/history-routes.js';
import { Metrics } from './metrics/metrics.js';
import { pollsStale } from './health/polls-stale.js';
import { StatusService } from './status/status-service.js';
import { incidentRoutes, STATUS_PATHS, statusPageRoutes } from './status/status-routes.js';
import { isAddressInUse, PortInUseError } from './held.js';
import { Capacity } from './capacity/capacity.js';
import { capacityRoutes } from './http/capacity-routes.js';

export interface AppOptions {
  config: Config;
  /** Re-read at each reload; without it the reload only re-admits. */
  configPath?: string;
  port?: number;
  host?: string;
  /** Relative backend directories resolve here (default: the working directory). */
  stateDir?: string;
  logLevel?: string;
  log?: Logger;
  clock?: Clock;
  /** Run the simulator for the configured devices (default: config.settings.simulate). */
  simulate?: boolean;
  /** The drain store over another engine (a cluster's PostgreSQL), told of storage health like the embedded one. */
  drainStore?: (onHealth: (notice: StorageNotice) => void) => DrainStore;
  /** This process's place in a cluster, for /api/health. */
  cluster?: () => ClusterHealth;
  /** In a cluster: the devices ("pdu:NAME", "node:NAME") this process polls; the others' facts come from their pollers. */
  pollShare?: (device: string) => boolean;
  /** In a cluster: the shared event journal — what earlier controllers recorded is taken in at start, every new event told. */
  journal?: { load(after: number): Promise<{ events: ApiEvent[]; lastId: number }>; publish(e: ApiEvent): void };
}

export interface App {
  url: string;
  port: number;
  config(): Config;
  store: StateStore;
  drainStore: DrainStore;
  events: EventLog;
  controller: DrainController;
  alerts: AlertService;
  reloader: Reloader;
  poller: Poller;
  simulator: Simulator | null;
  /** Listening only while settings.traps.enabled; a reload starts or stops it. */
  traps: TrapService;
  backendFor(pool: string): PoolBackend;
  stop(): Promise<void>;
}

export async function startApp(options: AppOptions): Promise<App> {
  const log = options.log ?? createLogger(options.logLevel);
  const clock = options.clock ?? systemClock;
  const stateDir = options.stateDir ?? process.cwd();
  let config = options.config;
  let topology = new Topology(config);

  const store = new StateStore();
  // The journal carries on from where the last run left it: its ids, and its latest events on the wall.
  const history = await History.open(config.settings.history, { stateDir, memory: config.settings.database === ':memory:', clock, log: log.child({ module: 'history' }) });
  // In a cluster the journal is shared: what the controllers before this one recorded comes in first, and ids go on from theirs.
  const shared = await options.journal?.load(history.lastEventId());
  for (const e of shared?.events ?? []) history.event(e);
  const events = new EventLog(clock, log.child({ module: 'events' }), undefined, { lastId: Math.max(history.lastEventId(), shared?.lastId ?? 0) });
  events.restore(history.latestEvents(200));
  events.subscribe((e) => history.event(e));
  if (options.journal) events.subscribe((e) => options.journal!.publish(e));
  const backends = new Backends(stateDir, clock);
  const backendFor = (pool: string): PoolBackend => backends.for(pool, topology.pools.get(pool)?.backend ?? { type: 'file', dir: 'var/pools' });
  // Power health follows the facts: each change re-assesses only what it reaches, and the pools of
  // the nodes whose health changed are looked at again (facts going stale count as changes).
  const staleMs = (c: Config) => c.settings.pollInterval * c.settings.staleAfterPolls;
  let wallHealth: (nodes: Set<string>, pdus: string[]) => void = () => {};
  const startedAt = clock.now();
  let health = new PowerHealth(topology, store, staleMs(config), startedAt);
  const refreshHealth = () => {
    const changed = health.update(clock.now());
    if (changed.size > 0) controller.powerChanged(changed);
    wallHealth(changed, health.takeChangedPdus());
  };
  const view = (): PowerView => {
    refreshHealth();
    return health.view;
  };
  // A database that cannot be written is said loudly, once, and again when it is back.
  const onStorageHealth = (notice: StorageNotice) => {
    const failed = notice.status !== 'ok';
    (failed ? log.error.bind(log) : log.info.bind(log))({ module: 'storage' }, notice.message);
    events.add({ type: failed ? 'storage-failed' : 'storage-recovered', severity: failed ? 'critical' : 'info', subject: 'database', message: notice.message });
  };
  const drainStore = options.drainStore?.(onStorageHealth)
    ?? new DrainStore(config.settings.database === ':memory:' ? ':memory:' : resolve(stateDir, config.settings.database), { clock, onHealth: onStorageHealth });
  const maintenance = new Maintenance({ config: () => config, topology: () => topology, clock, events });
  const controller = new DrainController({
    topology: () => topology, settings: () => config.settings, view, facts: store, store: drainStore, backendFor, events, clock, log: log.child({ module: 'drain' }),
    maintenance: (pool, node) => maintenance.drainReason(pool, node),
  });

  // N-1 headroom follows the PDUs' polls; single points of failure and phase balance are asked for.
  const capacity = new Capacity({ config: () => config, topology: () => topology, facts: store, now: () => clock.now() });
  const alerts = new AlertService({
    config: () => config, topology: () => topology, view, facts: store, controller, store: drainStore, events, clock, log: log.child({ module: 'alerts' }), maintenance,
    capacity: { headroom: () => capacity.headroom(), audit: () => capacity.audit().findings },
  });
  // A window that starts drains (or mutes) its scope; one that ends lets back what it drained, as a reload would.
  maintenance.onChange((ended) => {
    for (const w of ended) if (w.drains) controller.readmit(config.settings.reload.holdDown, w.name);
    controller.enqueueAll();
    alerts.changed();
  });

  const poller = new Poller({
    store, clock, events, log: log.child({ module: 'poller' }),
    timeoutMs: config.settings.snmpTimeout, retries: config.settings.snmpRetries, concurrency: config.settings.pollConcurrency,
    ...(options.pollShare ? { share: options.pollShare } : {}),
  });
  poller.setTargets(pollTargets(config));

  // Traps listen before the simulator can send any. The service exists even when disabled, so a reload can enable it.
  const traps = new TrapService({ settings: config.settings.traps, topology: () => topology, store, poller, events, clock, log: log.child({ module: 'traps' }) });
  try {
    if (config.settings.traps.enabled) await traps.start();
  } catch (err) {
    drainStore.close();
    await history.stop();
    throw err;
  }

  const simulate = options.simulate ?? config.settings.simulate;
  const simulator = simulate ? new Simulator(config, { log: log.child({ module: 'sim' }) }) : null;
  try {
    await simulator?.start();
  } catch (err) {
    await traps.stop();
    await history.stop();
    throw err;
  }

  // Staleness arrives with time, not with a new fact: re-assess every poll interval (read anew each time, so a reload changes it).
  let resyncWall = () => {};
  let tick: { cancel(): void } | null = null;
  const scheduleTick = () => {
    tick?.cancel();
    tick = clock.setTimeout(() => { controller.enqueueAll(); scheduleTick(); }, config.settings.pollInterval);
  };

  // A reload: everything that depends on a setting is built from the validated config first, then swapped in.
  const applyConfig = async (next: Config) => {
    const nextTopology = new Topology(next);
    const targets = pollTargets(next);
    const { snmpTimeout: timeoutMs, snmpRetries: retries, pollConcurrency: concurrency } = next.settings;
    const tickChanged = next.settings.pollInterval !== config.settings.pollInterval;
    // First, as the one step that may refuse (changing nothing); it reports a port it cannot move to as an event.
    await traps.reconfigure(next.settings.traps);
    poller.configure({ timeoutMs, retries, concurrency });
    poller.setTargets(targets);
    config = next;
    topology = nextTopology;
    store.retain(new Set(next.pdus.map((p) => p.name)), new Set(next.nodes.map((n) => n.name)));
    health = new PowerHealth(nextTopology, store, staleMs(next), clock.now());
    if (tickChanged && tick) scheduleTick();
    maintenance.reconfigure();
    // Backends follow the pools' specs by themselves (Backends.for); API tokens, mode and shadow are read live.
    controller.enqueueAll();
    resyncWall();
  };
  const reloader = new Reloader({
    configPath: options.configPath ?? null, currentConfig: () => config, applyConfig, simulating: simulator !== null,
    controller, events, clock, log: log.child({ module: 'reload' }),
  });

  const monitor = new ProcessMonitor();
  const readModel: ReadModel = {
    config: () => config, topology: () => topology, view, store, controller, events, reloader, now: () => clock.now(),
    problems: () => {
      const stuck = pollsStale(store.lastRecordAt, startedAt, config.pdus.length + config.nodes.length, clock.now(), staleMs(config));
      const problems: ApiProblem[] = [...drainStore.health().problems, ...reloader.problems()];
      const overloaded = poller.overloaded(clock.now());
      if (overloaded) {
        problems.push({ code: 'BB_ERR_OVERLOADED', since: overloaded.since, message: `${overloaded.count} poll${overloaded.count === 1 ? '' : 's'} of silent devices in the last minute took far longer than their timeouts allow: Breakerbox itself is too slow to tell a silent device (CPU starved?); their facts age into unknown, and nothing drains on them` });
      }
      return stuck ? [...problems, { code: 'BB_ERR_POLLS_STALE', message: stuck.message, since: stuck.since }] : problems;
    },
    load: () => ({ process: monitor.load(), polls: poller.load() }),
    ...(options.cluster ? { cluster: options.cluster } : {}),
    simFaults: () => ({ enabled: simulator !== null, faults: simulator?.faults().map((f) => ({ id: f.id, spec: { ...f.spec }, since: f.since })) ?? [] }),
  };
  // The public status page: services' states from each reconcile, incidents drafted from them.
  const status = new StatusService({
    config: () => config, topology: () => topology, records: (pool) => controller.records(pool), onPoolChanged: (fn) => controller.onPoolChanged(fn),
    pool: (name) => { const pool = topology.pools.get(name); return pool ? poolView(readModel, health.view, pool) : null; },
    maintenance, events, journal: (filter) => history.events(filter), store: drainStore, clock, log: log.child({ module: 'status' }),
  });
  // GET /metrics: read from the live state at each scrape.
  let http: HttpServer;
  const httpPort = options.port ?? config.settings.http.port;
  const httpHost = options.host ?? config.settings.http.host;
  const metrics = !config.settings.metrics.enabled ? null : new Metrics({
    topology: () => topology, view, facts: store, pools: () => poolsView(readModel),
    devicePolls: () => poller.devicePolls(), pollLoad: () => poller.load(), traps: () => traps.stats(),
    reconciles: () => controller.counts(), blocked: () => controller.allBlocked(),
    wallClients: () => http?.feed.clients() ?? 0, process: () => monitor.load(), history: () => history.backlog(),
    ...(options.cluster ? { cluster: options.cluster } : {}),
  }, { outlets: () => config.settings.metrics.outlets });
  try {
    http = await startHttp({
      readModel, reloader, wallDir: wallDir(), log: log.child({ module: 'http' }), traps, drainStore, clock, alerts,
      apiExtras: [historyRoutes(history, () => config, () => clock.now(), (pdu) => store.pdu(pdu)?.reading ?? null), incidentRoutes(status), capacityRoutes(readModel, capacity)], metrics,
      pages: [{ router: statusPageRoutes(status), open: STATUS_PATHS }],
      sim: simulator && {
        injectFault: (spec) => {
          const fault = simulator.injectFault(spec);
          events.add({ type: 'sim-fault', severity: 'info', subject: 'simulator', message: `simulator: injected ${describeFault(fault.spec)} (fault ${fault.id})` });
          return fault;
        },
        clearFault: (id) => {
          const cleared = simulator.clearFault(id);
          if (cleared) events.add({ type: 'sim-fault', severity: 'info', subject: 'simulator', message: `simulator: cleared fault ${id}` });
          return cleared;
        },
        clearAllFaults: () => {
          const n = simulator.clearAllFaults();
          if (n > 0) events.add({ type: 'sim-fault', severity: 'info', subject: 'simulator', message: `simulator: cleared all ${n} faults` });
          return n;
        },
        faults: () => simulator.faults(),
        isFaultError: (err) => err instanceof SimFaultError,
        answerStats: () => simulator.answerStats(),
      },
    }, httpPort, httpHost);
  } catch (err) {
    monitor.stop();
    await simulator?.stop();
    await traps.stop();
    await history.stop();
    throw isAddressInUse(err) ? new PortInUseError('HTTP', 'tcp', httpHost, httpPort) : err;
  }

  const unwatch = watchFacts(store, () => topology, events);
  const feed = http.feed;
  const recorder = new HistoryRecorder({
    history, store, config: () => config, topology: () => topology, view: () => health.view, clock,
    pool: (name) => { const pool = topology.pools.get(name); return pool ? poolView(readModel, health.view, pool) : null; },
    headroom: (pdu) => capacity.pduHeadroom(pdu),
  });
  wallHealth = (nodes, pdus) => {
    if (nodes.size === 0 && pdus.length === 0) return;
    recorder.healthChanged(nodes);
    feed.healthChanged(nodes, pdus);
    alerts.changed();
  };
  resyncWall = () => feed.resync();
  store.onChange((change) => {
    if (change.kind === 'pdu') capacity.touch(change.name);
    alerts.factRecorded();
    health.touch(change);
    controller.factChanged(change);
    if (change.kind === 'pdu') feed.markPdu(change.name);
    else feed.markNode(change.name);
    refreshHealth();
    recorder.factRecorded(change.kind, change.name);
  });
  controller.onPoolChanged((pool) => {
    feed.markPool(pool);
    recorder.poolChanged(pool);
    alerts.changed();
  });
  events.subscribe((e) => http.pushEvent(e));
  scheduleTick();

  status.start();
  poller.start();
  reloader.start();
  alerts.start();
  maintenance.start();
  log.info({ url: http.url, pdus: config.pdus.length, nodes: config.nodes.length, pools: config.pools.length, simulate }, 'breakerbox started');

  let stopped = false;
  return {
    url: http.url,
    port: http.port,
    config: () => config,
    store, drainStore, events, controller, alerts, reloader, poller, simulator, traps, backendFor,
    async stop() {
      if (stopped) return;
      stopped = true;
      tick?.cancel();
      tick = null;
      unwatch();
      recorder.stop();
      reloader.stop();
      maintenance.stop();
      alerts.stop();
      status.stop();
      const pollerStopped = poller.stop();
      await controller.settle();
      controller.stop();
      await http.close();
      await traps.stop();
      await simulator?.stop();
      drainStore.close();
      monitor.stop();
      await pollerStopped;
      await history.stop();
    },
  };
}

export function pollTargets(config: Config): PollTarget[] {
  const { pollInterval } = config.settings;
  return [
    ...config.pdus.map((p): PollTarget => ({ kind: 'pdu', name: p.name, address: p.address, credentials: p.snmp, intervalMs: p.pollInterval ?? pollInterval, profile: p.profile, limits: limitsFor(p, config.settings) })),
    ...config.nodes.map((n): PollTarget => ({ kind: 'node', name: n.name, address: n.address, credentials: n.snmp, intervalMs: n.pollInterval ?? pollInterval, limits: limitsFor(null, config.settings) })),
  ];
}

function describeFault(spec: { kind: string; pdu?: string; bank?: number; outlet?: number; node?: string }): string {
  switch (spec.kind) {
    case 'bank-trip': return `breaker trip of bank ${spec.bank} on ${spec.pdu}`;
    case 'outlet-off': return `outlet ${spec.outlet} off on ${spec.pdu}`;
    case 'inlet-loss': return `inlet power loss on ${spec.pdu}`;
    case 'pdu-unreachable': return `management card failure on ${spec.pdu} (power stays on)`;
    case 'node-down': return `node ${spec.node} down`;
    default: return spec.kind;
  }
}
