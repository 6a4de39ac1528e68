import type { RowCondition, Source, SensorField, ValueSpec } from './profile.js';

// Eaton environment monitoring probes (EMP002 and their successors) as a Network-M2/M3 card reports them
// (EATON-SENSOR-MIB, eatonSensor 534.6.8.1). The MIB is no device of its own: the card serves it beside the
// MIB of the device it manages (an ATS: EATON-ATS2-MIB; a UPS: XUPS-MIB), so these sources are part of
// that device's profile. Up to 3 probes (sensorIndex), each with up to 2 temperatures and 2 humidities
// (temperatureIndex, humidityIndex): the rows are indexed sensorIndex.temperatureIndex.
const SENSOR = '1.3.6.1.4.1.534.6.8.1';
/** sensorCount: the number of probes the card manages. */
export const eatonSensorCount = `${SENSOR}.1.1.0`;
const temperatureConfig = `${SENSOR}.2.2.1`; // temperatureConfigurationEntry
const temperatureMonitoring = `${SENSOR}.2.3.1`; // temperatureMonitoringEntry
const temperatureUnit = `${SENSOR}.2.5.0`;
const humidityConfig = `${SENSOR}.3.2.1`; // humidityConfigurationEntry
const humidityMonitoring = `${SENSOR}.3.3.1`; // humidityMonitoringEntry

// temperatureValue is in tenths of the unit temperatureUnit names. Its SYNTAX (TemperatureUnitType) is
// tenthOfDegKelvin(0), tenthOfDegCelsius(1), tenthOfDegFarhenheit(2); its DESCRIPTION numbers them the other
// way round, but the SYNTAX is what the agent sends (NUT's eaton-ats16-nm2 driver reads it so too).
// An agent that does not serve temperatureUnit reads as Kelvin (an absent value counts as 0): a room's
// tenths of °C taken for Kelvin fall far below -50 °C, implausible, never a trusted wrong number.
const KELVIN = 0;
const CELSIUS = 1;
const FAHRENHEIT = 2;
const tenthsC: ValueSpec = { type: 'number', scale: 0.1, min: -50, max: 150 };
const tenthsF: ValueSpec = { type: 'number', scale: 0.1 * 5 / 9, offset: -32 * 5 / 9, min: -50, max: 150 };
const tenthsK: ValueSpec = { type: 'number', scale: 0.1, offset: -273.15, min: -50, max: 150 };
const tenthsRH: ValueSpec = { type: 'number', scale: 0.1, min: 0, max: 100 };
/** …CommunicationStatus: unknown(0), communicationOK(2), communicationLost(3): only a probe that answers has a value. */
const answering: RowCondition = { column: 4, in: [2] };

function temperatures(unit: number, spec: ValueSpec): Source<SensorField> {
  return {
    entry: temperatureMonitoring, entity: 'sequence', where: { oid: temperatureUnit, in: [unit] }, valid: answering,
    fields: { value: { column: 3, ...spec } }, constants: { kind: 'temperature' }, // temperatureValue
  };
}

/**
 * Temperatures as sensors 1, 2 … and humidities as 101, 102 … in row order, named by the probe's
 * temperatureName / humidityName (the configuration tables share the monitoring tables' index).
 */
export const eatonSensorMibSensors: readonly Source<SensorField>[] = [
  temperatures(CELSIUS, tenthsC),
  temperatures(FAHRENHEIT, tenthsF),
  temperatures(KELVIN, tenthsK),
  { entry: temperatureConfig, entity: 'sequence', fields: { name: { column: 1, type: 'string' } } }, // temperatureName
  {
    entry: humidityMonitoring, entity: 'sequence', entityOffset: 100, valid: answering,
    fields: { value: { column: 3, ...tenthsRH } }, constants: { kind: 'humidity' }, // humidityValue (tenths of %)
  },
  { entry: humidityConfig, entity: 'sequence', entityOffset: 100, fields: { name: { column: 1, type: 'string' } } }, // humidityName
];

