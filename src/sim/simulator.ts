// The simulated data center: one SNMP agent per PDU and node, driven by the power model.
// Every change (fault, clearing, drift tick) recomputes the whole state from the active faults.
import { pino, type Logger } from 'pino';
import type { Config } from '../config/schema.js';
import { ApcPduAgent } from './apc-pdu-agent.js';
import { checkFaultTarget, describeFault, parseFaultSpec, type Fault } from './faults.js';
import { NodeAgent } from './node-agent.js';
import { computePower, driftStep, NO_DRIFT, type Drift, type PowerSnapshot } from './physics.js';
import type { SnmpDevice } from './snmp-device.js';

export { parseFaultSpec, SimFaultError, type Fault, type FaultSpec } from './faults.js';

export interface SimulatorOptions {
  log?: Logger;
  now?: () => number;
  /** How often loads and voltages wander; 0 turns drift off. Default 5000. */
  driftIntervalMs?: number;
}

export class Simulator {
  private readonly log: Logger;
  private readonly now: () => number;
  private readonly driftIntervalMs: number;
  private readonly pdus = new Map<string, ApcPduAgent>();
  private readonly nodes = new Map<string, NodeAgent>();
  private readonly active = new Map<string, Fault>();
  private drift: Drift = NO_DRIFT;
  private power!: PowerSnapshot;
  private timer: NodeJS.Timeout | null = null;
  private nextId = 1;
  private running = false;

  constructor(private readonly config: Config, options: SimulatorOptions = {}) {
    this.log = (options.log ?? pino({ level: 'silent' })).child({ module: 'sim' });
    this.now = options.now ?? Date.now;
    this.driftIntervalMs = options.driftIntervalMs ?? 5_000;
    const deps = { now: this.now, log: this.log };
    for (const p of config.pdus) this.pdus.set(p.name, new ApcPduAgent(p, deps));
    for (const n of config.nodes) this.nodes.set(n.name, new NodeAgent(n, deps));
    this.apply();
  }

  /** Binds every agent; rejects naming the addresses that failed, leaving nothing bound. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    const devices = this.devices();
    const results = await Promise.allSettled(devices.map((d) => d.start()));
    const failed = results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as Error).message] : []));
    if (failed.length > 0) {
      await this.stop();
      const shown = failed.slice(0, 5).join('; ') + (failed.length > 5 ? `; and ${failed.length - 5} more` : '');
      throw new Error(`simulator: ${failed.length} of ${devices.length} agents could not bind: ${shown}`);
    }
    if (this.driftIntervalMs > 0) {
      this.timer = setInterval(() => this.tick(), this.driftIntervalMs);
      this.timer.unref();
    }
    this.log.info({ pdus: this.pdus.size, nodes: this.nodes.size }, 'simulator started');
  }

  /** Closes every socket; safe to call twice or before start. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    const wasRunning = this.running;
    this.running = false;
    await Promise.all(this.devices().map((d) => d.stop()));
    if (wasRunning) this.log.info('simulator stopped');
  }

  /** Validates (SimFaultError with a human message), applies and returns the fault. */
  injectFault(spec: unknown): Fault {
    const parsed = parseFaultSpec(spec);
    checkFaultTarget(parsed, this.config);
    const fault: Fault = { id: `fault-${this.nextId++}`, spec: parsed, since: this.now() };
    this.active.set(fault.id, fault);
    this.apply();
    this.log.info({ fault: fault.id }, `fault injected: ${describeFault(parsed)}`);
    return copy(fault);
  }

  clearFault(id: string): boolean {
    const fault = this.active.get(id);
    if (!fault) return false;
    this.active.delete(id);
    this.apply();
    this.log.info({ fault: id }, `fault cleared: ${describeFault(fault.spec)}`);
    return true;
  }

  clearAllFaults(): number {
    const n = this.active.size;
    this.active.clear();
    if (n > 0) {
      this.apply();
      this.log.info({ count: n }, 'all faults cleared');
    }
    return n;
  }

  faults(): Fault[] {
    return [...this.active.values()].map(copy);
  }

  /** For tests and the wall: is this node powered (any PSU outlet energized and no node-down)? False if unknown. */
  nodePowered(name: string): boolean {
    return this.power.nodes.get(name)?.powered ?? false;
  }

  /** Recomputes everything from the remaining faults and the drift, then pushes it to the agents. */
  private apply(): void {
    this.power = computePower(this.config, [...this.active.values()].map((f) => f.spec), this.drift);
    for (const [name, agent] of this.pdus) {
      const p = this.power.pdus.get(name);
      if (p) agent.update(p);
    }
    for (const [name, agent] of this.nodes) agent.setPowered(this.power.nodes.get(name)?.powered ?? false);
  }

  private tick(): void {
    try {
      this.drift = driftStep(this.drift, this.config);
      this.apply();
    } catch (err) {
      this.log.error({ err }, 'simulator drift tick failed');
    }
  }

  private devices(): SnmpDevice[] {
    return [...[...this.pdus.values()].map((p) => p.device), ...[...this.nodes.values()].map((n) => n.device)];
  }
}

function copy(f: Fault): Fault {
  return { id: f.id, spec: { ...f.spec }, since: f.since };
}
