import type {
  LoadState, AtsReading, BankReading, BypassReading, DeviceReading, InletReading, Measure, OutletReading, PhaseReading, SensorReading, TraceEntry, UpsReading,
} from '../model.js';
import { overLimit, type SnmpClient, type SnmpResult } from '../snmp/snmp-client.js';
import { decodeValue, type Decoded } from './decode.js';
import { collections, planOf, SYS_OBJECT_ID, SYS_UP_TIME, type Collection, type CompiledCondition } from './plan.js';
import type { PackedSource, Profile, ScalarSpec, Source, TableSource } from './profile.js';

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
  /** Read only these parts (the rest of the reading stays empty): a quick look to confirm a trap. */
  only?: readonly Collection[];
  /** Bounds on what one device may hand over; past them the read fails with kind "limit". */
  limits?: ReadLimits | undefined;
}

export interface ReadLimits {
  /** Rows per walked column, by the part it feeds (outlets, banks, phases: sized from the configuration). */
  maxRows: Partial<Record<Collection, number>>;
  /** Rows per column feeding a part without a configured size. */
  maxRowsDefault: number;
  maxValueBytes: number;
  /**
   * Rows a column is expected to have, by part (the configured outlets, banks, phases): a column walks
   * in one GETBULK of that many repetitions (and one more to see its end) instead of several of 20 that
   * overshoot small tables. The agent may answer with fewer; the walk then simply asks again.
   */
  expectedRows?: Partial<Record<Collection, number>>;
}

const GET_CHUNK = 24;
/** At most this many rows per GETBULK when sized from the configuration (about 2 KB of answer). */
const MAX_REPETITIONS = 50;
const UNKNOWN: Decoded = { quality: 'unknown', value: null };
/** sysUpTime: TimeTicks (hundredths of a second) to seconds. */
const UP_TIME: ScalarSpec = { oid: SYS_UP_TIME, type: 'number', scale: 0.01, min: 0 };

/** An OID as the agent sent it ("1.3.6.1.4.1.318.1.3.4.5"), or null for anything else. */
function objectIdentifier(raw: unknown): string | null {
  return typeof raw === 'string' && /^\.?\d+(\.\d+)+$/.test(raw) ? raw.replace(/^\./, '') : null;
}

/** Reads one device through its profile: every needed column walked once, merged, normalized. Never throws. */
export async function readDevice(client: SnmpClient, profile: Profile, options: ReadOptions = {}): Promise<SnmpResult<DeviceReading>> {
  const fetched = await fetch(client, profile, options.only, options.limits);
  if (!fetched.ok) return fetched;
  const reader = new Reader(profile, fetched.value, options.trace ?? false);
  return { ok: true, value: reader.reading() };
}

