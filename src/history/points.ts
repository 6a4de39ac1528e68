// Readings, health, pools and events turned into history points (see schema.ts for what each is).
import type { ApiEvent } from '../http/api-types.js';
import type { NodeHealth } from '../health/power-health.js';
import type { Topology } from '../health/topology.js';
import type { DeviceReading, Measure } from '../model.js';
import type { NodeReading } from '../poller/read-node.js';
import type { PartHeadroom } from '../capacity/headroom.js';

export type FieldValue = number | string;

export interface Point {
  measurement: string;
  tags: Record<string, string>;
  fields: Record<string, FieldValue>;
  /** Epoch ms. */
  time: number;
  /** Orders entries within one millisecond (0–999), so two events at the same time stay two points. */
  seq?: number;
}

/** A measure's value when it can be trusted, else nothing is written for it. */
const ok = (m: Measure): number | undefined => (m.quality === 'ok' && m.value !== null && Number.isFinite(m.value) ? m.value : undefined);
const bit = (b: boolean): number => (b ? 1 : 0);

/** The defined fields only; null when none is (a point with no field is not written). */
function fieldsOf(entries: Record<string, FieldValue | undefined>): Record<string, FieldValue> | null {
  let out: Record<string, FieldValue> | null = null;
  for (const k in entries) {
    const v = entries[k];
    if (v !== undefined) (out ??= {})[k] = v;
  }
  return out;
}

/** A device's place as tags (none for a rack no site lists). */
const placeTags = (topology: Topology, rack: string | undefined): Record<string, string> => {
  const place = rack === undefined ? undefined : topology.place(rack);
  return place ? { site: place.site, row: place.row, rack: place.rack } : {};
};

/**
 * The tags of each part of each device, made once and kept (frozen) while the config stays: a poll
 * repeats them, and line-protocol.ts escapes a kept set only once. Cleared when the config changes.
 */
export class TagCache {
  private readonly sets = new Map<string, Readonly<Record<string, string>>>();

  get(key: string, make: () => Record<string, string>): Record<string, string> {
    let tags = this.sets.get(key);
    if (!tags) this.sets.set(key, (tags = Object.freeze(make())));
    return tags as Record<string, string>;
  }

  clear(): void {
    this.sets.clear();
  }
}

/**
 * Everything one poll of a power device said; `reading` null: the poll was not answered usefully
 * (`kind` is then what the device was last seen to be).
 */
export function devicePoints(topology: Topology, pdu: string, time: number, reading: DeviceReading | null, reachable: boolean, kind = 'pdu', cache?: TagCache): Point[] {
  const config = topology.pdus.get(pdu);
  const base = { ...placeTags(topology, config?.rack), pdu };
  const points: Point[] = [];
  const push = (measurement: string, part: string, tags: () => Record<string, string>, fields: Record<string, FieldValue> | null) => {
    if (fields) points.push({ measurement, tags: cache ? cache.get(`${pdu}\u0000${measurement}\u0000${part}`, tags) : tags(), fields, time });
  };
  if (!reading) {
    push('pdu', kind, () => ({ ...base, kind }), { reachable: bit(reachable) });
    return points;
  }
  push('pdu', reading.kind, () => ({ ...base, kind: reading.kind }), fieldsOf({ power_w: ok(reading.power), energy_kwh: ok(reading.energy), reachable: bit(reachable), bad_values: reading.badValues }));
  for (const i of reading.inlets) {
    push('inlet', String(i.index), () => ({ ...base, inlet: String(i.index) }), fieldsOf({
      current_a: ok(i.current), voltage_v: ok(i.voltage), power_w: ok(i.power), apparent_power_va: ok(i.apparentPower),
      power_factor: ok(i.powerFactor), energy_kwh: ok(i.energy), frequency_hz: ok(i.frequency),
    }));
  }
  for (const p of reading.phases) push('phase', String(p.index), () => ({ ...base, phase: String(p.index) }), fieldsOf({ current_a: ok(p.current), voltage_v: ok(p.voltage), power_w: ok(p.power) }));
  for (const b of reading.bypass) {
    push('bypass', String(b.index), () => ({ ...base, bypass: String(b.index) }), fieldsOf({ current_a: ok(b.current), voltage_v: ok(b.voltage), power_w: ok(b.power), frequency_hz: ok(b.frequency) }));
  }
  for (const b of reading.banks) {
    const current = ok(b.current);
    const rating = ok(b.rating);
    push('bank', String(b.index), () => ({ ...base, bank: String(b.index) }), fieldsOf({
      current_a: current, rating_a: rating,
      load_pct: current !== undefined && rating !== undefined && rating > 0 ? (current / rating) * 100 : undefined,
      tripped: b.breaker === 'unknown' ? undefined : bit(b.breaker === 'tripped'),
    }));
  }
  for (const o of reading.outlets) {
    push('outlet', String(o.index), () => {
      const feeds = topology.outletFeeds(pdu, o.index);
      return { ...base, outlet: String(o.index), ...(feeds ? { node: feeds.node } : {}) };
    }, fieldsOf({
      on: o.state === 'unknown' ? undefined : bit(o.state === 'on'), current_a: ok(o.current), power_w: ok(o.power), energy_kwh: ok(o.energy),
    }));
  }
  for (const s of reading.sensors) {
    push('sensor', `${s.index}\u0000${s.kind}`, () => ({ ...base, sensor: String(s.index), kind: s.kind }), fieldsOf(s.kind === 'temperature' ? { temperature_c: ok(s.value) } : { humidity_pct: ok(s.value) }));
  }
  const u = reading.ups;
  if (u) {
    push('ups', '', () => base, fieldsOf({
      on_battery: u.source === 'unknown' ? undefined : bit(u.source === 'battery'), source: u.source,
      charge_pct: ok(u.charge), runtime_s: ok(u.runtime), time_on_battery_s: ok(u.timeOnBattery), load_pct: ok(u.load),
      input_voltage_v: ok(u.inputVoltage), input_frequency_hz: ok(u.inputFrequency), output_voltage_v: ok(u.outputVoltage),
      output_current_a: ok(u.outputCurrent), output_power_w: ok(u.outputPower), output_frequency_hz: ok(u.outputFrequency),
      battery_voltage_v: ok(u.batteryVoltage), temperature_c: ok(u.temperature), alarms: ok(u.alarms),
    }));
  }
  const a = reading.ats;
  if (a) {
    push('ats', '', () => ({ ...base }), fieldsOf({
      redundant: a.redundancy === 'unknown' ? undefined : bit(a.redundancy === 'redundant'), active_source: a.activeSource,
      source_a_voltage_v: ok(a.sourceAVoltage), source_b_voltage_v: ok(a.sourceBVoltage), output_voltage_v: ok(a.outputVoltage),
      source_a_current_a: ok(a.sourceACurrent), source_b_current_a: ok(a.sourceBCurrent), output_current_a: ok(a.outputCurrent),
    }));
  }
  return points;
}

