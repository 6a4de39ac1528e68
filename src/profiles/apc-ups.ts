import type { BypassField, InletField, OutletField, PhaseField, Profile, RowCondition, ScalarSpec, SensorField, Source, TableSource, ValueSpec } from './profile.js';

// APC UPSes (PowerNet-MIB ups group): the upsHighPrec objects (tenths) first, the upsAdv ones
// (whole units) as the fallback older cards and UPSes serve alone. Units per the MIB's DESCRIPTIONs.
// Lines: the upsPhase tables (three-phase and newer UPSes: one row per input's or output's phase); a single-phase
// UPS's one input, output and bypass line from the system-wide upsHighPrec/upsAdv objects.
const APC = '1.3.6.1.4.1.318';
const ups = `${APC}.1.1.1`;
const uioSensor = `${APC}.1.1.25.1`;
const phaseInputEntry = `${ups}.9.2.2.1`; // upsPhaseInputEntry: input
const phaseInputPhaseEntry = `${ups}.9.2.3.1`; // upsPhaseInputPhaseEntry: input.phase
const phaseOutputPhaseEntry = `${ups}.9.3.3.1`; // upsPhaseOutputPhaseEntry: output.phase
const highPrecInput = `${ups}.3.3`; // upsHighPrecInput
const highPrecOutput = `${ups}.4.3`; // upsHighPrecOutput
const advInput = `${ups}.3.2`; // upsAdvInput
const advOutput = `${ups}.4.2`; // upsAdvOutput

const text: ValueSpec = { type: 'string' };
const tenths = (max: number, min = 0): ValueSpec => ({ type: 'number', scale: 0.1, min, max });
const whole = (max: number, min = 0): ValueSpec => ({ type: 'number', min, max });
/** TimeTicks (hundredths of a second) → s; the MIB's "not present" is the maximum value. */
const ticks: ValueSpec = { type: 'number', scale: 0.01, sentinels: [4_294_967_295], min: 0 };
const at = (oid: string, spec: ValueSpec): ScalarSpec => ({ oid, ...spec });
/** The upsPhase tables' "-1 if it's unsupported by this UPS". */
const phaseValue = (scale: number, max: number): ValueSpec => ({ type: 'number', scale, sentinels: [-1], min: 0, max });

/** upsPhaseInputType of the row's input (the parent row, indexed by the input): bypass(3); main(2) or unknown(1) is the input. */
const ofInput = (bypass: boolean): RowCondition => ({ entry: phaseInputEntry, column: 5, prefix: 1, ...(bypass ? { in: [3] } : { notIn: [3] }) });
/** upsPhaseInputFrequency (0.1 Hz) of the row's input. */
const inputFrequency = { column: 4, parent: { entry: phaseInputEntry, prefix: 1 }, ...phaseValue(0.1, 100) } as const;
/** upsBasicInputPhase / upsBasicOutputPhase (the number of phases): the system-wide objects are a line's when there is one (or the UPS does not say). */
const singlePhase = (oid: string): RowCondition => ({ oid, in: [0, 1] });
/** A group of scalars read as a one-row table (their instance .0 is the row, entity 1), so that a condition can hold. */
const oneLine = <F extends string>(group: string, where: RowCondition, fields: TableSource<F>['fields']): TableSource<F> => ({ entry: group, entityOffset: 1, where, fields });

const inlets: Source<InletField>[] = [
  { // upsPhaseInputPhaseTable: the phases of the UPS's input (not its bypass), one inlet each
    entry: phaseInputPhaseEntry, entity: { position: -1 }, where: ofInput(false),
    fields: {
      voltage: { column: 3, ...phaseValue(1, 1_000) }, // upsPhaseInputVoltage (VAC)
      current: { column: 6, ...phaseValue(0.1, 5_000) }, // upsPhaseInputCurrent (0.1 A)
      power: { column: 9, ...phaseValue(1, 2_000_000) }, // upsPhaseInputPower (W)
      powerFactor: { column: 13, type: 'number', scale: 0.01, min: 0, max: 1 }, // upsPhaseInputPowerFactor (hundredths)
      frequency: inputFrequency,
      // upsPhaseInputApparentPower is whole kVA, too coarse for a phase: left out.
    },
  },
  oneLine(highPrecInput, singlePhase(`${ups}.3.1.1.0`), { voltage: { column: 1, ...tenths(600) }, frequency: { column: 4, ...tenths(100) } }), // upsHighPrecInputLineVoltage, …Frequency
  oneLine(advInput, singlePhase(`${ups}.3.1.1.0`), { voltage: { column: 1, ...whole(600) }, frequency: { column: 4, ...whole(100) } }), // upsAdvInputLineVoltage, …Frequency
];

