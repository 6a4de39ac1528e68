import type {
  LoadState, AtsReading, BankReading, DeviceReading, InletReading, Measure, OutletReading, PhaseReading, SensorReading, TraceEntry, UpsReading,
} from '../model.js';
import type { SnmpClient, SnmpResult } from '../snmp/snmp-client.js';
import { decodeValue, type Decoded } from './decode.js';
import type { ColumnSpec, Profile, ScalarSpec, Source, TableSource } from './profile.js';

/** One decoded value with where it came from. */
interface Cell {
  decoded: Decoded;
  oid: string;
  raw: unknown;
}
type Entities = Map<number, Map<string, Cell>>; // entity number → field → cell

/** Walked columns (column OID → index → raw) and fetched scalars (OID → raw). */
interface Fetched {
  columns: Map<string, Map<string, unknown>>;
  scalars: Map<string, unknown>;
}

export interface ReadOptions {
  /** Record where every value came from (probe, coverage): costs a little per value. */
  trace?: boolean;
}

const GET_CHUNK = 24;

/** Reads one device through its profile: every needed column walked once, merged, normalized. Never throws. */
export async function readDevice(client: SnmpClient, profile: Profile, options: ReadOptions = {}): Promise<SnmpResult<DeviceReading>> {
  const fetched = await fetch(client, profile);
  if (!fetched.ok) return fetched;
  const reader = new Reader(profile, fetched.value, options.trace ?? false);
  return { ok: true, value: reader.reading() };
}

const collections = ['inlets', 'phases', 'banks', 'outlets', 'sensors', 'ups', 'ats'] as const;

function plan(profile: Profile): { columns: string[]; scalars: string[] } {
  const columns = new Set<string>();
  const scalars = new Set<string>();
  for (const name of collections) {
    for (const source of (profile[name] ?? []) as readonly Source[]) {
      if ('entry' in source) for (const c of tableColumns(source)) columns.add(c);
      else for (const s of Object.values(source.scalars) as ScalarSpec[]) scalars.add(s.oid);
    }
  }
  for (const alternatives of [...Object.values(profile.identity), ...Object.values(profile.device ?? {})]) {
    for (const s of alternatives ?? []) scalars.add(s.oid);
  }
  return { columns: [...columns], scalars: [...scalars] };
}

async function fetch(client: SnmpClient, profile: Profile): Promise<SnmpResult<Fetched>> {
  const { columns, scalars } = plan(profile);
  const walkOptions = { maxRepetitions: profile.quirks?.maxRepetitions, getNext: profile.quirks?.getNext };
  const chunks: string[][] = [];
  for (let i = 0; i < scalars.length; i += GET_CHUNK) chunks.push(scalars.slice(i, i + GET_CHUNK));
  const [gets, walks] = await Promise.all([
    Promise.all(chunks.map((chunk) => client.get(chunk))),
    Promise.all(columns.map((c) => client.subtree(c, walkOptions))),
  ]);
  const out: Fetched = { columns: new Map(), scalars: new Map() };
  for (const get of gets) {
    if (!get.ok) return get;
    for (const vb of get.value) out.scalars.set(vb.oid, vb.value);
  }
  for (const [i, walk] of walks.entries()) {
    if (!walk.ok) return walk;
    const column = columns[i]!;
    const rows = new Map<string, unknown>();
    for (const vb of walk.value) rows.set(vb.oid.slice(column.length + 1), vb.value);
    out.columns.set(column, rows);
  }
  return { ok: true, value: out };
}

function tableColumns(source: TableSource): string[] {
  const cols = new Set<number>(Object.values(source.fields).map((f) => (f as ColumnSpec).column));
  if (typeof source.entity === 'object' && 'column' in source.entity) cols.add(source.entity.column);
  if (source.where) cols.add(source.where.column);
  const out = [...cols].map((c) => `${source.entry}.${c}`);
  if (source.digits) out.push(`${source.digits.entry}.${source.digits.column}`);
  return out;
}

