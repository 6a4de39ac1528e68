import type { Profile, RowCondition, SensorField, Source, ValueSpec } from './profile.js';

// Raritan Dominion PX, the first generation (PDU-MIB, the `pdu` tree: raritan 4). PX2/PX3 speak PDU2-MIB (raritan 6,
// raritan-pdu2.ts): the two trees never overlap, so neither profile's sysObjectID prefix or probe claims the other's devices.
// Units per the MIB's textual conventions: MilliAmps, MilliVolts (thousandths), Watts, VoltAmps, WattHours (no scaling),
// PowerFactorPercentage (0..100), TenthDegreesCelsius; external sensors are scaled by their own externalSensorDecimalDigits.
const PDU = '1.3.6.1.4.1.13742.4'; // pdu
const board = `${PDU}.1`;
const info = `${board}.1`;
const outlet = `${board}.2.2.1`; // outletEntry, INDEX outletIndex
const unitReadings = `${board}.3.1`;
const breaker = `${board}.5.2.1`; // circuitBreakerEntry, INDEX circuitBreakerIndex
const inlet = `${board}.20.2.1`; // inletEntry, INDEX inletIndex
const inletPole = `${board}.21.2.1`; // inletPoleEntry, INDEX inletIndex, inletPoleIndex
const externalSensor = `${PDU}.3.3.1`; // externalSensorEntry, INDEX sensorID

const text: ValueSpec = { type: 'string' };
const milliAmps: ValueSpec = { type: 'number', scale: 0.001, min: 0, max: 1_000 };
const milliVolts: ValueSpec = { type: 'number', scale: 0.001, min: 0, max: 1_000 };
const watts: ValueSpec = { type: 'number', min: 0, max: 1_000_000 };
const powerFactor: ValueSpec = { type: 'number', scale: 0.01, min: 0, max: 1 }; // PowerFactorPercentage 0..100
// WattHours → kWh. outletWattHours "will be zero" and inletActiveEnergy "has an invalid value" when outletEnergySupport
// is 'No' (a text the reader cannot condition on): a 0 is the MIB's placeholder, unknown, never 0 kWh.
const kWh: ValueSpec = { type: 'number', scale: 0.001, sentinels: [0], min: 0 };

// externalSensorTable: the row's externalSensorType (TypeOfSensorEnumeration temperature(10), humidity(11)) and its
// externalSensorUnits (SensorUnitsEnumeration degreeC(7), percent(9), degreeF(14)); a row whose externalSensorState is
// unavailable(-1) is a sensor whose reading is unknown.
const sensorType = (type: number): RowCondition => ({ column: 2, in: [type] });
const sensorUnits = (unit: number): RowCondition => ({ column: 16, in: [unit] });
const available: RowCondition = { column: 40, notIn: [-1] };
function externalSensors(type: number, unit: number, kind: 'temperature' | 'humidity', value: ValueSpec): Source<SensorField> {
  return {
    entry: externalSensor, where: [sensorType(type), sensorUnits(unit)], valid: available,
    digits: { entry: externalSensor, column: 17 }, // externalSensorDecimalDigits
    fields: { name: { column: 4, ...text }, value: { column: 41, ...value } }, // externalSensorName, externalSensorValue (Integer32)
    constants: { kind },
  };
}

export const raritanPx1: Profile = {
  name: 'raritan-px1',
  vendor: 'Raritan',
  kind: 'pdu',
  mibs: ['PDU-MIB'],
  detect: {
    sysObjectId: [PDU], // pdu: the MIB names no product under it
    probe: [`${outlet}.3`, `${inlet}.9`], // outletOperationalState, inletActivePower
  },
  // The model (objectName) and the device name (objectInstance) are accessible-for-notify: only traps carry them.
  identity: {
    serial: [{ oid: `${info}.2.0`, ...text }], // serialNumber
    firmware: [{ oid: `${info}.1.0`, ...text }], // firmwareVersion
  },
  device: {
    power: [{ oid: `${unitReadings}.3.0`, ...watts }], // unitActivePower (deprecated, still "the unit's active power")
  },
  inlets: [
    { // inletTable
      entry: inlet,
      fields: {
        power: { column: 9, ...watts }, apparentPower: { column: 10, ...watts }, // inletActivePower, inletApparentPower
        powerFactor: { column: 11, ...powerFactor }, energy: { column: 12, ...kWh }, // inletPowerFactor, inletActiveEnergy
      },
    },
    { // inletCurrent, inletVoltage "do not apply to 3 phase systems; a value of 0 will be reported": single-pole inlets only
      entry: inlet, where: { column: 3, in: [1] }, // inletPoleCount
      fields: { current: { column: 7, ...milliAmps }, voltage: { column: 8, ...milliVolts } },
    },
  ],
  phases: [
    { // inletPoleTable (L1 … L3 of each inlet; linked inline-meter inlets merge by pole number)
      entry: inletPole,
      // inletPoleActivePower is valid only on inline meters (inlineMeter 'Yes', text): not read.
      fields: { name: { column: 2, ...text }, current: { column: 3, ...milliAmps }, voltage: { column: 4, ...milliVolts } }, // inletPoleLabel, …Current, …Voltage
    },
  ],
  banks: [
    { // circuitBreakerTable
      entry: breaker,
      fields: {
        name: { column: 2, ...text }, // circuitBreakerLabel
        breaker: { column: 3, type: 'enum', map: { 0: 'ok', 1: 'tripped' } }, // circuitBreakerState ok(0) tripped(1)
        rating: { column: 4, ...milliAmps, min: 0.001 }, current: { column: 5, ...milliAmps }, // circuitBreakerCurrentRating, circuitBreakerCurrent
      },
    },
  ],
  outlets: [
    { // outletTable; the MIB does not say which breaker feeds an outlet
      entry: outlet,
      fields: {
        name: { column: 2, ...text }, // outletLabel
        state: { column: 3, type: 'enum', map: { 0: 'off', 1: 'on' } }, // outletOperationalState error(-1) off(0) on(1) cycling(2: neither)
        current: { column: 4, ...milliAmps }, power: { column: 7, ...watts }, energy: { column: 31, ...kWh }, // outletCurrent, outletActivePower, outletWattHours
      },
    },
  ],
  sensors: [
    externalSensors(10, 7, 'temperature', { type: 'number', min: -60, max: 150 }),
    externalSensors(10, 14, 'temperature', { type: 'number', scale: 5 / 9, offset: -160 / 9, min: -60, max: 150 }), // °F → °C
    externalSensors(11, 9, 'humidity', { type: 'number', min: 0, max: 100 }),
  ],
  // PDU-MIB notifications (pdu.traps.N = pdu.0.N).
  traps: [
    { // "An outlet has been switched": outletOperationalState carries the new state
      oid: `${PDU}.0.23`, name: 'powerControl', event: 'alarm',
      eventFrom: { oid: `${outlet}.3`, map: { 0: 'outlet-off', 1: 'outlet-on', 2: 'outlet-reboot' } },
      outlet: [{ oid: `${outlet}.2`, from: 'index' }, { oid: `${outlet}.3`, from: 'index' }], // outletLabel, outletOperationalState
    },
    { oid: `${PDU}.0.51`, name: 'circuitBreakerTripped', event: 'breaker-tripped', bank: { oid: `${breaker}.2`, from: 'index' } }, // circuitBreakerLabel
    { oid: `${PDU}.0.52`, name: 'circuitBreakerRecovered', event: 'breaker-reset', bank: { oid: `${breaker}.2`, from: 'index' } },
  ],
};
