// The traps a simulated APC rack PDU raises: PowerNet-MIB's, sent as SNMPv2c notifications
// (snmpTrapOID = apc.0.<specific>, RFC 3584) in the shape real APC cards use (traps.json in the
// recordings): the MIB's arguments as `.0` instances, mtrapargsString, then snmpTrapEnterprise.0.
//
// Which traps, and why (PowerNet-MIB has no breaker-position object or trap for rPDU/rPDU2):
// - An outlet that loses or regains power: outletOff (.42) / outletOn (.41), mtrapargsInteger =
//   the outlet. The simulated card reads a de-energized outlet as "off" (rPDU2OutletSwitchedStatusState),
//   so a tripped bank turns each of its outlets that was on off, one trap each.
// - A tripped bank draws nothing; the card reads it as below its low-load threshold (its outlets have
//   no voltage) and raises rPDUBankPhaseLowLoad (.222; bank number, phase 0 = bank data): the sign of
//   an open breaker a 2G PDU gives. Cleared with rPDUBankPhaseLowLoadCleared (.223).
// - Load thresholds (near overload 80 %, overload 100 % of the rating) crossed by a bank (20 A breaker):
//   rPDUBankPhaseNearOverload/Overload (.224/.226) and their clears (.225/.227); by a phase (the inlet
//   rating): rPDUNearOverload/Overload (.274/.276) and clears (.275/.277) with the phase number, as
//   recorded from a real PDU; by an outlet: rPDUOutletNearOverload/Overload (.632/.634), clears (.633/.635).
// - A card that comes back (inlet restored, management card back) boots: coldStart, then whatever it
//   finds abnormal, measured against a freshly booted card's view (all outlets on, loads normal).
// - A card without power or unreachable sends nothing.
import snmp from 'net-snmp';

export const APC_ENTERPRISE = '1.3.6.1.4.1.318';
const SNMP_TRAP_ENTERPRISE = '1.3.6.1.6.3.1.1.4.3.0';
const COLD_START = '1.3.6.1.6.3.1.1.5.1';

/** The varbinds APC traps carry, with the `.0` instance real cards send even for table columns. */
export const TRAP_ARGS = {
  mtrapargsInteger: `${APC_ENTERPRISE}.2.3.1.0`,
  mtrapargsString: `${APC_ENTERPRISE}.2.3.3.0`,
  rPDUIdentName: `${APC_ENTERPRISE}.1.1.12.1.1.0`,
  rPDUIdentSerialNumber: `${APC_ENTERPRISE}.1.1.12.1.6.0`,
  rPDULoadStatusPhaseNumber: `${APC_ENTERPRISE}.1.1.12.2.3.1.1.4.0`,
  rPDULoadStatusBankNumber: `${APC_ENTERPRISE}.1.1.12.2.3.1.1.5.0`,
  rPDUOutletStatusIndex: `${APC_ENTERPRISE}.1.1.12.3.5.1.1.1.0`,
} as const;

export interface TrapVarbind { oid: string; type: snmp.ObjectType; value: number | string }

export interface ApcTrap {
  /** The MIB's name, for logs and tests. */
  name: string;
  /** snmpTrapOID.0 */
  oid: string;
  /** After sysUpTime.0 and snmpTrapOID.0, which the sender adds. */
  varbinds: TrapVarbind[];
}

/** What the card knows about alarms. Load states are rPDU2's: 1 low, 2 normal, 3 near overload, 4 overload. */
export interface PduAlarmState {
  /** Index n - 1: outlet n has power. */
  outletOn: boolean[];
  outletLoad: number[];
  bankLoad: number[];
  phaseLoad: number[];
}

export interface PduTrapIdentity { name: string; serial: string }

/** A freshly booted card: every outlet on, every load normal. */
export function bootState(like: PduAlarmState): PduAlarmState {
  return {
    outletOn: like.outletOn.map(() => true),
    outletLoad: like.outletLoad.map(() => 2),
    bankLoad: like.bankLoad.map(() => 2),
    phaseLoad: like.phaseLoad.map(() => 2),
  };
}

const I = snmp.ObjectType.Integer;
const S = snmp.ObjectType.OctetString;
const int = (oid: string, value: number): TrapVarbind => ({ oid, type: I, value });
const str = (oid: string, value: string): TrapVarbind => ({ oid, type: S, value });

function apcTrap(name: string, specific: number, args: TrapVarbind[], message: string): ApcTrap {
  return {
    name,
    oid: `${APC_ENTERPRISE}.0.${specific}`,
    varbinds: [...args, str(TRAP_ARGS.mtrapargsString, message), { oid: SNMP_TRAP_ENTERPRISE, type: snmp.ObjectType.OID, value: APC_ENTERPRISE }],
  };
}

export function coldStartTrap(): ApcTrap {
  return { name: 'coldStart', oid: COLD_START, varbinds: [] };
}

