// IPv4 addresses and CIDR blocks, read strictly: four decimal numbers 0–255 and a prefix 0–32,
// nothing around them. One reader for the config schema and the trap allow-list and relays, so
// what loads is exactly what matches.

export interface Ipv4Block {
  net: number;
  mask: number;
}

const SHAPE = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:\/(\d{1,2}))?$/;
const EXAMPLE = 'an IPv4 address or CIDR block such as "10.0.0.0/8"';

/** The block ("10.1.2.3" is "10.1.2.3/32"), or why the text is not one, quoting it. */
export function parseIpv4Cidr(text: string): Ipv4Block | string {
  const quoted = JSON.stringify(text);
  if (/\s/.test(text)) return `${quoted} is not ${EXAMPLE}: it contains a space`;
  if (text.includes(':')) return `${quoted} is IPv6, which trap sources cannot be (the receiver listens on IPv4): give ${EXAMPLE}`;
  const m = SHAPE.exec(text);
  if (!m) return `${quoted} is not ${EXAMPLE}`;
  let net = 0;
  for (let i = 1; i <= 4; i++) {
    const part = m[i]!;
    // "010" reads as octal to some tools and as decimal to others: refused rather than guessed.
    if (part.length > 1 && part[0] === '0') return `${quoted} is not ${EXAMPLE}: no leading zeros in "${part}"`;
    const v = Number(part);
    if (v > 255) return `${quoted} is not ${EXAMPLE}: each of the four numbers must be 0–255 (${part} is not)`;
    net = net * 256 + v;
  }
  const prefix = m[5] ?? '32';
  if (prefix.length > 1 && prefix[0] === '0') return `${quoted} is not ${EXAMPLE}: no leading zeros in the prefix`;
  const bits = Number(prefix);
  if (bits > 32) return `${quoted} is not ${EXAMPLE}: the prefix must be 0–32 (${bits} is not)`;
  const mask = maskOf(bits);
  return { net: (net & mask) >>> 0, mask };
}

/** The netmask of a prefix length already known to be 0–32 (a shift by 32 would wrap to 0 in JavaScript). */
function maskOf(bits: number): number {
  return bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
}

/** A dotted IPv4 address (as a socket reports it, "::ffff:" prefix allowed) as a number, or null. */
export function ipv4(address: string): number | null {
  const text = address.startsWith('::ffff:') ? address.slice(7) : address;
  let n = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || ++dots > 3) return null;
      n = n * 256 + part;
      part = 0;
      digits = 0;
    } else if (c >= 48 && c <= 57 && digits < 3) {
      part = part * 10 + (c - 48);
      digits++;
      if (part > 255) return null;
    } else {
      return null;
    }
  }
  if (dots !== 3 || digits === 0) return null;
  return (n * 256 + part) >>> 0;
}
