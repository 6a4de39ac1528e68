import { CONDITIONS, GP, liebertConditionTraps, liebertEnvSensors, liebertIdentity } from './liebert-pdu.js';
import type { InletField, PhaseField, Profile, ScalarSpec, Source, ValueSpec } from './profile.js';

// Liebert power-distribution products behind a generic Liebert GP agent (FPC, PPC, RDC, STS2 and their PMP/web cards):
// LIEBERT-GP-POWER-MIB's measurement tables.
//
// lgpPwrMeasurementPointTable has one row per measurement point (source 1 input, source 2 input, output to load, bypass
// …); which point a row is, the agent says only by an OID (lgpPwrMeasurementPointId) that no row condition can test,
// and the MIB fixes no row order. So every point is an inlet numbered by its row (lgpPwrMeasurementPointIndex), and
// its lines (lgpPwrLineMeasurementTable, indexed point.line, line 1 = A, 2 = B, 3 = C per the MIB) are phases
// 3 × (point − 1) + line: a two-point FPC's phases 1–3 are its first point's lines, 4–6 its second's.
//
// Units per the MIB's UNITS clauses, but for the point powers: lgpPwrMeasurementPointApparentPower and …TruePower say
// "Volt-Amp" and "Watt", yet the GP agent of a 300 kVA FPC answers 139 and 138 while its own output lines, in the MIB's
// amps and volts, carry 3 × ~390 A at 118 V (≈ 138 kVA, 46 % of 300 kVA, as its per-line capacity says): kVA and kW.
// Read as such; an agent that does answer in VA and W shows up as implausible (over 2 MW) rather than a wrong number
// from 2 kW up. Left out for the same doubt: lgpPwrMeasurementPointWattHours ("Watt-Hour" from an agent that answers
// kW) and the line powers (lgpPwrLineMeasurementTruePower/VA, "Watt"/"Volt-Amp", no recorded device to tell).
// No device power: the agent keeps no device total, and the point that is the output to load is not a fixed row.
// Left out as the model has no field for them: per-line capacity %, THD, K factor and crest factor, neutral and
// ground current. Breaker states (lgpPwrStateCircuitBrkrStateGroup) are source and output breakers, not branch
// circuits; lgpPwrLoadOnSource (an STS's active source) is an OID the ATS section cannot read as A or B.
const measurements = `${GP}.3.5.2`; // lgpPwrMeasurements
const point = `${measurements}.2.1`; // lgpPwrMeasurementPointEntry: point
const line = `${measurements}.3.1`; // lgpPwrLineMeasurementEntry: point.line

/** Measurement points whose lines are read: the MIB bounds none (its well-known AC points for distribution are five: two sources, two PDU inputs, the output). */
const POINTS = 8;
const LINES = 3;

const text: ValueSpec = { type: 'string' };
const at = (oid: string, spec: ValueSpec): ScalarSpec => ({ oid, ...spec });
const volts: ValueSpec = { type: 'number', min: 0, max: 1_000 };
const amps: ValueSpec = { type: 'number', min: 0, max: 10_000 };
const hertz: ValueSpec = { type: 'number', min: 0, max: 100 };
const kilo: ValueSpec = { type: 'number', scale: 1_000, min: 0, max: 2_000_000 }; // kW or kVA → W or VA (see above)
const powerFactor: ValueSpec = { type: 'number', scale: 0.01, min: 0, max: 1 }; // ".01 Power Factor"

/** lgpPwrMeasurementPointTable: one inlet per measurement point. */
const inlets: Source<InletField>[] = [
  {
    entry: point,
    fields: {
      frequency: { column: 6, ...hertz }, // lgpPwrMeasurementPointFrequency (Hz)
      apparentPower: { column: 7, ...kilo }, // lgpPwrMeasurementPointApparentPower
      power: { column: 8, ...kilo }, // lgpPwrMeasurementPointTruePower
      powerFactor: { column: 9, ...powerFactor }, // lgpPwrMeasurementPointPowerFactor
    },
  },
];

