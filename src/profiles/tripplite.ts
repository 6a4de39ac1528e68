import type { BankField, BypassField, InletField, OutletField, PhaseField, Profile, ScalarSpec, SensorField, Source, TrapDefinition, ValueSpec } from './profile.js';

// Tripp Lite PowerAlert devices (TRIPPLITE-PRODUCTS, tripplite 850 tlpProducts): one agent manages devices
// in tlpDeviceTable; every detail table is indexed by tlpDeviceIndex first, then the row's own index, and
// holds rows only for devices of its kind (tlpUps…, tlpPdu…, tlpAts…, tlpEnv…). Identity and device totals
// are read for the agent's first device (tlpDeviceIndex 1); rows keep their own numbers (outlet, circuit,
// phase), so a second device's rows fall on the first's entities (first trusted value wins).
// Units per the MIB's UNITS: 0.1 V, 0.01 A, 0.1 Hz, W; temperatures whole °C on PDUs and ATSes,
// 0.1 °C on UPSes and EnviroSense probes. Unsupported objects answer noSuchName: they stay unknown.
const TRIPPLITE = '1.3.6.1.4.1.850';
const hardware = `${TRIPPLITE}.1.1`; // tlpHardware
const types = `${hardware}.3`; // tlpDeviceTypes
const deviceEntry = `${hardware}.1.2.1`; // tlpDeviceEntry
const identEntry = `${hardware}.2.1.1`; // tlpDeviceIdentEntry
const alarmsPresent = `${TRIPPLITE}.1.3.1.0`; // tlpAlarmsPresent

const UPS = `${types}.1`; // tlpUps
const PDU = `${types}.2`; // tlpPdu
const ENV = `${types}.3`; // tlpEnvirosense
const ATS = `${types}.4`; // tlpAts

/** The agent's first device: where identity and device-wide totals are read. */
const FIRST = 1;

const text: ValueSpec = { type: 'string' };
const at = (oid: string, spec: ValueSpec): ScalarSpec => ({ oid, ...spec });
const deciVolts: ValueSpec = { type: 'number', scale: 0.1, min: 0, max: 1_000 };
const centiAmps: ValueSpec = { type: 'number', scale: 0.01, min: 0, max: 2_000 };
/** A limit: 0 would say nothing of a load against it. */
const centiAmpsRating: ValueSpec = { type: 'number', scale: 0.01, min: 0.01, max: 2_000 };
const watts: ValueSpec = { type: 'number', min: 0, max: 1_000_000 };
const deciHertz: ValueSpec = { type: 'number', scale: 0.1, min: 0, max: 100 };
const wholeCelsius: ValueSpec = { type: 'number', min: -50, max: 150 };
const deciCelsius: ValueSpec = { type: 'number', scale: 0.1, min: -50, max: 150 };
/** …OutletState: unknown(0), off(1), on(2). */
const onOff: ValueSpec = { type: 'enum', map: { 1: 'off', 2: 'on' } };
/** …OutletOvercurrent (TruthValue): true(1), false(2). */
const overcurrent: ValueSpec = { type: 'enum', map: { 1: 'overload', 2: 'normal' } };
/** …BreakerStatus: open(0), closed(1); notInstalled(2) rows are left out (no breaker, the state is inferred from outlets). */
const breakerStatus: ValueSpec = { type: 'enum', map: { 0: 'tripped', 1: 'ok' } };

const identity: Profile['identity'] = {
  vendor: [at(`${deviceEntry}.4.${FIRST}`, text)], // tlpDeviceManufacturer
  model: [at(`${deviceEntry}.5.${FIRST}`, text)], // tlpDeviceModel
  serial: [at(`${identEntry}.5.${FIRST}`, text)], // tlpDeviceIdentSerialNum
  firmware: [at(`${identEntry}.4.${FIRST}`, text)], // tlpDeviceIdentFirmwareVersion
  name: [at(`${deviceEntry}.6.${FIRST}`, text)], // tlpDeviceName
};

