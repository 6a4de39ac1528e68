import type { Profile, ScalarSpec, ValueSpec } from './profile.js';
import { bypassFrequency, outputSource, upsMibBypassFrequency, upsMibBypassLines, upsMibIdentity, upsMibInlets, upsMibPhases, upsMibUps, upsValues as v } from './ups-mib.js';

// HPE (Compaq 232) UPSes, CPQPOWER-MIB (cpqPower 165): the ups group (…165.3, the UPS network modules) and the
// oups group (…165.6, DirectFlow UPSes). The agent's sysObjectID is the group it serves ("i.e.
// .1.3.6.1.4.1.232.165.3 is for UPS OIDs"). Units per the MIB's UNITS comments: seconds, V, A, W, 0.1 Hz, %, °C.
// The cards also serve the standard UPS-MIB; its objects fill what CPQPOWER-MIB lacks (a battery status, line
// frequencies, currents in tenths). The oups group has no bypass.
const CPQ = '1.3.6.1.4.1.232';
const POWER = `${CPQ}.165`;
const module = `${POWER}.1.2`; // managementModuleIdent
const ups = `${POWER}.3`;
const oups = `${POWER}.6`;

const text: ValueSpec = { type: 'string' };
const at = (oid: string, spec: ValueSpec): ScalarSpec => ({ oid, ...spec });
const seconds: ValueSpec = { type: 'number', min: 0 };
const percent: ValueSpec = { type: 'number', min: 0, max: 100 };
const wholeAmps: ValueSpec = { type: 'number', min: 0, max: 5_000 };
const celsius: ValueSpec = { type: 'number', min: -100, max: 200 }; // the MIB's range
/** upsOutputSource: UPS-MIB's numbering, then parallelCapacity(8), parallelRedundant(9) (inverters sharing the load), highEfficiencyMode(10) (utility through the bypass path). */
const cpqOutputSource: ValueSpec = { type: 'enum', map: { ...outputSource, 8: 'other', 9: 'other', 10: 'mains' } };