class Reader {
  private badValues = 0;
  private readonly trace: TraceEntry[] | null;

  constructor(private readonly profile: Profile, private readonly fetched: Fetched, tracing: boolean) {
    this.trace = tracing ? [] : null;
  }

  reading(): DeviceReading {
    const p = this.profile;
    const inlets = [...this.entities('inlets', p.inlets)].map(([index, f]): InletReading => ({
      index, name: this.text(f, 'name'), voltage: this.measure(f, 'voltage'), current: this.measure(f, 'current'), power: this.measure(f, 'power'),
      apparentPower: this.measure(f, 'apparentPower'), powerFactor: this.measure(f, 'powerFactor'), energy: this.measure(f, 'energy'), frequency: this.measure(f, 'frequency'),
      loadState: this.loadState(f),
    }));
    const phases = [...this.entities('phases', p.phases)].map(([index, f]): PhaseReading => ({
      index, name: this.text(f, 'name'), current: this.measure(f, 'current'), voltage: this.measure(f, 'voltage'), power: this.measure(f, 'power'), loadState: this.loadState(f),
    }));
    const outlets = [...this.entities('outlets', p.outlets)].map(([index, f]): OutletReading => ({
      index, name: this.text(f, 'name'), state: oneOf(this.text(f, 'state'), ['on', 'off'] as const) ?? 'unknown',
      bank: this.measure(f, 'bank').value, current: this.measure(f, 'current'), power: this.measure(f, 'power'), energy: this.measure(f, 'energy'), loadState: this.loadState(f),
    }));
    const banks = [...this.entities('banks', p.banks)].map(([index, f]): BankReading => {
      const reported = oneOf(this.text(f, 'breaker'), ['ok', 'tripped'] as const);
      const bank: BankReading = { index, name: this.text(f, 'name'), current: this.measure(f, 'current'), rating: this.measure(f, 'rating'), breaker: reported ?? 'unknown', breakerInferred: false, loadState: this.loadState(f) };
      return reported || f.has('breaker') ? bank : inferBreaker(bank, outlets);
    });
    const sensors = [...this.entities('sensors', p.sensors)].flatMap(([index, f]): SensorReading[] => {
      const kind = oneOf(this.text(f, 'kind'), ['temperature', 'humidity'] as const);
      return kind ? [{ index, kind, name: this.text(f, 'name'), value: this.measure(f, 'value') }] : [];
    });
    const byIndex = <T extends { index: number }>(a: T, b: T) => a.index - b.index;
    return {
      profile: p.name,
      kind: p.kind,
      identity: {
        vendor: p.vendor,
        model: this.firstText('identity.model', p.identity.model),
        serial: this.firstText('identity.serial', p.identity.serial),
        firmware: this.firstText('identity.firmware', p.identity.firmware),
        name: this.firstText('identity.name', p.identity.name),
      },
      power: measureOf(this.first('power', p.device?.power)),
      energy: measureOf(this.first('energy', p.device?.energy)),
      loadState: asLoadState(this.firstText('loadState', p.device?.loadState)),
      inlets: inlets.sort(byIndex),
      phases: phases.sort(byIndex),
      banks: banks.sort(byIndex),
      outlets: outlets.sort(byIndex),
      sensors: sensors.sort(byIndex),
      ups: p.ups ? this.ups() : null,
      ats: p.ats ? this.ats() : null,
      badValues: this.badValues,
      ...(this.trace ? { trace: this.trace } : {}),
    };
  }

  private ups(): UpsReading | null {
    const f = this.entities('ups', this.profile.ups).get(1);
    if (!f) return null;
    const m = (k: string) => this.measure(f, k);
    return {
      source: oneOf(this.text(f, 'source'), ['mains', 'battery', 'bypass', 'off', 'other'] as const) ?? 'unknown',
      batteryStatus: oneOf(this.text(f, 'batteryStatus'), ['normal', 'low', 'depleted'] as const) ?? 'unknown',
      charge: m('charge'), runtime: m('runtime'), timeOnBattery: m('timeOnBattery'), load: m('load'),
      inputVoltage: m('inputVoltage'), inputFrequency: m('inputFrequency'), outputVoltage: m('outputVoltage'), outputCurrent: m('outputCurrent'),
      outputPower: m('outputPower'), outputFrequency: m('outputFrequency'), batteryVoltage: m('batteryVoltage'), temperature: m('temperature'), alarms: m('alarms'),
    };
  }

