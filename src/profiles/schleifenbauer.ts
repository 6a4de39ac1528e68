import type { Profile, RowCondition, ScalarSpec, ValueSpec } from './profile.js';

// Schleifenbauer hPDUs and DPMs (SCHLEIFENBAUER-DATABUS-MIB). One gateway answers for every unit on its databus:
// each table is indexed by the unit (sdbDevIdIndex, its databus address) first, then the row's own index.
// Units per the MIB's textual conventions: CentiAmpere, CentiVolt, CentiCelsius (hundredths), CentiPercent
// (hundredths of a percent: a power factor of 1 is 10000), KiloWattHour (whole kWh), W and VA.
const SCHLEIFENBAUER = '1.3.6.1.4.1.31034';

const text: ValueSpec = { type: 'string' };
const centiAmps: ValueSpec = { type: 'number', scale: 0.01, min: 0, max: 3_276.8 };
const centiVolts: ValueSpec = { type: 'number', scale: 0.01, min: 0, max: 3_276.8 };
const watts: ValueSpec = { type: 'number', min: 0, max: 327_680 };
const kWh: ValueSpec = { type: 'number', min: 0 };
const powerFactor: ValueSpec = { type: 'number', scale: 0.0001, min: 0, max: 1 }; // CentiPercent 0..10000 → 0..1
const centiCelsius: ValueSpec = { type: 'number', scale: 0.01, min: -50, max: 150 };

/**
 * The databus MIB read under an enterprise: the vendor's .11 (…Products) for sysObjectIDs, its .12.1 (…DatabusMIB)
 * for the objects. Other makers ship this MIB under their own enterprise, object for object (Conteg).
 */
export function databusProfile(enterprise: string, who: Pick<Profile, 'name' | 'vendor' | 'mibs'>): Profile {
  const sdbDevice = `${enterprise}.12.1.1.2`;
  const idEntry = `${sdbDevice}.1.1.1`; // sdbDevIdEntry
  const cfEntry = `${sdbDevice}.2.1.1`; // sdbDevCfEntry
  const inEntry = `${sdbDevice}.6.1.1`; // sdbDevInEntry
  const outEntry = `${sdbDevice}.7.1.1`; // sdbDevOutEntry
  const outMeterEntry = `${sdbDevice}.7.2.1`; // sdbDevOutMtEntry
  const outSwitchEntry = `${sdbDevice}.7.3.1`; // sdbDevOutSwEntry
  const measuresEntry = `${sdbDevice}.8.1.1`; // sdbDevMeasuresEntry
  const branchEntry = `${sdbDevice}.10.1.1`; // sdbDevBranchEntry
  const totalsEntry = `${sdbDevice}.11.1.1`; // sdbDevTotalsEntry
  /** The identity of the unit at databus address 1 (a unit alone on its gateway). */
  const unit1 = (column: number): ScalarSpec => ({ oid: `${idEntry}.${column}.1`, ...text });
  // sdbDevCfTempSensors: how many temperature sensors the unit has; none, and its external reading is no sensor.
  const hasTemperatureSensor: RowCondition = { entry: cfEntry, column: 9, notIn: [0] };

  return {
    ...who,
    kind: 'pdu',
    detect: {
      sysObjectId: [`${enterprise}.11`], // …Products
      probe: [idEntry, inEntry], // sdbDevIdTable, sdbDevInTable
    },
    identity: {
      model: [unit1(5), unit1(4)], // sdbDevIdProductId, sdbDevIdSalesOrderNumber
      serial: [unit1(6)], // sdbDevIdSerialNumber
      firmware: [{ oid: `${idEntry}.2.1`, type: 'number', min: 0 }], // sdbDevIdFirmwareVersion
      name: [unit1(10), unit1(12)], // sdbDevIdName, sdbDevIdVanityTag
    },
    // No device-wide scalar: the totals rows are the inlets (a unit may have several), the device their sum.
    // Inlets and phases are numbered in row order, so the units of a databus keep theirs apart.
    inlets: [
      { // sdbDevTotalsTable: one row per metered input of a unit
        entry: totalsEntry, entity: 'sequence',
        fields: {
          energy: { column: 2, ...kWh }, powerFactor: { column: 3, ...powerFactor }, current: { column: 4, ...centiAmps }, // …KWhTotal, …PowerFactor, …ActualCurrent
          apparentPower: { column: 6, ...watts }, power: { column: 7, ...watts }, // …PowerVoltAmpere, …PowerWatt
        },
      },
    ],
    phases: [
      { // sdbDevInTable: one row per input phase (1 .. sdbDevCfPhases)
        entry: inEntry, entity: 'sequence',
        fields: {
          name: { column: 13, ...text }, current: { column: 5, ...centiAmps }, voltage: { column: 7, ...centiVolts }, power: { column: 10, ...watts }, // sdbDevInName, …ActualCurrent, …ActualVoltage, …PowerWatt
        },
      },
    ],
    // Branches and outlets keep the unit's own numbers; other units of a databus reuse them (first trusted value wins).
    banks: [
      { // sdbDevBranchTable: metered branch circuits; the MIB has no breaker state, so it stays unknown
        entry: branchEntry,
        fields: { name: { column: 13, ...text }, current: { column: 5, ...centiAmps } }, // sdbDevBranchName, …ActualCurrent
      },
    ],
    outlets: [
      { entry: outEntry, fields: { name: { column: 2, ...text } } }, // sdbDevOutName
      { entry: outSwitchEntry, fields: { state: { column: 2, type: 'enum', map: { 0: 'off', 1: 'on' } } } }, // sdbDevOutSwCurrentState off(0) on(1)
      { // sdbDevOutMtTable
        entry: outMeterEntry,
        fields: { energy: { column: 2, ...kWh }, current: { column: 5, ...centiAmps }, power: { column: 11, ...watts } }, // …KWhTotal, …ActualCurrent, …PowerWatt
      },
    ],
    sensors: [
      { // sdbDevMeasuresTable: the unit's internal temperature
        entry: measuresEntry, fields: { value: { column: 1, ...centiCelsius } }, constants: { kind: 'temperature', name: 'Internal' }, // sdbDevMsIntTemperature
      },
      { // … and its external temperature sensor, where it has one
        entry: measuresEntry, entityOffset: 100, where: hasTemperatureSensor,
        fields: { value: { column: 2, ...centiCelsius } }, constants: { kind: 'temperature', name: 'External' }, // sdbDevMsExtTemperature
      },
    ],
  };
}

export const schleifenbauer: Profile = databusProfile(SCHLEIFENBAUER, {
  name: 'schleifenbauer', vendor: 'Schleifenbauer', mibs: ['SCHLEIFENBAUER-DATABUS-MIB'],
});
