import type { InletField, PhaseField, Profile, RowCondition, ScalarSpec, Source, TrapDefinition, TrapEvent, UpsField, ValueSpec } from './profile.js';
import { upsMibIdentity, upsMibInlets, upsMibPhases, upsMibUps } from './ups-mib.js';

// Socomec UPSes on a NET VISION card (SOCOMECUPS-MIB, netvision7 = socomec(4555).software.network.7) and Socomec
// PDUs (SOCOMECPDU-MIB, socomec.ups(2).pdu(30)). Units per the MIBs' DESCRIPTIONs and UNITS.
//
// Several objects carry a condition the reader can only check on a table row: they are read as one-row tables (their
// group as the entry, the object as a column with its one instance .0), numbered in row order so the row is entity 1.
const SOCOMEC = '1.3.6.1.4.1.4555';

const text: ValueSpec = { type: 'string' };
const at = (oid: string, spec: ValueSpec): ScalarSpec => ({ oid, ...spec });
const tenths = (max: number, min = 0): ValueSpec => ({ type: 'number', scale: 0.1, min, max });
const volts = tenths(1_000); // 0.1 V
const amps = tenths(5_000); // 0.1 A
const hertz = tenths(100); // 0.1 Hz
const celsius = tenths(150, -50);
const percent: ValueSpec = { type: 'number', min: 0, max: 100 };
const kilowattTenths: ValueSpec = { type: 'number', scale: 100, min: 0, max: 2_000_000 }; // 0.1 kW → W

// ---------------------------------------------------------------------------------------------------------------
// UPS: SOCOMECUPS-MIB (NET VISION 7 and 8)

const NV7 = `${SOCOMEC}.1.1.7`; // netvision7
const ident = `${NV7}.1.1`; // upsIdent
const battery = `${NV7}.1.2`; // upsBattery
const input = `${NV7}.1.3`; // upsInput
const output = `${NV7}.1.4`; // upsOutput
const alarm = `${NV7}.1.6`; // upsAlarm
const upsTraps = `${NV7}.2`;
const secondsOnBattery = `${battery}.2.0`; // upsSecondsOnBattery: "-1 shall be returned if the unit is not on battery power"

// upsOutputSource names no battery state: on battery is read from upsSecondsOnBattery. Its bypass and off states say
// where the load is whatever the battery does: onMaintenBypass(2) and onBypass(6) are bypass, standby(7) and upsOff(8)
// off. unknown(1) stays unknown.
const outputSourceSettled: ValueSpec = { type: 'enum', map: { 2: 'bypass', 6: 'bypass', 7: 'off', 8: 'off' } };
// onInverter(3), normalMode(4), ecoMode(5), lineInteractive(9) and flexMode(10) run on mains only while
// upsSecondsOnBattery says the UPS is not on battery (-1).
const outputSourceRunning: ValueSpec = { type: 'enum', map: { 3: 'mains', 4: 'mains', 5: 'mains', 9: 'mains', 10: 'mains' } };
// upsBatteryStatus: charging(3) and discharging(5) are a battery in use, not a low one; failure(8) and
// disconnected(9) cannot carry the load. unknown(1) and batteryTest(4) (no verdict on the charge) stay unknown.
const batteryStatus: ValueSpec = { type: 'enum', map: { 2: 'normal', 3: 'normal', 5: 'normal', 6: 'low', 7: 'depleted', 8: 'depleted', 9: 'depleted' } };

// upsInputTable, upsOutputTable: INDEX …LineIndex (0..65535), lines numbered in row order (the first line is 1 whatever
// the agent's first index). Every line is read as an inlet and a phase (as ups-mib does); the UPS section takes line 1:
// per-phase values have no place in the model's UPS section yet. The bypass (upsBypassFrequency, upsBypassTable) has
// no place in the model at all yet: not read.
const inputEntry = `${input}.3.1`;
const outputEntry = `${output}.4.1`;

const upsInlets: Source<InletField>[] = [
  { entry: inputEntry, entity: 'sequence', fields: { voltage: { column: 2, ...volts }, current: { column: 3, ...amps } } }, // upsInputVoltage, upsInputCurrent
  // upsInputFrequency, one for all lines
  ...[1, 2, 3].map((line): Source<InletField> => ({ entity: line, fillOnly: true, scalars: { frequency: at(`${input}.2.0`, hertz) } })),
  ...upsMibInlets,
];

