import type { Profile, ValueSpec } from './profile.js';

// APC rack PDUs (PowerNet-MIB): rPDU2 tables first, then the older rPDU / sPDU objects that
// 2G cards still serve and older cards serve alone. Units per the MIB's DESCRIPTIONs.
const APC = '1.3.6.1.4.1.318';
const rPDU2 = `${APC}.1.1.26`;
const rPDU = `${APC}.1.1.12`;
const sPDU = `${APC}.1.1.4`;

const NO_SENSOR = [-1];
const tenthsOfAmps: ValueSpec = { type: 'number', scale: 0.1, sentinels: NO_SENSOR, min: 0, max: 200 };
const hundredthsOfKw: ValueSpec = { type: 'number', scale: 10, sentinels: NO_SENSOR, min: 0, max: 100_000 };
const volts: ValueSpec = { type: 'number', sentinels: NO_SENSOR, min: 0, max: 600 };
const watts: ValueSpec = { type: 'number', sentinels: NO_SENSOR, min: 0, max: 100_000 };
const text: ValueSpec = { type: 'string' };
// rPDU2 load states; the older rPDULoadStatusLoadState numbers them differently.
const loadState: ValueSpec = { type: 'enum', map: { 1: 'low', 2: 'normal', 3: 'near-overload', 4: 'overload' } };
const rPduLoadState: ValueSpec = { type: 'enum', map: { 1: 'normal', 2: 'low', 3: 'near-overload', 4: 'overload' } };
const bankNumber: ValueSpec = { type: 'number', sentinels: NO_SENSOR, min: 1, max: 64 };