/**
 * EnviroSense probes are devices of their own (tlpEnvTemperatureTable, tlpEnvHumidityTable, indexed by
 * tlpDeviceIndex): temperature as sensor <device>, humidity as 100 + <device>, named by tlpDeviceName.
 * Rows of the device table for devices that are no probe get no kind and are not read.
 */
const envSensors: Source<SensorField>[] = [
  { entry: `${ENV}.3.1.1`, fields: { value: { column: 1, ...deciCelsius } }, constants: { kind: 'temperature' } }, // tlpEnvTemperatureC
  { entry: `${ENV}.3.2.1`, entityOffset: 100, fields: { value: { column: 1, type: 'number', min: 0, max: 100 } }, constants: { kind: 'humidity' } }, // tlpEnvHumidityHumidity
  { entry: deviceEntry, fields: { name: { column: 6, ...text } } }, // tlpDeviceName
  { entry: deviceEntry, entityOffset: 100, fields: { name: { column: 6, ...text } } },
];

/** The outlet table shared by tlpPduOutletTable, tlpAtsOutletTable and tlpUpsOutletTable (same columns), indexed device.outlet. */
function outlets(entry: string): Source<OutletField>[] {
  return [{
    entry,
    fields: {
      name: { column: 2, ...text }, // …OutletName
      state: { column: 4, ...onOff }, // …OutletState
      current: { column: 8, ...centiAmps }, // …OutletCurrent (0.01 A; noSuchName where not metered)
      power: { column: 9, ...watts }, // …OutletActivePower
      bank: { column: 16, type: 'number', sentinels: [0], min: 1 }, // …OutletCircuit: the circuit it is wired on
      loadState: { column: 25, ...overcurrent }, // …OutletOvercurrent
    },
  }];
}

/**
 * Circuits (…CircuitTable: current and its limit, 0.01 A) with the breaker of the same number
 * (…BreakerTable), both indexed device.<n>: the MIB names no other link between a breaker and a circuit.
 */
function circuits(circuitEntry: string, breakerEntry: string): Source<BankField>[] {
  return [
    { entry: circuitEntry, fields: { current: { column: 4, ...centiAmps }, rating: { column: 5, ...centiAmpsRating } } }, // …CircuitTotalCurrent, …CircuitCurrentLimit
    { entry: breakerEntry, where: { column: 2, notIn: [2] }, fields: { breaker: { column: 2, ...breakerStatus } } }, // …BreakerStatus
  ];
}

