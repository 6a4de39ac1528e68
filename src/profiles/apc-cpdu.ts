import type { LoadState } from '../model.js';
import type { ColumnSpec, Profile, RowCondition, ScalarSpec, SensorField, Source, TableSource, ValueSpec } from './profile.js';

// APC cPDU rack PDUs: the cPDU edition of PowerNet-MIB, a different module under the same name, whose objects all sit
// under hardware 32 (cPDU): pduNamePlate, pduUnit, pduInputPhase, pduCircuitBreaker, pduOutlet, pduExternalSensor.
// The MIB names no product OIDs; its sysObjectID comment says the agent returns the cPDU node itself, 318.1.1.32.
//
// Every table is indexed by the unit of a daisy chain first (1 = the unit the agent runs on), then the row's own
// index. A chain answers at one address, and Breakerbox polls a PDU per address: only unit 1 is read (its rows are
// told apart by the index's first sub-identifier), never a chained unit's rows under the host's numbers.
// Units per the MIB's DESCRIPTIONs: hundredths of amps, whole volts, watts, VA, tenths of kWh, hundredths of a
// power factor; external sensors in their nameplate's pduExternalSensorNamePlateUnits.
const CPDU = '1.3.6.1.4.1.318.1.1.32';
const namePlate = `${CPDU}.1.2.1`; // pduNamePlateEntry
const unitProperties = `${CPDU}.2.3.1`; // pduUnitPropertiesEntry
const unitStatus = `${CPDU}.2.4.1`; // pduUnitStatusEntry
const phaseStatus = `${CPDU}.3.4.1`; // pduInputPhaseStatusEntry
const breakerConfig = `${CPDU}.4.2.1`; // pduCircuitBreakerConfigEntry
const breakerStatus = `${CPDU}.4.4.1`; // pduCircuitBreakerStatusEntry
const switchedProperties = `${CPDU}.5.3.1`; // pduOutletSwitchedPropertiesEntry
const switchedStatus = `${CPDU}.5.4.1`; // pduOutletSwitchedStatusEntry
const meteredProperties = `${CPDU}.5.8.1`; // pduOutletMeteredPropertiesEntry
const meteredStatus = `${CPDU}.5.9.1`; // pduOutletMeteredStatusEntry
const sensorNamePlate = `${CPDU}.6.2.1`; // pduExternalSensorNamePlateEntry
const sensorStatus = `${CPDU}.6.4.1`; // pduExternalSensorStatusEntry

const text: ValueSpec = { type: 'string' };
/** Unit 1's value of a column indexed by the unit alone. */
const unit1 = (entry: string, column: number, spec: ValueSpec): ScalarSpec => ({ oid: `${entry}.${column}.1`, ...spec });
/** A table source reading only unit 1's rows: the unit is the index's first sub-identifier. */
function ofUnit1<F extends string>(source: Omit<TableSource<F>, 'rowTypeAt'>): TableSource<F> {
  const fields = Object.fromEntries(Object.entries(source.fields).map(([f, spec]) => [f, { ...(spec as ColumnSpec), rowType: 1 }]));
  return { ...source, rowTypeAt: 0, fields } as TableSource<F>;
}
// The MIB names no "not available" value: a negative reading is implausible, never 0.
const centiAmps: ValueSpec = { type: 'number', scale: 0.01, min: 0, max: 1_000 };
const volts: ValueSpec = { type: 'number', min: 0, max: 1_000 };
const watts: ValueSpec = { type: 'number', min: 0, max: 1_000_000 };
const deciKilowattHours: ValueSpec = { type: 'number', scale: 0.1, min: 0 };
const powerFactor: ValueSpec = { type: 'number', scale: 0.01, min: 0, max: 1 }; // "in the hundreths of PowerFactor"
// …LoadState / …CurrentState: upperCritical(1), upperWarning(2), lowerWarning(3), lowerCritical(4), normal(5).
const loadStates: Readonly<Record<number, LoadState>> = { 1: 'overload', 2: 'near-overload', 3: 'low', 4: 'low', 5: 'normal' };
const loadState: ValueSpec = { type: 'enum', map: loadStates };
// pduCircuitBreakerStatusLoadState adds off(6), the only breaker state the MIB has: an open breaker. Any load verdict
// (1..5) is a breaker that carries its load.
const breakerState: ValueSpec = { type: 'enum', map: { 1: 'ok', 2: 'ok', 3: 'ok', 4: 'ok', 5: 'ok', 6: 'tripped' } };
const breakerNumber: ValueSpec = { type: 'number', min: 1, max: 256 };

