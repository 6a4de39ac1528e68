// The common case, decoded directly: an SNMPv1 Trap-PDU or an SNMPv2c SNMPv2-Trap-PDU in plain,
// definite-length BER. The result has the shapes net-snmp's receiver hands over (OctetString,
// Opaque and Counter64 values as Buffers, OIDs as dotted strings, unsigned types wrapped to 32
// bits), so everything after decoding is one code path. Anything else — SNMPv3, informs (which need
// a response), unusual encodings, anything malformed — is answered null and left to net-snmp, which
// decodes, answers or refuses it and says why. test/community-trap.test.ts holds the two decoders
// to the same output on recorded, generated and mutated packets.

/** A decoded v1 or v2c trap: net-snmp's notification `pdu`, the fields Breakerbox reads. */
export interface CommunityTrap {
  /** 0xa4 (SNMPv1 Trap-PDU) or 0xa7 (SNMPv2-Trap-PDU). */
  type: number;
  community: string;
  varbinds: RawVarbind[];
  /** v1 only. */
  enterprise?: string;
  agentAddr?: string;
  generic?: number;
  specific?: number;
  upTime?: number;
}

export interface RawVarbind {
  oid: string;
  type: number;
  value: number | string | Buffer | null;
}

const SEQUENCE = 0x30;
const INTEGER = 0x02;
const OCTET_STRING = 0x04;
const NULL = 0x05;
const OID = 0x06;
const IP_ADDRESS = 0x40;
const COUNTER = 0x41;
const GAUGE = 0x42;
const TIME_TICKS = 0x43;
const OPAQUE = 0x44;
const COUNTER64 = 0x46;
const NO_SUCH_OBJECT = 0x80;
const NO_SUCH_INSTANCE = 0x81;
const END_OF_MIB_VIEW = 0x82;
const TRAP_V1 = 0xa4;
const TRAP_V2 = 0xa7;

/** Not ours: leave the packet to net-snmp. Thrown inside, caught once at the top. */
const NOT_PLAIN = new Error('not a plain v1/v2c trap');

/** A v1 or v2c trap, or null when net-snmp should have the packet. Never throws: whatever this reader cannot take, net-snmp gets. */
export function decodeCommunityTrap(buf: Buffer): CommunityTrap | null {
  try {
    return decode(new Cursor(buf));
  } catch {
    return null;
  }
}

function decode(c: Cursor): CommunityTrap {
  const messageEnd = c.open(SEQUENCE);
  if (messageEnd !== c.buf.length) throw NOT_PLAIN;
  const version = c.int();
  const communityEnd = c.open(OCTET_STRING);
  const community = c.buf.toString('utf8', c.pos, communityEnd);
  c.pos = communityEnd;
  const type = c.buf[c.pos];
  if (!((version === 0 && type === TRAP_V1) || (version === 1 && type === TRAP_V2))) throw NOT_PLAIN;
  const pduEnd = c.open(type);
  if (pduEnd !== messageEnd) throw NOT_PLAIN;
  const trap: CommunityTrap = { type, community, varbinds: [] };
  if (type === TRAP_V1) {
    trap.enterprise = c.oid();
    trap.agentAddr = c.ipAddress();
    trap.generic = c.int();
    trap.specific = c.int();
    trap.upTime = c.unsigned(TIME_TICKS);
  } else {
    c.int(); // request-id
    c.int(); // error-status
    c.int(); // error-index
  }
  const listEnd = c.open(SEQUENCE);
  while (c.pos < listEnd) {
    const end = c.open(SEQUENCE);
    const oid = c.oid();
    const vbType = c.buf[c.pos]!;
    trap.varbinds.push({ oid, type: vbType, value: c.value(vbType) });
    if (c.pos !== end) throw NOT_PLAIN;
  }
  if (c.pos !== listEnd || listEnd !== pduEnd) throw NOT_PLAIN;
  return trap;
}

/** OIDs already decoded, by a hash of their encoding (checked byte for byte on a hit). */
const oids = new Map<number, { bytes: Buffer; text: string }>();
const MAX_OIDS = 4_096;

function sameBytes(a: Buffer, b: Buffer, start: number, end: number): boolean {
  if (a.length !== end - start) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[start + i]) return false;
  return true;
}

