import type { BypassField, InletField, PhaseField, Profile, ScalarSpec, Source, UpsField, ValueSpec } from './profile.js';

// The standard UPS-MIB (RFC 1628): the fallback for any UPS no vendor profile claims, and the
// sources vendor UPS profiles spread beneath (or above) their own objects. Units per the MIB's UNITS.
export const UPS_MIB = '1.3.6.1.2.1.33';
const ups = `${UPS_MIB}.1`;

const text: ValueSpec = { type: 'string' };
const whole = (max: number, min = 0): ValueSpec => ({ type: 'number', min, max });
const tenths = (max: number): ValueSpec => ({ type: 'number', scale: 0.1, min: 0, max });
const at = (oid: string, spec: ValueSpec): ScalarSpec => ({ oid, ...spec });

/** upsOutputSource (vendor MIBs reuse its numbering): booster and reducer (boost/buck) still run on mains. */
export const outputSource = { 1: 'other', 2: 'off', 3: 'mains', 4: 'bypass', 5: 'battery', 6: 'mains', 7: 'mains' } as const;

/** Shared value ranges: the MIB's NonNegativeIntegers, so a negative reading is implausible. */
export const upsValues = {
  volts: whole(1_000),
  batteryVolts: tenths(1_500),
  tenthsOfAmps: tenths(5_000),
  watts: whole(2_000_000),
  tenthsOfHertz: tenths(100),
  percentLoad: whole(200), // upsOutputPercentLoad may pass 100 in overload
  celsius: whole(150, -50),
} as const;
const v = upsValues;

export const upsMibIdentity = {
  vendor: [at(`${ups}.1.1.0`, text)], // upsIdentManufacturer
  model: [at(`${ups}.1.2.0`, text)], // upsIdentModel
  firmware: [at(`${ups}.1.3.0`, text), at(`${ups}.1.4.0`, text)], // upsIdentUPSSoftwareVersion, upsIdentAgentSoftwareVersion
  name: [at(`${ups}.1.5.0`, text)], // upsIdentName
} as const satisfies Profile['identity'];

/** upsInputTable: one inlet per input line. */
export const upsMibInlets: readonly Source<InletField>[] = [
  {
    entry: `${ups}.3.3.1`,
    fields: {
      frequency: { column: 2, ...v.tenthsOfHertz }, // upsInputFrequency (0.1 Hz)
      voltage: { column: 3, ...v.volts }, // upsInputVoltage (RMS V)
      current: { column: 4, ...v.tenthsOfAmps }, // upsInputCurrent (0.1 A)
      power: { column: 5, ...v.watts }, // upsInputTruePower (W)
    },
  },
];

/** upsOutputTable: one phase per output line. */
export const upsMibPhases: readonly Source<PhaseField>[] = [
  {
    entry: `${ups}.4.4.1`,
    fields: {
      voltage: { column: 2, ...v.volts }, // upsOutputVoltage (RMS V)
      current: { column: 3, ...v.tenthsOfAmps }, // upsOutputCurrent (0.1 A)
      power: { column: 4, ...v.watts }, // upsOutputPower (W)
    },
  },
];

/** upsBypassTable: one bypass line per row. */
export const upsMibBypassLines: Source<BypassField> = {
  entry: `${ups}.5.3.1`,
  fields: {
    voltage: { column: 2, ...v.volts }, // upsBypassVoltage (RMS V)
    current: { column: 3, ...v.tenthsOfAmps }, // upsBypassCurrent (0.1 A)
    power: { column: 4, ...v.watts }, // upsBypassPower (W)
  },
};

/** A bypass-wide frequency, every line's (of up to three, a three-phase UPS's): after the sources that find the lines. */
export function bypassFrequency(spec: ScalarSpec): Source<BypassField>[] {
  return [1, 2, 3].map((line) => ({ entity: line, fillOnly: true, scalars: { frequency: spec } }));
}

/** upsBypassTable, with upsBypassFrequency (0.1 Hz). */
export const upsMibBypassFrequency = bypassFrequency(at(`${ups}.5.1.0`, v.tenthsOfHertz));
export const upsMibBypass: readonly Source<BypassField>[] = [upsMibBypassLines, ...upsMibBypassFrequency];

