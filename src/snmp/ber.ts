// The few BER pieces read and written by hand (repairing answers before net-snmp parses them, the
// simulator's kept answers, test agents); net-snmp encodes and decodes everything else.

export interface Tlv {
  tag: number;
  /** Offset of the first length byte, and how many there are. */
  lengthAt: number;
  lengthBytes: number;
  body: number; // offset of the value
  end: number; // offset after the value, as declared (may run past the limit)
}

/** A header within `limit`: null when the tag or the length does not fit, or the length takes more than 3 bytes. */
export function readHeader(buf: Buffer, at: number, limit = buf.length): Tlv | null {
  if (at + 2 > limit) return null;
  const tag = buf[at]!;
  let len = buf[at + 1]!;
  let body = at + 2;
  let lengthBytes = 1;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 3 || body + n > limit) return null;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[body + i]!;
    body += n;
    lengthBytes = 1 + n;
  }
  return { tag, lengthAt: at + 1, lengthBytes, body, end: body + len };
}

/** A whole element within `limit`, or null. */
export function readTlv(buf: Buffer, at: number, limit = buf.length): Tlv | null {
  const t = readHeader(buf, at, limit);
  return t && t.end <= limit ? t : null;
}

/** An element with its shortest length form. */
export function tlv(tag: number, content: Buffer): Buffer {
  const n = content.length;
  const length = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : n < 0x10000 ? [0x82, n >> 8, n & 0xff] : [0x83, n >> 16, (n >> 8) & 0xff, n & 0xff];
  return Buffer.concat([Buffer.from([tag, ...length]), content]);
}

/** A 32-bit INTEGER in its shortest two's-complement form. */
export function integer(n: number): Buffer {
  const bytes: number[] = [];
  let v = n | 0;
  for (;;) {
    bytes.unshift(v & 0xff);
    v >>= 8;
    if ((v === 0 && !(bytes[0]! & 0x80)) || (v === -1 && bytes[0]! & 0x80)) break;
  }
  return tlv(0x02, Buffer.from(bytes));
}