const upsPhases: Source<PhaseField>[] = [
  { // upsOutputVoltage, upsOutputCurrent, upsOutputKw (0.1 kW; its DESCRIPTION says "apparent power" but the unit is kW)
    entry: outputEntry, entity: 'sequence',
    fields: { voltage: { column: 2, ...volts }, current: { column: 3, ...amps }, power: { column: 6, ...kilowattTenths } },
  },
  ...upsMibPhases,
];

const ups: Source<UpsField>[] = [
  {
    entity: 1,
    scalars: {
      source: at(`${output}.1.0`, outputSourceSettled), // upsOutputSource
      batteryStatus: at(`${battery}.1.0`, batteryStatus), // upsBatteryStatus
      // upsEstimatedMinutesRemaining: minutes by its name (the DESCRIPTION gives no unit; "computed when on battery")
      runtime: at(`${battery}.3.0`, { type: 'number', scale: 60, min: 0 }),
      charge: at(`${battery}.4.0`, percent), // upsEstimatedChargeRemaining (% of full charge)
      batteryVoltage: at(`${battery}.5.0`, tenths(1_500)), // upsBatteryVoltage (0.1 V DC)
      // upsBatteryTemperature "in 0.1 degree": Celsius, as the UPS-MIB's battery temperature
      temperature: at(`${battery}.6.0`, celsius),
      inputFrequency: at(`${input}.2.0`, hertz), // upsInputFrequency (0.1 Hz)
      outputFrequency: at(`${output}.2.0`, hertz), // upsOutputFrequency (0.1 Hz)
      alarms: at(`${alarm}.1.0`, { type: 'number', min: 0 }), // upsAlarmsPresent (a count)
      // upsBatterySOC ("the battery SOC", no unit) and upsOutputLoadRate ("global Load Rate", no unit): not read.
    },
  },
  { entity: 1, scalars: { temperature: at(`${battery}.7.0`, celsius) } }, // upsAmbientTemperature (inside the UPS, 0.1 degree)
  { // on battery: upsSecondsOnBattery answers and is not -1 (s since the UPS switched to battery)
    entry: battery, entity: 'sequence', where: { column: 2, notIn: [-1] },
    fields: { timeOnBattery: { column: 2, type: 'number', min: 0 } }, constants: { source: 'battery' },
  },
  { entry: output, entity: 'sequence', where: { oid: secondsOnBattery, in: [-1] }, fields: { source: { column: 1, ...outputSourceRunning } } },
  { // upsInputTable, line 1
    entry: inputEntry, entity: 'sequence', fields: { inputVoltage: { column: 2, ...volts } },
  },
  { // upsOutputTable, line 1: upsOutputPercentLoad is "the percentage of the UPS power capacity" used on the line
    entry: outputEntry, entity: 'sequence',
    fields: {
      outputVoltage: { column: 2, ...volts }, outputCurrent: { column: 3, ...amps }, outputPower: { column: 6, ...kilowattTenths },
      load: { column: 4, type: 'number', min: 0, max: 200 },
    },
  },
  // The standard UPS-MIB the same cards serve, beneath the vendor's objects.
  ...upsMibUps,
];

// upsTrapAlarmEntryAdded/Removed name the alarm by upsAlarmDescr (upsAlarmEntry 2), an OID under upsWellKnownAlarms:
// upsAlarmOverload(2), upsAlarmRedundancyLost(7) (of the UPS's parallel units), upsAlarmBatteryCircuitOpen(12) "battery
// breaker or fuse open", upsAlarmBatteryDischarged(13), upsAlarmLowBattery(14), upsAlarmOnBattery(15),
// upsAlarmBatteryTest(18) "detected as weak during the test", upsAlarmBatteryFault(19) "require replacement",
// upsAlarmAutoTestRunning(54), upsAlarmOnBypass(55), upsAlarmCommunicationLost(58). The rest stay alarms.
const alarmDescr = `${alarm}.2.1.2`;
const wellKnown = `${alarm}.3`;
const alarmAdded: Record<number, TrapEvent> = {
  2: 'overload', 7: 'redundancy-lost', 12: 'battery-fault', 13: 'battery-discharged', 14: 'battery-low', 15: 'on-battery',
  18: 'battery-fault', 19: 'battery-fault', 54: 'test', 55: 'on-bypass', 58: 'communication-lost',
};
// Removal: upsAlarmOnBattery gone is the UPS back on mains; a removed bypass alarm says only that it cleared.
const alarmRemoved: Record<number, TrapEvent> = { 2: 'overload-cleared', 7: 'redundancy-restored', 14: 'battery-low-cleared', 15: 'on-mains', 58: 'communication-restored' };

