import type { Profile, RowCondition, ScalarSpec, SensorField, Source, ValueSpec } from './profile.js';

// Panduit G5 rack PDUs (PANDUIT-MIB, pdug5). Every table is indexed by pdug5IdentIndex first (the PDU in a daisy
// chain, 1 = the unit the agent runs on), then the row's own index; entities keep the row's own number, so a chained
// unit's rows fall on the host's (first trusted value wins). Units per the MIB's DESCRIPTIONs: hundredths of amps,
// tenths of volts and Hz, watts, VA, hundredths of power factor, kWh (input total), Wh (outlets).
const PANDUIT = '1.3.6.1.4.1.19536';
const G5 = `${PANDUIT}.10.1`; // pdug5
const ident = `${G5}.1.2.1`; // pdug5IdentEntry
const input = `${G5}.2.1.1`; // pdug5InputEntry
const phase = `${G5}.2.2.1`; // pdug5InputPhaseEntry
const group = `${G5}.3.1.1`; // pdug5GroupEntry
const envProbe = `${G5}.4.1.1`; // pdug5EnvProbeEntry
const temperature = `${G5}.4.2.1`; // pdug5TemperatureEntry
const humidity = `${G5}.4.3.1`; // pdug5HumidityEntry
const outlet = `${G5}.5.1.1`; // pdug5OutletEntry
const outletControl = `${G5}.5.2.1`; // pdug5OutletControlEntry

// "A negative value indicates that this object is not available": -1 is unknown, other negatives implausible.
const NA = [-1];
const text: ValueSpec = { type: 'string' };
const at = (oid: string, spec: ValueSpec): ScalarSpec => ({ oid, ...spec });
const centiAmps: ValueSpec = { type: 'number', scale: 0.01, sentinels: NA, min: 0, max: 1_000 };
const deciVolts: ValueSpec = { type: 'number', scale: 0.1, sentinels: NA, min: 0, max: 1_000 };
const watts: ValueSpec = { type: 'number', sentinels: NA, min: 0, max: 1_000_000 };
const wattHours: ValueSpec = { type: 'number', scale: 0.001, sentinels: NA, min: 0 }; // Wh → kWh
const kilowattHours: ValueSpec = { type: 'number', sentinels: NA, min: 0 };
// …ThStatus: good(1), lowWarning(2), lowCritical(3), highWarning(4), highCritical(5); a group's cbOff(6) is no load verdict.
const thStatus: ValueSpec = { type: 'enum', map: { 1: 'normal', 2: 'low', 3: 'low', 4: 'near-overload', 5: 'overload' } };
// pdug5GroupType: breaker1pole(2), breaker2pole(3), breaker3pole(4); outletSection(5) "has no breaker".
const BREAKERS = [2, 3, 4];

// pdug5TemperatureValue is in whole degrees of the scale pdug5TemperatureScale names for the (host) PDU: celsius(1), fahrenheit(2).
const scale = (unit: 1 | 2): RowCondition => ({ oid: `${envProbe}.1.1`, in: [unit] });
const celsius: ValueSpec = { type: 'number', min: -50, max: 150 };
const fahrenheit: ValueSpec = { type: 'number', scale: 5 / 9, offset: -160 / 9, min: -50, max: 150 };
// …ProbeStatus: disconnected(1) is no sensor; bad(3) is a sensor whose reading is unknown.
const plugged: RowCondition = { column: 3, notIn: [1] };
const connected: RowCondition = { column: 3, in: [2] };

function temperatures(unit: 1 | 2): Source<SensorField> {
  return {
    entry: temperature, where: [plugged, scale(unit)], valid: connected,
    fields: { name: { column: 2, ...text }, value: { column: 4, ...(unit === 1 ? celsius : fahrenheit) } }, // pdug5TemperatureName, …Value
    constants: { kind: 'temperature' },
  };
}

