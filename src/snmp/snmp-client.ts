import snmp from 'net-snmp';
import type { SnmpCredentials } from '../config/schema.js';
import { RoundTrips, type AttemptTimeouts } from './adaptive-timeout.js';
import { classifySnmpError, failure, type SnmpFailure } from './snmp-errors.js';
import { tolerantDgram } from './tolerant-dgram.js';

/** A decoded variable binding: numbers stay numbers, OctetStrings stay Buffers until a profile says otherwise. */
export interface Varbind {
  oid: string;
  type: number;
  value: unknown;
}

/** Every SNMP operation resolves; failure is data, never an exception. The error text is fixed and secret-free (snmp-errors.ts). */
export type SnmpResult<T> = { ok: true; value: T } | { ok: false; error: string; kind?: SnmpFailure['kind'] };

export interface WalkOptions {
  maxRepetitions?: number | undefined;
  /** One GETNEXT per instance: for agents that mishandle GETBULK. */
  getNext?: boolean | undefined;
  /** More instances than this: the walk stops and fails with kind "limit" (a runaway table cannot grow a poll). */
  maxRows?: number | undefined;
  /** A value longer than this many bytes: the walk stops and fails with kind "limit". */
  maxValueBytes?: number | undefined;
}

/** A subtree walk never runs longer than this many instances (a looping agent cannot hold a poll forever). */
const MAX_WALK = 20_000;

export interface SnmpTarget {
  host: string;
  port: number;
  credentials: SnmpCredentials;
  timeoutMs: number;
  retries: number;
}

export interface SnmpClient {
  get(oids: string[]): Promise<SnmpResult<Varbind[]>>;
  getNext(oids: string[]): Promise<SnmpResult<Varbind[]>>;
  /** Walks every instance under `oid` (GETBULK, or GETNEXT when asked), stopping at the end of the subtree. */
  subtree(oid: string, options?: WalkOptions): Promise<SnmpResult<Varbind[]>>;
  close(): void;
  /** Datagrams received from the device so far, well-formed or not: tells a slow device from a silent one. */
  readonly received?: number;
  /** How long the device takes to answer one request, ms (a moving average of the latest answers). */
  readonly latencyMs?: number;
  /** The timeouts its next request's attempts wait (adaptive-timeout.ts). */
  readonly attempts?: AttemptTimeouts;
}

/** "10.0.0.1:1161" → host and port (161 by default). */
export function parseAddress(address: string): { host: string; port: number } {
  const i = address.lastIndexOf(':');
  if (i < 0) return { host: address, port: 161 };
  return { host: address.slice(0, i), port: Number(address.slice(i + 1)) };
}

const AUTH: Record<string, snmp.AuthProtocols> = {
  md5: snmp.AuthProtocols.md5, sha: snmp.AuthProtocols.sha, sha224: snmp.AuthProtocols.sha224,
  sha256: snmp.AuthProtocols.sha256, sha384: snmp.AuthProtocols.sha384, sha512: snmp.AuthProtocols.sha512,
};
const PRIV: Record<string, snmp.PrivProtocols> = {
  des: snmp.PrivProtocols.des, aes: snmp.PrivProtocols.aes,
  aes256b: snmp.PrivProtocols.aes256b, aes256r: snmp.PrivProtocols.aes256r,
};

/** SnmpClient over net-snmp; one UDP session per device, reused across polls. */
export class NetSnmpClient implements SnmpClient {
  private readonly session: snmp.Session;
  private bulk = true;
  received = 0;
  latencyMs = 0;
  private readonly roundTrips = new RoundTrips();
  attempts: AttemptTimeouts;
  /** Datagrams that could not be parsed even after repair: a request timing out after one is a malformed answer, not silence. */
  private malformed = 0;

