import type { Profile, ScalarSpec, SensorField, Source, TrapDefinition, TrapEvent, ValueSpec } from './profile.js';

// Liebert MPH/MPX rack PDUs behind a Liebert GP agent (RPC/RPC2 card): LIEBERT-GP-PDU-MIB (lgpPdu). Tables are indexed
// by PDU (one agent manages a cluster of up to a few PDUs), then power source, line, receptacle branch, receptacle; the
// entities are numbered in row order across the cluster. Units per the MIB's UNITS clauses: the "Tenths"/"Hundredths"
// columns are 0.1 V / 0.01 A, the plain ones V / 0.1 A; energy in 0.1 kWh, power factor in 0.01, temperature in 0.1 °C,
// humidity in 0.1 %RH.
// LIEBERT-GP-PDU-MIB gives no branch breaker state (an open branch breaker is only an lgpConditionRcpBranchBreakerOpen
// condition naming the branch by a row pointer): banks carry no breaker reading.
export const LIEBERT = '1.3.6.1.4.1.476';
export const GP = `${LIEBERT}.1.42`; // liebertGlobalProducts
const pdu = `${GP}.3.8`; // lgpPdu
const agentIdent = `${GP}.2.1`; // lgpAgentIdent
const agentDevice = `${GP}.2.4.2.1`; // lgpAgentManagedDeviceEntry
const env = `${GP}.3.4`; // lgpEnvironmental

const text: ValueSpec = { type: 'string' };
const at = (oid: string, spec: ValueSpec): ScalarSpec => ({ oid, ...spec });
const volts: ValueSpec = { type: 'number', min: 0, max: 600 };
const deciVolts: ValueSpec = { type: 'number', scale: 0.1, min: 0, max: 600 };
const deciAmps: ValueSpec = { type: 'number', scale: 0.1, min: 0, max: 400 };
const centiAmps: ValueSpec = { type: 'number', scale: 0.01, min: 0, max: 400 };
const watts: ValueSpec = { type: 'number', min: 0, max: 200_000 };
const voltAmps: ValueSpec = { type: 'number', min: 0, max: 200_000 };
const deciKwh: ValueSpec = { type: 'number', scale: 0.1, min: 0 }; // 0.1 kWh → kWh
const powerFactor: ValueSpec = { type: 'number', scale: 0.01, min: 0, max: 1 };

/** The GP agent's identity of the device it manages (lgpAgentManagedDeviceTable, first device), then of the card itself (lgpAgentIdent). */
export const liebertIdentity = {
  vendor: [at(`${agentDevice}.3.1`, text), at(`${agentIdent}.1.0`, text)], // lgpAgentDeviceManufacturer, lgpAgentIdentManufacturer
  model: [at(`${agentDevice}.4.1`, text), at(`${agentIdent}.2.0`, text)], // lgpAgentDeviceModel, lgpAgentIdentModel
  serial: [at(`${agentDevice}.7.1`, text), at(`${agentIdent}.4.0`, text)], // lgpAgentDeviceSerialNumber, lgpAgentIdentSerialNumber
  firmware: [at(`${agentDevice}.5.1`, text), at(`${agentIdent}.3.0`, text)], // lgpAgentDeviceFirmwareVersion, lgpAgentIdentFirmwareVersion
  name: [at(`${agentDevice}.15.1`, text)], // lgpAgentDeviceUnitName
} as const satisfies Profile['identity'];

/**
 * LIEBERT-GP-ENVIRONMENTAL-MIB: the °C temperature table (lgpEnvTemperatureTableDegC) and the relative humidity table
 * (lgpEnvHumidityTableRel), tenths first, whole units as the fallback; numbered from `offset` (humidity from offset + 100).
 * Each row names its quantity only by an OID (lgpEnv…Descr…), so the sensors carry no name.
 */
export function liebertEnvSensors(offset: number): Source<SensorField>[] {
  const temperature = `${env}.1.3.3.1`;
  const humidity = `${env}.2.2.3.1`;
  const celsius = (scale: number): ValueSpec => ({ type: 'number', scale, min: -50, max: 150 });
  const percent = (scale: number): ValueSpec => ({ type: 'number', scale, min: 0, max: 100 });
  return [
    { entry: temperature, entityOffset: offset, fields: { value: { column: 50, ...celsius(0.1) } }, constants: { kind: 'temperature' } }, // …MeasurementTenthsDegC
    { entry: temperature, entityOffset: offset, fields: { value: { column: 3, ...celsius(1) } }, constants: { kind: 'temperature' } }, // …MeasurementDegC
    { entry: humidity, entityOffset: offset + 100, fields: { value: { column: 50, ...percent(0.1) } }, constants: { kind: 'humidity' } }, // …MeasurementRelTenths
    { entry: humidity, entityOffset: offset + 100, fields: { value: { column: 3, ...percent(1) } }, constants: { kind: 'humidity' } }, // …MeasurementRel
  ];
}