// Notifications (tlpNotify, 850.1.4), shared by every kind: an alarm entering or leaving tlpAlarmTable names
// its condition in tlpAlarmDescr, a well-known alarm OID (tlpAlarmsWellKnown 850.1.3.3: device 2, ups 3, pdu 4,
// ats 6); the entity (load, breaker, source) is the last sub-identifier of that OID value, which no TrapRef
// reads: these traps carry no entity number. The event notifications (tlpNotificationsEvent) name theirs.
const alarmDescr = `${TRIPPLITE}.1.3.2.1.2`; // tlpAlarmDescr
const wellKnown = `${TRIPPLITE}.1.3.3`;
const notifications = `${TRIPPLITE}.1.4.1`;
const events = `${TRIPPLITE}.1.4.2`;
const traps: TrapDefinition[] = [
  {
    oid: `${notifications}.1`, name: 'tlpNotificationsAlarmEntryAdded', event: 'alarm',
    eventFrom: [
      { oid: alarmDescr, under: `${wellKnown}.2`, map: { 1: 'communication-lost' } }, // tlpAlarmCommunicationsLost
      { // tlpUpsAlarms BatteryBad(1) OnBattery(2) LowBattery(3) DepletedBattery(4) OutputOverload(8) OnBypass(9) BatteryAgeAboveThreshold(25) LoadOff(26.<load>)
        oid: alarmDescr, under: `${wellKnown}.3`,
        map: { 1: 'battery-fault', 2: 'on-battery', 3: 'battery-low', 4: 'battery-discharged', 8: 'overload', 9: 'on-bypass', 25: 'battery-fault', 26: 'outlet-off' },
      },
      { // tlpPduAlarms OutputOverload(4) LoadOff(6.<load>) CircuitBreakerOpen(7.<breaker>) OutletOverCurrent(14)
        oid: alarmDescr, under: `${wellKnown}.4`, map: { 4: 'overload', 6: 'outlet-off', 7: 'breaker-tripped', 14: 'overload' },
      },
      { // tlpAtsAlarms Outage(1.<source>) OutputOverload(6) LoadOff(8.<load>) CircuitBreakerOpen(9.<breaker>) OutletOverCurrent(18)
        oid: alarmDescr, under: `${wellKnown}.6`, map: { 1: 'inlet-lost', 6: 'overload', 8: 'outlet-off', 9: 'breaker-tripped', 18: 'overload' },
      },
    ],
  },
  {
    oid: `${notifications}.2`, name: 'tlpNotificationsAlarmEntryRemoved', event: 'alarm-cleared',
    eventFrom: [
      { oid: alarmDescr, under: `${wellKnown}.2`, map: { 1: 'communication-restored' } },
      { oid: alarmDescr, under: `${wellKnown}.3`, map: { 2: 'on-mains', 3: 'battery-low-cleared', 8: 'overload-cleared', 9: 'on-mains', 26: 'outlet-on' } },
      { oid: alarmDescr, under: `${wellKnown}.4`, map: { 4: 'overload-cleared', 6: 'outlet-on', 7: 'breaker-reset', 14: 'overload-cleared' } },
      { oid: alarmDescr, under: `${wellKnown}.6`, map: { 1: 'inlet-restored', 6: 'overload-cleared', 8: 'outlet-on', 9: 'breaker-reset', 18: 'overload-cleared' } },
    ],
  },
  { oid: `${notifications}.6`, name: 'tlpNotifyTest', event: 'test' },
  // tlpNotificationsDevice (…2.2)
  { oid: `${events}.2.8`, name: 'tlpNotificationsDeviceUsbCommunicationsEstablished', event: 'communication-restored' },
  { oid: `${events}.2.9`, name: 'tlpNotificationsDeviceUsbCommunicationsLost', event: 'communication-lost' },
  { oid: `${events}.2.11`, name: 'tlpNotificationsDeviceOverLoadShutdown', event: 'overload' },
  { oid: `${events}.2.29`, name: 'tlpNotificationsDeviceOutputOff', event: 'alarm' },
  { oid: `${events}.2.33`, name: 'tlpNotificationsDeviceOverloadRelease', event: 'overload-cleared' },
  { oid: `${events}.2.34`, name: 'tlpNotificationsDeviceTransferToLine', event: 'on-mains' },
  { oid: `${events}.2.35`, name: 'tlpNotificationsDeviceAcFailure', event: 'inlet-lost' }, // "power to the device failed"
  { oid: `${events}.2.38`, name: 'tlpNotificationsDeviceCircuitBreakerOpen', event: 'breaker-tripped' },
  // tlpNotificationsUps (…2.3)
  { oid: `${events}.3.13`, name: 'tlpNotificationsUpsTransferToSelftest', event: 'test' },
  { oid: `${events}.3.16`, name: 'tlpNotificationsUpsTransferToFaultBypass', event: 'on-bypass' },
  { oid: `${events}.3.34`, name: 'tlpNotificationsUpsTransferToBattery', event: 'on-battery' },
  { oid: `${events}.3.35`, name: 'tlpNotificationsUpsTransferToBypass', event: 'on-bypass' },
  { oid: `${events}.3.39`, name: 'tlpNotificationsUpsTransferToOnline', event: 'on-mains' },
  // tlpNotificationsPdu (…2.4)
  { oid: `${events}.4.3`, name: 'tlpNotificationsPduLineInRange', event: 'alarm-cleared' },
  { oid: `${events}.4.4`, name: 'tlpNotificationsPduLineOutOfRange', event: 'alarm' },
  // tlpNotificationsAts (…2.6): source 1 is A, source 2 is B
  { oid: `${events}.6.1`, name: 'tlpNotificationsAtsSource1NotAvailable', event: 'inlet-lost' },
  { oid: `${events}.6.2`, name: 'tlpNotificationsAtsSource2NotAvailable', event: 'inlet-lost' },
  { oid: `${events}.6.5`, name: 'tlpNotificationsAtsSource1Available', event: 'inlet-restored' },
  { oid: `${events}.6.6`, name: 'tlpNotificationsAtsSource2Available', event: 'inlet-restored' },
  { oid: `${events}.6.9`, name: 'tlpNotificationsAtsSource1VoltageDrop', event: 'inlet-lost' }, // "below a usable state"
  { oid: `${events}.6.10`, name: 'tlpNotificationsAtsSource2VoltageDrop', event: 'inlet-lost' },
  { oid: `${events}.6.11`, name: 'tlpNotificationsAtsTimedReturnToSource1', event: 'source-transfer' },
  { oid: `${events}.6.12`, name: 'tlpNotificationsAtsTimedReturnToSource2', event: 'source-transfer' },
  { oid: `${events}.6.13`, name: 'tlpNotificationsAtsTransferToSource1', event: 'source-transfer' },
  { oid: `${events}.6.14`, name: 'tlpNotificationsAtsTransferToSource2', event: 'source-transfer' },
];

