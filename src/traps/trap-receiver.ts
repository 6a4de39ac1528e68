import dgram from 'node:dgram';
import snmp from 'net-snmp';
import type { Logger } from 'pino';
import { systemClock, type Clock } from '../clock.js';
import type { TrapSettings } from '../config/schema.js';
import { AddressBlocks, AllowList, PerSourceRateLimit } from './access.js';
import { decodeCommunityTrap } from './community-trap.js';
import type { IncomingTrap, TrapVarbind } from './trap-types.js';

export type DropReason =
  | 'not-allowed' | 'rate-limited' | 'oversized' | 'malformed' | 'unknown-community' | 'unknown-user'
  | 'auth-failed' | 'decrypt-failed' | 'unsupported' | 'repeated-inform' | 'other';

export interface TrapStats {
  received: number;
  accepted: number;
  informs: number;
  dropped: Partial<Record<DropReason, number>>;
}

const AUTH = {
  md5: snmp.AuthProtocols.md5, sha: snmp.AuthProtocols.sha, sha224: snmp.AuthProtocols.sha224,
  sha256: snmp.AuthProtocols.sha256, sha384: snmp.AuthProtocols.sha384, sha512: snmp.AuthProtocols.sha512,
} as const;
const PRIV = { des: snmp.PrivProtocols.des, aes: snmp.PrivProtocols.aes, aes256b: snmp.PrivProtocols.aes256b, aes256r: snmp.PrivProtocols.aes256r } as const;

const SNMP_TRAP_OID = '1.3.6.1.6.3.1.1.4.1.0';
const SYS_UPTIME = '1.3.6.1.2.1.1.3.0';
/** RFC 3584 §3.1: a proxy or relay that forwards a trap names the device that sent it here … */
const SNMP_TRAP_ADDRESS = '1.3.6.1.6.3.18.1.3.0';
/** … and its community, a secret: never kept, shown or logged. */
const SNMP_TRAP_COMMUNITY = '1.3.6.1.6.3.18.1.4.0';
/** Larger than any trap a PDU or UPS sends; a bigger datagram is dropped unread. */
const MAX_PACKET = 16 * 1024;
const LOG_EVERY_MS = 60_000;
/** An inform whose acknowledgement was lost comes again with the same request-id, within the sender's retries. */
const INFORM_REPEAT_MS = 30_000;

/**
 * Receives v1, v2c and v3 traps and informs, after cheap checks on the raw packet: source
 * allow-list, per-source rate, size. Plain v1/v2c traps, nearly all of them, are decoded here
 * (community-trap.ts); net-snmp's receiver takes the rest (v3, informs and their
 * acknowledgements, anything unusual). Everything refused is counted by reason; a log line names
 * the source at most once a minute per reason, and never a community or key. Credentials, lists
 * and rate are swapped in one step by `reconfigure`; the socket is moved by `rebind`.
 */
export class TrapReceiver {
  readonly stats: TrapStats = { received: 0, accepted: 0, informs: 0, dropped: {} };
  private receiver: SnmpReceiver | null = null;
  private socket: dgram.Socket | null = null;
  private settings: TrapSettings;
  private allow: AllowList;
  private relays: AddressBlocks;
  private rate: PerSourceRateLimit;
  private communities: ReadonlySet<string>;
  private readonly lastLogged = new Map<string, number>();
  private readonly recentInforms = new Map<string, number>();

  /** Throws a CidrError if `allow` or `relays` holds a block that is not valid IPv4 CIDR. */
  constructor(
    settings: TrapSettings,
    private readonly onTrap: (trap: IncomingTrap) => void,
    private readonly log: Logger,
    private readonly clock: Clock = systemClock,
  ) {
    this.settings = settings;
    this.allow = new AllowList(settings.allow);
    this.relays = new AddressBlocks(settings.relays, 'traps.relays');
    this.rate = new PerSourceRateLimit(settings.perSourceRate, clock);
    this.communities = new Set(settings.communities);
  }

  /** Binds; resolves with the port (useful with port 0) or rejects with a clear message. */
  async start(): Promise<number> {
    const opened = await this.open(this.settings);
    this.receiver = opened.receiver;
    this.socket = opened.socket;
    return opened.port;
  }

