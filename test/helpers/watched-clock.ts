import { EventEmitter } from 'node:events';
import { FakeClock } from '../../src/clock.js';

interface Pending { ms: number; at: number; live: boolean }

/**
 * A FakeClock that lets a test wait (in real time) until the code under test has set a timer, then
 * move fake time exactly that far: for code that mixes real I/O with waits on the clock.
 */
export class WatchedClock extends FakeClock {
  private readonly pending: Pending[] = [];
  private readonly set = new EventEmitter();

  override setTimeout(fn: () => void, ms: number): { cancel(): void } {
    const p: Pending = { ms, at: this.now() + ms, live: true };
    this.pending.push(p);
    const timer = super.setTimeout(() => { p.live = false; fn(); }, ms);
    this.set.emit('timer');
    return { cancel: () => { p.live = false; timer.cancel(); } };
  }

  /** Timers set and neither fired nor cancelled. */
  live(): { ms: number; at: number }[] {
    return this.pending.filter((p) => p.live).map(({ ms, at }) => ({ ms, at }));
  }

  /** Resolves with the first live timer matching `match`, as soon as one is set. */
  async timer(match: (ms: number) => boolean = () => true, timeoutMs = 10_000): Promise<{ ms: number; at: number }> {
    const found = () => this.pending.find((p) => p.live && match(p.ms));
    const hit = found();
    if (hit) return { ms: hit.ms, at: hit.at };
    return new Promise((resolve, reject) => {
      const give = setTimeout(() => { this.set.off('timer', check); reject(new Error('no matching timer was set')); }, timeoutMs);
      give.unref();
      const check = () => {
        const p = found();
        if (!p) return;
        clearTimeout(give);
        this.set.off('timer', check);
        resolve({ ms: p.ms, at: p.at });
      };
      this.set.on('timer', check);
    });
  }

  /** Advances to each matching timer as it is set, until `work` settles; returns its outcome. */
  async drive<T>(work: Promise<T>, match: (ms: number) => boolean): Promise<T> {
    let settled = false;
    const done = work.finally(() => { settled = true; });
    done.catch(() => {});
    while (!settled) {
      const next = await Promise.race([this.timer(match, 60_000).catch(() => null), done.then(() => null, () => null)]);
      if (next && !settled) this.advance(Math.max(0, next.at - this.now()));
    }
    return done;
  }
}