export function outletTrap(on: boolean, outlet: number): ApcTrap {
  return on
    ? apcTrap('outletOn', 41, [int(TRAP_ARGS.mtrapargsInteger, outlet)], 'An outlet has turned on. If the outlet number is 0, then all outlets have turned on.')
    : apcTrap('outletOff', 42, [int(TRAP_ARGS.mtrapargsInteger, outlet)], 'An outlet has turned off. If the outlet number is 0, then all outlets have turned off.');
}

type Scope = 'bank' | 'phase' | 'outlet';
/** Per abnormal load state: [name, specific, message] raised, then cleared. */
type Pair = readonly [string, number, string, string, number, string];
const LOAD_TRAPS: Record<Scope, Record<1 | 3 | 4, Pair>> = {
  bank: {
    1: ['rPDUBankPhaseLowLoad', 222, 'APC Rack PDU: Violation of bank or phase low load threshold.',
      'rPDUBankPhaseLowLoadCleared', 223, 'APC Rack PDU: Bank or phase low load condition cleared.'],
    3: ['rPDUBankPhaseNearOverload', 224, 'APC Rack PDU: Bank or phase near an overload condition.',
      'rPDUBankPhaseNearOverloadCleared', 225, 'APC Rack PDU: Bank or phase near overload condition has cleared.'],
    4: ['rPDUBankPhaseOverload', 226, 'APC Rack PDU: Bank or phase overload condition.',
      'rPDUBankPhaseOverloadCleared', 227, 'APC Rack PDU: Bank or phase overload condition has cleared.'],
  },
  phase: {
    1: ['rPDULowLoad', 272, 'APC Rack PDU: Violation of low load threshold.', 'rPDULowLoadCleared', 273, 'APC Rack PDU: Low load condition cleared.'],
    3: ['rPDUNearOverload', 274, 'Metered Rack PDU: Near overload.', 'rPDUNearOverloadCleared', 275, 'Metered Rack PDU: Near overload cleared.'],
    4: ['rPDUOverload', 276, 'APC Rack PDU: Overload condition.', 'rPDUOverloadCleared', 277, 'APC Rack PDU: Overload condition has cleared.'],
  },
  outlet: {
    1: ['rPDUOutletLowLoad', 630, 'APC Rack PDU: Violation of outlet low load threshold.',
      'rPDUOutletLowLoadCleared', 631, 'APC Rack PDU: Outlet low load condition cleared.'],
    3: ['rPDUOutletNearOverload', 632, 'APC Rack PDU: Near an outlet overload condition.',
      'rPDUOutletNearOverloadCleared', 633, 'APC Rack PDU: Outlet near overload condition has cleared.'],
    4: ['rPDUOutletOverload', 634, 'APC Rack PDU: Outlet overload condition.',
      'rPDUOutletOverloadCleared', 635, 'APC Rack PDU: Outlet overload condition has cleared.'],
  },
};

function loadArgs(scope: Scope, n: number, id: PduTrapIdentity): TrapVarbind[] {
  const head = [str(TRAP_ARGS.rPDUIdentSerialNumber, id.serial), str(TRAP_ARGS.rPDUIdentName, id.name)];
  if (scope === 'bank') return [...head, int(TRAP_ARGS.rPDULoadStatusBankNumber, n), int(TRAP_ARGS.rPDULoadStatusPhaseNumber, 0)];
  if (scope === 'phase') return [...head, int(TRAP_ARGS.rPDULoadStatusPhaseNumber, n)];
  return [...head, int(TRAP_ARGS.rPDUOutletStatusIndex, n)];
}

/** Load states are exclusive: leaving one clears it, entering an abnormal one raises it. */
function loadTraps(scope: Scope, prev: readonly number[], next: readonly number[], id: PduTrapIdentity): ApcTrap[] {
  const out: ApcTrap[] = [];
  next.forEach((to, i) => {
    const from = prev[i] ?? 2;
    if (from === to) return;
    const cleared = LOAD_TRAPS[scope][from as 1 | 3 | 4] as Pair | undefined;
    const raised = LOAD_TRAPS[scope][to as 1 | 3 | 4] as Pair | undefined;
    if (cleared) out.push(apcTrap(cleared[3], cleared[4], loadArgs(scope, i + 1, id), cleared[5]));
    if (raised) out.push(apcTrap(raised[0], raised[1], loadArgs(scope, i + 1, id), raised[2]));
  });
  return out;
}

/** The traps for a change of state: outlets switching (in outlet order), then outlet, bank and phase loads. */
export function alarmTraps(prev: PduAlarmState, next: PduAlarmState, id: PduTrapIdentity): ApcTrap[] {
  const out: ApcTrap[] = [];
  next.outletOn.forEach((on, i) => {
    if (on !== (prev.outletOn[i] ?? true)) out.push(outletTrap(on, i + 1));
  });
  out.push(...loadTraps('outlet', prev.outletLoad, next.outletLoad, id));
  out.push(...loadTraps('bank', prev.bankLoad, next.bankLoad, id));
  out.push(...loadTraps('phase', prev.phaseLoad, next.phaseLoad, id));
  return out;
}
