import type { Profile, RowCondition, SensorField, TableSource, TrapDefinition, TrapEvent, ValueSpec } from './profile.js';

// PLANET IP power managers (IPM-4220, IPM-8220 …): DIGIPDU-MIB, the `smart` module under PLANET's enterprise
// (1.3.6.1.4.1.10456.3). Not DigiPower's MIB (digipower.ts) despite the name: no object is shared.
// The MIB states a unit only for currents ("In tenths of amps, divide by 10") and temperatures (°C or °F, as
// productTemperatureKind says); RH is a percentage by definition. Voltage, frequency, power, power factor and energy
// have neither unit nor scale: not read. Its state columns without named values (inFeedStatus, outCurrentStatus, aTSStatus, the uPS group's
// flags) are not read either.
const SMART = '1.3.6.1.4.1.10456.3';
const product = `${SMART}.1`;
const device = `${SMART}.2`; // deviceTable (scalars)
const inFeed = `${SMART}.3.2.1`; // inFeedEntry, INDEX inFeedIndex (1..3)
const out = `${SMART}.3.3.1`; // outEntry, INDEX outIndex (1..24)
const inbuiltTemperature = `${SMART}.3.5.1`; // inbuiltTemperatureEntry
const extendTemperature = `${SMART}.3.6.1`; // extendTemperatureEntry
const extendRH = `${SMART}.3.7.1`; // extendRHEntry
const trap = `${SMART}.100.1`; // smartTraps.trap: NOTIFICATION-TYPEs
const arg = `${SMART}.100.2`; // trapArg1..9

const text: ValueSpec = { type: 'string' };
const deciAmps: ValueSpec = { type: 'number', scale: 0.1, min: 0, max: 1_000 };
// No scale is stated for temperatures and humidity: read whole, within bounds that make a tenths reading implausible
// rather than a wrong number (above 15 °C, 10 %RH).
const celsius: ValueSpec = { type: 'number', min: -50, max: 150 };
const fahrenheit: ValueSpec = { type: 'number', scale: 5 / 9, offset: -160 / 9, min: -50, max: 150 };
const percent: ValueSpec = { type: 'number', min: 0, max: 100 };
// productTemperatureKind: 0 CELSIUS, 1 FAHRENHEIT (an agent without it counts as 0: °C).
const inUnit = (kind: 0 | 1): RowCondition => ({ oid: `${product}.11.0`, in: [kind] });

/** A temperature table read twice, once per unit the device may be set to. */
function temperatures(source: Omit<TableSource<SensorField>, 'fields' | 'where'>, value: number, where: RowCondition[]): TableSource<SensorField>[] {
  return ([[0, celsius], [1, fahrenheit]] as const).map(([kind, spec]) => ({
    ...source, where: [...where, inUnit(kind)], fields: { value: { column: value, ...spec } }, constants: { kind: 'temperature' },
  }));
}

// NOTIFICATION-TYPEs under smartTraps.trap; their arguments are trapArg1..9, whose meaning each DESCRIPTION lists.
// The load traps are repeated while in error and sent once more on return to normal, with the status in an argument
// the MIB gives no values for: every one of them is read as the error it names.
const t = (n: number, name: string, event: TrapEvent, rest: Partial<TrapDefinition> = {}): TrapDefinition => ({ oid: `${trap}.${n}`, name, event, ...rest });
const argValue = (n: number) => ({ oid: `${arg}.${n}`, from: 'value' as const });

