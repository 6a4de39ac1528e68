import { createSocket, type RemoteInfo } from 'node:dgram';
import { readHeader } from '../../src/snmp/ber.js';

/** What a v1/v2c request asked for, read from its bytes on the wire. */
export interface SeenRequest {
  /** get, getnext, getbulk, set … (the PDU's tag). */
  pdu: string;
  /** GETBULK only: its max-repetitions field. */
  maxRepetitions: number | null;
}

export interface SnmpRelay {
  port: number;
  requests: SeenRequest[];
  /** Each answer is held this long before it goes back (a slow device); 0 by default. */
  delayMs: number;
  close(): Promise<void>;
}

const PDU_NAMES: Record<number, string> = { 0xa0: 'get', 0xa1: 'getnext', 0xa3: 'set', 0xa5: 'getbulk', 0xa6: 'inform', 0xa7: 'trap' };

/**
 * A UDP relay on a free loopback port in front of a real agent: every request is forwarded as is and
 * its PDU type and max-repetitions recorded, so a test sees how an agent was really walked.
 */
export async function startSnmpRelay(agentPort: number, agentHost = '127.0.0.1'): Promise<SnmpRelay> {
  const front = createSocket('udp4');
  const requests: SeenRequest[] = [];
  const upstream = new Map<string, ReturnType<typeof createSocket>>();
  front.on('message', (msg: Buffer, from: RemoteInfo) => {
    requests.push(parseRequest(msg));
    const key = `${from.address}:${from.port}`;
    let back = upstream.get(key);
    if (!back) {
      back = createSocket('udp4');
      back.on('message', (reply: Buffer) => {
        if (relay.delayMs > 0) setTimeout(() => { if (!closed) front.send(reply, from.port, from.address); }, relay.delayMs);
        else front.send(reply, from.port, from.address);
      });
      upstream.set(key, back);
    }
    back.send(msg, agentPort, agentHost);
  });
  await new Promise<void>((resolve) => front.bind(0, '127.0.0.1', resolve));
  let closed = false;
  const relay: SnmpRelay = {
    port: front.address().port,
    requests,
    delayMs: 0,
    close: async () => {
      closed = true;
      for (const s of upstream.values()) s.close();
      await new Promise<void>((resolve) => front.close(() => resolve()));
    },
  };
  return relay;
}

/** Message ::= SEQUENCE { version, community, PDU }; PDU ::= [tag] { request-id, non-repeaters, max-repetitions, … }. */
export function parseRequest(msg: Buffer): SeenRequest {
  const message = readHeader(msg, 0)!;
  const version = readHeader(msg, message.body)!;
  const community = readHeader(msg, version.end)!;
  const pdu = readHeader(msg, community.end)!;
  const requestId = readHeader(msg, pdu.body)!;
  const nonRepeaters = readHeader(msg, requestId.end)!;
  const maxReps = readHeader(msg, nonRepeaters.end)!;
  return { pdu: PDU_NAMES[pdu.tag] ?? `0x${pdu.tag.toString(16)}`, maxRepetitions: pdu.tag === 0xa5 ? msg.readIntBE(maxReps.body, maxReps.end - maxReps.body) : null };
}
