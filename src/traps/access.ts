// Who may send traps, who may speak for other devices, and how fast: checked on the raw packet, before any decoding.
import type { Clock } from '../clock.js';
import type { ErrorCode } from '../errors.js';
import { ipv4, parseIpv4Cidr, type Ipv4Block } from './cidr.js';

/** A block that is not valid IPv4 CIDR, refused when the list is built: a bad prefix must never become a mask. */
export class CidrError extends Error {
  readonly code: ErrorCode = 'BB_ERR_BAD_CIDR';
  constructor(message: string) {
    super(message);
    this.name = 'CidrError';
  }
}

/** IPv4 CIDR blocks; the answer per address is remembered (a bounded number of them), as every datagram asks. */
export class AddressBlocks {
  private readonly blocks: readonly Ipv4Block[];
  private readonly seen = new Map<string, boolean>();

  /** Throws a CidrError naming the first block that is not valid. */
  constructor(cidrs: readonly string[] | undefined, what: string) {
    this.blocks = (cidrs ?? []).map((c) => {
      const block = typeof c === 'string' ? parseIpv4Cidr(c) : `${JSON.stringify(c)} is not a string`;
      if (typeof block === 'string') throw new CidrError(`${what}: ${block}`);
      return block;
    });
  }

  get empty(): boolean {
    return this.blocks.length === 0;
  }

  contains(address: string): boolean {
    if (this.blocks.length === 0) return false;
    let ok = this.seen.get(address);
    if (ok === undefined) {
      const ip = ipv4(address);
      ok = ip !== null && this.blocks.some((b) => ((ip & b.mask) >>> 0) === b.net);
      if (this.seen.size >= 10_000) this.seen.clear(); // a flood of spoofed sources must not grow memory without bound
      this.seen.set(address, ok);
    }
    return ok;
  }
}

/** The sources allowed to send traps; an empty list allows everyone. */
export class AllowList {
  private readonly blocks: AddressBlocks;

  constructor(cidrs: readonly string[] | undefined) {
    this.blocks = new AddressBlocks(cidrs, 'traps.allow');
  }

  get active(): boolean {
    return !this.blocks.empty;
  }

  allows(address: string): boolean {
    return this.blocks.empty || this.blocks.contains(address);
  }
}

/** A token bucket per source: `rate` per second, bursts up to one second's worth (at least one trap); time from the injected clock. */
export class PerSourceRateLimit {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  /** A rate below 1/s still lets one trap through now and then, never none at all. */
  private readonly capacity: number;

  constructor(readonly rate: number, private readonly clock: Pick<Clock, 'now'>, private readonly maxSources = 50_000) {
    this.capacity = Math.max(1, rate);
  }

  take(source: string): boolean {
    const t = this.clock.now();
    let b = this.buckets.get(source);
    if (!b) {
      if (this.buckets.size >= this.maxSources) this.buckets.clear(); // a flood of spoofed sources must not grow memory without bound
      b = { tokens: this.capacity, at: t };
      this.buckets.set(source, b);
    } else if (t > b.at) {
      b.tokens = Math.min(this.capacity, b.tokens + ((t - b.at) / 1000) * this.rate);
      b.at = t;
    }
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }
}
