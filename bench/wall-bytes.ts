// What a wall is sent on the demo: the snapshot on connect, then every delta in the 5 s after a bank trip.
// npm run bench -- --only wall-bytes (or: node --import tsx bench/wall-bytes.ts)
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io } from 'socket.io-client';
import { startApp } from '../src/app.js';
import { wallDemoConfig } from '../test/helpers/wall-demo.js';

export async function wallBytes(): Promise<{ apiSnapshotBytes: number; snapshotBytes: number; tripDeltaBytes: number; tripDeltas: number; firstDeltaBytes: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'bb-wall-bytes-'));
  const app = await startApp({ config: await wallDemoConfig(dir, (raw) => { raw.settings.pollInterval = '10s'; }), stateDir: dir, logLevel: 'silent', simulate: true, port: 0, host: '127.0.0.1' });
  const socket = io(app.url, { transports: ['websocket'], reconnection: false, forceNew: true });
  try {
    const snapshot = await new Promise<unknown>((resolve) => socket.once('snapshot', resolve));
    const apiSnapshotBytes = Buffer.byteLength(await (await fetch(`${app.url}/api/snapshot`)).text());
    // Let the first poll cycle settle, then count what one trip costs.
    await new Promise((r) => setTimeout(r, 12_000));
    const deltas: number[] = [];
    socket.on("delta", (d: unknown) => { deltas.push(Buffer.byteLength(JSON.stringify(d))); if (process.env.DUMP) console.log(JSON.stringify(d)); });
    const res = await fetch(`${app.url}/api/sim/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'bank-trip', pdu: 'dal3-r07-a', bank: 1 }) });
    if (!res.ok) throw new Error(`inject: ${res.status} ${await res.text()}`);
    await new Promise((r) => setTimeout(r, 5_000));
    return { apiSnapshotBytes, snapshotBytes: Buffer.byteLength(JSON.stringify(snapshot)), tripDeltaBytes: deltas.reduce((a, b) => a + b, 0), tripDeltas: deltas.length, firstDeltaBytes: deltas[0] ?? 0 };
  } finally {
    socket.close();
    await app.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(await wallBytes());
