import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import { ConfigError } from '../config/load-config.js';
import { loadConfigInWorker } from '../config/load-in-worker.js';
import type { Config } from '../config/schema.js';
import type { DrainController, ReadmitOutcome } from '../drain/drain-controller.js';
import { nameRanges } from '../drain/describe.js';
import type { EventLog } from '../events/event-log.js';
import type { ApiProblem } from '../http/api-types.js';
import { fileDigest, RefusedFile } from './refused-file.js';
import { changedParts, planRestartOnly } from './restart-settings.js';

export interface ReloadResult {
  ok: boolean;
  trigger: string;
  at: number;
  outcome: string;
  configError: string | null;
  /** Parts of the config the reload changed and applied ("pdus", "settings.traps" …). */
  changed: string[];
  /** Settings changed in the file that take effect only after a restart; their running values are kept. */
  needsRestart: string[];
  pools: ReadmitOutcome[];
}

export interface ReloaderDeps {
  configPath: string | null;
  currentConfig: () => Config;
  /**
   * Builds every setting-dependent part from a validated config, then swaps them all in. Throws
   * only before the swap (nothing changed then).
   */
  applyConfig: (config: Config) => void | Promise<void>;
  /** Whether the simulator runs: it keeps the devices it started with. */
  simulating?: boolean;
  /** Reads and validates the file; default: in a worker thread (load-in-worker.ts). */
  loadConfig?: (file: string) => Promise<Config>;
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
  /** Whether the file on disk is one a reload refused, the running config being an older version. */
  private readonly file: RefusedFile | null;

  constructor(private readonly deps: ReloaderDeps) {
    this.file = deps.configPath ? new RefusedFile(deps.configPath) : null;
  }

  /** Health problems of the configuration: a refused file still on disk. */
  problems(): ApiProblem[] {
    const problem = this.file?.problem();
    return problem ? [problem] : [];
  }

  start(): void {
    this.stop();
    this.task = this.schedule(this.deps.currentConfig().settings.reload);
  }

  stop(): void {
    const task = this.task;
    this.task = null;
    try {
      void task?.destroy();
    } catch (err) {
      this.deps.log.warn({ err: (err as Error).message }, 'the reload schedule did not stop cleanly');
    }
  }

  /** A started cron task; throws (before anything is swapped) on a schedule or zone node-cron refuses. */
  private schedule({ schedule, timezone }: Config['settings']['reload']): ScheduledTask {
    const task = cron.createTask(schedule, () => { void this.reloadNow('schedule'); }, { name: 'reload', noOverlap: true, ...(timezone ? { timezone } : {}) });
    void task.start();
    return task;
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
    let changed: string[] = [];
    let needsRestart: string[] = [];
    if (deps.configPath) {
      // Read before the file is loaded: an edit in between is caught at the next reload.
      const digest = fileDigest(deps.configPath);
      try {
        const loaded = await (deps.loadConfig ?? ((file: string) => loadConfigInWorker(file)))(deps.configPath);
        const running = deps.currentConfig();
        const plan = planRestartOnly(running, loaded, deps.simulating ?? false);
        const next = plan.config;
        // Built before anything is swapped: a schedule node-cron refuses leaves everything as it was.
        const reschedule = next.settings.reload.schedule !== running.settings.reload.schedule || next.settings.reload.timezone !== running.settings.reload.timezone;
        const task = reschedule ? this.schedule(next.settings.reload) : null;
        try {
          await deps.applyConfig(next);
        } catch (err) {
          if (task) void task.destroy();
          throw err;
        }
        if (task) {
          this.stop();
          this.task = task;
        }
        changed = changedParts(running, next);
        needsRestart = plan.needsRestart;
        this.file?.applied(digest);
        if (needsRestart.length > 0) {
          deps.events.add({
            type: 'config-needs-restart', severity: 'warning', subject: 'config',
            message: `${needsRestart.join(', ')} changed in the file but ${needsRestart.length === 1 ? 'takes' : 'take'} effect only after a restart: the running ${needsRestart.length === 1 ? 'value is' : 'values are'} kept until then; the rest of the new configuration is applied`,
          });
        }
      } catch (err) {
        configError = err instanceof ConfigError ? err.message : `cannot apply: ${(err as Error).message}`;
        this.file?.refused(digest, configError, deps.clock.now());
        deps.events.add({ type: 'config-rejected', severity: 'warning', subject: 'config', message: `new configuration refused, the running one is kept:\n${configError}` });
      }
    }
    const pools = deps.controller.readmit(deps.currentConfig().settings.reload.holdDown);
    await deps.controller.settle();
    const outcome = describeOutcome(pools, configError, changed, needsRestart);
    const result: ReloadResult = { ok: configError === null, trigger, at: deps.clock.now(), outcome, configError, changed, needsRestart, pools };
    this.last = result;
    const warn = pools.some((p) => p.kept.length > 0) || configError !== null || needsRestart.length > 0;
    deps.events.add({ type: 'reload', severity: warn ? 'warning' : 'info', subject: 'reload', message: `reload (${trigger}): ${outcome}` });
    return result;
  }
}

function describeOutcome(pools: ReadmitOutcome[], configError: string | null, changed: string[], needsRestart: string[]): string {
  const parts: string[] = [];
  if (configError) parts.push('config refused, running one kept');
  else if (changed.length > 0) parts.push(`config applied (${changed.join(', ')} changed)`);
  if (needsRestart.length > 0) parts.push(`${needsRestart.join(', ')} kept until a restart`);
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