  private ats(): AtsReading | null {
    const f = this.entities('ats', this.profile.ats).get(1);
    if (!f) return null;
    return {
      activeSource: oneOf(this.text(f, 'activeSource'), ['A', 'B'] as const) ?? 'unknown',
      redundancy: oneOf(this.text(f, 'redundancy'), ['redundant', 'lost'] as const) ?? 'unknown',
      sourceAVoltage: this.measure(f, 'sourceAVoltage'), sourceBVoltage: this.measure(f, 'sourceBVoltage'), outputVoltage: this.measure(f, 'outputVoltage'),
    };
  }

  /** Rows of every source, keyed by entity number; per field the first trusted value wins. */
  private entities(collection: string, sources: readonly Source[] | undefined): Entities {
    const out: Entities = new Map();
    const offer = (entity: number, field: string, cell: Cell) => {
      let row = out.get(entity);
      if (!row) out.set(entity, (row = new Map()));
      const had = row.get(field);
      if (!had || (had.decoded.quality !== 'ok' && (cell.decoded.quality === 'ok' || had.decoded.quality === 'unknown'))) row.set(field, cell);
    };
    for (const source of sources ?? []) {
      if ('entry' in source) this.table(source, offer);
      else {
        if (source.fillOnly && !out.has(source.entity)) continue;
        for (const [field, spec] of Object.entries(source.scalars) as [string, ScalarSpec][]) {
          const raw = this.fetched.scalars.get(spec.oid);
          if (raw !== undefined) offer(source.entity, field, { decoded: this.count(decodeValue(raw, spec)), oid: spec.oid, raw });
        }
      }
    }
    if (this.trace) {
      for (const [entity, fields] of out) {
        for (const [field, cell] of fields) {
          if (cell.oid) this.trace.push({ path: collection === 'ups' || collection === 'ats' ? `${collection}.${field}` : `${collection}[${entity}].${field}`, oid: cell.oid, raw: rawForTrace(cell.raw), value: cell.decoded.value, quality: cell.decoded.quality });
        }
      }
    }
    return out;
  }

  private table(source: TableSource, offer: (entity: number, field: string, cell: Cell) => void): void {
    const { columns } = this.fetched;
    const cellAt = (column: number, index: string) => columns.get(`${source.entry}.${column}`)?.get(index);
    const sequence = new Map<string, number>();
    const entityOf = (index: string): number | null => {
      const subs = index.split('.').map(Number);
      const rest = source.rowTypeAt === undefined ? subs : subs.filter((_, i) => i !== at(subs, source.rowTypeAt!));
      const from = source.entity ?? 'last';
      if (from === 'last') return rest.at(-1) ?? null;
      if (from === 'sequence') {
        const key = rest.join('.');
        if (!sequence.has(key)) sequence.set(key, sequence.size + 1);
        return sequence.get(key)!;
      }
      if ('position' in from) return rest[at(rest, from.position)] ?? null;
      const v = cellAt(from.column, index);
      return typeof v === 'number' && v > 0 ? v : null;
    };
    // Every row index any column of this source has, in OID order, so "sequence" numbers rows as the device lists them.
    const indexes = new Set<string>();
    for (const spec of Object.values(source.fields) as ColumnSpec[]) for (const index of columns.get(`${source.entry}.${spec.column}`)?.keys() ?? []) indexes.add(index);
    for (const index of [...indexes].sort(compareIndex)) {
      if (source.where) {
        const v = cellAt(source.where.column, index);
        const n = typeof v === 'number' ? v : 0;
        if (source.where.in && !source.where.in.includes(n)) continue;
        if (source.where.notIn && source.where.notIn.includes(n)) continue;
      }
      const entity = entityOf(index);
      if (entity === null) continue;
      const rowType = source.rowTypeAt === undefined ? undefined : Number(index.split('.').at(source.rowTypeAt));
      const digits = source.digits ? columns.get(`${source.digits.entry}.${source.digits.column}`)?.get(index) : undefined;
      const extraScale = typeof digits === 'number' && digits >= 0 && digits <= 6 ? 10 ** -digits : 1;
      let any = false;
      for (const [field, spec] of Object.entries(source.fields) as [string, ColumnSpec][]) {
        if (spec.rowType !== undefined && spec.rowType !== rowType) continue;
        const raw = cellAt(spec.column, index);
        if (raw === undefined) continue;
        any = true;
        offer(entity, field, { decoded: this.count(decodeValue(raw, spec, spec.type === 'number' ? extraScale : 1)), oid: `${source.entry}.${spec.column}.${index}`, raw });
      }
      if (any) {
        for (const [field, value] of Object.entries(source.constants ?? {})) offer(entity, field, { decoded: { quality: 'ok', value: value as string | number }, oid: '', raw: value });
      }
    }
  }

