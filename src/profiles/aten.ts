import type { BankField, OutletField, Profile, RowCondition, ScalarSpec, SensorField, Source, ValueSpec } from './profile.js';

// ATEN eco PDUs (PE series): ATEN-PE-CFG, the `pe` tree (aten.atenProducts.overip.poweroverip.pe). The enterprise
// also holds ATEN's other products (the IPMI BMC tree at atenProducts 3 1), so only the `pe` node is claimed.
// Readings come from the MIB's integer tables (…IntegerValueTable): "This value indicates that 1,000 times", so
// thousandths; -1000000 "this measurement value is not available" (unknown), -2000000 "the device does not support
// this OID". The MIB's earlier DisplayString value columns (deviceCurrent, outletCurrent, sensorTemperature …) are
// commented out of it since the integer tables: not read.
// The integer tables name no units; the MIB's own threshold objects for the same quantities do: current "0.0~32.0"
// beside bankMaxCurrent "unit: (A)", voltage "90.0~260.0" (V), power "0.0 ~ 9999.9" (W), temperature
// "-20.0 ~ 60.0" (°C: a °F scale would put the highest settable threshold at 15 °C), humidity "15.0 ~ 95.0" (%RH).
const ATEN = '1.3.6.1.4.1.21317';
const PE = `${ATEN}.1.3.2.2`; // pe
const device = `${PE}.2.1`; // control.device
const outlet = `${PE}.2.2`; // control.outlet
const bank = `${PE}.2.3`; // control.bank
const config = `${PE}.3.4`; // deviceManagement.config
const deviceInteger = `${device}.99.1`; // deviceIntegerValueEntry, INDEX deviceIntegerValueIndex (1)
const sensorInteger = `${device}.100.1`; // sensorIntegerValueEntry, INDEX sensorIntegerValueIndex (1..6)
const outletStatus = `${device}.5.1`; // deviceOutletStatusEntry, INDEX deviceOutletStatusIndex
const outletInteger = `${outlet}.99.1`; // outletIntegerValueEntry, INDEX outletIntegerValueIndex
const outletConfig = `${outlet}.10.1`; // outletConfigEntry, INDEX outletConfigIndex
const breakerStatus = `${bank}.1.1`; // breakerStatusEntry, INDEX breakerStatusIndex
const bankValue = `${bank}.2.1`; // bankValueEntry, INDEX bankValueIndex
const bankConfig = `${bank}.3.1`; // bankConfigEntry, INDEX bankConfigIndex
const bankInteger = `${bank}.99.1`; // bankIntegerValueEntry, INDEX bankIntegerValueIndex

const NOT_SUPPORTED = -2_000_000;
const NA = [-1_000_000, NOT_SUPPORTED]; // the device and outlet tables name only the second
const text: ValueSpec = { type: 'string' };
const at = (oid: string, spec: ValueSpec): ScalarSpec => ({ oid, ...spec });
const milliAmps: ValueSpec = { type: 'number', scale: 0.001, sentinels: NA, min: 0, max: 1_000 };
const milliVolts: ValueSpec = { type: 'number', scale: 0.001, sentinels: NA, min: 0, max: 1_000 };
const milliWatts: ValueSpec = { type: 'number', scale: 0.001, sentinels: NA, min: 0, max: 1_000_000 };
// bankMaxCurrent "unit: (A)"; 0 is no rating (the MIB's other max-current objects show 0 where unsupported).
const ratedAmps: ValueSpec = { type: 'number', sentinels: [0], min: 0, max: 1_000 };
// …IntegerPowerDissipation (and its thresholds, "0.0 ~ 99999.0") carry no unit in the MIB: not read as energy.
// devicePowerFactor, outletPowerFactor, bankPowerFactor: DisplayStrings in no stated scale ("not-support" where
// absent): not read.

/** A row of a value table the device supports (it answers -2000000 for rows it has not). */
const supported = (entry: string, column: number): RowCondition => ({ entry, column, notIn: [NOT_SUPPORTED] });
// displayOutletStatus: off(1) on(2) pending(3) fault(4) noauth(5) not-support(6) pop(7); not-support is no outlet here.
const outletListed: RowCondition = { entry: outletStatus, column: 2, in: [1, 2, 3, 4, 5, 7] };
// breakerStatus: off(1) on(2) not-support(3).
const breakerListed: RowCondition = { entry: breakerStatus, column: 2, in: [1, 2] };

