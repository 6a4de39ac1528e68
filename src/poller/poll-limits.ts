// The bounds on one poll of one device, and how long a device that broke them waits before the next.
import type { ReadLimits } from '../profiles/read-device.js';

export interface PollLimits extends ReadLimits {
  /** The whole poll must end within this many ms; null: derived from the SNMP timeout, retries and the interval. */
  deadlineMs: number | null;
}

/** Rows a table may have per configured outlet, bank or phase (multi-unit tables, one row per sensor type), plus a floor. */
const ROWS_PER_UNIT = 16;
const ROWS_FLOOR = 64;
/** A misbehaving device is polled at most this rarely. */
export const MAX_BACKOFF_MS = 300_000;

/** Limits for a device of this configured size under the global settings. */
export function limitsFor(size: { outlets: number; banks: number; phases: number } | null, settings: { pollDeadline: number | null; maxRowsPerTable: number; maxValueBytes: number }): PollLimits {
  const rows = (n: number) => Math.min(settings.maxRowsPerTable, Math.max(ROWS_FLOOR, n * ROWS_PER_UNIT));
  return {
    deadlineMs: settings.pollDeadline,
    maxRows: size ? { outlets: rows(size.outlets), banks: rows(size.banks), phases: rows(size.phases) } : {},
    maxRowsDefault: settings.maxRowsPerTable,
    maxValueBytes: settings.maxValueBytes,
    ...(size ? { expectedRows: { outlets: size.outlets, banks: size.banks, phases: size.phases } } : {}),
  };
}

/**
 * A poll's deadline: its interval, or room for a few requests that each use every retry when that is
 * longer. Generous on purpose: a device past it is misbehaving, and a slow but honest one must not be.
 */
export function deadlineFor(configured: number | null | undefined, timeoutMs: number, retries: number, intervalMs: number): number {
  if (configured) return configured;
  return Math.max(intervalMs, 4 * timeoutMs * (retries + 1));
}

/** The wait after `strikes` polls in a row broke a bound: the interval doubled each time, up to a maximum. */
export function backoffDelay(intervalMs: number, strikes: number): number {
  if (strikes <= 0) return intervalMs;
  return Math.min(Math.max(intervalMs, MAX_BACKOFF_MS), intervalMs * 2 ** Math.min(strikes, 20));
}
