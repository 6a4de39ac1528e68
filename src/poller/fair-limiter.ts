/**
 * How many polls run at once, fairly. Trap confirmations have a lane of their own (`reserve` slots
 * routine polls can never take) and are always served first; devices that were slow last time
 * (timed out, ran past their deadline, misbehaved) may hold at most `slowShare` of the routine
 * slots, so a fleet of agents answering just under the timeout cannot starve the healthy ones.
 */
export type Lane = 'confirm' | 'routine';

interface Waiter {
  lane: Lane;
  slow: boolean;
  start: () => void;
}

export class FairLimiter {
  private limit = 1;
  private reserve = 1;
  private slowShare = 1;
  private routine = 0;
  private confirming = 0;
  private slowActive = 0;
  private confirmsWaiting = 0;
  private readonly waiting: Waiter[] = [];

  constructor(concurrency: number) {
    this.resize(concurrency);
  }

  /** New concurrency; polls already running finish, waiting ones start as slots allow. */
  resize(concurrency: number): void {
    this.limit = Math.max(1, Math.floor(concurrency));
    this.reserve = Math.max(1, Math.ceil(this.limit / 4));
    this.slowShare = Math.max(1, Math.floor(this.limit / 4));
    this.drain();
  }

  /** Runs `task` once a slot is free; `release` in the task frees it early (a poll past its deadline). */
  async run<T>(lane: Lane, slow: boolean, task: (release: () => void) => Promise<T>): Promise<T> {
    await new Promise<void>((start) => {
      // Confirmations queue ahead of every routine poll.
      if (lane === 'confirm') {
        this.waiting.splice(this.confirmsWaiting, 0, { lane, slow, start });
        this.confirmsWaiting++;
      } else this.waiting.push({ lane, slow, start });
      this.drain();
    });
    let held = true;
    const release = () => {
      if (!held) return;
      held = false;
      if (lane === 'confirm') this.confirming--;
      else {
        this.routine--;
        if (slow) this.slowActive--;
      }
      this.drain();
    };
    try {
      return await task(release);
    } finally {
      release();
    }
  }

  /** Polls running now, by lane (for tests and the health view). */
  active(): { routine: number; confirm: number; slow: number } {
    return { routine: this.routine, confirm: this.confirming, slow: this.slowActive };
  }

  /** Polls waiting for a slot. */
  waitingCount(): number {
    return this.waiting.length;
  }

  private drain(): void {
    for (let i = 0; i < this.waiting.length;) {
      if (this.routine >= this.limit && (this.confirmsWaiting === 0 || this.confirming + this.routine >= this.limit + this.reserve)) return;
      const w = this.waiting[i]!;
      if (!this.admits(w)) { i++; continue; }
      this.waiting.splice(i, 1);
      if (w.lane === 'confirm') {
        this.confirming++;
        this.confirmsWaiting--;
      }
      else {
        this.routine++;
        if (w.slow) this.slowActive++;
      }
      w.start();
    }
  }

  private admits(w: Waiter): boolean {
    if (w.lane === 'confirm') return this.confirming + this.routine < this.limit + this.reserve;
    // Routine work waits while a confirmation waits for a slot.
    if (this.confirmsWaiting > 0 || this.routine >= this.limit) return false;
    return !w.slow || this.slowActive < this.slowShare;
  }
}
