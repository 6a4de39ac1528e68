import { apcProbeSensors } from './apc-ups.js';
import type { Profile, ScalarSpec, ValueSpec } from './profile.js';

// APC transfer switches (PowerNet-MIB): the rack ATS objects (atsIdent/atsStatus, whole volts and
// amps, tenths for output current) first, then the xATS transfer-switch objects (tenths of volts
// and hertz). Source A is input 1 / xATSSource1. Units per the MIB's DESCRIPTIONs.
const APC = '1.3.6.1.4.1.318';
const ats = `${APC}.1.1.8`;
const xATS = `${APC}.1.1.17`;
const source1 = `${xATS}.4.1`;
const source2 = `${xATS}.4.2`;
const systemOutput = `${xATS}.4.3`;

const NOT_SUPPORTED = [-1];
const text: ValueSpec = { type: 'string' };
const volts: ValueSpec = { type: 'number', sentinels: NOT_SUPPORTED, min: 0, max: 1_000 };
const tenthsOfVolts: ValueSpec = { type: 'number', scale: 0.1, sentinels: NOT_SUPPORTED, min: 0, max: 1_000 };
const amps: ValueSpec = { type: 'number', sentinels: NOT_SUPPORTED, min: 0, max: 5_000 };
const tenthsOfAmps: ValueSpec = { type: 'number', scale: 0.1, sentinels: NOT_SUPPORTED, min: 0, max: 5_000 };
const hertz: ValueSpec = { type: 'number', sentinels: NOT_SUPPORTED, min: 0, max: 100 };
const tenthsOfHertz: ValueSpec = { type: 'number', scale: 0.1, sentinels: NOT_SUPPORTED, min: 0, max: 100 };
/** atsOutputPhaseState / atsOutputBankState */
const loadState: ValueSpec = { type: 'enum', map: { 1: 'normal', 2: 'low', 3: 'near-overload', 4: 'overload' } };
const at = (oid: string, spec: ValueSpec): ScalarSpec => ({ oid, ...spec });

