import type { Profile, ScalarSpec, ValueSpec } from './profile.js';
import { outputSource, upsMibIdentity, upsMibInlets, upsMibPhases, upsMibUps, upsValues as v } from './ups-mib.js';

// Eaton UPSes: MGE / Eaton Network-MS cards (MG-SNMP-UPS-MIB, merlinGerin 705) and Powerware / Eaton
// ConnectUPS cards (XUPS-MIB, eaton 534), both beside the standard UPS-MIB. The UPS-MIB objects come first
// except where a vendor object is finer (remaining runtime in seconds, not minutes); the vendor objects fill
// in what a card does not serve in the UPS-MIB. MG-SNMP-UPS-MIB gives no units: these are the ones its
// cards report in (NUT's mge-mib agrees): seconds, %, 0.1 V, 0.1 A, 0.1 Hz, 0.1 °C.
const MG = '1.3.6.1.4.1.705.1';
const XUPS = '1.3.6.1.4.1.534.1';

const text: ValueSpec = { type: 'string' };
const at = (oid: string, spec: ValueSpec): ScalarSpec => ({ oid, ...spec });
const seconds: ValueSpec = { type: 'number', min: 0 };
const percent: ValueSpec = { type: 'number', min: 0, max: 100 };
const wholeAmps: ValueSpec = { type: 'number', min: 0, max: 5_000 };
const tenths = (max: number, min = 0): ValueSpec => ({ type: 'number', scale: 0.1, min, max });
/** MG yes(1)/no(2) flags. */
const yes = (word: string, no?: string): ValueSpec => ({ type: 'enum', map: no ? { 1: word, 2: no } : { 1: word } });