/** SNMPv1 TRAP-TYPEs: enterprise E, specific N arrive as E.0.N (RFC 3584). */
const v1 = (enterprise: string, specific: number, name: string, event: TrapEvent): TrapDefinition => ({ oid: `${enterprise}.0.${specific}`, name, event });

export const socomecUps: Profile = {
  name: 'socomec-ups',
  vendor: 'Socomec',
  kind: 'ups',
  mibs: ['SOCOMECUPS-MIB', 'UPS-MIB'],
  detect: {
    sysObjectId: [NV7], // netvision7: the cards give the MIB's node as their sysObjectID
    probe: [`${output}.1`, `${battery}.1`], // upsOutputSource, upsBatteryStatus
  },
  identity: {
    model: [at(`${ident}.1.0`, text), ...upsMibIdentity.model], // upsIdentModel
    serial: [at(`${ident}.2.0`, text)], // upsIdentSerialNumber
    // the UPS's own software (UPS-MIB), then the card's: upsIdentAgentSoftwareVersion ("Net Vision software version")
    firmware: [upsMibIdentity.firmware[0], at(`${ident}.5.0`, text), upsMibIdentity.firmware[1]],
    name: [at(`${ident}.6.0`, text), ...upsMibIdentity.name, at(`${ident}.3.0`, text)], // upsSystemName, upsIdentUserRef
  },
  device: {
    power: [at(`${output}.6.0`, kilowattTenths)], // upsOutputGlobalkW (0.1 kW, all lines)
  },
  inlets: upsInlets,
  phases: upsPhases,
  ups,
  // emdStatus (the optional EMD probe) is not read: the MIB has no presence object for it (an absent probe cannot be
  // told from 0 °C), and its humidity is "in 0.1 degree".
  traps: [
    v1(upsTraps, 1, 'upsTrapOnBattery', 'on-battery'),
    v1(upsTraps, 2, 'upsTrapTestCompleted', 'test'),
    { ...v1(upsTraps, 3, 'upsTrapAlarmEntryAdded', 'alarm'), eventFrom: { oid: alarmDescr, under: wellKnown, map: alarmAdded } },
    { ...v1(upsTraps, 4, 'upsTrapAlarmEntryRemoved', 'alarm-cleared'), eventFrom: { oid: alarmDescr, under: wellKnown, map: alarmRemoved } },
    v1(upsTraps, 5, 'upsTrapImminentStop', 'alarm'), // "near to switch off the output power"
    v1(upsTraps, 6, 'upsTrapOverload', 'overload'),
    v1(upsTraps, 7, 'upsTrapRedundancyLost', 'redundancy-lost'),
    v1(upsTraps, 8, 'upsTrapBatteryCircuitOpen', 'battery-fault'), // "the battery has been disconnected"
    v1(upsTraps, 9, 'upsTrapBatteryDischarged', 'battery-discharged'),
    v1(upsTraps, 10, 'upsTrapBatteryLow', 'battery-low'),
    v1(upsTraps, 11, 'upsTrapBatteryAlarm', 'battery-fault'),
    v1(upsTraps, 12, 'upsTrapUpsCriticalAlarm', 'alarm'),
    v1(upsTraps, 13, 'upsTrapLoadOFF', 'alarm'), // the load disconnected from the UPS
    v1(upsTraps, 14, 'upsTrapCommunicationLost', 'communication-lost'),
    v1(upsTraps, 15, 'upsTrapOnBatteryPower', 'on-battery'),
    v1(upsTraps, 16, 'upsTrapBatteryTestfailed', 'battery-fault'),
    v1(upsTraps, 17, 'upsTrapTemperatureAlarm', 'alarm'),
    v1(upsTraps, 18, 'upsTrapOnBypass', 'on-bypass'),
    v1(upsTraps, 19, 'upsTrapUpsPreventiveAlarm', 'alarm'),
    v1(upsTraps, 20, 'upsTrapShutdownWarning', 'alarm'),
    v1(upsTraps, 21, 'upsTrapShutdownrequest', 'alarm'),
    v1(upsTraps, 22, 'upsTrapUpsNormal', 'on-mains'), // "status is normal. Load protected by UPS": off bypass and battery
    v1(upsTraps, 23, 'upsTrapPowerRestored', 'on-mains'), // "the input supply has been restored"
    v1(upsTraps, 24, 'upsTrapAlarmCancelled', 'alarm-cleared'),
    v1(upsTraps, 25, 'upsTrapComEstablished', 'communication-restored'),
    v1(upsTraps, 26, 'upsTrapShutdwonCancelled', 'alarm-cleared'),
    // the EMD probe's thresholds and dry-contact inputs: set and cleared
    ...([[28, 'EmdTempLow', 'EmdTempNotLow'], [30, 'EmdTempHigh', 'EmdTempNotHigh'], [32, 'EmdHumidityLow', 'EmdHumidityNotLow'],
      [34, 'EmdHumidityHigh', 'EmdHumidityNotHigh'], [36, 'EmdFirstInputActive', 'EmdFirstInputRestored'], [38, 'EmdSecondInputActive', 'EmdSecondInputRestored']] as const)
      .flatMap(([n, set, clear]) => [v1(upsTraps, n, `upsTrap${set}`, 'alarm'), v1(upsTraps, n + 1, `upsTrap${clear}`, 'alarm-cleared')]),
    v1(upsTraps, 42, 'upsTrapTest', 'test'),
    // upsTrapAgentRestarting(27), upsTrapSessionLogin(40), upsTrapLoginUnsuccesfulTentative(41): about the card, not power.
  ],
};

