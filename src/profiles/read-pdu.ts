import type { BankReading, Measure, OutletReading, PduReading, PhaseReading } from '../model.js';
import type { SnmpClient, SnmpResult, Varbind } from '../snmp/snmp-client.js';
import { decodeValue, type Decoded } from './decode.js';
import type { PduProfile, ScalarSpec, Source, TableSource } from './profile.js';

type Row = Map<string, Decoded>; // field → decoded value
type Entities = Map<number, Row>; // entity number → fields

/** Reads one PDU through its profile: every table walked once, merged, normalized. */
export async function readPdu(client: SnmpClient, profile: PduProfile): Promise<SnmpResult<PduReading>> {
  const columns = new Set<string>();
  const scalars = new Set<string>();
  for (const source of [...profile.phases, ...profile.banks, ...profile.outlets]) {
    if ('entry' in source) for (const c of tableColumns(source)) columns.add(c);
    else for (const s of Object.values(source.scalars)) scalars.add(s.oid);
  }
  for (const alternatives of [...Object.values(profile.identity), ...Object.values(profile.device)]) {
    for (const s of alternatives ?? []) scalars.add(s.oid);
  }

  const columnList = [...columns];
  const [scalarResult, ...walks] = await Promise.all([
    client.get([...scalars]),
    ...columnList.map((c) => client.subtree(c, profile.maxRepetitions)),
  ]);
  if (!scalarResult!.ok) return scalarResult as SnmpResult<never>;
  const walked = new Map<string, Varbind[]>();
  for (const [i, walk] of walks.entries()) {
    if (!walk.ok) return walk as SnmpResult<never>;
    walked.set(columnList[i]!, walk.value);
  }
  const scalarValues = new Map(scalarResult!.value.map((vb) => [vb.oid, vb.value]));

  let badValues = 0;
  const count = (d: Decoded) => {
    if (d.quality === 'implausible') badValues++;
    return d;
  };
  const firstTrusted = (alternatives: readonly ScalarSpec[] | undefined): Decoded => {
    let best: Decoded = { quality: 'unknown', value: null };
    for (const spec of alternatives ?? []) {
      const d = count(decodeValue(scalarValues.get(spec.oid), spec));
      if (d.quality === 'ok') return d;
      if (best.quality === 'unknown') best = d;
    }
    return best;
  };
  const entities = (sources: readonly Source[]) => mergeSources(sources, walked, scalarValues, count);

  const phases = [...entities(profile.phases)].map(([index, row]): PhaseReading => ({
    index, current: measure(row.get('current')), voltage: measure(row.get('voltage')), power: measure(row.get('power')),
  }));
  const outlets = [...entities(profile.outlets)].map(([index, row]): OutletReading => ({
    index,
    name: text(row.get('name')),
    state: (text(row.get('state')) as 'on' | 'off' | null) ?? 'unknown',
    bank: num(row.get('bank')),
    current: measure(row.get('current')),
    power: measure(row.get('power')),
  }));
  const banks = [...entities(profile.banks)].map(([index, row]): BankReading => {
    const reported = text(row.get('breaker'));
    const bank: BankReading = { index, current: measure(row.get('current')), breaker: reported === 'tripped' ? 'tripped' : reported === 'ok' ? 'ok' : 'unknown', breakerInferred: false };
    return reported ? bank : inferBreaker(bank, outlets);
  });
  const byIndex = <T extends { index: number }>(a: T, b: T) => a.index - b.index;

  return {
    ok: true,
    value: {
      profile: profile.name,
      identity: {
        vendor: profile.vendor,
        model: text(firstTrusted(profile.identity.model)),
        serial: text(firstTrusted(profile.identity.serial)),
        firmware: text(firstTrusted(profile.identity.firmware)),
        name: text(firstTrusted(profile.identity.name)),
      },
      power: measure(firstTrusted(profile.device.power)),
      energy: measure(firstTrusted(profile.device.energy)),
      phases: phases.sort(byIndex),
      banks: banks.sort(byIndex),
      outlets: outlets.sort(byIndex),
      badValues,
    },
  };
}

