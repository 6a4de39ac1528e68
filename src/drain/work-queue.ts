/**
 * Keys to work on, each worked on by itself: a burst of triggers for one key coalesces into one
 * run, a slow run holds up its own key only, and a key enqueued during its run runs again after.
 */
export class WorkQueue {
  private readonly dirty = new Set<string>();
  private readonly inFlight = new Map<string, Promise<void>>();
  private stopped = false;

  constructor(private readonly work: (key: string) => Promise<void>, private readonly onError: (key: string, err: unknown) => void) {}

  add(key: string): void {
    this.dirty.add(key);
    this.kick();
  }

  addAll(keys: Iterable<string>): void {
    for (const key of keys) this.dirty.add(key);
    this.kick();
  }

  /** Resolves when every enqueued key has been worked on. */
  async settle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight.values()]);
  }

  stop(): void {
    this.stopped = true;
  }

  private kick(): void {
    if (this.stopped) return;
    for (const key of [...this.dirty]) {
      if (this.inFlight.has(key)) continue;
      this.dirty.delete(key);
      const run = (async () => {
        // Yield once so a burst of triggers coalesces into one run.
        await new Promise((r) => setImmediate(r));
        this.dirty.delete(key);
        await this.work(key);
      })().catch((err: unknown) => this.onError(key, err))
        .finally(() => {
          this.inFlight.delete(key);
          if (this.dirty.has(key)) this.kick();
        });
      this.inFlight.set(key, run);
    }
  }
}