// External sensors: kind and unit from the nameplate table (pduNamePlateIndex, sensor: the same index as the status
// table's). pduExternalSensorNamePlateType temperature(1), humidity(2); …Units degreeC(1), degreeF(2), percent(3).
const kind = (type: number): RowCondition => ({ entry: sensorNamePlate, column: 6, in: [type] });
const unit = (u: number): RowCondition => ({ entry: sensorNamePlate, column: 7, in: [u] });
// pduExternalSensorStatusCommStatus notInstalled(1) and pduExternalSensorStatusState notPresent(0) are no sensor;
// commsLost(3) is a sensor whose reading is unknown.
const present: RowCondition[] = [{ column: 3, notIn: [1] }, { column: 4, notIn: [0] }];
const commsOk: RowCondition = { column: 3, in: [2] };
type NumberSpec = Extract<ValueSpec, { type: 'number' }>;
const celsius: NumberSpec = { type: 'number', min: -50, max: 150 };
const fahrenheit: NumberSpec = { type: 'number', scale: 5 / 9, offset: -160 / 9, min: -50, max: 150 };

function temperatures(u: 1 | 2): Source<SensorField>[] {
  const spec = u === 1 ? celsius : fahrenheit;
  const where = [...present, kind(1), unit(u)];
  return [
    ofUnit1<SensorField>({ // pduExternalSensorStatusHighPrecisionValue: tenths of the sensor's unit, temperature only
      entry: sensorStatus, where, valid: commsOk,
      fields: { name: { column: 2, ...text }, value: { column: 7, ...spec, scale: (spec.scale ?? 1) * 0.1 } },
      constants: { kind: 'temperature' },
    }),
    ofUnit1<SensorField>({ // pduExternalSensorStatusValue: whole units, where the high-precision column is not served
      entry: sensorStatus, where, valid: commsOk,
      fields: { value: { column: 5, ...spec } },
      constants: { kind: 'temperature' },
    }),
  ];
}

