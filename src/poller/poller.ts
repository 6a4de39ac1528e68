import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { SnmpCredentials } from '../config/schema.js';
import type { NewEvent } from '../events/event-log.js';
import { answeredWithoutProfile } from '../profiles/detect.js';
import type { Profile } from '../profiles/profile.js';
import { systemOnly } from '../profiles/system.js';
import type { NodeReading } from './read-node.js';
import { NetSnmpClient, parseAddress, type SnmpClient, type SnmpResult, type SnmpTarget } from '../snmp/snmp-client.js';
import { SNMP_FAILURE_TEXT } from '../snmp/snmp-errors.js';
import type { DeviceReading } from '../model.js';
import type { StateStore } from '../state/state-store.js';
import { FairLimiter, type Lane } from './fair-limiter.js';
import { backoffDelay, deadlineFor, type PollLimits } from './poll-limits.js';
import { DevicePollCounts, PollStats, type DevicePolls, type PollTimes } from './poll-stats.js';
import { firstPollSpread, spreadPolls, untilPhase } from './poll-schedule.js';
import { localIo, type DeviceIo } from './device-io.js';
import { PollWorker, workerHeapMb } from './worker-io.js';

const WALK_RECHECK = 10;
/** A device no profile claims is detected again every this many polls. */
const REDETECT = 10;
const FOLLOW_UP_MS = 250;

/** How long inconclusive polls keep Breakerbox's health degraded after the last one. */
const INCONCLUSIVE_WINDOW_MS = 60_000;

export interface PollTarget {
  kind: 'pdu' | 'node';
  name: string;
  address: string;
  credentials: SnmpCredentials;
  intervalMs: number;
  /** PDUs: a profile name, or "auto" to detect one. */
  profile?: string;
  /** Bounds on one poll of this device (rows from its configured size); none: unbounded but for the client's own. */
  limits?: PollLimits;
}

export type { PollLimits } from './poll-limits.js';

/** Where the poller reports a device breaking its bounds (the event log). */
export interface EventSink {
  add(event: NewEvent): unknown;
}

export interface PollerOptions {
  store: StateStore;
  clock: Clock;
  log: Logger;
  timeoutMs: number;
  retries: number;
  concurrency: number;
  events?: EventSink;
  /** Injected for tests: every read on this thread through these clients. */
  connect?: (target: PollTarget, timeoutMs: number, retries: number) => SnmpClient;
  /**
   * Without `connect`: routine polls run in a worker thread (default), their sessions and decoding
   * off the main thread, while trap confirmations read on this thread, ahead of any routine answers.
   * False: everything on this thread.
   */
  worker?: boolean;
  /**
   * In a cluster: whether this process's routine polls include the device ("pdu:NAME"), asked at
   * each of its polls, so a share that moves takes effect at the device's next phase. Trap
   * confirmations poll any device. Absent: every device.
   */
  share?: (device: string) => boolean;
}

/** A device's session and the settings generation it was opened under. */
interface Session { io: DeviceIo; generation: number }

interface Scheduled {
  target: PollTarget;
  /** Null until the next poll opens one (after a deadline closed it, or new SNMP settings). */
  session: Session | null;
  /** Trap confirmations' own session on this thread, when routine polls run in the worker. */
  confirmSession: Session | null;
  profile: Profile | null;
  /** Polls read through the system group alone since detection last found no family. */
  unmatchedPolls: number;
  timer: { cancel(): void } | null;
  inFlight: Promise<void> | null;
  /** When the in-flight poll started asking (after waiting for a slot). */
  inFlightSince: number;
  /** Polls since a node's agent last served any table (0: it does). */
  walkless: number;
  /** Timed out, ran past its deadline or misbehaved last time: it gets only a share of the slots. */
  slow: boolean;
  /** Polls in a row that broke a bound (0: behaving); sets the backoff. */
  strikes: number;
  /** Where in its interval the device is polled, ms after the poller's epoch (steady polls fall on it). */
  phase: number;
}

type Outcome =
  | { kind: 'pdu'; result: SnmpResult<DeviceReading> }
  | { kind: 'node'; result: SnmpResult<NodeReading>; walked: boolean };


/**
 * Polls every device on its own interval under one fair concurrency cap (fair-limiter.ts), each poll
 * within its bounds (poll-limits.ts). Never throws: failures become facts.
 */