export const hpeUps: Profile = {
  name: 'hpe-ups',
  vendor: 'HPE',
  kind: 'ups',
  mibs: ['CPQPOWER-MIB', 'UPS-MIB'],
  detect: {
    sysObjectId: [ups, oups],
    probe: [`${ups}.2.1`, `${oups}.2.1`], // upsBatTimeRemaining, oupsBatTimeRemaining
  },
  identity: {
    vendor: [at(`${ups}.1.1.0`, text), at(`${oups}.1.1.0`, text), at(`${module}.1.0`, text)], // upsIdentManufacturer, oupsIdentManufacturer, deviceManufacturer
    // upsIdentModel is "Model;Part number;Serial number" (HP R5500 XR;204451-B21;B00123456W): kept whole
    model: [at(`${ups}.1.2.0`, text), at(`${oups}.1.2.0`, text), ...upsMibIdentity.model, at(`${module}.2.0`, text)],
    serial: [at(`${oups}.1.6.0`, text), at(`${module}.7.0`, text)], // oupsIdentSerialNumber, deviceSerialNumber
    firmware: [at(`${ups}.1.3.0`, text), at(`${oups}.1.3.0`, text), ...upsMibIdentity.firmware], // upsIdentSoftwareVersions, oupsIdentSystemFWVersion
    name: [at(`${module}.5.0`, text), ...upsMibIdentity.name], // deviceIdentName
  },
  inlets: [
    { entry: `${ups}.3.4.1`, fields: { voltage: { column: 2, ...v.volts }, current: { column: 3, ...wholeAmps }, power: { column: 4, ...v.watts } } }, // upsInputTable
    { entry: `${oups}.3.4.1`, fields: { voltage: { column: 2, ...v.volts }, current: { column: 3, ...wholeAmps }, power: { column: 4, ...v.watts } } }, // oupsInputTable
    ...upsMibInlets,
  ],
  phases: [
    { entry: `${ups}.4.4.1`, fields: { voltage: { column: 2, ...v.volts }, current: { column: 3, ...wholeAmps }, power: { column: 4, ...v.watts } } }, // upsOutputTable
    { entry: `${oups}.4.4.1`, fields: { voltage: { column: 2, ...v.volts }, current: { column: 3, ...wholeAmps }, power: { column: 4, ...v.watts } } }, // oupsOutputTable
    ...upsMibPhases,
  ],
  bypass: [
    { entry: `${ups}.5.3.1`, fields: { voltage: { column: 2, ...v.volts } } }, // upsBypassTable: upsBypassVoltage (V), the only column
    upsMibBypassLines,
    ...bypassFrequency(at(`${ups}.5.1.0`, v.tenthsOfHertz)), // upsBypassFrequency (0.1 Hz)
    ...upsMibBypassFrequency,
  ],
  outlets: [
    { // upsRecepTable: the UPS's switchable receptacles: on(1), off(2), pendingOff(3: still on), pendingOn(4: still off), unknown(5)
      entry: `${ups}.10.2.1`,
      fields: { state: { column: 2, type: 'enum', map: { 1: 'on', 2: 'off', 3: 'on', 4: 'off' } } },
    },
  ],
  ups: [
    {
      entity: 1,
      scalars: {
        source: at(`${ups}.4.5.0`, cpqOutputSource), // upsOutputSource
        runtime: at(`${ups}.2.1.0`, seconds), // upsBatTimeRemaining (s)
        batteryVoltage: at(`${ups}.2.2.0`, { type: 'number', min: 0, max: 1_500 }), // upsBatVoltage (V DC)
        charge: at(`${ups}.2.4.0`, percent), // upsBatCapacity (%)
        inputFrequency: at(`${ups}.3.1.0`, v.tenthsOfHertz), // upsInputFrequency (0.1 Hz)
        load: at(`${ups}.4.1.0`, v.percentLoad), // upsOutputLoad (% of rated capacity)
        outputFrequency: at(`${ups}.4.2.0`, v.tenthsOfHertz), // upsOutputFrequency (0.1 Hz)
      },
    },
    { entry: `${ups}.3.4.1`, fields: { inputVoltage: { column: 2, ...v.volts } } }, // upsInputTable, phase 1
    { entry: `${ups}.4.4.1`, fields: { outputVoltage: { column: 2, ...v.volts }, outputCurrent: { column: 3, ...wholeAmps }, outputPower: { column: 4, ...v.watts } } }, // upsOutputTable, phase 1
    {
      entity: 1,
      scalars: {
        source: at(`${oups}.4.6.0`, { type: 'enum', map: { 1: 'mains', 2: 'battery' } }), // oupsOutputSource acSource(1), battery(2)
        runtime: at(`${oups}.2.1.0`, seconds), // oupsBatTimeRemaining (s)
        batteryVoltage: at(`${oups}.2.2.0`, { type: 'number', min: 0, max: 1_500 }), // oupsBatVoltage (V DC)
        charge: at(`${oups}.2.3.0`, percent), // oupsBatCapacity
        inputFrequency: at(`${oups}.3.1.0`, v.tenthsOfHertz),
        load: at(`${oups}.4.1.0`, v.percentLoad),
        outputFrequency: at(`${oups}.4.2.0`, v.tenthsOfHertz),
        temperature: at(`${oups}.5.1.0`, celsius), // oupsMonitorAmbientTemp (the power unit's)
      },
    },
    { entry: `${oups}.3.4.1`, fields: { inputVoltage: { column: 2, ...v.volts } } },
    { entry: `${oups}.4.4.1`, fields: { outputVoltage: { column: 2, ...v.volts }, outputCurrent: { column: 3, ...wholeAmps }, outputPower: { column: 4, ...v.watts } } },
    ...upsMibUps,
    { entity: 1, scalars: { temperature: at(`${ups}.6.1.0`, celsius) } }, // upsEnvAmbientTemp, when the UPS-MIB has no battery temperature
  ],
  sensors: [
    { entity: 1, scalars: { value: at(`${ups}.6.1.0`, celsius) }, constants: { kind: 'temperature', name: 'ambient' } }, // upsEnvAmbientTemp (°C)
    { entity: 2, scalars: { value: at(`${ups}.6.5.0`, celsius) }, constants: { kind: 'temperature', name: 'remote' } }, // upsEnvRemoteTemp
    { entity: 101, scalars: { value: at(`${ups}.6.4.0`, percent) }, constants: { kind: 'humidity', name: 'ambient' } }, // upsEnvAmbientHumidity (%)
    { entity: 102, scalars: { value: at(`${ups}.6.6.0`, percent) }, constants: { kind: 'humidity', name: 'remote' } }, // upsEnvRemoteHumidity
  ],
};