  /**
   * `counters`, when given, is kept current with [received, latencyMs] as datagrams come: a poll
   * worker shares it with the thread that decides whether a device answered.
   */
  constructor(private readonly target: SnmpTarget, private readonly counters?: Float64Array) {
    this.attempts = { timeoutMs: target.timeoutMs, backoff: 1 };
    const dgramModule = tolerantDgram({ onMessage: () => { this.received++; if (counters) counters[0] = this.received; } });
    const base = { port: target.port, timeout: target.timeoutMs, retries: target.retries, backoff: 1, dgramModule };
    const c = target.credentials;
    if (c.version === '2c' || c.version === '1') {
      this.session = snmp.createSession(target.host, c.community, { ...base, version: c.version === '1' ? snmp.Version1 : snmp.Version2c });
      this.bulk = c.version === '2c';
    } else {
      const level = snmp.SecurityLevel[c.level];
      const user: snmp.User = { name: c.user, level };
      if (c.authProtocol) user.authProtocol = AUTH[c.authProtocol];
      if (c.authKey) user.authKey = c.authKey;
      if (c.privProtocol) user.privProtocol = PRIV[c.privProtocol];
      if (c.privKey) user.privKey = c.privKey;
      this.session = snmp.createV3Session(target.host, user, { ...base, version: snmp.Version3, ...(c.context ? { context: c.context } : {}) });
    }
    // net-snmp reports a message it cannot parse as an 'error' event (never thrown, never escaping).
    this.session.on('error', () => { this.malformed++; });
  }

  get(oids: string[]): Promise<SnmpResult<Varbind[]>> {
    return this.request('get', oids);
  }

  getNext(oids: string[]): Promise<SnmpResult<Varbind[]>> {
    return this.request('getNext', oids);
  }

  private request(op: 'get' | 'getNext', oids: string[]): Promise<SnmpResult<Varbind[]>> {
    return new Promise((resolve) => {
      if (oids.length === 0) return resolve({ ok: true, value: [] });
      const malformedBefore = this.malformed;
      try {
        const sent = Date.now();
        this.session[op](oids, (error: Error | null, varbinds?: snmp.Varbind[]) => {
          if (error) return resolve(this.describe(error, malformedBefore));
          this.answeredAfter(Date.now() - sent);
          resolve({ ok: true, value: (varbinds ?? []).map(toVarbind) });
        });
      } catch (error) {
        resolve(this.describe(error, malformedBefore));
      }
    });
  }

  subtree(oid: string, options: WalkOptions = {}): Promise<SnmpResult<Varbind[]>> {
    if (options.getNext || !this.bulk) return this.walkNext(oid, options);
    const limits = walkLimits(options);
    return new Promise((resolve) => {
      const out: Varbind[] = [];
      const malformedBefore = this.malformed;
      let exceeded: SnmpFailure | null = null;
      try {
        const prefix = `${oid}.`;
        let last: string | null = null;
        let asked = Date.now();
        // walk(), not subtree(): net-snmp's subtree filter splits every OID twice; this callback ends the walk itself.
        this.session.walk(oid, options.maxRepetitions ?? 20, (varbinds: snmp.Varbind[]) => {
          this.answeredAfter(Date.now() - asked);
          asked = Date.now();
          for (const vb of varbinds) {
            // endOfMibView, an OID outside the subtree, or one that does not advance (some agents answer past
            // their MIB with the request's own OID): the walk is over.
            if (snmp.isVarbindError(vb) || !vb.oid.startsWith(prefix) || (last !== null && compareOids(vb.oid, last) <= 0)) return true;
            exceeded = overLimit(vb.value, out.length + 1, limits);
            if (exceeded) return true;
            out.push(toVarbind(vb));
            last = vb.oid;
          }
          return out.length >= MAX_WALK;
        }, (error: Error | null) => {
          if (exceeded) return resolve(exceeded);
          if (error) return resolve(this.describe(error, malformedBefore));
          resolve({ ok: true, value: out });
        });
      } catch (error) {
        resolve(this.describe(error, malformedBefore));
      }
    });
  }

