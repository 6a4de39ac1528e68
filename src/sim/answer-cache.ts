// A simulated agent answers a request the same way until its MIB is written. A 1,000-PDU site is polled
// with the same GETBULKs every interval while most PDUs' readings stand still, and net-snmp walks its MIB
// tree and encodes every varbind afresh for each: most of the simulator's CPU. This keeps, per device,
// the encoded varbinds of each SNMPv2c answer with the versions of the objects it shows (and the MIB's
// shape, which decides what a walk passes through), and answers a repeated request from them while
// those stand (only the request id differs): a drifting load does not retire the names and ratings.
// Answers holding a computed instance (sysUpTime.0) are never kept; SNMPv1 and v3 go through net-snmp
// untouched.
import type dgram from 'node:dgram';
import { integer, readTlv, tlv } from '../snmp/ber.js';
import type { MibWriter } from './mib-writer.js';

interface Varbind { oid: string }
interface RequestPdu { type: number; id: number; nonRepeaters?: number; maxRepetitions?: number; varbinds: Varbind[] }
interface ResponsePdu { errorStatus?: number; errorIndex?: number; varbinds: Varbind[] }
interface RequestMessage {
  version: number;
  community: string;
  pdu: RequestPdu;
  createResponseForRequest(pdu: ResponsePdu): { toBuffer(): Buffer };
}
interface Rinfo { address: string; port: number }
type Handle = (socket: dgram.Socket, message: RequestMessage, rinfo: Rinfo) => void;
/** The part of net-snmp's (untyped) Agent this file replaces: its request handlers and its sender. */
export interface AgentInternals {
  getRequest: Handle;
  getNextRequest: Handle;
  getBulkRequest: Handle;
  sendResponse(socket: dgram.Socket, rinfo: Rinfo, message: RequestMessage, pdu: ResponsePdu): void;
}

/** An encoded answer and what it was made from: the MIB's shape and the version of each object it shows. */
interface Answer { shape: number; objects: [string, number][]; errorStatus: number; errorIndex: number; varbinds: Buffer }

const V2C = 1;
const RESPONSE = 0xa2;
/** Distinct requests kept per device; Breakerbox asks a few dozen. Past it the cache starts over. */
const MAX_ANSWERS = 256;

export class AnswerCache {
  private readonly answers = new Map<string, Answer>();
  /** A request being answered by net-snmp → its key and the MIB's shape when it started. */
  private readonly pending = new WeakMap<RequestMessage, { key: string; shape: number }>();
  hits = 0;
  misses = 0;

  constructor(private readonly writer: MibWriter) {}

  /** Puts the cache in front of an agent (each time the device's socket opens: the MIB outlives it). */
  install(agent: AgentInternals): void {
    for (const method of ['getRequest', 'getNextRequest', 'getBulkRequest'] as const) {
      const answer = agent[method].bind(agent);
      agent[method] = (socket, message, rinfo) => {
        if (message.version !== V2C) return answer(socket, message, rinfo);
        const pdu = message.pdu;
        let key = `${pdu.type} ${pdu.nonRepeaters ?? ''} ${pdu.maxRepetitions ?? ''}`;
        for (const v of pdu.varbinds) key += ` ${v.oid}`;
        const kept = this.answers.get(key);
        if (kept && this.holds(kept)) {
          this.hits++;
          const buffer = responseMessage(message, kept);
          socket.send(buffer, 0, buffer.length, rinfo.port, rinfo.address);
          return;
        }
        this.misses++;
        this.pending.set(message, { key, shape: this.writer.shape });
        answer(socket, message, rinfo);
      };
    }
    const send = agent.sendResponse.bind(agent);
    agent.sendResponse = (socket, rinfo, message, pdu) => {
      const asked = this.pending.get(message);
      if (!asked) return send(socket, rinfo, message, pdu);
      // Encoded here rather than by net-snmp's sender, to keep the bytes.
      const buffer = message.createResponseForRequest(pdu).toBuffer();
      socket.send(buffer, 0, buffer.length, rinfo.port, rinfo.address);
      // Handlers answer at once here, so the versions read now are those the answer was made at.
      if (asked.shape !== this.writer.shape || pdu.varbinds.some((v) => this.writer.computed.has(v.oid))) return;
      const objects = new Map<string, number>();
      for (const v of pdu.varbinds) {
        const at = this.writer.versionAt(v.oid);
        if (at) objects.set(at[0], at[1]);
      }
      const varbinds = varbindList(buffer);
      if (!varbinds) return;
      if (this.answers.size >= MAX_ANSWERS) this.answers.clear();
      this.answers.set(asked.key, { shape: asked.shape, objects: [...objects], errorStatus: pdu.errorStatus ?? 0, errorIndex: pdu.errorIndex ?? 0, varbinds });
    };
  }

  private holds(answer: Answer): boolean {
    return answer.shape === this.writer.shape && answer.objects.every(([name, version]) => this.writer.versionOf(name) === version);
  }
}

/** The encoded varbind list (tag and length included) of an SNMPv1/v2c message; null when it does not parse. */
function varbindList(message: Buffer): Buffer | null {
  const outer = readTlv(message, 0);
  const version = outer && readTlv(message, outer.body, outer.end);
  const community = version && readTlv(message, version.end, outer!.end);
  const pdu = community && readTlv(message, community.end, outer!.end);
  let at = pdu?.body;
  for (let i = 0; i < 3 && at !== undefined; i++) at = readTlv(message, at, pdu!.end)?.end; // request-id, error-status, error-index
  return pdu && at !== undefined ? Buffer.from(message.subarray(at, pdu.end)) : null;
}

function responseMessage(request: RequestMessage, answer: Answer): Buffer {
  const pdu = tlv(RESPONSE, Buffer.concat([integer(request.pdu.id), integer(answer.errorStatus), integer(answer.errorIndex), answer.varbinds]));
  return tlv(0x30, Buffer.concat([integer(request.version), tlv(0x04, Buffer.from(request.community)), pdu]));
}
