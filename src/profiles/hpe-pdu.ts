import type { Profile, RowCondition, ScalarSpec, Source, SensorField, ValueSpec } from './profile.js';

// HPE (Compaq 232) rack PDUs, CPQPOWER-MIB (cpqPower 165). The agent's sysObjectID is the group it serves
// (the MIB: "Return the OID of the management module ... defined in the CPQPOWER.MIB"):
//   pdu3  (…165.11) intelligent / metered-switched PDUs G3   pdu2 (…165.7) intelligent PDUs G2
//   mpdu  (…165.5)  intelligent modular PDUs: core unit outputs and smart extension bars
//   hpdu  (…165.9)  high-voltage PDUs                        pdu  (…165.2) the first modular PDUs
// A unit serves one group; the sources below are listed newest first and each fills only what its unit serves.
// Units per each object's DESCRIPTION, except where noted from a real unit.
const CPQ = '1.3.6.1.4.1.232';
const POWER = `${CPQ}.165`;
const module = `${POWER}.1.2`; // managementModuleIdent
const pdu = `${POWER}.2`;
const mpdu = `${POWER}.5`;
const pdu2 = `${POWER}.7`;
const hpdu = `${POWER}.9`;
const pdu3 = `${POWER}.11`;

const text: ValueSpec = { type: 'string' };
const at = (oid: string, spec: ValueSpec): ScalarSpec => ({ oid, ...spec });
// "A negative value indicates that this object is not available" / "A value of -1 will be returned if ... unable
// to be measured": -1 is unknown, other negatives implausible.
const NA = [-1];
type NumberSpec = Extract<ValueSpec, { type: 'number' }>;
const number = (scale: number, max: number, min = 0): NumberSpec => ({ type: 'number', scale, sentinels: NA, min, max });
const volts = number(1, 1_000);
const deciVolts = number(0.1, 1_000);
const millivolts = number(0.001, 1_000);
const amps = number(1, 1_000);
const centiAmps = number(0.01, 1_000);
const milliamps = number(0.001, 1_000);
const watts = number(1, 1_000_000);
const wattHours = number(0.001, Number.MAX_SAFE_INTEGER); // → kWh
const kWh = number(1, Number.MAX_SAFE_INTEGER);
const tenthsOfHertz = number(0.1, 100);
const hundredthsPf = number(0.01, 1);
const thousandthsPf = number(0.001, 1);
// pdu2/pdu3 …ThStatus: good(1), lowWarning(2), lowCritical(3), highWarning(4), highCritical(5).
const thStatus: ValueSpec = { type: 'enum', map: { 1: 'normal', 2: 'low', 3: 'low', 4: 'near-overload', 5: 'overload' } };
// pdu2/pdu3 …GroupBreakerStatus: notApplicable(1), breakerOn(2), breakerOff(3): an off breaker feeds nothing.
const breakerStatus: ValueSpec = { type: 'enum', map: { 2: 'ok', 3: 'tripped' } };
// …OutletControlStatus: off(1), on(2), pendingOff(3: still on), pendingOn(4: still off); anything else (empty slots send 0) unknown.
const outletStatus: ValueSpec = { type: 'enum', map: { 1: 'off', 2: 'on', 3: 'on', 4: 'off' } };
// …GroupType: breaker1pole(2), breaker2pole(3), breaker3pole(4); outletSection(5) "has no breaker".
const BREAKERS = [2, 3, 4];

/** pdu2/pdu3 environment tables: tenths of the unit …TemperatureScale names for the first PDU (celsius(1), fahrenheit(2)); tenths of %RH. */
function environment(base: string): Source<SensorField>[] {
  const scale = `${base}.4.1.1.1.1`; // …TemperatureScale of PDU 1
  const plugged: RowCondition = { column: 3, notIn: [1] }; // …ProbeStatus disconnected(1): no sensor
  const readable: RowCondition = { column: 3, in: [2] }; // connected(2); bad(3) is a sensor that reads nothing
  return [
    {
      entry: `${base}.4.2.1`, where: [plugged, { oid: scale, notIn: [2] }], valid: readable,
      fields: { name: { column: 2, ...text }, value: { column: 4, type: 'number', scale: 0.1, min: -50, max: 150 } }, constants: { kind: 'temperature' },
    },
    {
      entry: `${base}.4.2.1`, where: [plugged, { oid: scale, in: [2] }], valid: readable,
      fields: { name: { column: 2, ...text }, value: { column: 4, type: 'number', scale: 0.1 * 5 / 9, offset: -32 * 5 / 9, min: -50, max: 150 } }, constants: { kind: 'temperature' },
    },
    {
      entry: `${base}.4.3.1`, entityOffset: 100, where: plugged, valid: readable,
      fields: { name: { column: 2, ...text }, value: { column: 4, type: 'number', scale: 0.1, min: 0, max: 100 } }, constants: { kind: 'humidity' },
    },
  ];
}