export class Poller {
  private readonly devices = new Map<string, Scheduled>();
  private readonly limit: FairLimiter;
  private readonly stats = new PollStats();
  private readonly perDevice = new DevicePollCounts();
  private running = false;
  private settings: { timeoutMs: number; retries: number; concurrency: number };
  /** When the poller started: every device's phase counts from it. */
  private epoch = 0;
  /** Bumped by configure(): sessions made under older settings are replaced at their next poll. */
  private generation = 0;
  /** Where routine polls run; null: on this thread. */
  private readonly worker: PollWorker | null;
  /** When polls ended inconclusive (see silentPollMaxMs), within the last window. */
  private inconclusive: number[] = [];

  constructor(private readonly options: PollerOptions) {
    this.settings = { timeoutMs: options.timeoutMs, retries: options.retries, concurrency: options.concurrency };
    this.limit = new FairLimiter(options.concurrency);
    this.worker = options.connect || options.worker === false ? null : new PollWorker(options.log, { heapMb: () => workerHeapMb(this.devices.size) });
  }

  /** New SNMP timeout, retries and concurrency for every device, without a restart: each gets a new session at its next poll. */
  configure(options: { timeoutMs: number; retries: number; concurrency: number }): void {
    const changed = options.timeoutMs !== this.settings.timeoutMs || options.retries !== this.settings.retries;
    this.settings = { ...options };
    this.limit.resize(options.concurrency);
    if (changed) this.generation++;
  }

  /** Replaces the set of targets; unchanged devices keep their session and schedule. */
  setTargets(targets: PollTarget[]): void {
    const wanted = new Map(targets.map((t) => [key(t), t]));
    for (const [k, device] of this.devices) {
      const next = wanted.get(k);
      if (!next || JSON.stringify(next) !== JSON.stringify(device.target)) this.remove(k);
    }
    for (const [k, target] of wanted) {
      if (this.devices.has(k)) continue;
      const device: Scheduled = { target, session: null, confirmSession: null, profile: null, unmatchedPolls: 0, timer: null, inFlight: null, inFlightSince: 0, walkless: 0, slow: false, strikes: 0, phase: 0 };
      this.devices.set(k, device);
      if (this.running) {
        // Added while running (a reload): anywhere in its interval, first polled soon.
        device.phase = this.options.clock.now() - this.epoch + Math.random() * target.intervalMs;
        this.schedule(k, this.jitter(target));
      }
    }
  }

  start(): void {
    this.running = true;
    this.epoch = this.options.clock.now();
    const slots = spreadPolls([...this.devices].map(([k, d]): [string, PollTarget] => [k, d.target]));
    for (const [k, slot] of slots) {
      this.devices.get(k)!.phase = slot.phase;
      this.schedule(k, slot.firstDelay);
    }
  }

  /** Stops every schedule and session (and the poll worker). */
  stop(): Promise<void> {
    this.running = false;
    for (const k of [...this.devices.keys()]) this.remove(k);
    return this.worker?.stop() ?? Promise.resolve();
  }

  /** Polls one device now; resolves when its facts are recorded. */
  pollNow(kind: 'pdu' | 'node', name: string): Promise<void> {
    const k = `${kind}:${name}`;
    const device = this.devices.get(k);
    if (!device) return Promise.resolve();
    return device.inFlight ?? this.run(k, device, 'confirm');
  }

  /**
   * A poll that began asking no earlier than `since` (to confirm a trap received then): joins one
   * in flight that qualifies, else waits for it and polls again, ahead of routine polls. False when the device is not polled.
   */
  async pollSince(kind: 'pdu' | 'node', name: string, since: number): Promise<boolean> {
    const k = `${kind}:${name}`;
    const device = this.devices.get(k);
    if (!device) return false;
    if (device.inFlight && device.inFlightSince >= since) {
      await device.inFlight;
      return true;
    }
    if (device.inFlight) await device.inFlight;
    if (this.devices.get(k) !== device) return false;
    await (device.inFlight && device.inFlightSince >= since ? device.inFlight : this.run(k, device, 'confirm'));
    return true;
  }

