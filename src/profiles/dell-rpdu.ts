import type { Profile, RowCondition, ScalarSpec, TrapDefinition, ValueSpec } from './profile.js';

// Dell rack PDUs (DellrPDU-MIB, dell 674 pdu 10903). The MIB is APC's PowerNet rPDU2 design under Dell's tree
// (see apc-rpdu2.ts): the same device / phase / switched-outlet / metered-outlet / sensor tables, the same load
// states and units for device and phase power (hundredths of kW), energy (tenths of kWh) and phase current
// (tenths of A), the same trap arguments. It differs where it matters: one index per table (no module column),
// no bank table, outlet states on(1) off(2) (APC's rPDU2 is off(1) on(2)), and the metered outlet current is
// "in Amps" per its DESCRIPTION. OIDs and units here are the Dell MIB's own.
const DELL = '1.3.6.1.4.1.674';
const pdusub = `${DELL}.10903.200`;
const productID = `${pdusub}.2.100`;
const rPDU = `${pdusub}.2.200`;
const ident = `${rPDU}.100.2.1`; // rPDUIdentEntry
const device = `${rPDU}.110.2.1`; // rPDUDeviceStatusEntry
const phase = `${rPDU}.120.2.1`; // rPDUPhaseStatusEntry
const switched = `${rPDU}.130.1.2.1`; // rPDUOutletSwitchedStatusEntry
const metered = `${rPDU}.130.2.2.1`; // rPDUOutletMeteredStatusEntry
const temperature = `${rPDU}.150.2.2.1`; // rPDUSensorTempStatusEntry
const humidity = `${rPDU}.150.3.2.1`; // rPDUSensorHumidityStatusEntry
const mtrapargs = `${rPDU}.160`;
const events = `${rPDU}.500`;

const text: ValueSpec = { type: 'string' };
const at = (oid: string, spec: ValueSpec): ScalarSpec => ({ oid, ...spec });
// The MIB names no "no value" sentinel: a negative reading is implausible, never 0.
const hundredthsOfKw: ValueSpec = { type: 'number', scale: 10, min: 0, max: 100_000 };
const tenthsOfKwh: ValueSpec = { type: 'number', scale: 0.1, min: 0 };
// RpduLowNormalNearOverloadType: lowLoad(1), normal(2), nearOverload(3), overload(4) (rPDU2's numbering)
const loadState: ValueSpec = { type: 'enum', map: { 1: 'low', 2: 'normal', 3: 'near-overload', 4: 'overload' } };
// RpduCommNoneOKLostType: notInstalled(1) is no sensor; commsLost(3) a sensor that reads nothing.
const installed: RowCondition = { column: 3, notIn: [1] };
const reading: RowCondition = { column: 3, in: [2] };

const trap = (n: number, name: string, event: TrapDefinition['event'], by?: 'outlet' | 'phase'): TrapDefinition => ({
  oid: `${events}.0.${n}`, name, event,
  ...(by === 'outlet' ? { outlet: { oid: `${mtrapargs}.2` } } : by === 'phase' ? { phase: { oid: `${mtrapargs}.4` } } : {}), // outletNumber, phaseNumber
});

