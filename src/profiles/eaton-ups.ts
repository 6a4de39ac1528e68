import type { Profile, ScalarSpec, ValueSpec } from './profile.js';
import { bypassFrequency, outputSource, upsMibBypassFrequency, upsMibBypassLines, upsMibIdentity, upsMibInlets, upsMibPhases, upsMibUps, upsValues as v } from './ups-mib.js';

// Eaton UPSes: MGE / Eaton Network-MS cards (MG-SNMP-UPS-MIB, merlinGerin 705) and Powerware / Eaton
// ConnectUPS cards (XUPS-MIB, eaton 534), both beside the standard UPS-MIB. The UPS-MIB objects come first
// except where a vendor object is finer (remaining runtime in seconds, not minutes); the vendor objects fill
// in what a card does not serve in the UPS-MIB. MG-SNMP-UPS-MIB gives no units: these are the ones its
// cards report in (NUT's mge-mib agrees): seconds, %, 0.1 V, 0.1 A, 0.1 Hz, 0.1 °C. Left out for want of a unit there
// and of a recorded value: upsmgBatteryTemperature and the older sensor units' mgsensorTemp / mgsensorHumidity.
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
  device: {
    energy: [at(`${XUPS}.4.7.0`, { type: 'number', scale: 0.001, min: 0 })], // xupsOutputCumulativePowerUsage (Wh since it was last reset)
  },
  inlets: [
    ...upsMibInlets,
    { // xupsInputTable (whole amps; the high-precision column in tenths first)
      entry: `${XUPS}.3.4.1`,
      fields: { voltage: { column: 2, ...v.volts }, current: { column: 7, ...v.tenthsOfAmps }, power: { column: 4, ...v.watts }, name: { column: 6, ...text } }, // …, xupsInputName
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
      fields: { voltage: { column: 2, ...v.volts }, current: { column: 7, ...v.tenthsOfAmps }, power: { column: 4, ...v.watts }, name: { column: 6, ...text } }, // …, xupsOutputName
    },
    { entry: `${XUPS}.4.4.1`, fields: { current: { column: 3, ...wholeAmps } } }, // xupsOutputCurrent
    { entry: `${MG}.7.2.1`, fields: { voltage: { column: 2, ...tenths(1_000) }, current: { column: 5, ...v.tenthsOfAmps } } }, // mgoutputPhaseTable
  ],
  outlets: [
    { // upsmgReceptaclesTable: mgreceptacleLevel 3 is a single receptacle (invalid(2), groups above 4); mgreceptacleState odd ON, even OFF
      entry: `${MG}.3.2.1`, where: { column: 2, in: [3] },
      fields: { name: { column: 4, ...text }, state: { column: 5, type: 'enum', map: { 1: 'on', 2: 'off', 3: 'on', 4: 'off', 5: 'on', 6: 'off', 7: 'on', 8: 'off' } } },
    },
    { // xupsRecepTable: on(1), off(2), on with an off pending(3), off with an on pending(4), failed closed(7) on, failed open(8) off
      entry: `${XUPS}.12.2.1`, fields: { state: { column: 2, type: 'enum', map: { 1: 'on', 2: 'off', 3: 'on', 4: 'off', 7: 'on', 8: 'off' } } },
    },
  ],
  bypass: [
    upsMibBypassLines,
    { // xupsBypassTable: RMS V, tenths of A, W (MG-SNMP-UPS-MIB has no bypass lines)
      entry: `${XUPS}.5.3.1`,
      fields: { voltage: { column: 2, ...v.volts }, name: { column: 4, ...text }, current: { column: 5, ...v.tenthsOfAmps }, power: { column: 6, ...v.watts } },
    },
    ...upsMibBypassFrequency,
    ...bypassFrequency(at(`${XUPS}.5.1.0`, v.tenthsOfHertz)), // xupsBypassFrequency (0.1 Hz)
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
    // upsmgEnvironmentSensorTable (the card's EMP probes, "0.1 Cel" and "0.1 %"): temperatures from 11, humidities from 111;
    // upsmgEnvironmentComFailure yes(1): a probe whose readings are unknown
    { entry: `${MG}.8.7.1`, entityOffset: 10, valid: { column: 2, notIn: [1] }, fields: { value: { column: 3, ...tenths(150, -50) } }, constants: { kind: 'temperature' } },
    { entry: `${MG}.8.7.1`, entityOffset: 110, valid: { column: 2, notIn: [1] }, fields: { value: { column: 6, ...tenths(100) } }, constants: { kind: 'humidity' } },
  ],
  // XUPS-MIB "Defined" notifications (xupsTrapOidDefined = xupsTrapDefined.0, so a v1 trap converts to the same OID).
  // The UPS-MIB notifications these cards also send are the ups-mib profile's.
  traps: [
    { oid: `${XUPS}.11.4.1.0.1`, name: 'xupstdControlOff', event: 'alarm' }, // output will turn off after a delay
    { oid: `${XUPS}.11.4.1.0.3`, name: 'xupstdOnBattery', event: 'on-battery' },
    { oid: `${XUPS}.11.4.1.0.4`, name: 'xupstdLowBattery', event: 'battery-low' },
    { oid: `${XUPS}.11.4.1.0.5`, name: 'xupstdUtilityPowerRestored', event: 'on-mains' },
    { oid: `${XUPS}.11.4.1.0.6`, name: 'xupstdReturnFromLowBattery', event: 'battery-low-cleared' },
    { oid: `${XUPS}.11.4.1.0.7`, name: 'xupstdOutputOverload', event: 'overload' },
    { oid: `${XUPS}.11.4.1.0.8`, name: 'xupstdInternalFailure', event: 'alarm' },
    { oid: `${XUPS}.11.4.1.0.9`, name: 'xupstdBatteryDischarged', event: 'battery-discharged' },
    { oid: `${XUPS}.11.4.1.0.10`, name: 'xupstdInverterFailure', event: 'alarm' },
    { oid: `${XUPS}.11.4.1.0.11`, name: 'xupstdOnBypass', event: 'on-bypass' },
    { oid: `${XUPS}.11.4.1.0.12`, name: 'xupstdBypassNotAvailable', event: 'alarm' },
    { oid: `${XUPS}.11.4.1.0.13`, name: 'xupstdOutputOff', event: 'alarm' },
    { oid: `${XUPS}.11.4.1.0.14`, name: 'xupstdInputFailure', event: 'alarm' }, // input out of tolerance; on battery is its own trap
    { oid: `${XUPS}.11.4.1.0.16`, name: 'xupstdShutdownImminent', event: 'alarm' },
    { oid: `${XUPS}.11.4.1.0.17`, name: 'xupstdOnInverter', event: 'on-mains' }, // back on utility power after bypass or battery
    { oid: `${XUPS}.11.4.1.0.20`, name: 'xupstdBreakerOpen', event: 'alarm' }, // a breaker of the UPS, not a PDU bank
    { // alarms outside the xups well-known ones, e.g. RFC 1628's: xupsAlarmDescr names them
      oid: `${XUPS}.11.4.1.0.21`, name: 'xupstdAlarmEntryAdded', event: 'alarm',
      eventFrom: {
        oid: `${XUPS}.7.2.1.2`, under: '1.3.6.1.2.1.33.1.6.3', // xupsAlarmDescr, UPS-MIB upsWellKnownAlarms
        map: { 1: 'battery-fault', 2: 'on-battery', 3: 'battery-low', 4: 'battery-discharged', 8: 'overload', 9: 'on-bypass', 20: 'communication-lost', 24: 'test' },
      },
    },
    {
      oid: `${XUPS}.11.4.1.0.22`, name: 'xupstdAlarmEntryRemoved', event: 'alarm-cleared',
      eventFrom: {
        oid: `${XUPS}.7.2.1.2`, under: '1.3.6.1.2.1.33.1.6.3',
        map: { 2: 'on-mains', 3: 'battery-low-cleared', 8: 'overload-cleared', 20: 'communication-restored' },
      },
    },
    { oid: `${XUPS}.11.4.1.0.23`, name: 'xupstdAlarmBatteryBad', event: 'battery-fault' },
    { oid: `${XUPS}.11.4.1.0.24`, name: 'xupstdOutputOffAsRequested', event: 'alarm' },
    { oid: `${XUPS}.11.4.1.0.25`, name: 'xupstdDiagnosticTestFailed', event: 'alarm' },
    { oid: `${XUPS}.11.4.1.0.26`, name: 'xupstdCommunicationsLost', event: 'communication-lost' },
    { oid: `${XUPS}.11.4.1.0.27`, name: 'xupstdUpsShutdownPending', event: 'alarm' },
    { oid: `${XUPS}.11.4.1.0.28`, name: 'xupstdAlarmTestInProgress', event: 'test' },
    { oid: `${XUPS}.11.4.1.0.32`, name: 'xupstdLossOfRedundancy', event: 'alarm' }, // N+1 of a parallel UPS system, not a feed's redundancy
    { oid: `${XUPS}.11.4.1.0.34`, name: 'xupstdAlarmChargerFailed', event: 'alarm' },
    { oid: `${XUPS}.11.4.1.0.38`, name: 'xupstdModuleFailure', event: 'alarm' },
    { oid: `${XUPS}.11.4.1.0.39`, name: 'xupstdOnAlternatePowerSource', event: 'alarm' },
    { oid: `${XUPS}.11.4.1.0.40`, name: 'xupstdAltPowerNotAvailable', event: 'alarm' },
    { oid: `${XUPS}.11.4.1.0.45`, name: 'xupstdDiagnosticTestPassed', event: 'test' },
    { oid: `${XUPS}.11.4.1.0.46`, name: 'xupstdOutputBad', event: 'alarm' },
    { oid: `${XUPS}.11.4.1.0.47`, name: 'xupstdAwaitingPower', event: 'alarm' }, // output off, awaiting input power
    { oid: `${XUPS}.11.4.1.0.48`, name: 'xupstdOnMaintenanceBypass', event: 'on-bypass' },
    { oid: `${XUPS}.11.4.1.0.49`, name: 'xupstdCommEstablished', event: 'communication-restored' },
    { oid: `${XUPS}.11.4.1.0.100`, name: 'xupstdTestTrap', event: 'test' },
  ],
};
