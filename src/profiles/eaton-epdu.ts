import type { Profile, RowCondition, ValueSpec } from './profile.js';

// Eaton ePDU G3 (EATON-EPDU-MIB, eatonEpdu). Every table is indexed by strappingIndex first
// (0 = the unit the agent runs on, 1..23 = daisy-chained units), then the row's own index.
// Units per the MIB's DESCRIPTIONs: milliamps, millivolts, watts, watt-hours, thousandths of PF.
const EPDU = '1.3.6.1.4.1.534.6.6.7';
const unitEntry = `${EPDU}.1.2.1`;
const inputEntry = `${EPDU}.3.1.1`;
const inputVoltageEntry = `${EPDU}.3.2.1`;
const inputCurrentEntry = `${EPDU}.3.3.1`;
const inputPowerEntry = `${EPDU}.3.4.1`;
const inputTotalPowerEntry = `${EPDU}.3.5.1`;
const groupEntry = `${EPDU}.5.1.1`;
const groupCurrentEntry = `${EPDU}.5.4.1`;
const outletEntry = `${EPDU}.6.1.1`;
const outletParentEntry = `${EPDU}.6.2.1`;
const outletCurrentEntry = `${EPDU}.6.4.1`;
const outletPowerEntry = `${EPDU}.6.5.1`;
const outletControlEntry = `${EPDU}.6.6.1`;
const temperatureEntry = `${EPDU}.7.1.1`;
const humidityEntry = `${EPDU}.7.2.1`;

// "A negative value indicates that this object is not available": -1 is unknown, other negatives implausible.
const NA = [-1];
const milliamps: ValueSpec = { type: 'number', scale: 0.001, sentinels: NA, min: 0, max: 1_000 };
const millivolts: ValueSpec = { type: 'number', scale: 0.001, sentinels: NA, min: 0, max: 1_000 };
const watts: ValueSpec = { type: 'number', sentinels: NA, min: 0, max: 1_000_000 };
const wattHours: ValueSpec = { type: 'number', scale: 0.001, min: 0 }; // Unsigned32 Wh → kWh
const text: ValueSpec = { type: 'string' };
// …ThStatus: good(0), lowWarning(1), lowCritical(2), highWarning(3), highCritical(4).
const thStatus: ValueSpec = { type: 'enum', map: { 0: 'normal', 1: 'low', 2: 'low', 3: 'near-overload', 4: 'overload' } };
// temperatureValue is in tenths of the unit temperatureScale names: celsius(0), fahrenheit(1).
const temperatureScale = `${unitEntry}.9.0`;
const tenthsC: ValueSpec = { type: 'number', scale: 0.1, min: -50, max: 150 };
const tenthsF: ValueSpec = { type: 'number', scale: 0.1 * 5 / 9, offset: -32 * 5 / 9, min: -50, max: 150 };
// …ProbeStatus: bad(-1), disconnected(0), connected(1). Empty slots are no sensors; a bad probe's is unknown.
const plugged: RowCondition = { column: 3, notIn: [0] };
const readable: RowCondition = { column: 3, in: [1] };
// groupType: breaker1pole(1), breaker2pole(2), breaker3pole(3); outletSection(4) and userDefined(5) are no branch circuits.
const BREAKERS = [1, 2, 3];