  /**
   * Communities, v3 users, allow-list, relays and rate, all replaced at once: every datagram read
   * after this returns is judged by the new settings alone. Address, port and receive buffer are
   * left to `rebind`. Throws (changing nothing) if a CIDR block is not valid.
   */
  reconfigure(settings: TrapSettings): void {
    const allow = new AllowList(settings.allow);
    const relays = new AddressBlocks(settings.relays, 'traps.relays');
    const rate = settings.perSourceRate === this.rate.rate ? this.rate : new PerSourceRateLimit(settings.perSourceRate, this.clock);
    const communities = new Set(settings.communities);
    this.allow = allow;
    this.relays = relays;
    this.rate = rate;
    this.communities = communities;
    this.settings = { ...settings, address: this.settings.address, port: this.settings.port, receiveBuffer: this.settings.receiveBuffer };
    if (this.receiver) loadCredentials(this.receiver.getAuthorizer(), settings);
  }

  /**
   * Listens on the address and port of `settings` instead, the old socket open until the new one is
   * bound: a port that cannot be bound rejects and leaves the receiver where it was. A change of the
   * receive buffer alone is applied to the socket in place.
   */
  async rebind(settings: Pick<TrapSettings, 'address' | 'port' | 'receiveBuffer'>): Promise<number> {
    const { address, port, receiveBuffer } = settings;
    const current = this.settings;
    if (this.socket && address === current.address && port === current.port) {
      this.settings = { ...current, receiveBuffer };
      this.setBuffer(this.socket, receiveBuffer);
      return this.socket.address().port;
    }
    const opened = await this.open({ ...current, address, port, receiveBuffer });
    const old = this.receiver;
    this.receiver = opened.receiver;
    this.socket = opened.socket;
    this.settings = { ...this.settings, address, port, receiveBuffer };
    // Credentials may have changed while the new socket was binding.
    loadCredentials(opened.receiver.getAuthorizer(), this.settings);
    if (old) await closeReceiver(old);
    return opened.port;
  }

  /** The port listened on, or null. */
  get port(): number | null {
    return this.socket ? this.socket.address().port : null;
  }

  async stop(): Promise<void> {
    const r = this.receiver;
    this.receiver = null;
    this.socket = null;
    if (r) await closeReceiver(r);
  }

  /** A net-snmp receiver whose socket hands every datagram to `receive` first. */
  private open(settings: TrapSettings): Promise<{ receiver: SnmpReceiver; socket: dgram.Socket; port: number }> {
    let bound: (socket: dgram.Socket) => void = () => {};
    let failed: (err: Error) => void = () => {};
    const ready = new Promise<dgram.Socket>((resolve, reject) => { bound = resolve; failed = reject; });
    let listening = false;
    const self = this;
    const dgramModule = {
      createSocket(type: dgram.SocketType) {
        const socket = dgram.createSocket(type);
        socket.once('listening', () => {
          listening = true;
          self.setBuffer(socket, settings.receiveBuffer);
          bound(socket);
        });
        socket.once('error', (err) => failed(new Error(`cannot listen for traps on ${settings.address}:${settings.port}: ${err.message}`, { cause: err })));
        // net-snmp turns port 0 into 162: the socket binds where the settings say.
        const bind = socket.bind.bind(socket);
        socket.bind = ((..._args: unknown[]) => bind(settings.port, settings.address)) as typeof socket.bind;
        const on = socket.on.bind(socket);
        socket.on = ((event: string, listener: (...args: unknown[]) => void) =>
          event === 'message' ? on('message', (msg: Buffer, rinfo: dgram.RemoteInfo) => self.handOver(msg, rinfo, listener)) : on(event, listener)) as typeof socket.on;
        return socket;
      },
    };
    const receiver = snmp.createReceiver({
      port: settings.port, address: settings.address, includeAuthentication: true, dgramModule,
    } as Parameters<typeof snmp.createReceiver>[0], (error: Error | null, notification: unknown) => {
      const rinfo = (error as { rinfo?: dgram.RemoteInfo } | null)?.rinfo;
      // An error without a datagram is the socket's own (a failed bind is reported by `open`): not a dropped trap.
      if (!error) this.deliver(notification as Notification);
      else if (rinfo) this.drop(classifyError(error), rinfo.address);
      else if (listening) this.log.warn({ err: error.message }, 'trap socket error');
    });
    loadCredentials(receiver.getAuthorizer(), settings);
    return ready.then(
      (socket) => ({ receiver, socket, port: socket.address().port }),
      async (err: unknown) => {
        await closeReceiver(receiver);
        throw err;
      },
    );
  }

