// GET /metrics in Prometheus text format: how Breakerbox itself is doing (polls, traps, reconciles,
// walls, event loop, history) and the readings as gauges (readings.ts). Each app owns its registry,
// never prom-client's global one: several apps run in one test process. Every value is read from the
// live state when scraped (family.ts); nothing here holds a secret or can reach one.
import { Registry } from 'prom-client';
import type { ClusterHealth } from '../cluster/cluster-health.js';
import { registerCluster } from '../cluster/cluster-metrics.js';
import type { MetricsEndpoint } from '../http/server.js';
import type { DevicePolls, PollTimes } from '../poller/poll-stats.js';
import type { ProcessLoad } from '../process-load.js';
import { counter, gauge } from './family.js';
import { registerReadings, type ReadingSources } from './readings.js';

/** The history writer's backlog (src/history), when it runs. */
export interface HistoryBacklog {
  queued: number;
  spoolBytes: number;
  spooledPoints: number;
  droppedPoints: number;
}

/** Narrow getters over the live state; the composition root (app.ts) provides them. */
export interface MetricsSources extends ReadingSources {
  /** Each polled device's counts (Poller.devicePolls). */
  devicePolls(): Iterable<DevicePolls>;
  /** Due → recorded per kind of device, and the polls running and waiting now (Poller.load). */
  pollLoad(): { pdu: PollTimes; node: PollTimes; running: number; waiting: number };
  /** The trap receiver's counts (TrapService.stats); null: no trap service. */
  traps(): { received: number; accepted: number; dropped: Partial<Record<string, number>>; listening: string | null } | null;
  /** DrainController.counts. */
  reconciles(): { reconciles: number; blocks: ReadonlyMap<string, number> };
  /** Drains refused now, per pool (DrainController.allBlocked). */
  blocked(): ReadonlyMap<string, readonly { rule: string; nodes: readonly string[] }[]>;
  /** Member states per pool, as the API shows them (poolsView). */
  pools(): readonly { name: string; active: number; drained: number; held: number }[];
  /** Walls connected now. */
  wallClients(): number;
  process(): ProcessLoad;
  /** Exported only when given; null while the history writer is not running. */
  history?: () => HistoryBacklog | null;
  /** In a cluster: this process's place in it. */
  cluster?: () => ClusterHealth;
}

export interface MetricsOptions {
  /** Per-outlet series (3 per outlet); read at each scrape, so a reload can turn them on. Default off. */
  outlets?: boolean | (() => boolean);
}

export class Metrics implements MetricsEndpoint {
  readonly registry = new Registry();

  constructor(sources: MetricsSources, options: MetricsOptions = {}) {
    const outlets = options.outlets;
    registerOperations(this.registry, sources);
    if (sources.cluster) registerCluster(this.registry, sources.cluster);
    registerReadings(this.registry, sources, typeof outlets === 'function' ? outlets : () => outlets === true);
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }
}

/** Failures that mean an SNMP request went unanswered: the whole poll, or some of its requests. */
const TIMEOUTS = new Set(['timeout', 'partial']);
/** Percentiles already worked out by the source, as a `stat` label (a "quantile" label belongs to summaries only). */
const STATS = ['p50', 'p99', 'max'] as const;

