import type { Profile, Source, SensorField, ValueSpec } from './profile.js';

// CyberPower rack PDUs (CPS-MIB): the ePDU2 branch of current models (its tables span up to four
// daisy-chained units, one row each), then the older ePDU branch, which newer units still serve.
// Units per the MIB's DESCRIPTIONs: tenths of amps and volts, watts, tenths of kWh.
const CPS = '1.3.6.1.4.1.3808.1.1';
const ePDU = `${CPS}.3`;
const ePDU2 = `${CPS}.6`;
const ePDULoadStatusEntry = `${ePDU}.2.3.1.1`;
const envir = `${CPS}.4`; // environmentSensor
const envir2 = `${CPS}.8`; // environmentSensor2

const tenthsOfAmps: ValueSpec = { type: 'number', scale: 0.1, min: 0, max: 1_000 };
const tenthsOfVolts: ValueSpec = { type: 'number', scale: 0.1, min: 0, max: 1_000 };
const watts: ValueSpec = { type: 'number', min: 0, max: 1_000_000 };
const tenthsOfKwh: ValueSpec = { type: 'number', scale: 0.1, min: 0 };
const text: ValueSpec = { type: 'string' };
const onOff: ValueSpec = { type: 'enum', map: { 1: 'on', 2: 'off' } }; // outletStatusOn(1), outletStatusOff(2)
// …LoadState / …StatusState: normal(1), low(2), nearOverload(3), overload(4); the …Alarm enums count the same way.
const loadState: ValueSpec = { type: 'enum', map: { 1: 'normal', 2: 'low', 3: 'near-overload', 4: 'overload' } };
const bankNumber: ValueSpec = { type: 'number', min: 1, max: 64 };
const celsius = (scale: number): ValueSpec => ({ type: 'number', scale, min: -50, max: 150 });
const fahrenheit = (scale: number): ValueSpec => ({ type: 'number', scale: scale * 5 / 9, offset: -32 * 5 / 9, min: -50, max: 150 });

/** The ENVIROSENSOR probes, on CyberPower PDUs and UPS cards alike; humidity numbered after temperature. */
export const cyberpowerSensors: readonly Source<SensorField>[] = [
  { // envir2TempTable: hundredths of the unit envir2TempUnit names, celsius(1) or fahrenheit(2)
    entry: `${envir2}.2.3.1`, where: { oid: `${envir2}.2.2.0`, in: [1] },
    fields: { value: { column: 3, ...celsius(0.01) } }, constants: { kind: 'temperature' },
  },
  {
    entry: `${envir2}.2.3.1`, where: { oid: `${envir2}.2.2.0`, in: [2] },
    fields: { value: { column: 3, ...fahrenheit(0.01) } }, constants: { kind: 'temperature' },
  },
  { // envir2HumidTable: hundredths of %RH
    entry: `${envir2}.3.2.1`, entityOffset: 100,
    fields: { value: { column: 3, type: 'number', scale: 0.01, min: 0, max: 100 } }, constants: { kind: 'humidity' },
  },
  { entity: 1, scalars: { value: { oid: `${envir}.2.6.0`, ...celsius(0.1) } }, constants: { kind: 'temperature' } }, // envirTemperatureCelsius
  { entity: 1, scalars: { value: { oid: `${envir}.2.1.0`, ...fahrenheit(0.1) } }, constants: { kind: 'temperature' } }, // envirTemperature
  { entity: 101, scalars: { value: { oid: `${envir}.3.1.0`, type: 'number', min: 0, max: 100 } }, constants: { kind: 'humidity' } }, // envirHumidity (%)
];

