// The normalized vocabulary every part of Breakerbox speaks, whatever the vendor.
// Units: A, V, W, VA, kWh, Hz, s, %, °C.

/** How far a value can be trusted. Only "ok" values are ever used as numbers. */
export type Quality = 'ok' | 'unknown' | 'implausible';

export interface Measure {
  value: number | null;
  quality: Quality;
}

export type OnOff = 'on' | 'off' | 'unknown';
export type BreakerState = 'ok' | 'tripped' | 'unknown';
export type Feed = 'up' | 'down' | 'unknown';
export type PowerState = 'normal' | 'degraded' | 'lost' | 'unknown';
export type MemberState = 'active' | 'drained' | 'held';
/** unknown: a device no vendor profile reads (its system group is all Breakerbox knows of it). */
export type DeviceKind = 'pdu' | 'ups' | 'ats' | 'unknown';
/** The device's own verdict on a load against its thresholds. */
export type LoadState = 'low' | 'normal' | 'near-overload' | 'overload' | 'unknown';

export interface Identity {
  vendor: string;
  model: string | null;
  serial: string | null;
  firmware: string | null;
  name: string | null;
}

/** A cord or input feed. */
export interface InletReading {
  index: number;
  name: string | null;
  voltage: Measure;
  current: Measure;
  power: Measure; // active, W
  apparentPower: Measure; // VA
  powerFactor: Measure; // 0..1
  energy: Measure; // kWh
  frequency: Measure; // Hz
  loadState: LoadState;
}

export interface PhaseReading {
  index: number;
  name: string | null;
  current: Measure;
  voltage: Measure;
  power: Measure;
  loadState: LoadState;
}

/** A UPS's bypass input, one per line: the supply its static switch hands the load to when the inverter cannot carry it. */
export interface BypassReading {
  index: number;
  name: string | null;
  voltage: Measure;
  current: Measure;
  power: Measure; // active, W
  frequency: Measure; // Hz
}

/** A branch circuit behind its breaker or fuse. */
export interface BankReading {
  index: number;
  name: string | null;
  current: Measure;
  /** The breaker's rating, A: load against rating is current / rating. */
  rating: Measure;
  breaker: BreakerState;
  loadState: LoadState;
  /** True when the device reports no breaker object and the state was inferred from its outlets. */
  breakerInferred: boolean;
}

export interface OutletReading {
  index: number;
  name: string | null;
  state: OnOff;
  bank: number | null;
  current: Measure;
  power: Measure;
  energy: Measure;
  loadState: LoadState;
}

export type SensorKind = 'temperature' | 'humidity';

export interface SensorReading {
  index: number;
  kind: SensorKind;
  name: string | null;
  value: Measure; // °C or %RH
}

export type UpsSource = 'mains' | 'battery' | 'bypass' | 'off' | 'other' | 'unknown';
export type BatteryStatus = 'normal' | 'low' | 'depleted' | 'unknown';

export interface UpsReading {
  source: UpsSource;
  batteryStatus: BatteryStatus;
  charge: Measure; // %
  runtime: Measure; // s remaining
  timeOnBattery: Measure; // s
  load: Measure; // % of capacity
  inputVoltage: Measure;
  inputFrequency: Measure;
  outputVoltage: Measure;
  outputCurrent: Measure;
  outputPower: Measure; // W
  outputFrequency: Measure;
  batteryVoltage: Measure;
  temperature: Measure; // °C
  /** Active alarms, where the device counts them. */
  alarms: Measure;
}

export interface AtsReading {
  activeSource: 'A' | 'B' | 'unknown';
  redundancy: 'redundant' | 'lost' | 'unknown';
  sourceAVoltage: Measure;
  sourceBVoltage: Measure;
  outputVoltage: Measure;
  sourceACurrent: Measure;
  sourceBCurrent: Measure;
  outputCurrent: Measure;
}

/** Where one normalized value came from: for probes, coverage reports and doubt. */
export interface TraceEntry {
  path: string; // e.g. "outlets[3].current"
  oid: string;
  raw: number | string | null;
  value: number | string | null;
  quality: Quality;
}

/** One complete, normalized read of a power device. */
export interface DeviceReading {
  profile: string;
  kind: DeviceKind;
  identity: Identity;
  /** The agent's system group, read from every device: the sysObjectID it answers with, and how long it has been up (s). */
  sysObjectId: string | null;
  upTime: Measure;
  power: Measure; // W, whole device
  energy: Measure; // kWh
  loadState: LoadState;
  inlets: InletReading[];
  phases: PhaseReading[];
  /** A UPS's bypass lines; empty for a device without one. */
  bypass: BypassReading[];
  banks: BankReading[];
  outlets: OutletReading[];
  sensors: SensorReading[];
  ups: UpsReading | null;
  ats: AtsReading | null;
  /** Values that arrived but could not be trusted (wrong type, out of range, placeholder text). */
  badValues: number;
  trace?: TraceEntry[];
}
