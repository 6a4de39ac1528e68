// The maintenance windows in force, kept up to date: a timer wakes at the next start (less its drain
// lead), start or end; each change is an event and is passed on (the drain controller takes servers
// out or lets them back, alerts are muted or not, the wall shows it). Read live from the config, so
// a reload changes the windows with everything else.
import type { Clock } from '../clock.js';
import type { Config } from '../config/schema.js';
import type { EventLog } from '../events/event-log.js';
import type { Topology } from '../health/topology.js';
import { compile, coverage, covers, nextChange, stateAt, type Coverage, type Window, type WindowState } from './windows.js';

/** A window in force or coming, with what it covers (for the API and the wall). */
export interface MaintenanceView extends WindowState {
  racks: string[];
  nodes: number;
}

/** The longest the timer sleeps: a long wait is cut, so a clock that jumps is caught up with. */
const MAX_SLEEP_MS = 3_600_000;

export class Maintenance {
  private compiled: { from: Config['maintenance']; windows: Window[] } | null = null;
  private covered: { topology: Topology; byName: Map<string, Coverage> } | null = null;
  private phases = new Map<string, WindowState['phase']>();
  /** Each window's state, kept until its next change: asked for every alert and every pool member, worked out once. */
  private readonly states = new WeakMap<Window, { state: WindowState; from: number; until: number }>();
  private timer: { cancel(): void } | null = null;
  private stopped = false;
  private readonly listeners: ((ended: WindowState[]) => void)[] = [];

  constructor(private readonly deps: { config: () => Config; topology: () => Topology; clock: Clock; events: EventLog }) {}

  /** Called after each change of phase, with the windows that just ended. */
  onChange(fn: (ended: WindowState[]) => void): void {
    this.listeners.push(fn);
  }

  start(): void {
    // Phases a previous run saw are not known: what is in force now is told as starting now.
    this.tick();
  }

  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
  }

  /** The config changed (a reload): look again now. */
  reconfigure(): void {
    this.tick();
  }

  windows(): Window[] {
    const from = this.deps.config().maintenance;
    if (this.compiled?.from !== from) this.compiled = { from, windows: from.map(compile) };
    return this.compiled.windows;
  }

  private stateOf(w: Window, now: number): WindowState {
    const kept = this.states.get(w);
    if (kept && kept.from <= now && now < kept.until) return kept.state;
    const state = stateAt(w, now);
    this.states.set(w, { state, from: now, until: nextChange([w], now) ?? Infinity });
    return state;
  }

  private coverageOf(w: Window): Coverage {
    const topology = this.deps.topology();
    if (this.covered?.topology !== topology) this.covered = { topology, byName: new Map() };
    let c = this.covered.byName.get(w.name);
    if (!c) this.covered.byName.set(w.name, (c = coverage(w.scope, topology)));
    return c;
  }

  /** The window under way (not only draining ahead) that covers a thing with these labels: its alerts page nobody. */
  muting(labels: { node?: string; pdu?: string; pool?: string }, now = this.deps.clock.now()): WindowState | null {
    for (const w of this.windows()) {
      const s = this.stateOf(w, now);
      if (s.phase === 'active' && covers(this.coverageOf(w), labels)) return s;
    }
    return null;
  }

  /**
   * Why a member should be out of its pool for maintenance now (a window that drains, draining ahead
   * of its start or under way, covering it), or null.
   */
  drainReason(pool: string, node: string, now = this.deps.clock.now()): { window: string; why: string } | null {
    for (const w of this.windows()) {
      if (w.drainLeadMs === null) continue;
      const c = this.coverageOf(w);
      if (!c.nodes.has(node) || (c.pools !== null && !c.pools.has(pool))) continue;
      const s = this.stateOf(w, now);
      if (s.phase !== 'draining' && s.phase !== 'active') continue;
      return { window: w.name, why: `maintenance window ${w.name} ${new Date(s.start!).toISOString()} to ${new Date(s.end!).toISOString()}: ${w.reason}` };
    }
    return null;
  }

  /** Whether the window that drained a member is still in force (so it stays out). */
  holdsOut(window: string, now = this.deps.clock.now()): WindowState | null {
    const w = this.windows().find((x) => x.name === window);
    if (!w) return null;
    const s = this.stateOf(w, now);
    return s.phase === 'draining' || s.phase === 'active' ? s : null;
  }

  /** Every window, in force first, then by start. */
  list(now = this.deps.clock.now()): MaintenanceView[] {
    const order = { active: 0, draining: 1, upcoming: 2, done: 3 };
    return this.windows().map((w) => {
      const c = this.coverageOf(w);
      return { ...this.stateOf(w, now), racks: [...c.racks].sort(), nodes: c.nodes.size };
    }).sort((a, b) => order[a.phase] - order[b.phase] || (a.start ?? Infinity) - (b.start ?? Infinity));
  }

  private tick(): void {
    if (this.stopped) return;
    this.timer?.cancel();
    const { clock, events } = this.deps;
    const now = clock.now();
    const ended: WindowState[] = [];
    const seen = new Set<string>();
    let changed = false;
    for (const w of this.windows()) {
      seen.add(w.name);
      const s = this.stateOf(w, now);
      const before = this.phases.get(w.name);
      this.phases.set(w.name, s.phase);
      if (before === s.phase || (before === undefined && (s.phase === 'upcoming' || s.phase === 'done'))) continue;
      changed = true;
      const where = `${w.scope.kind} ${w.scope.names.join(', ')}`;
      const until = new Date(s.end ?? now).toISOString();
      if (s.phase === 'draining') {
        events.add({ type: 'maintenance', severity: 'info', subject: w.name, message: `maintenance window ${w.name} over ${where} starts at ${new Date(s.start!).toISOString()}: its servers leave their pools now (within the safety rules): ${w.reason}` });
      } else if (s.phase === 'active') {
        events.add({ type: 'maintenance', severity: 'info', subject: w.name, message: `maintenance window ${w.name} over ${where} started, until ${until}: its alerts page nobody: ${w.reason}` });
      } else if (before === 'active' || before === 'draining') {
        ended.push(s);
        events.add({ type: 'maintenance', severity: 'info', subject: w.name, message: `maintenance window ${w.name} over ${where} ended${w.drainLeadMs !== null ? ': its servers go back to their pools once their power is normal and they answer' : ''}` });
      }
    }
    for (const [name, phase] of [...this.phases]) {
      if (seen.has(name)) continue;
      this.phases.delete(name);
      // Taken out of the config while in force: it ends now.
      if (phase !== 'draining' && phase !== 'active') continue;
      changed = true;
      ended.push({ name, reason: '', scope: { kind: 'site', names: [] }, phase: 'done', start: null, end: now, drains: true });
      events.add({ type: 'maintenance', severity: 'info', subject: name, message: `maintenance window ${name} was removed from the config while in force: it ended` });
    }
    if (changed) for (const fn of this.listeners) fn(ended);
    const next = nextChange(this.windows(), now);
    if (next !== null) this.timer = clock.setTimeout(() => this.tick(), Math.min(MAX_SLEEP_MS, next - now));
  }
}
