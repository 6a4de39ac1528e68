// net-snmp drops a whole response when one varbind value cannot be decoded (a zero-length INTEGER,
// a 5-byte IpAddress, an unknown type, a length running past its varbind: real agents send them), so
// one bad value would make a device look unreachable. Before net-snmp parses a v1/v2c message, each
// such value is rewritten in place as an OCTET STRING of the same size, which the profiles then count
// as the wrong type: one implausible value, not a dead device. What cannot be repaired in place
// (a broken varbind name or list) is left to net-snmp, whose parse failure the client reports as a
// malformed answer, never as silence.
import dgram from 'node:dgram';
import { readHeader, readTlv, type Tlv } from './ber.js';

const SEQUENCE = 0x30;
const INTEGER = 0x02;
const OCTET_STRING = 0x04;
const OID = 0x06;
const IP_ADDRESS = 0x40;

/** Value types net-snmp decodes as integers: an empty or over-long body throws. */
const INTEGERS = new Set([0x01, INTEGER, 0x41, 0x42, 0x43]);
/** Types net-snmp reads as tag and length only: a body would shift every value after it. */
const EMPTY_ONLY = new Set([0x05, 0x80, 0x81, 0x82]);
const KNOWN = new Set([...INTEGERS, ...EMPTY_ONLY, 0x03, OCTET_STRING, OID, IP_ADDRESS, 0x44, 0x46]);

/** Would net-snmp fail on, or misread, this value? */
function undecodable(msg: Buffer, value: Tlv, vbEnd: number): boolean {
  const len = value.end - value.body;
  if (value.end !== vbEnd) return true; // runs past its varbind, or leaves bytes behind it
  if (!KNOWN.has(value.tag)) return true;
  if (INTEGERS.has(value.tag)) return len === 0 || len > 6;
  if (EMPTY_ONLY.has(value.tag)) return len !== 0;
  if (value.tag === IP_ADDRESS) return len !== 4;
  if (value.tag === OID) return len === 0 || (msg[value.end - 1]! & 0x80) !== 0;
  return false;
}

/** Rewrites the value in place as an OCTET STRING reaching to the end of its varbind; false when the length cannot be re-encoded in the same bytes. */
function retype(copy: Buffer, value: Tlv, vbEnd: number): boolean {
  const len = vbEnd - value.body;
  if (value.lengthBytes === 1) {
    if (len > 0x7f) return false;
    copy[value.lengthAt] = len;
  } else {
    const n = value.lengthBytes - 1;
    if (len >= 256 ** n) return false;
    for (let i = n, v = len; i >= 1; i--, v = Math.floor(v / 256)) copy[value.lengthAt + i] = v % 256;
  }
  copy[value.lengthAt - 1] = OCTET_STRING;
  return true;
}

/** The message with undecodable varbind values retyped; the original when there are none, or it is not v1/v2c. */
export function retypeBadValues(msg: Buffer): Buffer {
  const outer = readTlv(msg, 0, msg.length);
  if (!outer || outer.tag !== SEQUENCE) return msg;
  const version = readTlv(msg, outer.body, outer.end);
  if (!version || version.tag !== INTEGER || version.end - version.body !== 1 || msg[version.body]! > 1) return msg; // v3: encrypted, leave alone
  const community = readTlv(msg, version.end, outer.end);
  const pdu = community && readTlv(msg, community.end, outer.end);
  if (!pdu || (pdu.tag & 0xe0) !== 0xa0) return msg;
  let at = pdu.body;
  for (let i = 0; i < 3; i++) { // request-id, error-status, error-index
    const t = readTlv(msg, at, pdu.end);
    if (!t) return msg;
    at = t.end;
  }
  const list = readTlv(msg, at, pdu.end);
  if (!list || list.tag !== SEQUENCE) return msg;
  let copy: Buffer | null = null;
  for (let vb = readTlv(msg, list.body, list.end); vb; vb = readTlv(msg, vb.end, list.end)) {
    const name = readTlv(msg, vb.body, vb.end);
    const value = name && readHeader(msg, name.end, vb.end);
    if (value && undecodable(msg, value, vb.end)) {
      const next: Buffer = copy ?? Buffer.from(msg);
      if (retype(next, value, vb.end)) copy = next;
    }
    if (vb.end >= list.end) break;
  }
  return copy ?? msg;
}

/** The former name: zero-length INTEGERs are one case of an undecodable value. */
export const retypeZeroLengthIntegers = retypeBadValues;

export interface DgramHooks {
  /** Every datagram that arrives, before it is parsed. */
  onMessage?(): void;
}

/** A dgram module for net-snmp sessions whose sockets hand over repaired messages. */
export function tolerantDgram(hooks: DgramHooks = {}): { createSocket(type: dgram.SocketType): dgram.Socket } {
  return {
    createSocket(type: dgram.SocketType): dgram.Socket {
      const socket = dgram.createSocket(type);
      const on = socket.on.bind(socket);
      socket.on = ((event: string, listener: (...args: unknown[]) => void) =>
        event === 'message'
          ? on('message', (msg: Buffer, rinfo: dgram.RemoteInfo) => { hooks.onMessage?.(); listener(retypeBadValues(msg), rinfo); })
          : on(event, listener)) as typeof socket.on;
      return socket;
    },
  };
}
