// The drain story in fake time: the demo's topology, facts set by hand, the real controller,
// the real SQLite store (in memory) and the real membership-file backend.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { MembershipFileBackend } from '../../src/backends/membership-file-backend.js';
import type { PoolBackend } from '../../src/backends/pool-backend.js';
import { FakeClock } from '../../src/clock.js';
import { parseConfigText } from '../../src/config/load-config.js';
import type { Config } from '../../src/config/schema.js';
import { DrainController } from '../../src/drain/drain-controller.js';
import { DrainStore } from '../../src/drain/drain-store.js';
import { EventLog } from '../../src/events/event-log.js';
import type { ApiEvent } from '../../src/http/api-types.js';
import { assessPower } from '../../src/health/power-health.js';
import { Topology } from '../../src/health/topology.js';
import type { OnOff } from '../../src/model.js';
import { nodeReading, pduReading } from './synthetic-readings.js';
import { demoConfigPath } from '../../src/paths.js';
import { StateStore } from '../../src/state/state-store.js';


export class Scenario {
  readonly clock = new FakeClock();
  readonly facts = new StateStore();
  readonly events: EventLog;
  readonly topology: Topology;
  readonly dir = mkdtempSync(join(tmpdir(), 'bb-scenario-'));
  readonly backend: PoolBackend & { applies: number };
  /** Completed writes of each pool's membership file. */
  private readonly writes = new Map<string, number>();
  controller: DrainController;
  readonly store: DrainStore;
  private readonly outletStates = new Map<string, OnOff[]>();

  constructor(readonly config: Config = demo(), store = new DrainStore(':memory:')) {
    const log = pino({ level: 'silent' });
    this.events = new EventLog(this.clock, log);
    this.topology = new Topology(config);
    this.store = store;
    const file = new MembershipFileBackend(this.dir);
    const backend = {
      kind: 'file', applies: 0,
      readActive: (pool: string) => file.readActive(pool),
      apply: async (pool: string, members: Parameters<PoolBackend['apply']>[1]) => {
        backend.applies++;
        await file.apply(pool, members);
        this.writes.set(pool, (this.writes.get(pool) ?? 0) + 1);
      },
    };
    this.backend = backend;
    this.controller = this.newController();
    for (const pdu of config.pdus) this.outletStates.set(pdu.name, Array<OnOff>(pdu.outlets).fill('on'));
    for (const pdu of config.pdus) this.pdu(pdu.name);
    for (const node of config.nodes) this.node(node.name, true);
  }

  newController(): DrainController {
    return (this.controller = new DrainController({
      topology: () => this.topology, settings: () => this.config.settings,
      view: () => assessPower(this.topology, this.facts, this.clock.now(), this.config.settings.pollInterval * this.config.settings.staleAfterPolls),
      facts: this.facts, store: this.store, backendFor: () => this.backend, events: this.events, clock: this.clock, log: pino({ level: 'silent' }),
    }));
  }

  /** Records a poll of a PDU: its outlets as set, banks tripped where every outlet is off; or no answer. */
  pdu(name: string, answers = true): void {
    if (!answers) return this.facts.recordPdu(name, this.clock.now(), { ok: false, error: 'no answer (timed out)' });
    const reading = pduReading(this.topology, this.topology.pdus.get(name)!, this.outletStates.get(name)!);
    this.facts.recordPdu(name, this.clock.now(), { ok: true, reading });
  }

  node(name: string, answers: boolean): void {
    if (!answers) return this.facts.recordNode(name, this.clock.now(), { ok: false, error: 'no answer (timed out)' });
    this.facts.recordNode(name, this.clock.now(), { ok: true, reading: nodeReading });
  }

  setOutlets(pdu: string, outlets: number[], state: OnOff): void {
    const states = this.outletStates.get(pdu)!;
    for (const o of outlets) states[o - 1] = state;
    this.pdu(pdu);
  }

  /** The nodes fed only by these outlets stop answering, as they would. */
  silenceDeadNodes(): void {
    const view = assessPower(this.topology, this.facts, this.clock.now(), 1e12);
    for (const n of view.nodes.values()) if (n.power === 'lost') this.node(n.name, false);
  }

  async reconcile(): Promise<void> {
    this.controller.enqueueAll();
    await new Promise((r) => setImmediate(r));
    await this.controller.settle();
  }

  drained(pool = 'scanners'): string[] {
    return this.controller.records(pool).filter((r) => !r.shadow).map((r) => r.node).sort();
  }

  /** How many times the pool's membership file has been written: a mark for membersFile. */
  written(pool = 'scanners'): number {
    return this.writes.get(pool) ?? 0;
  }

  /**
   * The active members in the pool's membership file. Throws if the file is missing or, given a
   * mark from written(), was not written since: "not a member" never passes on a file nobody wrote.
   */
  membersFile(pool = 'scanners', writtenSince?: number): string[] {
    if (writtenSince !== undefined && this.written(pool) <= writtenSince) {
      throw new Error(`the membership file of ${pool} was not written since mark ${writtenSince}`);
    }
    return readFileSync(join(this.dir, `${pool}.members`), 'utf8').split('\n').filter(Boolean);
  }

  eventsOf(type: string): ApiEvent[] {
    return this.events.since(0, 100_000).filter((e) => e.type === type);
  }
}

export const range = (from: number, to: number, name = (i: number) => `scan-${String(i).padStart(3, '0')}`) =>
  Array.from({ length: to - from + 1 }, (_, i) => name(from + i));

export function demo(edit: (text: string) => string = (t) => t): Config {
  return parseConfigText(edit(readFileSync(demoConfigPath(), 'utf8')), 'dallas-3.yaml');
}