/**
 * LIEBERT-GP-NOTIFICATIONS-MIB lgpEventConditionEntryAdded/Removed: a condition entered or left the conditions table;
 * which one is lgpConditionDescr, an OID under lgpConditionsWellKnown (LIEBERT-GP-CONDITIONS-MIB), looked up in `added`
 * and `removed` by its sub-identifier below `under`. The condition's row (lgpConditionTableRowRef) is a row pointer
 * the trap classifier cannot number, so the trap names no entity: the confirming poll does.
 */
export function liebertConditionTraps(under: string, added: Readonly<Record<number, TrapEvent>>, removed: Readonly<Record<number, TrapEvent>>): TrapDefinition[] {
  const descr = `${GP}.3.2.3.1.2`; // lgpConditionDescr
  return [
    { oid: `${GP}.3.3.0.1`, name: 'lgpEventConditionEntryAdded', event: 'alarm', eventFrom: { oid: descr, under, map: added } },
    { oid: `${GP}.3.3.0.2`, name: 'lgpEventConditionEntryRemoved', event: 'alarm-cleared', eventFrom: { oid: descr, under, map: removed } },
    { oid: `${GP}.2.3.0.1`, name: 'lgpAgentDeviceCommunicationLost', event: 'communication-lost' }, // LIEBERT-GP-AGENT-MIB
  ];
}
/** lgpConditionsWellKnown */
export const CONDITIONS = `${GP}.3.2.1`;

const psEntry = `${pdu}.30.20.1`; // lgpPduPsEntry: PDU.source
const psLineEntry = `${pdu}.30.40.1`; // lgpPduPsLineEntry: PDU.source.line
const rbEntry = `${pdu}.40.20.1`; // lgpPduRbEntry: PDU.branch
const rcpEntry = `${pdu}.50.20.1`; // lgpPduRcpEntry: PDU.branch.receptacle
const auxMeasEntry = `${pdu}.60.15.1`; // lgpPduAuxMeasEntry: PDU.sensor.measurement
const auxSensorEntry = `${pdu}.60.10.1`; // lgpPduAuxSensorEntry (deprecated): PDU.sensor

const deciCelsius: ValueSpec = { type: 'number', scale: 0.1, min: -50, max: 150 };
const deciPercent: ValueSpec = { type: 'number', scale: 0.1, min: 0, max: 100 };

