// The main thread's side of the poll worker (poll-worker.ts): each device's session is opened
// there, and a DeviceIo here forwards its reads and resolves them with the worker's answers.
import type { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { DeviceReading } from '../model.js';
import { profileByName, profileKey } from '../profiles/index.js';
import type { Profile } from '../profiles/profile.js';
import type { SnmpResult, SnmpTarget } from '../snmp/snmp-client.js';
import { failure } from '../snmp/snmp-errors.js';
import { startWorker } from '../threads.js';
import type { ReadOptions } from '../profiles/read-device.js';
import type { DeviceIo, NodeReadOptions, OutletStates } from './device-io.js';
import { Interner } from './intern.js';
import { failedRead, POLL_WORKER_KIND, type PollWorkerData, type WorkerRead, type WorkerReply, type WorkerRequest, type WorkerStats } from './poll-worker.js';
import type { NodeReading } from './read-node.js';

interface Session { target: SnmpTarget; counters: SharedArrayBuffer }

/** One device's session in the worker, as the poller sees it. */
class WorkerIo implements DeviceIo {
  /** `counters`: [received, latencyMs], kept by the worker. */
  constructor(private readonly worker: PollWorker, private readonly id: number, private readonly counters: Float64Array) {}

  get received(): number { return this.counters[0]!; }
  get latencyMs(): number { return this.counters[1]!; }

  async detect(wanted: string): Promise<SnmpResult<Profile>> {
    const found = await this.worker.read(this.id, { kind: 'detect', wanted }) as SnmpResult<string>;
    if (!found.ok) return found;
    const profile = profileByName(found.value);
    return profile ? { ok: true, value: profile } : failure('unknown');
  }

  readPdu(profile: Profile, options: ReadOptions): Promise<SnmpResult<DeviceReading>> {
    return this.worker.read(this.id, { kind: 'pdu', profile: profileKey(profile), options }) as Promise<SnmpResult<DeviceReading>>;
  }

  readOutletStates(profile: Profile, outlets: readonly number[]): Promise<OutletStates | null> {
    return this.worker.read(this.id, { kind: 'outlets', profile: profileKey(profile), outlets }) as Promise<OutletStates | null>;
  }

  readNode(options: NodeReadOptions): Promise<SnmpResult<NodeReading>> {
    return this.worker.read(this.id, { kind: 'node', options }) as Promise<SnmpResult<NodeReading>>;
  }

  close(): void {
    this.worker.close(this.id);
  }
}

/**
 * One worker thread for every device's routine polls, started at the first session and stopped
 * with the poller. If it ever dies, the reads it held fail as cancelled, a new one starts, and
 * every session open in the old one is opened again in it. One that dies within `cooldownMs` of
 * starting (a broken install, a heap too small) is replaced only after that long, its polls failing
 * as cancelled meanwhile: never a loop of workers starting and dying.
 */
export class PollWorker {
  private worker: Worker | null = null;
  private readonly sessions = new Map<number, Session>();
  /** Reads out in the worker: how to answer each, and what it answers if the worker goes away. */
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; failed: unknown }>();
  /** Readings arrive as clones: their repeated short strings are kept once. */
  private readonly interner = new Interner();
  private nextSession = 1;
  private nextRead = 1;
  private stopped = false;
  private starts = 0;
  /** Wall-clock time, as a thread's life is: no injected clock models it. */
  private startedAt = 0;
  /** Until then no worker is started (the last one died soon after starting). */
  private coolingUntil = 0;
  private stats: WorkerStats | null = null;
  private readonly heapMb: () => number;
  private readonly statsMs: number;
  private readonly cooldownMs: number;

  /**
   * `heapMb`: the worker's old-generation limit when it starts, from the devices it will serve;
   * `statsMs`: how often it reports its heap and event-loop lag.
   */
  constructor(private readonly log: Logger, options: { heapMb?: () => number; statsMs?: number; cooldownMs?: number } = {}) {
    this.heapMb = options.heapMb ?? (() => workerHeapMb(0));
    this.statsMs = options.statsMs ?? 5_000;
    this.cooldownMs = options.cooldownMs ?? 10_000;
  }

  /** The worker's latest figures, and how many workers have started (null before the first report). */
  load(): (WorkerStats & { starts: number }) | null {
    return this.stats && { ...this.stats, starts: this.starts };
  }

  open(target: SnmpTarget): DeviceIo {
    const id = this.nextSession++;
    const session: Session = { target, counters: new SharedArrayBuffer(16) };
    this.sessions.set(id, session);
    this.send({ op: 'open', session: id, target, counters: session.counters });
    return new WorkerIo(this, id, new Float64Array(session.counters));
  }

  /** Forgets session `id` and closes it in the worker (again: nothing). */
  close(id: number): void {
    if (!this.sessions.delete(id)) return;
    this.send({ op: 'close', session: id });
  }

  /**
   * Stops the worker; reads still out resolve as cancelled. The worker closes its sockets and ends by itself
   * (terminating a thread while a socket of it receives can abort the whole process); one that does not
   * within STOP_GRACE_MS is terminated.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    const worker = this.worker;
    this.worker = null;
    this.failPending();
    if (!worker) return;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.postMessage({ op: 'stop' } satisfies WorkerRequest);
    const late = setTimeout(() => void worker.terminate(), STOP_GRACE_MS);
    await exited;
    clearTimeout(late);
  }

  /** The thread now serving, if any (a test stops it to play a crash). */
  threadForTests(): Worker | null {
    return this.worker;
  }

  /** A read on session `id`, answered by the worker, or at once as failed when it cannot be. */
  read(session: number, read: WorkerRead): Promise<unknown> {
    const failed = failedRead(read, failure('cancelled', 'session closed'));
    if (!this.sessions.has(session) || this.stopped || Date.now() < this.coolingUntil) return Promise.resolve(failed);
    const id = this.nextRead++;
    return new Promise((resolve) => {
      this.pending.set(id, { resolve, failed });
      this.send({ op: 'read', session, id, read });
    });
  }

  private send(message: WorkerRequest): void {
    // Cooling down: the sessions are all opened in the next worker when it starts.
    if (this.stopped || Date.now() < this.coolingUntil) return;
    this.started().postMessage(message);
  }

  private started(): Worker {
    if (this.worker) return this.worker;
    const resourceLimits = { maxOldGenerationSizeMb: this.heapMb(), maxYoungGenerationSizeMb: WORKER_YOUNG_MB };
    const workerData: PollWorkerData = { kind: POLL_WORKER_KIND, statsMs: this.statsMs };
    const worker = startWorker(import.meta.url, 'poll-worker', { workerData, resourceLimits });
    this.starts++;
    this.startedAt = Date.now();
    worker.on('message', (m: WorkerReply) => {
      if ('stats' in m) {
        this.stats = m.stats;
        return;
      }
      const read = this.pending.get(m.id);
      this.pending.delete(m.id);
      read?.resolve(this.interner.walk(m.value));
    });
    worker.on('error', (err) => this.log.error({ err: err.name, code: (err as { code?: string }).code, heapMb: resourceLimits.maxOldGenerationSizeMb }, 'poll worker failed'));
    worker.on('exit', (code) => {
      if (this.worker !== worker) return; // stopped, or already replaced
      this.worker = null;
      this.failPending();
      const reopen = () => {
        if (this.stopped || this.worker) return;
        for (const [id, s] of this.sessions) this.send({ op: 'open', session: id, target: s.target, counters: s.counters });
      };
      if (Date.now() - this.startedAt >= this.cooldownMs) {
        this.log.error({ code }, 'poll worker stopped unexpectedly; starting another');
        return reopen();
      }
      this.log.error({ code, nextInMs: this.cooldownMs }, 'poll worker stopped soon after starting; polls fail until another starts');
      this.coolingUntil = Date.now() + this.cooldownMs;
      setTimeout(() => { this.coolingUntil = 0; reopen(); }, this.cooldownMs).unref();
    });
    this.worker = worker;
    return worker;
  }

  private failPending(): void {
    for (const read of this.pending.values()) read.resolve(read.failed);
    this.pending.clear();
  }
}

/**
 * The poll worker's young generation: what a poll allocates dies young, and V8's default (32 MB
 * committed for its two semi-spaces) only holds it longer; 12 MB (4 MB semi-spaces) costs more,
 * shorter scavenges and no more CPU.
 */
const WORKER_YOUNG_MB = 12;
/** How long a stopping worker has to close its sockets and end before it is terminated. */
const STOP_GRACE_MS = 2_000;

/**
 * The poll worker's heap limit for `devices`: its sessions and polls in flight hold about 5 KB a
 * device; three times that and a floor leave V8 room without the fourfold headroom it takes
 * unbounded, where the garbage of a thousand polls a minute piled up to four times the live heap.
 */
export function workerHeapMb(devices: number): number {
  return Math.max(256, Math.ceil((devices * 16) / 1024));
}