/**
 * lgpPwrLineMeasurementTable, one source per point (rowType: the index's point), numbered 3 × (point − 1) + line:
 * line-to-neutral volts first, line-to-line (1 = AB, 2 = BC, 3 = CA) for a point wired without a neutral.
 */
const phases: Source<PhaseField>[] = Array.from({ length: POINTS }, (_, i): Source<PhaseField>[] => [
  {
    entry: line, rowTypeAt: 0, entityOffset: i * LINES,
    fields: {
      voltage: { column: 5, rowType: i + 1, ...volts }, // lgpPwrLineMeasurementVoltsLN (V)
      current: { column: 6, rowType: i + 1, ...amps }, // lgpPwrLineMeasurementCurrent (A)
    },
  },
  { entry: line, rowTypeAt: 0, entityOffset: i * LINES, fields: { voltage: { column: 4, rowType: i + 1, ...volts } } }, // …VoltsLL (V)
]).flat();

export const liebertPower: Profile = {
  name: 'liebert-power',
  vendor: 'Liebert',
  kind: 'pdu',
  mibs: ['LIEBERT-GP-POWER-MIB', 'LIEBERT-GP-AGENT-MIB', 'LIEBERT-GP-ENVIRONMENTAL-MIB', 'LIEBERT-GP-NOTIFICATIONS-MIB', 'LIEBERT-GP-CONDITIONS-MIB', 'LIEBERT-GP-REGISTRATION-MIB', 'SNMPv2-MIB'],
  detect: {
    // LIEBERT-GP-REGISTRATION-MIB: lgpPowerConditioningProducts (PMP, EPMP), lgpTransferSwitchProducts (STS, STS2),
    // lgpPowerDistributionProducts (its rack PDUs, 4.8.2 and 4.8.4, stay liebert-pdu's: the longer prefix wins),
    // lgpCombinedSystemProducts (PMP on FPC, PPC, FDC, RDC, EXC, STS2). Agents that answer liebertGlobalProducts
    // itself (UPSes too) are found by probe, after liebert-ups.
    sysObjectId: [`${GP}.4.4`, `${GP}.4.5`, `${GP}.4.8`, `${GP}.4.10`],
    // a transformer's power-quality columns: lgpPwrLineMeasurementKFactorCurrent, …CrestFactorCurrent,
    // lgpPwrMeasurementPointGroundCurrent
    probe: [`${line}.12`, `${line}.13`, `${point}.13`],
  },
  identity: {
    ...liebertIdentity,
    model: [...liebertIdentity.model, at('1.3.6.1.2.1.1.1.0', text)], // then sysDescr: "300kVA FPC"
  },
  inlets,
  phases,
  sensors: liebertEnvSensors(0), // temperatures by their row, humidities from 101
  traps: [
    // lgpConditionsWellKnown: lgpConditionOverload(40), lgpConditionSourceFailure(47: source 1, source 2),
    // lgpConditionLoadOnAlternateSource(60: an STS on its alternate source, and back), lgpConditionUtilityFailure(70)
    ...liebertConditionTraps(
      CONDITIONS,
      { 40: 'overload', 47: 'inlet-lost', 60: 'source-transfer', 70: 'inlet-lost' },
      { 40: 'overload-cleared', 47: 'inlet-restored', 60: 'source-transfer', 70: 'inlet-restored' },
    ),
    // LIEBERT-GP-NOTIFICATIONS-MIB lgpEventNotifications
    { oid: `${GP}.3.3.0.5`, name: 'lgpEventInternalFault', event: 'alarm' },
    { oid: `${GP}.3.3.0.7`, name: 'lgpEventOutputOverload', event: 'overload' },
    { oid: `${GP}.3.3.0.8`, name: 'lgpEventEstablishedPowerRedundancy', event: 'redundancy-restored' },
    { oid: `${GP}.3.3.0.9`, name: 'lgpEventLostPowerRedundancy', event: 'redundancy-lost' },
  ],
};
