// The shape of a vendor profile: data that says where a device keeps each normalized reading.
// The reader (read-device.ts) knows this shape and nothing about any vendor.
import type { DeviceKind } from '../model.js';

/** How a raw SNMP value becomes a normalized one. */
export type ValueSpec =
  | {
      type: 'number';
      /** Multiply the raw value into the normalized unit (tenths of amps → A: 0.1). */
      scale?: number;
      /** Raw values that mean "no sensor" (APC's -1): unknown, never zero. */
      sentinels?: readonly number[];
      /** Normalized values outside [min, max] are implausible. */
      min?: number;
      max?: number;
      /** The number arrives as text with a unit after it (Raritan's rated current "16A"): its leading decimal is read. */
      fromText?: boolean;
      /** Added after scaling (a °F reading to °C: scale 5/9, offset -160/9). */
      offset?: number;
    }
  /** An OID value pointing at a row of another table (a RowPointer): that row's last sub-identifier, if it points under `under`. */
  | { type: 'pointer'; under: string }
  /** Raw integers to normalized words ("on", "tripped", "battery"); anything else is unknown. */
  | { type: 'enum'; map: Readonly<Record<number, string>> }
  | { type: 'string' }
  /** An OID (a sysObjectID) to the vendor whose enterprise number it sits under. */
  | { type: 'enterprise' };

export type ColumnSpec = ValueSpec & {
  column: number;
  /** Tables with one row per quantity (Raritan's sensorType): this field reads rows whose type sub-identifier is this. */
  rowType?: number;
  /**
   * The column is the parent table's (its entry OID), indexed by the first `prefix` sub-identifiers of the row's index:
   * an input's frequency for each of its phases. Only the source's own columns make its rows.
   */
  parent?: { entry: string; prefix: number };
};
export type ScalarSpec = ValueSpec & { oid: string };

/** Which index sub-identifier numbers the entity: the last (default), one at a position (negative from the end), or row order. */
export type EntityFrom = 'last' | 'sequence' | { position: number } | { column: number };

/**
 * A row's column value, or a device-wide scalar (a global unit setting), is, or is not, among these.
 * An absent value counts as 0.
 */
export type RowCondition = (
  /**
   * entry: the column is another table's with the same index (the row's type kept in a sibling table); with prefix,
   * the parent table's, indexed by the first `prefix` sub-identifiers of the row's index (the input of an input's phase).
   */
  | { column: number; entry?: string; prefix?: number }
  | { oid: string }
) & {
  in?: readonly number[];
  notIn?: readonly number[];
  /** The value is an OID naming a well-known thing (a measurement point): the sub-identifier right below this prefix is tested. */
  under?: string;
};

/** A table whose rows become entities (inlets, phases, banks, outlets, sensors). */
export interface TableSource<F extends string = string> {
  /** The table's entry OID; column OIDs are entry.column. */
  entry: string;
  entity?: EntityFrom;
  /** Added to every entity number: a second quantity of the same rows (a probe's humidity beside its temperature) as entities of their own. */
  entityOffset?: number;
  /** Position of the index sub-identifier that says which quantity a row holds (with ColumnSpec.rowType). */
  rowTypeAt?: number;
  /** Keep only rows meeting every condition. */
  where?: RowCondition | readonly RowCondition[];
  fields: Readonly<Partial<Record<F, ColumnSpec>>>;
  /** Values every row of this source has (e.g. a sensor table's kind). */
  constants?: Readonly<Partial<Record<F, string | number>>>;
  /** Per-row decimal digits in another table with the same index: value × 10^-digits (Raritan; ENTITY-SENSOR's precision). */
  digits?: { entry: string; column: number };
  /** Per-row power of ten named by an enum in a table with the same index (ENTITY-SENSOR's SI prefix): value × 10^powers[raw]; an unlisted raw leaves the row's numbers unknown. */
  exponent?: { entry: string; column: number; powers: Readonly<Record<number, number>> };
  /** Numbers of rows failing any condition are unknown, the row still an entity: the device says it cannot read them (a sensor status). */
  valid?: RowCondition | readonly RowCondition[];
}

/** Scalars that fill fields of one entity. */
export interface ScalarSource<F extends string = string> {
  entity: number;
  scalars: Readonly<Partial<Record<F, ScalarSpec>>>;
  /** Only fill an entity a table found; never create one (a device-wide value that may not apply). */
  fillOnly?: boolean;
  /** Values the entity has when any of these scalars answered (a scalar sensor's kind). */
  constants?: Readonly<Partial<Record<F, string | number>>>;
}

/** One text object listing a value per entity, comma-separated ("1,1,0,-1": DigiPower's outlet states): entity k is the k-th item. */
export interface PackedSource<F extends string = string> {
  packed: string;
  field: F;
  /** How each item decodes (an item that is a number arrives as one, else as text). */
  spec: ValueSpec;
  /** Items with one of these numbers are no entity at all (the device's "not available"). */
  absent?: readonly number[];
}

export type Source<F extends string = string> = TableSource<F> | ScalarSource<F> | PackedSource<F>;

