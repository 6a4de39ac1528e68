// The simulated data center: one SNMP agent per PDU and node, driven by the power model.
// Every change (fault, clearing, drift tick) recomputes the whole state from the active faults.
import { isIPv6 } from 'node:net';
import { pino, type Logger } from 'pino';
import type { Config, TrapSettings } from '../config/schema.js';
import { parseAddress } from '../snmp/snmp-client.js';
import { ApcPduAgent } from './apc-pdu-agent.js';
import type { ApcTrap } from './apc-traps.js';
import { checkFaultTarget, describeFault, parseFaultSpec, type Fault } from './faults.js';
import { NodeAgent } from './node-agent.js';
import { NodeHttp } from './node-http.js';
import { computePower, driftStep, NO_DRIFT, type Drift, type PowerSnapshot } from './physics.js';
import type { SnmpDevice } from './snmp-device.js';
import { TrapSender, type TrapTarget } from './trap-sender.js';

export { parseFaultSpec, SimFaultError, type Fault, type FaultSpec } from './faults.js';
export type { TrapTarget } from './trap-sender.js';

export interface SimulatorOptions {
  log?: Logger;
  now?: () => number;
  /** How often loads and voltages wander; 0 turns drift off. Default 5000. */
  driftIntervalMs?: number;
  /**
   * Where the simulated PDUs send their traps (SNMPv2c), each from its own address; null sends none.
   * Default: Breakerbox's trap receiver, from settings.traps (see trapTargetFromSettings).
   */
  trapTarget?: TrapTarget | null;
  /**
   * TCP port of each node's tiny HTTP server ("200 <node name>"), on the node's own address, up
   * while the node is; null runs none. Default: settings.simulatorHttpPort.
   */
  httpPort?: number | null;
}

/**
 * The trap receiver the config describes, as a target for the simulated devices: its address (127.0.0.1
 * for a wildcard), its port and its first community; null when traps are disabled or have no community.
 */
export function trapTargetFromSettings(traps: TrapSettings | undefined): TrapTarget | null {
  const community = traps?.communities[0];
  if (!traps || !traps.enabled || !community) return null;
  const wildcard = ['', '0.0.0.0', '::', '[::]'].includes(traps.address);
  return { host: wildcard ? '127.0.0.1' : traps.address, port: traps.port, community };
}

export class Simulator {
  private readonly log: Logger;
  private readonly now: () => number;
  private readonly driftIntervalMs: number;
  private readonly pdus = new Map<string, ApcPduAgent>();
  private readonly nodes = new Map<string, NodeAgent>();
  /** Node name → its HTTP server, when settings.simulatorHttpPort (or options.httpPort) is set. */
  private readonly https = new Map<string, NodeHttp>();
  private readonly active = new Map<string, Fault>();
  private readonly trapTarget: TrapTarget | null;
  /** PDU name → its trap session, while running. */
  private readonly senders = new Map<string, TrapSender>();
  /** Traps go out one change at a time, in order; this is the tail of that queue. Never rejects. */
  private trapChain: Promise<void> = Promise.resolve();
  private drift: Drift = NO_DRIFT;
  /** Each drift step moves one share of a large site (fifty PDUs or so, and the servers they feed first), in turn. */
  private readonly driftShares: number;
  private driftTurn = 0;
  private power: PowerSnapshot | null = null;
  private timer: NodeJS.Timeout | null = null;
  private nextId = 1;
  private running = false;

  constructor(private readonly config: Config, options: SimulatorOptions = {}) {
    this.log = (options.log ?? pino({ level: 'silent' })).child({ module: 'sim' });
    this.now = options.now ?? Date.now;
    this.driftIntervalMs = options.driftIntervalMs ?? 5_000;
    this.driftShares = Math.max(1, Math.ceil(config.pdus.length / 50));
    this.trapTarget = options.trapTarget !== undefined ? options.trapTarget : trapTargetFromSettings(config.settings?.traps);
    if (this.trapTarget && isIPv6(this.trapTarget.host)) {
      this.log.warn({ target: this.trapTarget.host }, 'simulated PDUs send traps over IPv4 only; not sending any to an IPv6 receiver');
      this.trapTarget = null;
    }
    const deps = { now: this.now, log: this.log };
    for (const p of config.pdus) this.pdus.set(p.name, new ApcPduAgent(p, deps));
    for (const n of config.nodes) this.nodes.set(n.name, new NodeAgent(n, deps));
    const httpPort = options.httpPort !== undefined ? options.httpPort : config.settings?.simulatorHttpPort ?? null;
    if (httpPort !== null) {
      for (const n of config.nodes) this.https.set(n.name, new NodeHttp({ name: n.name, host: parseAddress(n.address).host, port: httpPort, log: this.log }));
    }
    this.apply();
  }

