// Declarative scalars and tables over a net-snmp Mib: providers are registered on first use,
// and later writes touch only the cells whose value changed.
import snmp from 'net-snmp';

export type Value = number | string;
export interface ScalarDef { name: string; oid: string; type: snmp.ObjectType }
/** [column number, vendor object name, type] */
export type Column = readonly [number, string, snmp.ObjectType];
/** `oid` is the table's entry OID; the column numbered 1 is the row index. */
export interface TableDef<K extends string = string> { name: string; oid: string; columns: Readonly<Record<K, Column>> }

/** The part of net-snmp's (untyped) Mib this file uses. */
export interface NetSnmpMib {
  registerProvider(provider: object): void;
  setScalarValue(name: string, value: unknown): void;
  addTableRow(name: string, row: unknown[]): void;
  setTableSingleCell(name: string, column: number, rowIndex: number[], value: unknown): void;
}
interface MibRequest { instanceNode: { value: unknown }; done(): void }

const READ_ONLY = snmp.MaxAccess['read-only'];
const NOT_ACCESSIBLE = snmp.MaxAccess['not-accessible'];

export class MibWriter {
  private readonly registered = new Set<string>();
  /** Scalar name, or `${table}|${row}`, → values last written (by column), so unchanged cells are skipped. */
  private readonly written = new Map<string, Value[]>();
  private readonly sortedColumns = new WeakMap<TableDef, [string, Column][]>();
  /**
   * Moves when the MIB's shape changes (an object registered, a row added): which instances a GETNEXT
   * or GETBULK walks through depends on it. A changed value moves only its object's version.
   */
  shape = 0;
  /** Scalar or table name → moves on each change of one of its values. */
  private readonly versions = new Map<string, number>();
  /** `${oid}.` → the scalar or table whose instances it begins. */
  private readonly prefixes: [string, string][] = [];
  /** Instances computed at each request (sysUpTime.0): an answer holding one is never reused. */
  readonly computed = new Set<string>();

  constructor(readonly mib: NetSnmpMib) {
    // net-snmp's agent builds the whole row of every table cell it answers (twice) only to hand it to
    // callbacks as metadata, never to the client; these read-only agents have no such callback, and it
    // was a third of a simulated PDU's CPU per poll.
    (mib as unknown as { getTableRowCells: () => null }).getTableRowCells = () => null;
  }

  scalar(def: ScalarDef, value: Value): void {
    if (!this.registered.has(def.name)) {
      this.mib.registerProvider({ name: def.name, type: snmp.MibProviderType.Scalar, oid: def.oid, scalarType: def.type, maxAccess: READ_ONLY });
      this.registered.add(def.name);
      this.reshaped(def);
    }
    const v = coerce(def.type, value);
    if (this.written.get(def.name)?.[0] === v) return;
    this.mib.setScalarValue(def.name, v);
    this.written.set(def.name, [v]);
    this.changed(def.name);
  }

  /** A scalar computed at each request (sysUpTime). */
  computedScalar(def: ScalarDef, compute: () => Value): void {
    const handler = (req: MibRequest) => {
      req.instanceNode.value = coerce(def.type, compute());
      req.done();
    };
    this.mib.registerProvider({ name: def.name, type: snmp.MibProviderType.Scalar, oid: def.oid, scalarType: def.type, maxAccess: READ_ONLY, handler });
    this.registered.add(def.name);
    this.computed.add(`${def.oid}.0`);
    this.mib.setScalarValue(def.name, coerce(def.type, compute()));
    this.reshaped(def);
  }

  row<K extends string>(def: TableDef<K>, index: number, values: Readonly<Record<K, Value>>): void {
    const columns = this.columnsOf(def);
    const rowKey = `${def.name}|${index}`;
    const fresh = columns.map(([k, [, , type]]) => coerce(type, values[k as K]));
    const old = this.written.get(rowKey);
    if (!old) {
      this.mib.addTableRow(def.name, fresh);
      this.shape++;
    } else {
      columns.forEach(([, [n]], i) => {
        if (old[i] === fresh[i]) return;
        this.mib.setTableSingleCell(def.name, n, [index], fresh[i]);
        this.changed(def.name);
      });
    }
    this.written.set(rowKey, fresh);
  }

  /** Registers the table on first use; its columns in number order, as net-snmp rows are laid out. */
  private columnsOf(def: TableDef): [string, Column][] {
    let columns = this.sortedColumns.get(def);
    if (columns) return columns;
    columns = Object.entries(def.columns).sort((a, b) => a[1][0] - b[1][0]);
    const indexColumn = columns.find(([, c]) => c[0] === 1);
    if (!indexColumn) throw new Error(`${def.name}: no column 1 to index rows by`);
    this.mib.registerProvider({
      name: def.name, type: snmp.MibProviderType.Table, oid: def.oid, maxAccess: NOT_ACCESSIBLE,
      tableColumns: columns.map(([, [number, name, type]]) => ({ number, name, type, maxAccess: READ_ONLY })),
      tableIndex: [{ columnName: indexColumn[1][1] }],
    });
    this.sortedColumns.set(def, columns);
    this.reshaped(def);
    return columns;
  }

  /** The version of the scalar or table an instance belongs to: [name, version], or null outside them. */
  versionAt(oid: string): [string, number] | null {
    for (const [prefix, name] of this.prefixes) if (oid.startsWith(prefix)) return [name, this.versions.get(name) ?? 0];
    return null;
  }

  versionOf(name: string): number {
    return this.versions.get(name) ?? 0;
  }

  private changed(name: string): void {
    this.versions.set(name, (this.versions.get(name) ?? 0) + 1);
  }

  private reshaped(def: { name: string; oid: string }): void {
    this.prefixes.push([`${def.oid}.`, def.name]);
    this.shape++;
  }
}

/** Integers must be whole and in range or net-snmp refuses them; keep every write encodable. */
function coerce(type: snmp.ObjectType, value: Value): Value {
  if (typeof value === 'string') return value;
  const n = Math.round(value);
  switch (type) {
    case snmp.ObjectType.Integer: return Math.max(-2147483648, Math.min(2147483647, n));
    case snmp.ObjectType.Gauge:
    case snmp.ObjectType.Counter: return Math.max(0, Math.min(4294967295, n));
    case snmp.ObjectType.TimeTicks: return ((n % 4294967296) + 4294967296) % 4294967296;
    default: return n;
  }
}