// tlpPdu: tlpPduDevice (2) table, tlpPduDetail (3): input (1), output (2), outlet (3), circuit (4), breaker (5).
const pduDevice = `${PDU}.2.1.1`;
const pduInput = `${PDU}.3.1.1.1`;
const pduInputPhase = `${PDU}.3.1.2.1`;
const pduOutput = `${PDU}.3.2.1.1`;

export const trippLitePdu: Profile = {
  name: 'tripplite-pdu',
  vendor: 'Tripp Lite',
  kind: 'pdu',
  mibs: ['TRIPPLITE-PRODUCTS'],
  detect: {
    // tlpPdu, the device type a PDU's tlpDeviceType names. Agents also answer tlpDevice (850.1.1.1) for every
    // kind of device, which says nothing of the kind: those are told apart by probing.
    sysObjectId: [PDU],
    probe: [`${PDU}.3.3.1.1.4`, `${pduInputPhase}.4`], // tlpPduOutletState, tlpPduInputPhaseVoltage
  },
  identity,
  device: {
    power: [at(`${pduDevice}.9.${FIRST}`, watts)], // tlpPduDeviceOutputActivePowerTotal
    // tlpPduDeviceWattHoursTotal counts the past 24 hours only: no energy meter.
  },
  inlets: [
    // One input per device (tlpPduInputTable, indexed by the device): inlet <device>.
    { entry: pduInput, fields: { current: { column: 11, ...centiAmps } } }, // tlpPduInputCurrentTotal
    { // tlpPduInputPhaseTable (device.phase): the first phase's voltage and frequency are the input's
      entry: pduInputPhase, entity: { position: 0 },
      fields: { voltage: { column: 4, ...deciVolts }, frequency: { column: 3, ...deciHertz }, current: { column: 7, ...centiAmps } }, // …Voltage, …Frequency, …Current
    },
    { entity: FIRST, fillOnly: true, scalars: { power: at(`${pduDevice}.9.${FIRST}`, watts) } }, // all the output goes through the one input
  ],
  phases: [
    { // tlpPduOutputTable (device.output): one row per output line
      entry: pduOutput,
      fields: { voltage: { column: 4, ...deciVolts }, current: { column: 5, ...centiAmps }, power: { column: 8, ...watts } }, // …Voltage, …Current (0.01 A), …ActivePower
    },
    { // tlpPduInputPhaseTable (device.phase)
      entry: pduInputPhase,
      fields: { voltage: { column: 4, ...deciVolts }, current: { column: 7, ...centiAmps }, power: { column: 8, ...watts } },
    },
  ],
  banks: circuits(`${PDU}.3.4.1.1`, `${PDU}.3.5.1.1`),
  outlets: outlets(`${PDU}.3.3.1.1`),
  sensors: [
    ...envSensors,
    { entry: pduDevice, entityOffset: 200, fields: { value: { column: 6, ...wholeCelsius } }, constants: { kind: 'temperature', name: 'PDU casing' } }, // tlpPduDeviceTemperatureC
  ],
  traps,
};