export const cyberpowerEpdu: Profile = {
  name: 'cyberpower-epdu',
  vendor: 'CyberPower',
  kind: 'pdu',
  mibs: ['CPS-MIB'],
  detect: {
    sysObjectId: [ePDU, ePDU2],
    probe: [`${ePDU}.1`, `${ePDU2}.2`], // ePDUIdent, ePDU2Ident
  },
  identity: {
    model: [{ oid: `${ePDU2}.2.2.1.9.1`, ...text }, { oid: `${ePDU}.1.5.0`, ...text }], // ePDU2IdentModelName, ePDUIdentModelNumber
    serial: [{ oid: `${ePDU2}.2.2.1.10.1`, ...text }, { oid: `${ePDU}.1.6.0`, ...text }], // ePDU2IdentSerialNumber, ePDUIdentSerialNumber
    firmware: [{ oid: `${ePDU2}.2.2.1.7.1`, ...text }, { oid: `${ePDU}.1.3.0`, ...text }], // ePDU2IdentFirmwareRev, ePDUIdentFirmwareRev
    name: [{ oid: `${ePDU2}.2.2.1.3.1`, ...text }, { oid: `${ePDU}.1.1.0`, ...text }], // ePDU2IdentName, ePDUIdentName
  },
  device: { // ePDU2DeviceStatusTable, first (host or standalone) unit
    power: [{ oid: `${ePDU2}.3.4.1.18.1`, ...watts }], // ePDU2DeviceStatusPowerLoad
    energy: [{ oid: `${ePDU2}.3.4.1.9.1`, ...tenthsOfKwh }], // ePDU2DeviceStatusEnergy
    loadState: [{ oid: `${ePDU2}.3.4.1.4.1`, ...loadState }], // ePDU2DeviceStatusLoadState
  },
  inlets: [
    { // ePDU2DeviceStatusTable: one row, one input, per chained unit
      entry: `${ePDU2}.3.4.1`,
      fields: {
        name: { column: 3, ...text }, loadState: { column: 4, ...loadState }, current: { column: 5, ...tenthsOfAmps }, energy: { column: 9, ...tenthsOfKwh },
        apparentPower: { column: 15, ...watts }, powerFactor: { column: 16, type: 'number', scale: 0.01, min: 0, max: 1 }, power: { column: 18, ...watts },
      },
    },
    { entity: 1, scalars: { voltage: { oid: `${ePDU}.5.7.0`, ...tenthsOfVolts }, frequency: { oid: `${ePDU}.5.8.0`, type: 'number', scale: 0.1, min: 0, max: 100 } } }, // ePDUStatusInputVoltage, …Frequency
  ],
  phases: [
    { // ePDU2PhaseStatusTable
      entry: `${ePDU2}.4.4.1`,
      fields: { loadState: { column: 4, ...loadState }, current: { column: 5, ...tenthsOfAmps }, voltage: { column: 6, ...tenthsOfVolts }, power: { column: 7, ...watts } },
    },
    { // ePDULoadStatusTable: rows with bank number 0 are phases (…PhaseNumber)
      entry: ePDULoadStatusEntry, entity: { column: 4 }, where: { column: 5, in: [0] },
      fields: { current: { column: 2, ...tenthsOfAmps }, loadState: { column: 3, ...loadState }, voltage: { column: 6, ...tenthsOfVolts }, power: { column: 7, ...watts } },
    },
    { // "all phase information shall precede the bank information": row 1 is phase 1, even where the number columns are missing
      entity: 1,
      scalars: {
        current: { oid: `${ePDULoadStatusEntry}.2.1`, ...tenthsOfAmps }, loadState: { oid: `${ePDULoadStatusEntry}.3.1`, ...loadState },
        voltage: { oid: `${ePDULoadStatusEntry}.6.1`, ...tenthsOfVolts }, power: { oid: `${ePDULoadStatusEntry}.7.1`, ...watts },
      },
    },
    { entry: `${ePDU}.5.4.1`, entity: { column: 2 }, fields: { loadState: { column: 3, ...loadState } } }, // ePDUStatusPhaseTable
  ],
  // No breaker objects in CPS-MIB: a bank's breaker is inferred from its outlets.
  banks: [
    { entry: `${ePDU2}.5.4.1`, fields: { loadState: { column: 4, ...loadState }, current: { column: 5, ...tenthsOfAmps } } }, // ePDU2BankStatusTable
    { // ePDULoadStatusTable rows with a bank number
      entry: ePDULoadStatusEntry, entity: { column: 5 }, where: { column: 5, notIn: [0] },
      fields: { current: { column: 2, ...tenthsOfAmps }, loadState: { column: 3, ...loadState } },
    },
    { entry: `${ePDU}.5.2.1`, entity: { column: 2 }, fields: { loadState: { column: 3, ...loadState } } }, // ePDUStatusBankTable
  ],
  outlets: [
    { entry: `${ePDU2}.6.1.4.1`, fields: { name: { column: 4, ...text }, state: { column: 5, ...onOff } } }, // ePDU2OutletSwitchedStatusTable
    { entry: `${ePDU2}.6.1.3.1`, fields: { bank: { column: 6, ...bankNumber } } }, // ePDU2OutletSwitchedInfoBank
    { // ePDU2OutletMeteredStatusTable
      entry: `${ePDU2}.6.2.4.1`,
      fields: { name: { column: 4, ...text }, loadState: { column: 5, ...loadState }, current: { column: 6, ...tenthsOfAmps }, power: { column: 7, ...watts }, energy: { column: 11, ...tenthsOfKwh } },
    },
    { entry: `${ePDU2}.6.2.3.1`, fields: { bank: { column: 7, ...bankNumber } } }, // ePDU2OutletMeteredInfoBank
    { // ePDUOutletStatusTable
      entry: `${ePDU}.3.5.1.1`,
      fields: {
        name: { column: 2, ...text }, state: { column: 4, ...onOff }, bank: { column: 6, ...bankNumber }, current: { column: 7, ...tenthsOfAmps },
        power: { column: 8, ...watts }, loadState: { column: 9, ...loadState }, energy: { column: 13, ...tenthsOfKwh },
      },
    },
    { // ePDUOutletControlTable: reading …OutletCommand returns immediateOn(1) or immediateOff(2), the state
      entry: `${ePDU}.3.3.1.1`,
      fields: { name: { column: 2, ...text }, state: { column: 4, ...onOff }, bank: { column: 5, ...bankNumber } },
    },
  ],
  sensors: cyberpowerSensors,
  // CPS-MIB TRAP-TYPEs (enterprise cps 1.3.6.1.4.1.3808, specific N → cps.0.N): the ePDU and ePDU2 ones.
  traps: [
    { oid: '1.3.6.1.4.1.3808.0.72', name: 'testEvent', event: 'test' },
    { oid: '1.3.6.1.4.1.3808.0.100', name: 'ePDUCommunicationEstablished', event: 'communication-restored' },
    { oid: '1.3.6.1.4.1.3808.0.101', name: 'ePDUCommunicationLost', event: 'communication-lost' },
    { oid: '1.3.6.1.4.1.3808.0.102', name: 'ePDUOutletOn', event: 'outlet-on', outlet: { oid: `${ePDU}.3.3.1.1.1` } }, // ePDUOutletControlIndex
    { oid: '1.3.6.1.4.1.3808.0.103', name: 'ePDUOutletOff', event: 'outlet-off', outlet: { oid: `${ePDU}.3.3.1.1.1` } },
    // ePDULoadStatusPhaseNumber
    { oid: '1.3.6.1.4.1.3808.0.106', name: 'ePDULowLoad', event: 'low-load', phase: { oid: `${ePDULoadStatusEntry}.4` } },
    { oid: '1.3.6.1.4.1.3808.0.107', name: 'ePDULowLoadCleared', event: 'low-load-cleared', phase: { oid: `${ePDULoadStatusEntry}.4` } },
    { oid: '1.3.6.1.4.1.3808.0.108', name: 'ePDUNearOverload', event: 'near-overload', phase: { oid: `${ePDULoadStatusEntry}.4` } },
    { oid: '1.3.6.1.4.1.3808.0.109', name: 'ePDUNearOverloadCleared', event: 'near-overload-cleared', phase: { oid: `${ePDULoadStatusEntry}.4` } },
    { oid: '1.3.6.1.4.1.3808.0.110', name: 'ePDUOverload', event: 'overload', phase: { oid: `${ePDULoadStatusEntry}.4` } },
    { oid: '1.3.6.1.4.1.3808.0.111', name: 'ePDUOverloadCleared', event: 'overload-cleared', phase: { oid: `${ePDULoadStatusEntry}.4` } },
    { oid: '1.3.6.1.4.1.3808.0.116', name: 'ePDULineUndervoltage', event: 'alarm', phase: { oid: `${ePDULoadStatusEntry}.4` } },
    { oid: '1.3.6.1.4.1.3808.0.117', name: 'ePDULineUndervoltageCleared', event: 'alarm-cleared', phase: { oid: `${ePDULoadStatusEntry}.4` } },
    { oid: '1.3.6.1.4.1.3808.0.118', name: 'ePDULineOvervoltage', event: 'alarm', phase: { oid: `${ePDULoadStatusEntry}.4` } },
    { oid: '1.3.6.1.4.1.3808.0.119', name: 'ePDULineOvervoltageCleared', event: 'alarm-cleared', phase: { oid: `${ePDULoadStatusEntry}.4` } },
    { oid: '1.3.6.1.4.1.3808.0.120', name: 'ePDUPowerSupply1Fail', event: 'alarm' },
    { oid: '1.3.6.1.4.1.3808.0.121', name: 'ePDUPowerSupply1Ok', event: 'alarm-cleared' },
    { oid: '1.3.6.1.4.1.3808.0.122', name: 'ePDUPowerSupply2Fail', event: 'alarm' },
    { oid: '1.3.6.1.4.1.3808.0.123', name: 'ePDUPowerSupply2Ok', event: 'alarm-cleared' },
    // ePDULoadStatusBankNumber
    { oid: '1.3.6.1.4.1.3808.0.124', name: 'ePDUBankLowLoad', event: 'low-load', bank: { oid: `${ePDULoadStatusEntry}.5` } },
    { oid: '1.3.6.1.4.1.3808.0.125', name: 'ePDUBankLowLoadCleared', event: 'low-load-cleared', bank: { oid: `${ePDULoadStatusEntry}.5` } },
    { oid: '1.3.6.1.4.1.3808.0.126', name: 'ePDUBankNearOverload', event: 'near-overload', bank: { oid: `${ePDULoadStatusEntry}.5` } },
    { oid: '1.3.6.1.4.1.3808.0.127', name: 'ePDUBankNearOverloadCleared', event: 'near-overload-cleared', bank: { oid: `${ePDULoadStatusEntry}.5` } },
    { oid: '1.3.6.1.4.1.3808.0.128', name: 'ePDUBankOverload', event: 'overload', bank: { oid: `${ePDULoadStatusEntry}.5` } },
    { oid: '1.3.6.1.4.1.3808.0.129', name: 'ePDUBankOverloadCleared', event: 'overload-cleared', bank: { oid: `${ePDULoadStatusEntry}.5` } },
    // ePDUOutletConfigMonitoredNumber
    { oid: '1.3.6.1.4.1.3808.0.132', name: 'ePDUOutletLowLoad', event: 'low-load', outlet: { oid: `${ePDU}.3.4.3.1.3` } },
    { oid: '1.3.6.1.4.1.3808.0.133', name: 'ePDUOutletLowLoadCleared', event: 'low-load-cleared', outlet: { oid: `${ePDU}.3.4.3.1.3` } },
    { oid: '1.3.6.1.4.1.3808.0.134', name: 'ePDUOutletNearOverload', event: 'near-overload', outlet: { oid: `${ePDU}.3.4.3.1.3` } },
    { oid: '1.3.6.1.4.1.3808.0.135', name: 'ePDUOutletNearOverloadCleared', event: 'near-overload-cleared', outlet: { oid: `${ePDU}.3.4.3.1.3` } },
    { oid: '1.3.6.1.4.1.3808.0.136', name: 'ePDUOutletOverload', event: 'overload', outlet: { oid: `${ePDU}.3.4.3.1.3` } },
    { oid: '1.3.6.1.4.1.3808.0.137', name: 'ePDUOutletOverloadCleared', event: 'overload-cleared', outlet: { oid: `${ePDU}.3.4.3.1.3` } },
    // ePDU2 alarms: which condition is not said; the entity is the row index the profile numbers by.
    { oid: '1.3.6.1.4.1.3808.0.401', name: 'pduDeviceAlarm', event: 'alarm' },
    { oid: '1.3.6.1.4.1.3808.0.402', name: 'pduDeviceAlarmClear', event: 'alarm-cleared' },
    { oid: '1.3.6.1.4.1.3808.0.404', name: 'pduPhaseAlarm', event: 'alarm', phase: { oid: `${ePDU2}.4.4.1.1` } }, // ePDU2PhaseStatusIndex
    { oid: '1.3.6.1.4.1.3808.0.405', name: 'pduPhaseAlarmClear', event: 'alarm-cleared', phase: { oid: `${ePDU2}.4.4.1.1` } },
    { oid: '1.3.6.1.4.1.3808.0.407', name: 'pduBankAlarm', event: 'alarm', bank: { oid: `${ePDU2}.5.4.1.1` } }, // ePDU2BankStatusIndex
    { oid: '1.3.6.1.4.1.3808.0.408', name: 'pduBankAlarmClear', event: 'alarm-cleared', bank: { oid: `${ePDU2}.5.4.1.1` } },
    { oid: '1.3.6.1.4.1.3808.0.410', name: 'pduOutletSwitchedAlarm', event: 'alarm', outlet: { oid: `${ePDU2}.6.1.4.1.1` } }, // ePDU2OutletSwitchedStatusIndex
    { oid: '1.3.6.1.4.1.3808.0.411', name: 'pduOutletSwitchedAlarmClear', event: 'alarm-cleared', outlet: { oid: `${ePDU2}.6.1.4.1.1` } },
    { oid: '1.3.6.1.4.1.3808.0.413', name: 'pduOutletMeteredAlarm', event: 'alarm', outlet: { oid: `${ePDU2}.6.2.4.1.1` } }, // ePDU2OutletMeteredStatusIndex
    { oid: '1.3.6.1.4.1.3808.0.414', name: 'pduOutletMeteredAlarmClear', event: 'alarm-cleared', outlet: { oid: `${ePDU2}.6.2.4.1.1` } },
  ],
};
