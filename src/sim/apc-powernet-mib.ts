// The APC PowerNet-MIB objects a 2G rack PDU (rPDU2, sysObjectID .318.1.3.4.6) serves, with the
// vendor's names and OIDs. Checked against PowerNet-MIB and recordings of an AP7900B and an APDU9959EU3.
import snmp from 'net-snmp';
import type { ScalarDef, TableDef } from './mib-writer.js';

const I = snmp.ObjectType.Integer;
const S = snmp.ObjectType.OctetString;
const G = snmp.ObjectType.Gauge;

export const RPDU2_SYS_OBJECT_ID = '1.3.6.1.4.1.318.1.3.4.6';
const APC = '1.3.6.1.4.1.318.1.1';
const RPDU2 = `${APC}.26`;

const scalar = (name: string, oid: string, type: snmp.ObjectType): ScalarDef => ({ name, oid, type });

/** sPDUIdent: the recordings serve hardwareRev, modelNumber and serialNumber only. */
export const sPDUIdent = {
  hardwareRev: scalar('sPDUIdentHardwareRev', `${APC}.4.1.1`, S),
  modelNumber: scalar('sPDUIdentModelNumber', `${APC}.4.1.4`, S),
  serialNumber: scalar('sPDUIdentSerialNumber', `${APC}.4.1.5`, S),
};

export const rPDUIdent = {
  hardwareRev: scalar('rPDUIdentHardwareRev', `${APC}.12.1.2`, S),
  firmwareRev: scalar('rPDUIdentFirmwareRev', `${APC}.12.1.3`, S),
  modelNumber: scalar('rPDUIdentModelNumber', `${APC}.12.1.5`, S),
  serialNumber: scalar('rPDUIdentSerialNumber', `${APC}.12.1.6`, S),
  /** Volts; the AP7xxx "nominal input voltage" setting (AP7900B: 120; newer models: -1). */
  lineToLineVoltage: scalar('rPDUIdentDeviceLinetoLineVoltage', `${APC}.12.1.15`, I),
  powerWatts: scalar('rPDUIdentDevicePowerWatts', `${APC}.12.1.16`, I),
};

export const sPDUOutletControlTable = {
  name: 'sPDUOutletControlTable', oid: `${APC}.4.4.2.1`,
  columns: {
    index: [1, 'sPDUOutletControlIndex', I],
    pending: [2, 'sPDUOutletPending', I], // 2 noCommandPending
    ctl: [3, 'sPDUOutletCtl', I], // 1 outletOn, 2 outletOff
    ctlName: [4, 'sPDUOutletCtlName', S],
  },
} as const satisfies TableDef;

/** Thresholds in amps, per phase. */
export const rPDULoadPhaseConfigTable = {
  name: 'rPDULoadPhaseConfigTable', oid: `${APC}.12.2.2.1.1`,
  columns: {
    index: [1, 'rPDULoadPhaseConfigIndex', I],
    lowLoadThreshold: [2, 'rPDULoadPhaseConfigLowLoadThreshold', I],
    nearOverloadThreshold: [3, 'rPDULoadPhaseConfigNearOverloadThreshold', I],
    overloadThreshold: [4, 'rPDULoadPhaseConfigOverloadThreshold', I],
    alarm: [5, 'rPDULoadPhaseConfigAlarm', I], // 1 noLoadAlarm
  },
} as const satisfies TableDef;

/** Rows: one per phase (bankNumber 0), then one per bank. Load in tenths of A. */
export const rPDULoadStatusTable = {
  name: 'rPDULoadStatusTable', oid: `${APC}.12.2.3.1.1`,
  columns: {
    index: [1, 'rPDULoadStatusIndex', I],
    load: [2, 'rPDULoadStatusLoad', G],
    loadState: [3, 'rPDULoadStatusLoadState', I], // NB: 1 phaseLoadNormal, 2 phaseLoadLow, 3 near, 4 over
    phaseNumber: [4, 'rPDULoadStatusPhaseNumber', I],
    bankNumber: [5, 'rPDULoadStatusBankNumber', I],
  },
} as const satisfies TableDef;

