import type { Clock } from '../clock.js';

/** Runs `step` again and again, `every()` ms after the last run ended (a failed run included), until stopped. */
export function follow(clock: Clock, every: () => number, step: () => Promise<void>): { stop(): void } {
  let timer: { cancel(): void } | null = null;
  let stopped = false;
  const next = (): void => {
    if (!stopped) timer = clock.setTimeout(() => void step().catch(() => {}).finally(next), every());
  };
  next();
  return { stop() { stopped = true; timer?.cancel(); } };
}
