import { createSocket } from 'node:dgram';

/** A UDP port free on loopback now, so simulated agents and receivers do not collide with a running demo. */
export async function freeUdpPort(): Promise<number> {
  const sock = createSocket('udp4');
  await new Promise<void>((resolve, reject) => { sock.once('error', reject); sock.bind(0, '127.0.0.1', () => resolve()); });
  const { port } = sock.address();
  await new Promise<void>((resolve) => sock.close(() => resolve()));
  return port;
}
