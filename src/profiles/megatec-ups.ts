import type { BypassField, InletField, OutletField, PhaseField, Profile, ScalarSpec, Source, UpsField, ValueSpec } from './profile.js';
import { bypassFrequency, upsMibBypassFrequency, upsMibBypassLines, upsMibIdentity, upsMibInlets, upsMibPhases, upsMibUps } from './ups-mib.js';

// Megatec / NetAgent UPS cards (enterprise ppc 935; sold under many brands). Two object trees share the enterprise,
// and so the sysObjectID, so one profile reads both, the first that answers winning:
// - XPPC-MIB (ppc.products.hardware.ups, 935.1.1.1): the Base/Smart groups of a single-phase UPS and the
//   upsThreePhase group of a three-phase one, plus the card's environment inputs.
// - EPPC-MIB (ppc.device.upsAgent.upsE, 935.10.1.1; PowerWalker's NMC cards): per-phase input/output tables.
// The same cards answer PROBE-MIB (Megatec, 13409.1) for the environment probe on their sensor port.
// Units per the MIBs' DESCRIPTIONs; where the upsThreePhase group names none (it gives names only), its values are
// read in tenths as the Smart group's voltages and frequencies are (1/10 VAC, 1/10 Hz). Its battery voltage and
// temperature are left out: the Smart group's counterparts say nothing of theirs, and no recorded value tells.
const PPC = '1.3.6.1.4.1.935';
const x = `${PPC}.1.1.1`; // XPPC-MIB ups
const three = `${x}.8`; // upsThreePhase
const e = `${PPC}.10.1.1`; // EPPC-MIB upsE
const eInput = `${e}.2.16.1`; // upsESystemInputEntry (index: phase 1..3)
const eOutput = `${e}.2.18.1`; // upsESystemOutputEntry
const eBypass = `${e}.2.20.1`; // upsESystemBypassEntry
const ETRAPS = `${PPC}.10.1.2`; // EPPC-MIB upsETraps
const PROBE = '1.3.6.1.4.1.13409.1.1'; // PROBE-MIB probeStatus

const text: ValueSpec = { type: 'string' };
const at = (oid: string, spec: ValueSpec): ScalarSpec => ({ oid, ...spec });
const tenths = (max: number, min = 0): ValueSpec => ({ type: 'number', scale: 0.1, min, max });
const whole = (max: number, min = 0): ValueSpec => ({ type: 'number', min, max });
const volts = tenths(1_000);
const hertz = tenths(100);
const amps = tenths(5_000);
const watts = whole(2_000_000);
const percent = whole(100);
const celsius = tenths(150, -50);

// upsBaseOutputStatus: unknown(1) stays unknown; boost and buck run on mains; standBy(8) does not say where the output comes from.
const baseOutputStatus: ValueSpec = { type: 'enum', map: { 2: 'mains', 3: 'battery', 4: 'mains', 5: 'off', 6: 'bypass', 7: 'off', 8: 'other', 9: 'mains' } };
// upsESystemStatus: power-on(1) starting, stand-by(2) and shutdown(10) no output, fault(7) other; converter(8), eco(9),
// on-booster(11) and on-reducer(12) run on mains; battery-test(6) runs on battery.
const eSystemStatus: ValueSpec = {
  type: 'enum',
  map: { 1: 'other', 2: 'off', 3: 'bypass', 4: 'mains', 5: 'battery', 6: 'battery', 7: 'other', 8: 'mains', 9: 'mains', 10: 'off', 11: 'mains', 12: 'mains', 13: 'other' },
};

/** A three-phase UPS's lines R, S, T (entities 1..3) from the upsThreePhase group's scalars. */
function threePhaseLines<F extends string>(group: number, first: number, field: F, spec: ValueSpec): Source<F>[] {
  return [1, 2, 3].map((line) => ({ entity: line, scalars: { [field]: at(`${three}.${group}.${first + line - 1}.0`, spec) } as Partial<Record<F, ScalarSpec>> }));
}

const inlets: Source<InletField>[] = [
  { // upsESystemInputTable: one row per input phase
    entry: eInput,
    fields: { frequency: { column: 2, ...hertz }, voltage: { column: 3, ...volts }, current: { column: 4, ...amps }, power: { column: 5, ...watts } },
  },
  ...threePhaseLines(2, 2, 'voltage', volts), // upsThreePhaseInputVoltageR/S/T
  ...[1, 2, 3].map((line): Source<InletField> => ({ entity: line, fillOnly: true, scalars: { frequency: at(`${three}.2.1.0`, hertz) } })), // upsThreePhaseInputFrequency, every line's
  { entity: 1, scalars: { voltage: at(`${x}.3.2.1.0`, volts), frequency: at(`${x}.3.2.4.0`, hertz) } }, // upsSmartInputLineVoltage, …Frequency
  ...upsMibInlets,
];

