// The trap path, composed: receiver → pipeline (attribute, classify, journal, confirm by poll).
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { TrapSettings } from '../config/schema.js';
import type { EventLog } from '../events/event-log.js';
import type { Topology } from '../health/topology.js';
import type { TrapView } from '../http/trap-routes.js';
import { isAddressInUse, PortInUseError } from '../held.js';
import { profiles } from '../profiles/index.js';
import type { StateStore } from '../state/state-store.js';
import { TrapClassifier } from './classify.js';
import { MibNames, mibDirs } from './mib-names.js';
import { TrapPipeline, type PollerLike } from './trap-pipeline.js';
import { TrapReceiver } from './trap-receiver.js';
import type { IncomingTrap } from './trap-types.js';

export interface TrapServiceDeps {
  settings: TrapSettings;
  topology: () => Topology;
  store: StateStore;
  poller: PollerLike;
  events: EventLog;
  clock: Clock;
  log: Logger;
}

export class TrapService implements TrapView {
  private names: MibNames = MibNames.empty();
  private readonly pipeline: TrapPipeline;
  private readonly receiver: TrapReceiver;
  private settings: TrapSettings;
  private listening: string | null = null;
  /** Where the socket is, as configured (port 0 stays 0): what `reconfigure` compares against. */
  private bound: Pick<TrapSettings, 'address' | 'port' | 'receiveBuffer'> | null = null;
  /** Reconfigurations run one after another, in the order asked. */
  private queue: Promise<void> = Promise.resolve();
  private mibGeneration = 0;

  constructor(private readonly deps: TrapServiceDeps) {
    this.settings = deps.settings;
    this.pipeline = new TrapPipeline({
      topology: deps.topology, classifier: new TrapClassifier(profiles), names: () => this.names,
      store: deps.store, poller: deps.poller, events: deps.events, clock: deps.clock, log: deps.log,
    });
    this.receiver = new TrapReceiver(deps.settings, (trap) => this.pipeline.handle(trap), deps.log, deps.clock);
  }

  /**
   * Listens; a port it cannot bind is an event and a log line, not a dead service. Resolves with the
   * port, or null. Except a port another process holds at start: most likely another Breakerbox,
   * which this one would run blind beside; it rejects with a PortInUseError, listening on nothing.
   */
  async start(): Promise<number | null> {
    this.loadMibs(this.settings.mibDirs);
    return this.listen(true);
  }

  /**
   * Applies new trap settings without a restart. Communities, v3 users, allow-list, relays and rate
   * are swapped in one step before this resolves: from then on only the new credentials are
   * accepted. The socket moves only if address or port changed (a new receive buffer is applied in
   * place); if the new port cannot be bound, the old one keeps listening and an event says so.
   * Rejects, changing nothing, only if a CIDR block is not valid (the config schema refuses those first).
   */
  reconfigure(settings: TrapSettings): Promise<void> {
    const run = this.queue.then(() => this.apply(settings));
    this.queue = run.catch(() => {});
    return run;
  }

  stop(): Promise<void> {
    this.listening = null;
    this.bound = null;
    return this.receiver.stop();
  }

  stats() {
    return { ...this.receiver.stats, listening: this.listening };
  }

  /** A trap another process of a cluster received and checked: handled as if it had come here. */
  inject(trap: IncomingTrap): void {
    try {
      this.pipeline.handle(trap);
    } catch (err) {
      this.deps.log.error({ err: (err as Error).message }, 'forwarded trap handling failed');
    }
  }

  recent(limit: number) {
    return this.pipeline.recent(limit);
  }

  private async apply(settings: TrapSettings): Promise<void> {
    const { events, log } = this.deps;
    const before = this.settings;
    this.receiver.reconfigure(settings);
    this.settings = settings;
    if (JSON.stringify(before.mibDirs) !== JSON.stringify(settings.mibDirs)) this.loadMibs(settings.mibDirs);
    if (!settings.enabled) {
      if (this.listening) {
        await this.stop();
        events.add({ type: 'trap-receiver-stopped', severity: 'warning', subject: 'traps', message: 'traps disabled by the configuration: no longer listening; Breakerbox runs on polls alone' });
      }
      return;
    }
    if (!this.bound) {
      await this.listen();
      return;
    }
    const want = { address: settings.address, port: settings.port, receiveBuffer: settings.receiveBuffer };
    const was = this.bound;
    if (want.address === was.address && want.port === was.port && want.receiveBuffer === was.receiveBuffer) return;
    try {
      const port = await this.receiver.rebind(want);
      this.bound = want;
      this.listening = `${want.address}:${port}`;
      log.info({ address: want.address, port }, 'listening for traps');
    } catch (err) {
      events.add({
        type: 'trap-receiver-rebind-failed', severity: 'critical', subject: 'traps',
        message: `${(err as Error).message}; still listening on ${this.listening ?? `${was.address}:${was.port}`} (the next reload tries again)`,
      });
    }
  }

  private async listen(refuseHeldPort = false): Promise<number | null> {
    const { events, log } = this.deps;
    const { address, port: configured, receiveBuffer } = this.settings;
    try {
      // With no socket, rebind opens one where the current settings say (start's may be older).
      const port = await this.receiver.rebind({ address, port: configured, receiveBuffer });
      this.bound = { address, port: configured, receiveBuffer };
      this.listening = `${address}:${port}`;
      log.info({ address, port }, 'listening for traps');
      return port;
    } catch (err) {
      await this.receiver.stop();
      if (refuseHeldPort && isAddressInUse(err)) throw new PortInUseError('trap', 'udp', address, configured);
      events.add({ type: 'trap-receiver-down', severity: 'critical', subject: 'traps', message: `${(err as Error).message}; Breakerbox runs on polls alone` });
      return null;
    }
  }

  private loadMibs(dirs: readonly string[]): void {
    const { log } = this.deps;
    const generation = ++this.mibGeneration;
    void MibNames.load(mibDirs([...dirs]), log).then((names) => {
      if (generation !== this.mibGeneration) return; // a later reload's directories win
      this.names = names;
      log.info({ modules: names.modules.length, failed: names.failed.length }, 'MIBs loaded for naming traps');
    }, (err: unknown) => log.warn({ err: String(err) }, 'MIBs could not be loaded; traps are named numerically'));
  }
}