function tableColumns(source: TableSource): string[] {
  const cols = new Set(Object.values(source.fields).map((f) => f.column));
  if (source.numberColumn) cols.add(source.numberColumn);
  if (source.where) cols.add(source.where.column);
  return [...cols].map((c) => `${source.entry}.${c}`);
}

/** Rows of every source, keyed by entity number; per field the first trusted value wins. */
function mergeSources(
  sources: readonly Source[],
  walked: Map<string, Varbind[]>,
  scalarValues: Map<string, unknown>,
  count: (d: Decoded) => Decoded,
): Entities {
  const out: Entities = new Map();
  const offer = (entity: number, field: string, d: Decoded) => {
    let row = out.get(entity);
    if (!row) out.set(entity, (row = new Map()));
    const had = row.get(field);
    if (!had || (had.quality !== 'ok' && (d.quality === 'ok' || had.quality === 'unknown'))) row.set(field, d);
  };
  for (const source of sources) {
    if (!('entry' in source)) {
      if (!out.has(source.entity)) continue; // scalars fill an entity some table found, never invent one
      for (const [field, spec] of Object.entries(source.scalars)) {
        const raw = scalarValues.get(spec.oid);
        if (raw !== undefined) offer(source.entity, field, count(decodeValue(raw, spec)));
      }
      continue;
    }
    const rows = tableRows(source, walked);
    for (const [rowIndex, cells] of rows) {
      if (source.where) {
        const v = cells.get(source.where.column);
        const n = typeof v === 'number' ? v : 0;
        if (source.where.in && !source.where.in.includes(n)) continue;
        if (source.where.notIn && source.where.notIn.includes(n)) continue;
      }
      const numberCell = source.numberColumn ? cells.get(source.numberColumn) : undefined;
      const entity = typeof numberCell === 'number' && numberCell > 0 ? numberCell : rowIndex;
      for (const [field, spec] of Object.entries(source.fields)) {
        if (cells.has(spec.column)) offer(entity, field, count(decodeValue(cells.get(spec.column), spec)));
      }
    }
  }
  return out;
}

/** Row index (last sub-identifier) → column → raw value. */
function tableRows(source: TableSource, walked: Map<string, Varbind[]>): Map<number, Map<number, unknown>> {
  const rows = new Map<number, Map<number, unknown>>();
  for (const column of tableColumns(source)) {
    const columnNumber = Number(column.slice(source.entry.length + 1));
    for (const vb of walked.get(column) ?? []) {
      const rowIndex = Number(vb.oid.slice(vb.oid.lastIndexOf('.') + 1));
      let row = rows.get(rowIndex);
      if (!row) rows.set(rowIndex, (row = new Map()));
      row.set(columnNumber, vb.value);
    }
  }
  return rows;
}

/**
 * Where a PDU reports no breaker object, a bank whose every outlet reads off and which draws
 * nothing has lost its breaker; a bank with an outlet on has not.
 */
function inferBreaker(bank: BankReading, outlets: OutletReading[]): BankReading {
  const mine = outlets.filter((o) => o.bank === bank.index);
  if (mine.length === 0) return bank;
  if (mine.some((o) => o.state === 'on')) return { ...bank, breaker: 'ok', breakerInferred: true };
  const drawsNothing = bank.current.quality === 'ok' && bank.current.value! < 0.05;
  if (mine.every((o) => o.state === 'off') && drawsNothing) return { ...bank, breaker: 'tripped', breakerInferred: true };
  return bank;
}

function measure(d: Decoded | undefined): Measure {
  if (!d || d.quality !== 'ok' || typeof d.value !== 'number') return { value: null, quality: d?.quality ?? 'unknown' };
  return { value: d.value, quality: 'ok' };
}
function text(d: Decoded | undefined): string | null {
  return d && d.quality === 'ok' ? String(d.value) : null;
}
function num(d: Decoded | undefined): number | null {
  return d && d.quality === 'ok' && typeof d.value === 'number' ? d.value : null;
}
