import type { Profile, ScalarSpec, ValueSpec } from './profile.js';
import { eatonSensorCount, eatonSensorMibSensors } from './eaton-sensor.js';

// Eaton automatic transfer switches (ATS16/ATS30 on a Network-M2 card: EATON-ATS2-MIB, ats2 = sts(534.10) 2).
// Source 1 is A, source 2 is B (ats2InputIndex source1(1), source2(2)). Units per the MIB's UNITS: 0.1 V,
// 0.1 Hz, 0.1 A; the EMP001 reading in whole °C and %. The MIB defines no "not available" values: only
// plausibility bounds apply. The older ATS cards (Network Management Card) answer the MGE root 705.1 as
// their sysObjectID, which eaton-ups claims: those are found here only when named (`profile: eaton-ats`).
const ATS2 = '1.3.6.1.4.1.534.10.2';
const ident = `${ATS2}.1`; // ats2Ident
const inputEntry = `${ATS2}.2.2.1`; // ats2InputEntry: index, voltage, frequency
const output = `${ATS2}.2.3`; // ats2Output
const operationMode = `${ATS2}.2.4.0`; // ats2OperationMode
const inputStatusEntry = `${ATS2}.3.2.1`; // ats2InputStatusEntry
const outputStatus = `${ATS2}.3.3`; // ats2OutputStatus
const environment = `${ATS2}.5`; // ats2Environment
const traps = `${ATS2}.10`; // ats2Traps

const text: ValueSpec = { type: 'string' };
const at = (oid: string, spec: ValueSpec): ScalarSpec => ({ oid, ...spec });
const deciVolts: ValueSpec = { type: 'number', scale: 0.1, min: 0, max: 1_000 };
const deciHertz: ValueSpec = { type: 'number', scale: 0.1, min: 0, max: 100 };
const deciAmps: ValueSpec = { type: 'number', scale: 0.1, min: 0, max: 1_000 };
/** ats2StatusOverload: noOverload(1), warningOverload(2), criticalOverload(3). */
const overload: ValueSpec = { type: 'enum', map: { 1: 'normal', 2: 'near-overload', 3: 'overload' } };
/** ats2InputStatusGood of source 2 (the row index is the source). */
const source2Good = `${inputStatusEntry}.3.2`;

