import type { LoadState } from '../model.js';
import type { BankField, OutletField, Profile, ScalarSpec, Source, TrapDefinition, TrapEvent, TrapRefs, ValueSpec } from './profile.js';

// APC InfraStruXure PDUs (PowerNet-MIB), two generations read by one profile (a device serves one or the other):
// - the InfraStruXure PDU (xPDU, hardware 15; product infraStruXurePDU): a floor PDU with a main input, a UPS feed and
//   bypass, and a breaker panel of up to 84 positions;
// - the ISX modular distribution (isxModularDistribution and isxModularPdu, hardware 22 and 23; product
//   isxModDistribution): plug-in distribution modules, each a one- to three-pole breaker feeding one or more
//   distribution cables, subfeed breakers, and the panel's metering.
//
// What the model's parts are here:
// - inlet: the xPDU's main input, as its phase-1 voltage (the MIB meters no input current or power); the modular
//   system meters no input (only a nominal voltage) and has none;
// - phases: the distribution panel's output phases (both generations meter the panel, not the input);
// - banks: the xPDU's panel positions (each a branch breaker and its circuit: rating and current, no position); the
//   modular system's distribution modules, numbered by slot, and its subfeeds as banks 101 and up;
// - outlets: the modular system's distribution cables, monitored for power and energy (not switched: no state),
//   numbered module + 100 × (cable - 1), on the bank of their module. The xPDU's branch circuits are its banks.
// Units per the MIB's DESCRIPTIONs: tenths of volts, amps, kW and kWh; the xPDU's branch ratings in amps. -1 is
// "not available" (the MIB says so of currents, voltages, frequency and thresholds here).
const APC = '1.3.6.1.4.1.318';
const xPDU = `${APC}.1.1.15`;
const dist = `${APC}.1.1.22`; // isxModularDistribution
const isxPdu = `${APC}.1.1.23`; // isxModularPdu
const mtrapargsInteger = `${APC}.2.3.1`;

const NA = [-1];
const text: ValueSpec = { type: 'string' };
const at = (oid: string, spec: ValueSpec): ScalarSpec => ({ oid, ...spec });
const deciVolts: ValueSpec = { type: 'number', scale: 0.1, sentinels: NA, min: 0, max: 1_000 };
const deciAmps: ValueSpec = { type: 'number', scale: 0.1, sentinels: NA, min: 0, max: 5_000 };
const deciKilowatts: ValueSpec = { type: 'number', scale: 100, sentinels: NA, min: 0, max: 10_000_000 };
const deciKilowattHours: ValueSpec = { type: 'number', scale: 0.1, sentinels: NA, min: 0 };

// The modular system's alarm bitmaps (…BreakerAlarmStatus, …SubFeedLoadingAlarmStatus, …SysCurrentAlarmStatus):
// b0 minimum (critical) and b1 low (warning) current, b2 high (warning), b3 maximum (critical), b4 breaker open.
const MIN = 1, LOW = 2, HIGH = 4, MAX = 8;
const bitmaps = Array.from({ length: 32 }, (_, n) => n);
const loadOfBits = (n: number): LoadState => (n & MAX ? 'overload' : n & HIGH ? 'near-overload' : n & (MIN | LOW) ? 'low' : 'normal');
const alarmLoad: ValueSpec = { type: 'enum', map: Object.fromEntries(bitmaps.map((n) => [n, loadOfBits(n)])) };
const withBits = (mask: number) => bitmaps.filter((n) => n & mask);
// …BreakerPosition / …SubFeedInfoBreakerPosition: open(1) "including tripped", closed(2).
const position: ValueSpec = { type: 'enum', map: { 1: 'tripped', 2: 'ok' } };

/**
 * A breaker whose poles (or a subfeed whose phases) are rows indexed breaker.phase: its load state and current are
 * those of its worst pole by the device's alarm bits (maximum, then high, then low), else of its first pole.
 */