export const liebertPdu: Profile = {
  name: 'liebert-pdu',
  vendor: 'Liebert',
  kind: 'pdu',
  mibs: ['LIEBERT-GP-PDU-MIB', 'LIEBERT-GP-AGENT-MIB', 'LIEBERT-GP-ENVIRONMENTAL-MIB', 'LIEBERT-GP-NOTIFICATIONS-MIB', 'LIEBERT-GP-CONDITIONS-MIB', 'LIEBERT-GP-REGISTRATION-MIB'],
  detect: {
    // LIEBERT-GP-REGISTRATION-MIB lgpPowerDistributionProducts: lgpRackPDU (MPX 1, MPH 2) and lgpRackPDU2 (RPC2 MPX 1, MPH 2)
    sysObjectId: [`${GP}.4.8.2`, `${GP}.4.8.4`],
    probe: [`${psEntry}.65`, `${rbEntry}.130`], // lgpPduPsEntryPwrTotal, lgpPduRbEntryEcHundredths
  },
  identity: {
    ...liebertIdentity,
    serial: [at(`${pdu}.20.1.45.1`, text), ...liebertIdentity.serial], // lgpPduEntrySerialNumber of the first PDU
    name: [at(`${pdu}.20.1.10.1`, text), ...liebertIdentity.name, at(`${pdu}.20.1.15.1`, text)], // lgpPduEntryUsrLabel, …, lgpPduEntrySysAssignLabel
  },
  device: {
    power: [at(`${psEntry}.65.1.1`, watts)], // lgpPduPsEntryPwrTotal of the first PDU's first power source
    energy: [at(`${psEntry}.50.1.1`, deciKwh)], // lgpPduPsEntryEnergyAccum
  },
  inlets: [
    { // lgpPduPsTable: one inlet per power source
      entry: psEntry, entity: 'sequence',
      fields: {
        name: { column: 15, ...text }, // lgpPduPsEntrySysAssignLabel
        power: { column: 65, ...watts }, // lgpPduPsEntryPwrTotal (W, all phases)
        apparentPower: { column: 90, ...voltAmps }, // lgpPduPsEntryApTotal (VA)
        powerFactor: { column: 95, ...powerFactor }, // lgpPduPsEntryPfTotal (0.01)
        energy: { column: 50, ...deciKwh }, // lgpPduPsEntryEnergyAccum (0.1 kWh)
      },
    },
  ],
  phases: [
    { // lgpPduPsLineTable: the finer columns first
      entry: psLineEntry, entity: 'sequence',
      fields: {
        name: { column: 15, type: 'enum', map: { 1: 'L1', 2: 'L2', 3: 'L3' } }, // lgpPduPsLineEntryLine
        voltage: { column: 19, ...deciVolts }, // lgpPduPsLineEntryEpLNTenths (0.1 V)
        current: { column: 22, ...centiAmps }, // lgpPduPsLineEntryEcHundredths (0.01 A)
        power: { column: 63, ...watts }, // lgpPduPsLineEntryPwrLN (W)
      },
    },
    { // the coarser line-to-neutral columns; then line-to-line for sources wired without a neutral
      entry: psLineEntry, entity: 'sequence',
      fields: { voltage: { column: 20, ...volts }, current: { column: 21, ...deciAmps } }, // lgpPduPsLineEntryEpLN (V), …Ec (0.1 A)
    },
    {
      entry: psLineEntry, entity: 'sequence',
      fields: { voltage: { column: 61, ...deciVolts }, power: { column: 64, ...watts } }, // lgpPduPsLineEntryEpLLTenths (0.1 V), …PwrLL (W)
    },
  ],
  banks: [
    { // lgpPduRbTable: receptacle branches
      entry: rbEntry, entity: 'sequence',
      fields: {
        name: { column: 8, ...text }, // lgpPduRbEntryUsrLabel
        current: { column: 130, ...centiAmps }, // lgpPduRbEntryEcHundredths (0.01 A)
        rating: { column: 75, ...deciAmps }, // lgpPduRbEntryEcRated (0.1 A)
      },
    },
    { entry: rbEntry, entity: 'sequence', fields: { name: { column: 20, ...text } } }, // lgpPduRbEntrySysAssignLabel
  ],
  outlets: [
    { // lgpPduRcpTable: receptacles; off-pending-on-delay(3) is off until its delay expires; unknown(0) stays unknown
      entry: rcpEntry, entity: 'sequence',
      fields: {
        name: { column: 10, ...text }, // lgpPduRcpEntryUsrLabel
        state: { column: 95, type: 'enum', map: { 1: 'off', 2: 'on', 3: 'off' } }, // lgpPduRcpEntryPwrState
        current: { column: 61, ...centiAmps }, // lgpPduRcpEntryEcHundredths (0.01 A)
        power: { column: 65, ...watts }, // lgpPduRcpEntryPwrOut (W)
        energy: { column: 85, ...deciKwh }, // lgpPduRcpEntryEnergyAccum (0.1 kWh)
      },
    },
    { entry: rcpEntry, entity: 'sequence', fields: { name: { column: 25, ...text }, current: { column: 60, ...deciAmps } } }, // …SysAssignLabel, …Ec (0.1 A)
  ],
  sensors: [
    // lgpPduAuxMeasTable: one row per measurement of a sensor; temperatures from 1, humidities from 101 (lgpPduAuxMeasType)
    {
      entry: auxMeasEntry, entity: 'sequence', where: { column: 10, in: [1] },
      fields: { name: { column: 20, ...text }, value: { column: 70, ...deciCelsius } }, constants: { kind: 'temperature' }, // …UsrLabel, …TempDegC
    },
    {
      entry: auxMeasEntry, entity: 'sequence', entityOffset: 100, where: { column: 10, in: [2] },
      fields: { name: { column: 20, ...text }, value: { column: 95, ...deciPercent } }, constants: { kind: 'humidity' }, // …UsrLabel, …Hum
    },
    { entry: auxMeasEntry, entity: 'sequence', where: { column: 10, in: [1] }, fields: { name: { column: 15, ...text } } }, // …SensorSysAssignLabel
    { entry: auxMeasEntry, entity: 'sequence', entityOffset: 100, where: { column: 10, in: [2] }, fields: { name: { column: 15, ...text } } },
    // the deprecated lgpPduAuxSensorTable (older firmware): one row per sensor, lgpPduAuxSensorMeasType temperature(1), humidity(2), both(3)
    {
      entry: auxSensorEntry, entity: 'sequence', where: { column: 5, in: [1, 3] },
      fields: { name: { column: 25, ...text }, value: { column: 75, ...deciCelsius } }, constants: { kind: 'temperature' }, // …UsrLabel, …TempMeasurementDegC
    },
    {
      entry: auxSensorEntry, entity: 'sequence', entityOffset: 100, where: { column: 5, in: [2, 3] },
      fields: { name: { column: 25, ...text }, value: { column: 100, ...deciPercent } }, constants: { kind: 'humidity' }, // …UsrLabel, …HumMeasurement
    },
    ...liebertEnvSensors(500),
  ],
  // lgpConditionReceptacleBranchGroup(190): lgpConditionRcpBranchBreakerOpen(10)
  traps: liebertConditionTraps(`${CONDITIONS}.190`, { 10: 'breaker-tripped' }, { 10: 'breaker-reset' }),
};
