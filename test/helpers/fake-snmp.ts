// An in-memory SnmpClient over a map of OID → value: for profiles no recording covers.
import type { SnmpClient, SnmpResult, Varbind } from '../../src/snmp/snmp-client.js';

/** Values as net-snmp hands them over: numbers (Integer, Gauge, TimeTicks), Buffers (OctetString), strings (OID), bigints (Counter64). */
export type FakeValue = number | string | bigint | Buffer;

/** Strings become OctetStrings (Buffers) unless they are given as Buffers or numbers already; use `oidValue` for an OID. */
export type FakeMib = Readonly<Record<string, FakeValue | { oid: string }>>;

const ASN = { Integer: 2, OctetString: 4, OID: 6, Counter64: 70 } as const;

export class FakeSnmpClient implements SnmpClient {
  private readonly oids: string[];
  private readonly values = new Map<string, Varbind>();
  /** Every request, for assertions on how a device was walked. */
  readonly requests: { op: 'get' | 'getNext' | 'subtree'; oids: string[] }[] = [];

  constructor(mib: FakeMib) {
    for (const [rawOid, v] of Object.entries(mib)) {
      const oid = rawOid.replace(/^\./, '');
      this.values.set(oid, toVarbind(oid, v));
    }
    this.oids = [...this.values.keys()].sort(compareOids);
  }

  async get(oids: string[]): Promise<SnmpResult<Varbind[]>> {
    this.requests.push({ op: 'get', oids });
    // Absent names answer like noSuchObject: the varbind is there, its value undefined.
    return { ok: true, value: oids.map((oid) => this.values.get(oid) ?? { oid, type: 128, value: undefined }) };
  }

  async getNext(oids: string[]): Promise<SnmpResult<Varbind[]>> {
    this.requests.push({ op: 'getNext', oids });
    return { ok: true, value: oids.map((oid) => this.next(oid) ?? { oid, type: 130, value: undefined }) };
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

function compareOids(a: string, b: string): number {
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}