export const eatonEpdu: Profile = {
  name: 'eaton-epdu',
  vendor: 'Eaton',
  kind: 'pdu',
  mibs: ['EATON-EPDU-MIB'],
  detect: {
    sysObjectId: [EPDU], // eatonEpdu
    probe: [unitEntry, inputEntry], // unitTable, inputTable
  },
  identity: {
    model: [{ oid: `${unitEntry}.3.0`, ...text }, { oid: `${unitEntry}.2.0`, ...text }], // partNumber, productName
    serial: [{ oid: `${unitEntry}.4.0`, ...text }], // serialNumber
    firmware: [{ oid: `${unitEntry}.5.0`, ...text }], // firmwareVersion
    name: [{ oid: `${unitEntry}.6.0`, ...text }], // unitName
  },
  // The unit's first input: all of it for single-input units (a second input, where present, is not added in).
  device: {
    power: [{ oid: `${inputTotalPowerEntry}.4.0.1`, ...watts }], // inputTotalWatts
    energy: [{ oid: `${inputTotalPowerEntry}.5.0.1`, ...wattHours }], // inputTotalWh
  },
  // Inputs, phases: numbered in row order so daisy-chained units' rows stay apart.
  inlets: [
    { // inputTable
      entry: inputEntry, entity: 'sequence',
      fields: { frequency: { column: 3, type: 'number', scale: 0.1, min: 0, max: 100 }, name: { column: 10, ...text } }, // inputFrequency, inputFeedName
    },
    { // inputTotalPowerTable
      entry: inputTotalPowerEntry, entity: 'sequence',
      fields: {
        apparentPower: { column: 3, ...watts }, power: { column: 4, ...watts }, energy: { column: 5, ...wattHours }, // inputTotalVA, …Watts, …Wh
        powerFactor: { column: 7, type: 'number', scale: 0.001, sentinels: NA, min: 0, max: 1 }, // inputTotalPowerFactor
      },
    },
    { // a single-phase input's one voltage and current are the input's
      entry: inputVoltageEntry, entity: 'sequence', where: { column: 2, in: [1] }, // inputVoltageMeasType singlePhase(1)
      fields: { voltage: { column: 3, ...millivolts } },
    },
    {
      entry: inputCurrentEntry, entity: 'sequence', where: { column: 2, in: [1] }, // inputCurrentMeasType singlePhase(1)
      fields: { current: { column: 4, ...milliamps }, loadState: { column: 5, ...thStatus } },
    },
  ],
  phases: [
    { // inputCurrentTable without the neutral(2) row
      entry: inputCurrentEntry, entity: 'sequence', where: { column: 2, notIn: [2] },
      fields: { current: { column: 4, ...milliamps }, loadState: { column: 5, ...thStatus }, name: { column: 12, ...text } }, // inputCurrent, …ThStatus, inputPhaseDesignator
    },
    { entry: inputVoltageEntry, entity: 'sequence', fields: { voltage: { column: 3, ...millivolts } } }, // inputVoltageTable
    { // inputPowerTable without the total(4) row
      entry: inputPowerEntry, entity: 'sequence', where: { column: 2, notIn: [4] },
      fields: { power: { column: 4, ...watts } }, // inputWatts
    },
  ],
  // Groups and outlets keep the unit's own numbers (groupIndex, outletIndex), which outlets' breaker pointers use.
  // A daisy chain's other units reuse those numbers: their rows fall on the host's entities (first trusted value wins).
  banks: [
    { // groupTable: breaker groups only
      entry: groupEntry, where: { column: 4, in: BREAKERS },
      fields: { name: { column: 3, ...text }, breaker: { column: 5, type: 'enum', map: { 1: 'ok', 2: 'tripped' } } }, // groupName, groupBreakerStatus breakerOn(1) breakerOff(2)
    },
    { // groupCurrentTable
      entry: groupCurrentEntry, where: { entry: groupEntry, column: 4, in: BREAKERS },
      fields: { rating: { column: 2, ...milliamps, min: 0.001 }, current: { column: 3, ...milliamps }, loadState: { column: 4, ...thStatus } }, // groupCurrentCapacity, groupCurrent, …ThStatus
    },
  ],
  outlets: [
    { entry: outletEntry, fields: { name: { column: 3, ...text } } }, // outletTable: outletName
    { // outletControlTable: outletControlStatus off(0) on(1) pendingOff(2: still on) pendingOn(3: still off)
      entry: outletControlEntry,
      fields: { state: { column: 2, type: 'enum', map: { 0: 'off', 1: 'on', 2: 'on', 3: 'off' } } },
    },
    { // outletCurrentTable
      entry: outletCurrentEntry,
      fields: { current: { column: 3, ...milliamps }, loadState: { column: 4, ...thStatus } }, // outletCurrent, outletCurrentThStatus
    },
    { entry: outletPowerEntry, fields: { power: { column: 3, ...watts }, energy: { column: 4, ...wattHours } } }, // outletWatts, outletWh
    { // outletParentTable: the breaker(1) parent's OID names the group (…groupID.<group>)
      entry: outletParentEntry, entity: { position: -2 }, where: { column: 2, in: [1] },
      fields: { bank: { column: 3, type: 'pointer', under: `${groupEntry}.2` } }, // outletParentOID
    },
  ],
  sensors: [
    { // temperatureTable, by temperatureScale
      entry: temperatureEntry, where: [plugged, { oid: temperatureScale, in: [0] }], valid: readable,
      fields: { name: { column: 2, ...text }, value: { column: 4, ...tenthsC } }, constants: { kind: 'temperature' },
    },
    {
      entry: temperatureEntry, where: [plugged, { oid: temperatureScale, in: [1] }], valid: readable,
      fields: { name: { column: 2, ...text }, value: { column: 4, ...tenthsF } }, constants: { kind: 'temperature' },
    },
    { // humidityTable (tenths of %RH), numbered after the temperature probes
      entry: humidityEntry, entityOffset: 100, where: plugged, valid: readable,
      fields: { name: { column: 2, ...text }, value: { column: 4, type: 'number', scale: 0.1, min: 0, max: 100 } }, constants: { kind: 'humidity' },
    },
  ],
  // EATON-EPDU-MIB notifications (eatonEpdu.0.N). On/off, breaker and threshold states are read from the status
  // varbind each carries. Outlets and groups keep the unit's own numbers (outletIndex, groupIndex, as the banks and
  // outlets above); inputs and phases are numbered in row order across a daisy chain, which a trap cannot say: left out.
  traps: [
    { // outletControlStatus off(0) on(1); pendingOff(2) / pendingOn(3) have not switched yet
      oid: `${EPDU}.0.33`, name: 'notifyOutletControlStatus', event: 'alarm',
      eventFrom: { oid: `${outletControlEntry}.2`, map: { 0: 'outlet-off', 1: 'outlet-on' } },
      outlet: [{ oid: `${outletEntry}.1` }, { oid: `${outletControlEntry}.2`, from: 'index' }], // outletIndex
    },
    { // groupBreakerStatus breakerOn(1) breakerOff(2); notApplicable(0) for groups that are no breaker
      oid: `${EPDU}.0.23`, name: 'notifyGroupBreakerStatus', event: 'alarm',
      eventFrom: { oid: `${groupEntry}.5`, map: { 1: 'breaker-reset', 2: 'breaker-tripped' } },
      bank: [{ oid: `${groupEntry}.1` }, { oid: `${groupEntry}.5`, from: 'index' }], // groupIndex
    },
    // …ThStatus good(0) lowWarning(1) lowCritical(2) highWarning(3) highCritical(4)
    {
      oid: `${EPDU}.0.22`, name: 'notifyGroupCurrentThStatus', event: 'alarm',
      eventFrom: { oid: `${groupCurrentEntry}.4`, map: { 0: 'alarm-cleared', 1: 'low-load', 2: 'low-load', 3: 'near-overload', 4: 'overload' } },
      bank: [{ oid: `${groupEntry}.1` }, { oid: `${groupCurrentEntry}.4`, from: 'index' }],
    },
    {
      oid: `${EPDU}.0.21`, name: 'notifyGroupVoltageThStatus', event: 'alarm',
      eventFrom: { oid: `${EPDU}.5.3.1.4`, map: { 0: 'alarm-cleared' } }, // groupVoltageThStatus
      bank: [{ oid: `${groupEntry}.1` }, { oid: `${EPDU}.5.3.1.4`, from: 'index' }],
    },
    {
      oid: `${EPDU}.0.32`, name: 'notifyOutletCurrentThStatus', event: 'alarm',
      eventFrom: { oid: `${outletCurrentEntry}.4`, map: { 0: 'alarm-cleared', 1: 'low-load', 2: 'low-load', 3: 'near-overload', 4: 'overload' } },
      outlet: [{ oid: `${outletEntry}.1` }, { oid: `${outletCurrentEntry}.4`, from: 'index' }],
    },
    {
      oid: `${EPDU}.0.31`, name: 'notifyOutletVoltageThStatus', event: 'alarm',
      eventFrom: { oid: `${EPDU}.6.3.1.3`, map: { 0: 'alarm-cleared' } }, // outletVoltageThStatus
      outlet: [{ oid: `${outletEntry}.1` }, { oid: `${EPDU}.6.3.1.3`, from: 'index' }],
    },
    {
      oid: `${EPDU}.0.12`, name: 'notifyInputCurrentThStatus', event: 'alarm',
      eventFrom: { oid: `${inputCurrentEntry}.5`, map: { 0: 'alarm-cleared', 1: 'low-load', 2: 'low-load', 3: 'near-overload', 4: 'overload' } },
    },
    { oid: `${EPDU}.0.11`, name: 'notifyInputVoltageThStatus', event: 'alarm', eventFrom: { oid: `${inputVoltageEntry}.4`, map: { 0: 'alarm-cleared' } } },
    { oid: `${EPDU}.0.13`, name: 'notifyInputFrequencyStatus', event: 'alarm', eventFrom: { oid: `${inputEntry}.4`, map: { 0: 'alarm-cleared' } } }, // good(0) outOfRange(1)
    { // communicationStatus good(0) communicationLost(1): the card's link to the PDU
      oid: `${EPDU}.0.51`, name: 'notifyCommunicationStatus', event: 'alarm',
      eventFrom: { oid: `${unitEntry}.30`, map: { 0: 'communication-restored', 1: 'communication-lost' } },
    },
    { oid: `${EPDU}.0.52`, name: 'notifyInternalStatus', event: 'alarm', eventFrom: { oid: `${unitEntry}.31`, map: { 0: 'alarm-cleared' } } }, // good(0) internalFailure(1)
    { oid: `${EPDU}.0.53`, name: 'notifyTest', event: 'test' },
    { // strappingStatus good(0) communicationLost(1): a daisy-chained unit
      oid: `${EPDU}.0.54`, name: 'notifyStrappingStatus', event: 'alarm',
      eventFrom: { oid: `${unitEntry}.32`, map: { 0: 'communication-restored', 1: 'communication-lost' } },
    },
  ],
};
