import type { InletField, Profile, RowCondition, SensorField, TableSource, ValueSpec } from './profile.js';

// Dataprobe iBoot-PDU switched PDUs (IBOOTPDU-MIB, iBoot-PDU-Agent = dataprobe 6). The MIB defines no product OID:
// everything it names lives under iBoot-PDU-Agent, which is the family's sysObjectID prefix. Its objects are few: the
// device's name and model, outlets (name and relay state, no metering), and in `sensors` one voltage and current per
// line cord ("divide by 100 to convert to floating point": hundredths of volts and amps) and two temperatures.
const DATAPROBE = '1.3.6.1.4.1.1418';
const agent = `${DATAPROBE}.6`; // iBoot-PDU-Agent
const device = `${agent}.1`;
const outletEntry = `${agent}.5.1`; // outletEntry, INDEX outletIndex
const sensors = `${agent}.6`;

const text: ValueSpec = { type: 'string' };
const hundredthsOfVolts: ValueSpec = { type: 'number', scale: 0.01, min: 0, max: 1_000 };
const hundredthsOfAmps: ValueSpec = { type: 'number', scale: 0.01, min: 0, max: 1_000 };
// temperature1/2: "display 999 when no temperature is present". The MIB gives them no divisor, unlike the voltages and
// currents beside them, and a 999 sentinel makes sense only in whole degrees: read as whole degrees of deviceTemperatureUnit.
const absent = [999];
const celsius: ValueSpec = { type: 'number', sentinels: absent, min: -50, max: 150 };
const fahrenheit: ValueSpec = { type: 'number', sentinels: absent, scale: 5 / 9, offset: -32 * 5 / 9, min: -50, max: 150 };
// deviceTemperatureUnit fahrenheit(0) celsius(1); as every condition, an absent unit counts as 0 (the MIB's first value).
const unit = `${device}.9.0`;

// The `sensors` scalars are read as one-row tables (their instance .0 is the row), so that a condition can gate them;
// entityOffset numbers the entity.
// deviceNumberOfLineCords one(0) two(1): a single-cord unit's LC2 objects are no inlet.
const twoCords: RowCondition = { oid: `${device}.7.0`, in: [1] };
const lineCord = (n: number, voltage: number, current: number, where: RowCondition[] = []): TableSource<InletField> => ({
  entry: sensors, entityOffset: n, where, constants: { name: `LC${n}` },
  fields: { voltage: { column: voltage, ...hundredthsOfVolts }, current: { column: current, ...hundredthsOfAmps } },
});
const temperature = (n: number, column: number): TableSource<SensorField>[] => [
  { entry: sensors, entityOffset: n, where: { oid: unit, in: [1] }, fields: { value: { column, ...celsius } }, constants: { kind: 'temperature', name: `Temperature ${n}` } },
  { entry: sensors, entityOffset: n, where: { oid: unit, in: [0] }, fields: { value: { column, ...fahrenheit } }, constants: { kind: 'temperature', name: `Temperature ${n}` } },
];

export const dataprobeIbootPdu: Profile = {
  name: 'dataprobe-ibootpdu',
  vendor: 'Dataprobe',
  kind: 'pdu',
  mibs: ['IBOOTPDU-MIB'],
  detect: {
    sysObjectId: [agent],
    probe: [`${outletEntry}.7`, `${sensors}.1`], // outletActualStatus, voltageLC1
  },
  identity: {
    model: [{ oid: `${device}.4.0`, ...text }, { oid: `${device}.3.0`, ...text }], // deviceModelName, deviceFamily
    firmware: [{ oid: `${device}.1.0`, ...text }], // firmwareVersion
    name: [{ oid: `${device}.2.0`, ...text }], // deviceName
    // no serial number in the MIB
  },
  // No power or energy anywhere in the MIB; deviceMaxCurrent has no unit in it: not read as a rating.
  inlets: [
    lineCord(1, 1, 2), // voltageLC1, currentLC1
    lineCord(2, 3, 4, [twoCords]), // voltageLC2, currentLC2
  ],
  outlets: [
    { // outletActualStatus off(0) on(1): "Status of the physical outlet"
      entry: outletEntry,
      fields: { name: { column: 2, ...text }, state: { column: 7, type: 'enum', map: { 0: 'off', 1: 'on' } } },
    },
    // outletStatus off(0) on(1) cycle(2) reboot(3) pend-on(4), where the relay's own state is missing: a cycle or
    // reboot in progress, or a pending on, says nothing sure about the relay (unknown)
    { entry: outletEntry, fields: { state: { column: 6, type: 'enum', map: { 0: 'off', 1: 'on' } } } },
  ],
  sensors: [...temperature(1, 5), ...temperature(2, 6)], // temperature1, temperature2
  traps: [
    { // "sent when ever an outlet changes state": outletIndex, outletName, outletStatus (the new state)
      oid: `${agent}.7.1`, name: 'outletChange', event: 'alarm',
      eventFrom: { oid: `${outletEntry}.6`, map: { 0: 'outlet-off', 1: 'outlet-on', 2: 'outlet-reboot', 3: 'outlet-reboot' } },
      outlet: [{ oid: `${outletEntry}.1` }, { oid: `${outletEntry}.6`, from: 'index' }], // outletIndex's value, else outletStatus's instance
    },
  ],
};