  /** GETNEXT walk; stops when the agent leaves the subtree, stalls, or runs past MAX_WALK or the walk's limits. */
  private async walkNext(oid: string, options: WalkOptions): Promise<SnmpResult<Varbind[]>> {
    const limits = walkLimits(options);
    const out: Varbind[] = [];
    let cursor = oid;
    while (out.length < MAX_WALK) {
      const step = await this.request('getNext', [cursor]);
      if (!step.ok) return out.length > 0 && step.kind === 'no-such-name' ? { ok: true, value: out } : step;
      const vb = step.value[0];
      if (!vb || vb.value === undefined || !vb.oid.startsWith(`${oid}.`) || compareOids(vb.oid, cursor) <= 0) break;
      const exceeded = overLimit(vb.value, out.length + 1, limits);
      if (exceeded) return exceeded;
      out.push(vb);
      cursor = vb.oid;
    }
    return { ok: true, value: out };
  }

  /** Wall-clock time on purpose: this is the network's latency, which no injected clock models. */
  private answeredAfter(ms: number): void {
    this.latencyMs = this.latencyMs === 0 ? ms : 0.7 * this.latencyMs + 0.3 * ms;
    if (this.counters) this.counters[1] = this.latencyMs;
    // The requests sent from now on (the next page of a walk too) wait what the device's answers say.
    this.roundTrips.add(ms);
    this.attempts = this.roundTrips.timeouts(this.target.timeoutMs, this.target.retries);
    const session = this.session as unknown as { timeout: number; backoff: number };
    session.timeout = this.attempts.timeoutMs;
    session.backoff = this.attempts.backoff;
  }

  /** A fixed text for the error; a timeout after an unparseable answer from the device is a malformed answer. */
  private describe(error: unknown, malformedBefore: number): SnmpFailure {
    const failed = classifySnmpError(error);
    return failed.kind === 'timeout' && this.malformed > malformedBefore ? failure('malformed') : failed;
  }

  close(): void {
    try {
      this.session.close();
    } catch {
      // already closed
    }
  }
}

function toVarbind(vb: snmp.Varbind): Varbind {
  if (snmp.isVarbindError(vb)) return { oid: vb.oid, type: vb.type ?? 0, value: undefined };
  // net-snmp hands Counter64 over as big-endian bytes; make it a number type here, once.
  if (vb.type === snmp.ObjectType.Counter64 && Buffer.isBuffer(vb.value)) return { oid: vb.oid, type: vb.type, value: counter64(vb.value) };
  return { oid: vb.oid, type: vb.type ?? 0, value: vb.value };
}

/** Numeric OID order (1.3.6.1.10 after 1.3.6.1.9), without allocating: it runs for every varbind walked. */
export function compareOids(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  if (i === a.length || i === b.length) return a.length - b.length; // one is a prefix of the other
  // Back up to the start of the differing sub-identifier, then compare it by length, then by digits.
  let start = i;
  while (start > 0 && a.charCodeAt(start - 1) !== 46) start--;
  let endA = start;
  while (endA < a.length && a.charCodeAt(endA) !== 46) endA++;
  let endB = start;
  while (endB < b.length && b.charCodeAt(endB) !== 46) endB++;
  if (endA - start !== endB - start) return endA - endB;
  return a.charCodeAt(i) - b.charCodeAt(i);
}

function counter64(bytes: Buffer): bigint {
  let n = 0n;
  for (const byte of bytes) n = (n << 8n) | BigInt(byte);
  return n;
}

interface Limits { maxRows: number; maxValueBytes: number }

function walkLimits(options: WalkOptions): Limits {
  return { maxRows: options.maxRows ?? Infinity, maxValueBytes: options.maxValueBytes ?? Infinity };
}

/** The failure when taking one more instance (the `rows`th) with this value would break a limit; null when it is fine. */
export function overLimit(value: unknown, rows: number, limits: Limits): SnmpFailure | null {
  if (rows > limits.maxRows) return failure('limit', `more than ${limits.maxRows} rows in one table`);
  const bytes = Buffer.isBuffer(value) ? value.length : typeof value === 'string' ? value.length : 0;
  if (bytes > limits.maxValueBytes) return failure('limit', `a value longer than ${limits.maxValueBytes} bytes`);
  return null;
}