export const apcAts: Profile = {
  name: 'apc-ats',
  vendor: 'APC',
  kind: 'ats',
  mibs: ['PowerNet-MIB'],
  detect: {
    sysObjectId: [
      `${APC}.1.3.11`, // automaticXferSwitch (rack ATS)
      `${APC}.1.3.19`, // infraStruXureATS (xATS)
      `${APC}.1.3.32`, // automaticXferSwitch4G
      `${APC}.1.3.38`, // automaticXferSwitch5G
    ],
    probe: [`${ats}.5.1.2`, `${xATS}.3.1.1`], // atsStatusSelectedSource, xATSSwitchStatusSelectedSource
  },
  identity: {
    model: [at(`${ats}.1.5.0`, text), at(`${xATS}.1.7.0`, text)], // atsIdentModelNumber, xATSIdentModelNumber
    serial: [at(`${ats}.1.6.0`, text), at(`${xATS}.1.8.0`, text)], // atsIdentSerialNumber, xATSIdentSerialNumber
    firmware: [at(`${ats}.1.2.0`, text), at(`${xATS}.1.3.0`, text)], // atsIdentFirmwareRev, xATSIdentFirmwareAppRev
    name: [at(`${ats}.1.10.0`, text), at(`${xATS}.1.1.0`, text)], // atsIdentDeviceName, xATSIdentProductName
  },
  device: {
    power: [at(`${systemOutput}.2.0`, { type: 'number', scale: 100, min: 0, max: 10_000_000 })], // xATSSystemOutputTotalPower (tenths of kW)
  },
  ats: [
    {
      entity: 1,
      scalars: {
        activeSource: at(`${ats}.5.1.2.0`, { type: 'enum', map: { 1: 'A', 2: 'B' } }), // atsStatusSelectedSource
        redundancy: at(`${ats}.5.1.3.0`, { type: 'enum', map: { 1: 'lost', 2: 'redundant' } }), // atsStatusRedundancyState
      },
    },
    { // atsInputPhaseTable, indexed input.phase (agents add a sub-identifier): phase 1 of inputs 1 and 2
      entry: `${ats}.5.3.3.1`, rowTypeAt: 0, entity: { position: 0 },
      fields: {
        sourceAVoltage: { column: 3, rowType: 1, ...volts }, sourceBVoltage: { column: 3, rowType: 2, ...volts }, // atsInputVoltage
        sourceACurrent: { column: 6, rowType: 1, ...amps }, sourceBCurrent: { column: 6, rowType: 2, ...amps }, // atsInputCurrent (A)
      },
    },
    { // atsOutputPhaseTable, indexed output.phase: phase 1
      entry: `${ats}.5.4.3.1`, entity: { position: 1 },
      fields: { outputVoltage: { column: 3, ...volts }, outputCurrent: { column: 4, ...tenthsOfAmps } }, // atsOutputVoltage, atsOutputCurrent (tenths of A)
    },
    {
      entity: 1,
      scalars: {
        activeSource: at(`${xATS}.3.1.1.0`, { type: 'enum', map: { 2: 'A', 3: 'B' } }), // xATSSwitchStatusSelectedSource: none(1), fault(4), unknown(5) stay unknown
        sourceAVoltage: at(`${source1}.7.1.2.1`, tenthsOfVolts), // xATSSource1VoltageLtoL, phase 1 (L-N is -1 on 3-wire service)
        sourceBVoltage: at(`${source2}.7.1.2.1`, tenthsOfVolts), // xATSSource2VoltageLtoL
        outputVoltage: at(`${systemOutput}.12.1.2.1`, tenthsOfVolts), // xATSSystemOutputVoltageLtoL
        outputCurrent: at(`${systemOutput}.12.1.4.1`, amps), // xATSSystemOutputPhaseCurrent (A); xATS has no source currents
      },
    },
  ],
  inlets: [
    { // atsInputTable: one row per source
      entry: `${ats}.5.3.2.1`,
      fields: { frequency: { column: 4, ...hertz }, name: { column: 6, ...text } }, // atsInputFrequency, atsInputName
    },
    { // atsInputPhaseTable: rack ATSes are single-phase, so an input's first phase is the input
      entry: `${ats}.5.3.3.1`, entity: { position: 0 },
      fields: { voltage: { column: 3, ...volts }, current: { column: 6, ...amps }, power: { column: 9, type: 'number', sentinels: NOT_SUPPORTED, min: 0, max: 1_000_000 } }, // atsInputVoltage, …Current (A), …Power (W)
    },
    {
      entity: 1,
      scalars: { name: at(`${source1}.1.0`, text), frequency: at(`${source1}.3.0`, tenthsOfHertz), voltage: at(`${source1}.7.1.2.1`, tenthsOfVolts) }, // xATSSource1Name, …Frequency, …VoltageLtoL
    },
    {
      entity: 2,
      scalars: { name: at(`${source2}.1.0`, text), frequency: at(`${source2}.3.0`, tenthsOfHertz), voltage: at(`${source2}.7.1.2.1`, tenthsOfVolts) }, // xATSSource2Name, …Frequency, …VoltageLtoL
    },
  ],
  phases: [
    { // atsOutputPhaseTable, indexed output.phase; atsOutputPhaseIndex neutral(4) is no phase
      entry: `${ats}.5.4.3.1`, entity: { position: 1 }, where: { column: 2, notIn: [4] },
      fields: { voltage: { column: 3, ...volts }, current: { column: 4, ...tenthsOfAmps }, loadState: { column: 19, ...loadState } }, // atsOutputVoltage, …Current (tenths of A), atsOutputPhaseState
    },
    { // xATSSystemOutputPhaseTable: line-to-line voltage (always served; L-N is -1 on 3-wire service)
      entry: `${systemOutput}.12.1`,
      fields: {
        voltage: { column: 2, ...tenthsOfVolts }, // xATSSystemOutputVoltageLtoL
        current: { column: 4, ...amps }, // xATSSystemOutputPhaseCurrent (A)
        power: { column: 5, type: 'number', scale: 100, min: 0, max: 10_000_000 }, // xATSSystemOutputPower (tenths of kW)
      },
    },
  ],
  // The card's probes, as on APC UPSes (uio, iem, ems).
  sensors: apcProbeSensors,
  banks: [
    { // atsOutputBankTable: atsOutputBank total(1), bank1(2), bank2(3)
      entry: `${ats}.5.4.5.1`, entity: { column: 3 }, entityOffset: -1, where: { column: 3, notIn: [1] },
      fields: { current: { column: 4, type: 'number', scale: 0.1, min: 0, max: 500 }, loadState: { column: 5, ...loadState } }, // atsOutputBankCurrent (tenths of A), atsOutputBankState
    },
  ],
  // PowerNet-MIB TRAP-TYPEs (enterprise apc, specific N → apc.0.N). The source in mtrapargsInteger (0=A, 1=B) is no entity number.
  traps: [
    { oid: `${APC}.0.126`, name: 'atsSourceSwitched', event: 'source-transfer' },
    { oid: `${APC}.0.127`, name: 'atsLostRedundancy', event: 'redundancy-lost' },
    { oid: `${APC}.0.128`, name: 'atsRedundancyRestored', event: 'redundancy-restored' },
    { oid: `${APC}.0.130`, name: 'atsCommunicationEstablished', event: 'communication-restored' },
    { oid: `${APC}.0.131`, name: 'atsCommunicationLost', event: 'communication-lost' },
    { oid: `${APC}.0.132`, name: 'atsOverCurrent', event: 'overload' },
    { oid: `${APC}.0.133`, name: 'atsOverCurrentCleared', event: 'overload-cleared' },
    { oid: `${APC}.0.398`, name: 'xATSSwitchTransferEvent', event: 'source-transfer' },
    { oid: `${APC}.0.636`, name: 'apcTestTrap', event: 'test' },
    // atsOutputPhaseIndex; atsOutputBank is total(1)/bank1(2)/bank2(3) or -1, not a bank number: left out.
    { oid: `${APC}.0.638`, name: 'atsLowLoad', event: 'low-load', phase: { oid: `${ats}.5.4.3.1.2` } },
    { oid: `${APC}.0.639`, name: 'atsLowLoadCleared', event: 'low-load-cleared', phase: { oid: `${ats}.5.4.3.1.2` } },
    { oid: `${APC}.0.640`, name: 'atsNearOverload', event: 'near-overload', phase: { oid: `${ats}.5.4.3.1.2` } },
    { oid: `${APC}.0.641`, name: 'atsNearOverloadCleared', event: 'near-overload-cleared', phase: { oid: `${ats}.5.4.3.1.2` } },
    { oid: `${APC}.0.642`, name: 'atsOverload', event: 'overload', phase: { oid: `${ats}.5.4.3.1.2` } },
    { oid: `${APC}.0.643`, name: 'atsOverloadCleared', event: 'overload-cleared', phase: { oid: `${ats}.5.4.3.1.2` } },
    { oid: `${APC}.0.644`, name: 'atsRMSOverVoltage', event: 'alarm' },
    { oid: `${APC}.0.645`, name: 'atsRMSOverVoltageCleared', event: 'alarm-cleared' },
    { oid: `${APC}.0.646`, name: 'atsRMSUnderVoltage', event: 'alarm' },
    { oid: `${APC}.0.647`, name: 'atsRMSUnderVoltageCleared', event: 'alarm-cleared' },
    { oid: `${APC}.0.648`, name: 'atsRMSOverFrequency', event: 'alarm' },
    { oid: `${APC}.0.649`, name: 'atsRMSOverFrequencyCleared', event: 'alarm-cleared' },
    { oid: `${APC}.0.650`, name: 'atsRMSUnderFrequency', event: 'alarm' },
    { oid: `${APC}.0.651`, name: 'atsRMSUnderFrequencyCleared', event: 'alarm-cleared' },
    { oid: `${APC}.0.698`, name: 'atsSourceStatusFail', event: 'inlet-lost' },
    { oid: `${APC}.0.699`, name: 'atsSourceStatusOk', event: 'inlet-restored' },
    { oid: `${APC}.0.825`, name: 'atsCriticalCondition', event: 'alarm' },
    { oid: `${APC}.0.826`, name: 'atsCriticalConditionCleared', event: 'alarm-cleared' },
    { oid: `${APC}.0.827`, name: 'atsWarningCondition', event: 'alarm' },
    { oid: `${APC}.0.828`, name: 'atsWarningConditionCleared', event: 'alarm-cleared' },
  ],
};
