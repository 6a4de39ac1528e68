// What the public status page says of a service: operational, maintenance, reduced capacity or
// outage, worked out from its pools' members; and, from the persisted changes of that state, the
// worst state of each day. Pure functions: the live wiring is in status-service.ts.
import type { MemberState, PowerState } from '../model.js';
import { addDays, instantOf, localOf, type LocalDate } from '../maintenance/schedule.js';

export const PUBLIC_STATES = ['operational', 'maintenance', 'reduced', 'outage'] as const;
export type PublicState = (typeof PUBLIC_STATES)[number];
/** A day before anything was recorded: nothing is claimed for it. */
export type DayState = PublicState | 'no-data';

/** Worse is higher: a day shows the worst state it saw. */
export const STATE_RANK: Readonly<Record<DayState, number>> = { 'no-data': -1, operational: 0, maintenance: 1, reduced: 2, outage: 3 };

/** What the page prints beside each state's colour: colour is never the only signal. */
export const STATE_LABEL: Readonly<Record<DayState, string>> = {
  operational: 'Operational', maintenance: 'Maintenance', reduced: 'Reduced capacity', outage: 'Outage', 'no-data': 'No data',
};

/** An incident is a time some service was at reduced capacity or out; maintenance is planned, not one. */
export function isIncidentState(s: PublicState): boolean {
  return s === 'reduced' || s === 'outage';
}

/** One pool's members, as far as customers are concerned. */
export interface PoolCapacity {
  pool: string;
  total: number;
  /** Active and not without power: carrying traffic. */
  inRotation: number;
  /** Taken out by Breakerbox for a power fault. */
  drained: number;
  /** Still in (a safety rule kept it) but without power. */
  unpowered: number;
  /** Taken out ahead of or during a maintenance window. */
  planned: number;
}

/** A pool member as the capacity sees it; `drainedFor` says why a drained member is out. */
export interface MemberCapacity {
  state: MemberState;
  power: PowerState;
  drainedFor?: 'fault' | 'maintenance' | 'operator';
}

/**
 * Counts a pool's members. An operator's hold or hand drain is deliberate work, not a fault: it takes
 * the member out of rotation without counting as lost capacity (a pool with nothing left in is still
 * an outage, whatever the reason).
 */
export function capacityOf(pool: string, members: readonly MemberCapacity[]): PoolCapacity {
  const c: PoolCapacity = { pool, total: members.length, inRotation: 0, drained: 0, unpowered: 0, planned: 0 };
  for (const m of members) {
    if (m.state === 'active') {
      if (m.power === 'lost') c.unpowered++;
      else c.inRotation++;
    } else if (m.state === 'drained') {
      if (m.drainedFor === 'maintenance') c.planned++;
      else if (m.drainedFor !== 'operator') c.drained++;
    }
  }
  return c;
}

/**
 * A service's state from its pools: out when a pool has nothing in rotation (maintenance when only
 * planned work took it out), reduced when a pool lost members to a fault, maintenance while a window
 * is in force over it or it has members out for one.
 */
export function serviceState(pools: readonly PoolCapacity[], inWindow: boolean): PublicState {
  const faults = pools.some((p) => p.drained + p.unpowered > 0);
  const planned = inWindow || pools.some((p) => p.planned > 0);
  if (pools.some((p) => p.total > 0 && p.inRotation === 0)) return !faults && planned ? 'maintenance' : 'outage';
  if (faults) return 'reduced';
  return planned ? 'maintenance' : 'operational';
}

/**
 * The state to record: a better one is not believed while some member's power is unknown (after a
 * start, or while its PDU is silent): no evidence of recovery is not recovery.
 */
export function nextState(previous: PublicState, computed: PublicState, anyUnknown: boolean): PublicState {
  return anyUnknown && STATE_RANK[computed] < STATE_RANK[previous] ? previous : computed;
}

/** A recorded change of a service's state. */
export interface StateChange { time: number; service: string; state: PublicState }

export interface DayCell { date: string; state: DayState }

/** "2026-03-12" */
export function isoDate(d: LocalDate): string {
  return `${d.y}-${String(d.m).padStart(2, '0')}-${String(d.d).padStart(2, '0')}`;
}

/**
 * Each service's last `days` local days (in `zone`, oldest first, today last): the worst state it was
 * in on each, from its recorded changes (before the first one a service was operational). Days that
 * ended before `dataSince` (the first thing ever recorded; null: nothing yet) have no data.
 */
export function dayStates(changes: readonly StateChange[], services: readonly string[], o: { now: number; days: number; zone: string; dataSince: number | null }): Map<string, DayCell[]> {
  const today = localOf(o.zone, o.now);
  const bounds: { date: string; start: number; end: number }[] = [];
  for (let i = o.days - 1; i >= 0; i--) {
    const day = addDays(today, -i);
    // Today runs to now, this very instant included.
    bounds.push({ date: isoDate(day), start: instantOf(o.zone, day, 0, 0), end: i === 0 ? o.now + 1 : instantOf(o.zone, addDays(day, 1), 0, 0) });
  }
  const out = new Map<string, DayCell[]>();
  for (const service of services) {
    const mine = changes.filter((c) => c.service === service).sort((a, b) => a.time - b.time);
    let k = 0;
    let current: PublicState = 'operational';
    const cells: DayCell[] = [];
    for (const b of bounds) {
      while (k < mine.length && mine[k]!.time <= b.start) current = mine[k++]!.state;
      let worst: PublicState = current;
      while (k < mine.length && mine[k]!.time < b.end) {
        current = mine[k++]!.state;
        if (STATE_RANK[current] > STATE_RANK[worst]) worst = current;
      }
      cells.push({ date: b.date, state: o.dataSince === null || b.end <= o.dataSince ? 'no-data' : worst });
    }
    out.set(service, cells);
  }
  return out;
}
