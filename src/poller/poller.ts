import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { SnmpCredentials } from '../config/schema.js';
import { detectProfile } from '../profiles/detect.js';
import type { Profile } from '../profiles/profile.js';
import { readDevice } from '../profiles/read-device.js';
import { readNode } from './read-node.js';
import { readOutletStates } from '../profiles/read-outlet-states.js';
import { NetSnmpClient, parseAddress, type SnmpClient } from '../snmp/snmp-client.js';
import type { StateStore } from '../state/state-store.js';
import { Semaphore } from './semaphore.js';

const WALK_RECHECK = 10;
const FOLLOW_UP_MS = 250;

export interface PollTarget {
  kind: 'pdu' | 'node';
  name: string;
  address: string;
  credentials: SnmpCredentials;
  intervalMs: number;
  /** PDUs: a profile name, or "auto" to detect one. */
  profile?: string;
}

export interface PollerOptions {
  store: StateStore;
  clock: Clock;
  log: Logger;
  timeoutMs: number;
  retries: number;
  concurrency: number;
  /** Injected for tests; net-snmp by default. */
  connect?: (target: PollTarget, timeoutMs: number, retries: number) => SnmpClient;
}

interface Scheduled {
  target: PollTarget;
  client: SnmpClient;
  profile: Profile | null;
  timer: { cancel(): void } | null;
  inFlight: Promise<void> | null;
  /** When the in-flight poll started asking (after waiting for a slot). */
  inFlightSince: number;
  /** Polls since a node's agent last served any table (0: it does). */
  walkless: number;
}


/** Polls every device on its own interval under one concurrency cap. Never throws: failures become facts. */
export class Poller {
  private readonly devices = new Map<string, Scheduled>();
  private readonly limit: Semaphore;
  private running = false;

  constructor(private readonly options: PollerOptions) {
    this.limit = new Semaphore(options.concurrency);
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
      const connect = this.options.connect ?? defaultConnect;
      this.devices.set(k, { target, client: connect(target, this.options.timeoutMs, this.options.retries), profile: null, timer: null, inFlight: null, inFlightSince: 0, walkless: 0 });
      if (this.running) this.schedule(k, this.jitter(target));
    }
  }

  start(): void {
    this.running = true;
    for (const [k, device] of this.devices) this.schedule(k, this.jitter(device.target));
  }

  stop(): void {
    this.running = false;
    for (const k of [...this.devices.keys()]) this.remove(k);
  }

  /** Polls one device now; resolves when its facts are recorded. */
  pollNow(kind: 'pdu' | 'node', name: string): Promise<void> {
    const k = `${kind}:${name}`;
    const device = this.devices.get(k);
    if (!device) return Promise.resolve();
    return device.inFlight ?? this.run(k, device);
  }

  /**
   * A poll that began asking no earlier than `since` (to confirm a trap received then): joins one
   * in flight that qualifies, else waits for it and polls again. False when the device is not polled.
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
    await (device.inFlight && device.inFlightSince >= since ? device.inFlight : this.run(k, device));
    return true;
  }

  /**
   * Confirms a trap about a PDU fast, with a read that begins now: the named outlets' states in
   * one GET where the profile keys an outlet table by outlet number, else its outlets and banks;
   * a full poll follows. A device not yet read in full gets a full poll. False when not polled.
   */
  async confirmPdu(name: string, since: number, outlets: readonly number[] = []): Promise<boolean> {
    const device = this.devices.get(`pdu:${name}`);
    if (!device) return false;
    const profile = device.profile;
    if (!profile || !this.options.store.pdu(name)?.reading) return this.pollSince('pdu', name, since);
    await this.limit.run(async () => {
      const { store, clock } = this.options;
      const states = outlets.length > 0 ? await readOutletStates(device.client, profile, outlets) : null;
      if (states) return store.recordOutletStates(name, clock.now(), states);
      const parts = await readDevice(device.client, profile, { only: ['outlets', 'banks'] });
      if (parts.ok) store.recordPduParts(name, clock.now(), parts.value);
      else store.recordPdu(name, clock.now(), { ok: false, error: parts.error });
    });
    // The whole picture follows, once the drain the quick read may trigger has gone out.
    this.options.clock.setTimeout(() => { if (this.running) void this.pollSince('pdu', name, this.options.clock.now()); }, FOLLOW_UP_MS);
    return true;
  }

  private schedule(k: string, delayMs: number): void {
    const device = this.devices.get(k);
    if (!device || !this.running) return;
    device.timer?.cancel();
    device.timer = this.options.clock.setTimeout(() => {
      const started = this.options.clock.now();
      void this.run(k, device).then(() => {
        const elapsed = this.options.clock.now() - started;
        if (this.devices.get(k) === device) this.schedule(k, Math.max(0, device.target.intervalMs - elapsed));
      });
    }, delayMs);
  }

  private run(k: string, device: Scheduled): Promise<void> {
    if (device.inFlight) return device.inFlight;
    device.inFlight = this.limit.run(() => {
      device.inFlightSince = this.options.clock.now();
      return this.poll(device);
    })
      .catch((err) => this.options.log.error({ err, device: k }, 'poll failed unexpectedly'))
      .finally(() => { device.inFlight = null; });
    return device.inFlight;
  }

  private async poll(device: Scheduled): Promise<void> {
    const { store, clock } = this.options;
    const { target, client } = device;
    if (target.kind === 'node') {
      // Agents that serve no HOST-RESOURCES or IF-MIB tables are asked for them every tenth poll only.
      const walk = device.walkless % WALK_RECHECK === 0;
      const result = await readNode(client, { walk });
      if (result.ok && walk) device.walkless = result.value.interfaces === null && result.value.cpuLoad === null ? 1 : 0;
      else if (device.walkless > 0) device.walkless++;
      const at = clock.now();
      store.recordNode(target.name, at, result.ok ? { ok: true, reading: result.value } : { ok: false, error: result.error });
      return;
    }
    if (!device.profile) {
      const detected = await detectProfile(client, target.profile ?? 'auto');
      if (!detected.ok) return store.recordPdu(target.name, clock.now(), { ok: false, error: detected.error });
      device.profile = detected.value;
      this.options.log.info({ pdu: target.name, profile: detected.value.name }, 'profile selected');
    }
    const reading = await readDevice(client, device.profile);
    const at = clock.now();
    if (!reading.ok) store.recordPdu(target.name, at, { ok: false, error: reading.error });
    else store.recordPdu(target.name, at, { ok: true, reading: reading.value });
  }

  private remove(k: string): void {
    const device = this.devices.get(k);
    if (!device) return;
    device.timer?.cancel();
    device.client.close();
    this.devices.delete(k);
  }

  /** Spreads first polls over a second so a restart does not burst every device at once. */
  private jitter(target: PollTarget): number {
    return Math.floor(Math.random() * Math.min(1_000, target.intervalMs));
  }
}

function defaultConnect(target: PollTarget, timeoutMs: number, retries: number): SnmpClient {
  const { host, port } = parseAddress(target.address);
  return new NetSnmpClient({ host, port, credentials: target.credentials, timeoutMs, retries });
}

function key(t: PollTarget): string {
  return `${t.kind}:${t.name}`;
}