const phases: Source<PhaseField>[] = [
  { // upsPhaseOutputPhaseTable: one phase per output phase
    entry: phaseOutputPhaseEntry, entity: { position: -1 },
    fields: {
      voltage: { column: 3, ...phaseValue(1, 1_000) }, // upsPhaseOutputVoltage (VAC)
      current: { column: 4, ...phaseValue(0.1, 5_000) }, // upsPhaseOutputCurrent (0.1 A)
      power: { column: 13, ...phaseValue(1, 2_000_000) }, // upsPhaseOutputPower (W)
    },
  },
  oneLine(highPrecOutput, singlePhase(`${ups}.4.1.2.0`), { voltage: { column: 1, ...tenths(600) }, current: { column: 4, ...tenths(2_000) } }), // upsHighPrecOutputVoltage, …Current
  // upsAdvOutputVoltage, …Current, …ActivePower (W; "the sum of phase 1, phase 2 and phase 3 power")
  oneLine(advOutput, singlePhase(`${ups}.4.1.2.0`), { voltage: { column: 1, ...whole(600) }, current: { column: 4, ...whole(2_000) }, power: { column: 8, type: 'number', sentinels: [-1], min: 0, max: 2_000_000 } }),
];

const bypass: Source<BypassField>[] = [
  { // upsPhaseInputPhaseTable: the phases of the bypass input
    entry: phaseInputPhaseEntry, entity: { position: -1 }, where: ofInput(true),
    fields: {
      voltage: { column: 3, ...phaseValue(1, 1_000) }, current: { column: 6, ...phaseValue(0.1, 5_000) }, power: { column: 9, ...phaseValue(1, 2_000_000) },
      frequency: inputFrequency,
    },
  },
  // upsHighPrecInputBypassVoltage (0.1 VAC), …BypassFrequency (0.1 Hz): served by UPSes with a bypass
  oneLine(highPrecInput, singlePhase(`${ups}.3.1.1.0`), { voltage: { column: 6, ...tenths(600) }, frequency: { column: 7, ...tenths(100) } }),
];

/** upsOutletGroupStatusTable: the UPS's switched outlet groups (numbered as the traps' upsOutletGroupControlIndex), on(1), off(2); unknown(3) stays unknown. */
const outlets: Source<OutletField>[] = [
  { entry: `${ups}.12.1.2.1`, fields: { name: { column: 2, type: 'string' }, state: { column: 3, type: 'enum', map: { 1: 'on', 2: 'off' } } } },
];

/** PowerNet-MIB's environment probes a card serves: temperatures numbered from 1 (uio), 21 (iem), 41 (ems); their humidity 100 above. */
const iemProbe = `${APC}.1.1.10.2.3.2.1`; // iemStatusProbesEntry
const emsProbe = `${APC}.1.1.10.3.13.1.1`; // emsProbeStatusEntry
const emsTempUnits = `${APC}.1.1.10.3.12.11.0`; // emsStatusSysTempUnits celsius(1), fahrenheit(2)
const celsius: ValueSpec = { type: 'number', min: -50, max: 150 };
const fahrenheit: ValueSpec = { type: 'number', scale: 5 / 9, offset: -160 / 9, min: -50, max: 150 };
const humidity: ValueSpec = { type: 'number', min: 0, max: 100 };
export const apcProbeSensors: readonly Source<SensorField>[] = [
  { // uioSensorStatusTable (probes on the card's universal I/O ports), indexed port.sensor: number them in row order
    entry: `${uioSensor}.2.1`, entity: 'sequence', where: { column: 10, notIn: [1] }, // uioSensorStatusCommStatus notInstalled(1)
    fields: { name: { column: 3, ...text }, value: { column: 6, ...celsius, sentinels: [-1] } }, // …SensorName, …TemperatureDegC (-1: lost)
    constants: { kind: 'temperature' },
  },
  { // the same probes' humidity (-1: the probe reads none, or is lost), as their own sensors
    entry: `${uioSensor}.2.1`, entity: 'sequence', entityOffset: 100, where: { column: 7, notIn: [-1] },
    fields: { name: { column: 3, ...text }, value: { column: 7, ...humidity } }, // …SensorName, uioSensorStatusHumidity
    constants: { kind: 'humidity' },
  },
  // iemStatusProbesTable (the older cards' probe port): iemStatusProbeStatus disconnected(1) is no probe; the temperature
  // is in iemStatusProbeTempUnits, celsius(1) or fahrenheit(2); humidity in %RH, 0 from a temperature-only probe (no room has 0 %RH).
  ...([[[1], celsius], [[2], fahrenheit]] as const).map(([unit, spec]): Source<SensorField> => ({
    entry: iemProbe, entityOffset: 20, where: [{ column: 3, notIn: [1] }, { column: 5, in: unit }],
    fields: { name: { column: 2, ...text }, value: { column: 4, ...spec } }, constants: { kind: 'temperature' }, // iemStatusProbeName, …CurrentTemp
  })),
  {
    entry: iemProbe, entityOffset: 120, where: [{ column: 3, notIn: [1] }, { column: 6, notIn: [0] }],
    fields: { name: { column: 2, ...text }, value: { column: 6, ...humidity } }, constants: { kind: 'humidity' }, // iemStatusProbeCurrentHumid
  },
  // emsProbeStatusTable (an environmental monitoring unit's probes): commsNeverDiscovered(1) is no probe, commsLost(3)
  // a probe whose readings are unknown; whole degrees in the unit emsStatusSysTempUnits names, humidity in whole %.
  ...([[[1], celsius], [[2], fahrenheit]] as const).map(([unit, spec]): Source<SensorField> => ({
    entry: emsProbe, entityOffset: 40, where: [{ column: 10, notIn: [1] }, { oid: emsTempUnits, in: unit }], valid: { column: 10, notIn: [3] },
    fields: { name: { column: 2, ...text }, value: { column: 3, ...spec } }, constants: { kind: 'temperature' }, // emsProbeStatusProbeName, …Temperature
  })),
  {
    entry: emsProbe, entityOffset: 140, where: [{ column: 10, notIn: [1] }, { column: 6, notIn: [0] }], valid: { column: 10, notIn: [3] },
    fields: { name: { column: 2, ...text }, value: { column: 6, ...humidity } }, constants: { kind: 'humidity' }, // emsProbeStatusProbeHumidity
  },
];