export const panduitPdu: Profile = {
  name: 'panduit',
  vendor: 'Panduit',
  kind: 'pdu',
  mibs: ['PANDUIT-MIB'],
  detect: {
    sysObjectId: [G5], // pdug5
    probe: [`${input}.5`, `${group}.12`], // pdug5InputPowerWatts, pdug5GroupCurrent
  },
  identity: {
    vendor: [at(`${ident}.4.1`, text)], // pdug5Manufacturer
    model: [at(`${ident}.7.1`, text), at(`${ident}.3.1`, text)], // pdug5PartNumber, pdug5Model
    serial: [at(`${ident}.8.1`, text)], // pdug5SerialNumber
    firmware: [at(`${ident}.5.1`, text)], // pdug5FirmwareVersion
    name: [at(`${ident}.2.1`, text)], // pdug5Name
  },
  device: {
    power: [at(`${input}.5.1`, watts)], // pdug5InputPowerWatts of the host PDU
    energy: [at(`${input}.6.1`, kilowattHours)], // pdug5InputTotalEnergy (kWh since in service)
  },
  inlets: [
    { // pdug5InputTable: one input per PDU
      entry: input,
      fields: {
        frequency: { column: 2, type: 'number', scale: 0.1, min: 0, max: 100 }, // pdug5InputFrequency (tenths of Hz)
        apparentPower: { column: 4, ...watts }, power: { column: 5, ...watts }, // pdug5InputPowerVA, …PowerWatts
        energy: { column: 6, ...kilowattHours }, // pdug5InputTotalEnergy (kWh)
        powerFactor: { column: 9, type: 'number', scale: 0.01, sentinels: NA, min: 0, max: 1 }, // pdug5InputPowerFactor (hundredths)
        current: { column: 11, ...centiAmps }, // pdug5InputTotalCurrent (all phases added)
      },
    },
    { // a single-phase input's one voltage is the input's
      entry: phase, entity: { position: -2 }, where: { column: 2, in: [1] }, // pdug5InputPhaseVoltageMeasType singlePhase(1)
      fields: { voltage: { column: 3, ...deciVolts } },
    },
  ],
  phases: [
    { // pdug5InputPhaseTable without the neutral(2) current row
      entry: phase, where: { column: 9, notIn: [2] },
      fields: {
        voltage: { column: 3, ...deciVolts }, current: { column: 11, ...centiAmps }, // pdug5InputPhaseVoltage, …Current
        loadState: { column: 12, ...thStatus }, power: { column: 20, ...watts }, // pdug5InputPhaseCurrentThStatus, …PowerWatts
      },
    },
  ],
  banks: [
    { // pdug5GroupTable: breaker groups only
      entry: group, where: { column: 3, in: BREAKERS },
      fields: {
        name: { column: 2, ...text }, // pdug5GroupName
        rating: { column: 11, ...centiAmps, min: 0.01 }, current: { column: 12, ...centiAmps }, // pdug5groupCurrentRating (negative: unknown), pdug5GroupCurrent
        loadState: { column: 13, ...thStatus }, // pdug5GroupCurrentThStatus
        breaker: { column: 26, type: 'enum', map: { 2: 'ok', 3: 'tripped' } }, // pdug5GroupBreakerStatus breakerOn(2) breakerOff(3); notApplicable(1) unknown
      },
    },
  ],
  outlets: [
    { // pdug5OutletTable
      entry: outlet,
      fields: {
        name: { column: 2, ...text }, current: { column: 5, ...centiAmps }, power: { column: 13, ...watts }, // pdug5OutletName, …Current, pdug5OutletWatts
        energy: { column: 14, ...wattHours }, bank: { column: 18, type: 'number', min: 1 }, // pdug5OutletWh, pdug5OutletBranch
      },
    },
    { // pdug5OutletControlTable: pdug5OutletControlStatus off(1) on(2) pendingOff(3: still on) pendingOn(4: still off)
      entry: outletControl,
      fields: { state: { column: 1, type: 'enum', map: { 1: 'off', 2: 'on', 3: 'on', 4: 'off' } } },
    },
  ],
  sensors: [
    temperatures(1),
    temperatures(2),
    { // pdug5HumidityTable (%RH)
      entry: humidity, entityOffset: 100, where: plugged, valid: connected,
      fields: { name: { column: 2, ...text }, value: { column: 4, type: 'number', min: 0, max: 100 } },
      constants: { kind: 'humidity' },
    },
  ],
  // pdug5Traps: severity-only notifications; trapCode "identifies the event" but the MIB lists no codes, so none is read.
  traps: [
    { oid: `${G5}.6.1`, name: 'trapCritical', event: 'alarm' },
    { oid: `${G5}.6.2`, name: 'trapWarning', event: 'alarm' },
    { oid: `${G5}.6.4`, name: 'trapCleared', event: 'alarm-cleared' },
    { oid: `${G5}.6.5`, name: 'trapTest', event: 'test' },
  ],
};
