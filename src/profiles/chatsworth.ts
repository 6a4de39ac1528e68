import type { EntityFrom, Profile, ScalarSpec, TrapDefinition, TrapEvent, ValueSpec } from './profile.js';

// Chatsworth Products (CPI) eConnect PDUs: CPI-UNITY-MIB. Its Unity tables (products 10, econnect) are read; the legacy
// cpiPDU scalars (products 1) it consolidates give only the identity, which the Unity tree keeps in a MAC-keyed table.
//
// Every Unity table holds the rows of every PDU in a daisy chain (SecureArray, up to 32 units), indexed by the row's own
// ID and then the owning unit's MAC (ID.6.m1…m6 as agents send it). Entities are numbered by that ID, the first
// sub-identifier whatever the MAC's encoding; rows arrive ID first, then MAC, so for each number the unit with the lowest
// MAC is offered first and its trusted values win. A single unit is read whole; a chain is read as its lowest-MAC unit,
// though what that unit leaves unknown or unanswered (an empty outlet name, a column it does not serve) and rows only a
// larger chained unit has are filled from the next unit's rows. The unit table cpiPduTable, keyed by the MAC alone, gives
// one inlet per unit in MAC order: inlet 1 is that same unit.
// Units per the MIB's DESCRIPTIONs: hundredths of amps, decawatt-seconds, °F; the MIB defines no "not available" values.
const CPI = '1.3.6.1.4.1.30932'; // cpi
const LEGACY = `${CPI}.1.1`; // cpiPDU
const ECONNECT = `${CPI}.1.10.1`; // unity.econnect
const pduEntry = `${ECONNECT}.2.10.1`; // cpiPduEntry: INDEX cpiPduMac
const lineEntry = `${ECONNECT}.3.10.1`; // cpiPduLineEntry: INDEX cpiPduLineId, cpiPduLineMac
const branchEntry = `${ECONNECT}.3.110.1`; // cpiPduBranchEntry: INDEX cpiPduBranchId, cpiPduBranchMac
const outletEntry = `${ECONNECT}.4.10.1`; // cpiPduOutletEntry: INDEX cpiPduOutletId, cpiPduOutletMac
const sensorEntry = `${ECONNECT}.5.10.1`; // cpiPduSensorEntry: INDEX cpiPduSensorId, cpiPduSensorMac
const notifications = `${ECONNECT}.500`; // traps
const cpiSpecific = `${LEGACY}.6.0`;

const byId: EntityFrom = { position: 0 };
const text: ValueSpec = { type: 'string' };
const at = (oid: string, spec: ValueSpec): ScalarSpec => ({ oid, ...spec });
const centiAmps: ValueSpec = { type: 'number', scale: 0.01, min: 0, max: 1_000 };
const voltAmps: ValueSpec = { type: 'number', min: 0, max: 1_000_000 };
// …Status: noalarm(0), warning(1), alarm(2). A warning or alarm may be a low or a high current (or a branch's voltage):
// only noalarm is a load verdict. The other two stay words of their own (no load state), so a chained unit's row
// cannot stand in for them.
const alarmStatus: ValueSpec = { type: 'enum', map: { 0: 'normal', 1: 'warning', 2: 'alarm' } };

// Notifications whose only meaning here is a verdict: no entity they carry is one the model numbers.
const trap = (oid: string, name: string, event: TrapEvent): TrapDefinition => ({ oid, name, event });
const LEGACY_BRANCHES = ['xy1', 'yz1', 'zx1', 'xy2', 'yz2', 'zx2']; // cpiSpecific 1-24: six of each, in this order
const legacy = (first: number, name: string, event: TrapEvent): TrapDefinition[] =>
  LEGACY_BRANCHES.map((b, i) => trap(`${cpiSpecific}.${first + i}`, `${name}${b}`, event));

