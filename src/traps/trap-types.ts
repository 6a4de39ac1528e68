import type { TrapEvent } from '../profiles/profile.js';

/** One varbind of a received trap, decoded: OctetStrings as text, OIDs as dotted strings, Counter64 as numbers. */
export interface TrapVarbind {
  oid: string;
  type: number;
  value: string | number | null;
}

/** A trap or inform as it arrived, before anyone decided what it means. */
export interface IncomingTrap {
  version: '1' | '2c' | '3';
  /** Sender address (UDP source): the only address a trap cannot make up. */
  source: string;
  /** Sender port (UDP source). */
  sourcePort: number;
  /** The device the trap names: SNMPv1's agent-addr, else snmpTrapAddress.0 (RFC 3584). Anyone can write it: trusted only when `relayed`. */
  agentAddress: string | null;
  /** True when the sender is a configured relay, so `agentAddress` is the device the trap is about. */
  relayed: boolean;
  /** snmpTrapOID.0, or the v1 trap converted per RFC 3584. */
  trapOid: string;
  /** The v3 user, for the journal; communities are never kept. */
  user: string | null;
  inform: boolean;
  varbinds: TrapVarbind[];
  receivedAt: number;
}

export interface TrapEntity {
  outlet?: number;
  bank?: number;
  phase?: number;
  inlet?: number;
}

/** What a trap means: the profile that defines it, its MIB name, the normalized event and the entity it is about. */
export interface Classification {
  profile: string | null;
  name: string | null;
  event: TrapEvent | 'unclassified';
  entity: TrapEntity;
}

/** Normalized events that are faults: confirmed by an immediate poll of the device before anything acts. */
export const FAULT_EVENTS: ReadonlySet<string> = new Set<TrapEvent>([
  'outlet-off', 'breaker-tripped', 'inlet-lost', 'on-battery', 'battery-low', 'battery-discharged', 'overload', 'communication-lost', 'redundancy-lost', 'source-transfer',
]);
