// The poll worker: SNMP sessions, their datagrams and the decoding of every answer into readings
// run here, so the bursts of answers a thousand PDUs send never hold up the main thread, where
// traps are confirmed, drains decided and the wall served. Only readings cross (structured clone).
import { getHeapStatistics } from 'node:v8';
import { parentPort, workerData } from 'node:worker_threads';
import { ProcessMonitor } from '../process-load.js';
import { profileByName, profileKey } from '../profiles/index.js';
import type { ReadOptions } from '../profiles/read-device.js';
import { NetSnmpClient, type SnmpResult, type SnmpTarget } from '../snmp/snmp-client.js';
import { failure, type SnmpFailure } from '../snmp/snmp-errors.js';
import { localIo, type DeviceIo, type NodeReadOptions } from './device-io.js';

export const POLL_WORKER_KIND = 'breakerbox-poll-worker';

/** A read, with profiles by key (name, and variant: the worker has its own copy of each). */
export type WorkerRead =
  | { kind: 'detect'; wanted: string }
  | { kind: 'pdu'; profile: string; options: ReadOptions }
  | { kind: 'outlets'; profile: string; outlets: readonly number[] }
  | { kind: 'node'; options: NodeReadOptions };

export type WorkerRequest =
  /** `counters`: [received, latencyMs], written here, read there (a Float64Array over it). */
  | { op: 'open'; session: number; target: SnmpTarget; counters: SharedArrayBuffer }
  | { op: 'close'; session: number }
  | { op: 'read'; session: number; id: number; read: WorkerRead }
  /** Close every socket and end: terminating a thread while a socket may receive can abort the process. */
  | { op: 'stop' };

/** A read's answer (detect answers with the profile's name), or the worker's own figures, sent every `statsMs`. */
export type WorkerReply = { id: number; value: unknown } | { stats: WorkerStats };
export interface WorkerStats { heapUsedBytes: number; heapLimitBytes: number; eventLoopLagMs: { p50: number; p99: number; max: number } }
export interface PollWorkerData { kind: typeof POLL_WORKER_KIND; statsMs: number }

/** What a read that cannot be done answers: an outlet-state read null (read the tables instead), others the failure. */
export function failedRead(read: WorkerRead, failed: SnmpFailure): unknown {
  return read.kind === 'outlets' ? null : failed;
}

function serve(port: NonNullable<typeof parentPort>, statsMs: number): void {
  const sessions = new Map<number, DeviceIo>();
  const monitor = new ProcessMonitor(statsMs);
  setInterval(() => {
    const heap = getHeapStatistics();
    port.postMessage({ stats: { heapUsedBytes: heap.used_heap_size, heapLimitBytes: heap.heap_size_limit, eventLoopLagMs: monitor.load().eventLoopLagMs } } satisfies WorkerReply);
  }, statsMs).unref();
  const run = async (io: DeviceIo, read: WorkerRead): Promise<unknown> => {
    switch (read.kind) {
      case 'detect': {
        const found = await io.detect(read.wanted);
        return found.ok ? { ok: true, value: profileKey(found.value) } satisfies SnmpResult<string> : found;
      }
      case 'pdu': return io.readPdu(profileOrThrow(read.profile), read.options);
      case 'outlets': return io.readOutletStates(profileOrThrow(read.profile), read.outlets);
      case 'node': return io.readNode(read.options);
    }
  };
  port.on('message', (m: WorkerRequest) => {
    if (m.op === 'open') {
      sessions.get(m.session)?.close();
      const counters = new Float64Array(m.counters);
      const client = new NetSnmpClient(m.target, counters);
      client.received = counters[0]!; // opened again in a new worker: the count goes on
      sessions.set(m.session, localIo(client));
    } else if (m.op === 'stop') {
      for (const io of sessions.values()) io.close();
      sessions.clear();
      port.close(); // nothing left to keep the thread: it ends
    } else if (m.op === 'close') {
      sessions.get(m.session)?.close();
      sessions.delete(m.session);
    } else {
      const io = sessions.get(m.session);
      const reply = (value: unknown) => port.postMessage({ id: m.id, value } satisfies WorkerReply);
      if (!io) return reply(failedRead(m.read, failure('cancelled', 'session closed')));
      run(io, m.read).then(reply, () => reply(failedRead(m.read, failure('unknown'))));
    }
  });
}

function profileOrThrow(name: string) {
  const profile = profileByName(name);
  if (!profile) throw new Error(`unknown profile ${name}`);
  return profile;
}

const data = workerData as Partial<PollWorkerData> | null;
if (parentPort && data?.kind === POLL_WORKER_KIND) serve(parentPort, data.statsMs ?? 5_000);
