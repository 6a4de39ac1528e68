// net-snmp drops a whole response when one varbind carries a zero-length INTEGER (real agents send
// them), so one bad value would make a device look unreachable. Before net-snmp parses a v1/v2c
// message, such values are rewritten as zero-length OCTET STRINGs (same size), which the profiles
// then count as the wrong type: one implausible value, not a dead device.
import dgram from 'node:dgram';

const SEQUENCE = 0x30;
const INTEGER = 0x02;
const OCTET_STRING = 0x04;

interface Tlv {
  tag: number;
  body: number; // offset of the value
  end: number; // offset after the value
}

function readTlv(buf: Buffer, at: number, limit: number): Tlv | null {
  if (at + 2 > limit) return null;
  const tag = buf[at]!;
  let len = buf[at + 1]!;
  let body = at + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 3 || body + n > limit) return null;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[body + i]!;
    body += n;
  }
  return body + len <= limit ? { tag, body, end: body + len } : null;
}

/** The message with zero-length INTEGER varbind values retyped; the original when there are none or it is not v1/v2c. */
export function retypeZeroLengthIntegers(msg: Buffer): Buffer {
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
    const value = name && readTlv(msg, name.end, vb.end);
    if (value && value.tag === INTEGER && value.end === value.body) {
      copy ??= Buffer.from(msg);
      copy[value.body - 2] = OCTET_STRING;
    }
    if (vb.end >= list.end) break;
  }
  return copy ?? msg;
}

/** A dgram module for net-snmp sessions whose sockets hand over retyped messages. */
export const tolerantDgram = {
  createSocket(type: dgram.SocketType): dgram.Socket {
    const socket = dgram.createSocket(type);
    const on = socket.on.bind(socket);
    socket.on = ((event: string, listener: (...args: unknown[]) => void) =>
      event === 'message'
        ? on('message', (msg: Buffer, rinfo: dgram.RemoteInfo) => listener(retypeZeroLengthIntegers(msg), rinfo))
        : on(event, listener)) as typeof socket.on;
    return socket;
  },
};
