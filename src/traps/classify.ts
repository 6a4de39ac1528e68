// What a received trap means: the profiles' trap definitions, indexed once by notification OID.
// Pure and allocation-light: a Map lookup for the trap OID, then a scan of the trap's few varbinds
// against the definition's precompiled OID prefixes (no regexes, no parsing of the profiles per trap).
import type { Profile, TrapDefinition, TrapEvent, TrapEventFrom, TrapRef, TrapRefs } from '../profiles/profile.js';
import type { Classification, TrapEntity, TrapVarbind } from './trap-types.js';

/** A varbind OID to match: the object itself (`exact`) or any instance below it (`prefix` = exact + '.'). */
interface Match {
  exact: string;
  prefix: string;
}
interface CompiledRef extends Match {
  index: boolean;
}
interface CompiledEventFrom extends Match {
  map: ReadonlyMap<number, TrapEvent>;
  /** OID-valued varbind: the prefix (with its trailing dot) the value must lie under. */
  under: string | null;
  when: { match: Match; values: ReadonlySet<number> } | null;
}
interface Compiled {
  profile: string;
  name: string;
  event: TrapEvent;
  eventFrom: readonly CompiledEventFrom[];
  entities: readonly (readonly [keyof TrapEntity, readonly CompiledRef[]])[];
}
interface Entry {
  /** The first registered profile defining the OID. */
  first: Compiled;
  byProfile: ReadonlyMap<string, Compiled>;
}

type TrapLike = { trapOid: string; varbinds: readonly TrapVarbind[] };

const ENTITY_KEYS = ['outlet', 'bank', 'phase', 'inlet'] as const;
const DOT = 46; // '.'

const stripDot = (oid: string): string => (oid.charCodeAt(0) === DOT ? oid.slice(1) : oid);
const match = (oid: string): Match => {
  const exact = stripDot(oid);
  return { exact, prefix: `${exact}.` };
};
const list = <T>(value: T | readonly T[] | undefined): readonly T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value as T]);

function compile(profile: string, def: TrapDefinition): Compiled {
  const entities: (readonly [keyof TrapEntity, readonly CompiledRef[]])[] = [];
  for (const key of ENTITY_KEYS) {
    const refs = list<TrapRef>(def[key] as TrapRefs | undefined).map((r) => ({ ...match(r.oid), index: r.from === 'index' }));
    if (refs.length) entities.push([key, refs]);
  }
  const eventFrom = list<TrapEventFrom>(def.eventFrom).map((e): CompiledEventFrom => ({
    ...match(e.oid),
    map: new Map(Object.entries(e.map).map(([k, v]) => [Number(k), v])),
    under: e.under === undefined ? null : `${stripDot(e.under)}.`,
    when: e.when ? { match: match(e.when.oid), values: new Set(e.when.in) } : null,
  }));
  return { profile, name: def.name, event: def.event, eventFrom, entities };
}

/** The varbind whose OID is the object or one of its instances (a leading dot tolerated), and where its OID starts. */
function find(m: Match, varbinds: readonly TrapVarbind[]): TrapVarbind | undefined {
  for (const vb of varbinds) {
    const oid = vb.oid;
    const at = oid.charCodeAt(0) === DOT ? 1 : 0;
    if (oid.startsWith(m.prefix, at) || (oid.length - at === m.exact.length && oid.startsWith(m.exact, at))) return vb;
  }
  return undefined;
}

/** An integer value, also when it arrived as decimal text; anything else is NaN. */
function integer(value: TrapVarbind['value']): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value !== '' ? Number(value) : NaN;
  return Number.isInteger(n) ? n : NaN;
}

/** The sub-identifier right below `under` of an OID value (an AutonomousType), else NaN. */
function below(value: TrapVarbind['value'], under: string): number {
  if (typeof value !== 'string') return NaN;
  const at = value.charCodeAt(0) === DOT ? 1 : 0;
  if (!value.startsWith(under, at)) return NaN;
  const start = at + under.length;
  const end = value.indexOf('.', start);
  return integer(end === -1 ? value.slice(start) : value.slice(start, end));
}

function decide(from: CompiledEventFrom, varbinds: readonly TrapVarbind[]): TrapEvent | undefined {
  if (from.when) {
    const gate = find(from.when.match, varbinds);
    if (!gate || !from.when.values.has(integer(gate.value))) return undefined;
  }
  const vb = find(from, varbinds);
  if (!vb) return undefined;
  return from.map.get(from.under === null ? integer(vb.value) : below(vb.value, from.under));
}

/** The entity number the first present alternative carries; a non-positive or non-integer one names none. */
function entityNumber(refs: readonly CompiledRef[], varbinds: readonly TrapVarbind[]): number | undefined {
  for (const ref of refs) {
    const vb = find(ref, varbinds);
    if (!vb) continue;
    let n: number;
    if (ref.index) {
      const oid = vb.oid;
      const at = oid.charCodeAt(0) === DOT ? 1 : 0;
      // The object itself, without an instance, has no index.
      n = oid.length - at > ref.exact.length ? integer(oid.slice(oid.lastIndexOf('.') + 1)) : NaN;
    } else {
      n = integer(vb.value);
    }
    return n > 0 ? n : undefined;
  }
  return undefined;
}

export class TrapClassifier {
  private readonly index = new Map<string, Entry>();

  constructor(profiles: readonly Profile[]) {
    const byOid = new Map<string, { first: Compiled; byProfile: Map<string, Compiled> }>();
    for (const profile of profiles) {
      for (const def of profile.traps ?? []) {
        const oid = stripDot(def.oid);
        let entry = byOid.get(oid);
        if (entry?.byProfile.has(profile.name)) continue; // a duplicate within one profile: the first definition stands
        const compiled = compile(profile.name, def);
        if (!entry) byOid.set(oid, (entry = { first: compiled, byProfile: new Map() }));
        entry.byProfile.set(profile.name, compiled);
      }
    }
    for (const [oid, entry] of byOid) this.index.set(oid, entry);
  }

  /** Preferred profile first (the device's, when the sender is known), then any profile that defines the OID. */
  classify(trap: TrapLike, preferredProfile?: string | null): Classification {
    const entry = this.index.get(stripDot(trap.trapOid));
    if (!entry) return { profile: null, name: null, event: 'unclassified', entity: {} };
    const def = (preferredProfile ? entry.byProfile.get(preferredProfile) : undefined) ?? entry.first;
    const varbinds = trap.varbinds;
    let event = def.event;
    for (const from of def.eventFrom) {
      const decided = decide(from, varbinds);
      if (decided !== undefined) {
        event = decided;
        break;
      }
    }
    const entity: TrapEntity = {};
    for (const [key, refs] of def.entities) {
      const n = entityNumber(refs, varbinds);
      if (n !== undefined) entity[key] = n;
    }
    return { profile: def.profile, name: def.name, event, entity };
  }

  /** How many distinct notification OIDs the index holds. */
  get size(): number {
    return this.index.size;
  }
}