function byWorstPole(entry: string, alarms: number, current: number, entityOffset = 0): Source<BankField>[] {
  const fields = { loadState: { column: alarms, ...alarmLoad }, current: { column: current, ...deciAmps } };
  return [...[MAX, HIGH, MIN | LOW].map((mask) => ({ entry, entity: { position: 0 }, entityOffset, where: { column: alarms, in: withBits(mask) }, fields })),
    { entry, entity: { position: 0 }, entityOffset, fields }];
}

/** Distribution cable number `cord` of every module (isxModularDistModuleOutputTable, indexed module.cord). */
function cable(cord: number): Source<OutletField> {
  return {
    entry: `${dist}.2.6.1`, rowTypeAt: 1, entity: { position: 0 }, entityOffset: 100 * (cord - 1),
    where: { column: 6, notIn: [4] }, // …OutputStatus notPresent(4): "the cable does not exist for this module"
    fields: {
      bank: { column: 1, rowType: cord, type: 'number', min: 1, max: 99 }, // …OutputModIndex
      name: { column: 4, rowType: cord, ...text }, // …OutputName: the load equipment it feeds
      power: { column: 20, rowType: cord, ...deciKilowatts }, // …OutputTotalPower
      energy: { column: 21, rowType: cord, ...deciKilowattHours }, // …OutputKwhUsage (since its reset date)
    },
  };
}

const trap = (n: number, name: string, event: TrapEvent, refs: { bank?: TrapRefs; phase?: TrapRefs } = {}): TrapDefinition =>
  ({ oid: `${APC}.0.${n}`, name, event, ...refs });
// The panel position, module number or output phase these traps name is their first integer argument.
const arg = { oid: mtrapargsInteger };