  /**
   * Confirms a trap about a PDU fast, with a read that begins now: the named outlets' states in
   * one GET where the profile keys an outlet table by outlet number, else its outlets and banks;
   * a full poll follows. A device not yet read in full gets a full poll. False when not polled.
   * Runs in the confirmation lane, within the device's deadline and bounds.
   */
  async confirmPdu(name: string, since: number, outlets: readonly number[] = []): Promise<boolean> {
    const k = `pdu:${name}`;
    const device = this.devices.get(k);
    if (!device) return false;
    const profile = device.profile;
    if (!profile || !this.options.store.pdu(name)?.reading || this.options.store.misbehaving('pdu', name)) return this.pollSince('pdu', name, since);
    await this.limit.run('confirm', false, async (release) => {
      const { store, clock } = this.options;
      const session = this.sessionOf(device, 'confirm');
      const quick = async (): Promise<void> => {
        const states = outlets.length > 0 ? await session.io.readOutletStates(profile, outlets) : null;
        if (states) return store.recordOutletStates(name, clock.now(), states);
        const parts = await session.io.readPdu(profile, { only: ['outlets', 'banks'], limits: device.target.limits });
        if (this.devices.get(k) !== device || !this.isOpen(device, session)) return; // past its deadline, or removed
        if (parts.ok) store.recordPduParts(name, clock.now(), parts.value);
        else if (parts.kind === 'limit') this.misbehave(k, device, parts.error);
        else store.recordPdu(name, clock.now(), { ok: false, error: parts.error, answered: parts.kind === 'malformed' });
      };
      await this.withDeadline(device, session, quick(), release);
    });
    // The whole picture follows, once the drain the quick read may trigger has gone out.
    this.options.clock.setTimeout(() => { if (this.running) void this.pollSince('pdu', name, this.options.clock.now()); }, FOLLOW_UP_MS);
    return true;
  }

  /** How the polls keep up: due → recorded per kind, and the polls running and waiting now. */
  load(): { pdu: PollTimes; node: PollTimes; running: number; waiting: number; devices: number; worker: ReturnType<PollWorker['load']> } {
    const active = this.limit.active();
    return { ...this.stats.times(), running: active.routine + active.confirm, waiting: this.limit.waitingCount(), devices: this.devices.size, worker: this.worker?.load() ?? null };
  }

  /** Each polled device's poll count, last duration and failures by kind (GET /metrics). */
  devicePolls(): Iterable<DevicePolls> {
    return this.perDevice.all();
  }

  /** Devices marked misbehaving now, by key (tests, diagnostics). */
  misbehaving(): string[] {
    return [...this.devices.entries()].filter(([, d]) => d.strikes > 0).map(([k]) => k);
  }

  private schedule(k: string, delayMs: number): void {
    const device = this.devices.get(k);
    if (!device || !this.running) return;
    device.timer?.cancel();
    device.timer = this.options.clock.setTimeout(() => {
      const started = this.options.clock.now();
      if (this.options.share && !this.options.share(k)) {
        // Another process of the cluster polls it: looked at again at its next phase.
        this.schedule(k, untilPhase({ epoch: this.epoch, phase: device.phase, intervalMs: device.target.intervalMs, started, now: started }));
        return;
      }
      void this.run(k, device, 'routine').then(() => {
        const elapsed = this.options.clock.now() - started;
        this.stats.record(device.target.kind, elapsed, device.target.intervalMs);
        // A misbehaving device waits its whole backoff after the poll; others are next polled at their phase.
        const wait = device.strikes > 0 ? backoffDelay(device.target.intervalMs, device.strikes) : untilPhase({ epoch: this.epoch, phase: device.phase, intervalMs: device.target.intervalMs, started, now: this.options.clock.now() });
        if (this.devices.get(k) === device) this.schedule(k, wait);
      });
    }, delayMs);
  }

  private run(k: string, device: Scheduled, lane: Lane): Promise<void> {
    if (device.inFlight) return device.inFlight;
    device.inFlight = this.limit.run(lane, device.slow, async (release) => {
      // Removed (or the poller stopped) while waiting for a slot: no session is opened for it again.
      if (this.devices.get(k) !== device) return;
      device.inFlightSince = this.options.clock.now();
      const session = this.sessionOf(device, lane);
      const client = session.io;
      const received = client.received;
      const outcome = await this.withDeadline(device, session, this.poll(device, client), release);
      if (this.devices.get(k) !== device) return;
      if (outcome === 'deadline') {
        // Something came back but the poll never finished: the device misbehaves. Nothing at all: it is silent.
        const answered = received === undefined || (client.received ?? 0) > received;
        if (answered) return this.misbehave(k, device, `poll ran past its deadline (${this.deadlineOf(device)} ms)`);
        device.slow = true;
        return this.record(device, { kind: device.target.kind, result: { ok: false, error: SNMP_FAILURE_TEXT.timeout, kind: 'timeout' } } as Outcome);
      }
      if (!outcome.result.ok && outcome.result.kind === 'limit') return this.misbehave(k, device, outcome.result.error);
      // Requests timed out, but others were answered: the device is there (never dark), its reading unusable.
      const partly = !outcome.result.ok && outcome.result.kind === 'timeout' && received !== undefined && (client.received ?? 0) > received;
      // Answering in more than half the timeout, or only in part: the device is slow, even if it answered in time.
      // A silent one is not: its poll ends at its first timeout, and its silence is what a power loss looks like.
      device.slow = (client.latencyMs ?? 0) > this.settings.timeoutMs / 2 || partly;
      this.record(device, outcome, partly);
    })
      .catch((err) => this.options.log.error({ err: err instanceof Error ? err.name : 'unknown', device: k }, 'poll failed unexpectedly'))
      .finally(() => { device.inFlight = null; });
    return device.inFlight;
  }

