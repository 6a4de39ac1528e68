import type { DeviceReading } from '../model.js';
import type { NodeReading } from '../poller/read-node.js';
import { inferBreaker } from '../profiles/read-device.js';
import { share } from './share.js';

interface DeviceFacts {
  name: string;
  /** Did the last poll get an answer? null until the first poll ends. */
  reachable: boolean | null;
  lastPollAt: number | null;
  lastOkAt: number | null;
  error: string | null;
}

export interface PduFacts extends DeviceFacts {
  reading: DeviceReading | null;
}

export interface NodeFacts extends DeviceFacts {
  /** The latest answer, with host uptime (hundredths of a second) at lastOkAt. */
  reading: NodeReading | null;
  /** Start of the current run of answered polls. */
  reachableSince: number | null;
  /** When sysUpTime was last seen to go backwards. */
  lastRebootAt: number | null;
}

/** `adopted`: the facts came from another process of a cluster, not from this one's own poll. */
export type FactChange = { kind: 'pdu' | 'node'; name: string; adopted?: true };

/** A device that broke a polling bound (deadline, rows, value size): its readings are ignored until a clean poll. */
export interface Misbehaving {
  /** A fixed text naming the bound, never data from the device. */
  reason: string;
  since: number;
  lastAt: number;
}

/**
 * A poll that failed; `answered`: the device did answer (a malformed message, or only some requests),
 * so it is reachable, but the poll yields no usable reading.
 */
export type FailedPoll = { ok: false; error: string; answered?: boolean };

/** The freshest facts about every device, each with its time. Observations in, changes out. */
export class StateStore {
  private readonly pdus = new Map<string, PduFacts>();
  private readonly nodes = new Map<string, NodeFacts>();
  private readonly misbehavingDevices = new Map<string, Misbehaving>();
  private readonly listeners = new Set<(change: FactChange) => void>();
  /** Bumped on every observation: whatever is derived from the facts can be cached against it. */
  version = 0;
  /** When the latest poll of any device was recorded (answered or not): Breakerbox's own polling is alive. */
  lastRecordAt: number | null = null;

  pdu(name: string): PduFacts | undefined {
    return this.pdus.get(name);
  }

  node(name: string): NodeFacts | undefined {
    return this.nodes.get(name);
  }

  recordPdu(name: string, at: number, outcome: { ok: true; reading: DeviceReading } | FailedPoll): void {
    this.lastRecordAt = at;
    const before = this.pdus.get(name);
    // An answer proves the device is there, but nothing it said (nor an older reading) speaks for now.
    const facts: PduFacts = outcome.ok
      ? { name, reachable: true, lastPollAt: at, lastOkAt: at, error: null, reading: share(before?.reading, outcome.reading) }
      : outcome.answered
        ? { name, reachable: true, lastPollAt: at, lastOkAt: before?.lastOkAt ?? null, error: outcome.error, reading: null }
        : { name, reachable: false, lastPollAt: at, lastOkAt: before?.lastOkAt ?? null, error: outcome.error, reading: before?.reading ?? null };
    this.pdus.set(name, facts);
    this.emit({ kind: 'pdu', name });
  }

  /**
   * A quick read of some parts of a PDU (its outlets and banks, to confirm a trap): those parts
   * replace the last full reading's; the rest of it stays.
   */
  recordPduParts(name: string, at: number, parts: Pick<DeviceReading, 'outlets' | 'banks'>): void {
    this.lastRecordAt = at;
    const before = this.pdus.get(name);
    if (!before?.reading) return;
    this.pdus.set(name, { ...before, reachable: true, lastPollAt: at, lastOkAt: at, error: null, reading: { ...before.reading, outlets: share(before.reading.outlets, parts.outlets), banks: share(before.reading.banks, parts.banks) } });
    this.emit({ kind: 'pdu', name });
  }

  /** Outlet states read one by one (confirming a trap about them): the rest of the reading stays. */
  recordOutletStates(name: string, at: number, states: ReadonlyMap<number, 'on' | 'off' | 'unknown'>): void {
    this.lastRecordAt = at;
    const before = this.pdus.get(name);
    if (!before?.reading) return;
    const outlets = before.reading.outlets.map((o) => (states.has(o.index) ? { ...o, state: states.get(o.index)! } : o));
    // Banks whose breaker is inferred from their outlets follow them; their current is not known yet.
    const touched = new Set(outlets.filter((o) => states.has(o.index)).map((o) => o.bank));
    const banks = before.reading.banks.map((b) => (b.breakerInferred && touched.has(b.index)
      ? inferBreaker({ ...b, current: { value: null, quality: 'unknown' } }, outlets) : b));
    this.pdus.set(name, { ...before, reachable: true, lastPollAt: at, lastOkAt: at, error: null, reading: { ...before.reading, outlets, banks } });
    this.emit({ kind: 'pdu', name });
  }

