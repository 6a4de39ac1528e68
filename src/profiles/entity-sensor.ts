import type { Profile, ScalarSpec, SensorField, Source, ValueSpec } from './profile.js';

// ENTITY-SENSOR-MIB (RFC 3433): the last-resort fallback, for devices that serve no power MIB we know but
// describe their sensors the standard way. Our model has a place for temperature and humidity only.
const entPhySensorEntry = '1.3.6.1.2.1.99.1.1.1';
const entPhysicalEntry = '1.3.6.1.2.1.47.1.1.1.1'; // ENTITY-MIB, same index (entPhysicalIndex)

const text: ValueSpec = { type: 'string' };
const at = (oid: string, spec: ValueSpec): ScalarSpec => ({ oid, ...spec });

/** EntitySensorDataScale: yocto(1) … units(9) … yotta(17), an SI prefix 10^(3 × (scale − 9)). */
const siPrefix = Object.fromEntries(Array.from({ length: 17 }, (_, i) => [i + 1, 3 * (i + 1 - 9)])) as Record<number, number>;
/** EntitySensorValue: ±1000000000 are under- and overflow errors, not readings. */
const errors = [-1_000_000_000, 1_000_000_000];

/** Rows of one sensor type (entPhySensorType), their value scaled by entPhySensorScale and entPhySensorPrecision. */
function sensorsOfType(type: number, kind: 'temperature' | 'humidity', range: { min: number; max: number }): Source<SensorField> {
  return {
    entry: entPhySensorEntry,
    where: { column: 1, in: [type] }, // entPhySensorType
    valid: { column: 5, in: [1] }, // entPhySensorOperStatus ok(1); unavailable(2), nonoperational(3): no reading
    exponent: { entry: entPhySensorEntry, column: 2, powers: siPrefix }, // entPhySensorScale
    digits: { entry: entPhySensorEntry, column: 3 }, // entPhySensorPrecision: 1..9 decimal places (≤ 0: none to apply)
    fields: { value: { column: 4, type: 'number', sentinels: errors, ...range } }, // entPhySensorValue
    constants: { kind },
  };
}

export const entitySensor: Profile = {
  name: 'entity-sensor',
  vendor: 'ENTITY-SENSOR-MIB',
  kind: 'pdu',
  mibs: ['ENTITY-SENSOR-MIB', 'ENTITY-MIB'],
  detect: {
    sysObjectId: [], // any vendor's: found only by its objects
    probe: [`${entPhySensorEntry}.1`], // entPhySensorType
  },
  // entPhysicalIndex 1 is usually the chassis.
  identity: {
    vendor: [at(`${entPhysicalEntry}.12.1`, text)], // entPhysicalMfgName
    model: [at(`${entPhysicalEntry}.13.1`, text)], // entPhysicalModelName
    serial: [at(`${entPhysicalEntry}.11.1`, text)], // entPhysicalSerialNum
    firmware: [at(`${entPhysicalEntry}.10.1`, text)], // entPhysicalSoftwareRev
  },
  sensors: [
    sensorsOfType(8, 'temperature', { min: -50, max: 150 }), // celsius(8)
    sensorsOfType(9, 'humidity', { min: 0, max: 100 }), // percentRH(9)
    // Names of the same entities (rows that are not sensors of these kinds are dropped: they have no kind).
    { entry: entPhysicalEntry, fields: { name: { column: 7, ...text } } }, // entPhysicalName
    { entry: entPhysicalEntry, fields: { name: { column: 2, ...text } } }, // entPhysicalDescr
  ],
};