  /** The poll's outcome, or 'deadline' (its session closed, which ends every request still out, and its slot freed). */
  private async withDeadline<T>(device: Scheduled, session: Session, work: Promise<T>, release: () => void): Promise<T | 'deadline'> {
    let timer: { cancel(): void } | null = null;
    const deadline = new Promise<'deadline'>((resolve) => { timer = this.options.clock.setTimeout(() => resolve('deadline'), this.deadlineOf(device)); });
    const outcome = await Promise.race([work, deadline]);
    (timer as { cancel(): void } | null)?.cancel();
    if (outcome === 'deadline') {
      this.closeSession(device, session);
      release();
    }
    return outcome;
  }

  private deadlineOf(device: Scheduled): number {
    return deadlineFor(device.target.limits?.deadlineMs, this.settings.timeoutMs, this.settings.retries, device.target.intervalMs);
  }

  /** The device's open session for `lane`, opened (again) when there is none or it predates the settings. */
  private sessionOf(device: Scheduled, lane: Lane): Session {
    const field = this.worker && lane === 'confirm' ? 'confirmSession' : 'session';
    const current = device[field];
    if (current && current.generation === this.generation) return current;
    current?.io.close();
    const { timeoutMs, retries } = this.settings;
    let io: DeviceIo;
    if (this.options.connect) io = localIo(this.options.connect(device.target, timeoutMs, retries));
    else {
      const target: SnmpTarget = { ...parseAddress(device.target.address), credentials: device.target.credentials, timeoutMs, retries };
      io = this.worker && field === 'session' ? this.worker.open(target) : localIo(new NetSnmpClient(target));
    }
    return (device[field] = { io, generation: this.generation });
  }

  private isOpen(device: Scheduled, session: Session): boolean {
    return device.session === session || device.confirmSession === session;
  }

  /** Closes `session` (every request still out ends) and forgets it; the next poll opens another. */
  private closeSession(device: Scheduled, session: Session | null): void {
    session?.io.close();
    if (device.session === session) device.session = null;
    if (device.confirmSession === session) device.confirmSession = null;
  }

  private async poll(device: Scheduled, client: DeviceIo): Promise<Outcome> {
    const { target } = device;
    if (target.kind === 'node') {
      // Agents that serve no HOST-RESOURCES or IF-MIB tables are asked for them every tenth poll only.
      const walk = device.walkless % WALK_RECHECK === 0;
      return { kind: 'node', result: await client.readNode({ walk, limits: target.limits }), walked: walk };
    }
    // A device no family claims is read for its system group, and asked again every REDETECT polls (firmware changes).
    if (!device.profile || (device.profile === systemOnly && ++device.unmatchedPolls % REDETECT === 0)) {
      const detected = await client.detect(target.profile ?? 'auto');
      if (detected.ok) {
        device.profile = detected.value;
        this.options.log.info({ pdu: target.name, profile: detected.value.name }, 'profile selected');
      } else if (answeredWithoutProfile(detected.error)) {
        if (device.profile !== systemOnly) this.options.log.warn({ pdu: target.name, error: detected.error }, 'no vendor profile matches: reading its system group only');
        device.profile = systemOnly;
      } else return { kind: 'pdu', result: detected };
    }
    return { kind: 'pdu', result: await client.readPdu(device.profile, { limits: target.limits }) };
  }

  /**
   * Polls of silent devices whose silence was timed by a starved Breakerbox, not by the device,
   * in the last INCONCLUSIVE_WINDOW_MS: said by health while any, so nobody mistakes the unknowns.
   */
  overloaded(now: number): { count: number; since: number } | null {
    this.inconclusive = this.inconclusive.filter((t) => t > now - INCONCLUSIVE_WINDOW_MS);
    return this.inconclusive.length > 0 ? { count: this.inconclusive.length, since: this.inconclusive[0]! } : null;
  }

