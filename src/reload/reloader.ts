import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import { ConfigError, loadConfigFile } from '../config/load-config.js';
import type { Config } from '../config/schema.js';
import type { DrainController, ReadmitOutcome } from '../drain/drain-controller.js';
import { nameRanges } from '../drain/describe.js';
import type { EventLog } from '../events/event-log.js';

export interface ReloadResult {
  ok: boolean;
  trigger: string;
  at: number;
  outcome: string;
  configError: string | null;
  pools: ReadmitOutcome[];
}

export interface ReloaderDeps {
  configPath: string | null;
  currentConfig: () => Config;
  /** Swaps in a validated config (everything rebuilt first, then swapped). */
  applyConfig: (config: Config) => void;
  controller: DrainController;
  events: EventLog;
  clock: Clock;
  log: Logger;
}

/**
 * The scheduled reload: re-read the config (a bad one is refused, the running one kept), then
 * re-admit drained members whose power is back and who have answered for the hold-down.
 */
export class Reloader {
  private task: ScheduledTask | null = null;
  private last: ReloadResult | null = null;
  private inFlight: Promise<ReloadResult> | null = null;

  constructor(private readonly deps: ReloaderDeps) {}

  start(): void {
    this.stop();
    const { schedule, timezone } = this.deps.currentConfig().settings.reload;
    this.task = cron.schedule(schedule, () => { void this.reloadNow('schedule'); }, { name: 'reload', noOverlap: true, ...(timezone ? { timezone } : {}) });
  }

  stop(): void {
    void this.task?.destroy();
    this.task = null;
  }

  nextAt(): number | null {
    return this.task?.getNextRun()?.getTime() ?? null;
  }

  lastResult(): ReloadResult | null {
    return this.last;
  }

  reloadNow(trigger: string): Promise<ReloadResult> {
    this.inFlight ??= this.run(trigger).finally(() => { this.inFlight = null; });
    return this.inFlight;
  }

  private async run(trigger: string): Promise<ReloadResult> {
    const { deps } = this;
    let configError: string | null = null;
    if (deps.configPath) {
      try {
        const next = loadConfigFile(deps.configPath);
        const scheduleChanged = next.settings.reload.schedule !== deps.currentConfig().settings.reload.schedule;
        deps.applyConfig(next);
        if (scheduleChanged) this.start();
      } catch (err) {
        configError = err instanceof ConfigError ? err.message : (err as Error).message;
        deps.events.add({ type: 'config-rejected', severity: 'warning', subject: 'config', message: `new configuration refused, the running one is kept:\n${configError}` });
      }
    }
    const pools = deps.controller.readmit(deps.currentConfig().settings.reload.holdDown);
    await deps.controller.settle();
    const outcome = describeOutcome(pools, configError);
    const result: ReloadResult = { ok: configError === null, trigger, at: deps.clock.now(), outcome, configError, pools };
    this.last = result;
    deps.events.add({ type: 'reload', severity: pools.some((p) => p.kept.length > 0) || configError ? 'warning' : 'info', subject: 'reload', message: `reload (${trigger}): ${outcome}` });
    return result;
  }
}

function describeOutcome(pools: ReadmitOutcome[], configError: string | null): string {
  const parts: string[] = [];
  if (configError) parts.push('config refused, running one kept');
  for (const p of pools) {
    const total = p.readmitted.length + p.kept.length;
    let text = `pool ${p.pool}: re-admitted ${p.readmitted.length} of ${total}`;
    const byWhy = new Map<string, string[]>();
    for (const k of p.kept) byWhy.set(k.why, [...(byWhy.get(k.why) ?? []), k.node]);
    for (const [why, nodes] of byWhy) text += `; ${nodes.length} ${why} (${nameRanges(nodes, 4)})`;
    parts.push(text);
  }
  if (pools.length === 0) parts.push('nothing drained');
  return parts.join('. ');
}
