// One simulated SNMP device: its MIB (which outlives the socket), its SNMPv2-MIB system group,
// and its life: answering while alive, silent (socket closed) while dead, rebooting on return.
import { createHash } from 'node:crypto';
import dgram from 'node:dgram';
import snmp from 'net-snmp';
import type { Logger } from 'pino';
import type { SnmpCredentials } from '../config/schema.js';
import { parseAddress } from '../snmp/snmp-client.js';
import { AnswerCache, type AgentInternals } from './answer-cache.js';
import { FollowsPower } from './follows-power.js';
import { MibWriter, type NetSnmpMib } from './mib-writer.js';

export interface SystemGroup { descr: string; objectId: string; contact: string; location: string }

export interface DeviceOptions {
  /** "pdu" or "node", for messages. */
  role: string;
  name: string;
  address: string;
  credentials: SnmpCredentials;
  system: SystemGroup;
  now: () => number;
  log: Logger;
  /** How long the device has been up when the simulator starts, so uptimes look lived-in. */
  initialUptimeMs: number;
}

interface NetSnmpAgent {
  getAuthorizer(): { addCommunity(c: string): void; addUser(u: object): void };
  close(callback?: () => void): void;
}

const SYSTEM = '1.3.6.1.2.1.1';
const S = snmp.ObjectType.OctetString;

export class SnmpDevice extends FollowsPower {
  readonly writer: MibWriter;
  /** Answers to repeated requests, kept while the MIB stands still. */
  readonly answers: AnswerCache;
  private readonly mib: NetSnmpMib;
  private readonly host: string;
  private readonly port: number;
  private agent: NetSnmpAgent | null = null;
  private bootAt: number;

  constructor(private readonly o: DeviceOptions) {
    super();
    ({ host: this.host, port: this.port } = parseAddress(o.address));
    this.bootAt = o.now() - o.initialUptimeMs;
    this.mib = snmp.createMib() as NetSnmpMib;
    this.writer = new MibWriter(this.mib);
    this.answers = new AnswerCache(this.writer);
    const w = this.writer;
    w.scalar({ name: 'sysDescr', oid: `${SYSTEM}.1`, type: S }, o.system.descr);
    w.scalar({ name: 'sysObjectID', oid: `${SYSTEM}.2`, type: snmp.ObjectType.OID }, o.system.objectId);
    w.computedScalar({ name: 'sysUpTime', oid: `${SYSTEM}.3`, type: snmp.ObjectType.TimeTicks }, () => this.uptimeTicks());
    w.scalar({ name: 'sysContact', oid: `${SYSTEM}.4`, type: S }, o.system.contact);
    w.scalar({ name: 'sysName', oid: `${SYSTEM}.5`, type: S }, o.name);
    w.scalar({ name: 'sysLocation', oid: `${SYSTEM}.6`, type: S }, o.system.location);
  }

  /** Hundredths of a second since the last boot. */
  uptimeTicks(): number {
    return Math.max(0, Math.floor((this.o.now() - this.bootAt) / 10));
  }

  /** Level-triggered: a dead device that comes back alive boots (sysUpTime restarts at 0). */
  override setAlive(alive: boolean): void {
    if (alive && !this.alive) this.bootAt = this.o.now();
    super.setAlive(alive);
  }

  protected get isOpen(): boolean {
    return this.agent !== null;
  }

  protected stepFailed(err: unknown): void {
    this.o.log.error({ device: this.o.name, err }, 'simulated device could not change state');
  }

  protected open(): Promise<void> {
    return new Promise((resolve, reject) => {
      let socket: dgram.Socket | undefined;
      // net-snmp takes a dgram-compatible module; this one hands us the socket to watch its bind.
      const dgramModule = { createSocket: (type: dgram.SocketType) => (socket = dgram.createSocket(type)) };
      const fail = (err: NodeJS.ErrnoException) => {
        try {
          socket?.close(); // a socket whose bind failed still holds a handle
        } catch {
          // never bound or already closed
        }
        reject(new Error(`cannot bind simulated ${this.o.role} ${this.o.name} on ${this.o.address}: ${err.code ?? err.message}`));
      };
      let agent: NetSnmpAgent;
      try {
        agent = snmp.createAgent(
          { address: this.host, port: this.port, transport: 'udp4', engineID: engineId(this.o.name), dgramModule },
          (err: unknown) => this.onAgentError(err),
          this.mib,
        ) as NetSnmpAgent;
      } catch (err) {
        fail(err as NodeJS.ErrnoException);
        return;
      }
      this.authorize(agent);
      this.answers.install(agent as unknown as AgentInternals);
      socket!.once('error', fail);
      socket!.once('listening', () => {
        socket!.off('error', fail);
        this.agent = agent;
        resolve();
      });
    });
  }

  protected close(): Promise<void> {
    const agent = this.agent;
    this.agent = null;
    return new Promise((resolve) => {
      try {
        agent?.close(() => resolve());
      } catch {
        resolve(); // already closed
      }
    });
  }

  private authorize(agent: NetSnmpAgent): void {
    const c = this.o.credentials;
    if (c.version !== '3') {
      agent.getAuthorizer().addCommunity(c.community);
      return;
    }
    const user: Record<string, unknown> = { name: c.user, level: snmp.SecurityLevel[c.level] };
    if (c.authProtocol) user['authProtocol'] = snmp.AuthProtocols[c.authProtocol];
    if (c.authKey) user['authKey'] = c.authKey;
    if (c.privProtocol) user['privProtocol'] = snmp.PrivProtocols[c.privProtocol];
    if (c.privKey) user['privKey'] = c.privKey;
    agent.getAuthorizer().addUser(user);
  }

  /** net-snmp reports bad requests (wrong community, garbage) here; they are the client's problem. */
  private onAgentError(err: unknown): void {
    const e = err as NodeJS.ErrnoException;
    if (e?.syscall === 'bind') return; // reported by open()
    this.o.log.debug({ device: this.o.name, err: e?.message }, 'simulated agent refused a request');
  }
}

/** 32-bit FNV-1a: deterministic serial numbers, uptimes and engine IDs from a device name. */
export function stableHash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** net-snmp's own engine ID format (enterprise 0x00B983, random-format 0x80) with stable bytes. */
function engineId(name: string): string {
  return `8000B98380${createHash('sha256').update(name).digest('hex').slice(0, 24)}`;
}