export const rPDU2IdentTable = {
  name: 'rPDU2IdentTable', oid: `${RPDU2}.2.1`,
  columns: {
    index: [1, 'rPDU2IdentIndex', I],
    module: [2, 'rPDU2IdentModule', I],
    name: [3, 'rPDU2IdentName', S],
    location: [4, 'rPDU2IdentLocation', S],
    hardwareRev: [5, 'rPDU2IdentHardwareRev', S],
    firmwareRev: [6, 'rPDU2IdentFirmwareRev', S],
    dateOfManufacture: [7, 'rPDU2IdentDateOfManufacture', S],
    modelNumber: [8, 'rPDU2IdentModelNumber', S],
    serialNumber: [9, 'rPDU2IdentSerialNumber', S],
    contact: [10, 'rPDU2IdentContact', S],
    bootMonitorRev: [11, 'rPDU2IdentBootMonitorRev', S],
    longDescription: [12, 'rPDU2IdentLongDescription', S],
    nmcSerialNumber: [13, 'rPDU2IdentNMCSerialNumber', S],
    appBuildDate: [14, 'rPDU2IndentAppBuildDate', S], // sic: "Indent" in the MIB
    aosBuildDate: [15, 'rPDU2IndentAOSBuildDate', S],
    bootMonBuildDate: [16, 'rPDU2IndentBootMonBuildDate', S],
  },
} as const satisfies TableDef;

export const rPDU2DevicePropertiesTable = {
  name: 'rPDU2DevicePropertiesTable', oid: `${RPDU2}.4.2.1`,
  columns: {
    index: [1, 'rPDU2DevicePropertiesIndex', I],
    module: [2, 'rPDU2DevicePropertiesModule', I],
    name: [3, 'rPDU2DevicePropertiesName', S],
    numOutlets: [4, 'rPDU2DevicePropertiesNumOutlets', I],
    numSwitchedOutlets: [5, 'rPDU2DevicePropertiesNumSwitchedOutlets', I],
    numMeteredOutlets: [6, 'rPDU2DevicePropertiesNumMeteredOutlets', I],
    numPhases: [7, 'rPDU2DevicePropertiesNumPhases', I],
    numMeteredBanks: [8, 'rPDU2DevicePropertiesNumMeteredBanks', I],
    maxCurrentRating: [9, 'rPDU2DevicePropertiesMaxCurrentRating', I], // A
    orientation: [10, 'rPDU2DevicePropertiesOrientation', I], // 2 vertical
    outletLayout: [11, 'rPDU2DevicePropertiesOutletLayout', I],
    maxPhaseCurrentRating: [12, 'rPDU2DevicePropertiesMaxPhaseCurrentRating', I], // A
    devicePowerRating: [13, 'rPDU2DevicePropertiesDevicePowerRating', I], // tenths of kW
  },
} as const satisfies TableDef;