export const apcRpdu2: Profile = {
  name: 'apc-rpdu2',
  vendor: 'APC',
  kind: 'pdu',
  mibs: ['PowerNet-MIB'],
  detect: {
    sysObjectId: [`${APC}.1.3.4`],
    probe: [`${rPDU2}.2.1.8`, `${sPDU}.4.2.1.3`],
  },
  identity: {
    model: [{ oid: `${rPDU2}.2.1.8.1`, ...text }, { oid: `${rPDU}.1.5.0`, ...text }, { oid: `${sPDU}.1.4.0`, ...text }], // rPDU2IdentModelNumber, rPDUIdentModelNumber, sPDUIdentModelNumber
    serial: [{ oid: `${rPDU2}.2.1.9.1`, ...text }, { oid: `${rPDU}.1.6.0`, ...text }, { oid: `${sPDU}.1.5.0`, ...text }],
    firmware: [{ oid: `${rPDU2}.2.1.6.1`, ...text }, { oid: `${rPDU}.1.3.0`, ...text }],
    name: [{ oid: `${rPDU2}.2.1.3.1`, ...text }], // rPDU2IdentName
  },
  device: {
    power: [{ oid: `${rPDU2}.4.3.1.5.1`, ...hundredthsOfKw }, { oid: `${rPDU}.1.16.0`, ...watts }], // rPDU2DeviceStatusPower, rPDUIdentDevicePowerWatts
    energy: [{ oid: `${rPDU2}.4.3.1.9.1`, type: 'number', scale: 0.1, sentinels: NO_SENSOR, min: 0 }], // rPDU2DeviceStatusEnergy (tenths of kWh)
    loadState: [{ oid: `${rPDU2}.4.3.1.4.1`, ...loadState }], // rPDU2DeviceStatusLoadState
  },
  phases: [
    { // rPDULoadStatusTable rows with bankNumber 0 (or none) are phase totals
      entry: `${rPDU}.2.3.1.1`, entity: { column: 4 }, where: { column: 5, in: [0] },
      fields: { current: { column: 2, ...tenthsOfAmps }, loadState: { column: 3, ...rPduLoadState } }, // rPDULoadStatusLoad, …LoadState
    },
    { // rPDU2PhaseStatusTable
      entry: `${rPDU2}.6.3.1`, entity: { column: 3 },
      fields: { loadState: { column: 4, ...loadState }, current: { column: 5, ...tenthsOfAmps }, voltage: { column: 6, ...volts }, power: { column: 7, ...hundredthsOfKw } },
    },
    { entity: 1, fillOnly: true, scalars: { voltage: { oid: `${rPDU}.1.15.0`, ...volts } } }, // rPDUIdentDeviceLinetoLineVoltage
  ],
  banks: [
    { // rPDU2BankStatusTable
      entry: `${rPDU2}.8.3.1`, entity: { column: 3 },
      fields: { loadState: { column: 4, ...loadState }, current: { column: 5, ...tenthsOfAmps } },
    },
    { // rPDULoadStatusTable rows with a bank number are bank totals
      entry: `${rPDU}.2.3.1.1`, entity: { column: 5 }, where: { column: 5, notIn: [0] },
      fields: { current: { column: 2, ...tenthsOfAmps }, loadState: { column: 3, ...rPduLoadState } },
    },
    { // rPDU2BankPropertiesTable
      entry: `${rPDU2}.8.2.1`, entity: { column: 3 },
      fields: { rating: { column: 5, type: 'number', sentinels: NO_SENSOR, min: 1, max: 400 } }, // rPDU2BankPropertiesBreakerRating
    },
  ],
  outlets: [
    { // rPDU2OutletSwitchedStatusTable
      entry: `${rPDU2}.9.2.3.1`, entity: { column: 4 },
      fields: { name: { column: 3, ...text }, state: { column: 5, type: 'enum', map: { 1: 'off', 2: 'on' } } },
    },
    { // rPDU2OutletSwitchedPropertiesTable
      entry: `${rPDU2}.9.2.2.1`, entity: { column: 4 },
      fields: { bank: { column: 6, ...bankNumber } },
    },
    { // rPDU2OutletMeteredStatusTable
      entry: `${rPDU2}.9.4.3.1`, entity: { column: 4 },
      fields: { name: { column: 3, ...text }, loadState: { column: 5, ...loadState }, current: { column: 6, ...tenthsOfAmps }, power: { column: 7, ...watts }, energy: { column: 11, type: 'number', scale: 0.1, sentinels: NO_SENSOR, min: 0 } },
    },
    { // rPDU2OutletMeteredPropertiesTable
      entry: `${rPDU2}.9.4.2.1`, entity: { column: 4 },
      fields: { bank: { column: 7, ...bankNumber } },
    },
    { // sPDUOutletControlTable: what older cards (and 2G cards alongside rPDU2) serve
      entry: `${sPDU}.4.2.1`,
      fields: { state: { column: 3, type: 'enum', map: { 1: 'on', 2: 'off' } }, name: { column: 4, ...text } },
    },
    { // rPDUOutletStatusTable: older rPDU cards' outlet states and banks
      entry: `${rPDU}.3.5.1.1`,
      fields: { name: { column: 2, ...text }, state: { column: 4, type: 'enum', map: { 1: 'on', 2: 'off' } }, bank: { column: 6, ...bankNumber } }, // …OutletName, …OutletState, …OutletBank
    },
  ],
  // PowerNet-MIB TRAP-TYPEs (enterprise apc, specific N → apc.0.N). Outlet 0 means "all outlets", bank 0 "this
  // is phase data", phase 0 "this is bank data": such numbers name no entity.
  traps: [
    // VARIABLES { sPDUOutletControlIndex }; real 2G cards send the number in mtrapargsInteger (and the wrong text).
    { oid: `${APC}.0.41`, name: 'outletOn', event: 'outlet-on', outlet: [{ oid: `${sPDU}.4.2.1.1` }, { oid: `${APC}.2.3.1` }] },
    { oid: `${APC}.0.42`, name: 'outletOff', event: 'outlet-off', outlet: [{ oid: `${sPDU}.4.2.1.1` }, { oid: `${APC}.2.3.1` }] },
    { oid: `${APC}.0.43`, name: 'outletReboot', event: 'outlet-reboot', outlet: [{ oid: `${sPDU}.4.2.1.1` }, { oid: `${APC}.2.3.1` }] },
    // rPDULoadStatusBankNumber, rPDULoadStatusPhaseNumber
    { oid: `${APC}.0.222`, name: 'rPDUBankPhaseLowLoad', event: 'low-load', bank: { oid: `${rPDU}.2.3.1.1.5` }, phase: { oid: `${rPDU}.2.3.1.1.4` } },
    { oid: `${APC}.0.223`, name: 'rPDUBankPhaseLowLoadCleared', event: 'low-load-cleared', bank: { oid: `${rPDU}.2.3.1.1.5` }, phase: { oid: `${rPDU}.2.3.1.1.4` } },
    { oid: `${APC}.0.224`, name: 'rPDUBankPhaseNearOverload', event: 'near-overload', bank: { oid: `${rPDU}.2.3.1.1.5` }, phase: { oid: `${rPDU}.2.3.1.1.4` } },
    { oid: `${APC}.0.225`, name: 'rPDUBankPhaseNearOverloadCleared', event: 'near-overload-cleared', bank: { oid: `${rPDU}.2.3.1.1.5` }, phase: { oid: `${rPDU}.2.3.1.1.4` } },
    { oid: `${APC}.0.226`, name: 'rPDUBankPhaseOverload', event: 'overload', bank: { oid: `${rPDU}.2.3.1.1.5` }, phase: { oid: `${rPDU}.2.3.1.1.4` } },
    { oid: `${APC}.0.227`, name: 'rPDUBankPhaseOverloadCleared', event: 'overload-cleared', bank: { oid: `${rPDU}.2.3.1.1.5` }, phase: { oid: `${rPDU}.2.3.1.1.4` } },
    { oid: `${APC}.0.266`, name: 'rPDUCommunicationEstablished', event: 'communication-restored' },
    { oid: `${APC}.0.267`, name: 'rPDUCommunicationLost', event: 'communication-lost' },
    { oid: `${APC}.0.268`, name: 'rPDUOutletOn', event: 'outlet-on', outlet: { oid: `${rPDU}.3.3.1.1.1` } }, // rPDUOutletControlIndex
    { oid: `${APC}.0.269`, name: 'rPDUOutletOff', event: 'outlet-off', outlet: { oid: `${rPDU}.3.3.1.1.1` } },
    { oid: `${APC}.0.272`, name: 'rPDULowLoad', event: 'low-load', phase: { oid: `${rPDU}.2.3.1.1.4` } },
    { oid: `${APC}.0.273`, name: 'rPDULowLoadCleared', event: 'low-load-cleared', phase: { oid: `${rPDU}.2.3.1.1.4` } },
    { oid: `${APC}.0.274`, name: 'rPDUNearOverload', event: 'near-overload', phase: { oid: `${rPDU}.2.3.1.1.4` } },
    { oid: `${APC}.0.275`, name: 'rPDUNearOverloadCleared', event: 'near-overload-cleared', phase: { oid: `${rPDU}.2.3.1.1.4` } },
    { oid: `${APC}.0.276`, name: 'rPDUOverload', event: 'overload', phase: { oid: `${rPDU}.2.3.1.1.4` } },
    { oid: `${APC}.0.277`, name: 'rPDUOverloadCleared', event: 'overload-cleared', phase: { oid: `${rPDU}.2.3.1.1.4` } },
    { oid: `${APC}.0.278`, name: 'rPDUPowerSupply1Fail', event: 'alarm' },
    { oid: `${APC}.0.279`, name: 'rPDUPowerSupply1Ok', event: 'alarm-cleared' },
    { oid: `${APC}.0.280`, name: 'rPDUPowerSupply2Fail', event: 'alarm' },
    { oid: `${APC}.0.281`, name: 'rPDUPowerSupply2Ok', event: 'alarm-cleared' },
    // rPDUOutletStatusIndex
    { oid: `${APC}.0.630`, name: 'rPDUOutletLowLoad', event: 'low-load', outlet: { oid: `${rPDU}.3.5.1.1.1` } },
    { oid: `${APC}.0.631`, name: 'rPDUOutletLowLoadCleared', event: 'low-load-cleared', outlet: { oid: `${rPDU}.3.5.1.1.1` } },
    { oid: `${APC}.0.632`, name: 'rPDUOutletNearOverload', event: 'near-overload', outlet: { oid: `${rPDU}.3.5.1.1.1` } },
    { oid: `${APC}.0.633`, name: 'rPDUOutletNearOverloadCleared', event: 'near-overload-cleared', outlet: { oid: `${rPDU}.3.5.1.1.1` } },
    { oid: `${APC}.0.634`, name: 'rPDUOutletOverload', event: 'overload', outlet: { oid: `${rPDU}.3.5.1.1.1` } },
    { oid: `${APC}.0.635`, name: 'rPDUOutletOverloadCleared', event: 'overload-cleared', outlet: { oid: `${rPDU}.3.5.1.1.1` } },
    { oid: `${APC}.0.636`, name: 'apcTestTrap', event: 'test' },
    // rPDU2 cards report bank, phase and device conditions here; the error number (mtrapargsInteger) is not enumerated in the MIB.
    { oid: `${APC}.0.750`, name: 'rpduCriticalCondition', event: 'alarm' },
    { oid: `${APC}.0.751`, name: 'rpduCriticalConditionCleared', event: 'alarm-cleared' },
    { oid: `${APC}.0.752`, name: 'rpduWarningCondition', event: 'alarm' },
    { oid: `${APC}.0.753`, name: 'rpduWarningConditionCleared', event: 'alarm-cleared' },
  ],
};