export const apcUps: Profile = {
  name: 'apc-ups',
  vendor: 'APC',
  kind: 'ups',
  mibs: ['PowerNet-MIB'],
  detect: {
    // PowerNet-MIB product tree (apc.products.system): the UPS families that serve the ups group.
    sysObjectId: [
      `${APC}.1.3.1`, // backUPS
      `${APC}.1.3.2`, // smartUPS
      `${APC}.1.3.3`, // matrixUPS
      `${APC}.1.3.5`, // symmetraUPS
      `${APC}.1.3.13`, // symmetra3PhaseUPS
      `${APC}.1.3.16`, // ais5000UPS
      `${APC}.1.3.17`, // smartUPS3Phase
      `${APC}.1.3.23`, // symmetraPX
      `${APC}.1.3.27`, // smartUPS2 (Smart-UPS on a Network Management Card 2/3)
      `${APC}.1.3.28`, // galaxy
      `${APC}.1.3.37`, // easyUPS
      `${APC}.1.3.39`, // smartUPSUltra
    ],
    probe: [`${ups}.1.1.1`, `${ups}.4.1.1`], // upsBasicIdentModel, upsBasicOutputStatus
  },
  identity: {
    model: [at(`${ups}.1.1.1.0`, text), at(`${ups}.1.2.5.0`, text)], // upsBasicIdentModel, upsAdvIdentSkuNumber
    serial: [at(`${ups}.1.2.3.0`, text)], // upsAdvIdentSerialNumber
    firmware: [at(`${ups}.1.2.1.0`, text)], // upsAdvIdentFirmwareRevision
    name: [at(`${ups}.1.1.2.0`, text)], // upsBasicIdentName
  },
  device: {
    // The output's energy: upsHighPrecOutputEnergyUsage (hundredths of kWh), upsAdvOutputEnergyUsage (kWh)
    energy: [at(`${highPrecOutput}.6.0`, { type: 'number', scale: 0.01, min: 0 }), at(`${advOutput}.12.0`, { type: 'number', min: 0 })],
  },
  inlets,
  phases,
  bypass,
  outlets,
  ups: [
    {
      entity: 1,
      scalars: {
        source: at(`${ups}.4.1.1.0`, { // upsBasicOutputStatus; unknown(1) and the test/spot modes stay unknown or other
          type: 'enum',
          map: {
            2: 'mains', 3: 'battery', 4: 'mains', 5: 'off', 6: 'bypass', 7: 'off', 8: 'other', 9: 'bypass', 10: 'bypass', 11: 'off', // 4 onSmartBoost, 5 timedSleeping, 6 softwareBypass, 9 switchedBypass, 10 hardwareFailureBypass, 11 sleepingUntilPowerReturn
            12: 'mains', 13: 'mains', 14: 'other', 15: 'battery', 16: 'bypass', 17: 'bypass', 18: 'other', 19: 'other', 20: 'mains', // 12 onSmartTrim, 13 ecoMode, 14 hotStandby, 15 onBatteryTest, 16 emergencyStaticBypass, 17 staticBypassStandby, 20 eConversion
            21: 'other', 22: 'other', 23: 'other', 24: 'battery', 25: 'other', 26: 'other', 27: 'other', 28: 'other', // 24 batteryDischargeSpotmode
          },
        }),
        // upsBasicBatteryStatus: a battery in fault (4) or absent (5) cannot carry the load.
        batteryStatus: at(`${ups}.2.1.1.0`, { type: 'enum', map: { 2: 'normal', 3: 'low', 4: 'depleted', 5: 'depleted' } }),
        timeOnBattery: at(`${ups}.2.1.2.0`, ticks), // upsBasicBatteryTimeOnBattery
        runtime: at(`${ups}.2.2.3.0`, ticks), // upsAdvBatteryRunTimeRemaining
        // upsHighPrec*: tenths of %, °C, V, Hz, A
        charge: at(`${ups}.2.3.1.0`, tenths(100)), // upsHighPrecBatteryCapacity
        temperature: at(`${ups}.2.3.13.0`, tenths(150, -50)), // upsHighPrecExtdBatteryTemperature (the MIB's preferred one; may be negative)
        batteryVoltage: at(`${ups}.2.3.4.0`, tenths(1_000)), // upsHighPrecBatteryActualVoltage
        inputVoltage: at(`${ups}.3.3.1.0`, tenths(600)), // upsHighPrecInputLineVoltage
        inputFrequency: at(`${ups}.3.3.4.0`, tenths(100)), // upsHighPrecInputFrequency
        outputVoltage: at(`${ups}.4.3.1.0`, tenths(600)), // upsHighPrecOutputVoltage
        outputFrequency: at(`${ups}.4.3.2.0`, tenths(100)), // upsHighPrecOutputFrequency
        load: at(`${ups}.4.3.3.0`, tenths(200)), // upsHighPrecOutputLoad (% of rated capacity; overload can pass 100)
        outputCurrent: at(`${ups}.4.3.4.0`, tenths(2_000)), // upsHighPrecOutputCurrent
        outputPower: at(`${ups}.4.2.8.0`, { type: 'number', sentinels: [-1], min: 0, max: 2_000_000 }), // upsAdvOutputActivePower (W)
      },
    },
    {
      entity: 1,
      scalars: {
        temperature: at(`${ups}.2.3.2.0`, tenths(150)), // upsHighPrecBatteryTemperature
        // upsAdv*: whole units
        charge: at(`${ups}.2.2.1.0`, whole(100)), // upsAdvBatteryCapacity
        batteryVoltage: at(`${ups}.2.2.8.0`, { type: 'number', sentinels: [-1], min: 0, max: 1_000 }), // upsAdvBatteryActualVoltage
        inputVoltage: at(`${ups}.3.2.1.0`, whole(600)), // upsAdvInputLineVoltage
        inputFrequency: at(`${ups}.3.2.4.0`, whole(100)), // upsAdvInputFrequency
        outputVoltage: at(`${ups}.4.2.1.0`, whole(600)), // upsAdvOutputVoltage
        outputFrequency: at(`${ups}.4.2.2.0`, whole(100)), // upsAdvOutputFrequency
        load: at(`${ups}.4.2.3.0`, whole(200)), // upsAdvOutputLoad
        outputCurrent: at(`${ups}.4.2.4.0`, whole(2_000)), // upsAdvOutputCurrent
      },
    },
    // upsAdvBatteryTemperature: whole °C; 255 means "not present"
    { entity: 1, scalars: { temperature: at(`${ups}.2.2.2.0`, { type: 'number', sentinels: [255], min: 0, max: 150 }) } },
    { entity: 1, scalars: { temperature: at(`${ups}.4.1.4.0`, { type: 'number', min: -50, max: 150 }) } }, // upsBasicSystemInternalTemperature (°C), when no battery's
  ],
  sensors: apcProbeSensors,
  // PowerNet-MIB TRAP-TYPEs (enterprise apc, specific N → apc.0.N), read from their DESCRIPTIONs.
  traps: [
    { oid: `${APC}.0.1`, name: 'communicationLost', event: 'communication-lost' },
    { oid: `${APC}.0.2`, name: 'upsOverload', event: 'overload' },
    { oid: `${APC}.0.3`, name: 'upsDiagnosticsFailed', event: 'alarm' }, // "failed its internal diagnostic self-test"
    { oid: `${APC}.0.4`, name: 'upsDischarged', event: 'battery-discharged' }, // "if utility power fails an immediate low battery condition will exist"
    { oid: `${APC}.0.5`, name: 'upsOnBattery', event: 'on-battery' },
    { oid: `${APC}.0.6`, name: 'smartBoostOn', event: 'alarm' }, // compensating for a low input voltage, still on mains
    { oid: `${APC}.0.7`, name: 'lowBattery', event: 'battery-low' },
    { oid: `${APC}.0.8`, name: 'communicationEstablished', event: 'communication-restored' },
    { oid: `${APC}.0.9`, name: 'powerRestored', event: 'on-mains' },
    { oid: `${APC}.0.10`, name: 'upsDiagnosticsPassed', event: 'test' },
    { oid: `${APC}.0.11`, name: 'returnFromLowBattery', event: 'battery-low-cleared' },
    { oid: `${APC}.0.12`, name: 'upsTurnedOff', event: 'alarm' }, // output off by the management station
    { oid: `${APC}.0.13`, name: 'upsSleeping', event: 'alarm' }, // "power to the load will be cut off"
    { oid: `${APC}.0.14`, name: 'upsWokeUp', event: 'alarm-cleared' },
    { oid: `${APC}.0.17`, name: 'upsBatteryNeedsReplacement', event: 'battery-fault' },
    { oid: `${APC}.0.20`, name: 'hardwareFailureBypass', event: 'on-bypass' },
    { oid: `${APC}.0.21`, name: 'softwareBypass', event: 'on-bypass' },
    { oid: `${APC}.0.22`, name: 'switchedBypass', event: 'on-bypass' },
    { oid: `${APC}.0.23`, name: 'returnFromBypass', event: 'on-mains' },
    { oid: `${APC}.0.28`, name: 'calibrationStart', event: 'test' }, // a battery calibration (runtime) test
    { oid: `${APC}.0.30`, name: 'upsTurnedOn', event: 'alarm-cleared' },
    { oid: `${APC}.0.31`, name: 'smartAvrReducing', event: 'alarm' }, // compensating for a high input voltage, still on mains
    { oid: `${APC}.0.33`, name: 'upsOverloadCleared', event: 'overload-cleared' },
    { oid: `${APC}.0.34`, name: 'smartBoostOff', event: 'alarm-cleared' },
    { oid: `${APC}.0.35`, name: 'smartAvrReducingOff', event: 'alarm-cleared' },
    { oid: `${APC}.0.36`, name: 'upsBatteryReplaced', event: 'alarm-cleared' }, // "a bad battery fault has been cleared"
    { oid: `${APC}.0.37`, name: 'calibrationEnd', event: 'test' },
    { oid: `${APC}.0.38`, name: 'dischargeCleared', event: 'alarm-cleared' }, // no battery-discharged-cleared event
    { oid: `${APC}.0.49`, name: 'badVoltage', event: 'alarm' }, // output voltage out of range
    { oid: `${APC}.0.50`, name: 'badVoltageCleared', event: 'alarm-cleared' },
    { oid: `${APC}.0.51`, name: 'chargerFailure', event: 'alarm' },
    { oid: `${APC}.0.52`, name: 'chargerFailureCleared', event: 'alarm-cleared' },
    { oid: `${APC}.0.53`, name: 'batteryOverTemperature', event: 'alarm' },
    { oid: `${APC}.0.54`, name: 'batteryOverTemperatureCleared', event: 'alarm-cleared' },
    // VARIABLES { upsOutletGroupControlIndex }: a switched outlet group of the UPS
    { oid: `${APC}.0.298`, name: 'upsOutletGroupTurnedOn', event: 'outlet-on', outlet: { oid: `${ups}.12.3.2.1.1` } },
    { oid: `${APC}.0.299`, name: 'upsOutletGroupTurnedOff', event: 'outlet-off', outlet: { oid: `${ups}.12.3.2.1.1` } },
    { oid: `${APC}.0.636`, name: 'apcTestTrap', event: 'test' },
    { oid: `${APC}.0.733`, name: 'onbatterycommunicationLost', event: 'communication-lost' },
    { oid: `${APC}.0.777`, name: 'upsOnBatteryDueToFault', event: 'on-battery' },
    { oid: `${APC}.0.778`, name: 'upsOnBatteryDueToFaultCleared', event: 'alarm-cleared' }, // no longer on battery for that reason: not necessarily on mains
  ],
};
