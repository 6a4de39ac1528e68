import type { OutletField, Profile, ScalarSpec, Source, ValueSpec } from './profile.js';

// Gude Expert Power Control PDUs (GUDEADS-EPC*-MIB). Every model has its own MIB with one structure under its
// own OID (gudeads.<model>): identity, relay ports (outlets), power channels (line meters), single-port meters
// (outlets, on some models) and external sensors sit at the same places below it. Units per the MIBs' UNITS:
// V, mA, W, VA, Wh, 0.01 Hz, 0.001 power factor; sensors in 0.1 °C and 0.1 %RH (CPU board temperature in 0.1 °C).
const GUDE = '1.3.6.1.4.1.28507';

interface Model {
  /** The model's OID under gudeads (its sysObjectID). */
  id: number;
  /** Power channels (epcPowerTable) this model can have: one channel is the whole device. */
  channels: number;
  /** Per-outlet meters (epcspPowerTable). */
  outletMeters?: boolean;
  /** CPU board sensors (epcCPUSensors). */
  cpu?: boolean;
  /** Relay ports also report fuseblown(2) and error(3). */
  fuses?: boolean;
  /** Bank meters (epcBankPowerTable). */
  banks?: boolean;
}

/** Each GUDEADS-EPC*-MIB: gadsEPC<model> ::= { gudeads <id> }. */
const MODELS: Readonly<Record<string, Model>> = {
  '1104': { id: 68, channels: 0 },
  '1105': { id: 69, channels: 1 },
  '1121': { id: 107, channels: 1 },
  '1141': { id: 106, channels: 1 },
  '1202': { id: 43, channels: 1 },
  '8001': { id: 100, channels: 1, outletMeters: true, cpu: true },
  '8021': { id: 77, channels: 1, cpu: true },
  '8031': { id: 81, channels: 1, cpu: true },
  '8032': { id: 82, channels: 1, cpu: true },
  '8035': { id: 83, channels: 1, outletMeters: true, cpu: true },
  '8041': { id: 85, channels: 1, cpu: true },
  '8045': { id: 87, channels: 1, outletMeters: true, cpu: true },
  '8221': { id: 56, channels: 2 },
  '8226': { id: 58, channels: 2, outletMeters: true },
  '8291': { id: 98, channels: 1, cpu: true, fuses: true, banks: true },
  '8314': { id: 97, channels: 1 },
  '8316': { id: 64, channels: 1, outletMeters: true },
  '871210': { id: 112, channels: 1, cpu: true },
  '871310': { id: 109, channels: 1, cpu: true },
  '873300': { id: 111, channels: 3, cpu: true },
};
const root = (m: Model) => `${GUDE}.${m.id}`;
const info = (m: Model) => `${root(m)}.1.1.2`; // epcDeviceInfo
const ports = (m: Model) => `${root(m)}.1.3.1.2.1`; // epcportEntry
const power = (m: Model) => `${root(m)}.1.5.1.2.1`; // epcPowerEntry
const outletPower = (m: Model) => `${root(m)}.1.5.5.2.1`; // epcspPowerEntry
const bankPower = (m: Model) => `${root(m)}.1.5.8.1`; // epcBankPowerEntry
const cpu = (m: Model) => `${root(m)}.1.5.14`; // epcCPUSensors
const sensorEntry = (m: Model) => `${root(m)}.1.6.1.1`; // epcSensorEntry

const text: ValueSpec = { type: 'string' };
const volts: ValueSpec = { type: 'number', min: 0, max: 600 };
const milliamps: ValueSpec = { type: 'number', scale: 0.001, min: 0, max: 1_000 };
const watts: ValueSpec = { type: 'number', min: 0, max: 100_000 };
const wattHours: ValueSpec = { type: 'number', scale: 0.001, min: 0 }; // → kWh
const tenthsC: ValueSpec = { type: 'number', scale: 0.1, min: -50, max: 150 };
const at = (oid: string, spec: ValueSpec): ScalarSpec => ({ oid, ...spec });
// …ChanStatus: "0 = data not active, 1 = data valid": an inactive channel's numbers are unknown.
const active = { column: 2, in: [1] } as const;
// …PortState: off(0), on(1); some models add fuseblown(2): the port's fuse is open, no power flows; error(3) stays unknown.
const portState: ValueSpec = { type: 'enum', map: { 0: 'off', 1: 'on', 2: 'off' } };

