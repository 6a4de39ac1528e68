import type { Profile, RowCondition, ScalarSpec, SensorField, Source, ValueSpec } from './profile.js';

// Vertiv / Geist rack PDUs on the IMD monitoring card (VERTIV-V5-MIB, vertiv 21239 v5 imd): the pdu tables
// (main = the unit's inlet totals, phases, breakers, outlets) and the remote sensor tables. Units per the MIB's
// UNITS: decivolts, centiamps, watts, volt-amps, watt-hours, % power factor.
const VERTIV = '1.3.6.1.4.1.21239';
const imd = `${VERTIV}.5.2`;
const info = `${imd}.1`; // deviceInfo
const pdu = `${imd}.3`;

const text: ValueSpec = { type: 'string' };
const at = (oid: string, spec: ValueSpec): ScalarSpec => ({ oid, ...spec });
const deciVolts: ValueSpec = { type: 'number', scale: 0.1, min: 0, max: 600 };
const centiAmps: ValueSpec = { type: 'number', scale: 0.01, min: 0, max: 200 };
const watts: ValueSpec = { type: 'number', min: 0, max: 100_000 };
const wattHours: ValueSpec = { type: 'number', scale: 0.001, min: 0 }; // → kWh
const percent: ValueSpec = { type: 'number', min: 0, max: 100 };

// Remote sensors report tenths of the unit temperatureUnits names for the whole device: fahrenheit(0), celsius(1).
const units = (unit: 0 | 1): RowCondition => ({ oid: `${info}.7.0`, in: [unit] });
const celsius: ValueSpec = { type: 'number', scale: 0.1, min: -50, max: 150 };
const fahrenheit: ValueSpec = { type: 'number', scale: 1 / 18, offset: -160 / 9, min: -50, max: 150 }; // (t/10 - 32) × 5/9
const available: RowCondition = { column: 4, in: [1] }; // …SensorAvail: 0 unavailable, 1 available, 2 partially unavailable

/** A sensor table's temperature column (its label in column 3), numbered from `offset`, in whichever unit the device is set to. */
function temperatures(table: number, column: number, offset: number): Source<SensorField>[] {
  const source = (unit: 0 | 1): Source<SensorField> => ({
    entry: `${imd}.${table}.1`, entityOffset: offset, where: units(unit), valid: available,
    fields: { name: { column: 3, ...text }, value: { column, ...(unit === 1 ? celsius : fahrenheit) } },
    constants: { kind: 'temperature' },
  });
  return [source(1), source(0)];
}

function humidities(table: number, column: number, offset: number): Source<SensorField> {
  return {
    entry: `${imd}.${table}.1`, entityOffset: offset, valid: available,
    fields: { name: { column: 3, ...text }, value: { column, ...percent } }, constants: { kind: 'humidity' },
  };
}

export const vertivGeist: Profile = {
  name: 'vertiv-geist',
  vendor: 'Vertiv',
  kind: 'pdu',
  mibs: ['VERTIV-V5-MIB'],
  detect: {
    sysObjectId: [`${VERTIV}.42.1`], // the rack PDU products (…42.1.52, …42.1.53)
    probe: [`${pdu}.1.1.9`, `${pdu}.2.1.8`], // pduTotalRealPower, pduPhaseCurrent
  },
  identity: {
    vendor: [at(`${info}.15.0`, text)], // productManufacturer
    model: [at(`${info}.8.0`, text), at(`${info}.1.0`, text)], // productModelNumber, productTitle
    serial: [at(`${info}.10.0`, text)], // productSerialNumber
    firmware: [at(`${info}.2.0`, text)], // productVersion
    name: [at(`${info}.3.0`, text), at(`${info}.12.0`, text)], // productFriendlyName, productHostname
  },
  device: {
    power: [at(`${pdu}.1.1.9.1`, watts)], // pduTotalRealPower of the first PDU
    energy: [at(`${pdu}.1.1.12.1`, wattHours)], // pduTotalEnergy
  },
  inlets: [
    { // pduMainTable: one row per PDU on the card, its totals
      entry: `${pdu}.1.1`,
      fields: {
        name: { column: 4, ...text }, // pduMainLabel (user-defined)
        power: { column: 9, ...watts }, apparentPower: { column: 10, type: 'number', min: 0, max: 100_000 }, // pduTotalRealPower, pduTotalApparentPower (VA)
        powerFactor: { column: 11, type: 'number', scale: 0.01, min: 0, max: 1 }, energy: { column: 12, ...wattHours }, // pduTotalPowerFactor (%), pduTotalEnergy
      },
    },
    { entry: `${pdu}.1.1`, fields: { name: { column: 3, ...text } } }, // pduMainName (factory)
  ],
  phases: [
    { // pduPhaseTable
      entry: `${pdu}.2.1`,
      fields: { name: { column: 3, ...text }, voltage: { column: 4, ...deciVolts }, current: { column: 8, ...centiAmps }, power: { column: 12, ...watts } }, // pduPhaseLabel, …Voltage, …Current, …RealPower
    },
    { entry: `${pdu}.2.1`, fields: { name: { column: 2, ...text } } }, // pduPhaseName
  ],
  banks: [
    { entry: `${pdu}.3.1`, fields: { name: { column: 3, ...text }, current: { column: 4, ...centiAmps } } }, // pduBreakerLabel, pduBreakerCurrent
    { entry: `${pdu}.3.1`, fields: { name: { column: 2, ...text } } }, // pduBreakerName
  ],
  outlets: [
    { // pduOutletSwitchTable: pending on/off and reboot states are what the outlet is now; unavailable(7) stays unknown
      entry: `${pdu}.5.1`,
      fields: { name: { column: 3, ...text }, state: { column: 4, type: 'enum', map: { 1: 'on', 2: 'off', 3: 'on', 4: 'off', 5: 'on', 6: 'off' } } },
    },
    { // pduOutletMeterTable
      entry: `${pdu}.6.1`,
      fields: { name: { column: 3, ...text }, current: { column: 8, ...centiAmps }, power: { column: 12, ...watts }, energy: { column: 15, ...wattHours } },
    },
    { entry: `${pdu}.5.1`, fields: { name: { column: 2, ...text } } }, // pduOutletSwitchName
  ],
  sensors: [
    ...temperatures(4, 5, 0), // tempSensorTable: tempSensorTemp
    ...temperatures(9, 5, 100), // thdSensorTable: thdSensorTemp
    humidities(9, 6, 200), // thdSensorHumidity
    ...temperatures(5, 5, 300), // airFlowSensorTable: airFlowSensorTemp
    humidities(5, 7, 400), // airFlowSensorHumidity
    humidities(12, 5, 500), // humiditySensorTable: humiditySensorValue
  ],
};