// tlpUps: tlpUpsDevice (2) table, tlpUpsDetail (3): battery (1), input (2), output (3), outlet (5).
const upsDevice = `${UPS}.2.1.1`;
const batterySummary = `${UPS}.3.1.1.1`;
const batteryDetail = `${UPS}.3.1.2.1`;
const batteryPack = `${UPS}.3.1.5.1`;
const upsInput = `${UPS}.3.2.1.1`;
const upsInputPhase = `${UPS}.3.2.2.1`;
const upsOutput = `${UPS}.3.3.1.1`;
const upsOutputLine = `${UPS}.3.3.2.1`;
const upsBypass = `${UPS}.3.4.1.1`; // tlpUpsBypassEntry: device
const upsBypassLine = `${UPS}.3.4.2.1`; // tlpUpsBypassLineEntry: device.line
const deciAmps: ValueSpec = { type: 'number', scale: 0.1, min: 0, max: 2_000 };

/** tlpUpsInputPhaseTable (device.phase): one inlet per input phase. */
const upsInlets: Source<InletField>[] = [{
  entry: upsInputPhase,
  fields: {
    frequency: { column: 2, ...deciHertz }, voltage: { column: 3, ...deciVolts }, // tlpUpsInputPhaseFrequency (0.1 Hz), …Voltage (0.1 V)
    current: { column: 6, ...centiAmps }, power: { column: 7, ...watts }, // …Current (0.01 A), …Power (W)
  },
}];

/** tlpUpsOutputLineTable (device.line): one phase per output line. */
const upsPhases: Source<PhaseField>[] = [{
  entry: upsOutputLine,
  fields: { voltage: { column: 2, ...deciVolts }, current: { column: 3, ...centiAmps }, power: { column: 4, ...watts } }, // …Voltage, …Current, …ActivePower
}];

/** tlpUpsBypassLineTable (device.line), with its device's tlpUpsBypassFrequency (0.1 Hz). */
const upsBypassLines: Source<BypassField>[] = [{
  entry: upsBypassLine,
  fields: {
    voltage: { column: 2, ...deciVolts }, current: { column: 3, ...deciAmps }, power: { column: 4, ...watts }, // …Voltage (0.1 V), …Current (0.1 A), …Power (W)
    frequency: { column: 1, parent: { entry: upsBypass, prefix: 1 }, ...deciHertz },
  },
}];

