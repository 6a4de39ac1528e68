import type { DeviceReading } from '../model.js';

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
  /** sysUpTime in hundredths of a second at lastOkAt. */
  uptimeTicks: number | null;
  sysDescr: string | null;
  /** Start of the current run of answered polls. */
  reachableSince: number | null;
  /** When sysUpTime was last seen to go backwards. */
  lastRebootAt: number | null;
}

export type FactChange = { kind: 'pdu' | 'node'; name: string };

/** The freshest facts about every device, each with its time. Observations in, changes out. */
export class StateStore {
  private readonly pdus = new Map<string, PduFacts>();
  private readonly nodes = new Map<string, NodeFacts>();
  private readonly listeners = new Set<(change: FactChange) => void>();

  pdu(name: string): PduFacts | undefined {
    return this.pdus.get(name);
  }

  node(name: string): NodeFacts | undefined {
    return this.nodes.get(name);
  }

  recordPdu(name: string, at: number, outcome: { ok: true; reading: DeviceReading } | { ok: false; error: string }): void {
    const before = this.pdus.get(name);
    const facts: PduFacts = outcome.ok
      ? { name, reachable: true, lastPollAt: at, lastOkAt: at, error: null, reading: outcome.reading }
      : { name, reachable: false, lastPollAt: at, lastOkAt: before?.lastOkAt ?? null, error: outcome.error, reading: before?.reading ?? null };
    this.pdus.set(name, facts);
    this.emit({ kind: 'pdu', name });
  }

  recordNode(name: string, at: number, outcome: { ok: true; uptimeTicks: number | null; sysDescr: string | null } | { ok: false; error: string }): void {
    const before = this.nodes.get(name);
    if (!outcome.ok) {
      this.nodes.set(name, {
        name, reachable: false, lastPollAt: at, lastOkAt: before?.lastOkAt ?? null, error: outcome.error,
        uptimeTicks: before?.uptimeTicks ?? null, sysDescr: before?.sysDescr ?? null, reachableSince: null, lastRebootAt: before?.lastRebootAt ?? null,
      });
    } else {
      const rebooted = before?.uptimeTicks != null && outcome.uptimeTicks != null && outcome.uptimeTicks < before.uptimeTicks;
      this.nodes.set(name, {
        name, reachable: true, lastPollAt: at, lastOkAt: at, error: null,
        uptimeTicks: outcome.uptimeTicks, sysDescr: outcome.sysDescr,
        reachableSince: before?.reachable === true && before.reachableSince !== null ? before.reachableSince : at,
        lastRebootAt: rebooted ? at : before?.lastRebootAt ?? null,
      });
    }
    this.emit({ kind: 'node', name });
  }

  /** Forget devices no longer configured (after a reload). */
  retain(pdus: Set<string>, nodes: Set<string>): void {
    for (const name of this.pdus.keys()) if (!pdus.has(name)) this.pdus.delete(name);
    for (const name of this.nodes.keys()) if (!nodes.has(name)) this.nodes.delete(name);
  }

  onChange(listener: (change: FactChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(change: FactChange): void {
    for (const listener of this.listeners) listener(change);
  }
}
