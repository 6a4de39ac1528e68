import type { LoadState } from '../model.js';
import type { Profile, RowCondition, ScalarSpec, SensorField, Source, ValueSpec } from './profile.js';

// Enlogic rack PDUs, two generations of one MIB tree under the `pdu` node (1.3.6.1.4.1.38446.1): ENLOGIC-PDU-MIB (EN1.0)
// and ENLOGIC-PDU2-MIB (EN2.0). Their status tables (unit, input phases, circuit breakers, outlets, external sensors)
// are the same objects at the same OIDs; the nameplate is not: EN2.0 put pduNamePlatePartNumber at column 11 and moved
// serial, date of manufacture and firmware one column on (11/12/13 → 12/13/14). A device says "38446.1" either way, so
// the profile found by sysObjectID (enlogic-pdu) reads only what both generations agree on and leaves serial and
// firmware unread (never the part number as a serial); enlogic-pdu2 reads the EN2.0 nameplate and is found by the
// EN2.0-only pduNamePlateType (column 16; EN1.0's nameplate ends at 15) when the sysObjectID is missing or garbage,
// or named in the configuration.
//
// Every table is indexed by the PDU in a daisy chain first (pdu…StatusIndex, 1 = the unit the agent runs on), then the
// row's own index. The reader numbers entities from one index position, so a chained unit's rows fall on the host's
// numbers (the host's rows come first in the walk and its trusted values win); only unit 1 is read for the inlet.
// Units per the MIB's DESCRIPTIONs: hundredths of amps, whole volts, watts, VA, tenths of kWh; external sensors in
// pduExternalSensorNamePlateUnits (whole units; the high-precision column in tenths, temperature only).
const ENLOGIC = '1.3.6.1.4.1.38446';
const PDU = `${ENLOGIC}.1`; // pdu
const namePlate = `${PDU}.1.2.1`; // pduNamePlateEntry
const unitProperties = `${PDU}.2.3.1`; // pduUnitPropertiesEntry
const unitStatus = `${PDU}.2.4.1`; // pduUnitStatusEntry
const phaseStatus = `${PDU}.3.4.1`; // pduInputPhaseStatusEntry
const breakerConfig = `${PDU}.4.2.1`; // pduCircuitBreakerConfigEntry
const breakerStatus = `${PDU}.4.4.1`; // pduCircuitBreakerStatusEntry
const switchedProperties = `${PDU}.5.3.1`; // pduOutletSwitchedPropertiesEntry
const switchedStatus = `${PDU}.5.4.1`; // pduOutletSwitchedStatusEntry
const meteredProperties = `${PDU}.5.8.1`; // pduOutletMeteredPropertiesEntry
const meteredStatus = `${PDU}.5.9.1`; // pduOutletMeteredStatusEntry
const sensorNamePlate = `${PDU}.6.2.1`; // pduExternalSensorNamePlateEntry
const sensorStatus = `${PDU}.6.4.1`; // pduExternalSensorStatusEntry

const text: ValueSpec = { type: 'string' };
const at = (oid: string, spec: ValueSpec): ScalarSpec => ({ oid, ...spec });
/** Unit 1's value of a column indexed by the unit alone. */
const unit1 = (entry: string, column: number, spec: ValueSpec): ScalarSpec => at(`${entry}.${column}.1`, spec);
// The MIB names no "not available" value; a negative reading is implausible, never 0.
const centiAmps: ValueSpec = { type: 'number', scale: 0.01, min: 0, max: 1_000 };
const volts: ValueSpec = { type: 'number', min: 0, max: 1_000 };
const watts: ValueSpec = { type: 'number', min: 0, max: 1_000_000 };
const deciKilowattHours: ValueSpec = { type: 'number', scale: 0.1, min: 0 };
// …LoadState / …CurrentState: upperCritical(1), upperWarning(2), lowerWarning(3), lowerCritical(4), normal(5);
// a breaker's off(6) is no load verdict (its breaker state says it).
const loadStates: Readonly<Record<number, LoadState>> = { 1: 'overload', 2: 'near-overload', 3: 'low', 4: 'low', 5: 'normal' };
const loadState: ValueSpec = { type: 'enum', map: loadStates };
// pduCircuitBreakerStatusLoadState is the only breaker state the MIB has: off(6) is an open breaker; any load verdict
// (1..5) is one that carries (or may carry) its load.
const breakerState: ValueSpec = { type: 'enum', map: { 1: 'ok', 2: 'ok', 3: 'ok', 4: 'ok', 5: 'ok', 6: 'tripped' } };