export const eatonUps: Profile = {
  name: 'eaton-ups',
  vendor: 'Eaton',
  kind: 'ups',
  mibs: ['MG-SNMP-UPS-MIB', 'XUPS-MIB', 'UPS-MIB'],
  detect: {
    sysObjectId: [MG, XUPS], // upsmg, xupsMIB: the cards give the MIB root as their sysObjectID
    probe: [`${MG}.5.1`, `${XUPS}.2.1`], // upsmgBatteryRemainingTime, xupsBatTimeRemaining
  },
  identity: {
    model: [...upsMibIdentity.model, at(`${XUPS}.1.2.0`, text), at(`${MG}.1.1.0`, text)], // xupsIdentModel, upsmgIdentFamilyName
    serial: [at(`${MG}.1.7.0`, text), at(`${XUPS}.1.6.0`, text)], // upsmgIdentSerialNumber, xupsIdentSerialNumber
    firmware: [at(`${MG}.1.4.0`, text), at(`${XUPS}.1.3.0`, text), ...upsMibIdentity.firmware], // upsmgIdentFirmwareVersion, xupsIdentSoftwareVersion
    name: [...upsMibIdentity.name, at(`${MG}.1.5.0`, text)], // upsmgIdentUserID
  },
  inlets: [
    ...upsMibInlets,
    { // xupsInputTable (whole amps; the high-precision column in tenths first)
      entry: `${XUPS}.3.4.1`,
      fields: { voltage: { column: 2, ...v.volts }, current: { column: 7, ...v.tenthsOfAmps }, power: { column: 4, ...v.watts } },
    },
    { entry: `${XUPS}.3.4.1`, fields: { current: { column: 3, ...wholeAmps } } }, // xupsInputCurrent
    { // mginputPhaseTable
      entry: `${MG}.6.2.1`,
      fields: { voltage: { column: 2, ...tenths(1_000) }, frequency: { column: 3, ...v.tenthsOfHertz }, current: { column: 6, ...v.tenthsOfAmps } },
    },
  ],
  phases: [
    ...upsMibPhases,
    { // xupsOutputTable
      entry: `${XUPS}.4.4.1`,
      fields: { voltage: { column: 2, ...v.volts }, current: { column: 7, ...v.tenthsOfAmps }, power: { column: 4, ...v.watts } },
    },
    { entry: `${XUPS}.4.4.1`, fields: { current: { column: 3, ...wholeAmps } } }, // xupsOutputCurrent
    { entry: `${MG}.7.2.1`, fields: { voltage: { column: 2, ...tenths(1_000) }, current: { column: 5, ...v.tenthsOfAmps } } }, // mgoutputPhaseTable
  ],
  ups: [
    { // finer than upsEstimatedMinutesRemaining
      entity: 1,
      scalars: { runtime: at(`${MG}.5.1.0`, seconds) }, // upsmgBatteryRemainingTime
    },
    { entity: 1, scalars: { runtime: at(`${XUPS}.2.1.0`, seconds) } }, // xupsBatTimeRemaining
    ...upsMibUps,
    {
      entity: 1,
      scalars: {
        source: at(`${XUPS}.4.5.0`, { // xupsOutputSource: the UPS-MIB numbering, then parallel and eco modes (on mains) and maintenance bypass
          type: 'enum', map: { ...outputSource, 8: 'mains', 9: 'mains', 10: 'mains', 11: 'bypass', 12: 'mains' },
        }),
        charge: at(`${XUPS}.2.4.0`, percent), // xupsBatCapacity
        batteryVoltage: at(`${XUPS}.2.2.0`, { type: 'number', min: 0, max: 1_500 }), // xupsBatVoltage (whole V)
        load: at(`${XUPS}.4.1.0`, v.percentLoad), // xupsOutputLoad
        inputFrequency: at(`${XUPS}.3.1.0`, v.tenthsOfHertz), // xupsInputFrequency
        outputFrequency: at(`${XUPS}.4.2.0`, v.tenthsOfHertz), // xupsOutputFrequency
        alarms: at(`${XUPS}.7.1.0`, { type: 'number', min: 0 }), // xupsAlarms
      },
    },
    { // xupsOutputTable and xupsInputTable, line 1
      entry: `${XUPS}.4.4.1`,
      fields: { outputVoltage: { column: 2, ...v.volts }, outputCurrent: { column: 7, ...v.tenthsOfAmps }, outputPower: { column: 4, ...v.watts } },
    },
    { entry: `${XUPS}.4.4.1`, fields: { outputCurrent: { column: 3, ...wholeAmps } } },
    { entry: `${XUPS}.3.4.1`, fields: { inputVoltage: { column: 2, ...v.volts } } },
    {
      entity: 1,
      scalars: {
        source: at(`${MG}.7.4.0`, yes('bypass')), // upsmgOutputOnByPass
        batteryStatus: at(`${MG}.5.14.0`, yes('low', 'normal')), // upsmgBatteryLowBattery
        charge: at(`${MG}.5.2.0`, percent), // upsmgBatteryLevel
        batteryVoltage: at(`${MG}.5.5.0`, v.batteryVolts), // upsmgBatteryVoltage
      },
    },
    { entity: 1, scalars: { source: at(`${MG}.7.3.0`, yes('battery', 'mains')) } }, // upsmgOutputOnBattery (after the bypass flag)
    { // mgoutputPhaseTable, line 1
      entry: `${MG}.7.2.1`,
      fields: { outputVoltage: { column: 2, ...tenths(1_000) }, outputFrequency: { column: 3, ...v.tenthsOfHertz }, load: { column: 4, ...v.percentLoad }, outputCurrent: { column: 5, ...v.tenthsOfAmps } },
    },
    { entry: `${MG}.6.2.1`, fields: { inputVoltage: { column: 2, ...tenths(1_000) }, inputFrequency: { column: 3, ...v.tenthsOfHertz } } }, // mginputPhaseTable, line 1
  ],
  sensors: [
    // The ambient probe (an EMP on the card): MG in tenths first, then XUPS in whole units.
    { entity: 1, scalars: { value: at(`${MG}.8.1.0`, tenths(150, -50)) }, constants: { kind: 'temperature', name: 'Ambient' } }, // upsmgEnvironAmbientTemp
    { entity: 1, scalars: { value: at(`${XUPS}.6.1.0`, v.celsius) }, constants: { kind: 'temperature', name: 'Ambient' } }, // xupsEnvAmbientTemp
    { entity: 2, scalars: { value: at(`${MG}.8.2.0`, tenths(100)) }, constants: { kind: 'humidity', name: 'Ambient' } }, // upsmgEnvironAmbientHumidity
    { entity: 2, scalars: { value: at(`${XUPS}.6.4.0`, percent) }, constants: { kind: 'humidity', name: 'Ambient' } }, // xupsEnvAmbientHumidity
  ],
};