  private count(d: Decoded): Decoded {
    if (d.quality === 'implausible') this.badValues++;
    return d;
  }

  private first(path: string, alternatives: readonly ScalarSpec[] | undefined): Decoded {
    let best: Cell | null = null;
    for (const spec of alternatives ?? []) {
      const raw = this.fetched.scalars.get(spec.oid);
      const cell = { decoded: this.count(decodeValue(raw, spec)), oid: spec.oid, raw };
      if (cell.decoded.quality === 'ok') {
        best = cell;
        break;
      }
      if (!best || (best.decoded.quality === 'unknown' && raw !== undefined)) best = cell;
    }
    if (!best) return { quality: 'unknown', value: null };
    if (this.trace && best.raw !== undefined) this.trace.push({ path, oid: best.oid, raw: rawForTrace(best.raw), value: best.decoded.value, quality: best.decoded.quality });
    return best.decoded;
  }

  private firstText(path: string, alternatives: readonly ScalarSpec[] | undefined): string | null {
    const d = this.first(path, alternatives);
    return d.quality === 'ok' ? String(d.value) : null;
  }

  private measure(fields: Map<string, Cell>, field: string): Measure {
    return measureOf(fields.get(field)?.decoded);
  }

  private loadState(fields: Map<string, Cell>): LoadState {
    return asLoadState(this.text(fields, 'loadState'));
  }

  private text(fields: Map<string, Cell>, field: string): string | null {
    const d = fields.get(field)?.decoded;
    return d && d.quality === 'ok' ? String(d.value) : null;
  }
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

function measureOf(d: Decoded | undefined): Measure {
  if (!d || d.quality !== 'ok' || typeof d.value !== 'number') return { value: null, quality: d?.quality === 'ok' ? 'implausible' : d?.quality ?? 'unknown' };
  return { value: d.value, quality: 'ok' };
}

function asLoadState(value: string | null): LoadState {
  return oneOf(value, ['low', 'normal', 'near-overload', 'overload'] as const) ?? 'unknown';
}

function oneOf<T extends string>(value: string | null, allowed: readonly T[]): T | null {
  return value !== null && (allowed as readonly string[]).includes(value) ? (value as T) : null;
}

function at(list: readonly unknown[], position: number): number {
  return position < 0 ? list.length + position : position;
}

function compareIndex(a: string, b: string): number {
  const x = a.split('.');
  const y = b.split('.');
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = Number(x[i]) - Number(y[i]);
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

function rawForTrace(raw: unknown): number | string | null {
  if (typeof raw === 'number' || typeof raw === 'string') return raw;
  if (typeof raw === 'bigint') return Number(raw);
  if (Buffer.isBuffer(raw)) return raw.toString('utf8');
  return null;
}