export const chatsworthPdu: Profile = {
  name: 'chatsworth-pdu',
  vendor: 'Chatsworth',
  kind: 'pdu',
  mibs: ['CPI-UNITY-MIB'],
  detect: {
    sysObjectId: [CPI], // the MIB names no product OIDs; its module "registers eConnect OIDs for all models" under cpi
    probe: [`${pduEntry}.2`, `${branchEntry}.3`], // cpiPduModel (the table always has a row), cpiPduBranchCurrent
  },
  identity: {
    // cpiPduModel, …Version, …Name, …SerialNum are rows keyed by MAC: the legacy systemInfo scalars name the unit instead.
    model: [at(`${LEGACY}.1.2.0`, text)], // modelCode
    firmware: [at(`${LEGACY}.1.1.0`, text)], // version
    name: [at(`${LEGACY}.2.40.0`, text)], // pduName
  },
  // cpiPduTotalPower is volt-amps, and the MIB has no active power or energy for the unit: no device power is read.
  inlets: [
    { // cpiPduTable: one row per chained unit, its name and cpiPduTotalPower (VA)
      entry: pduEntry, entity: 'sequence',
      fields: { name: { column: 3, ...text }, apparentPower: { column: 16, ...voltAmps } },
    },
  ],
  phases: [
    { entry: lineEntry, entity: byId, fields: { current: { column: 3, ...centiAmps } } }, // cpiPduLineCurrent: the unit's input lines
  ],
  // cpiPduBranchTable: no branch name and no breaker object (the reader infers a trip from the branch's outlets).
  // cpiPduBranchMaxCurrent is the "maximum current draw", not a stated rating; …Voltage has no place on a bank, and
  // …Power and …Energy are volt-amps: none is read.
  banks: [
    { entry: branchEntry, entity: byId, fields: { current: { column: 3, ...centiAmps }, loadState: { column: 8, ...alarmStatus } } },
  ],
  outlets: [
    { // cpiPduOutletTable; …Power is volt-amps, not read as power
      entry: outletEntry, entity: byId,
      fields: {
        name: { column: 4, ...text }, bank: { column: 3, type: 'number', min: 1 }, // cpiPduOutletName (user's), …BranchId
        current: { column: 6, ...centiAmps }, loadState: { column: 9, ...alarmStatus }, // cpiPduOutletCurrent, …Status
        energy: { column: 10, type: 'number', scale: 1 / 360_000, min: 0 }, // cpiPduOutletEnergy: decawatt-seconds, /360 → Wh
        // cpiPduOutletControl off(0) on(1); what a unit without outlet control answers, the MIB does not say
        state: { column: 11, type: 'enum', map: { 0: 'off', 1: 'on' } },
      },
    },
  ],
  sensors: [
    { // cpiPduSensorType temperature(1): cpiPduSensorValue in whole °F, as its DESCRIPTION says whatever celsiusTemp is set to
      entry: sensorEntry, entity: byId, where: { column: 4, in: [1] },
      fields: { name: { column: 3, ...text }, value: { column: 5, type: 'number', scale: 5 / 9, offset: -160 / 9, min: -50, max: 150 } },
      constants: { kind: 'temperature' },
    },
    { // humidity(2): percent
      entry: sensorEntry, entity: byId, where: { column: 4, in: [2] },
      fields: { name: { column: 3, ...text }, value: { column: 5, type: 'number', min: 0, max: 100 } },
      constants: { kind: 'humidity' },
    },
  ],
  // Left out: configuration, boot, firmware, user and door-lock (EAS) notifications, the SecureArray failover, and the
  // legacy changeLog/dataLog (periodic metrics). The MIB's inlet and branch notification groups define none.
  traps: [
    trap(`${notifications}.1.7`, 'systemSecureArrayDisconnectAlert', 'communication-lost'), // a chained unit left the array
    trap(`${notifications}.1.8`, 'systemSecureArrayConnectAlert', 'communication-restored'),
    { // "The outlet state has changed": it carries the outlet's alarm status (cpiPduOutletStatus), not its power state
      oid: `${notifications}.5.1`, name: 'outletStateChangeAlert', event: 'alarm',
      eventFrom: { oid: `${outletEntry}.9`, map: { 0: 'alarm-cleared' } },
      outlet: { oid: `${outletEntry}.2` }, // cpiPduOutletId
    },
    ...(['environMaxTempAlert', 'environMinTempAlert', 'environMaxHumidAlert', 'environMinHumidAlert', 'environMaxWarnTempAlert',
      'environMinWarnTempAlert', 'environMaxWarnHumidAlert', 'environMinWarnHumidAlert'] as const)
      .map((name, i) => trap(`${notifications}.6.${i + 1}`, name, 'alarm')),
    // Legacy cpiSpecific, per branch XY1…ZX2: current beyond its set limit, and voltage, temperature, humidity limits.
    ...legacy(1, 'maxCurrent', 'overload'),
    ...legacy(7, 'minCurrent', 'low-load'),
    ...legacy(13, 'maxVolt', 'alarm'),
    ...legacy(19, 'minVolt', 'alarm'),
    ...(['maxTemperature1', 'maxTemperature2', 'minTemperature1', 'minTemperature2',
      'maxHumidity1', 'maxHumidity2', 'minHumidity1', 'minHumidity2'] as const).map((name, i) => trap(`${cpiSpecific}.${25 + i}`, name, 'alarm')),
    trap(`${cpiSpecific}.35`, 'alarmChange', 'alarm-cleared'), // "sent when all alarms have been resolved/cleared"
  ],
};