export const eatonAts: Profile = {
  name: 'eaton-ats',
  vendor: 'Eaton',
  kind: 'ats',
  mibs: ['EATON-ATS2-MIB', 'EATON-SENSOR-MIB'],
  detect: {
    sysObjectId: [ATS2], // ats2: what a Network-M2 card answers for the ATS it manages
    probe: [`${ATS2}.2.4`, `${inputStatusEntry}.6`], // ats2OperationMode, ats2InputStatusUsed
  },
  identity: {
    model: [at(`${ident}.2.0`, text), at(`${ident}.6.0`, text)], // ats2IdentModel, ats2IdentPartNumber
    serial: [at(`${ident}.5.0`, text)], // ats2IdentSerialNumber
    firmware: [at(`${ident}.3.0`, text)], // ats2IdentFWVersion (the ATS's; ats2IdentAgentVersion is the card's)
    // The MIB names no device name.
  },
  device: {
    // The MIB has no power object (output voltage × current would be apparent power, not W).
    loadState: [at(`${outputStatus}.3.0`, overload)], // ats2StatusOverload
  },
  ats: [
    { // initialization(1), diagnosis(2), off(3), safe(6), fault(7) name no source: the relay state below decides
      entity: 1, scalars: { activeSource: at(operationMode, { type: 'enum', map: { 4: 'A', 5: 'B' } }) }, // ats2OperationMode source1(4) source2(5)
    },
    // ats2InputStatusTable, one row per source: every row's fields go to the one ATS entity; rowType is the source.
    { // ats2InputStatusUsed notPoweringLoad(1), poweringLoad(2)
      entry: inputStatusEntry, rowTypeAt: 0, entity: 'sequence',
      fields: { activeSource: { column: 6, rowType: 1, type: 'enum', map: { 2: 'A' } } },
    },
    { entry: inputStatusEntry, rowTypeAt: 0, entity: 'sequence', fields: { activeSource: { column: 6, rowType: 2, type: 'enum', map: { 2: 'B' } } } },
    // Redundancy, which the MIB does not name, from each source's summarized status (ats2InputStatusGood):
    // voltageOrFreqOutofRange(1) of either source is lost; voltageAndFreqNormalRange(2) of both is redundant.
    // voltageDeratedRangeAndFreqNormalRange(3) and voltageAndFreqNormalRangeWaveformNok(4) say neither: unknown.
    { entry: inputStatusEntry, rowTypeAt: 0, entity: 'sequence', fields: { redundancy: { column: 3, type: 'enum', map: { 1: 'lost' } } } },
    { // ats2InputStatusVoltage normalRange(1) deratedRange(2) outofRange(3) missing(4)
      entry: inputStatusEntry, rowTypeAt: 0, entity: 'sequence', fields: { redundancy: { column: 5, type: 'enum', map: { 3: 'lost', 4: 'lost' } } },
    },
    {
      entry: inputStatusEntry, rowTypeAt: 0, entity: 'sequence', where: { oid: source2Good, in: [2] },
      fields: { redundancy: { column: 3, rowType: 1, type: 'enum', map: { 2: 'redundant' } } },
    },
    { // ats2InputVoltage (0.1 V, "in front of relay")
      entry: inputEntry, rowTypeAt: 0, entity: 'sequence',
      fields: { sourceAVoltage: { column: 2, rowType: 1, ...deciVolts }, sourceBVoltage: { column: 2, rowType: 2, ...deciVolts } },
    },
    { entity: 1, scalars: { outputVoltage: at(`${output}.1.0`, deciVolts), outputCurrent: at(`${output}.2.0`, deciAmps) } }, // ats2OutputVoltage (0.1 V), ats2OutputCurrent (0.1 A); the MIB has no source currents
  ],
  inlets: [
    { entry: inputEntry, fields: { voltage: { column: 2, ...deciVolts }, frequency: { column: 3, ...deciHertz } } }, // the sources: inlet 1 (A), 2 (B)
  ],
  phases: [
    { // the output, as the one line it feeds: ats2OutputVoltage (0.1 V), ats2OutputCurrent (0.1 A), ats2StatusOverload
      entity: 1,
      scalars: { voltage: at(`${output}.1.0`, deciVolts), current: at(`${output}.2.0`, deciAmps), loadState: at(`${outputStatus}.3.0`, overload) },
    },
  ],
  sensors: [
    ...eatonSensorMibSensors, // an EMP002 on the Network-M2 card
    // ats2EnvRemoteTemp / …Humidity: an EMP001, whole °C and %, as sensors 201 and 202. The MIB has no presence
    // object, and a card with no EMP001 answers 0 and 0 (a real Network-M2 walk in NUT's eaton-ats16-nm2 driver):
    // they are read only when the humidity is not 0 (no room has 0 %RH) and the card reports no EATON-SENSOR-MIB
    // probe (an EMP002 may be mirrored here, a factor of 10 off). Read as a one-row table to carry the conditions.
    {
      entry: environment, entity: 'sequence', entityOffset: 200,
      where: [{ oid: `${environment}.2.0`, notIn: [0] }, { oid: eatonSensorCount, in: [0] }],
      fields: { value: { column: 1, type: 'number', min: -50, max: 150 } }, constants: { kind: 'temperature', name: 'EMP' },
    },
    {
      entry: environment, entity: 'sequence', entityOffset: 201,
      where: [{ oid: `${environment}.2.0`, notIn: [0] }, { oid: eatonSensorCount, in: [0] }],
      fields: { value: { column: 2, type: 'number', min: 0, max: 100 } }, constants: { kind: 'humidity', name: 'EMP' },
    },
  ],
  // ats2Traps (SMIv2 notifications at their own OIDs). None carries a varbind: the source is in the notification's name.
  traps: [
    { oid: `${traps}.1`, name: 'ats2TrapCommunicationLost', event: 'communication-lost' },
    { oid: `${traps}.2`, name: 'ats2TrapCommunicationRecovered', event: 'communication-restored' },
    { oid: `${traps}.3`, name: 'ats2TrapOutputPowered', event: 'alarm-cleared' },
    { oid: `${traps}.4`, name: 'ats2TrapOutputNotPowered', event: 'alarm' }, // the ATS does not power the load
    { oid: `${traps}.5`, name: 'ats2TrapOverload', event: 'overload' },
    { oid: `${traps}.6`, name: 'ats2TrapNoOverLoad', event: 'overload-cleared' },
    { oid: `${traps}.7`, name: 'ats2TrapInternalFailure', event: 'alarm' },
    { oid: `${traps}.8`, name: 'ats2TrapNoInternalFailure', event: 'alarm-cleared' },
    { oid: `${traps}.9`, name: 'ats2TrapSource1Normal', event: 'inlet-restored' },
    { oid: `${traps}.10`, name: 'ats2TrapSource1OutOfRange', event: 'inlet-lost' },
    { oid: `${traps}.11`, name: 'ats2TrapSource2Normal', event: 'inlet-restored' },
    { oid: `${traps}.12`, name: 'ats2TrapSource2OutOfRange', event: 'inlet-lost' },
    { oid: `${traps}.13`, name: 'ats2TrapSourceDesynchronized', event: 'alarm' },
    { oid: `${traps}.14`, name: 'ats2TrapSourceSynchronized', event: 'alarm-cleared' },
    { oid: `${traps}.15`, name: 'ats2TrapOutputPoweredBySource1', event: 'source-transfer' },
    { oid: `${traps}.16`, name: 'ats2TrapOutputPoweredBySource2', event: 'source-transfer' },
    { oid: `${traps}.20`, name: 'ats2TrapRemoteTempLow', event: 'alarm' },
    { oid: `${traps}.21`, name: 'ats2TrapRemoteTempHigh', event: 'alarm' },
    { oid: `${traps}.22`, name: 'ats2TrapRemoteTempNormal', event: 'alarm-cleared' },
    { oid: `${traps}.23`, name: 'ats2TrapRemoteHumidityLow', event: 'alarm' },
    { oid: `${traps}.24`, name: 'ats2TrapRemoteHumidityHigh', event: 'alarm' },
    { oid: `${traps}.25`, name: 'ats2TrapRemoteHumidityNormal', event: 'alarm-cleared' },
    { oid: `${traps}.40`, name: 'ats2TestTrap', event: 'test' },
  ],
};