export const apcIsxPdu: Profile = {
  name: 'apc-isx-pdu',
  vendor: 'APC',
  kind: 'pdu',
  mibs: ['PowerNet-MIB'],
  detect: {
    sysObjectId: [`${APC}.1.3.15`, `${APC}.1.3.24`], // infraStruXurePDU, isxModDistribution
    probe: [`${xPDU}.3.4.14.1.4`, `${dist}.2.4.1.9`], // xPDUSystemOutputPhaseCurrent, isxModularDistModuleBreakerCurrent
  },
  identity: {
    model: [at(`${xPDU}.1.7.0`, text), at(`${isxPdu}.1.1.0`, text)], // xPDUIdentModelNumber, isxModularPduIdentModelNumber
    serial: [at(`${xPDU}.1.8.0`, text), at(`${isxPdu}.1.2.0`, text)], // …SerialNumber
    firmware: [at(`${xPDU}.1.3.0`, text), at(`${isxPdu}.1.6.0`, text)], // xPDUIdentFirmwareAppRev, isxModularPduIdentMonitorCardFirmwareAppRev
    name: [at(`${xPDU}.1.1.0`, text)], // xPDUIdentProductName ("The name of the PDU"); the modular PDU has none
  },
  device: {
    power: [at(`${xPDU}.3.4.3.0`, deciKilowatts), at(`${dist}.4.3.1.0`, deciKilowatts)], // xPDUSystemOutputTotalPower, isxModularDistSysPowerTotal
    energy: [at(`${dist}.4.3.2.0`, deciKilowattHours)], // isxModularDistSysPowerKwhUsage (since its reset date)
  },
  inlets: [
    // xPDUMainInputVoltagePhaseTable, phase 1: line-to-neutral without an isolation transformer, line-to-line with
    // one (the other is -1). The output frequency (xPDUSystemOutputFrequency) is the panel's, not the input's.
    { entity: 1, scalars: { voltage: at(`${xPDU}.3.1.4.1.3.1`, deciVolts) }, constants: { name: 'Main input' } },
    { entity: 1, scalars: { voltage: at(`${xPDU}.3.1.4.1.2.1`, deciVolts) }, constants: { name: 'Main input' } },
  ],
  phases: [
    { // xPDUSystemOutputPhaseTable: …VoltageLtoN (L-L where L-N is not available), …PhaseCurrent, …Power
      entry: `${xPDU}.3.4.14.1`,
      fields: { voltage: { column: 3, ...deciVolts }, current: { column: 4, ...deciAmps }, power: { column: 5, ...deciKilowatts } },
    },
    { entry: `${xPDU}.3.4.14.1`, fields: { voltage: { column: 2, ...deciVolts } } },
    { entry: `${dist}.4.1.15.1`, fields: { voltage: { column: 3, ...deciVolts } } }, // isxModularDistSysVoltageLtoN
    { entry: `${dist}.4.1.15.1`, fields: { voltage: { column: 4, ...deciVolts } } }, // isxModularDistSysVoltageLtoL
    { // isxModularDistSysCurrentTable: …AlarmStatus, …Amps
      entry: `${dist}.4.2.11.1`,
      fields: { loadState: { column: 2, ...alarmLoad }, current: { column: 3, ...deciAmps } },
    },
    { entry: `${dist}.4.3.5.1`, fields: { power: { column: 2, ...deciKilowatts } } }, // isxModularDistSysPowerKw
  ],
  // The modular system's breaker ratings (…BreakerRating, …SubFeedInfoBreakerRating) have no unit in the MIB: not read.
  // The xPDU's system breakers (xPDUSystemBreakerTable: main input, UPS feed, maintenance bypass …) are left out: their
  // open position is a mode of the system (an open bypass breaker is normal), not a tripped branch.
  banks: [
    { // xPDUBranchBreakerTable: a panel position rated 0 holds no breaker, 1 an earth leakage and 2 a neutral connection
      entry: `${xPDU}.4.2.3.1`, where: { column: 2, notIn: [0, 1, 2] },
      fields: {
        rating: { column: 2, type: 'number', min: 3, max: 1_000 }, // xPDUBranchBreakerRating (A)
        current: { column: 5, ...deciAmps }, name: { column: 10, ...text }, // …Current, …Name
      },
    },
    // isxModularDistModuleBreakerTable (module.pole): the module's breaker is open when any pole is
    { entry: `${dist}.2.4.1`, entity: { position: 0 }, where: { column: 7, in: [1] }, fields: { breaker: { column: 7, ...position } } },
    { entry: `${dist}.2.4.1`, entity: { position: 0 }, fields: { breaker: { column: 7, ...position } } },
    ...byWorstPole(`${dist}.2.4.1`, 3, 9), // …BreakerAlarmStatus, …BreakerCurrent
    { // isxModularDistSubFeedInfoTable: …Name, …BreakerPosition
      entry: `${dist}.3.2.1`, entityOffset: 100,
      fields: { name: { column: 2, ...text }, breaker: { column: 5, ...position } },
    },
    ...byWorstPole(`${dist}.3.4.1`, 3, 4, 100), // isxModularDistSubFeedLoadingTable (subfeed.phase): …AlarmStatus, …Current
  ],
  outlets: [1, 2, 3, 4].map(cable), // a module's cables (…ModuleInfoNumCables): the MIB states no maximum, four are read
  // PowerNet-MIB TRAP-TYPEs (enterprise apc, specific N → apc.0.N): the xPDU's, the older InfraStruXure PDU firmware's
  // "APC PDU" ones (189-221) and the modular system's. A subfeed's number (bank 100 + n) is left out of its traps.
  traps: [
    trap(189, 'pduCommunicationEstablished', 'communication-restored'),
    trap(190, 'pduCommunicationLost', 'communication-lost'),
    trap(191, 'pduUtilityLineUndervoltage', 'alarm'),
    trap(192, 'pduUtilityLineUndervoltageCleared', 'alarm-cleared'),
    trap(193, 'pduUtilityLineOvervoltage', 'alarm'),
    trap(194, 'pduUtilityLineOvervoltageCleared', 'alarm-cleared'),
    trap(195, 'pduGroundOvercurrent', 'alarm'),
    trap(196, 'pduGroundOvercurrentCleared', 'alarm-cleared'),
    trap(197, 'pduCircuitPanelInputUndervoltage', 'alarm', { phase: arg }),
    trap(198, 'pduCircuitPanelInputUndervoltageCleared', 'alarm-cleared', { phase: arg }),
    trap(199, 'pduCircuitPanelInputOvervoltage', 'alarm', { phase: arg }),
    trap(200, 'pduCircuitPanelInputOvervoltageCleared', 'alarm-cleared', { phase: arg }),
    trap(201, 'pduCircuitPanelInputUndercurrent', 'low-load', { phase: arg }),
    trap(202, 'pduCircuitPanelInputUndercurrentCleared', 'low-load-cleared', { phase: arg }),
    trap(203, 'pduCircuitPanelInputOvercurrent', 'overload', { phase: arg }),
    trap(204, 'pduCircuitPanelInputOvercurrentCleared', 'overload-cleared', { phase: arg }),
    trap(205, 'pduCircuitPanelFrequencyOutOfRange', 'alarm'),
    trap(206, 'pduCircuitPanelFrequencyOutofRangeCleared', 'alarm-cleared'),
    trap(207, 'pduCircuitPanelNeutralOvercurrent', 'alarm'),
    trap(208, 'pduCircuitPanelNeutralOvercurrentCleared', 'alarm-cleared'),
    trap(209, 'pduSystemOff', 'alarm'),
    trap(210, 'pduOnBatteryMode', 'on-battery'),
    trap(211, 'pduMaintenanceBypassMode', 'on-bypass'),
    trap(212, 'pduAtypicalBypassMode', 'on-bypass'),
    trap(213, 'pduNoPanelFeedMode', 'alarm'),
    trap(214, 'pduUpsOperationMode', 'on-mains'), // the load back on its normal path, through the UPS
    trap(215, 'pduForcedBypassMode', 'on-bypass'),
    trap(216, 'pduInputTransformerOverTemperature', 'alarm'),
    trap(217, 'pduInputTransformerOverTemperatureCleared', 'alarm-cleared'),
    trap(218, 'pduUPSInputVoltageLost', 'alarm'),
    trap(219, 'pduUPSInputVoltageRestored', 'alarm-cleared'),
    // xPDU: output phases 1-3 (L1-N … L3-N) and panel positions (1-based) in mtrapargsInteger
    trap(312, 'xPDUInputVoltageLowAlarm', 'alarm'),
    trap(313, 'xPDUInputVoltageLowAlarmCleared', 'alarm-cleared'),
    trap(314, 'xPDUInputVoltageHighAlarm', 'alarm'),
    trap(315, 'xPDUInputVoltageHighAlarmCleared', 'alarm-cleared'),
    trap(316, 'xPDUBypassVoltageLowAlarm', 'alarm'),
    trap(317, 'xPDUBypassVoltageLowAlarmCleared', 'alarm-cleared'),
    trap(318, 'xPDUBypassVoltageHighAlarm', 'alarm'),
    trap(319, 'xPDUBypassVoltageHighAlarmCleared', 'alarm-cleared'),
    trap(320, 'xPDUOutputVoltageLowAlarm', 'alarm', { phase: arg }),
    trap(321, 'xPDUOutputVoltageLowAlarmCleared', 'alarm-cleared', { phase: arg }),
    trap(322, 'xPDUOutputVoltageHighAlarm', 'alarm', { phase: arg }),
    trap(323, 'xPDUOutputVoltageHighAlarmCleared', 'alarm-cleared', { phase: arg }),
    trap(324, 'xPDUOutputCurrentLowAlarm', 'low-load', { phase: arg }),
    trap(325, 'xPDUOutputCurrentLowAlarmCleared', 'low-load-cleared', { phase: arg }),
    trap(326, 'xPDUOutputCurrentHighAlarm', 'overload', { phase: arg }),
    trap(327, 'xPDUOutputCurrentHighAlarmCleared', 'overload-cleared', { phase: arg }),
    trap(328, 'xPDUOutputFrequencyAlarm', 'alarm'),
    trap(329, 'xPDUOutputFrequencyAlarmCleared', 'alarm-cleared'),
    trap(330, 'xPDUSystemGroundCurrentAlarm', 'alarm'),
    trap(331, 'xPDUSystemGroundCurrentAlarmCleared', 'alarm-cleared'),
    trap(334, 'xPDUOutputNeutralCurrentHighAlarm', 'alarm'),
    trap(335, 'xPDUOutputNeutralCurrentHighAlarmCleared', 'alarm-cleared'),
    trap(336, 'xPDUCoolingFanAlarm', 'alarm'),
    trap(337, 'xPDUCoolingFanAlarmCleared', 'alarm-cleared'),
    trap(338, 'xPDUTransformerTempAlarm', 'alarm'),
    trap(339, 'xPDUTransformerTempAlarmCleared', 'alarm-cleared'),
    trap(340, 'xPDUBranchCurrentLowAlarm', 'low-load', { bank: arg }),
    trap(341, 'xPDUBranchCurrentLowAlarmCleared', 'low-load-cleared', { bank: arg }),
    trap(342, 'xPDUBranchCurrentHighAlarm', 'near-overload', { bank: arg }), // WARNING: over its high threshold
    trap(343, 'xPDUBranchCurrentHighAlarmCleared', 'near-overload-cleared', { bank: arg }),
    trap(344, 'xPDUInternalCommError', 'communication-lost'),
    trap(479, 'xPDUInternalCommErrorCleared', 'communication-restored'),
    trap(480, 'xPDUSystemStateAlarm', 'alarm'),
    trap(481, 'xPDUSystemStateAlarmCleared', 'alarm-cleared'),
    trap(484, 'xPDUFuseBlownAlarm', 'alarm'),
    trap(485, 'xPDUFuseBlownAlarmCleared', 'alarm-cleared'),
    trap(486, 'xPDUBreakerPositionAlarm', 'alarm'),
    trap(487, 'xPDUBreakerPositionAlarmCleared', 'alarm-cleared'),
    trap(491, 'xPDUSystemInMaintenanceBypassMode', 'on-bypass'),
    trap(492, 'xPDUSystemInUPSOperationalMode', 'on-mains'),
    trap(626, 'xPDUBranchCurrentMinAlarm', 'low-load', { bank: arg }),
    trap(627, 'xPDUBranchCurrentMinAlarmCleared', 'low-load-cleared', { bank: arg }),
    trap(628, 'xPDUBranchCurrentMaxAlarm', 'overload', { bank: arg }), // SEVERE: over its maximum threshold
    trap(629, 'xPDUBranchCurrentMaxAlarmCleared', 'overload-cleared', { bank: arg }),
    // modular: the module number (bank) or output phase in mtrapargsInteger
    trap(652, 'isxModularDistributionCommLost', 'communication-lost'),
    trap(653, 'isxModularDistributionCommEstablished', 'communication-restored'),
    trap(656, 'isxModularBreakerOpenAlarm', 'breaker-tripped', { bank: arg }),
    trap(657, 'isxModularBreakerOpenAlarmCleared', 'breaker-reset', { bank: arg }),
    trap(658, 'isxModularMinCurrentThresholdViolation', 'low-load', { bank: arg }),
    trap(659, 'isxModularMinCurrentThresholdViolationCleared', 'low-load-cleared', { bank: arg }),
    trap(660, 'isxModularLowCurrentThresholdViolation', 'low-load', { bank: arg }),
    trap(661, 'isxModularLowCurrentThresholdViolationCleared', 'low-load-cleared', { bank: arg }),
    trap(662, 'isxModularHighCurrentThresholdViolation', 'near-overload', { bank: arg }),
    trap(663, 'isxModularHighCurrentThresholdViolationCleared', 'near-overload-cleared', { bank: arg }),
    trap(664, 'isxModularMaxCurrentThresholdViolation', 'overload', { bank: arg }),
    trap(665, 'isxModularMaxCurrentThresholdViolationCleared', 'overload-cleared', { bank: arg }),
    trap(666, 'isxModularSubfeedBreakerOpenAlarm', 'breaker-tripped'),
    trap(667, 'isxModularSubfeedBreakerOpenAlarmCleared', 'breaker-reset'),
    trap(668, 'isxModularSubfeedMinCurrentThresholdViolation', 'low-load'),
    trap(669, 'isxModularSubfeedMinCurrentThresholdViolationCleared', 'low-load-cleared'),
    trap(670, 'isxModularSubfeedLowCurrentThresholdViolation', 'low-load'),
    trap(671, 'isxModularSubfeedLowCurrentThresholdViolationCleared', 'low-load-cleared'),
    trap(672, 'isxModularSubfeedHighCurrentThresholdViolation', 'near-overload'),
    trap(673, 'isxModularSubfeedHighCurrentThresholdViolationCleared', 'near-overload-cleared'),
    trap(674, 'isxModularSubfeedMaxCurrentThresholdViolation', 'overload'),
    trap(675, 'isxModularSubfeedMaxCurrentThresholdViolationCleared', 'overload-cleared'),
    trap(676, 'isxModularTotalOutputCurrentMinThresholdViolation', 'low-load', { phase: arg }),
    trap(677, 'isxModularTotalOutputCurrentMinThresholdViolationCleared', 'low-load-cleared', { phase: arg }),
    trap(678, 'isxModularTotalOutputCurrentLowThresholdViolation', 'low-load', { phase: arg }),
    trap(679, 'isxModularTotalOutputCurrentLowThresholdViolationCleared', 'low-load-cleared', { phase: arg }),
    trap(680, 'isxModularTotalOutputCurrentHighThresholdViolation', 'near-overload', { phase: arg }),
    trap(681, 'isxModularTotalOutputCurrentHighThresholdViolationCleared', 'near-overload-cleared', { phase: arg }),
    trap(682, 'isxModularTotalOutputCurrentMaxThresholdViolation', 'overload', { phase: arg }),
    trap(683, 'isxModularTotalOutputCurrentMaxThresholdViolationCleared', 'overload-cleared', { phase: arg }),
    trap(684, 'isxModularOutputVoltageMinThresholdViolation', 'alarm', { phase: arg }),
    trap(685, 'isxModularOutputVoltageMinThresholdViolationCleared', 'alarm-cleared', { phase: arg }),
    trap(686, 'isxModularOutputVoltageLowThresholdViolation', 'alarm', { phase: arg }),
    trap(687, 'isxModularOutputVoltageLowThresholdViolationCleared', 'alarm-cleared', { phase: arg }),
    trap(688, 'isxModularOutputVoltageHighThresholdViolation', 'alarm', { phase: arg }),
    trap(689, 'isxModularOutputVoltageHighThresholdViolationCleared', 'alarm-cleared', { phase: arg }),
    trap(690, 'isxModularOutputVoltageMaxThresholdViolation', 'alarm', { phase: arg }),
    trap(691, 'isxModularOutputVoltageMaxThresholdViolationCleared', 'alarm-cleared', { phase: arg }),
    trap(696, 'isxModularOutputFrequencyThresholdViolation', 'alarm'),
    trap(697, 'isxModularOutputFrequencyViolationCleared', 'alarm-cleared'),
    trap(728, 'isxModularTransformerOverheating', 'alarm'),
    trap(729, 'isxModularTransformerOverheatingCleared', 'alarm-cleared'),
    trap(756, 'isxModularCoolingFanAlarm', 'alarm'),
    trap(757, 'isxModularCoolingFanAlarmCleared', 'alarm-cleared'),
  ],
};
