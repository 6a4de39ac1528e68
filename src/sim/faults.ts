// Fault specs for the simulator: shape checks (parseFaultSpec) and checks against the topology.
import type { Config } from '../config/schema.js';

export type FaultSpec =
  | { kind: 'bank-trip'; pdu: string; bank: number }
  | { kind: 'outlet-off'; pdu: string; outlet: number }
  | { kind: 'inlet-loss'; pdu: string }
  | { kind: 'pdu-unreachable'; pdu: string } // management card dead, power stays on
  | { kind: 'node-down'; node: string }; // the server itself is off / hung

export interface Fault {
  id: string;
  spec: FaultSpec;
  since: number; // epoch ms
}

/** A fault spec that is malformed or names something the topology does not have. */
export class SimFaultError extends Error {
  readonly code = 'BB_ERR_SIM_FAULT';
  constructor(message: string) {
    super(message);
    this.name = 'SimFaultError';
  }
}

export const FAULT_KINDS = ['bank-trip', 'outlet-off', 'inlet-loss', 'pdu-unreachable', 'node-down'] as const;
type Kind = FaultSpec['kind'];

/** Which fields each kind takes besides `kind`; anything else is refused so typos do not pass silently. */
const FIELDS: Record<Kind, readonly string[]> = {
  'bank-trip': ['pdu', 'bank'],
  'outlet-off': ['pdu', 'outlet'],
  'inlet-loss': ['pdu'],
  'pdu-unreachable': ['pdu'],
  'node-down': ['node'],
};

/** Checks the shape of a fault spec (e.g. from JSON over HTTP); throws SimFaultError saying what is wrong. */
export function parseFaultSpec(input: unknown): FaultSpec {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new SimFaultError('a fault spec must be an object such as {"kind": "bank-trip", "pdu": "dal3-r07-a", "bank": 1}');
  }
  const o = input as Record<string, unknown>;
  const kind = o['kind'];
  if (typeof kind !== 'string' || !(FAULT_KINDS as readonly string[]).includes(kind)) {
    throw new SimFaultError(`fault "kind" must be one of ${FAULT_KINDS.join(', ')}; got ${JSON.stringify(kind) ?? 'nothing'}`);
  }
  const k = kind as Kind;
  const extra = Object.keys(o).filter((key) => key !== 'kind' && !FIELDS[k].includes(key));
  if (extra.length > 0) {
    throw new SimFaultError(`${k} takes ${FIELDS[k].map((f) => `"${f}"`).join(' and ')}; unexpected ${extra.map((f) => `"${f}"`).join(', ')}`);
  }
  const text = (field: string): string => {
    const v = o[field];
    if (typeof v !== 'string' || v.length === 0) throw new SimFaultError(`${k} needs "${field}" (a name); got ${JSON.stringify(v) ?? 'nothing'}`);
    return v;
  };
  const positive = (field: string): number => {
    const v = o[field];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
      throw new SimFaultError(`${k} needs "${field}" (an integer from 1); got ${JSON.stringify(v) ?? 'nothing'}`);
    }
    return v;
  };
  switch (k) {
    case 'bank-trip': return { kind: k, pdu: text('pdu'), bank: positive('bank') };
    case 'outlet-off': return { kind: k, pdu: text('pdu'), outlet: positive('outlet') };
    case 'inlet-loss': return { kind: k, pdu: text('pdu') };
    case 'pdu-unreachable': return { kind: k, pdu: text('pdu') };
    case 'node-down': return { kind: k, node: text('node') };
  }
}

/** Checks that a well-formed spec names a real PDU/node and an existing bank or outlet. */
export function checkFaultTarget(spec: FaultSpec, config: Pick<Config, 'pdus' | 'nodes'>): void {
  if (spec.kind === 'node-down') {
    if (!config.nodes.some((n) => n.name === spec.node)) throw new SimFaultError(`${spec.kind}: unknown node "${spec.node}"`);
    return;
  }
  const pdu = config.pdus.find((p) => p.name === spec.pdu);
  if (!pdu) throw new SimFaultError(`${spec.kind}: unknown pdu "${spec.pdu}"`);
  if (spec.kind === 'bank-trip' && spec.bank > pdu.banks) {
    throw new SimFaultError(`${spec.kind}: pdu ${pdu.name} has ${pdu.banks} bank(s); there is no bank ${spec.bank}`);
  }
  if (spec.kind === 'outlet-off' && spec.outlet > pdu.outlets) {
    throw new SimFaultError(`${spec.kind}: pdu ${pdu.name} has ${pdu.outlets} outlets; there is no outlet ${spec.outlet}`);
  }
}

/** "bank 1 tripped on dal3-r07-a", for logs. */
export function describeFault(spec: FaultSpec): string {
  switch (spec.kind) {
    case 'bank-trip': return `bank ${spec.bank} breaker tripped on pdu ${spec.pdu}`;
    case 'outlet-off': return `outlet ${spec.outlet} switched off on pdu ${spec.pdu}`;
    case 'inlet-loss': return `inlet power lost on pdu ${spec.pdu}`;
    case 'pdu-unreachable': return `management card of pdu ${spec.pdu} unreachable`;
    case 'node-down': return `node ${spec.node} down`;
  }
}
