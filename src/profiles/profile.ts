// The shape of a vendor profile: data that says where a device keeps each normalized reading.
// The reader (read-pdu.ts) knows this shape and nothing about any vendor.

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
    }
  | { type: 'enum'; map: Readonly<Record<number, string>> }
  | { type: 'string' };

export type ColumnSpec = ValueSpec & { column: number };
export type ScalarSpec = ValueSpec & { oid: string };

/** A conceptual table whose rows become entities (phases, banks, outlets). */
export interface TableSource {
  /** The table's entry OID; column OIDs are entry.column. */
  entry: string;
  /** Column whose value numbers the entity; without it, the row's last index sub-identifier. */
  numberColumn?: number;
  /** Keep only rows whose column value (0 when absent) is, or is not, among these. */
  where?: { column: number; in?: readonly number[]; notIn?: readonly number[] };
  fields: Readonly<Record<string, ColumnSpec>>;
}

/** Scalars that fill fields of one entity (e.g. a single-phase device's line voltage). */
export interface ScalarSource {
  entity: number;
  scalars: Readonly<Record<string, ScalarSpec>>;
}

export type Source = TableSource | ScalarSource;

export interface PduProfile {
  name: string;
  vendor: string;
  detect: {
    /** sysObjectID prefixes of this family. */
    sysObjectId: readonly string[];
    /** OIDs (subtrees) whose presence identifies the family when sysObjectID is missing or garbage. */
    probe: readonly string[];
  };
  maxRepetitions?: number;
  /** Ordered alternatives: the first one with a trusted value wins. */
  identity: Partial<Record<'model' | 'serial' | 'firmware' | 'name', readonly ScalarSpec[]>>;
  device: Partial<Record<'power' | 'energy', readonly ScalarSpec[]>>;
  /** Sources in order of preference; fields merge per entity number, first trusted value wins. */
  phases: readonly Source[]; // fields: current (A), voltage (V), power (W)
  banks: readonly Source[]; // fields: current (A), breaker ("ok" | "tripped")
  outlets: readonly Source[]; // fields: name, state ("on" | "off"), bank, current (A), power (W)
}