/** The UPS section; per-line values come from line 1 (a three-phase UPS's other lines are its phases and inlets). */
export const upsMibUps: readonly Source<UpsField>[] = [
  {
    entity: 1,
    scalars: {
      source: at(`${ups}.4.1.0`, { type: 'enum', map: outputSource }), // upsOutputSource
      batteryStatus: at(`${ups}.2.1.0`, { type: 'enum', map: { 2: 'normal', 3: 'low', 4: 'depleted' } }), // upsBatteryStatus; unknown(1) stays unknown
      timeOnBattery: at(`${ups}.2.2.0`, { type: 'number', min: 0 }), // upsSecondsOnBattery (s; 0 on mains)
      runtime: at(`${ups}.2.3.0`, { type: 'number', scale: 60, min: 0 }), // upsEstimatedMinutesRemaining (min)
      charge: at(`${ups}.2.4.0`, whole(100)), // upsEstimatedChargeRemaining (%)
      batteryVoltage: at(`${ups}.2.5.0`, v.batteryVolts), // upsBatteryVoltage (0.1 V DC)
      temperature: at(`${ups}.2.7.0`, v.celsius), // upsBatteryTemperature (°C)
      outputFrequency: at(`${ups}.4.2.0`, v.tenthsOfHertz), // upsOutputFrequency (0.1 Hz)
      alarms: at(`${ups}.6.1.0`, { type: 'number', min: 0 }), // upsAlarmsPresent (a count)
    },
  },
  { // upsInputTable, line 1
    entry: `${ups}.3.3.1`,
    fields: { inputFrequency: { column: 2, ...v.tenthsOfHertz }, inputVoltage: { column: 3, ...v.volts } },
  },
  { // upsOutputTable, line 1
    entry: `${ups}.4.4.1`,
    fields: {
      outputVoltage: { column: 2, ...v.volts }, outputCurrent: { column: 3, ...v.tenthsOfAmps },
      outputPower: { column: 4, ...v.watts }, load: { column: 5, ...v.percentLoad }, // upsOutputPower, upsOutputPercentLoad
    },
  },
];

/** Objects every UPS-MIB agent serves: upsBatteryStatus, upsOutputSource. */
export const upsMibProbe = [`${ups}.2.1`, `${ups}.4.1`] as const;

export const upsMib: Profile = {
  name: 'ups-mib',
  vendor: 'UPS-MIB',
  kind: 'ups',
  mibs: ['UPS-MIB'],
  detect: {
    // Some agents (Generex CS141) give the UPS-MIB root itself as their sysObjectID.
    sysObjectId: [UPS_MIB],
    probe: upsMibProbe,
  },
  identity: upsMibIdentity,
  inlets: upsMibInlets,
  phases: upsMibPhases,
  bypass: upsMibBypass,
  ups: upsMibUps,
  // RFC 1628 notifications upsTraps.N (1.3.6.1.2.1.33.2.N); agents that send them as SNMPv1 traps (enterprise upsTraps,
  // specific N) arrive converted as upsTraps.0.N (RFC 3584): both forms are listed.
  // upsTrapAlarmEntryAdded/Removed name the alarm by upsAlarmDescr (…6.2.1.2), an OID under upsWellKnownAlarms (…6.3):
  // upsAlarmBatteryBad(1) battery-fault, upsAlarmOnBattery(2) on-battery (the RFC says its insertion is not announced;
  // some agents do), upsAlarmLowBattery(3) battery-low, upsAlarmDepletedBattery(4) battery-discharged ("unable to sustain
  // the present load when and if the utility power is lost"), upsAlarmOutputOverload(8) overload, upsAlarmOnBypass(9)
  // on-bypass, upsAlarmCommunicationsLost(20) communication-lost, upsAlarmTestInProgress(24) test. The rest stay alarms:
  // upsAlarmInputBad(6) is "an input condition out of tolerance", not a UPS on battery (that is upsAlarmOnBattery).
  traps: [
    { oid: `${UPS_MIB}.2.1`, name: 'upsTrapOnBattery', event: 'on-battery' },
    { oid: `${UPS_MIB}.2.0.1`, name: 'upsTrapOnBattery', event: 'on-battery' },
    { oid: `${UPS_MIB}.2.2`, name: 'upsTrapTestCompleted', event: 'test' },
    { oid: `${UPS_MIB}.2.0.2`, name: 'upsTrapTestCompleted', event: 'test' },
    {
      oid: `${UPS_MIB}.2.3`, name: 'upsTrapAlarmEntryAdded', event: 'alarm',
      eventFrom: { oid: `${ups}.6.2.1.2`, under: `${ups}.6.3`, map: { 1: 'battery-fault', 2: 'on-battery', 3: 'battery-low', 4: 'battery-discharged', 8: 'overload', 9: 'on-bypass', 20: 'communication-lost', 24: 'test' } },
    },
    {
      oid: `${UPS_MIB}.2.0.3`, name: 'upsTrapAlarmEntryAdded', event: 'alarm',
      eventFrom: { oid: `${ups}.6.2.1.2`, under: `${ups}.6.3`, map: { 1: 'battery-fault', 2: 'on-battery', 3: 'battery-low', 4: 'battery-discharged', 8: 'overload', 9: 'on-bypass', 20: 'communication-lost', 24: 'test' } },
    },
    // Removal: upsAlarmOnBattery gone is the UPS back on mains; a removed bypass or depleted-battery alarm says only that it cleared.
    {
      oid: `${UPS_MIB}.2.4`, name: 'upsTrapAlarmEntryRemoved', event: 'alarm-cleared',
      eventFrom: { oid: `${ups}.6.2.1.2`, under: `${ups}.6.3`, map: { 2: 'on-mains', 3: 'battery-low-cleared', 8: 'overload-cleared', 20: 'communication-restored' } },
    },
    {
      oid: `${UPS_MIB}.2.0.4`, name: 'upsTrapAlarmEntryRemoved', event: 'alarm-cleared',
      eventFrom: { oid: `${ups}.6.2.1.2`, under: `${ups}.6.3`, map: { 2: 'on-mains', 3: 'battery-low-cleared', 8: 'overload-cleared', 20: 'communication-restored' } },
    },
  ],
};