const phases: Source<PhaseField>[] = [
  { // upsESystemOutputTable: one row per output phase
    entry: eOutput,
    fields: { voltage: { column: 3, ...volts }, current: { column: 4, ...amps }, power: { column: 5, ...watts } },
  },
  ...threePhaseLines(3, 2, 'voltage', volts), // upsThreePhaseOutputVoltageR/S/T
  { entity: 1, scalars: { voltage: at(`${x}.4.2.1.0`, volts) } }, // upsSmartOutputVoltage
  ...upsMibPhases,
];

const bypass: Source<BypassField>[] = [
  { // upsESystemBypassTable: one row per bypass phase; 0.1 Hz, 0.1 V, 0.1 A, W
    entry: eBypass,
    fields: { frequency: { column: 2, ...hertz }, voltage: { column: 3, ...volts }, current: { column: 4, ...amps }, power: { column: 5, ...watts } },
  },
  ...threePhaseLines(4, 2, 'voltage', volts), // upsThreePhaseBypssSourceVoltageR/S/T
  upsMibBypassLines,
  ...bypassFrequency(at(`${three}.4.1.0`, hertz)), // upsThreePhaseBypassSourceFrequency
  ...upsMibBypassFrequency,
];

/**
 * EPPC-MIB's two load segments as outlets 1 and 2: upsELoadSegment1State / …2State off(1), on(2), off-pending(3: still on),
 * on-pending(4: still off); not-support(5) is no outlet. Read as one-row tables (instance .0) to carry that condition.
 */
const outlets: Source<OutletField>[] = [
  { entry: `${e}.5`, entityOffset: 1, where: { column: 5, notIn: [5] }, fields: { state: { column: 5, type: 'enum', map: { 1: 'off', 2: 'on', 3: 'on', 4: 'off' } } } },
  { entry: `${e}.5`, entityOffset: 2, where: { column: 10, notIn: [5] }, fields: { state: { column: 10, type: 'enum', map: { 1: 'off', 2: 'on', 3: 'on', 4: 'off' } } } },
];

const ups: Source<UpsField>[] = [
  {
    entity: 1,
    scalars: {
      // EPPC-MIB upsE
      source: at(`${e}.2.1.0`, eSystemStatus), // upsESystemStatus
      // upsEBatteryStatus: discharging(5) is a battery in use, not low; batteryFailure(6) cannot carry the load
      batteryStatus: at(`${e}.3.1.0`, { type: 'enum', map: { 2: 'normal', 3: 'low', 4: 'depleted', 5: 'normal', 6: 'depleted' } }),
      timeOnBattery: at(`${e}.3.2.0`, { type: 'number', min: 0 }), // upsESecondsOnBattery (s)
      runtime: at(`${e}.3.3.0`, { type: 'number', scale: 60, min: 0 }), // upsEBatteryEstimatedMinutesRemaining (min)
      charge: at(`${e}.3.4.0`, percent), // upsEBatteryEstimatedChargeRemaining (%)
      batteryVoltage: at(`${e}.3.5.0`, tenths(1_500)), // upsEPositiveBatteryVoltage (0.1 V DC)
      temperature: at(`${e}.3.8.0`, celsius), // upsEBatteryTemperature (0.1 degree)
    },
  },
  { entity: 1, scalars: { temperature: at(`${e}.2.2.0`, celsius) } }, // upsESystemTemperature (0.1 degree)
  { // upsESystemInputTable, phase 1 (the UPS section keeps row 1 only)
    entry: eInput,
    fields: { inputFrequency: { column: 2, ...hertz }, inputVoltage: { column: 3, ...volts } },
  },
  { // upsESystemOutputTable, phase 1
    entry: eOutput,
    fields: {
      outputFrequency: { column: 2, ...hertz }, outputVoltage: { column: 3, ...volts }, outputCurrent: { column: 4, ...amps },
      outputPower: { column: 5, ...watts }, load: { column: 7, ...whole(200) }, // upsESystemOutputWatts, upsESystemOutputLoad (% of rated capacity)
    },
  },
  {
    entity: 1,
    scalars: {
      // XPPC-MIB: a three-phase UPS's own group first (line R for per-line values), then the Smart and Base groups.
      charge: at(`${three}.1.2.0`, percent), // upsThreePhaseBatteryCapacityPercentage
      runtime: at(`${three}.1.3.0`, { type: 'number', scale: 60, min: 0 }), // upsThreePhaseBatteryTimeRemain ("unit is Minute")
      inputFrequency: at(`${three}.2.1.0`, hertz), // upsThreePhaseInputFrequency
      inputVoltage: at(`${three}.2.2.0`, volts), // upsThreePhaseInputVoltageR
      outputFrequency: at(`${three}.3.1.0`, hertz), // upsThreePhaseOutputFrequency
      outputVoltage: at(`${three}.3.2.0`, volts), // upsThreePhaseOutputVoltageR
      load: at(`${three}.3.5.0`, tenths(200)), // upsThreePhaseOutputLoadPercentageR
    },
  },
  {
    entity: 1,
    scalars: {
      source: at(`${x}.4.1.1.0`, baseOutputStatus), // upsBaseOutputStatus
      batteryStatus: at(`${x}.2.1.1.0`, { type: 'enum', map: { 2: 'normal', 3: 'low' } }), // upsBaseBatteryStatus; unknown(1) stays unknown
      timeOnBattery: at(`${x}.2.1.2.0`, { type: 'number', min: 0 }), // upsBaseBatteryTimeOnBattery (s)
      charge: at(`${x}.2.2.1.0`, percent), // upsSmartBatteryCapacity (%)
      batteryVoltage: at(`${x}.2.2.2.0`, tenths(1_500)), // upsSmartBatteryVoltage (1/10 VDC)
      temperature: at(`${x}.2.2.3.0`, celsius), // upsSmartBatteryTemperature (tenths of °C, the UPS's internal temperature)
      runtime: at(`${x}.2.2.4.0`, { type: 'number', min: 0 }), // upsSmartBatteryRunTimeRemaining (s)
      inputVoltage: at(`${x}.3.2.1.0`, volts), // upsSmartInputLineVoltage (1/10 VAC)
      inputFrequency: at(`${x}.3.2.4.0`, hertz), // upsSmartInputFrequency (1/10 Hz)
      outputVoltage: at(`${x}.4.2.1.0`, volts), // upsSmartOutputVoltage (1/10 VAC)
      outputFrequency: at(`${x}.4.2.2.0`, hertz), // upsSmartOutputFrequency (1/10 Hz)
      load: at(`${x}.4.2.3.0`, whole(200)), // upsSmartOutputLoad (% of rated capacity)
    },
  },
  // The standard UPS-MIB many of these cards also serve, beneath the vendor's objects.
  ...upsMibUps,
];