/** loadState (every entity and the device): low | normal | near-overload | overload */
export type InletField = 'loadState' | 'name' | 'voltage' | 'current' | 'power' | 'apparentPower' | 'powerFactor' | 'energy' | 'frequency';
export type PhaseField = 'loadState' | 'name' | 'voltage' | 'current' | 'power';
export type BypassField = 'name' | 'voltage' | 'current' | 'power' | 'frequency';
/** breaker: "ok" | "tripped" */
export type BankField = 'loadState' | 'name' | 'current' | 'rating' | 'breaker';
/** state: "on" | "off" */
export type OutletField = 'loadState' | 'name' | 'state' | 'bank' | 'current' | 'power' | 'energy';
/** kind: "temperature" | "humidity" */
export type SensorField = 'kind' | 'name' | 'value';
/** source: mains | battery | bypass | off | other; batteryStatus: normal | low | depleted */
export type UpsField =
  | 'source' | 'batteryStatus' | 'charge' | 'runtime' | 'timeOnBattery' | 'load' | 'inputVoltage' | 'inputFrequency'
  | 'outputVoltage' | 'outputCurrent' | 'outputPower' | 'outputFrequency' | 'batteryVoltage' | 'temperature' | 'alarms';
/** activeSource: A | B; redundancy: redundant | lost */
export type AtsField =
  | 'activeSource' | 'redundancy' | 'sourceAVoltage' | 'sourceBVoltage' | 'outputVoltage' | 'sourceACurrent' | 'sourceBCurrent' | 'outputCurrent';

export interface Profile {
  name: string;
  vendor: string;
  kind: DeviceKind;
  /** The MIB(s) the profile was written from. */
  mibs: readonly string[];
  detect: {
    /** sysObjectID prefixes of this family. */
    sysObjectId: readonly string[];
    /** OIDs whose presence (a GETNEXT lands under one) identifies the family when sysObjectID is missing or garbage. */
    probe: readonly string[];
  };
  /**
   * Models of one family whose objects sit in subtrees of their own (Gude: one structure under each model's OID).
   * Detection narrows a device to its model's variant, so a poll asks only for what the device has; a device no
   * variant matches is read through the whole family.
   */
  variants?: readonly Profile[];
  /** Which of its family's variants this is (the profile's name stays the family's). */
  variant?: string;
  /** How this family must be walked. */
  quirks?: {
    /** GETBULK max-repetitions (ServerTech Sentry3 misbehaves above 4). */
    maxRepetitions?: number;
    /** Walk with GETNEXT: for agents that mishandle GETBULK. */
    getNext?: boolean;
  };
  /** Ordered alternatives: the first one with a trusted value wins. */
  /** vendor: read where a standard MIB names the maker (fallback profiles); else the profile's vendor. */
  identity: Readonly<Partial<Record<'vendor' | 'model' | 'serial' | 'firmware' | 'name', readonly ScalarSpec[]>>>;
  device?: Readonly<Partial<Record<'power' | 'energy' | 'loadState', readonly ScalarSpec[]>>>;
  /** Sources in order of preference; fields merge per entity number, first trusted value wins. */
  inlets?: readonly Source<InletField>[];
  phases?: readonly Source<PhaseField>[];
  /** A UPS's bypass input, one entity per line. */
  bypass?: readonly Source<BypassField>[];
  banks?: readonly Source<BankField>[];
  outlets?: readonly Source<OutletField>[];
  sensors?: readonly Source<SensorField>[];
  ups?: readonly Source<UpsField>[];
  ats?: readonly Source<AtsField>[];
  /** The notifications this family sends, and what each means. */
  traps?: readonly TrapDefinition[];
}

/** What a trap means, whatever the vendor said it with. */
export type TrapEvent =
  | 'outlet-off' | 'outlet-on' | 'outlet-reboot'
  | 'breaker-tripped' | 'breaker-reset'
  | 'overload' | 'overload-cleared' | 'near-overload' | 'near-overload-cleared' | 'low-load' | 'low-load-cleared'
  | 'inlet-lost' | 'inlet-restored'
  | 'on-battery' | 'on-mains' | 'on-bypass' | 'battery-low' | 'battery-low-cleared' | 'battery-discharged' | 'battery-fault'
  | 'communication-lost' | 'communication-restored'
  | 'source-transfer' | 'redundancy-lost' | 'redundancy-restored'
  | 'alarm' | 'alarm-cleared' | 'test';

/**
 * A varbind of the trap, found by OID prefix (with or without its instance): its value, or the last sub-identifier of its instance.
 * An entity number is a positive integer: 0 or a negative value names none (APC's outlet 0 "all outlets", bank 0 "this is phase data").
 */
export interface TrapRef {
  oid: string;
  from?: 'value' | 'index';
}

/** One varbind, or ordered alternatives (the MIB's object, then what devices really send): the first present varbind decides. */
export type TrapRefs = TrapRef | readonly TrapRef[];

/** The event read from a varbind's value, for notifications that say "a state changed" and carry the new state. */
export interface TrapEventFrom {
  /** The varbind, found as a TrapRef's is. */
  oid: string;
  /** Its integer value to the event; an unlisted value decides nothing. */
  map: Readonly<Record<number, TrapEvent>>;
  /** The value is an OID naming a well-known condition (an AutonomousType): the sub-identifier right below this prefix is looked up. */
  under?: string;
  /** Only when another varbind's integer value is among these (which kind of sensor changed state). */
  when?: { oid: string; in: readonly number[] };
}

export interface TrapDefinition {
  /** The notification as it arrives in snmpTrapOID.0 (a v1 trap is converted: enterprise.0.specific, RFC 3584). */
  oid: string;
  /** The MIB's own name for it (outletOff, upsTrapOnBattery …). */
  name: string;
  /** What it means; with eventFrom, what it means when no listed value decides. */
  event: TrapEvent;
  /** The event from a varbind's value (never from text); alternatives in order, the first that decides wins. */
  eventFrom?: TrapEventFrom | readonly TrapEventFrom[];
  /** Where the affected entity's number is carried. */
  outlet?: TrapRefs;
  bank?: TrapRefs;
  phase?: TrapRefs;
  inlet?: TrapRefs;
}
