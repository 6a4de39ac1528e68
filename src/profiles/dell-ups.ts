import type { Profile, RowCondition, ScalarSpec, ValueSpec } from './profile.js';
import { upsMibBypass, upsMibIdentity, upsMibInlets, upsMibPhases, upsMibUps } from './ups-mib.js';

// Dell UPSes (DELL-SNMP-UPS-MIB, dell 674 upsdell 10902; written by Eaton for Dell's network management card).
// Its own objects are few: identity, the battery's remaining seconds, an environment probe. The card serves the
// standard UPS-MIB beside it for the rest (source, battery status, charge, voltages, load), read from there.
// The MIB defines no product OID: everything it names lives under dell.upsdell, which is the family's prefix.
// Left out: physicalOutputCumulativeConsumption, an energy meter whose unit the MIB does not state.
const DELL = '1.3.6.1.4.1.674';
const upsdell = `${DELL}.10902`;
const hardware = `${upsdell}.2`;
const productID = `${hardware}.100`;
const physical = `${hardware}.120`;
const environment = `${physical}.7`;

const text: ValueSpec = { type: 'string' };
const at = (oid: string, spec: ValueSpec): ScalarSpec => ({ oid, ...spec });
// physicalEnvironmentSensorPresent: 0 when no Environment Measurement Probe is connected (an absent object counts as 0).
const probePresent: RowCondition = { oid: `${environment}.1.0`, notIn: [0] };

export const dellUps: Profile = {
  name: 'dell-ups',
  vendor: 'Dell',
  kind: 'ups',
  mibs: ['DELL-SNMP-UPS-MIB', 'UPS-MIB'],
  detect: {
    sysObjectId: [upsdell],
    probe: [`${physical}.5.3`, `${physical}.1.2`], // physicalBatterySecondsRemaining, physicalIdentSerialNumber
  },
  identity: {
    vendor: [at(`${productID}.3.0`, text)], // productIDVendor
    model: [at(`${productID}.1.0`, text), at(`${physical}.1.1.0`, text), ...upsMibIdentity.model], // productIDDisplayName, physicalIdentFamilyName
    serial: [at(`${physical}.1.2.0`, text)], // physicalIdentSerialNumber
    firmware: [at(`${productID}.4.0`, text), ...upsMibIdentity.firmware], // productIDVersion
    name: [...upsMibIdentity.name, at(`${productID}.7.0`, text)], // productIDDeviceNetworkName
  },
  inlets: upsMibInlets,
  phases: upsMibPhases,
  bypass: upsMibBypass,
  ups: [
    // finer than the UPS-MIB's upsEstimatedMinutesRemaining
    { entity: 1, scalars: { runtime: at(`${physical}.5.3.0`, { type: 'number', min: 0 }) } }, // physicalBatterySecondsRemaining (s)
    ...upsMibUps,
  ],
  sensors: [
    // physicalEnvironmentValues read as a one-row table (its objects' instance .0 is the row), only when a probe is present
    { // physicalEnvironmentValuesTemperature: "in 0.1 degree Celsius"
      entry: `${environment}.3`, entityOffset: 1, where: probePresent,
      fields: { value: { column: 2, type: 'number', scale: 0.1, min: -50, max: 150 } }, constants: { kind: 'temperature' },
    },
    { // physicalEnvironmentValuesHumidity: "in 0.1 percents"
      entry: `${environment}.3`, entityOffset: 101, where: probePresent,
      fields: { value: { column: 3, type: 'number', scale: 0.1, min: 0, max: 100 } }, constants: { kind: 'humidity' },
    },
    { entity: 1, fillOnly: true, scalars: { name: at(`${environment}.2.0`, text) } }, // physicalEnvironmentSensorName
    { entity: 101, fillOnly: true, scalars: { name: at(`${environment}.2.0`, text) } },
  ],
};