  recordNode(name: string, at: number, outcome: { ok: true; reading: NodeReading } | FailedPoll): void {
    this.lastRecordAt = at;
    const before = this.nodes.get(name);
    if (!outcome.ok && outcome.answered) {
      this.nodes.set(name, {
        name, reachable: true, lastPollAt: at, lastOkAt: before?.lastOkAt ?? null, error: outcome.error, reading: before?.reading ?? null,
        reachableSince: before?.reachable === true && before.reachableSince !== null ? before.reachableSince : at, lastRebootAt: before?.lastRebootAt ?? null,
      });
    } else if (!outcome.ok) {
      this.nodes.set(name, {
        name, reachable: false, lastPollAt: at, lastOkAt: before?.lastOkAt ?? null, error: outcome.error,
        reading: before?.reading ?? null, reachableSince: null, lastRebootAt: before?.lastRebootAt ?? null,
      });
    } else {
      this.nodes.set(name, {
        name, reachable: true, lastPollAt: at, lastOkAt: at, error: null, reading: share(before?.reading, outcome.reading),
        reachableSince: before?.reachable === true && before.reachableSince !== null ? before.reachableSince : at,
        lastRebootAt: rebooted(before?.reading ?? null, outcome.reading) ? at : before?.lastRebootAt ?? null,
      });
    }
    this.emit({ kind: 'node', name });
  }

  /** Facts another process of a cluster recorded: taken when newer than those held. True when taken. */
  adopt(kind: 'pdu', facts: PduFacts): boolean;
  adopt(kind: 'node', facts: NodeFacts): boolean;
  adopt(kind: 'pdu' | 'node', facts: PduFacts | NodeFacts): boolean {
    const map: Map<string, PduFacts | NodeFacts> = kind === 'pdu' ? this.pdus : this.nodes;
    const held = map.get(facts.name);
    if (held && (held.lastPollAt ?? 0) >= (facts.lastPollAt ?? 0)) return false;
    map.set(facts.name, facts);
    if (facts.lastPollAt !== null) this.lastRecordAt = Math.max(this.lastRecordAt ?? 0, facts.lastPollAt);
    this.emit({ kind, name: facts.name, adopted: true });
    return true;
  }

  misbehaving(kind: 'pdu' | 'node', name: string): Misbehaving | undefined {
    return this.misbehavingDevices.get(`${kind}:${name}`);
  }

  /** The device broke a polling bound: its readings are not recorded, so its facts age into unknown. True the first time. */
  markMisbehaving(kind: 'pdu' | 'node', name: string, at: number, reason: string): boolean {
    const key = `${kind}:${name}`;
    const before = this.misbehavingDevices.get(key);
    this.misbehavingDevices.set(key, { reason, since: before?.since ?? at, lastAt: at });
    if (!before || before.reason !== reason) this.emit({ kind, name });
    return !before;
  }

  /** A clean poll: the device is trusted again. True when it was misbehaving. */
  clearMisbehaving(kind: 'pdu' | 'node', name: string): boolean {
    if (!this.misbehavingDevices.delete(`${kind}:${name}`)) return false;
    this.emit({ kind, name });
    return true;
  }

  /** Forget devices no longer configured (after a reload). */
  retain(pdus: Set<string>, nodes: Set<string>): void {
    for (const name of this.pdus.keys()) if (!pdus.has(name)) this.pdus.delete(name);
    for (const name of this.nodes.keys()) if (!nodes.has(name)) this.nodes.delete(name);
    for (const key of this.misbehavingDevices.keys()) {
      const [kind, name] = [key.slice(0, key.indexOf(':')), key.slice(key.indexOf(':') + 1)];
      if (!(kind === 'pdu' ? pdus : nodes).has(name)) this.misbehavingDevices.delete(key);
    }
  }

  onChange(listener: (change: FactChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(change: FactChange): void {
    this.version++;
    for (const listener of this.listeners) listener(change);
  }
}

/** Uptime went backwards on the same clock: a reboot (TimeTicks wrap after ~497 days is not one). */
function rebooted(before: NodeReading | null, now: NodeReading): boolean {
  if (!before || before.uptimeTicks === null || now.uptimeTicks === null || before.uptimeSource !== now.uptimeSource) return false;
  const WRAP_MARGIN = 2 ** 32 - 8_640_000; // within a day of the 32-bit wrap
  return now.uptimeTicks < before.uptimeTicks && before.uptimeTicks < WRAP_MARGIN;
}
