import type { ColumnSpec, Profile, TableSource, ValueSpec } from './profile.js';

// Raritan PX2/PX3 (and other PDU2-MIB units). Every measurement table has one row per sensor:
// index pduId.<entity>.sensorType, value scaled by the matching configuration row's DecimalDigits.
// pduId is the link ID (1 unless PDUs are linked); linked units' rows merge by entity number.
const PDU2 = '1.3.6.1.4.1.13742.6';
const cfg = `${PDU2}.3`; // configuration
const meas = `${PDU2}.5`; // measurements

// SensorTypeEnumeration: which quantity a row holds.
const T = { rmsCurrent: 1, rmsVoltage: 4, activePower: 5, apparentPower: 6, powerFactor: 7, activeEnergy: 8, onOff: 14, trip: 15, frequency: 23 } as const;
// Measurement columns: …SensorState (SensorStateEnumeration), …SensorValue (Unsigned32, before DecimalDigits).
const STATE = 3;
const VALUE = 4;
const DIGITS = 7; // …SensorDecimalDigits in every sensor configuration table

const value = (rowType: number, spec: ValueSpec): ColumnSpec => ({ column: VALUE, rowType, ...spec });
const state = (rowType: number, spec: ValueSpec): ColumnSpec => ({ column: STATE, rowType, ...spec });
const amps: ValueSpec = { type: 'number', min: 0, max: 1_000 };
const volts: ValueSpec = { type: 'number', min: 0, max: 1_000 };
const watts: ValueSpec = { type: 'number', min: 0, max: 1_000_000 };
const kWh: ValueSpec = { type: 'number', scale: 0.001, min: 0 }; // activeEnergy is in wattHour
const text: ValueSpec = { type: 'string' };
// The rmsCurrent sensor's threshold state is the entity's load state.
const loadState = state(T.rmsCurrent, {
  type: 'enum', map: { 2: 'low', 3: 'low', 4: 'normal', 5: 'near-overload', 6: 'overload' }, // belowLowerCritical … aboveUpperCritical
});
// Rows whose state is unavailable(-1) carry no reading; agents that omit the state column keep every row.
const available = { column: STATE, notIn: [-1] } as const;

/** A sensor measurement table scaled by its configuration table's decimal digits. */
function sensorTable<F extends string>(entry: string, digitsEntry: string, fields: TableSource<F>['fields']): TableSource<F> {
  return { entry, rowTypeAt: -1, where: available, digits: { entry: digitsEntry, column: DIGITS }, fields };
}

