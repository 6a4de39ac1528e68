import type { BankField, Profile, ScalarSource, ScalarSpec, ValueSpec } from './profile.js';

// The older Eaton Managed ePDUs, before the G3 (PDU-MIB, pdu = eaton 6.6.6; their agents answer that OID as
// sysObjectID). One input per unit, three circuit-breaker sensors, an outlet table, external temperature and
// humidity probes. Units per the MIB's TEXTUAL-CONVENTIONs: MilliAmps, MilliVolts, Watts, VoltAmps, whole
// DegreesCelsius, RelativeHumidity %. The MIB links no outlet to a breaker, and has no phase objects.
const PDU = '1.3.6.1.4.1.534.6.6.6';
const info = `${PDU}.1.1`;
const outletEntry = `${PDU}.1.2.2.1`;
const unitReadings = `${PDU}.1.3.1`;
const tempSensorEntry = `${PDU}.2.2.1`;
const humiditySensorEntry = `${PDU}.2.4.1`;
const traps = `${PDU}.0`;

const text: ValueSpec = { type: 'string' };
const at = (oid: string, spec: ValueSpec): ScalarSpec => ({ oid, ...spec });
const milliAmps: ValueSpec = { type: 'number', scale: 0.001, min: 0, max: 1_000 };
const milliVolts: ValueSpec = { type: 'number', scale: 0.001, min: 0, max: 1_000 };
const watts: ValueSpec = { type: 'number', min: 0, max: 1_000_000 };
/** unitCircuitBreak<n>State: unavailable(-1) is unknown, never ok. */
const breakerState: ValueSpec = { type: 'enum', map: { 0: 'ok', 1: 'tripped' } };

/** Breaker sensor n (0, 1, 2) as bank n + 1: unitCircuitBreak<n>State (unitReadings 20 + n), …Current (40 + n, mA). */
const breaker = (n: number): ScalarSource<BankField> => ({
  entity: n + 1,
  scalars: { breaker: at(`${unitReadings}.${20 + n}.0`, breakerState), current: at(`${unitReadings}.${40 + n}.0`, milliAmps) },
});

export const eatonPduLegacy: Profile = {
  name: 'eaton-pdu-legacy',
  vendor: 'Eaton',
  kind: 'pdu',
  mibs: ['PDU-MIB'],
  detect: {
    sysObjectId: [PDU], // pdu
    probe: [`${outletEntry}.3`, `${unitReadings}.20`], // outletOperationalState, unitCircuitBreak0State
  },
  identity: {
    // objectName ("the model type") and objectInstance ("the device name") are accessible-for-notify in the MIB;
    // agents answer a get of them (NUT's device scan identifies these PDUs by objectName.0): read where answered.
    model: [at(`${info}.12.0`, text)], // objectName
    serial: [at(`${info}.2.0`, text)], // serialNumber
    firmware: [at(`${info}.1.0`, text)], // firmwareVersion
    name: [at(`${info}.13.0`, text)], // objectInstance
  },
  device: {
    power: [at(`${unitReadings}.3.0`, watts)], // unitActivePower
  },
  inlets: [
    {
      entity: 1,
      scalars: {
        current: at(`${unitReadings}.1.0`, milliAmps), // unitCurrent
        voltage: at(`${unitReadings}.2.0`, milliVolts), // unitVoltage
        power: at(`${unitReadings}.3.0`, watts), // unitActivePower (W; its DESCRIPTION's "volt-amps" is a copy of the next)
        apparentPower: at(`${unitReadings}.4.0`, watts), // unitApparentPower (volt-amps, though its SYNTAX says Watts)
      },
    },
  ],
  banks: [breaker(0), breaker(1), breaker(2)],
  outlets: [
    {
      entry: outletEntry,
      fields: {
        name: { column: 2, ...text }, // outletLabel
        state: { column: 3, type: 'enum', map: { 0: 'off', 1: 'on' } }, // outletOperationalState: error(-1) and cycling(2) are neither
        current: { column: 4, ...milliAmps }, // outletCurrent (mA)
        power: { column: 7, ...watts }, // outletActivePower (W)
      },
    },
  ],
  // External probes: temperatures as sensors 1…, humidities as 101…; the unit's CPU temperature (unitCpuTemp) is no room's.
  sensors: [
    {
      entry: tempSensorEntry,
      fields: { name: { column: 2, ...text }, value: { column: 3, type: 'number', min: -50, max: 150 } }, // tempSensorLabel, temperature (°C)
      constants: { kind: 'temperature' },
    },
    {
      entry: humiditySensorEntry, entityOffset: 100,
      fields: { name: { column: 2, ...text }, value: { column: 3, type: 'number', min: 0, max: 100 } }, // humiditySensorLabel, humidity (%)
      constants: { kind: 'humidity' },
    },
  ],
  traps: [
    { // "An outlet has been switched": the outlet is outletOperationalState's instance, the new state its value
      oid: `${traps}.23`, name: 'powerControl', event: 'alarm',
      eventFrom: { oid: `${outletEntry}.3`, map: { 0: 'outlet-off', 1: 'outlet-on', 2: 'outlet-reboot' } },
      outlet: { oid: `${outletEntry}.3`, from: 'index' },
    },
    // A configured threshold triggered or cleared: which of the two is text (thresholdEventType), which decides nothing here.
    { oid: `${traps}.45`, name: 'thresholdAlarm', event: 'alarm' },
    { oid: `${traps}.50`, name: 'outletGroupingConnectivityLost', event: 'alarm' }, // the master lost its slave PDU
  ],
};
