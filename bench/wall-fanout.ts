// The wall at scale of clients: what a wall is sent (snapshot, a bank trip's deltas), and how long a
// bank trip takes to reach the last of N wall clients, against bare socket.io sending a message of
// the same size to N clients on this machine in the same run (the anchor).
import { createServer } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Server } from 'socket.io';
import { io, type Socket } from 'socket.io-client';
import { unpack } from '../dashboards/wall/patch.js';
import { startApp } from '../src/app.js';
import { wallDemoConfig } from '../test/helpers/wall-demo.js';

const PDU = 'dal3-r07-a';

export interface WallFanout {
  clients: number;
  apiSnapshotBytes: number;
  snapshotBytes: number;
  tripDeltaBytes: number;
  tripDeltas: number;
  /** Fault injected → the delta showing the trip at the last client, ms. */
  tripMs: number[];
  /** The trip recorded as a fact (trap confirmed by a poll) → the last client, ms: the wall's own part. */
  factToWallMs: number[];
  /** Bare socket.io: emit → arrival at each client, ms. */
  anchorMs: number[];
}

const connectAll = (url: string, n: number): Promise<Socket[]> => Promise.all(Array.from({ length: n }, () => new Promise<Socket>((resolve, reject) => {
  const s = io(url, { transports: ['websocket'], reconnection: false, forceNew: true });
  s.once('connect', () => resolve(s));
  s.once('connect_error', reject);
})));

export async function wallFanout(clients = 200, trials = 5): Promise<WallFanout> {
  const dir = await mkdtemp(join(tmpdir(), 'bb-wall-fanout-'));
  const app = await startApp({ config: await wallDemoConfig(dir, (raw) => { raw.settings.pollInterval = '5s'; }), stateDir: dir, logLevel: 'silent', simulate: true, port: 0, host: '127.0.0.1' });
  let sockets: Socket[] = [];
  const result: WallFanout = { clients, apiSnapshotBytes: 0, snapshotBytes: 0, tripDeltaBytes: 0, tripDeltas: 0, tripMs: [], factToWallMs: [], anchorMs: [] };
  try {
    const first = io(app.url, { transports: ['websocket'], reconnection: false, forceNew: true });
    // Gzipped on the wire: a new wall is sent the topology, then the snapshot.
    const topology = new Promise<Buffer>((resolve) => first.once('topology', resolve));
    const snapshot = await new Promise<Buffer>((resolve) => first.once('snapshot', resolve));
    result.snapshotBytes = (await topology).length + snapshot.length;
    result.apiSnapshotBytes = Buffer.byteLength(await (await fetch(`${app.url}/api/snapshot`)).text());
    sockets = [first, ...await connectAll(app.url, clients - 1)];
    await new Promise((r) => setTimeout(r, 6_000)); // one poll cycle: every device known
    for (let t = 0; t < trials; t++) {
      const arrived: Promise<number>[] = sockets.map((s) => new Promise((resolve) => {
        const on = (packed: object) => {
          if (t === 0 && s === first) { result.tripDeltaBytes += Buffer.byteLength(JSON.stringify(packed)); result.tripDeltas++; }
          const d = unpack(packed) as { pdus?: { name: string }[] };
          // The delta that shows the breaker tripped (an earlier one may carry the outlets going off).
          if (d.pdus?.some((p) => p.name === PDU && JSON.stringify(p).includes('"tripped"'))) { s.off('delta', on); resolve(performance.now()); }
        };
        s.on('delta', on);
      }));
      let factAt = 0;
      const unwatch = app.store.onChange((c) => {
        if (factAt === 0 && c.kind === 'pdu' && c.name === PDU && app.store.pdu(PDU)?.reading?.banks.find((b) => b.index === 1)?.breaker === 'tripped') factAt = performance.now();
      });
      const t0 = performance.now();
      const res = await fetch(`${app.url}/api/sim/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'bank-trip', pdu: PDU, bank: 1 }) });
      const { id } = await res.json() as { id: string };
      const times = await Promise.all(arrived);
      unwatch();
      result.tripMs.push(Math.max(...times) - t0);
      result.factToWallMs.push(Math.max(...times) - factAt);
      await fetch(`${app.url}/api/sim/faults/${id}`, { method: 'DELETE' });
      await new Promise((r) => setTimeout(r, 6_000)); // cleared and settled
      if (t === 0) first.removeAllListeners('delta');
    }
  } finally {
    for (const s of sockets) s.close();
    await app.stop();
    await rm(dir, { recursive: true, force: true });
  }
  result.anchorMs = await anchor(clients, trials, Math.max(1, result.tripDeltaBytes));
  return result;
}

/** Bare socket.io on this machine: one message of `bytes` to `clients` clients, emit → last arrival. */
async function anchor(clients: number, trials: number, bytes: number): Promise<number[]> {
  const server = createServer();
  const ioServer = new Server(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const sockets = await connectAll(`http://127.0.0.1:${port}`, clients);
  const out: number[] = [];
  try {
    for (let t = 0; t < trials; t++) {
      const arrived = sockets.map((s) => new Promise<number>((resolve) => s.once('delta', () => resolve(performance.now()))));
      const t0 = performance.now();
      ioServer.emit('delta', { pad: 'x'.repeat(bytes) });
      out.push(Math.max(...await Promise.all(arrived)) - t0);
    }
  } finally {
    for (const s of sockets) s.close();
    await new Promise<void>((resolve) => { void ioServer.close(() => resolve()); });
  }
  return out;
}

export function formatWallFanout(r: WallFanout): string {
  const q = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;
  const kb = (b: number) => `${(b / 1024).toFixed(1)} KB`;
  const p50 = q(r.tripMs, 0.5);
  const a50 = q(r.anchorMs, 0.5);
  return [
    `wall feed (demo: 16 PDUs, 84 nodes; ${r.clients} wall clients; bank trip announced by trap)`,
    `  snapshot on connect      ${kb(r.snapshotBytes)} packed, gzipped, with the topology (GET /api/snapshot: ${kb(r.apiSnapshotBytes)})`,
    `  one bank trip            ${kb(r.tripDeltaBytes)} in ${r.tripDeltas} deltas to each wall`,
    `  fault → last client      p50 ${p50.toFixed(0)} ms, max ${Math.max(...r.tripMs).toFixed(0)} ms (${r.tripMs.map((x) => x.toFixed(0)).join(', ')})`,
    `  fact → last client       p50 ${q(r.factToWallMs, 0.5).toFixed(0)} ms, max ${Math.max(...r.factToWallMs).toFixed(0)} ms (the wall's own part: health, reconcile, delta, fan-out)`,
    `  anchor: bare socket.io   p50 ${a50.toFixed(0)} ms, max ${Math.max(...r.anchorMs).toFixed(0)} ms for one message of that size to ${r.clients} clients`,
    `  ratio                    ${(q(r.factToWallMs, 0.5) / a50).toFixed(1)} × the anchor, fact → last client (fault → last client: ${(p50 / a50).toFixed(1)} ×, with the trap and its confirming poll)`,
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(formatWallFanout(await wallFanout(Number(process.argv[2] ?? 200), Number(process.argv[3] ?? 5))));