export const rPDU2DeviceStatusTable = {
  name: 'rPDU2DeviceStatusTable', oid: `${RPDU2}.4.3.1`,
  columns: {
    index: [1, 'rPDU2DeviceStatusIndex', I],
    module: [2, 'rPDU2DeviceStatusModule', I],
    name: [3, 'rPDU2DeviceStatusName', S],
    loadState: [4, 'rPDU2DeviceStatusLoadState', I], // 1 lowLoad, 2 normal, 3 nearOverload, 4 overload
    power: [5, 'rPDU2DeviceStatusPower', I], // hundredths of kW
    peakPower: [6, 'rPDU2DeviceStatusPeakPower', I], // hundredths of kW
    peakPowerTimestamp: [7, 'rPDU2DeviceStatusPeakPowerTimestamp', S],
    peakPowerStartTime: [8, 'rPDU2DeviceStatusPeakPowerStartTime', S],
    energy: [9, 'rPDU2DeviceStatusEnergy', I], // tenths of kWh
    energyStartTime: [10, 'rPDU2DeviceStatusEnergyStartTime', S],
    commandPending: [11, 'rPDU2DeviceStatusCommandPending', I], // 2 noCommandPending
    powerSupplyAlarm: [12, 'rPDU2DeviceStatusPowerSupplyAlarm', I], // 1 normal
    powerSupply1Status: [13, 'rPDU2DeviceStatusPowerSupply1Status', I], // 1 normal
    powerSupply2Status: [14, 'rPDU2DeviceStatusPowerSupply2Status', I], // 3 notInstalled
    outletsEnergyStartTime: [15, 'rPDU2DeviceStatusOutletsEnergyStartTime', S],
    apparentPower: [16, 'rPDU2DeviceStatusApparentPower', I], // hundredths of kVA
    powerFactor: [17, 'rPDU2DeviceStatusPowerFactor', I], // hundredths
    npsType: [18, 'rPDU2DeviceStatusNPSType', I], // 1 notNPS
  },
} as const satisfies TableDef;

export const rPDU2PhaseStatusTable = {
  name: 'rPDU2PhaseStatusTable', oid: `${RPDU2}.6.3.1`,
  columns: {
    index: [1, 'rPDU2PhaseStatusIndex', I],
    module: [2, 'rPDU2PhaseStatusModule', I],
    number: [3, 'rPDU2PhaseStatusNumber', I],
    loadState: [4, 'rPDU2PhaseStatusLoadState', I],
    current: [5, 'rPDU2PhaseStatusCurrent', I], // tenths of A
    voltage: [6, 'rPDU2PhaseStatusVoltage', I], // V
    power: [7, 'rPDU2PhaseStatusPower', I], // hundredths of kW
    apparentPower: [8, 'rPDU2PhaseStatusApparentPower', I], // hundredths of kVA
    powerFactor: [9, 'rPDU2PhaseStatusPowerFactor', I], // hundredths
    peakCurrent: [10, 'rPDU2PhaseStatusPeakCurrent', I], // tenths of A
    peakCurrentTimestamp: [11, 'rPDU2PhaseStatusPeakCurrentTimestamp', S],
    peakCurrentStartTime: [12, 'rPDU2PhaseStatusPeakCurrentStartTime', S],
  },
} as const satisfies TableDef;

export const rPDU2BankPropertiesTable = {
  name: 'rPDU2BankPropertiesTable', oid: `${RPDU2}.8.2.1`,
  columns: {
    index: [1, 'rPDU2BankPropertiesIndex', I],
    module: [2, 'rPDU2BankPropertiesModule', I],
    number: [3, 'rPDU2BankPropertiesNumber', I],
    phaseLayout: [4, 'rPDU2BankPropertiesPhaseLayout', I], // Rpdu2OutletPhaseLayoutType
    breakerRating: [5, 'rPDU2BankPropertiesBreakerRating', I], // A
  },
} as const satisfies TableDef;

export const rPDU2BankStatusTable = {
  name: 'rPDU2BankStatusTable', oid: `${RPDU2}.8.3.1`,
  columns: {
    index: [1, 'rPDU2BankStatusIndex', I],
    module: [2, 'rPDU2BankStatusModule', I],
    number: [3, 'rPDU2BankStatusNumber', I],
    loadState: [4, 'rPDU2BankStatusLoadState', I],
    current: [5, 'rPDU2BankStatusCurrent', I], // tenths of A
    peakCurrent: [6, 'rPDU2BankStatusPeakCurrent', I], // tenths of A
    peakCurrentTimestamp: [7, 'rPDU2BankStatusPeakCurrentTimestamp', S],
    peakCurrentStartTime: [8, 'rPDU2BankStatusPeakCurrentStartTime', S],
  },
} as const satisfies TableDef;

