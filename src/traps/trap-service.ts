// The trap path, composed: receiver → pipeline (attribute, classify, journal, confirm by poll).
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { TrapSettings } from '../config/schema.js';
import type { EventLog } from '../events/event-log.js';
import type { Topology } from '../health/topology.js';
import type { TrapView } from '../http/trap-routes.js';
import { profiles } from '../profiles/index.js';
import type { StateStore } from '../state/state-store.js';
import { TrapClassifier } from './classify.js';
import { MibNames, mibDirs } from './mib-names.js';
import { TrapPipeline, type PollerLike } from './trap-pipeline.js';
import { TrapReceiver } from './trap-receiver.js';

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
  private listening: string | null = null;

  constructor(private readonly deps: TrapServiceDeps) {
    this.pipeline = new TrapPipeline({
      topology: deps.topology, classifier: new TrapClassifier(profiles), names: () => this.names,
      store: deps.store, poller: deps.poller, events: deps.events, clock: deps.clock, log: deps.log,
    });
    this.receiver = new TrapReceiver(deps.settings, (trap) => this.pipeline.handle(trap), deps.log);
  }

  /** Listens; a port it cannot bind is an event and a log line, not a dead service. Resolves with the port, or null. */
  async start(): Promise<number | null> {
    const { settings, events, log } = this.deps;
    void MibNames.load(mibDirs(settings.mibDirs), log).then((names) => {
      this.names = names;
      log.info({ modules: names.modules.length, failed: names.failed.length }, 'MIBs loaded for naming traps');
    }, (err: unknown) => log.warn({ err: String(err) }, 'MIBs could not be loaded; traps are named numerically'));
    try {
      const port = await this.receiver.start();
      this.listening = `${settings.address}:${port}`;
      log.info({ address: settings.address, port }, 'listening for traps');
      return port;
    } catch (err) {
      events.add({ type: 'trap-receiver-down', severity: 'critical', subject: 'traps', message: `${(err as Error).message}; Breakerbox runs on polls alone` });
      await this.receiver.stop();
      return null;
    }
  }

  stop(): Promise<void> {
    this.listening = null;
    return this.receiver.stop();
  }

  stats() {
    return { ...this.receiver.stats, listening: this.listening };
  }

  recent(limit: number) {
    return this.pipeline.recent(limit);
  }
}