// External sensors: the kind and unit are in the nameplate table (same index as the status table).
// pduExternalSensorNamePlateType temperature(1), humidity(2); pduExternalSensorNamePlateUnits degreeC(1), degreeF(2), percent(3).
const kind = (type: number): RowCondition => ({ entry: sensorNamePlate, column: 6, in: [type] });
const unit = (u: number): RowCondition => ({ entry: sensorNamePlate, column: 7, in: [u] });
// pduExternalSensorStatusCommStatus notInstalled(1) and pduExternalSensorStatusState notPresent(0) are no sensor;
// commsLost(3) is a sensor whose reading is unknown.
const present: RowCondition[] = [{ column: 4, notIn: [1] }, { column: 5, notIn: [0] }];
const commsOk: RowCondition = { column: 4, in: [2] };
type NumberSpec = Extract<ValueSpec, { type: 'number' }>;
const celsius: NumberSpec = { type: 'number', min: -50, max: 150 };
const fahrenheit: NumberSpec = { type: 'number', scale: 5 / 9, offset: -160 / 9, min: -50, max: 150 };

function temperatures(u: 1 | 2): Source<SensorField>[] {
  const spec = u === 1 ? celsius : fahrenheit;
  const where = [...present, kind(1), unit(u)];
  return [
    { // pduExternalSensorStatusHighPrecisionValue: tenths of the sensor's unit
      entry: sensorStatus, where, valid: commsOk,
      fields: { name: { column: 2, ...text }, value: { column: 8, ...spec, scale: (spec.scale ?? 1) * 0.1 } },
      constants: { kind: 'temperature' },
    },
    { // pduExternalSensorStatusValue: whole units, where the high-precision column is not served
      entry: sensorStatus, where, valid: commsOk,
      fields: { value: { column: 6, ...spec } },
      constants: { kind: 'temperature' },
    },
  ];
}