function registerOperations(r: Registry, s: MetricsSources): void {
  // Polls, per device: its name and kind only (its address and credentials are never labels).
  counter(r, 'breakerbox_polls_total', 'Polls of the device since it was added.', ['kind', 'device'], (emit) => {
    for (const d of s.devicePolls()) emit({ kind: d.kind, device: d.name }, d.polls);
  });
  counter(r, 'breakerbox_poll_errors_total', 'Failed polls of the device, by failure kind (timeout, partial, community, limit…).', ['kind', 'device', 'reason'], (emit) => {
    for (const d of s.devicePolls()) for (const [reason, n] of d.errors) emit({ kind: d.kind, device: d.name, reason }, n);
  });
  gauge(r, 'breakerbox_poll_last_duration_seconds', 'How long the device\'s last poll took, from asking to recorded.', ['kind', 'device'], (emit) => {
    for (const d of s.devicePolls()) emit({ kind: d.kind, device: d.name }, d.lastMs === null ? null : d.lastMs / 1000);
  });
  counter(r, 'breakerbox_snmp_timeouts_total', 'Polls that timed out, wholly or in part, by kind of device.', ['kind'], (emit) => {
    const total = { pdu: 0, node: 0 };
    for (const d of s.devicePolls()) for (const [reason, n] of d.errors) if (TIMEOUTS.has(reason)) total[d.kind] += n;
    emit({ kind: 'pdu' }, total.pdu);
    emit({ kind: 'node' }, total.node);
  });
  gauge(r, 'breakerbox_poll_delay_seconds', 'Due → recorded over the last 2048 polls per kind of device (waiting for a slot included): p50, p99 and max.', ['kind', 'stat'], (emit) => {
    const load = s.pollLoad();
    for (const kind of ['pdu', 'node'] as const) {
      for (const stat of STATS) {
        const ms = load[kind][`${stat}Ms`];
        emit({ kind, stat }, ms === null ? null : ms / 1000);
      }
    }
  });
  gauge(r, 'breakerbox_polls_running', 'Polls asking their device now.', [], (emit) => emit({}, s.pollLoad().running));
  gauge(r, 'breakerbox_polls_waiting', 'Polls waiting for a slot now.', [], (emit) => emit({}, s.pollLoad().waiting));

  // Traps.
  counter(r, 'breakerbox_traps_received_total', 'Trap and inform datagrams received.', [], (emit) => emit({}, s.traps()?.received ?? null));
  counter(r, 'breakerbox_traps_accepted_total', 'Traps accepted and handled.', [], (emit) => emit({}, s.traps()?.accepted ?? null));
  counter(r, 'breakerbox_traps_dropped_total', 'Traps dropped, by reason (not-allowed, rate-limited, unknown-community…).', ['reason'], (emit) => {
    for (const [reason, n] of Object.entries(s.traps()?.dropped ?? {})) emit({ reason }, n ?? null);
  });
  gauge(r, 'breakerbox_trap_receiver_listening', '1 while the trap receiver listens, 0 when it does not (disabled, or its port could not be bound).', [], (emit) => {
    const t = s.traps();
    emit({}, t ? (t.listening ? 1 : 0) : null);
  });

  // Reconciles, drains, pools.
  counter(r, 'breakerbox_reconcile_runs_total', 'Reconcile runs of any pool.', [], (emit) => emit({}, s.reconciles().reconciles));
  counter(r, 'breakerbox_drain_blocks_total', 'Reconcile runs in which a safety rule blocked a drain, by rule.', ['rule'], (emit) => {
    for (const [rule, n] of s.reconciles().blocks) emit({ rule }, n);
  });
  gauge(r, 'breakerbox_drain_blocked_members', 'Members whose drain a safety rule refuses now, by pool and rule.', ['pool', 'rule'], (emit) => {
    for (const [pool, blocks] of s.blocked()) {
      const byRule = new Map<string, number>();
      for (const b of blocks) byRule.set(b.rule, (byRule.get(b.rule) ?? 0) + b.nodes.length);
      for (const [rule, n] of byRule) emit({ pool, rule }, n);
    }
  });
  gauge(r, 'breakerbox_pool_members', 'Members per pool by state: active, drained (by Breakerbox) or held (by an operator or in the backend).', ['pool', 'state'], (emit) => {
    for (const p of s.pools()) {
      emit({ pool: p.name, state: 'active' }, p.active);
      emit({ pool: p.name, state: 'drained' }, p.drained);
      emit({ pool: p.name, state: 'held' }, p.held);
    }
  });

  // The process.
  gauge(r, 'breakerbox_wall_clients', 'Wall dashboards connected now.', [], (emit) => emit({}, s.wallClients()));
  gauge(r, 'breakerbox_event_loop_lag_seconds', 'Event-loop lag over the last complete window (30 s): p50, p99 and max.', ['stat'], (emit) => {
    const lag = s.process().eventLoopLagMs;
    for (const stat of STATS) emit({ stat }, lag[stat] / 1000);
  });
  gauge(r, 'breakerbox_process_resident_memory_bytes', 'Resident memory of the process.', [], (emit) => emit({}, s.process().rssBytes));
  gauge(r, 'breakerbox_process_heap_used_bytes', 'JavaScript heap in use.', [], (emit) => emit({}, s.process().heapUsedBytes));

  // History (src/history): only when the composition root gives its backlog.
  const history = s.history;
  if (history) {
    gauge(r, 'breakerbox_history_queue_points', 'Points waiting to be written to the history database.', [], (emit) => emit({}, history()?.queued ?? null));
    gauge(r, 'breakerbox_history_spool_bytes', 'Bytes spooled on disk while the history database cannot be written.', [], (emit) => emit({}, history()?.spoolBytes ?? null));
    gauge(r, 'breakerbox_history_spooled_points', 'Points spooled on disk.', [], (emit) => emit({}, history()?.spooledPoints ?? null));
    counter(r, 'breakerbox_history_dropped_points_total', 'Points dropped: past the spool bound, cut short by a crash, or refused by InfluxDB for good.', [], (emit) => emit({}, history()?.droppedPoints ?? null));
  }
}