// ---------------------------------------------------------------------------------------------------------------
// PDU: SOCOMECPDU-MIB. The card reads three output lines L1-L3 (voltage, current, load alarms), their frequency and an
// EnviroProbe; the MIB has no outlets, no breakers and no power or energy.

const PDU = `${SOCOMEC}.2.30`; // pdu
const pduIdent = `${PDU}.1`; // dpduIdent
const pduOutput = `${PDU}.2`; // dpduOutput
const pduAlarm = `${PDU}.3`; // dpduAlarm
const pduEnvironment = `${PDU}.4`; // dpduEnvironment
const pduTraps = `${PDU}.20`; // dpduTraps

// dpduAlarmDisconnect on(1): the card lost the PDU (the state behind dpduCommunicationLost, as dpduAlarmEnvDisconnect
// is the probe's "communication status"): the lines' readings are then unknown, never 0 V.
const pduConnected: RowCondition = { oid: `${pduAlarm}.1.0`, in: [0] };
// dpduAlarmEnvDisconnect yes(1): no probe answering, no sensor.
const probeConnected: RowCondition = { oid: `${pduEnvironment}.19.0`, in: [0] };

/** Line n (1..3): dpduOutputVoltage{n} (column 2n, 0.1 V), dpduOutputCurrent{n} (2n + 1, 0.1 A); its load alarms. */
function line(n: 1 | 2 | 3): Source<PhaseField>[] {
  const major = 2 + 4 * (n - 1); // dpduAlarmL{n}LoadMajor, off(0) on(1)
  const minor = major + 1; // dpduAlarmL{n}LoadMinor
  const one = { entity: 'sequence', entityOffset: n - 1 } as const;
  return [
    { entry: pduOutput, ...one, valid: pduConnected, fields: { voltage: { column: 2 * n, ...volts }, current: { column: 2 * n + 1, ...amps } }, constants: { name: `L${n}` } },
    { entry: pduAlarm, ...one, where: pduConnected, fields: { loadState: { column: major, type: 'enum', map: { 1: 'overload' } } } },
    { // the minor alarm decides only when the major one is off
      entry: pduAlarm, ...one, where: [pduConnected, { oid: `${pduAlarm}.${major}.0`, in: [0] }],
      fields: { loadState: { column: minor, type: 'enum', map: { 0: 'normal', 1: 'near-overload' } } },
    },
  ];
}

/** Line n's notifications, set and recover: load major, load minor, voltage major, voltage minor. The traps carry no varbind naming the line. */
function lineTraps(n: 1 | 2 | 3): TrapDefinition[] {
  const first = 3 + 8 * (n - 1);
  const kinds: [string, TrapEvent, TrapEvent][] = [
    ['LoadMajorAlarm', 'overload', 'overload-cleared'],
    ['LoadMinorAlarm', 'near-overload', 'near-overload-cleared'],
    ['OutVoltMajorAlarm', 'alarm', 'alarm-cleared'],
    ['OutVoltMinorAlarm', 'alarm', 'alarm-cleared'],
  ];
  return kinds.flatMap(([kind, set, clear], i) => [
    v1(pduTraps, first + 2 * i, `dpduL${n}${kind}`, set),
    v1(pduTraps, first + 2 * i + 1, `dpduL${n}${kind}Recover`, clear),
  ]);
}

