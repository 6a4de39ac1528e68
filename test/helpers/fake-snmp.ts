// An in-memory SnmpClient over a map of OID → value: for profiles no recording covers.
import { compareOids, type SnmpClient, type SnmpResult, type Varbind } from '../../src/snmp/snmp-client.js';

/** Values as net-snmp hands them over: numbers (Integer, Gauge, TimeTicks), Buffers (OctetString), strings (OID), bigints (Counter64). */
export type FakeValue = number | string | bigint | Buffer;

/** Strings become OctetStrings (Buffers) unless they are given as Buffers or numbers already; use `oidValue` for an OID. */
export type FakeMib = Readonly<Record<string, FakeValue | { oid: string }>>;

/** Rows whose values are handed over exactly as given (`{ verbatim: true }`): a string stays a string, as net-snmp hands over an OID. */
export type VerbatimMib = Readonly<Record<string, unknown>>;

/** The sysObjectID instance, the first thing profile detection asks for. */
export const SYS_OBJECT_ID = '1.3.6.1.2.1.1.2.0';

const ASN = { Integer: 2, OctetString: 4, OID: 6, Counter64: 70, NoSuchObject: 128, EndOfMibView: 130 } as const;

export class FakeSnmpClient implements SnmpClient {
  private readonly oids: string[];
  private readonly values = new Map<string, Varbind>();
  /** Every request, for assertions on how a device was walked. */
  readonly requests: { op: 'get' | 'getNext' | 'subtree'; oids: string[] }[] = [];

  constructor(mib: FakeMib);
  constructor(rows: VerbatimMib, options: { verbatim: true });
  constructor(mib: VerbatimMib, options?: { verbatim: true }) {
    for (const [rawOid, v] of Object.entries(mib)) {
      const oid = rawOid.replace(/^\./, '');
      this.values.set(oid, options?.verbatim ? { oid, type: asnTypeOf(v), value: v } : toVarbind(oid, v as FakeValue | { oid: string }));
    }
    this.oids = [...this.values.keys()].sort(compareOids);
  }

  async get(oids: string[]): Promise<SnmpResult<Varbind[]>> {
    this.requests.push({ op: 'get', oids });
    // Absent names answer like noSuchObject: the varbind is there, its value undefined.
    return { ok: true, value: oids.map((oid) => this.values.get(oid) ?? { oid, type: ASN.NoSuchObject, value: undefined }) };
  }

  async getNext(oids: string[]): Promise<SnmpResult<Varbind[]>> {
    this.requests.push({ op: 'getNext', oids });
    return { ok: true, value: oids.map((oid) => this.next(oid) ?? { oid, type: ASN.EndOfMibView, value: undefined }) };
  }

  async subtree(oid: string): Promise<SnmpResult<Varbind[]>> {
    this.requests.push({ op: 'subtree', oids: [oid] });
    return { ok: true, value: this.oids.filter((o) => o.startsWith(`${oid}.`)).map((o) => this.values.get(o)!) };
  }

  close(): void {}

  private next(oid: string): Varbind | undefined {
    const after = this.oids.find((o) => compareOids(o, oid) > 0);
    return after === undefined ? undefined : this.values.get(after);
  }
}

export const oidValue = (oid: string): { oid: string } => ({ oid });

/**
 * `real`, except that the sysObjectID GET answers `value` (an OID: garbage such as '0.0' is fine), or noSuchObject when
 * it is undefined: to check that a device is still found by its objects. Everything else goes to `real`.
 */
export function withSysObjectId(real: SnmpClient, value: string | undefined): SnmpClient {
  const answer: Varbind = value === undefined
    ? { oid: SYS_OBJECT_ID, type: ASN.NoSuchObject, value: undefined }
    : { oid: SYS_OBJECT_ID, type: ASN.OID, value };
  const isSys = (oid: string) => oid.replace(/^\./, '') === SYS_OBJECT_ID;
  return {
    async get(oids) {
      if (!oids.some(isSys)) return real.get(oids);
      const others = oids.filter((oid) => !isSys(oid));
      const got: SnmpResult<Varbind[]> = others.length === 0 ? { ok: true, value: [] } : await real.get(others);
      if (!got.ok) return got;
      let i = 0;
      return { ok: true, value: oids.map((oid) => (isSys(oid) ? answer : got.value[i++]!)) };
    },
    getNext: (oids) => real.getNext(oids),
    subtree: (oid, options) => real.subtree(oid, options),
    close: () => real.close(),
  };
}

/** A table's cells: column → one value per row; rows are indexed `<prefix>.1`, `<prefix>.2`, … (no prefix: 1, 2, …). */
export function tableCells(entry: string, prefix: string, columns: Readonly<Record<number, readonly FakeValue[]>>): Record<string, FakeValue> {
  const out: Record<string, FakeValue> = {};
  const at = prefix === '' ? '' : `${prefix}.`;
  for (const [column, values] of Object.entries(columns)) values.forEach((v, i) => { out[`${entry}.${column}.${at}${i + 1}`] = v; });
  return out;
}

function toVarbind(oid: string, v: FakeValue | { oid: string }): Varbind {
  if (typeof v === 'number') return { oid, type: ASN.Integer, value: v };
  if (typeof v === 'bigint') return { oid, type: ASN.Counter64, value: v };
  if (typeof v === 'string') return { oid, type: ASN.OctetString, value: Buffer.from(v) };
  if (Buffer.isBuffer(v)) return { oid, type: ASN.OctetString, value: v };
  return { oid, type: ASN.OID, value: v.oid };
}

/** The ASN.1 type net-snmp would give a value handed over as is (0 when it would never hand one like it over). */
function asnTypeOf(v: unknown): number {
  if (typeof v === 'number') return ASN.Integer;
  if (typeof v === 'bigint') return ASN.Counter64;
  if (typeof v === 'string') return ASN.OID;
  if (Buffer.isBuffer(v)) return ASN.OctetString;
  return 0;
}