  /** Binds every agent; rejects naming the addresses that failed, leaving nothing bound. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    const devices = this.endpoints();
    const results = await Promise.allSettled(devices.map((d) => d.start()));
    const failed = results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as Error).message] : []));
    if (failed.length > 0) {
      await this.stop();
      const shown = failed.slice(0, 5).join('; ') + (failed.length > 5 ? `; and ${failed.length - 5} more` : '');
      throw new Error(`simulator: ${failed.length} of ${devices.length} agents could not bind: ${shown}`);
    }
    this.openTrapSenders();
    if (this.driftIntervalMs > 0) {
      this.timer = setInterval(() => this.tick(), this.driftIntervalMs);
      this.timer.unref();
    }
    const traps = this.trapTarget ? `${this.trapTarget.host}:${this.trapTarget.port}` : null;
    this.log.info({ pdus: this.pdus.size, nodes: this.nodes.size, traps, httpServers: this.https.size }, 'simulator started');
  }

  /** Closes every socket; safe to call twice or before start. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    const wasRunning = this.running;
    this.running = false;
    await Promise.all(this.endpoints().map((d) => d.stop()));
    await this.trapChain; // traps already raised go out before their sockets close
    for (const sender of this.senders.values()) sender.close();
    this.senders.clear();
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
    return this.power?.nodes.get(name)?.powered ?? false;
  }

  /** "host:port" of a node's simulated HTTP server (answering while the node is up); null when they are off. */
  nodeHttpAddress(name: string): string | null {
    return this.https.get(name)?.address ?? null;
  }

  /**
   * Recomputes everything from the remaining faults and the drift, pushes what changed to the agents
   * (a PDU that reads the same is not rewritten), then sends the traps the PDUs raised for the change.
   */
  private apply(): void {
    const before = this.power;
    const power = computePower(this.config, [...this.active.values()].map((f) => f.spec), this.drift, before ?? undefined);
    this.power = power;
    const raised: [ApcPduAgent, ApcTrap[]][] = [];
    for (const [name, agent] of this.pdus) {
      const p = power.pdus.get(name);
      // A PDU the change did not reach keeps its computed object: its agent stays as written.
      if (!p || p === before?.pdus.get(name)) continue;
      const traps = agent.update(p);
      if (traps.length > 0) raised.push([agent, traps]);
    }
    for (const [name, agent] of this.nodes) agent.setPowered(power.nodes.get(name)?.powered ?? false);
    for (const [name, server] of this.https) server.setAlive(power.nodes.get(name)?.powered ?? false);
    if (raised.length > 0 && this.running && this.senders.size > 0) this.sendTraps(raised);
  }

  /** One session per PDU, bound to the PDU's own address: the receiver knows a trap's device by its source. */
  private openTrapSenders(): void {
    const target = this.trapTarget;
    if (!target) return;
    for (const [name, agent] of this.pdus) {
      if (this.senders.has(name)) continue;
      const source = parseAddress(agent.address).host;
      try {
        this.senders.set(name, new TrapSender({ device: name, source, target, log: this.log }));
      } catch (err) {
        this.log.warn({ device: name, err }, `simulated ${name} cannot send traps`);
      }
    }
  }

  /**
   * Queues the traps behind earlier ones, to go out once every socket has followed this change (a PDU
   * card that rebooted answers, a node that lost power is silent), so a poll the trap triggers sees it.
   */
  private sendTraps(raised: [ApcPduAgent, ApcTrap[]][]): void {
    const settled = Promise.all(this.endpoints().map((d) => d.settled()));
    this.trapChain = this.trapChain
      .then(() => settled)
      .then(async () => {
        for (const [agent, traps] of raised) {
          const sender = this.senders.get(agent.name);
          if (!sender) continue;
          for (const trap of traps) {
            this.log.debug({ device: agent.name, trap: trap.name }, 'simulated trap');
            await sender.send(trap, agent.device.uptimeTicks());
          }
        }
      })
      .catch((err: unknown) => this.log.debug({ err }, 'simulated traps could not be sent'));
  }

  private tick(): void {
    try {
      this.drift = driftStep(this.drift, this.config, Math.random, { index: this.driftTurn, of: this.driftShares });
      this.driftTurn = (this.driftTurn + 1) % this.driftShares;
      this.apply();
    } catch (err) {
      this.log.error({ err }, 'simulator drift tick failed');
    }
  }

  /** Requests answered from the agents' answer caches, and made afresh, since start. */
  answerStats(): { hits: number; misses: number } {
    const stats = { hits: 0, misses: 0 };
    for (const d of this.devices()) {
      stats.hits += d.answers.hits;
      stats.misses += d.answers.misses;
    }
    return stats;
  }

  private devices(): SnmpDevice[] {
    return [...[...this.pdus.values()].map((p) => p.device), ...[...this.nodes.values()].map((n) => n.device)];
  }

  /** Every socket that follows the power model: the SNMP agents, then the nodes' HTTP servers. */
  private endpoints(): (SnmpDevice | NodeHttp)[] {
    return [...this.devices(), ...this.https.values()];
  }
}

function copy(f: Fault): Fault {
  return { id: f.id, spec: { ...f.spec }, since: f.since };
}