/** An OID's content octets as net-snmp reads them (subidentifiers accumulate in 32-bit arithmetic). */
function dotted(b: Buffer, start: number, end: number): string {
  let text = '';
  let value = 0;
  let first = true;
  for (let p = start; p < end; p++) {
    const byte = b[p]!;
    value <<= 7;
    value += byte & 0x7f;
    if ((byte & 0x80) === 0) {
      const arc = value >>> 0;
      text = first ? `${(arc / 40) >> 0}.${arc % 40}` : `${text}.${arc}`;
      first = false;
      value = 0;
    }
  }
  return text;
}

class Cursor {
  pos = 0;
  constructor(readonly buf: Buffer) {}

  /** Reads a tag and a definite length whose content fits in the packet; returns where the content ends. */
  open(tag: number): number {
    const b = this.buf;
    let p = this.pos;
    if (p + 2 > b.length || b[p] !== tag) throw NOT_PLAIN;
    let len = b[p + 1]!;
    p += 2;
    if (len & 0x80) {
      const n = len & 0x7f;
      if (n === 0 || n > 3 || p + n > b.length) throw NOT_PLAIN;
      len = 0;
      for (let i = 0; i < n; i++) len = len * 256 + b[p++]!;
    }
    if (p + len > b.length) throw NOT_PLAIN;
    this.pos = p;
    return p + len;
  }

  /** Two's complement, as net-snmp reads it, from 1 to `maxBytes` bytes. */
  private signed(tag: number, maxBytes: number): number {
    const end = this.open(tag);
    const b = this.buf;
    let p = this.pos;
    if (end === p || end - p > maxBytes) throw NOT_PLAIN;
    let value = b.readInt8(p++);
    while (p < end) value = value * 256 + b[p++]!;
    this.pos = end;
    return value;
  }

  /** INTEGER (Integer32): at most 4 bytes, so always in range. */
  int(): number {
    return this.signed(INTEGER, 4);
  }

  /** Counter32, Gauge32, TimeTicks: read as net-snmp does, then taken modulo 2^32. */
  unsigned(tag: number): number {
    return this.signed(tag, 5) >>> 0;
  }

  /** Dotted, first arc split as net-snmp splits it (first subidentifier / 40, % 40); the few OIDs traps repeat, decoded once. */
  oid(): string {
    const end = this.open(OID);
    const b = this.buf;
    const start = this.pos;
    if (end === start || b[end - 1]! & 0x80) throw NOT_PLAIN;
    this.pos = end;
    let hash = end - start;
    for (let p = start; p < end; p++) hash = Math.imul(hash ^ b[p]!, 0x01000193);
    const known = oids.get(hash);
    if (known && sameBytes(known.bytes, b, start, end)) return known.text;
    const text = dotted(b, start, end);
    if (oids.size >= MAX_OIDS) oids.clear();
    oids.set(hash, { bytes: Buffer.from(b.subarray(start, end)), text });
    return text;
  }

  ipAddress(): string {
    const end = this.open(IP_ADDRESS);
    const b = this.buf;
    const p = this.pos;
    if (end - p !== 4) throw NOT_PLAIN;
    this.pos = end;
    return `${b[p]}.${b[p + 1]}.${b[p + 2]}.${b[p + 3]}`;
  }

  private bytes(tag: number): Buffer {
    const end = this.open(tag);
    const out = this.buf.subarray(this.pos, end);
    this.pos = end;
    return out;
  }

  private empty(tag: number): null {
    if (this.open(tag) !== this.pos) throw NOT_PLAIN;
    return null;
  }

  value(type: number): RawVarbind['value'] {
    switch (type) {
      case INTEGER: return this.int();
      case OCTET_STRING: case OPAQUE: case COUNTER64: return this.bytes(type);
      case OID: return this.oid();
      case IP_ADDRESS: return this.ipAddress();
      case COUNTER: case GAUGE: case TIME_TICKS: return this.unsigned(type);
      case NULL: case NO_SUCH_OBJECT: case NO_SUCH_INSTANCE: case END_OF_MIB_VIEW: return this.empty(type);
      default: throw NOT_PLAIN;
    }
  }
}