/** A PDU's N-1 headroom, part by part: only what is known (an unknown headroom is a gap, never a number). */
export function headroomPoints(topology: Topology, parts: readonly PartHeadroom[], time: number, cache?: TagCache): Point[] {
  const points: Point[] = [];
  for (const p of parts) {
    if (p.load === null || p.limit === null) continue;
    const tags = () => ({ ...placeTags(topology, p.rack), pdu: p.pdu, part: p.part, index: String(p.index) });
    points.push({
      measurement: 'headroom', time, tags: cache ? cache.get(`${p.pdu}\u0000headroom\u0000${p.part} ${p.index}`, tags) : tags(),
      fields: { current_a: p.current!, moved_a: p.moved!, load_a: p.load, limit_a: p.limit, headroom_a: p.headroom!, headroom_pct: p.headroomPct!, load_pct: p.loadPct! },
    });
  }
  return points;
}

/** A server: its power health and, when it answered, its own figures. */
export function nodePoint(topology: Topology, node: string, time: number, health: NodeHealth | undefined, reading: NodeReading | null, reachable: boolean | null): Point | null {
  const config = topology.nodes.get(node);
  const fields = fieldsOf({
    power: health?.power ?? 'unknown',
    power_ok: health && health.power !== 'unknown' ? bit(health.power === 'normal') : undefined,
    feeds_up: health ? health.psus.filter((p) => p.feed === 'up').length : undefined,
    reachable: reachable === null ? undefined : bit(reachable),
    load1: reachable ? reading?.load1 ?? undefined : undefined,
    cpu_pct: reachable ? reading?.cpuLoad ?? undefined : undefined,
  });
  return fields && { measurement: 'node', tags: { ...placeTags(topology, config?.rack), node }, fields, time };
}

export function poolPoint(pool: { name: string; total: number; active: number; drained: number; held: number }, time: number): Point {
  return {
    measurement: 'pool', tags: { pool: pool.name }, time,
    fields: { members: pool.total, active: pool.active, drained: pool.drained, held: pool.held, active_pct: pool.total > 0 ? (pool.active / pool.total) * 100 : 0 },
  };
}

const POOL_ACTIONS = new Set(['drain', 'would-drain', 'drain-blocked', 'readmit', 'hold', 'release']);

/** The journal's entry, and for a decision on a pool the drain annotation too. */
export function eventPoints(e: ApiEvent): Point[] {
  const points: Point[] = [{ measurement: 'event', tags: { type: e.type, severity: e.severity }, fields: { message: e.message, subject: e.subject, id: e.id }, time: e.time, seq: e.id % 1000 }];
  if (POOL_ACTIONS.has(e.type)) points.push({ measurement: 'drain', tags: { pool: e.subject, type: e.type }, fields: { message: e.message, count: 1 }, time: e.time, seq: e.id % 1000 });
  return points;
}
