import { CONDITIONS, GP, liebertConditionTraps, liebertEnvSensors, liebertIdentity } from './liebert-pdu.js';
import type { BypassField, InletField, PhaseField, Profile, RowCondition, ScalarSpec, Source, ValueSpec } from './profile.js';
import { outputSource, upsMibBypassFrequency, upsMibBypassLines, upsMibIdentity, upsMibInlets, upsMibPhases, upsMibUps } from './ups-mib.js';

// Liebert UPSes behind a Liebert GP agent (IntelliSlot cards): LIEBERT-GP-POWER-MIB's UPS state and battery scalars
// first, the standard UPS-MIB the same cards serve beneath them. For lines and the battery voltage UPS-MIB comes first
// (tenths of amps and volts); LIEBERT-GP-POWER-MIB's measurement tables (whole volts and amps) fill what it lacks:
// each line row (lgpPwrLineMeasurementTable, indexed point.line) names its measurement point by a well-known OID
// (lgpPwrMeasurementPoint: source 1 input, output to load, bypass …), the battery's DC row likewise; a point's frequency
// is in its lgpPwrMeasurementPointTable row. The line powers (…TruePower, "Watt") are left out: the GP agents of
// Liebert power products answer kW in the point powers that say "Watt" (see liebert-power), and no UPS was recorded
// to tell. Line-to-line volts are left out too: a line's voltage is to neutral here, as UPS-MIB's.
// Units per the MIB's UNITS clauses.
const power = `${GP}.3.5`; // lgpPower
const battery = `${power}.1`; // lgpPwrBattery
const state = `${power}.3`; // lgpPwrStatus
const measurements = `${power}.2`; // lgpPwrMeasurements
const wellKnownPoints = `${measurements}.1`; // lgpPwrWellKnownMeasurementPoints
const pointEntry = `${measurements}.2.1`; // lgpPwrMeasurementPointEntry: point
const lineEntry = `${measurements}.3.1`; // lgpPwrLineMeasurementEntry: point.line
const dcEntry = `${measurements}.4.1`; // lgpPwrDcMeasurementPointEntry: point

const at = (oid: string, spec: ValueSpec): ScalarSpec => ({ oid, ...spec });
const volts: ValueSpec = { type: 'number', min: 0, max: 1_000 };
const amps: ValueSpec = { type: 'number', min: 0, max: 5_000 };

/** A row of the line (or DC) table at this well-known point: lgpPwrSource1Input(1), lgpPwrOutputToLoad(5), lgpPwrMeasBattery(6), lgpPwrMeasBypass(7). */
const atPoint = (column: number, point: number): RowCondition => ({ column, under: wellKnownPoints, in: [point] });

const lineVolts = { column: 5, ...volts }; // lgpPwrLineMeasurementVoltsLN (V)
const lineAmps = { column: 6, ...amps }; // lgpPwrLineMeasurementCurrent (A)
/** lgpPwrMeasurementPointFrequency (Hz) of the line's point. */
const pointFrequency = { column: 6, parent: { entry: pointEntry, prefix: 1 }, type: 'number', min: 0, max: 100 } as const;

const inlets: Source<InletField>[] = [
  ...upsMibInlets,
  { entry: lineEntry, entity: { position: -1 }, where: atPoint(3, 1), fields: { voltage: lineVolts, current: lineAmps, frequency: pointFrequency } }, // source 1 input
];
const phases: Source<PhaseField>[] = [
  ...upsMibPhases,
  { entry: lineEntry, entity: { position: -1 }, where: atPoint(3, 5), fields: { voltage: lineVolts, current: lineAmps } }, // output to load
];
const bypass: Source<BypassField>[] = [
  upsMibBypassLines,
  { entry: lineEntry, entity: { position: -1 }, where: atPoint(3, 7), fields: { voltage: lineVolts, current: lineAmps, frequency: pointFrequency } }, // bypass
  ...upsMibBypassFrequency,
];

