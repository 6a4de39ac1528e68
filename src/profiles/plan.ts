// A profile compiled once into what a poll needs: the columns to walk, the scalars to get, and per
// table source its column keys, conditions and field specs resolved, so the per-row loop only looks up.
import type { ColumnSpec, Profile, RowCondition, ScalarSpec, Source, TableSource } from './profile.js';

export interface CompiledCondition {
  /** Column key (entry.column) of the row's value, or the scalar OID. */
  key: string;
  scalar: boolean;
  /** The column is indexed by the row index's first this many sub-identifiers (0: the whole index). */
  prefix: number;
  under: string | undefined;
  in: readonly number[] | undefined;
  notIn: readonly number[] | undefined;
}

export interface CompiledField {
  field: string;
  spec: ColumnSpec;
  key: string; // entry.column
  /** A parent table's column: indexed by the row index's first this many sub-identifiers (0: the source's own). */
  prefix: number;
}

export interface CompiledTable {
  source: TableSource;
  fields: CompiledField[];
  /** Keys whose rows define the table's row set (the field columns). */
  rowKeys: string[];
  entityColumnKey: string | null;
  where: CompiledCondition[];
  valid: CompiledCondition[];
  digitsKey: string | null;
  exponentKey: string | null;
  constants: [string, string | number][];
}

export interface Plan {
  columns: string[];
  scalars: string[];
  tables: Map<TableSource, CompiledTable>;
}

/** sysObjectID and sysUpTime (SNMPv2-MIB): read from every device with its identity. */
export const SYS_OBJECT_ID = '1.3.6.1.2.1.1.2.0';
export const SYS_UP_TIME = '1.3.6.1.2.1.1.3.0';
const SYSTEM_SCALARS = [SYS_OBJECT_ID, SYS_UP_TIME];

export const collections = ['inlets', 'phases', 'bypass', 'banks', 'outlets', 'sensors', 'ups', 'ats'] as const;
export type Collection = (typeof collections)[number];
const cache = new WeakMap<Profile, Map<string, Plan>>();

/** The plan for reading a whole device, or only some of its parts (a quick look at outlets and banks). */
export function planOf(profile: Profile, only?: readonly Collection[]): Plan {
  let plans = cache.get(profile);
  if (!plans) cache.set(profile, (plans = new Map()));
  const key = only ? only.join() : '*';
  let plan = plans.get(key);
  if (!plan) plans.set(key, (plan = compile(profile, only)));
  return plan;
}

function compile(profile: Profile, only?: readonly Collection[]): Plan {
  const columns = new Set<string>();
  const scalars = new Set<string>();
  const tables = new Map<TableSource, CompiledTable>();
  for (const name of only ?? collections) {
    for (const source of (profile[name] ?? []) as readonly Source[]) {
      if ('packed' in source) {
        scalars.add(source.packed);
        continue;
      }
      if (!('entry' in source)) {
        for (const s of Object.values(source.scalars) as ScalarSpec[]) scalars.add(s.oid);
        continue;
      }
      const table = compileTable(source);
      tables.set(source, table);
      for (const f of table.fields) columns.add(f.key);
      for (const key of [table.entityColumnKey, table.digitsKey, table.exponentKey]) if (key) columns.add(key);
      for (const c of [...table.where, ...table.valid]) (c.scalar ? scalars : columns).add(c.key);
    }
  }
  if (!only) {
    for (const oid of SYSTEM_SCALARS) scalars.add(oid);
    for (const alternatives of [...Object.values(profile.identity), ...Object.values(profile.device ?? {})]) {
      for (const s of alternatives ?? []) scalars.add(s.oid);
    }
  }
  return { columns: [...columns], scalars: [...scalars], tables };
}

function compileTable(source: TableSource): CompiledTable {
  const key = (column: number, entry = source.entry) => `${entry}.${column}`;
  const fields = (Object.entries(source.fields) as [string, ColumnSpec][]).map(([field, spec]): CompiledField => ({
    field, spec, key: key(spec.column, spec.parent?.entry), prefix: spec.parent?.prefix ?? 0,
  }));
  const condition = (c: RowCondition): CompiledCondition => ('oid' in c
    ? { key: c.oid, scalar: true, prefix: 0, under: c.under, in: c.in, notIn: c.notIn }
    : { key: key(c.column, c.entry), scalar: false, prefix: c.prefix ?? 0, under: c.under, in: c.in, notIn: c.notIn });
  return {
    source,
    fields,
    rowKeys: [...new Set(fields.filter((f) => f.prefix === 0).map((f) => f.key))],
    entityColumnKey: typeof source.entity === 'object' && 'column' in source.entity ? key(source.entity.column) : null,
    where: list(source.where).map(condition),
    valid: list(source.valid).map(condition),
    digitsKey: source.digits ? key(source.digits.column, source.digits.entry) : null,
    exponentKey: source.exponent ? key(source.exponent.column, source.exponent.entry) : null,
    constants: Object.entries(source.constants ?? {}) as [string, string | number][],
  };
}

function list(c: RowCondition | readonly RowCondition[] | undefined): readonly RowCondition[] {
  return c === undefined ? [] : Array.isArray(c) ? (c as readonly RowCondition[]) : [c as RowCondition];
}