export const raritanPdu2: Profile = {
  name: 'raritan-pdu2',
  vendor: 'Raritan',
  kind: 'pdu',
  mibs: ['PDU2-MIB'],
  detect: {
    sysObjectId: [PDU2], // pdu2
    probe: [`${meas}.2.3.1.4`, `${cfg}.3.3.1.2`], // measurementsInletSensorValue, inletLabel
  },
  identity: {
    model: [{ oid: `${cfg}.2.1.1.3.1`, ...text }], // pduModel.pduId
    serial: [{ oid: `${cfg}.2.1.1.4.1`, ...text }], // pduSerialNumber
    firmware: [{ oid: `${cfg}.2.3.1.6.1.1.1`, ...text }], // boardFirmwareVersion.pduId.mainController(1).1
    name: [{ oid: `${cfg}.2.2.1.13.1`, ...text }], // pduName
  },
  inlets: [
    sensorTable(`${meas}.2.3.1`, `${cfg}.3.4.1`, { // inletSensorMeasurementsTable, inletSensorConfigurationTable
      current: value(T.rmsCurrent, amps),
      voltage: value(T.rmsVoltage, volts),
      power: value(T.activePower, watts),
      apparentPower: value(T.apparentPower, watts),
      powerFactor: value(T.powerFactor, { type: 'number', min: 0, max: 1 }),
      energy: value(T.activeEnergy, kWh),
      frequency: value(T.frequency, { type: 'number', min: 0, max: 100 }),
      loadState,
    }),
    { entry: `${cfg}.3.3.1`, fields: { name: { column: 3, ...text } } }, // inletName (user-set, often empty)
    { entry: `${cfg}.3.3.1`, fields: { name: { column: 2, ...text } } }, // inletLabel ("I1")
  ],
  phases: [
    // inletPoleSensorMeasurementsTable: index pduId.inletId.inletPoleIndex.sensorType
    sensorTable(`${meas}.2.4.1`, `${cfg}.3.6.1`, {
      current: value(T.rmsCurrent, amps),
      voltage: value(T.rmsVoltage, volts),
      power: value(T.activePower, watts),
      loadState,
    }),
    { // inletPoleLine (LineEnumeration)
      entry: `${cfg}.3.5.1`,
      fields: { name: { column: 1, type: 'enum', map: { 1: 'L1', 2: 'L2', 3: 'L3', 4: 'N' } } },
    },
  ],
  banks: [
    // overCurrentProtectorSensorMeasurementsTable: the trip sensor is open when the breaker or fuse has tripped
    sensorTable(`${meas}.3.3.1`, `${cfg}.4.4.1`, {
      current: value(T.rmsCurrent, amps),
      breaker: state(T.trip, { type: 'enum', map: { 0: 'tripped', 1: 'ok' } }), // open, closed
      loadState,
    }),
    { // overCurrentProtectorConfigurationTable: name (user-set), else label ("C1"); rated current is text ("16A")
      entry: `${cfg}.4.3.1`,
      fields: { name: { column: 3, ...text }, rating: { column: 5, type: 'number', fromText: true, min: 1, max: 1_000 } },
    },
    { entry: `${cfg}.4.3.1`, fields: { name: { column: 2, ...text } } }, // overCurrentProtectorLabel
  ],
  outlets: [
    sensorTable(`${meas}.4.3.1`, `${cfg}.5.4.1`, { // outletSensorMeasurementsTable, outletSensorConfigurationTable
      current: value(T.rmsCurrent, amps),
      power: value(T.activePower, watts),
      energy: value(T.activeEnergy, kWh),
      state: state(T.onOff, { type: 'enum', map: { 7: 'on', 8: 'off' } }),
      loadState,
    }),
    { // outletConfigurationTable: outletName (user-set), outletPowerSource → overCurrentProtectorLabel.pduId.ocpId
      entry: `${cfg}.5.3.1`,
      fields: { name: { column: 3, ...text }, bank: { column: 33, type: 'pointer', under: `${cfg}.4.3.1` } },
    },
    { entry: `${cfg}.5.3.1`, fields: { name: { column: 2, ...text } } }, // outletLabel ("1")
  ],
  sensors: [
    // externalSensorConfigurationTable: type and name; °F sensors are left out (our unit is °C)
    {
      entry: `${cfg}.6.3.1`, where: { column: 16, notIn: [14] }, // externalSensorUnits ≠ degreeF
      fields: { kind: { column: 2, type: 'enum', map: { 10: 'temperature', 11: 'humidity' } }, name: { column: 4, ...text } },
    },
    { // externalSensorMeasurementsTable (Integer32), scaled by externalSensorDecimalDigits
      entry: `${meas}.5.3.1`, where: available, digits: { entry: `${cfg}.6.3.1`, column: 17 },
      fields: { value: { column: VALUE, type: 'number', min: -60, max: 150 } },
    },
  ],
  // PDU2-MIB notifications (pdu2.traps.0 … = pdu2.0.N). A sensor state change carries the sensor's new state
  // (measurements…SensorState, SensorStateEnumeration) and its typeOfSensor (pdu2.0.0.10); the entity is the index of
  // its …Label varbind (pduId.entity). on(7)/off(8) are reported only by onOff sensors, open(0)/closed(1) only by trip
  // sensors; threshold states (belowLowerCritical(2) … aboveUpperCritical(6)) are load states only for rmsCurrent.
  traps: [
    { // switchingOperation off(0) on(1) cycle(2); the state varbind may still show the state before the switch
      oid: `${PDU2}.0.23`, name: 'powerControl', event: 'alarm',
      eventFrom: { oid: `${PDU2}.4.1.2.1.2`, map: { 0: 'outlet-off', 1: 'outlet-on', 2: 'outlet-reboot' } },
      outlet: [{ oid: `${cfg}.5.3.1.2`, from: 'index' }, { oid: `${PDU2}.4.1.2.1.2`, from: 'index' }], // outletLabel, switchingOperation
    },
    {
      oid: `${PDU2}.0.61`, name: 'inletSensorStateChange', event: 'alarm',
      eventFrom: [
        { oid: `${meas}.2.3.1.3`, when: { oid: `${PDU2}.0.0.10`, in: [T.rmsCurrent] }, map: { 2: 'low-load', 3: 'low-load', 5: 'near-overload', 6: 'overload' } },
        { oid: `${meas}.2.3.1.3`, map: { 4: 'alarm-cleared' } }, // normal
      ],
      inlet: { oid: `${cfg}.3.3.1.2`, from: 'index' }, // inletLabel
    },
    {
      oid: `${PDU2}.0.62`, name: 'inletPoleSensorStateChange', event: 'alarm',
      eventFrom: [
        { oid: `${meas}.2.4.1.3`, when: { oid: `${PDU2}.0.0.10`, in: [T.rmsCurrent] }, map: { 2: 'low-load', 3: 'low-load', 5: 'near-overload', 6: 'overload' } },
        { oid: `${meas}.2.4.1.3`, map: { 4: 'alarm-cleared' } },
      ],
      inlet: { oid: `${cfg}.3.3.1.2`, from: 'index' },
      phase: { oid: `${PDU2}.0.0.5` }, // inletPoleNumber
    },
    {
      oid: `${PDU2}.0.63`, name: 'outletSensorStateChange', event: 'alarm',
      eventFrom: [
        { oid: `${meas}.4.3.1.3`, map: { 7: 'outlet-on', 8: 'outlet-off' } },
        { oid: `${meas}.4.3.1.3`, when: { oid: `${PDU2}.0.0.10`, in: [T.rmsCurrent] }, map: { 2: 'low-load', 3: 'low-load', 5: 'near-overload', 6: 'overload' } },
        { oid: `${meas}.4.3.1.3`, map: { 4: 'alarm-cleared' } },
      ],
      outlet: { oid: `${cfg}.5.3.1.2`, from: 'index' }, // outletLabel
    },
    {
      oid: `${PDU2}.0.65`, name: 'overCurrentProtectorSensorStateChange', event: 'alarm',
      eventFrom: [
        { oid: `${meas}.3.3.1.3`, map: { 0: 'breaker-tripped', 1: 'breaker-reset' } }, // trip sensor open, closed
        { oid: `${meas}.3.3.1.3`, when: { oid: `${PDU2}.0.0.10`, in: [T.rmsCurrent] }, map: { 2: 'low-load', 3: 'low-load', 5: 'near-overload', 6: 'overload' } },
        { oid: `${meas}.3.3.1.3`, map: { 4: 'alarm-cleared' } },
      ],
      bank: { oid: `${cfg}.4.3.1.2`, from: 'index' }, // overCurrentProtectorLabel
    },
    { oid: `${PDU2}.0.127`, name: 'testEventTriggered', event: 'test' },
    // "An outlet was suspended after being suspected to have caused an OCP trip event": switched off.
    { oid: `${PDU2}.0.137`, name: 'outletSuspended', event: 'outlet-off', outlet: { oid: `${cfg}.5.3.1.2`, from: 'index' } },
    { oid: `${PDU2}.0.158`, name: 'linkUnitCommunicationOk', event: 'communication-restored' },
    { oid: `${PDU2}.0.159`, name: 'linkUnitCommunicationFailed', event: 'communication-lost' },
  ],
};
