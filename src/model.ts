// The normalized vocabulary every part of Breakerbox speaks, whatever the vendor.

/** How far a value can be trusted. Only "ok" values are ever used as numbers. */
export type Quality = 'ok' | 'unknown' | 'implausible';

export interface Measure {
  value: number | null;
  quality: Quality;
}

export const unknownMeasure: Measure = Object.freeze({ value: null, quality: 'unknown' });

export type OnOff = 'on' | 'off' | 'unknown';
export type BreakerState = 'ok' | 'tripped' | 'unknown';
export type Feed = 'up' | 'down' | 'unknown';
export type PowerState = 'normal' | 'degraded' | 'lost' | 'unknown';
export type MemberState = 'active' | 'drained' | 'held';

export interface PduIdentity {
  vendor: string;
  model: string | null;
  serial: string | null;
  firmware: string | null;
  name: string | null;
}

export interface PhaseReading {
  index: number;
  current: Measure; // A
  voltage: Measure; // V
  power: Measure; // W
}

export interface BankReading {
  index: number;
  current: Measure; // A
  breaker: BreakerState;
  /** True when the PDU reports no breaker object and the state was inferred from its outlets. */
  breakerInferred: boolean;
}

export interface OutletReading {
  index: number;
  name: string | null;
  state: OnOff;
  bank: number | null;
  current: Measure; // A
  power: Measure; // W
}

/** One complete, normalized read of a PDU. */
export interface PduReading {
  profile: string;
  identity: PduIdentity;
  power: Measure; // W, whole device
  energy: Measure; // kWh
  phases: PhaseReading[];
  banks: BankReading[];
  outlets: OutletReading[];
  /** Values that arrived but could not be trusted (wrong type, sentinel, out of range). */
  badValues: number;
}