// The config tables (outletConfig, bankConfig) answer "n/a" for outlets and banks the unit lacks: a name (or rating)
// is read for a row the status or value tables list (a switched outlet by its status, a metered one by its reading).
const outlets: Source<OutletField>[] = [
  { // deviceOutletStatusTable. pending(3: being switched), fault(4), noauth(5: the user may not see it) say neither.
    // pop(7): switched off by POP, the MIB's overload protection (popThreshold: the bank's max current by default).
    // The outletNStatus scalars (outlet.2 … outlet.44, one per outlet, another enumeration) say the same: not read.
    entry: outletStatus, where: { column: 2, notIn: [6] },
    fields: { state: { column: 2, type: 'enum', map: { 1: 'off', 2: 'on', 7: 'off' } } },
  },
  { // outletIntegerValueTable (a metered outlet); outletIntegerVoltage has no place in the model
    entry: outletInteger, where: supported(outletInteger, 2),
    fields: { current: { column: 2, ...milliAmps }, power: { column: 4, ...milliWatts } },
  },
  { entry: outletConfig, where: outletListed, fields: { name: { column: 2, ...text } } }, // outletName
  { entry: outletConfig, where: supported(outletInteger, 2), fields: { name: { column: 2, ...text } } },
];

// A breaker's number is its bank's: breakerStatusTable sits in the bank tree, indexed 1..30 like the bank tables.
// The MIB does not say which bank feeds an outlet.
const banks: Source<BankField>[] = [
  { // breakerStatus off(1): the breaker is open
    entry: breakerStatus, where: { column: 2, notIn: [3] },
    fields: { breaker: { column: 2, type: 'enum', map: { 1: 'tripped', 2: 'ok' } } },
  },
  { // bankIntegerValueTable; bankIntegerVoltage and …Power have no place in a bank
    entry: bankInteger, where: supported(bankInteger, 2),
    fields: { current: { column: 2, ...milliAmps } },
  },
  // bankMaxCurrent; bankAttachStatus is an EC1000 energy sensor's and is not read.
  { entry: bankValue, where: breakerListed, fields: { rating: { column: 6, ...ratedAmps } } },
  { entry: bankValue, where: supported(bankInteger, 2), fields: { rating: { column: 6, ...ratedAmps } } },
  { entry: bankConfig, where: breakerListed, fields: { name: { column: 2, ...text } } }, // bankName
  { entry: bankConfig, where: supported(bankInteger, 2), fields: { name: { column: 2, ...text } } },
];

// sensorIntegerValueTable: one row per sensor port, each with a temperature and a humidity (pressure has no place in
// the model). A port that does not support a quantity is no sensor of it; one whose value is not available (no probe
// answering) is a sensor whose reading is unknown. Humidity as sensors 101…106.
const sensors: Source<SensorField>[] = [
  {
    entry: sensorInteger, where: supported(sensorInteger, 2),
    fields: { value: { column: 2, type: 'number', scale: 0.001, sentinels: NA, min: -50, max: 150 } }, // sensorIntegerTemperature (°C)
    constants: { kind: 'temperature' },
  },
  {
    entry: sensorInteger, where: supported(sensorInteger, 3), entityOffset: 100,
    fields: { value: { column: 3, type: 'number', scale: 0.001, sentinels: NA, min: 0, max: 100 } }, // sensorIntegerHumidity (%RH)
    constants: { kind: 'humidity' },
  },
];

export const atenPdu: Profile = {
  name: 'aten-pdu',
  vendor: 'ATEN',
  kind: 'pdu',
  mibs: ['ATEN-PE-CFG'],
  detect: {
    sysObjectId: [PE], // the MIB names no product OIDs; its node for the PE series
    probe: [`${deviceInteger}.2`, `${outletStatus}.2`], // deviceIntegerCurrent, displayOutletStatus
  },
  identity: {
    model: [at(`${device}.1.0`, text)], // modelName
    firmware: [at(`${config}.3.0`, text)], // deviceFWversion
    name: [at(`${device}.2.0`, text)], // deviceName
    // The MIB has no serial number.
  },
  device: {
    power: [at(`${deviceInteger}.4.1`, milliWatts)], // deviceIntegerPower
  },
  inlets: [
    { // deviceIntegerValueTable: one row, the unit's input. inputMaxVoltage/inputMaxCurrent/powerCapacity are ratings.
      entry: deviceInteger,
      fields: { current: { column: 2, ...milliAmps }, voltage: { column: 3, ...milliVolts }, power: { column: 4, ...milliWatts } },
    },
  ],
  banks,
  outlets,
  sensors,
  // customTrapMSG (pe 5) is how the PE devices send every event, its text saying which: no event is read from text.
  // configurationNotifyTrapMSG (a configuration change) is no power event and is not listed.
  traps: [{ oid: `${PE}.5`, name: 'customTrapMSG', event: 'alarm' }],
};