export const planetPdu: Profile = {
  name: 'planet-pdu',
  vendor: 'PLANET',
  kind: 'pdu',
  mibs: ['DIGIPDU-MIB'],
  detect: {
    sysObjectId: [SMART], // the MIB's module node: PLANET's switches live elsewhere under 10456
    probe: [`${out}.4`, `${inFeed}.5`], // outSwitchStatus, inFeedCurrent
  },
  identity: {
    model: [{ oid: `${product}.1.0`, ...text }, { oid: `${product}.2.0`, ...text }], // productModel, productPartNumber
    serial: [{ oid: `${product}.3.0`, ...text }], // productSerialNumber
    firmware: [{ oid: `${product}.4.0`, ...text }], // productFirmwareVersion
  },
  inlets: [
    { entry: inFeed, fields: { current: { column: 5, ...deciAmps } } }, // inFeedCurrent (tenths of amps)
  ],
  // inFeedBranch1Current / inFeedBranch2Current (tenths of amps): read as banks 1 and 2 where the unit has one
  // in-feed with two branches (deviceInFeedTotal 1, deviceInFeedBranch 2); the MIB names no breaker state.
  banks: ([[13, 1], [19, 2]] as const).map(([column, branch]) => ({
    entry: inFeed, entityOffset: branch - 1,
    where: [{ oid: `${device}.2.0`, in: [1] }, { oid: `${device}.4.0`, in: [2] }],
    fields: { current: { column, ...deciAmps } }, constants: { name: `Branch ${branch}` },
  })),
  outlets: [
    { // outSwitchStatus off(0) on(1); off-act(2) and on-act(3) are switchings under way: unknown
      entry: out,
      fields: { state: { column: 4, type: 'enum', map: { 0: 'off', 1: 'on' } }, current: { column: 7, ...deciAmps } }, // outCurrent
    },
  ],
  sensors: [
    // inbuiltTemperatureStatus, extend…Status: connect status no(0) yes(1); an unconnected sensor's reading is unknown.
    // extend…Monitor no(0): a port not monitored, no sensor. Indexes may start at 0 (INTEGER (0..8)): the one inbuilt
    // sensor (deviceInbuiltTempTotal 0..1) is sensor 1, external ones 100 + index (temperature), 200 + index (RH).
    ...temperatures({ entry: inbuiltTemperature, entity: 'sequence', valid: { column: 2, in: [1] } }, 3, []), // inbuiltTemperature
    ...temperatures({ entry: extendTemperature, entityOffset: 100, valid: { column: 5, in: [1] } }, 6, [{ column: 4, in: [1] }]), // extendTemperature
    { // extendRH: relative humidity, %
      entry: extendRH, entityOffset: 200, where: { column: 4, in: [1] }, valid: { column: 5, in: [1] },
      fields: { value: { column: 6, ...percent } }, constants: { kind: 'humidity' },
    },
  ],
  traps: [
    t(1, 'testTrap', 'test'),
    // deviceIndex, inFeedIndex, … / inFeedIndex, BranchIndex, …
    t(101, 'inFeedOverloadTrap', 'overload', { inlet: argValue(2) }),
    t(102, 'inFeedHighCurrentTrap', 'near-overload', { inlet: argValue(2) }),
    t(103, 'inFeedLowCurrentTrap', 'low-load', { inlet: argValue(2) }),
    t(104, 'inFeedBranchOverloadTrap', 'overload', { inlet: argValue(1), bank: argValue(2) }),
    t(105, 'inFeedBranchHighCurrentTrap', 'near-overload', { inlet: argValue(1), bank: argValue(2) }),
    t(106, 'inFeedBranchLowCurrentTrap', 'low-load', { inlet: argValue(1), bank: argValue(2) }),
    // deviceIndex, outIndex, outCurrentStatus, outCurrent, threshold
    t(231, 'outOverloadTrap', 'overload', { outlet: argValue(2) }),
    t(232, 'outHighCurrentTrap', 'near-overload', { outlet: argValue(2) }),
    t(233, 'outLowCurrentTrap', 'low-load', { outlet: argValue(2) }),
    // a daisy-chained PDU: PDUIndex, PDUConnectStatus no(0) yes(1) warning(2)
    t(401, 'pduConnectTrap', 'alarm', { eventFrom: { oid: `${arg}.2`, map: { 0: 'communication-lost', 1: 'communication-restored' } } }),
    t(402, 'pduOverloadTrap', 'overload'),
    t(403, 'pduHighCurrentTrap', 'near-overload'),
    t(404, 'pduLowCurrentTrap', 'low-load'),
    t(501, 'inbuiltTemperatureHighTrap', 'alarm'),
    t(502, 'inbuiltTemperatureLowTrap', 'alarm'),
    t(513, 'envTemperatureHighTrap', 'alarm'),
    t(514, 'envTemperatureLowTrap', 'alarm'),
    t(516, 'envRHHighTrap', 'alarm'),
    t(517, 'envRHLowTrap', 'alarm'),
    // the UPS attached to the unit's UART
    t(702, 'upsOnBatteryTrap', 'on-battery'),
    t(703, 'upsOverloadTrap', 'overload'),
    t(704, 'upsBatteryLowTrap', 'battery-low'),
    t(705, 'upsBatteryReplace', 'battery-fault'),
    // Not mapped: the outlet operation traps (201-222) and outConditionCtrlTrap (241), whose arguments or meaning the MIB
    // does not describe (which outlet, which new state), and the UPS-driven outlet actions (311-316), which name no outlet.
  ],
};