export const trippLiteUps: Profile = {
  name: 'tripplite-ups',
  vendor: 'Tripp Lite',
  kind: 'ups',
  mibs: ['TRIPPLITE-PRODUCTS'],
  detect: {
    sysObjectId: [UPS], // tlpUps (see trippLitePdu)
    probe: [`${batterySummary}.1`, `${upsOutput}.1`], // tlpUpsBatteryStatus, tlpUpsOutputSource
  },
  identity,
  device: {
    power: [at(`${upsDevice}.12.${FIRST}`, watts)], // tlpUpsDeviceOutputActivePowerTotal
  },
  inlets: upsInlets,
  phases: upsPhases,
  bypass: upsBypassLines,
  // The first UPS's rows: the device tables are indexed by the device alone, the line tables by device.line
  // (their first row is line 1). Numbered in row order, so a UPS that is not device 1 is still read.
  ups: [
    {
      entry: upsOutput, entity: 'sequence',
      fields: {
        // tlpUpsOutputSource: unknown(0) other(1) none(2) normal(3) bypass(4) battery(5) boosting(6) reducing(7)
        // second(8) economy(9) testing(10); boosting/reducing are the line through the AVR transformer, economy the line direct.
        source: { column: 1, type: 'enum', map: { 1: 'other', 2: 'off', 3: 'mains', 4: 'bypass', 5: 'battery', 6: 'mains', 7: 'mains', 8: 'other', 9: 'mains', 10: 'other' } },
        outputFrequency: { column: 3, ...deciHertz }, // tlpUpsOutputFrequency
        load: { column: 6, type: 'number', scale: 0.01, min: 0, max: 200 }, // tlpUpsOutputTotalUtilization (0.01 %)
      },
    },
    {
      entry: upsInput, entity: 'sequence',
      fields: { source: { column: 15, type: 'enum', map: { 0: 'mains', 1: 'battery', 2: 'other', 4: 'other' } } }, // tlpUpsInputSource utility(0) battery(1) other(2) none(3) testing(4)
    },
    {
      entry: batterySummary, entity: 'sequence',
      fields: {
        batteryStatus: { column: 1, type: 'enum', map: { 2: 'normal', 3: 'low', 4: 'depleted' } }, // tlpUpsBatteryStatus unknown(1)
        timeOnBattery: { column: 2, type: 'number', min: 0 }, // tlpUpsSecondsOnBattery (s)
        runtime: { column: 3, type: 'number', scale: 60, min: 0 }, // tlpUpsEstimatedMinutesRemaining (min → s)
        charge: { column: 4, type: 'number', min: 0, max: 100 }, // tlpUpsEstimatedChargeRemaining (%)
      },
    },
    {
      entry: batterySummary, entity: 'sequence',
      fields: { runtime: { column: 5, type: 'number', scale: 0.01, min: 0 } }, // tlpUpsBatteryRunTimeRemaining (TimeTicks → s)
    },
    {
      entry: batteryDetail, entity: 'sequence',
      fields: { batteryVoltage: { column: 1, ...deciVolts }, charge: { column: 3, type: 'number', min: 0, max: 100 } }, // tlpUpsBatteryDetailVoltage (0.1 V DC), …Capacity (%)
    },
    {
      entry: upsDevice, entity: 'sequence',
      fields: { temperature: { column: 7, ...deciCelsius }, outputPower: { column: 12, ...watts } }, // tlpUpsDeviceTemperatureC (0.1 °C), …OutputActivePowerTotal
    },
    {
      entry: upsInputPhase, entity: 'sequence',
      fields: { inputFrequency: { column: 2, ...deciHertz }, inputVoltage: { column: 3, ...deciVolts } }, // tlpUpsInputPhaseFrequency, …Voltage
    },
    {
      entry: upsOutputLine, entity: 'sequence',
      fields: {
        outputVoltage: { column: 2, ...deciVolts }, // tlpUpsOutputLineVoltage
        outputCurrent: { column: 3, ...centiAmps }, // tlpUpsOutputLineCurrent (0.01 A, whatever tlpUpsDeviceOutputCurrentPrecision says of its digits)
        outputPower: { column: 4, ...watts }, // tlpUpsOutputLineActivePower
        load: { column: 5, type: 'number', min: 0, max: 200 }, // tlpUpsOutputLineUtilization (%)
        outputFrequency: { column: 6, ...deciHertz }, // tlpUpsOutputLineFrequency
      },
    },
    { entry: batteryPack, entity: 'sequence', fields: { temperature: { column: 2, ...deciCelsius } } }, // tlpUpsBatteryPackDetailTemperatureC
    { entity: 1, fillOnly: true, scalars: { alarms: at(alarmsPresent, { type: 'number', min: 0 }) } }, // tlpAlarmsPresent (the agent's)
  ],
  outlets: outlets(`${UPS}.3.5.1.1`),
  sensors: envSensors,
  traps,
};