export const dellRpdu: Profile = {
  name: 'dell-rpdu',
  vendor: 'Dell',
  kind: 'pdu',
  mibs: ['DellrPDU-MIB'],
  detect: {
    sysObjectId: [`${pdusub}.3.1`], // sysRPDUV1
    probe: [`${phase}.4`, `${ident}.7`], // rPDUPhaseStatusCurrent, rPDUIdentModelNumberD
  },
  identity: {
    model: [at(`${ident}.7.1`, text), at(`${productID}.1.0`, text)], // rPDUIdentModelNumberD, productIDDisplayName
    serial: [at(`${ident}.8.1`, text)], // rPDUIdentSerialNumberD
    firmware: [at(`${ident}.5.1`, text), at(`${productID}.4.0`, text)], // rPDUIdentFirmwareRevD, productIDVersion
    name: [at(`${ident}.2.1`, text), at(`${device}.2.1`, text)], // rPDUIdentNameD, rPDUDeviceStatusName
  },
  device: {
    power: [at(`${device}.3.1`, hundredthsOfKw)], // rPDUDeviceStatusPower (1/100 kW)
    energy: [at(`${device}.4.1`, tenthsOfKwh)], // rPDUDeviceStatusEnergy (tenths of kWh)
    loadState: [at(`${device}.6.1`, loadState)], // rPDUDeviceStatusLoadState
  },
  phases: [
    { // rPDUPhaseStatusTable, numbered by rPDUPhaseStatusNumber
      entry: phase, entity: { column: 2 },
      fields: {
        loadState: { column: 3, ...loadState },
        current: { column: 4, type: 'number', scale: 0.1, min: 0, max: 200 }, // tenths of A
        voltage: { column: 5, type: 'number', min: 0, max: 600 }, // V
        power: { column: 6, ...hundredthsOfKw },
      },
    },
  ],
  outlets: [
    { // rPDUOutletSwitchedStatusTable: on(1), off(2); unknown(3) stays unknown
      entry: switched, entity: { column: 2 },
      fields: { name: { column: 3, ...text }, state: { column: 4, type: 'enum', map: { 1: 'on', 2: 'off' } } },
    },
    { // rPDUOutletMeteredStatusTable
      entry: metered, entity: { column: 2 },
      fields: {
        name: { column: 3, ...text },
        current: { column: 6, type: 'number', min: 0, max: 100 }, // rPDUOutletMeteredStatusCurrent: "in Amps"
        energy: { column: 7, type: 'number', min: 0 }, // rPDUOutletMeteredStatusEnergy: kWh
        power: { column: 8, type: 'number', min: 0, max: 100_000 }, // rPDUOutletMeteredStatusPower: no unit given; watts, as rPDU2's
        loadState: { column: 11, ...loadState },
      },
    },
  ],
  sensors: [
    { // rPDUSensorTempStatusTable: tenths of °C
      entry: temperature, where: installed, valid: reading,
      fields: { name: { column: 2, ...text }, value: { column: 5, type: 'number', scale: 0.1, min: -50, max: 150 } }, constants: { kind: 'temperature' },
    },
    { // rPDUSensorHumidityStatusTable: % RH
      entry: humidity, entityOffset: 100, where: installed, valid: reading,
      fields: { name: { column: 2, ...text }, value: { column: 4, type: 'number', min: 0, max: 100 } }, constants: { kind: 'humidity' },
    },
  ],
  // TRAP-TYPEs (ENTERPRISE events, specific N → events.0.N); outletNumber and phaseNumber carry the entity.
  traps: [
    trap(1, 'deviceCommunicationLostCleared', 'communication-restored'),
    trap(2, 'deviceCommunicationLostSet', 'communication-lost'),
    trap(7, 'powerSupplyFailureCleared', 'alarm-cleared'),
    trap(8, 'powerSupplyFailureSet', 'alarm'),
    trap(13, 'deviceLowLoadCleared', 'low-load-cleared'),
    trap(14, 'deviceLowLoadSet', 'low-load'),
    trap(15, 'deviceNearOverLoadCleared', 'near-overload-cleared'),
    trap(16, 'deviceNearOverLoadSet', 'near-overload'),
    trap(17, 'deviceOverLoadCleared', 'overload-cleared'),
    trap(18, 'deviceOverLoadSet', 'overload'),
    trap(19, 'phaseLowLoadCleared', 'low-load-cleared', 'phase'),
    trap(20, 'phaseLowLoadSet', 'low-load', 'phase'),
    trap(21, 'phaseNearOverLoadCleared', 'near-overload-cleared', 'phase'),
    trap(22, 'phaseNearOverLoadSet', 'near-overload', 'phase'),
    trap(23, 'phaseOverLoadCleared', 'overload-cleared', 'phase'),
    trap(24, 'phaseOverLoadSet', 'overload', 'phase'),
    trap(25, 'outletLowLoadCleared', 'low-load-cleared', 'outlet'),
    trap(26, 'outletLowLoadSet', 'low-load', 'outlet'),
    trap(27, 'outletNearOverLoadCleared', 'near-overload-cleared', 'outlet'),
    trap(28, 'outletNearOverLoadSet', 'near-overload', 'outlet'),
    trap(29, 'outletOverLoadCleared', 'overload-cleared', 'outlet'),
    trap(30, 'outletOverLoadSet', 'overload', 'outlet'),
    trap(45, 'outletTurnOn', 'outlet-on', 'outlet'),
    trap(46, 'outletTurnOff', 'outlet-off', 'outlet'),
    trap(1003, 'dellTestTrap', 'test'),
  ],
};
