import type { Config } from '../config/schema.js';
import { trapTargetFromSettings } from '../sim/simulator.js';

/**
 * Settings a running process cannot change: the listening socket, the databases it holds open, and
 * whether (and how) it simulates. A reload keeps their running values, applies everything else,
 * and says which ones wait for a restart.
 */
const RESTART_ONLY: { name: string; of: (c: Config) => unknown }[] = [
  { name: 'settings.http.port', of: (c) => c.settings.http.port },
  { name: 'settings.http.host', of: (c) => c.settings.http.host },
  { name: 'settings.database', of: (c) => c.settings.database },
  { name: 'settings.history', of: (c) => c.settings.history },
  { name: 'settings.metrics.enabled', of: (c) => c.settings.metrics.enabled },
  { name: 'settings.simulate', of: (c) => c.settings.simulate },
  { name: 'settings.simulatorHttpPort', of: (c) => c.settings.simulatorHttpPort },
];

export interface RestartPlan {
  /** The new config with the running values of the restart-only settings: what is applied. */
  config: Config;
  /** What changed in the file but takes effect only after a restart (names, never values). */
  needsRestart: string[];
}

export function planRestartOnly(running: Config, next: Config, simulating: boolean): RestartPlan {
  const needsRestart = RESTART_ONLY.filter((s) => !same(s.of(running), s.of(next))).map((s) => s.name);
  if (simulating) {
    // The simulator was built from the devices and trap target it started with.
    if (!same(running.pdus, next.pdus) || !same(running.nodes, next.nodes)) needsRestart.push('the simulated devices (pdus, nodes)');
    if (!same(trapTargetFromSettings(running.settings.traps), trapTargetFromSettings(next.settings.traps))) needsRestart.push('where the simulator sends its traps (settings.traps)');
  }
  const { http, database, history, simulate, simulatorHttpPort } = running.settings;
  const metrics = { ...next.settings.metrics, enabled: running.settings.metrics.enabled };
  return { config: { ...next, settings: { ...next.settings, http, database, history, metrics, simulate, simulatorHttpPort } }, needsRestart };
}

/** The parts of the config a reload changed, by name ("pdus", "settings.traps" …), for the reload's report. */
export function changedParts(running: Config, next: Config): string[] {
  const changed: string[] = [];
  for (const key of ['sites', 'pdus', 'nodes', 'pools', 'services'] as const) if (!same(running[key], next[key])) changed.push(key);
  for (const key of Object.keys(next.settings) as (keyof Config['settings'])[]) {
    if (!same(running.settings[key], next.settings[key])) changed.push(`settings.${key}`);
  }
  return changed;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