export const rPDU2OutletSwitchedPropertiesTable = {
  name: 'rPDU2OutletSwitchedPropertiesTable', oid: `${RPDU2}.9.2.2.1`,
  columns: {
    index: [1, 'rPDU2OutletSwitchedPropertiesIndex', I],
    module: [2, 'rPDU2OutletSwitchedPropertiesModule', I],
    name: [3, 'rPDU2OutletSwitchedPropertiesName', S],
    number: [4, 'rPDU2OutletSwitchedPropertiesNumber', I],
    phaseLayout: [5, 'rPDU2OutletSwitchedPropertiesPhaseLayout', I],
    bank: [6, 'rPDU2OutletSwitchedPropertiesBank', I],
  },
} as const satisfies TableDef;

export const rPDU2OutletSwitchedStatusTable = {
  name: 'rPDU2OutletSwitchedStatusTable', oid: `${RPDU2}.9.2.3.1`,
  columns: {
    index: [1, 'rPDU2OutletSwitchedStatusIndex', I],
    module: [2, 'rPDU2OutletSwitchedStatusModule', I],
    name: [3, 'rPDU2OutletSwitchedStatusName', S],
    number: [4, 'rPDU2OutletSwitchedStatusNumber', I],
    state: [5, 'rPDU2OutletSwitchedStatusState', I], // 1 off, 2 on
    commandPending: [6, 'rPDU2OutletSwitchedStatusCommandPending', I], // 2 noCommandPending
    externalLink: [7, 'rPDU2OutletSwitchedStatusExternalLink', S],
  },
} as const satisfies TableDef;

export const rPDU2OutletMeteredPropertiesTable = {
  name: 'rPDU2OutletMeteredPropertiesTable', oid: `${RPDU2}.9.4.2.1`,
  columns: {
    index: [1, 'rPDU2OutletMeteredPropertiesIndex', I],
    module: [2, 'rPDU2OutletMeteredPropertiesModule', I],
    name: [3, 'rPDU2OutletMeteredPropertiesName', S],
    number: [4, 'rPDU2OutletMeteredPropertiesNumber', I],
    layout: [5, 'rPDU2OutletMeteredPropertiesLayout', I],
    powerRating: [6, 'rPDU2OutletMeteredPropertiesPowerRating', I], // W
    bank: [7, 'rPDU2OutletMeteredPropertiesBank', I],
  },
} as const satisfies TableDef;

export const rPDU2OutletMeteredStatusTable = {
  name: 'rPDU2OutletMeteredStatusTable', oid: `${RPDU2}.9.4.3.1`,
  columns: {
    index: [1, 'rPDU2OutletMeteredStatusIndex', I],
    module: [2, 'rPDU2OutletMeteredStatusModule', I],
    name: [3, 'rPDU2OutletMeteredStatusName', S],
    number: [4, 'rPDU2OutletMeteredStatusNumber', I],
    state: [5, 'rPDU2OutletMeteredStatusState', I], // load state: 1 lowLoad, 2 normal, 3 near, 4 over
    current: [6, 'rPDU2OutletMeteredStatusCurrent', I], // tenths of A
    power: [7, 'rPDU2OutletMeteredStatusPower', I], // W
    peakPower: [8, 'rPDU2OutletMeteredStatusPeakPower', I], // W
    peakPowerTimestamp: [9, 'rPDU2OutletMeteredStatusPeakPowerTimestamp', S],
    peakPowerStartTime: [10, 'rPDU2OutletMeteredStatusPeakPowerStartTime', S],
    energy: [11, 'rPDU2OutletMeteredStatusEnergy', I], // tenths of kWh
    receptacleType: [12, 'rPDU2OutletMeteredStatusReceptacleType', S],
    externalLink: [13, 'rPDU2OutletMeteredStatusExternalLink', S],
  },
} as const satisfies TableDef;