  private setBuffer(socket: dgram.Socket, bytes: number): void {
    try {
      socket.setRecvBufferSize(bytes);
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'cannot enlarge the trap receive buffer');
    }
  }

  /**
   * Every datagram, first: the raw-packet checks, then the common case — a plain v1 or v2c trap —
   * decoded here. True when net-snmp should have the packet (v3, informs, anything unusual).
   */
  private receive(msg: Buffer, rinfo: dgram.RemoteInfo): boolean {
    this.stats.received++;
    if (!this.allow.allows(rinfo.address)) return this.drop('not-allowed', rinfo.address);
    if (msg.length > MAX_PACKET) return this.drop('oversized', rinfo.address);
    if (!this.rate.take(rinfo.address)) return this.drop('rate-limited', rinfo.address);
    const trap = decodeCommunityTrap(msg);
    if (!trap) return true;
    if (!this.communities.has(trap.community)) return this.drop('unknown-community', rinfo.address);
    this.deliver({ pdu: trap, rinfo });
    return false;
  }

  private deliver(n: Notification): void {
    try {
      this.accept(n);
    } catch (err) {
      // Never let one trap take the receiver down.
      this.drop('other', n.rinfo.address);
      this.log.error({ err: (err as Error).message }, 'trap handling failed');
    }
  }

  private repeated(key: string): boolean {
    const now = this.clock.now();
    const seen = this.recentInforms.get(key);
    if (seen !== undefined && seen + INFORM_REPEAT_MS > now) return true;
    if (this.recentInforms.size >= 10_000) {
      for (const [k, at] of this.recentInforms) if (at + INFORM_REPEAT_MS <= now) this.recentInforms.delete(k);
      if (this.recentInforms.size >= 10_000) this.recentInforms.clear();
    }
    this.recentInforms.set(key, now);
    return false;
  }

  /**
   * A datagram past the checks goes to net-snmp. What it throws (answering an inform whose value it
   * decoded but cannot encode back, such as an empty Opaque or Counter64) is a malformed packet,
   * counted and dropped: never an exception out of the socket, which would end the process.
   */
  private handOver(msg: Buffer, rinfo: dgram.RemoteInfo, listener: (...args: unknown[]) => void): void {
    if (!this.receive(msg, rinfo)) return;
    try {
      listener(msg, rinfo);
    } catch {
      this.drop('malformed', rinfo.address);
    }
  }

  private drop(reason: DropReason, source: string): false {
    this.stats.dropped[reason] = (this.stats.dropped[reason] ?? 0) + 1;
    const key = `${reason} ${source}`;
    const now = this.clock.now();
    if ((this.lastLogged.get(key) ?? 0) + LOG_EVERY_MS <= now) {
      if (this.lastLogged.size > 10_000) this.lastLogged.clear();
      this.lastLogged.set(key, now);
      this.log.warn({ source, reason, dropped: this.stats.dropped[reason] }, `trap from ${source} dropped: ${reason}`);
    }
    return false;
  }

  private accept(n: Notification): void {
    const pdu = n.pdu;
    const v1 = pdu.type === snmp.PduType.Trap;
    // One pass: snmpTrapOID.0 and sysUpTime.0 are the envelope, the rest is what the trap says.
    const varbinds: TrapVarbind[] = [];
    let trapOid: string | null = v1 ? v1TrapOid(String(pdu.enterprise ?? ''), Number(pdu.generic), Number(pdu.specific)) : null;
    let agentAddress = v1 && pdu.agentAddr && pdu.agentAddr !== '0.0.0.0' ? String(pdu.agentAddr) : null;
    for (const vb of pdu.varbinds ?? []) {
      if (vb.oid === SNMP_TRAP_OID) {
        if (!v1 && typeof vb.value === 'string') trapOid = vb.value;
      } else if (vb.oid === SNMP_TRAP_ADDRESS) {
        if (!agentAddress && typeof vb.value === 'string' && vb.value !== '0.0.0.0') agentAddress = vb.value;
        varbinds.push(toTrapVarbind(vb));
      } else if (vb.oid !== SYS_UPTIME && vb.oid !== SNMP_TRAP_COMMUNITY) varbinds.push(toTrapVarbind(vb));
    }
    if (!trapOid) {
      this.drop('malformed', n.rinfo.address);
      return;
    }
    const inform = pdu.type === snmp.PduType.InformRequest;
    // Acknowledged again by net-snmp, but one event: a lost acknowledgement must not double a fault.
    if (inform && this.repeated(`${n.rinfo.address} ${pdu.user ?? ''} ${pdu.id}`)) {
      this.drop('repeated-inform', n.rinfo.address);
      return;
    }
    this.onTrap({
      version: v1 ? '1' : pdu.user !== undefined ? '3' : '2c',
      source: n.rinfo.address,
      sourcePort: n.rinfo.port,
      agentAddress,
      // Whoever holds the community can write any address there: believed only from a configured relay.
      relayed: agentAddress !== null && this.relays.contains(n.rinfo.address),
      trapOid: trapOid.charCodeAt(0) === 46 ? trapOid.slice(1) : trapOid, // a leading dot, as some senders write it
      user: pdu.user ?? null,
      inform,
      varbinds,
      receivedAt: this.clock.now(),
    });
    // Counted once handled: a trap whose handling failed is counted as dropped ("other") instead.
    this.stats.accepted++;
    if (inform) this.stats.informs++;
  }
}