/** What both generations serve at the same OIDs. */
const shared = {
  kind: 'pdu',
  vendor: 'Enlogic',
  device: {
    power: [unit1(unitStatus, 4, watts)], // pduUnitStatusActivePower
    energy: [unit1(unitStatus, 9, deciKilowattHours)], // pduUnitStatusEnergy (lifetime, tenths of kWh)
    loadState: [unit1(unitStatus, 3, loadState)], // pduUnitStatusLoadState (on active power)
  },
  inlets: [
    { // one cord per unit: the unit's totals are its inlet
      entity: 1,
      scalars: {
        power: unit1(unitStatus, 4, watts), apparentPower: unit1(unitStatus, 5, watts), // pduUnitStatusActivePower, …ApparentPower
        energy: unit1(unitStatus, 9, deciKilowattHours), loadState: unit1(unitStatus, 3, loadState), // pduUnitStatusEnergy, …LoadState
      },
    },
    { // a single-phase unit's one phase is its inlet (pduUnitPropertiesInputPhaseCount of unit 1 is 1)
      entry: phaseStatus, where: { oid: `${unitProperties}.6.1`, in: [1] },
      fields: { current: { column: 5, ...centiAmps }, voltage: { column: 6, ...volts } }, // pduInputPhaseStatusCurrent, …Voltage
    },
  ],
  // pduInputPhaseStatusTable: rows 1-3 are wye phases (or delta lines); a delta unit's rows 4-6 are its phase values,
  // read as phases 4-6. The power factor (a "ratio", scale unstated) is not read.
  phases: [
    {
      entry: phaseStatus,
      fields: {
        loadState: { column: 3, ...loadState }, current: { column: 5, ...centiAmps }, // pduInputPhaseStatusCurrentState, …Current
        voltage: { column: 6, ...volts }, power: { column: 7, ...watts }, // pduInputPhaseStatusVoltage (V), …ActivePower (W)
      },
    },
  ],
  banks: [
    { // pduCircuitBreakerStatusTable
      entry: breakerStatus,
      fields: {
        name: { column: 3, ...text }, loadState: { column: 4, ...loadState }, breaker: { column: 4, ...breakerState }, // pduCircuitBreakerLabel, …StatusLoadState
        current: { column: 5, ...centiAmps }, // pduCircuitBreakerStatusCurrent
      },
    },
    { entry: breakerConfig, fields: { name: { column: 3, ...text } } }, // pduCircuitBreakerName
  ],
  // Switched and metered outlets are rows of their own tables: both numbered by the outlet's ID (…Number, column 2).
  outlets: [
    { // pduOutletSwitchedStatusTable: pduOutletSwitchedStatusState off(0) on(1)
      entry: switchedStatus, entity: { column: 2 },
      fields: { name: { column: 3, ...text }, state: { column: 4, type: 'enum', map: { 0: 'off', 1: 'on' } } },
    },
    { // pduOutletMeteredStatusTable
      entry: meteredStatus, entity: { column: 2 },
      fields: {
        name: { column: 3, ...text }, loadState: { column: 4, ...loadState }, current: { column: 5, ...centiAmps }, // …Name, …LoadState, …Current
        power: { column: 6, ...watts }, energy: { column: 11, ...deciKilowattHours }, // …ActivePower (W), …ResettableEnergy (tenths of kWh, user-resettable)
      },
    },
    { entry: switchedProperties, entity: { column: 2 }, fields: { bank: { column: 5, type: 'number', min: 1 } } }, // pduOutletSwitchedPropertiesCircuitBreaker
    { entry: meteredProperties, entity: { column: 2 }, fields: { bank: { column: 5, type: 'number', min: 1 } } }, // pduOutletMeteredPropertiesCircuitBreaker
  ],
  sensors: [
    ...temperatures(1),
    ...temperatures(2),
    { // humidity in percent (units percent(3)), whole %RH
      entry: sensorStatus, where: [...present, kind(2), unit(3)], valid: commsOk,
      fields: { name: { column: 2, ...text }, value: { column: 6, type: 'number', min: 0, max: 100 } },
      constants: { kind: 'humidity' },
    },
  ],
} satisfies Partial<Profile>;

/** Found by sysObjectID: EN1.0 and EN2.0 alike, identity only where the two nameplates agree. */
export const enlogicPdu: Profile = {
  ...shared,
  name: 'enlogic-pdu',
  mibs: ['ENLOGIC-PDU-MIB', 'ENLOGIC-PDU2-MIB'],
  detect: {
    sysObjectId: [PDU], // pdu: the MIB names no product under it, and devices give this node
    probe: [`${phaseStatus}.5`, `${unitStatus}.4`], // pduInputPhaseStatusCurrent, pduUnitStatusActivePower
  },
  identity: {
    model: [unit1(namePlate, 10, text)], // pduNamePlateModelNumber
    name: [unit1(namePlate, 2, text), unit1(unitStatus, 2, text)], // pduNamePlateName, pduUnitStatusName
  },
};

/** EN2.0 (ENLOGIC-PDU2-MIB): the same tables, and its own nameplate. Register before enlogic-pdu: its probe is the narrower. */
export const enlogicPdu2: Profile = {
  ...shared,
  name: 'enlogic-pdu2',
  mibs: ['ENLOGIC-PDU2-MIB'],
  detect: {
    sysObjectId: [], // the same pdu node as EN1.0: found by its objects only
    probe: [`${namePlate}.16`], // pduNamePlateType (singlePhase/delta/wye), EN2.0 only
  },
  identity: {
    model: [unit1(namePlate, 10, text), unit1(namePlate, 11, text)], // pduNamePlateModelNumber, pduNamePlatePartNumber
    serial: [unit1(namePlate, 12, text)], // pduNamePlateSerialNumber
    firmware: [unit1(namePlate, 14, text)], // pduNamePlateFirmwareVersion
    name: [unit1(namePlate, 2, text), unit1(unitStatus, 2, text)], // pduNamePlateName, pduUnitStatusName
  },
};
