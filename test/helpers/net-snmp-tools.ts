import { execFile } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import snmp from 'net-snmp';

const exec = promisify(execFile);
const persistent = join(tmpdir(), 'breakerbox-test-snmp');
mkdirSync(persistent, { recursive: true });

/** Runs one of Net-SNMP's command-line tools (snmptrap, snmpinform …) with a private persistent dir. */
export async function netSnmp(tool: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(tool, args, { env: { ...process.env, SNMP_PERSISTENT_DIR: persistent, MIBS: '' }, timeout: 15_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/**
 * The bytes net-snmp's own session puts on the wire for one request (an inform, a trap …), caught
 * on a socket that sends nothing: to send them again, cut or from a chosen address.
 */
export function sessionPacket(send: (session: snmp.Session) => void, options: snmp.SessionOptions = { version: snmp.Version2c }, community = 'public'): Buffer {
  let packet: Buffer | null = null;
  const socket: Record<string, unknown> = {};
  Object.assign(socket, {
    unref() {}, ref() {}, bind() {}, close() {}, on: () => socket,
    send(b: Buffer, o: number, l: number) { packet ??= Buffer.from(b.subarray(o, o + l)); },
  });
  const session = snmp.createSession('127.0.0.1', community, { ...options, dgramModule: { createSocket: () => socket } } as snmp.SessionOptions);
  send(session);
  session.close();
  if (!packet) throw new Error('net-snmp sent nothing');
  return packet;
}

/** A UDP socket bound to `from` (any loopback address) on a free port, for sending datagrams as that address. */
export async function udpFrom(from: string): Promise<{ send(packet: Buffer, target: string): Promise<void>; replies: Buffer[]; port: number; close(): void }> {
  const socket = createSocket('udp4');
  const replies: Buffer[] = [];
  socket.on('message', (m) => replies.push(m));
  await new Promise<void>((resolve, reject) => { socket.once('error', reject); socket.bind(0, from, () => resolve()); });
  return {
    replies,
    port: socket.address().port,
    send: (packet, target) => new Promise<void>((resolve, reject) => {
      const [host, port] = target.split(':');
      socket.send(packet, Number(port), host, (err) => (err ? reject(err) : resolve()));
    }),
    close: () => socket.close(),
  };
}