/**
 * The profile for these models: the family (every model, each under its own OID) or one model's variant,
 * which a device is narrowed to at detection so that a poll asks only for its own subtree (a few dozen
 * requests instead of ~300).
 */
function gude(named: [string, Model][], variants?: Profile[]): Profile {
  const models = named.map(([, m]) => m);
  const sources = <F extends string>(pick: (m: Model) => Source<F>[]): Source<F>[] => models.flatMap(pick);
  return {
    name: 'gude-epc',
    ...(variants ? { variants } : { variant: named[0]![0] }),
    vendor: 'Gude',
    kind: 'pdu',
    mibs: named.map(([model]) => `GUDEADS-EPC${model}-MIB`),
    detect: {
      sysObjectId: models.map(root), // gadsEPC<model>
      probe: models.map(ports), // epc<model>portTable
    },
    identity: {
      model: models.map((m) => at(`${info(m)}.1.0`, text)), // epcProdName
      firmware: models.map((m) => at(`${info(m)}.2.0`, text)), // epcFWVersion
      serial: models.map((m) => at(`${info(m)}.5.0`, { type: 'number', min: 1 })), // epcSerialNumber (not on every device)
      name: models.map((m) => at(`${info(m)}.3.0`, text)), // epcHostName
    },
    // One power channel is the whole device; where there are several, the reading is their inlets.
    device: {
      power: models.filter((m) => m.channels === 1).map((m) => at(`${power(m)}.4.1`, watts)), // epcPowerActive.1
      energy: models.filter((m) => m.channels === 1).map((m) => at(`${power(m)}.3.1`, wattHours)), // epcAbsEnergyActive.1
    },
    inlets: sources((m) => (m.channels === 0 ? [] : [{ // epcPowerTable: one row per power channel (line meter)
      entry: power(m), valid: active,
      fields: {
        name: { column: 100, ...text }, // epcLineSensorName
        energy: { column: 3, ...wattHours }, // epcAbsEnergyActive (Wh)
        power: { column: 4, ...watts }, // epcPowerActive (W)
        current: { column: 5, ...milliamps }, // epcCurrent (mA)
        voltage: { column: 6, ...volts }, // epcVoltage (V)
        frequency: { column: 7, type: 'number', scale: 0.01, min: 0, max: 100 }, // epcFrequency (0.01 Hz)
        powerFactor: { column: 8, type: 'number', scale: 0.001, min: 0, max: 1 }, // epcPowerFactor (0.001)
        apparentPower: { column: 10, ...watts }, // epcPowerApparent (VA)
      },
    }])),
    banks: sources((m) => (m.banks ? [{ entry: bankPower(m), fields: { current: { column: 4, ...milliamps } } }] : [])), // epcBankPowerCurrent (mA)
    outlets: sources((m) => {
      const out: Source<OutletField>[] = [
        { entry: ports(m), fields: { name: { column: 2, ...text }, state: { column: 3, ...portState } } }, // epcPortName, epcPortState
      ];
      if (m.outletMeters) {
        out.push({ // epcspPowerTable: the meter of each port
          entry: outletPower(m), valid: active,
          fields: { energy: { column: 3, ...wattHours }, power: { column: 4, ...watts }, current: { column: 5, ...milliamps } },
        });
      }
      return out;
    }),
    sensors: sources((m) => {
      const out: Source<'kind' | 'name' | 'value'>[] = [
        { // epcSensorTable: external probes, temperature (0.1 °C)
          entry: sensorEntry(m),
          fields: { name: { column: 32, ...text }, value: { column: 2, ...tenthsC } }, constants: { kind: 'temperature' },
        },
        { // … and humidity (0.1 %RH), numbered after the temperatures
          entry: sensorEntry(m), entityOffset: 100,
          fields: { name: { column: 32, ...text }, value: { column: 3, type: 'number', scale: 0.1, min: 0, max: 100 } }, constants: { kind: 'humidity' },
        },
      ];
      if (m.cpu) { // epcCPUSensorTcpu: the controller board's temperature (0.1 °C)
        out.push({ entity: 1000, scalars: { value: at(`${cpu(m)}.4.0`, tenthsC) }, constants: { kind: 'temperature', name: 'CPU' } });
      }
      return out;
    }),
  };
}

export const gudeEpc: Profile = gude(Object.entries(MODELS), Object.entries(MODELS).map((entry) => gude([entry])));