export const apcCpdu: Profile = {
  name: 'apc-cpdu',
  vendor: 'APC',
  kind: 'pdu',
  mibs: ['PowerNet-MIB (cPDU)'],
  detect: {
    sysObjectId: [CPDU],
    probe: [`${unitStatus}.4`, `${phaseStatus}.5`], // pduUnitStatusActivePower, pduInputPhaseStatusCurrent: cPDU-only columns
  },
  identity: {
    model: [unit1(namePlate, 10, text), unit1(namePlate, 11, text)], // pduNamePlateModelNumber, …PartNumber
    serial: [unit1(namePlate, 12, text)], // pduNamePlateSerialNumber
    firmware: [unit1(namePlate, 14, text)], // pduNamePlateFirmwareVersion
    name: [unit1(namePlate, 2, text), unit1(unitStatus, 2, text)], // pduNamePlateName, pduUnitStatusName
  },
  device: {
    power: [unit1(unitStatus, 4, watts)], // pduUnitStatusActivePower
    energy: [unit1(unitStatus, 9, deciKilowattHours)], // pduUnitStatusEnergy (lifetime)
    loadState: [unit1(unitStatus, 3, loadState)], // pduUnitStatusLoadState (on active power)
  },
  inlets: [
    { // one cord per unit: the unit's totals are its inlet
      entity: 1,
      scalars: {
        power: unit1(unitStatus, 4, watts), apparentPower: unit1(unitStatus, 5, watts), // pduUnitStatusActivePower (W), …ApparentPower (VA)
        powerFactor: unit1(unitStatus, 13, powerFactor), energy: unit1(unitStatus, 9, deciKilowattHours), // …PowerFactor, …Energy
        loadState: unit1(unitStatus, 3, loadState),
      },
    },
    ofUnit1({ // a single-phase unit's one phase is its inlet (pduUnitPropertiesInputPhaseCount of unit 1 is 1)
      entry: phaseStatus, where: { oid: `${unitProperties}.6.1`, in: [1] },
      fields: { current: { column: 5, ...centiAmps }, voltage: { column: 6, ...volts } }, // pduInputPhaseStatusCurrent, …Voltage
    }),
  ],
  phases: [
    ofUnit1({ // pduInputPhaseStatusTable: the phase of a wye unit, the line of a delta one
      entry: phaseStatus,
      fields: {
        loadState: { column: 3, ...loadState }, current: { column: 5, ...centiAmps }, // pduInputPhaseStatusCurrentState, …Current
        voltage: { column: 6, ...volts }, power: { column: 7, ...watts }, // …Voltage (V), …ActivePower (W)
      },
    }),
  ],
  // pduCircuitBreakerPropertiesCurrentRating is described as "The number of Circuit Breakers": no unit, not read.
  banks: [
    ofUnit1({ // pduCircuitBreakerStatusTable
      entry: breakerStatus,
      fields: {
        name: { column: 3, ...text }, loadState: { column: 4, ...loadState }, breaker: { column: 4, ...breakerState }, // pduCircuitBreakerLabel, …StatusLoadState
        current: { column: 5, ...centiAmps }, // pduCircuitBreakerStatusCurrent
      },
    }),
    ofUnit1({ entry: breakerConfig, fields: { name: { column: 3, ...text } } }), // pduCircuitBreakerName
  ],
  // Switched and metered outlets are rows of their own tables, both numbered by the outlet's ID (…Number, column 2).
  outlets: [
    ofUnit1({ // pduOutletSwitchedStatusTable: pduOutletSwitchedStatusState off(0), on(1)
      entry: switchedStatus, entity: { column: 2 },
      fields: { name: { column: 3, ...text }, state: { column: 4, type: 'enum', map: { 0: 'off', 1: 'on' } } },
    }),
    ofUnit1({ // pduOutletMeteredStatusTable
      entry: meteredStatus, entity: { column: 2 },
      fields: {
        name: { column: 3, ...text }, loadState: { column: 4, ...loadState }, current: { column: 5, ...centiAmps }, // …Name, …LoadState, …Current
        power: { column: 6, ...watts }, energy: { column: 11, ...deciKilowattHours }, // …ActivePower (W), …ResettableEnergy (user-resettable)
      },
    }),
    ofUnit1({ entry: switchedProperties, entity: { column: 2 }, fields: { bank: { column: 5, ...breakerNumber } } }), // pduOutletSwitchedPropertiesCircuitBreaker
    ofUnit1({ entry: meteredProperties, entity: { column: 2 }, fields: { bank: { column: 5, ...breakerNumber } } }), // pduOutletMeteredPropertiesCircuitBreaker
  ],
  sensors: [
    ...temperatures(1),
    ...temperatures(2),
    ofUnit1<SensorField>({ // humidity in percent (units percent(3)), whole %RH
      entry: sensorStatus, where: [...present, kind(2), unit(3)], valid: commsOk,
      fields: { name: { column: 2, ...text }, value: { column: 5, type: 'number', min: 0, max: 100 } },
      constants: { kind: 'humidity' },
    }),
  ],
  // NOTIFICATION-TYPEs directly under pduTraps (318.1.1.32.8.N). Each carries a trapCode the MIB does not enumerate:
  // only the severity says what happened. trapInformation (3) reports no condition and is left unclassified.
  traps: [
    { oid: `${CPDU}.8.1`, name: 'trapCritical', event: 'alarm' },
    { oid: `${CPDU}.8.2`, name: 'trapWarning', event: 'alarm' },
    { oid: `${CPDU}.8.4`, name: 'trapCleared', event: 'alarm-cleared' },
    { oid: `${CPDU}.8.5`, name: 'trapTest', event: 'test' },
  ],
};
