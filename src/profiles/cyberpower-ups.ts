import { cyberpowerSensors } from './cyberpower-epdu.js';
import type { BypassField, InletField, PhaseField, Profile, RowCondition, ScalarSpec, Source, ValueSpec } from './profile.js';

// CyberPower UPSes on an RMCARD (CPS-MIB ups group, products.hardware.ups). Units per the MIB's
// DESCRIPTIONs (CPS-MIB 2.13): tenths of volts, hertz and amps; %; watts; TimeTicks; °C.
// Lines: the upsPhase tables of a three-phase UPS (one row per phase); a single-phase UPS's one input and output
// line from the system-wide upsAdvance objects (upsBaseInputPhase / upsBaseOutputPhase 1, or not served).
const ups = '1.3.6.1.4.1.3808.1.1.1';
const advanceInput = `${ups}.3.2`; // upsAdvanceInput
const advanceOutput = `${ups}.4.2`; // upsAdvanceOutput

const text: ValueSpec = { type: 'string' };
const tenths = (max: number): ValueSpec => ({ type: 'number', scale: 0.1, min: 0, max });
/** TimeTicks (hundredths of a second) → s. */
const ticks: ValueSpec = { type: 'number', scale: 0.01, min: 0 };
const at = (oid: string, spec: ValueSpec): ScalarSpec => ({ oid, ...spec });
const watts: ValueSpec = { type: 'number', min: 0, max: 2_000_000 };
const singlePhase = (oid: string): RowCondition => ({ oid, in: [0, 1] });

const inlets: Source<InletField>[] = [
  { // upsPhaseInputTable: 1/10 VAC, 1/10 A, 1/10 Hz, 1/100 power factor
    entry: `${ups}.9.1.2.1`,
    fields: { voltage: { column: 2, ...tenths(1_000) }, current: { column: 3, ...tenths(5_000) }, frequency: { column: 4, ...tenths(100) }, powerFactor: { column: 5, type: 'number', scale: 0.01, min: 0, max: 1 } },
  },
  { // upsAdvanceInputLineVoltage, …Frequency, …Watt, read as a one-row table (instance .0, entity 1) for the condition
    entry: advanceInput, entityOffset: 1, where: singlePhase(`${ups}.3.1.1.0`), // upsBaseInputPhase
    fields: { voltage: { column: 1, ...tenths(600) }, frequency: { column: 4, ...tenths(100) }, power: { column: 7, ...watts } },
  },
];

const phases: Source<PhaseField>[] = [
  { // upsPhaseOutputTable: 1/10 VAC, 1/10 A, W
    entry: `${ups}.9.2.2.1`,
    fields: { voltage: { column: 2, ...tenths(1_000) }, current: { column: 3, ...tenths(5_000) }, power: { column: 6, ...watts } },
  },
  { // upsAdvanceOutputVoltage, …Current, …Power ("the total output active power")
    entry: advanceOutput, entityOffset: 1, where: singlePhase(`${ups}.4.1.2.0`), // upsBaseOutputPhase
    fields: { voltage: { column: 1, ...tenths(600) }, current: { column: 4, ...tenths(2_000) }, power: { column: 5, ...watts } },
  },
];

/** upsPhaseBypassTable: 1/10 VAC, 1/10 A, 1/10 Hz. */
const bypass: Source<BypassField>[] = [
  { entry: `${ups}.9.3.2.1`, fields: { voltage: { column: 2, ...tenths(1_000) }, current: { column: 3, ...tenths(5_000) }, frequency: { column: 4, ...tenths(100) } } },
];