export const hpePdu: Profile = {
  name: 'hpe-pdu',
  vendor: 'HPE',
  kind: 'pdu',
  mibs: ['CPQPOWER-MIB'],
  detect: {
    sysObjectId: [pdu, mpdu, pdu2, hpdu, pdu3],
    // pdu3InputPhaseVoltage, pdu2InputPhaseVoltage, mpduOutputCurrent, hpduInputVoltage, inputVoltage (pdu group)
    probe: [`${pdu3}.2.2.1.3`, `${pdu2}.2.2.1.3`, `${mpdu}.2.1.1.7`, `${hpdu}.2.1.1.4`, `${pdu}.2.1.1.2`],
  },
  identity: {
    // the first PDU of a daisy chain, then the management module's own
    vendor: [at(`${pdu3}.1.2.1.4.1`, text), at(`${pdu2}.1.2.1.4.1`, text), at(`${mpdu}.1.2.1.2.1`, text), at(`${hpdu}.1.2.1.2.1`, text), at(`${pdu}.1.2.1.4.1`, text), at(`${module}.1.0`, text)],
    model: [at(`${pdu3}.1.2.1.3.1`, text), at(`${pdu2}.1.2.1.3.1`, text), at(`${mpdu}.1.2.1.3.1`, text), at(`${hpdu}.1.2.1.3.1`, text), at(`${pdu}.1.2.1.3.1`, text), at(`${module}.2.0`, text)],
    serial: [at(`${pdu3}.1.2.1.8.1`, text), at(`${pdu2}.1.2.1.7.1`, text), at(`${mpdu}.1.2.1.8.1`, text), at(`${hpdu}.1.2.1.8.1`, text), at(`${pdu}.1.2.1.7.1`, text), at(`${module}.7.0`, text)],
    firmware: [at(`${pdu3}.1.2.1.5.1`, text), at(`${pdu2}.1.2.1.5.1`, text), at(`${mpdu}.1.2.1.5.1`, text), at(`${hpdu}.1.2.1.5.1`, text), at(`${pdu}.1.2.1.5.1`, text), at(`${module}.3.0`, text)],
    name: [at(`${pdu3}.1.2.1.2.1`, text), at(`${pdu2}.1.2.1.2.1`, text), at(`${mpdu}.1.2.1.4.1`, text), at(`${hpdu}.1.2.1.4.1`, text), at(`${pdu}.1.2.1.2.1`, text), at(`${module}.5.0`, text)],
  },
  device: {
    power: [
      // pdu3InputPowerWatts: the MIB says 0.001 W, but a real unit sends whole watts (229.8 V × 0.65 A at PF 0.98 gave 154, as its one phase's pdu3InputPhasePowerWatts)
      at(`${pdu3}.2.1.1.5.1`, watts),
      at(`${pdu2}.2.1.1.5.1`, watts), // pdu2InputPowerWatts
      at(`${mpdu}.1.2.1.38.1`, watts), // mpduTotalPowerWatt
      at(`${hpdu}.2.1.1.7.1`, watts), // hpduInputPowerWatt
      at(`${pdu}.3.1.1.4.1`, watts), // pduOutputPower
    ],
    energy: [at(`${pdu3}.2.1.1.6.1`, kWh), at(`${pdu2}.2.1.1.6.1`, wattHours), at(`${hpdu}.2.1.1.11.1`, wattHours)], // pdu3InputTotalEnergy (kWh), pdu2InputPowerWattHour, hpduInputPowerWattHour (Wh)
  },
  // Inputs and phases are numbered in row order, so a daisy chain's units stay apart.
  inlets: [
    { // pdu3InputTable: one row per PDU
      entry: `${pdu3}.2.1.1`, entity: 'sequence',
      fields: {
        frequency: { column: 2, ...tenthsOfHertz }, apparentPower: { column: 4, ...watts }, power: { column: 5, ...watts }, // …InputFrequency, …InputPowerVA, …InputPowerWatts (see device.power)
        energy: { column: 6, ...kWh }, // pdu3InputTotalEnergy
        // pdu3InputPowerFactor: the MIB says thousandths, but its phase and outlet power factors are hundredths and so is what a real unit sends (98)
        powerFactor: { column: 9, ...hundredthsPf },
      },
    },
    { // pdu2InputTable
      entry: `${pdu2}.2.1.1`, entity: 'sequence',
      fields: {
        frequency: { column: 2, ...tenthsOfHertz }, apparentPower: { column: 4, ...watts }, power: { column: 5, ...watts },
        energy: { column: 6, ...wattHours }, powerFactor: { column: 8, ...thousandthsPf }, // pdu2InputPowerWattHour, pdu2InputPowerFactor
      },
    },
    { // hpduInputTable
      entry: `${hpdu}.2.1.1`, entity: 'sequence',
      fields: {
        voltage: { column: 4, ...deciVolts }, current: { column: 5, ...centiAmps }, apparentPower: { column: 6, ...watts }, power: { column: 7, ...watts },
        powerFactor: { column: 8, ...hundredthsPf }, energy: { column: 11, ...wattHours },
      },
    },
    { entry: `${pdu}.2.1.1`, entity: 'sequence', fields: { voltage: { column: 2, ...volts }, current: { column: 3, ...centiAmps } } }, // pduInputTable: V, 0.01 A
  ],
  phases: [
    { // pdu3InputPhaseTable: rows whose pdu3InputPhaseIndex is 0 are phases the unit does not have
      entry: `${pdu3}.2.2.1`, entity: 'sequence', where: { column: 1, notIn: [0] },
      fields: {
        voltage: { column: 3, ...deciVolts }, current: { column: 11, ...centiAmps }, loadState: { column: 12, ...thStatus }, // "divided by 10", "divided by 100"
        power: { column: 20, ...watts },
      },
    },
    { // pdu2InputPhaseTable without a neutral(2) current row
      entry: `${pdu2}.2.2.1`, entity: 'sequence', where: { column: 9, notIn: [2] },
      fields: { voltage: { column: 3, ...millivolts }, current: { column: 11, ...milliamps }, loadState: { column: 12, ...thStatus }, power: { column: 21, ...watts } },
    },
  ],
  // Breaker groups keep the unit's own numbers; the older tables, indexed by output and breaker, are numbered in row order.
  banks: [
    { // pdu3GroupTable
      entry: `${pdu3}.3.1.1`, where: { column: 3, in: BREAKERS },
      fields: {
        name: { column: 2, ...text }, rating: { column: 11, ...centiAmps, min: 0.01 }, current: { column: 12, ...centiAmps },
        loadState: { column: 13, ...thStatus }, breaker: { column: 26, ...breakerStatus },
      },
    },
    { // pdu2GroupTable
      entry: `${pdu2}.3.1.1`, where: { column: 3, in: BREAKERS },
      fields: {
        name: { column: 2, ...text }, rating: { column: 11, ...milliamps, min: 0.001 }, current: { column: 12, ...milliamps },
        loadState: { column: 13, ...thStatus }, breaker: { column: 27, ...breakerStatus },
      },
    },
    { // mpduOutputTable: the core unit's breaker-protected outputs (their on/off status is text, not read)
      entry: `${mpdu}.2.1.1`, entity: 'sequence',
      fields: { rating: { column: 3, ...amps, min: 1 }, current: { column: 7, ...centiAmps } }, // mpduOutputBreakerRating (A), mpduOutputCurrent (0.01 A)
    },
    { // hpduOutletTable: the unit's breakers (status as text, not read)
      entry: `${hpdu}.3.1.1`, entity: 'sequence',
      fields: { rating: { column: 3, ...amps, min: 1 }, current: { column: 6, ...centiAmps } }, // hpduOutletBreakerRating (A), hpduOutletCurrent (0.01 A)
    },
    { // pduOutputBreakerTable: breakerStatus is a load verdict, never a trip
      entry: `${pdu}.3.2.1`, entity: 'sequence',
      fields: { current: { column: 3, ...centiAmps }, loadState: { column: 5, type: 'enum', map: { 1: 'normal', 2: 'near-overload', 3: 'overload' } } },
    },
  ],
  outlets: [
    { // pdu3OutletTable: current in hundredths of A, power W, energy kWh
      entry: `${pdu3}.5.1.1`,
      fields: { name: { column: 2, ...text }, current: { column: 5, ...centiAmps }, loadState: { column: 6, ...thStatus }, power: { column: 13, ...watts }, energy: { column: 14, ...kWh } },
    },
    { entry: `${pdu3}.5.2.1`, fields: { state: { column: 1, ...outletStatus } } }, // pdu3OutletControlStatus
    { // pdu2OutletTable: mA, W, Wh
      entry: `${pdu2}.5.1.1`,
      fields: { name: { column: 2, ...text }, current: { column: 5, ...milliamps }, loadState: { column: 6, ...thStatus }, power: { column: 14, ...watts }, energy: { column: 15, ...wattHours } },
    },
    { entry: `${pdu2}.5.2.1`, fields: { state: { column: 1, ...outletStatus } } }, // pdu2OutletControlStatus
    { // mpduSmExtBarOutletTable: the extension bars' outlets, numbered in row order
      entry: `${mpdu}.4.1.1`, entity: 'sequence',
      fields: { name: { column: 9, ...text }, current: { column: 6, ...centiAmps }, power: { column: 7, ...watts }, energy: { column: 20, ...wattHours } }, // …DeviceName, …Current (0.01 A), …PowerWatt, …PowerWattHour
    },
  ],
  sensors: [
    ...environment(pdu3),
    ...environment(pdu2),
    { // hpduTemperature: the unit's internal temperature, tenths of °C
      entry: `${hpdu}.1.2.1`, entityOffset: 200, fields: { value: { column: 17, ...number(0.1, 150, -50) } }, constants: { kind: 'temperature', name: 'internal' },
    },
  ],
};
