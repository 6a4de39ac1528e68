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
};