type SnmpReceiver = ReturnType<typeof snmp.createReceiver>;
type Authorizer = ReturnType<SnmpReceiver['getAuthorizer']>;

/** The authorizer's communities and users replaced by those of `settings`, synchronously: no datagram is judged in between. */
function loadCredentials(authorizer: Authorizer, settings: Pick<TrapSettings, 'communities' | 'users'>): void {
  for (const community of [...authorizer.getCommunities()]) authorizer.deleteCommunity(community);
  for (const user of [...authorizer.getUsers()]) authorizer.deleteUser(user.name);
  for (const community of settings.communities) authorizer.addCommunity(community);
  for (const u of settings.users) {
    const user: snmp.User = { name: u.user, level: snmp.SecurityLevel[u.level] };
    if (u.authProtocol) user.authProtocol = AUTH[u.authProtocol];
    if (u.authKey) user.authKey = u.authKey;
    if (u.privProtocol) user.privProtocol = PRIV[u.privProtocol];
    if (u.privKey) user.privKey = u.privKey;
    authorizer.addUser(user);
  }
}

function closeReceiver(r: SnmpReceiver): Promise<void> {
  return new Promise<void>((resolve) => {
    try {
      r.close(() => resolve());
    } catch {
      resolve();
    }
  });
}

interface Notification {
  pdu: {
    type: number;
    id?: number;
    varbinds?: { oid: string; type?: number; value: unknown }[];
    enterprise?: string;
    agentAddr?: string;
    generic?: number;
    specific?: number;
    user?: string;
    contextEngineID?: string;
  };
  rinfo: dgram.RemoteInfo;
}

/** RFC 3584 §3.1: generic traps map to snmpTraps.N+1; enterprise-specific ones to enterprise.0.specific. */
export function v1TrapOid(enterprise: string, generic: number, specific: number): string | null {
  if (!Number.isInteger(generic)) return null;
  if (generic >= 0 && generic <= 5) return `1.3.6.1.6.3.1.1.5.${generic + 1}`;
  if (generic === 6 && enterprise && Number.isInteger(specific)) return `${enterprise.replace(/^\./, '')}.0.${specific}`;
  return null;
}

function toTrapVarbind(vb: { oid: string; type?: number; value: unknown }): TrapVarbind {
  const v = vb.value;
  let value: string | number | null;
  if (typeof v === 'number' || typeof v === 'string') value = v;
  else if (typeof v === 'bigint') value = Number(v);
  else if (Buffer.isBuffer(v)) value = vb.type === snmp.ObjectType.Counter64 ? unsignedBigEndian(v) : octets(v);
  else value = null;
  return { oid: vb.oid, type: vb.type ?? 0, value };
}

/**
 * An OCTET STRING as text when it is text (UTF-8, no control characters but tab and line
 * breaks), else as hex, the way Net-SNMP prints a Hex-STRING ("00 1A 2B"): MAC addresses,
 * DateAndTime and other binary values stay readable and never garble the wall.
 */
export function octets(bytes: Buffer): string {
  const text = bytes.toString('utf8');
  if (!/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ufffd]/.test(text)) return text;
  return bytes.toString('hex').toUpperCase().replace(/(..)(?!$)/g, '$1 ');
}

/** Counter64 as sent: big-endian, minimal length (often 1 to 5 bytes), sometimes a leading 0x00. */
function unsignedBigEndian(bytes: Buffer): number {
  let n = 0;
  for (const b of bytes) n = n * 256 + b;
  return n;
}

/** Why net-snmp refused a packet, without ever repeating what it said (its messages carry communities and user keys). */
function classifyError(error: Error): DropReason {
  const text = error.message;
  if (/Local community not found/.test(text)) return 'unknown-community';
  if (/Local user not found/.test(text)) return 'unknown-user';
  if (/digest|requires authentication|requires privacy/i.test(text)) return 'auth-failed';
  if (/decrypt/i.test(text)) return 'decrypt-failed';
  if (/Unexpected PDU type|Only SNMPv3 discovery|Only discovery/.test(text)) return 'unsupported';
  if (error.name === 'ProcessingError' || /Failure to process/.test(text)) return 'malformed';
  return 'other';
}