  /**
   * How long a poll of a silent device may take: it ends at its first request's last timeout. One
   * that took far longer (twice, and a second more) was timed by this process's own late timers — a
   * CPU-starved or paused monitor, whose answers wait unread while its timeouts fire first — and
   * proves nothing about the device.
   */
  private silentPollMaxMs(): number {
    return 2 * this.settings.timeoutMs * (this.settings.retries + 1) + 1_000;
  }

  private record(device: Scheduled, outcome: Outcome, partly = false): void {
    const { store, clock, events } = this.options;
    const { target } = device;
    const at = clock.now();
    const result = outcome.result;
    if (!result.ok && result.kind === 'timeout' && !partly && at - device.inFlightSince > this.silentPollMaxMs()) {
      // Recorded as nothing: the device's facts age into unknown (never "down", so nothing drains on it).
      if (this.inconclusive.length === 0 || at - this.inconclusive.at(-1)! > INCONCLUSIVE_WINDOW_MS) {
        this.options.log.warn({ device: `${target.kind}:${target.name}`, tookMs: at - device.inFlightSince, maxMs: this.silentPollMaxMs() }, 'a silent poll took far longer than its timeouts allow: Breakerbox itself was too slow to tell; nothing recorded');
      }
      this.inconclusive.push(at);
      while (this.inconclusive[0]! <= at - INCONCLUSIVE_WINDOW_MS) this.inconclusive.shift();
      return;
    }
    if (result.ok && device.strikes > 0) {
      device.strikes = 0;
      if (store.clearMisbehaving(target.kind, target.name)) {
        events?.add({ type: 'device-behaving', severity: 'info', subject: target.name, message: `${target.name} polled cleanly again; its readings are used again` });
      }
    }
    this.perDevice.record(target.kind, target.name, result.ok ? null : partly ? 'partial' : result.kind ?? 'unknown', at - device.inFlightSince);
    const failed = (r: { error: string; kind?: string }) => (partly
      ? { ok: false as const, error: SNMP_FAILURE_TEXT.partial, answered: true }
      : { ok: false as const, error: r.error, answered: r.kind === 'malformed' });
    if (outcome.kind === 'node') {
      const r = outcome.result;
      if (r.ok && outcome.walked) device.walkless = r.value.interfaces === null && r.value.cpuLoad === null ? 1 : 0;
      else if (device.walkless > 0) device.walkless++;
      store.recordNode(target.name, at, r.ok ? { ok: true, reading: r.value } : failed(r));
      return;
    }
    const r = outcome.result;
    store.recordPdu(target.name, at, r.ok ? { ok: true, reading: r.value } : failed(r));
  }

  /** Marks a device misbehaving: its reading from this poll is dropped, an event is raised once, and it is polled with backoff. */
  private misbehave(k: string, device: Scheduled, reason: string): void {
    const { store, clock, events, log } = this.options;
    const { target } = device;
    device.strikes++;
    device.slow = true;
    this.perDevice.record(target.kind, target.name, 'limit', null);
    // Fresh sessions next time: whatever the device still sends for this poll is not read.
    this.closeSession(device, device.session);
    this.closeSession(device, device.confirmSession);
    const wait = backoffDelay(target.intervalMs, device.strikes);
    if (store.markMisbehaving(target.kind, target.name, clock.now(), reason)) {
      events?.add({ type: 'device-misbehaving', severity: 'warning', subject: target.name, message: `${target.name} misbehaves: ${reason}; its readings are ignored and it is polled less often until a clean poll` });
    }
    log.warn({ device: k, reason, strikes: device.strikes, nextPollInMs: wait }, 'device misbehaving');
  }

  private remove(k: string): void {
    const device = this.devices.get(k);
    if (!device) return;
    device.timer?.cancel();
    this.closeSession(device, device.session);
    this.closeSession(device, device.confirmSession);
    this.devices.delete(k);
    this.perDevice.forget(device.target.kind, device.target.name);
  }

  /** A device added while running starts somewhere in the spread, so a reload that adds many does not burst either. */
  private jitter(target: PollTarget): number {
    return Math.floor(Math.random() * firstPollSpread(target.intervalMs, this.devices.size));
  }
}

function key(t: PollTarget): string {
  return `${t.kind}:${t.name}`;
}
