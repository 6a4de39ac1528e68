import type { Profile, ScalarSpec, TrapDefinition, TrapEvent, TrapRef, ValueSpec } from './profile.js';

// ICT DC distribution panels (ICT-PDU-MIB v1.04, distPanel = ictPower 10). A panel feeds fused, relay-switched
// outputs from one or two DC buses. Units per the DESCRIPTIONs: volts and amps as text ("System Voltage (Volts)"),
// and in hundredths where the MIB adds an integer twin ("Amps X 100", "Volts X 100"); the integers are read first.
// The MIB defines no "not available" value. The panel's DC readings are positive: a negative one (a −48 V plant
// reporting its sign) is out of bounds, implausible, never a number.
// Buses are the inlets; each output is an outlet and, for its fuse, a bank of its own (same number).
// The alarm inputs (alarmTable: dry contacts) have no place in the model.
const PANEL = '1.3.6.1.4.1.39145.10'; // distPanel
const output = `${PANEL}.8.1`; // outputEntry, INDEX outputNumber
const bus = `${PANEL}.10.1`; // busEntry, INDEX busNumber

const text: ValueSpec = { type: 'string' };
const at = (oid: string, spec: ValueSpec): ScalarSpec => ({ oid, ...spec });
const hundredths: ValueSpec = { type: 'number', scale: 0.01, min: 0, max: 1_000 };
const fromText: ValueSpec = { type: 'number', fromText: true, min: 0, max: 1_000 };

// TRAP-TYPEs with ENTERPRISE distPanel: snmpTrapOID distPanel.0.specific (RFC 3584). Each carries the number of
// its bus, output or alarm input (the varbind's value).
const busRef: TrapRef = { oid: `${bus}.1` }; // busNumber
const outputRef: TrapRef = { oid: `${output}.1` }; // outputNumber
const onBus = (n: number, name: string, event: TrapEvent): TrapDefinition => ({ oid: `${PANEL}.0.${n}`, name, event, inlet: busRef });
const onOutput = (n: number, name: string, event: TrapEvent): TrapDefinition => ({ oid: `${PANEL}.0.${n}`, name, event, outlet: outputRef });
const onFuse = (n: number, name: string, event: TrapEvent): TrapDefinition => ({ ...onOutput(n, name, event), bank: outputRef });

export const ictPdu: Profile = {
  name: 'ict-pdu',
  vendor: 'ICT',
  kind: 'pdu',
  mibs: ['ICT-PDU-MIB'],
  detect: {
    sysObjectId: [PANEL], // the MIB names no product OIDs; the panels answer distPanel
    probe: [`${output}.4`, `${bus}.5`], // outputFuseStatus, busVoltageX100
  },
  quirks: { getNext: true }, // these agents are known to mishandle GETBULK
  identity: {
    model: [at(`${PANEL}.1.0`, text)], // deviceModel
    firmware: [at(`${PANEL}.4.0`, text)], // deviceFirmware
    name: [at(`${PANEL}.2.0`, text)], // deviceName ("Site Name")
    // The MIB has no serial number; deviceHardware is a version number.
  },
  // The MIB has no power object (DC volts × amps is not served).
  inlets: [
    { // busTable: busName, busVoltageX100, busCurrentX100 ("Total Bus Current")
      entry: bus,
      fields: { name: { column: 2, ...text }, voltage: { column: 5, ...hundredths }, current: { column: 6, ...hundredths } },
    },
    { entry: bus, fields: { voltage: { column: 3, ...fromText }, current: { column: 4, ...fromText } } }, // busVoltage, busCurrent (text)
    // systemVoltage, systemCurrent: the panel's input where it serves no bus table (a single-bus panel, firmware
    // before v1.04's busTable). Bus 1's own values come first; these only fill what bus 1 does not answer.
    { entity: 1, scalars: { voltage: at(`${PANEL}.6.0`, fromText), current: at(`${PANEL}.7.0`, fromText) } },
  ],
  banks: [
    { // outputFuseStatus ok(1) open(2): each output's fuse, as a bank named as its output
      entry: output,
      fields: {
        name: { column: 2, ...text }, breaker: { column: 4, type: 'enum', map: { 1: 'ok', 2: 'tripped' } },
        current: { column: 6, ...hundredths }, // outputCurrentX100
      },
    },
    { entry: output, fields: { current: { column: 3, ...fromText } } }, // outputCurrent (text)
  ],
  outlets: [
    { // outputTable: outputName (label), outputEnable (the output relay) enabled(1) disabled(2), outputCurrentX100
      entry: output,
      fields: {
        name: { column: 2, ...text }, state: { column: 5, type: 'enum', map: { 1: 'on', 2: 'off' } },
        current: { column: 6, ...hundredths }, bank: { column: 1, type: 'number', min: 0 }, // outputNumber: its own fuse
      },
    },
    { entry: output, fields: { current: { column: 3, ...fromText } } }, // outputCurrent (text)
  ],
  traps: [
    onBus(101, 'sysUndervoltageAlarmTrap', 'alarm'),
    onBus(102, 'sysOvervoltageAlarmTrap', 'alarm'),
    onBus(103, 'sysOvercurrentAlarmTrap', 'overload'),
    onFuse(104, 'fuseAlarmTrap', 'breaker-tripped'),
    onOutput(105, 'undercurrentAlarmTrap', 'low-load'),
    onOutput(106, 'overcurrentAlarmTrap', 'overload'),
    onOutput(107, 'loadshedTrap', 'outlet-off'), // load shedding switches the output off
    { oid: `${PANEL}.0.108`, name: 'alarmInputTrap', event: 'alarm' }, // carries alarmNumber (an alarm input): no entity of the model
    onBus(111, 'sysUndervoltageAlarmClear', 'alarm-cleared'),
    onBus(112, 'sysOvervoltageAlarmClear', 'alarm-cleared'),
    onBus(113, 'sysOvercurrentAlarmClear', 'overload-cleared'),
    onFuse(114, 'fuseAlarmClear', 'breaker-reset'),
    onOutput(115, 'undercurrentAlarmClear', 'low-load-cleared'),
    onOutput(116, 'overcurrentAlarmClear', 'overload-cleared'),
    onOutput(117, 'loadshedClear', 'outlet-on'), // "recovered from a Load-Shedding condition"
    { oid: `${PANEL}.0.118`, name: 'alarmInputClear', event: 'alarm-cleared' },
    onOutput(126, 'scheduledPowerCycle', 'outlet-reboot'),
  ],
};