export const cyberpowerUps: Profile = {
  name: 'cyberpower-ups',
  vendor: 'CyberPower',
  kind: 'ups',
  mibs: ['CPS-MIB'],
  detect: {
    sysObjectId: [ups],
    probe: [`${ups}.1.1`, `${ups}.4.1`], // upsBaseIdent, upsBaseOutput
  },
  identity: {
    model: [at(`${ups}.1.1.1.0`, text)], // upsBaseIdentModel
    serial: [at(`${ups}.1.2.3.0`, text)], // upsAdvanceIdentSerialNumber
    firmware: [at(`${ups}.1.2.1.0`, text)], // upsAdvanceIdentFirmwareRevision
    name: [at(`${ups}.1.1.2.0`, text)], // upsBaseIdentName
  },
  device: {
    power: [at(`${ups}.4.2.5.0`, { type: 'number', min: 0, max: 2_000_000 })], // upsAdvanceOutputPower (W)
    energy: [at(`${ups}.4.2.6.0`, { type: 'number', scale: 0.1, min: 0 })], // upsAdvanceOutputEnergy (tenths of kWh)
  },
  inlets,
  phases,
  bypass,
  ups: [
    {
      entity: 1,
      scalars: {
        // upsBaseOutputStatus: onLine(2), onBoost(4), onBuck(10) and onECO(8) run from mains; onSleep(5) and off(6)
        // power nothing; rebooting(7) and onOverload(11) say nothing of the source; unknown(1) stays unknown.
        source: at(`${ups}.4.1.1.0`, { type: 'enum', map: { 2: 'mains', 3: 'battery', 4: 'mains', 5: 'off', 6: 'off', 7: 'other', 8: 'mains', 9: 'bypass', 10: 'mains', 11: 'other' } }),
        // upsBaseBatteryStatus: batteryNormal(2), batteryLow(3); an absent battery (4) cannot carry the load.
        batteryStatus: at(`${ups}.2.1.1.0`, { type: 'enum', map: { 2: 'normal', 3: 'low', 4: 'depleted' } }),
        timeOnBattery: at(`${ups}.2.1.2.0`, ticks), // upsBaseBatteryTimeOnBattery
        charge: at(`${ups}.2.2.1.0`, { type: 'number', min: 0, max: 100 }), // upsAdvanceBatteryCapacity (%)
        batteryVoltage: at(`${ups}.2.2.2.0`, tenths(1_000)), // upsAdvanceBatteryVoltage (1/10 VDC)
        temperature: at(`${ups}.2.2.3.0`, { type: 'number', min: -50, max: 150 }), // upsAdvanceBatteryTemperature (°C)
        runtime: at(`${ups}.2.2.4.0`, ticks), // upsAdvanceBatteryRunTimeRemaining
        inputVoltage: at(`${ups}.3.2.1.0`, tenths(600)), // upsAdvanceInputLineVoltage
        inputFrequency: at(`${ups}.3.2.4.0`, tenths(100)), // upsAdvanceInputFrequency
        outputVoltage: at(`${ups}.4.2.1.0`, tenths(600)), // upsAdvanceOutputVoltage
        outputFrequency: at(`${ups}.4.2.2.0`, tenths(100)), // upsAdvanceOutputFrequency
        load: at(`${ups}.4.2.3.0`, { type: 'number', min: 0, max: 200 }), // upsAdvanceOutputLoad (% of capacity; overload can pass 100)
        outputCurrent: at(`${ups}.4.2.4.0`, tenths(2_000)), // upsAdvanceOutputCurrent
        outputPower: at(`${ups}.4.2.5.0`, { type: 'number', min: 0, max: 2_000_000 }), // upsAdvanceOutputPower (W)
      },
    },
    { entity: 1, scalars: { temperature: at(`${ups}.10.2.0`, { type: 'number', min: -50, max: 150 }) } }, // upsTemperature (the UPS's NTC, °C), when no battery's
  ],
  outlets: [
    { // upsIndividualOutletStatusTable: outletStatusOn(1), outletStatusOff(2)
      entry: `${ups}.8.2.4.1`,
      fields: { name: { column: 2, ...text }, state: { column: 3, type: 'enum', map: { 1: 'on', 2: 'off' } } },
    },
    { entry: `${ups}.8.2.3.1`, fields: { bank: { column: 3, type: 'number', min: 1, max: 24 } } }, // upsIndividualOutletInfoBank
  ],
  sensors: cyberpowerSensors,
  // CPS-MIB TRAP-TYPEs (enterprise cps 1.3.6.1.4.1.3808, specific N → cps.0.N): the UPS ones, read from their DESCRIPTIONs.
  traps: [
    { oid: '1.3.6.1.4.1.3808.0.1', name: 'communicationLost', event: 'communication-lost' },
    { oid: '1.3.6.1.4.1.3808.0.2', name: 'upsOverload', event: 'overload' },
    { oid: '1.3.6.1.4.1.3808.0.3', name: 'upsDiagnosticsFailed', event: 'battery-fault' }, // "The UPS battery test failed."
    { oid: '1.3.6.1.4.1.3808.0.4', name: 'upsDischarged', event: 'test' }, // despite its name: "has started a runtime estimation process"
    { oid: '1.3.6.1.4.1.3808.0.5', name: 'upsOnBattery', event: 'on-battery' },
    { oid: '1.3.6.1.4.1.3808.0.7', name: 'lowBattery', event: 'battery-low' },
    { oid: '1.3.6.1.4.1.3808.0.8', name: 'communicationEstablished', event: 'communication-restored' },
    { oid: '1.3.6.1.4.1.3808.0.9', name: 'powerRestored', event: 'on-mains' },
    { oid: '1.3.6.1.4.1.3808.0.10', name: 'upsDiagnosticsPassed', event: 'test' },
    { oid: '1.3.6.1.4.1.3808.0.11', name: 'returnFromLowBattery', event: 'battery-low-cleared' },
    { oid: '1.3.6.1.4.1.3808.0.12', name: 'upsTurnedOff', event: 'alarm' },
    { oid: '1.3.6.1.4.1.3808.0.13', name: 'upsSleeping', event: 'alarm' }, // "Output power will not be provided."
    { oid: '1.3.6.1.4.1.3808.0.14', name: 'upsWokeUp', event: 'alarm-cleared' },
    { oid: '1.3.6.1.4.1.3808.0.16', name: 'upsOverTemp', event: 'alarm' },
    { oid: '1.3.6.1.4.1.3808.0.17', name: 'returnFromOverTemp', event: 'alarm-cleared' },
    { oid: '1.3.6.1.4.1.3808.0.19', name: 'returnFromOverLoad', event: 'overload-cleared' },
    { oid: '1.3.6.1.4.1.3808.0.20', name: 'returnFromDischarged', event: 'test' }, // "runtime estimation completed"
    { oid: '1.3.6.1.4.1.3808.0.23', name: 'upsChargerFailure', event: 'alarm' },
    { oid: '1.3.6.1.4.1.3808.0.24', name: 'returnFromChargerFailure', event: 'alarm-cleared' },
    { oid: '1.3.6.1.4.1.3808.0.28', name: 'upsLostRedundant', event: 'alarm' }, // power modules, not feeds
    { oid: '1.3.6.1.4.1.3808.0.30', name: 'upsEmergencyPowerOff', event: 'alarm' },
    { oid: '1.3.6.1.4.1.3808.0.39', name: 'upsBatteryNotPresent', event: 'battery-fault' },
    { oid: '1.3.6.1.4.1.3808.0.42', name: 'upsEnterBypassMode', event: 'on-bypass' },
    { oid: '1.3.6.1.4.1.3808.0.43', name: 'upsReturnFromBypassMode', event: 'on-mains' },
    { oid: '1.3.6.1.4.1.3808.0.44', name: 'upsBypassOverload', event: 'overload' },
    { oid: '1.3.6.1.4.1.3808.0.45', name: 'upsBypassOverloadCleared', event: 'overload-cleared' },
    { oid: '1.3.6.1.4.1.3808.0.58', name: 'upsRFC1628TrapOnBattery', event: 'on-battery' },
    { oid: '1.3.6.1.4.1.3808.0.59', name: 'upsRFC1628TrapTestCompleted', event: 'test' },
    { oid: '1.3.6.1.4.1.3808.0.60', name: 'upsRFC1628TrapAlarmEntryAdded', event: 'alarm' },
    { oid: '1.3.6.1.4.1.3808.0.72', name: 'testEvent', event: 'test' },
    // upsIndividualOutletStatusIndex
    { oid: '1.3.6.1.4.1.3808.0.500', name: 'upsOutletOn', event: 'outlet-on', outlet: { oid: `${ups}.8.2.4.1.1` } },
    { oid: '1.3.6.1.4.1.3808.0.501', name: 'upsOutletOff', event: 'outlet-off', outlet: { oid: `${ups}.8.2.4.1.1` } },
  ],
};