export const socomecPdu: Profile = {
  name: 'socomec-pdu',
  vendor: 'Socomec',
  kind: 'pdu',
  mibs: ['SOCOMECPDU-MIB'],
  detect: {
    sysObjectId: [PDU], // pdu: the MIB names no product under it
    probe: [`${pduOutput}.2`, `${pduOutput}.3`], // dpduOutputVoltage1, dpduOutputCurrent1
  },
  identity: {
    model: [at(`${pduIdent}.2.0`, text)], // dpduIdentModel
    serial: [at(`${pduIdent}.3.0`, text)], // dpduIdentSerialNumber
    firmware: [at(`${pduIdent}.4.0`, text), at(`${pduIdent}.5.0`, text)], // dpduIdentPDUFirmwareVersion, then the card's
    name: [at(`${pduIdent}.6.0`, text)], // dpduIdentName
    // dpduIdentManufacturer is "the EnviroStation Vendor": not read as the PDU's maker.
  },
  // The PDU's one input: the MIB gives only its frequency (dpduOutputFrequency, 0.1 Hz: a PDU passes it through).
  inlets: [{ entry: pduOutput, entity: 'sequence', valid: pduConnected, fields: { frequency: { column: 1, ...hertz } } }],
  // dpduAlarmL12Load{Major,Minor} (the L1-L2 pair) name no line of their own: not read.
  phases: [...line(1), ...line(2), ...line(3)],
  sensors: [
    { // dpduEnvTemperature (0.1 °C)
      entry: pduEnvironment, entity: 'sequence', where: probeConnected,
      fields: { value: { column: 1, ...celsius } }, constants: { kind: 'temperature' },
    },
    { // dpduEnvHumidity (%)
      entry: pduEnvironment, entity: 'sequence', entityOffset: 1, where: probeConnected,
      fields: { value: { column: 2, ...percent } }, constants: { kind: 'humidity' },
    },
  ],
  traps: [
    v1(pduTraps, 1, 'dpduCommunicationLost', 'communication-lost'),
    v1(pduTraps, 2, 'dpduCommunicationEstablished', 'communication-restored'),
    ...lineTraps(1),
    ...lineTraps(2),
    ...lineTraps(3),
    v1(pduTraps, 27, 'dpduL12LoadMajorAlarm', 'overload'),
    v1(pduTraps, 28, 'dpduL12LoadMajorAlarmRecover', 'overload-cleared'),
    v1(pduTraps, 29, 'dpduL12LoadMinorAlarm', 'near-overload'),
    v1(pduTraps, 30, 'dpduL12LoadMinorAlarmRecover', 'near-overload-cleared'),
    // the EnviroProbe: its link, thresholds and relays
    v1(pduTraps, 31, 'dpduEnvCommunicationLost', 'alarm'),
    v1(pduTraps, 32, 'dpduEnvCommunicationEstablished', 'alarm-cleared'),
    v1(pduTraps, 33, 'dpduEnvOverWarnTemperature', 'alarm'),
    v1(pduTraps, 34, 'dpduNoLongerEnvOverWarnTemperature', 'alarm-cleared'),
    v1(pduTraps, 35, 'dpduEnvOverWarnHumidity', 'alarm'),
    v1(pduTraps, 36, 'dpduNoLongerEnvOverWarnHumidity', 'alarm-cleared'),
    v1(pduTraps, 37, 'dpduEnvOverAlarmTemperature', 'alarm'),
    v1(pduTraps, 38, 'dpduNoLongerEnvOverAlarmTemperature', 'alarm-cleared'),
    v1(pduTraps, 39, 'dpduEnvOverAlarmHumidity', 'alarm'),
    v1(pduTraps, 40, 'dpduNoLongerEnvOverAlarmHumidity', 'alarm-cleared'),
    ...[1, 2, 3, 4].flatMap((r) => [
      v1(pduTraps, 39 + 2 * r, `dpduEnvRelay${r}Alarm`, 'alarm'),
      v1(pduTraps, 40 + 2 * r, `dpduEnvRelay${r}Normal`, 'alarm-cleared'),
    ]),
  ],
};