export const megatecUps: Profile = {
  name: 'megatec-ups',
  vendor: 'Megatec',
  kind: 'ups',
  mibs: ['XPPC-MIB', 'EPPC-MIB', 'PROBE-MIB', 'UPS-MIB'],
  detect: {
    sysObjectId: [PPC], // the cards give the enterprise itself (1.3.6.1.4.1.935), or a product under it
    probe: [`${x}.4.1.1`, `${e}.2.1`], // upsBaseOutputStatus, upsESystemStatus
  },
  identity: {
    vendor: [at(`${e}.1.1.0`, text), ...upsMibIdentity.vendor], // upsEIdentityManufacturer, upsIdentManufacturer (the UPS's maker: cards are sold under many brands)
    model: [at(`${e}.1.2.0`, text), at(`${x}.1.1.1.0`, text), ...upsMibIdentity.model], // upsEIdentityModel, upsBaseIdentModel
    serial: [at(`${e}.1.4.0`, text), at(`${x}.1.2.3.0`, text)], // upsEIndentityUPSSerialNumber, upsSmartIdentUpsSerialNumber
    // upsEIdentityUPSFirmwareVerison, upsSmartIdentFirmwareRevision, then the UPS-MIB's UPS and agent versions
    firmware: [at(`${e}.1.3.0`, text), at(`${x}.1.2.1.0`, text), ...upsMibIdentity.firmware],
    name: [at(`${e}.1.5.0`, text), at(`${x}.1.1.2.0`, text), ...upsMibIdentity.name], // upsEIdentityDescription, upsBaseIdentUpsName
  },
  inlets,
  phases,
  bypass,
  outlets,
  ups,
  sensors: [
    // EPPC-MIB upsEEnvironment: the card's temperature (0.1 degree) and humidity (%) sensor
    { entity: 1, scalars: { value: at(`${e}.6.1.1.0`, celsius) }, constants: { kind: 'temperature' } }, // upsEEnvironmentCurrentTemperature
    { entity: 2, scalars: { value: at(`${e}.6.2.1.0`, percent) }, constants: { kind: 'humidity' } }, // upsEEnvironmentCurrentHumidity
    // PROBE-MIB probeStatus (UNITS "0.1 degrees Centigrade", "percentage")
    { entity: 1, scalars: { value: at(`${PROBE}.1.0`, celsius) }, constants: { kind: 'temperature' } }, // probeStatusTemperature
    { entity: 2, scalars: { value: at(`${PROBE}.2.0`, percent) }, constants: { kind: 'humidity' } }, // probeStatusHumidity
    // XPPC-MIB's upsEnvTemperature and upsEnvHumidity name no unit: not read.
  ],
  // SNMPv1 TRAP-TYPEs, read from their DESCRIPTIONs (enterprise E, specific N → E.0.N): XPPC-MIB's under ppc,
  // EPPC-MIB's under upsETraps (upsAgent 2). The environment and module notifications stay out: nothing here reads them.
  traps: [
    { oid: `${PPC}.0.1`, name: 'communicationLost', event: 'communication-lost' },
    { oid: `${PPC}.0.2`, name: 'upsOverLoad', event: 'overload' },
    { oid: `${PPC}.0.3`, name: 'upsDiagnosticsFailed', event: 'alarm' },
    { oid: `${PPC}.0.4`, name: 'upsDischarged', event: 'test' }, // "started a runtime calibration discharge"
    { oid: `${PPC}.0.5`, name: 'upsOnBattery', event: 'on-battery' },
    { oid: `${PPC}.0.6`, name: 'boostOn', event: 'alarm' }, // still on mains
    { oid: `${PPC}.0.7`, name: 'lowBattery', event: 'battery-low' },
    { oid: `${PPC}.0.8`, name: 'communicationEstablished', event: 'communication-restored' },
    { oid: `${PPC}.0.9`, name: 'powerRestored', event: 'on-mains' },
    { oid: `${PPC}.0.10`, name: 'upsDiagnosticsPassed', event: 'test' },
    { oid: `${PPC}.0.11`, name: 'returnFromLowBattery', event: 'battery-low-cleared' },
    { oid: `${PPC}.0.12`, name: 'upsTurnedOff', event: 'alarm' },
    { oid: `${PPC}.0.13`, name: 'upsSleeping', event: 'alarm' }, // "power to the load will be cut off"
    { oid: `${PPC}.0.14`, name: 'upsWokeUp', event: 'alarm-cleared' },
    { oid: `${PPC}.0.28`, name: 'upsLoadNormal', event: 'overload-cleared' },
    { oid: `${PPC}.0.32`, name: 'upsBypass', event: 'on-bypass' },
    { oid: `${PPC}.0.51`, name: 'upsTest', event: 'test' },
    { oid: `${PPC}.0.53`, name: 'upsBypassReturn', event: 'on-mains' },
    { oid: `${PPC}.0.60`, name: 'upsBypassMode', event: 'on-bypass' }, // static switch in bypass mode
    { oid: `${PPC}.0.62`, name: 'upsOverLoadShutdown', event: 'overload' },
    { oid: `${PPC}.0.67`, name: 'upsLowBatteryShutdown', event: 'battery-discharged' },
    { oid: `${ETRAPS}.0.1`, name: 'upsEPowerFail', event: 'alarm' }, // utility power not available: on-battery is its own notification (7)
    { oid: `${ETRAPS}.0.2`, name: 'upsEPowerRestored', event: 'alarm-cleared' },
    { oid: `${ETRAPS}.0.3`, name: 'upsELowBattery', event: 'battery-low' },
    { oid: `${ETRAPS}.0.4`, name: 'upsEReturnFromLowBattery', event: 'battery-low-cleared' },
    { oid: `${ETRAPS}.0.5`, name: 'upsEFailed', event: 'alarm' },
    { oid: `${ETRAPS}.0.6`, name: 'upsEOk', event: 'alarm-cleared' },
    { oid: `${ETRAPS}.0.7`, name: 'upsEOnBattery', event: 'on-battery' },
    { oid: `${ETRAPS}.0.8`, name: 'upsENotOnBattery', event: 'on-mains' },
    { oid: `${ETRAPS}.0.9`, name: 'upsETestInProgress', event: 'test' },
    { oid: `${ETRAPS}.0.10`, name: 'upsETestOver', event: 'test' },
    { oid: `${ETRAPS}.0.11`, name: 'upsEBypassOn', event: 'on-bypass' },
    { oid: `${ETRAPS}.0.12`, name: 'upsEOnline', event: 'on-mains' }, // "not on Bypass and return to normal status"
    { oid: `${ETRAPS}.0.13`, name: 'upsECommunicationLost', event: 'communication-lost' },
    { oid: `${ETRAPS}.0.14`, name: 'upsECommunicationEstablished', event: 'communication-restored' },
    { oid: `${ETRAPS}.0.15`, name: 'upsEGoingShutdown', event: 'alarm' },
    { oid: `${ETRAPS}.0.16`, name: 'upsEShutdownCancelled', event: 'alarm-cleared' },
    { oid: `${ETRAPS}.0.21`, name: 'upsESleeping', event: 'alarm' }, // power to the load cut off
    { oid: `${ETRAPS}.0.22`, name: 'upsEWokeUp', event: 'alarm-cleared' },
    { oid: `${ETRAPS}.0.25`, name: 'upsEOverLoad', event: 'overload' },
    { oid: `${ETRAPS}.0.26`, name: 'upsENotOverLoad', event: 'overload-cleared' },
  ],
};
