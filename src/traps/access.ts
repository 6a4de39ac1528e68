// Who may send traps, and how fast: checked on the raw packet, before any decoding.

/** IPv4 CIDR blocks; an empty list allows everyone. */
export class AllowList {
  private readonly blocks: { net: number; mask: number }[];
  private readonly seen = new Map<string, boolean>();

  constructor(cidrs: readonly string[] | undefined) {
    this.blocks = (cidrs ?? []).map((c) => {
      const [ip, bits = '32'] = c.split('/');
      const mask = Number(bits) === 0 ? 0 : (~0 << (32 - Number(bits))) >>> 0;
      return { net: (ipv4(ip!) ?? 0) & mask, mask };
    });
  }

  get active(): boolean {
    return this.blocks.length > 0;
  }

  /** Checked on every datagram: the answer per address is remembered (a bounded number of them). */
  allows(address: string): boolean {
    if (this.blocks.length === 0) return true;
    let ok = this.seen.get(address);
    if (ok === undefined) {
      const ip = ipv4(address.startsWith('::ffff:') ? address.slice(7) : address);
      ok = ip !== null && this.blocks.some((b) => ((ip & b.mask) >>> 0) === b.net);
      if (this.seen.size >= 10_000) this.seen.clear(); // a flood of spoofed sources must not grow memory without bound
      this.seen.set(address, ok);
    }
    return ok;
  }
}

function ipv4(text: string): number | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let n = 0;
  for (const p of parts) {
    const v = Number(p);
    if (!Number.isInteger(v) || v < 0 || v > 255) return null;
    n = n * 256 + v;
  }
  return n >>> 0;
}

/** A token bucket per source: `rate` per second, bursts up to one second's worth. */
export class PerSourceRateLimit {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly rate: number, private readonly now: () => number = () => performance.now(), private readonly maxSources = 50_000) {}

  take(source: string): boolean {
    const t = this.now();
    let b = this.buckets.get(source);
    if (!b) {
      if (this.buckets.size >= this.maxSources) this.buckets.clear(); // a flood of spoofed sources must not grow memory without bound
      b = { tokens: this.rate, at: t };
      this.buckets.set(source, b);
    } else {
      b.tokens = Math.min(this.rate, b.tokens + ((t - b.at) / 1000) * this.rate);
      b.at = t;
    }
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }
}