// tlpAts: tlpAtsDevice (2) table, tlpAtsDetail (3): input (1), output (2), outlet (3), circuit (4), breaker (5).
const atsDevice = `${ATS}.2.1.1`;
const atsInput = `${ATS}.3.1.1.1`;
const atsInputPhase = `${ATS}.3.1.2.1`; // indexed device.line.phase: line 1 is source A, line 2 source B
const atsOutput = `${ATS}.3.2.1.1`;

export const trippLiteAts: Profile = {
  name: 'tripplite-ats',
  vendor: 'Tripp Lite',
  kind: 'ats',
  mibs: ['TRIPPLITE-PRODUCTS'],
  detect: {
    sysObjectId: [ATS], // tlpAts (see trippLitePdu)
    probe: [`${atsInput}.12`, `${atsInputPhase}.5`], // tlpAtsInputSourceAvailability, tlpAtsInputPhaseVoltage
  },
  identity,
  device: {
    power: [at(`${atsDevice}.9.${FIRST}`, watts)], // tlpAtsDeviceOutputActivePowerTotal
  },
  ats: [
    {
      entry: atsInput, entity: 'sequence',
      fields: {
        activeSource: { column: 13, type: 'enum', map: { 0: 'A', 1: 'B' } }, // tlpAtsInputSourceInUse inputSourceA(0) inputSourceB(1)
        // tlpAtsInputSourceAvailability none(0) inputSourceA(1) inputSourceB(2) inputSourceAB(3)
        redundancy: { column: 12, type: 'enum', map: { 0: 'lost', 1: 'lost', 2: 'lost', 3: 'redundant' } },
      },
    },
    { // phase 1 of each input line
      entry: atsInputPhase, rowTypeAt: 1, entity: { position: -1 },
      fields: {
        sourceAVoltage: { column: 5, rowType: 1, ...deciVolts }, sourceBVoltage: { column: 5, rowType: 2, ...deciVolts }, // tlpAtsInputPhaseVoltage
        sourceACurrent: { column: 8, rowType: 1, ...centiAmps }, sourceBCurrent: { column: 8, rowType: 2, ...centiAmps }, // tlpAtsInputPhaseCurrent (0.01 A)
      },
    },
    { entry: atsOutput, fields: { outputVoltage: { column: 4, ...deciVolts }, outputCurrent: { column: 5, ...centiAmps } } }, // tlpAtsOutputVoltage, …Current of output 1
  ],
  inlets: [
    { // the two sources, inlets 1 (A) and 2 (B): their first phase
      entry: atsInputPhase, entity: { position: 1 }, where: { column: 2, in: [1] }, // tlpAtsInputPhaseIndex
      fields: {
        voltage: { column: 5, ...deciVolts }, frequency: { column: 4, ...deciHertz }, // tlpAtsInputPhaseVoltage, …Frequency
        current: { column: 8, ...centiAmps }, power: { column: 9, ...watts }, // …Current (0.01 A), …Power
      },
    },
  ],
  phases: [
    { // tlpAtsOutputTable (device.output)
      entry: atsOutput,
      fields: { voltage: { column: 4, ...deciVolts }, current: { column: 5, ...centiAmps }, power: { column: 8, ...watts } },
    },
  ],
  banks: circuits(`${ATS}.3.4.1.1`, `${ATS}.3.5.1.1`),
  outlets: outlets(`${ATS}.3.3.1.1`),
  sensors: [
    ...envSensors,
    { entry: atsDevice, entityOffset: 200, fields: { value: { column: 6, ...wholeCelsius } }, constants: { kind: 'temperature', name: 'ATS casing' } }, // tlpAtsDeviceTemperatureC
  ],
  traps,
};
