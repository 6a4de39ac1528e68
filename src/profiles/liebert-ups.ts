import { CONDITIONS, GP, liebertConditionTraps, liebertEnvSensors, liebertIdentity } from './liebert-pdu.js';
import type { Profile, ScalarSpec, ValueSpec } from './profile.js';
import { outputSource, upsMibIdentity, upsMibInlets, upsMibPhases, upsMibUps } from './ups-mib.js';

// Liebert UPSes behind a Liebert GP agent (IntelliSlot cards): LIEBERT-GP-POWER-MIB's UPS state and battery scalars
// first, the standard UPS-MIB the same cards serve beneath them (voltages, currents, per-line values).
// LIEBERT-GP-POWER-MIB keeps its voltages and currents in lgpPwrMeasurementPointTable rows named only by an OID
// (lgpPwrMeasurementPointId: source 1 input, output to load, battery, bypass …), so they are left to UPS-MIB.
// Units per the MIB's UNITS clauses.
const power = `${GP}.3.5`; // lgpPower
const battery = `${power}.1`; // lgpPwrBattery
const state = `${power}.3`; // lgpPwrStatus

const at = (oid: string, spec: ValueSpec): ScalarSpec => ({ oid, ...spec });

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
  inlets: upsMibInlets,
  phases: upsMibPhases,
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