async function fetch(client: SnmpClient, profile: Profile, only?: readonly Collection[], limits?: ReadLimits): Promise<SnmpResult<Fetched>> {
  const { columns, scalars } = planOf(profile, only);
  const walkOptions = { maxRepetitions: profile.quirks?.maxRepetitions, getNext: profile.quirks?.getNext };
  const chunks: string[][] = [];
  for (let i = 0; i < scalars.length; i += GET_CHUNK) chunks.push(scalars.slice(i, i + GET_CHUNK));
  const parts = limits ? partsOfColumns(profile) : null;
  const walkLimits = (column: string) => (limits
    ? { maxRows: Math.max(...(parts!.get(column) ?? [null]).map((c) => (c && limits.maxRows[c]) ?? limits.maxRowsDefault)), maxValueBytes: limits.maxValueBytes }
    : {});
  const repetitions = (column: string) => {
    const expected = limits?.expectedRows && (parts!.get(column) ?? []).map((c) => limits.expectedRows![c]);
    if (!expected || expected.length === 0 || expected.some((n) => n === undefined)) return walkOptions.maxRepetitions;
    const wanted = Math.min(MAX_REPETITIONS, Math.max(...(expected as number[])) + 1);
    return Math.min(wanted, walkOptions.maxRepetitions ?? wanted);
  };
  const [gets, walks] = await Promise.all([
    Promise.all(chunks.map((chunk) => client.get(chunk))),
    Promise.all(columns.map((c) => client.subtree(c, { ...walkOptions, maxRepetitions: repetitions(c), ...walkLimits(c) }))),
  ]);
  const out: Fetched = { columns: new Map(), scalars: new Map() };
  const valueBounds = { maxRows: Infinity, maxValueBytes: limits?.maxValueBytes ?? Infinity };
  for (const get of gets) {
    if (!get.ok) return get;
    for (const vb of get.value) {
      const exceeded = overLimit(vb.value, 1, valueBounds);
      if (exceeded) return exceeded;
      out.scalars.set(vb.oid, vb.value);
    }
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

const partsCache = new WeakMap<Profile, Map<string, Collection[]>>();

/** Which parts (outlets, banks, …) each walked column of a profile feeds: a column's row limit is the largest of theirs. */
function partsOfColumns(profile: Profile): Map<string, Collection[]> {
  let map = partsCache.get(profile);
  if (map) return map;
  map = new Map();
  for (const part of collections) {
    for (const column of planOf(profile, [part]).columns) {
      const list = map.get(column) ?? [];
      list.push(part);
      map.set(column, list);
    }
  }
  partsCache.set(profile, map);
  return map;
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
    const bypass = [...this.entities('bypass', p.bypass)].map(([index, f]): BypassReading => ({
      index, name: this.text(f, 'name'), voltage: this.measure(f, 'voltage'), current: this.measure(f, 'current'), power: this.measure(f, 'power'), frequency: this.measure(f, 'frequency'),
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
      if (kind) return [{ index, kind, name: this.text(f, 'name'), value: this.measure(f, 'value') }];
      this.untrace(`sensors[${index}].`); // a sensor of a kind the model has no place for (a door, a lock) is not read
      return [];
    });
    const byIndex = <T extends { index: number }>(a: T, b: T) => a.index - b.index;
    return {
      profile: p.name,
      kind: p.kind,
      identity: {
        vendor: this.firstText('identity.vendor', p.identity.vendor) ?? p.vendor,
        model: this.firstText('identity.model', p.identity.model),
        serial: this.firstText('identity.serial', p.identity.serial),
        firmware: this.firstText('identity.firmware', p.identity.firmware),
        name: this.firstText('identity.name', p.identity.name),
      },
      sysObjectId: objectIdentifier(this.fetched.scalars.get(SYS_OBJECT_ID)),
      upTime: measureOf(this.first('upTime', [UP_TIME])),
      power: measureOf(this.first('power', p.device?.power)),
      energy: measureOf(this.first('energy', p.device?.energy)),
      loadState: asLoadState(this.firstText('loadState', p.device?.loadState)),
      inlets: inlets.sort(byIndex),
      phases: phases.sort(byIndex),
      bypass: bypass.sort(byIndex),
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
      sourceACurrent: this.measure(f, 'sourceACurrent'), sourceBCurrent: this.measure(f, 'sourceBCurrent'), outputCurrent: this.measure(f, 'outputCurrent'),
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
      else if ('packed' in source) this.packed(source, offer);
      else {
        if (source.fillOnly && !out.has(source.entity)) continue;
        let any = false;
        for (const [field, spec] of Object.entries(source.scalars) as [string, ScalarSpec][]) {
          const raw = this.fetched.scalars.get(spec.oid);
          if (raw === undefined) continue;
          any = true;
          offer(source.entity, field, { decoded: this.count(decodeValue(raw, spec)), oid: spec.oid, raw });
        }
        if (any) for (const [field, value] of Object.entries(source.constants ?? {})) offer(source.entity, field, constant(value as string | number));
      }
    }
    if (this.trace) {
      const single = collection === 'ups' || collection === 'ats'; // one entity, number 1: other rows are not part of the reading
      for (const [entity, fields] of out) {
        if (single && entity !== 1) continue;
        for (const [field, cell] of fields) {
          if (cell.oid) this.trace.push({ path: single ? `${collection}.${field}` : `${collection}[${entity}].${field}`, oid: cell.oid, raw: rawForTrace(cell.raw), value: cell.decoded.value, quality: cell.decoded.quality });
        }
      }
    }
    return out;
  }

  /** Entity k from the k-th item of a comma-separated text. */
  private packed(source: PackedSource, offer: (entity: number, field: string, cell: Cell) => void): void {
    const raw = this.fetched.scalars.get(source.packed);
    if (!Buffer.isBuffer(raw) && typeof raw !== 'string') {
      if (raw !== undefined) this.count({ quality: 'implausible', value: null });
      return;
    }
    const items = raw.toString().split(',').map((item) => item.trim());
    if (items.length === 1 && items[0] === '') return;
    items.forEach((item, k) => {
      const value = /^-?\d+(\.\d+)?$/.test(item) ? Number(item) : Buffer.from(item);
      if (typeof value === 'number' && source.absent?.includes(value)) return;
      offer(k + 1, source.field, { decoded: this.count(decodeValue(value, source.spec)), oid: source.packed, raw: item });
    });
  }

  private table(source: TableSource, offer: (entity: number, field: string, cell: Cell) => void): void {
    const t = planOf(this.profile).tables.get(source)!; // every source is compiled in the full plan
    const { columns, scalars } = this.fetched;
    const column = (key: string | null) => (key ? columns.get(key) : undefined);
    const fieldColumns = t.fields.map((f) => ({ ...f, rows: columns.get(f.key) }));
    const entityColumn = column(t.entityColumnKey);
    const digits = column(t.digitsKey);
    const exponent = column(t.exponentKey);
    const holds = (c: CompiledCondition, index: string) => {
      const v = c.scalar ? scalars.get(c.key) : columns.get(c.key)?.get(parentIndex(index, c.prefix));
      const n = c.under !== undefined ? subIdentifierBelow(v, c.under) : typeof v === 'number' ? v : 0;
      return (!c.in || c.in.includes(n)) && (!c.notIn || !c.notIn.includes(n));
    };
    const sequence = new Map<string, number>();
    const from = source.entity ?? 'last';
    const entityOf = (index: string): number | null => {
      if (entityColumn) {
        const v = entityColumn.get(index);
        return typeof v === 'number' && v > 0 ? v : null;
      }
      const subs = index.split('.');
      if (source.rowTypeAt !== undefined) subs.splice(at(subs, source.rowTypeAt), 1);
      if (from === 'last') return subs.length ? Number(subs[subs.length - 1]) : null;
      if (from === 'sequence') {
        const key = subs.join('.');
        let n = sequence.get(key);
        if (n === undefined) sequence.set(key, (n = sequence.size + 1));
        return n;
      }
      const sub = typeof from === 'object' && 'position' in from ? subs[at(subs, from.position)] : undefined;
      return sub === undefined ? null : Number(sub);
    };
    for (const index of rowIndexes(t.rowKeys.map((k) => columns.get(k)))) {
      if (!t.where.every((c) => holds(c, index))) continue;
      const base = entityOf(index);
      if (base === null) continue;
      const entity = base + (source.entityOffset ?? 0);
      const rowType = source.rowTypeAt === undefined ? undefined : Number(index.split('.').at(source.rowTypeAt));
      const scale = t.valid.every((c) => holds(c, index)) ? rowScale(source, digits?.get(index), exponent?.get(index)) : null; // null: the row's numbers are unknown
      let any = false;
      for (const f of fieldColumns) {
        if (f.spec.rowType !== undefined && f.spec.rowType !== rowType) continue;
        const at = parentIndex(index, f.prefix);
        const raw = f.rows?.get(at);
        if (raw === undefined) continue;
        any = true;
        const decoded = f.spec.type !== 'number' ? decodeValue(raw, f.spec) : scale === null ? UNKNOWN : decodeValue(raw, f.spec, scale);
        offer(entity, f.field, { decoded: this.count(decoded), oid: this.trace ? `${f.key}.${at}` : '', raw });
      }
      if (any) for (const [field, value] of t.constants) offer(entity, field, constant(value));
    }
  }

  private untrace(prefix: string): void {
    if (!this.trace) return;
    for (let i = this.trace.length - 1; i >= 0; i--) if (this.trace[i]!.path.startsWith(prefix)) this.trace.splice(i, 1);
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
export function inferBreaker(bank: BankReading, outlets: readonly OutletReading[]): BankReading {
  const mine = outlets.filter((o) => o.bank === bank.index);
  if (mine.length === 0) return bank;
  if (mine.some((o) => o.state === 'on')) return { ...bank, breaker: 'ok', breakerInferred: true };
  // Unread (a quick confirming read takes states only) is no evidence of a draw.
  const drawsNothing = bank.current.quality === 'unknown' || (bank.current.quality === 'ok' && bank.current.value! < 0.05);
  if (mine.every((o) => o.state === 'off') && drawsNothing) return { ...bank, breaker: 'tripped', breakerInferred: true };
  return bank;
}

/** Per-row scaling a device reports beside the value (decimal digits, an SI prefix); null when it cannot be interpreted. */
function rowScale(source: TableSource, digits: unknown, exponent: unknown): number | null {
  let scale = 1;
  if (typeof digits === 'number' && digits >= 0 && digits <= 9) scale *= 10 ** -digits;
  if (source.exponent) {
    const power = source.exponent.powers[Number(exponent)];
    if (power === undefined) return null;
    scale *= 10 ** power;
  }
  return scale;
}

/** Every row index the field columns have, in OID order (walks arrive ordered; merge and sort only when needed). */
function rowIndexes(columns: (Map<string, unknown> | undefined)[]): string[] {
  const present = columns.filter((c): c is Map<string, unknown> => c !== undefined && c.size > 0);
  if (present.length === 0) return [];
  if (present.length === 1) return [...present[0]!.keys()];
  const all = new Set<string>();
  for (const c of present) for (const k of c.keys()) all.add(k);
  const list = [...all];
  for (let i = 1; i < list.length; i++) if (compareIndex(list[i - 1]!, list[i]!) > 0) return list.sort(compareIndex);
  return list;
}

/** The index of a row's parent: its first `prefix` sub-identifiers (0: the row's own index). */
function parentIndex(index: string, prefix: number): string {
  return prefix > 0 ? index.split('.').slice(0, prefix).join('.') : index;
}

/** An OID value's sub-identifier right below `under` (a well-known point's number); 0 for anything else, as an absent value. */
function subIdentifierBelow(raw: unknown, under: string): number {
  const oid = objectIdentifier(raw);
  if (!oid || !oid.startsWith(`${under}.`)) return 0;
  return Number(oid.slice(under.length + 1).split('.')[0]);
}

function constant(value: string | number): Cell {
  return { decoded: { quality: 'ok', value }, oid: '', raw: value };
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