export const liebertUps: Profile = {
  name: 'liebert-ups',
  vendor: 'Liebert',
  kind: 'ups',
  mibs: ['LIEBERT-GP-POWER-MIB', 'LIEBERT-GP-AGENT-MIB', 'LIEBERT-GP-ENVIRONMENTAL-MIB', 'LIEBERT-GP-NOTIFICATIONS-MIB', 'LIEBERT-GP-CONDITIONS-MIB', 'LIEBERT-GP-REGISTRATION-MIB', 'UPS-MIB'],
  detect: {
    sysObjectId: [`${GP}.4.2`], // LIEBERT-GP-REGISTRATION-MIB lgpUpsProducts (GXT, NX, NXr, EXL, ITA2 on a GP agent …)
    probe: [`${state}.55`, `${battery}.26`], // lgpPwrStateUpsOutputSource, lgpPwrBatteryCapacityStatus
  },
  identity: {
    vendor: [...liebertIdentity.vendor, ...upsMibIdentity.vendor],
    model: [...liebertIdentity.model, ...upsMibIdentity.model],
    serial: liebertIdentity.serial,
    firmware: [...liebertIdentity.firmware, ...upsMibIdentity.firmware],
    name: [...liebertIdentity.name, ...upsMibIdentity.name],
  },
  inlets,
  phases,
  bypass,
  ups: [
    {
      entity: 1,
      scalars: {
        // lgpPwrStateUpsOutputSource: RFC 1628's numbering (other, none, normal, bypass, battery, booster, reducer)
        source: at(`${state}.55.0`, { type: 'enum', map: outputSource }),
        // lgpPwrBatteryCapacityStatus: unknown(1) stays unknown
        batteryStatus: at(`${battery}.26.0`, { type: 'enum', map: { 2: 'normal', 3: 'low', 4: 'depleted' } }),
        // lgpPwrBatteryTimeRemaining: minutes; 65535 when the UPS cannot tell
        runtime: at(`${battery}.18.0`, { type: 'number', scale: 60, sentinels: [65_535], min: 0 }),
        charge: at(`${battery}.19.0`, { type: 'number', min: 0, max: 100 }), // lgpPwrBatteryCapacity (%)
        // lgpPwrBatteryPresentDischargeTime (s) is not time on battery: some systems keep the last discharge's while on mains.
      },
    },
    ...upsMibUps,
    { // lgpPwrDcMeasurementPointTable: the battery's row, lgpPwrDcMeasurementPointVolts (V)
      entry: dcEntry, entity: 'sequence', where: atPoint(2, 6), // lgpPwrDcMeasurementPointId
      fields: { batteryVoltage: { column: 4, type: 'number', min: 0, max: 1_500 } },
    },
    // The measurement points' line 1 and frequency, for what UPS-MIB did not give
    { entry: lineEntry, entity: { position: -1 }, where: atPoint(3, 1), fields: { inputVoltage: lineVolts } },
    { entry: lineEntry, entity: { position: -1 }, where: atPoint(3, 5), fields: { outputVoltage: lineVolts, outputCurrent: lineAmps } },
    { entry: pointEntry, entity: 'sequence', where: atPoint(2, 1), fields: { inputFrequency: { column: 6, type: 'number', min: 0, max: 100 } } }, // lgpPwrMeasurementPointId, …Frequency
    { entry: pointEntry, entity: 'sequence', where: atPoint(2, 5), fields: { outputFrequency: { column: 6, type: 'number', min: 0, max: 100 } } },
  ],
  sensors: liebertEnvSensors(0), // temperatures by their row, humidities from 101
  traps: [
    // lgpConditionsWellKnown: lgpConditionOnBypass(33), lgpConditionOverload(40), lgpConditionBatteryTestInProgress(71),
    // lgpConditionLoadOnBattery(72), lgpConditionReplaceBattery(74), lgpConditionBatteryFault(111),
    // lgpConditionLowBatteryWarning(117), lgpConditionBatteryTestFailed(119)
    ...liebertConditionTraps(
      CONDITIONS,
      { 33: 'on-bypass', 40: 'overload', 71: 'test', 72: 'on-battery', 74: 'battery-fault', 111: 'battery-fault', 117: 'battery-low', 119: 'battery-fault' },
      { 40: 'overload-cleared', 72: 'on-mains', 117: 'battery-low-cleared' },
    ),
    // LIEBERT-GP-NOTIFICATIONS-MIB lgpEventNotifications
    { oid: `${GP}.3.3.0.3`, name: 'lgpEventLowBatteryWarning', event: 'battery-low' },
    { oid: `${GP}.3.3.0.4`, name: 'lgpEventLoadTransferedToBypass', event: 'on-bypass' },
    { oid: `${GP}.3.3.0.5`, name: 'lgpEventInternalFault', event: 'alarm' },
    { oid: `${GP}.3.3.0.6`, name: 'lgpEventBatteryTestFailed', event: 'battery-fault' },
    { oid: `${GP}.3.3.0.7`, name: 'lgpEventOutputOverload', event: 'overload' },
    { oid: `${GP}.3.3.0.8`, name: 'lgpEventEstablishedPowerRedundancy', event: 'redundancy-restored' },
    { oid: `${GP}.3.3.0.9`, name: 'lgpEventLostPowerRedundancy', event: 'redundancy-lost' },
  ],
};
