import type { InletField, Profile, ScalarSource, TrapDefinition, TrapEvent, ValueSpec } from './profile.js';

// Western Telematic (WTI) power switches and PDUs: WTI-POWER-MIB (V6.00) and the older WTI-MPC-MIB (V3.00) it extends.
// Both define the same tree (westernTelematic 3) with the same objects; the POWER-MIB adds each plug's current and power.
// One profile reads both: an MPC-MIB unit simply does not answer the metering columns.
// Units per the MIBs' DESCRIPTIONs: currents in tenths of amps, power in watts. The MIBs define no identity objects
// (model, serial, firmware) and no product OIDs under the enterprise.
const WTI = '1.3.6.1.4.1.2634.3'; // power (WTI-POWER-MIB), wti (WTI-MPC-MIB)
const plug = `${WTI}.100.200.1`; // plugEntry, INDEX plugIndex
const environment = `${WTI}.200`; // environmentTables
const traps = `${WTI}.300`; // wtiTraps

const text: ValueSpec = { type: 'string' };
const deciAmps: ValueSpec = { type: 'number', scale: 0.1, min: 0, max: 1_000 };
const watts: ValueSpec = { type: 'number', min: 0, max: 1_000_000 };

// environmentBranch{A..D}Total{Current,Power}: each branch (a power circuit with its own cord) summed over the local and
// AUX units. The MIB gives the branch voltage only per unit, and no branch or breaker state.
function branch(entity: number, name: string, current: number, power: number): ScalarSource<InletField> {
  return {
    entity,
    scalars: { current: { oid: `${environment}.${current}.0`, ...deciAmps }, power: { oid: `${environment}.${power}.0`, ...watts } },
    constants: { name },
  };
}

// SNMPv1 TRAP-TYPEs: ENTERPRISE wtiTraps.N, specific 1 (set) and 2 (clear), as snmpTrapOID enterprise.0.specific (RFC 3584).
// They carry only trapInfo (text), so no entity is read from them.
function pair(n: number, name: string, set: TrapEvent, clear?: TrapEvent): TrapDefinition[] {
  const out: TrapDefinition[] = [{ oid: `${traps}.${n}.0.1`, name: `${name}SetTrap`, event: set }];
  if (clear) out.push({ oid: `${traps}.${n}.0.2`, name: `${name}ClearTrap`, event: clear });
  return out;
}

export const wtiPdu: Profile = {
  name: 'wti-pdu',
  vendor: 'WTI',
  kind: 'pdu',
  mibs: ['WTI-POWER-MIB', 'WTI-MPC-MIB'],
  detect: {
    sysObjectId: [WTI], // the MIBs' own node; units on an embedded Linux agent give its sysObjectID, and are found by probe
    probe: [`${plug}.3`, `${environment}.10.1.2`], // plugStatus, environmentUnitName
  },
  identity: {},
  device: {
    power: [{ oid: `${environment}.70.0`, ...watts }], // environmentSystemTotalPower
  },
  inlets: [
    branch(1, 'A', 20, 30),
    branch(2, 'B', 40, 50),
    branch(3, 'C', 51, 52),
    branch(4, 'D', 53, 54),
  ],
  outlets: [
    { // plugTable: plugName (user-set), else plugID
      entry: plug,
      fields: {
        name: { column: 5, ...text },
        // plugStatus INTEGER (0..1): the MIB names no values; WTI's guides: 0 plug is OFF, 1 plug is ON
        state: { column: 3, type: 'enum', map: { 0: 'off', 1: 'on' } },
        current: { column: 7, ...deciAmps }, power: { column: 8, ...watts }, // plugCurrent (tenths of amps), plugPower (W): WTI-POWER-MIB only
      },
    },
    { entry: plug, fields: { name: { column: 2, ...text } } }, // plugID
  ],
  // environmentUnitTemperature: "the temperature of the unit", in no unit the MIBs name: not read.
  traps: [
    ...pair(2, 'test', 'test').map((t) => ({ ...t, name: 'testTrap' })),
    ...pair(4, 'overCurrentInitial', 'near-overload', 'near-overload-cleared'),
    ...pair(5, 'overCurrentCritical', 'overload', 'overload-cleared'),
    ...pair(8, 'circuitBreakerOpen', 'breaker-tripped', 'breaker-reset'),
    ...pair(9, 'lostComm', 'communication-lost', 'communication-restored'), // with an AUX unit
    ...pair(10, 'lostVoltage', 'inlet-lost', 'inlet-restored'), // Lost Voltage (Line In)
  ],
};
