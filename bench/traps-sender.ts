// The trap load generator of bench/traps.ts: a child process (never the receiver's) that encodes a
// pool of distinct trap packets once, before any timed run (bench/trap-packets.ts), then sends them
// over UDP at a fixed rate for a fixed time from a socket bound to the PDU's loopback address.
// Driven over IPC by its parent; every blast is bounded in rate and time and loopback only, and the
// process exits when its parent goes away.
import dgram from 'node:dgram';
import { encodeTraps, type PacketSpec } from './trap-packets.js';

export type SenderCommand =
  | { type: 'prepare'; spec: PacketSpec; count: number }
  | { type: 'blast'; source: string; host: string; port: number; rate: number; durationMs: number }
  | { type: 'exit' };

export type SenderReply =
  | { type: 'prepared'; count: number; meanBytes: number; encodeMs: number }
  | { type: 'done'; sent: number; elapsedMs: number; errors: number; cpuMs: number }
  | { type: 'failed'; error: string };

const MAX_RATE = 1_000_000;
const MAX_DURATION_MS = 30_000;
/** Most packets sent in one turn of the event loop. */
const BURST = 256;

let pool: Buffer[] = [];

/**
 * Sends rate × duration packets, paced on the clock: every turn sends what is due by now; when
 * caught up it waits for the next millisecond (so the sender uses only the CPU it needs).
 */
function blast(cmd: Extract<SenderCommand, { type: 'blast' }>): Promise<Extract<SenderReply, { type: 'done' }>> {
  if (!(cmd.rate > 0 && cmd.rate <= MAX_RATE)) throw new Error(`rate ${cmd.rate} out of (0, ${MAX_RATE}]`);
  if (!(cmd.durationMs > 0 && cmd.durationMs <= MAX_DURATION_MS)) throw new Error(`duration ${cmd.durationMs} out of (0, ${MAX_DURATION_MS}]`);
  if (!cmd.host.startsWith('127.') || !cmd.source.startsWith('127.')) throw new Error('loopback only');
  if (pool.length === 0) throw new Error('nothing prepared');
  const total = Math.round((cmd.rate * cmd.durationMs) / 1000);
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket('udp4');
    let errors = 0;
    socket.on('error', () => { errors++; });
    socket.bind(0, cmd.source, () => {
      socket.connect(cmd.port, cmd.host, () => {
        let sent = 0;
        const c0 = process.cpuUsage();
        const t0 = performance.now();
        // Hard stop at twice the planned time, whatever happens.
        const deadline = t0 + 2 * cmd.durationMs + 1_000;
        const tick = () => {
          try {
            const now = performance.now();
            const due = Math.min(total, Math.floor((cmd.rate * (now - t0)) / 1000));
            for (let n = 0; sent < due && n < BURST; n++) socket.send(pool[sent++ % pool.length]!);
            if (sent < total && now < deadline) {
              if (sent < due) setImmediate(tick);
              else setTimeout(tick, 1);
              return;
            }
            const elapsedMs = performance.now() - t0;
            const cpu = process.cpuUsage(c0);
            // Answer now (the receiver's backlog is sampled on this answer); close once queued sends have left.
            resolve({ type: 'done', sent, elapsedMs, errors, cpuMs: (cpu.user + cpu.system) / 1000 });
            setTimeout(() => socket.close(), 200);
          } catch (err) {
            socket.close();
            reject(err as Error);
          }
        };
        tick();
      });
    });
  });
}

const reply = (r: SenderReply) => process.send?.(r);

process.on('disconnect', () => process.exit(0));
process.on('message', (cmd: SenderCommand) => {
  void (async () => {
    try {
      if (cmd.type === 'exit') process.exit(0);
      if (cmd.type === 'prepare') {
        const t0 = performance.now();
        pool = encodeTraps(cmd.spec, cmd.count);
        const meanBytes = pool.reduce((s, b) => s + b.length, 0) / pool.length;
        reply({ type: 'prepared', count: pool.length, meanBytes, encodeMs: performance.now() - t0 });
      } else if (cmd.type === 'blast') {
        reply(await blast(cmd));
      }
    } catch (err) {
      reply({ type: 'failed', error: (err as Error).stack ?? String(err) });
    }
  })();
});
