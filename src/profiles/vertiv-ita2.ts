import type { BypassField, InletField, PhaseField, Profile, ScalarSpec, Source, ValueSpec } from './profile.js';
import { bypassFrequency, upsMibBypassFrequency, upsMibBypassLines, upsMibIdentity, upsMibInlets, upsMibPhases, upsMibUps } from './ups-mib.js';

// Vertiv Liebert ITA2 UPSes on their own card (VERTIV-ITA2-MIB, vertiv 13400 products 54): scalars per phase A/B/C.
// Units per the MIB's DESCRIPTIONs: voltages 0.1 V, currents 0.1 A, frequencies 0.01 Hz, active power 0.01 kW,
// load 0.1 %, battery voltage 0.1 V, battery current 0.01 A, runtime 0.1 min, temperatures 0.1 °C, capacity 1 %.
// The same cards serve the standard UPS-MIB: its sources follow each of this MIB's, for what ITA2 lacks (battery status).
const ITA2 = '1.3.6.1.4.1.13400.2.54';
const ident = `${ITA2}.1`;
const status = `${ITA2}.2.1`;
const input = `${ITA2}.2.2`;
const output = `${ITA2}.2.3`;
const bypassGroup = `${ITA2}.2.4`;
const battery = `${ITA2}.2.5`;

const text: ValueSpec = { type: 'string' };
const at = (oid: string, spec: ValueSpec): ScalarSpec => ({ oid, ...spec });
const deciVolts: ValueSpec = { type: 'number', scale: 0.1, min: 0, max: 1_000 };
const deciAmps: ValueSpec = { type: 'number', scale: 0.1, min: 0, max: 5_000 };
const centiHertz: ValueSpec = { type: 'number', scale: 0.01, min: 0, max: 100 };
const centiKilowatts: ValueSpec = { type: 'number', scale: 10, min: 0, max: 2_000_000 }; // 0.01 kW → W
const deciPercent = (max: number): ValueSpec => ({ type: 'number', scale: 0.1, min: 0, max });
const deciCelsius: ValueSpec = { type: 'number', scale: 0.1, min: -50, max: 150 };

const PHASES = ['A', 'B', 'C'] as const;

/** inputPhaseVoltageA…C (1–3), inputPhaseCurrentA…C (5–7): one inlet per input phase. */
const inlets: Source<InletField>[] = PHASES.map((phase, i) => ({
  entity: i + 1,
  scalars: {
    voltage: at(`${input}.${1 + i}.0`, deciVolts),
    current: at(`${input}.${5 + i}.0`, deciAmps),
  },
}));

/** outputPhaseVoltageA…C (1–3), outputCurrentA…C (4–6), outputActivePowerA…C (8–10): one phase per output phase. */
const phases: Source<PhaseField>[] = PHASES.map((phase, i) => ({
  entity: i + 1,
  scalars: {
    voltage: at(`${output}.${1 + i}.0`, deciVolts),
    current: at(`${output}.${4 + i}.0`, deciAmps),
    power: at(`${output}.${8 + i}.0`, centiKilowatts),
  },
  constants: { name: `Output ${phase}` },
}));

/** bypassVoltageA…C (1–3, 0.1 V): one bypass line per phase; bypassFrequency (4, 0.01 Hz) every line's; UPS-MIB's beneath. */
const bypass: Source<BypassField>[] = [
  ...PHASES.map((phase, i): Source<BypassField> => ({ entity: i + 1, scalars: { voltage: at(`${bypassGroup}.${1 + i}.0`, deciVolts) }, constants: { name: `Bypass ${phase}` } })),
  upsMibBypassLines,
  ...bypassFrequency(at(`${bypassGroup}.4.0`, centiHertz)),
  ...upsMibBypassFrequency,
];

export const vertivIta2: Profile = {
  name: 'vertiv-ita2',
  vendor: 'Vertiv',
  kind: 'ups',
  mibs: ['VERTIV-ITA2-MIB', 'UPS-MIB'],
  detect: {
    sysObjectId: [ITA2], // ita2MIB
    probe: [`${status}.2`, `${battery}.7`], // upsOutputSource, batteryRemainsTime
  },
  identity: {
    vendor: [at(`${ident}.1.0`, text), ...upsMibIdentity.vendor], // identManufacturer
    model: [at(`${ident}.2.0`, text), ...upsMibIdentity.model], // identModel
    firmware: upsMibIdentity.firmware,
    name: upsMibIdentity.name,
  },
  inlets: [
    ...inlets,
    { entity: 1, fillOnly: true, scalars: { frequency: at(`${input}.4.0`, centiHertz) } }, // inputFrequency
    ...upsMibInlets,
  ],
  phases: [...phases, ...upsMibPhases],
  bypass,
  ups: [
    {
      entity: 1,
      scalars: {
        // upsOutputSource: UPSNoOutput(0), UPSOnMain(1), UPSOnBattery(2), UPSOnBypass(3), UPSonUtilityandBattery(4)
        // (the battery discharging beside a weak utility: its runtime is draining, so it counts as on battery)
        source: at(`${status}.2.0`, { type: 'enum', map: { 0: 'off', 1: 'mains', 2: 'battery', 3: 'bypass', 4: 'battery' } }),
        runtime: at(`${battery}.7.0`, { type: 'number', scale: 6, min: 0 }), // batteryRemainsTime (0.1 min → s)
        charge: at(`${battery}.10.0`, { type: 'number', min: 0, max: 100 }), // batteryCapacity (1 %)
        temperature: at(`${battery}.8.0`, deciCelsius), // batteryTemperature
        batteryVoltage: at(`${battery}.1.0`, deciVolts), // positiveBatteryVoltage (the positive string)
        inputVoltage: at(`${input}.1.0`, deciVolts), // inputPhaseVoltageA
        inputFrequency: at(`${input}.4.0`, centiHertz), // inputFrequency
        outputVoltage: at(`${output}.1.0`, deciVolts), // outputPhaseVoltageA
        outputCurrent: at(`${output}.4.0`, deciAmps), // outputCurrentA
        outputPower: at(`${output}.8.0`, centiKilowatts), // outputActivePowerA
        outputFrequency: at(`${output}.7.0`, centiHertz), // outputFrequency
        load: at(`${output}.14.0`, deciPercent(200)), // outputLoadA (overload passes 100)
      },
    },
    ...upsMibUps,
  ],
  sensors: [
    { entity: 1, scalars: { value: at(`${battery}.8.0`, deciCelsius) }, constants: { kind: 'temperature', name: 'Battery' } }, // batteryTemperature
    { entity: 2, scalars: { value: at(`${battery}.9.0`, deciCelsius) }, constants: { kind: 'temperature', name: 'Battery environment' } }, // batteryEnvironmentTemperature
  ],
};
