/**
 * A simulated socket that follows its device's power, level-triggered: open while running and
 * alive, closed otherwise. Open and close steps run one at a time, in order.
 */
export abstract class FollowsPower {
  protected alive = true;
  protected running = false;
  /** The tail of the queue of open/close steps. */
  private chain: Promise<void> = Promise.resolve();

  protected abstract readonly isOpen: boolean;
  protected abstract open(): Promise<void>;
  protected abstract close(): Promise<void>;
  /** Logs a step that failed after start (a failure at start rejects start()). */
  protected abstract stepFailed(err: unknown): void;

  setAlive(alive: boolean): void {
    this.alive = alive;
    if (this.running) this.enqueue();
  }

  /** Opens if alive; rejects naming the address if that fails. */
  async start(): Promise<void> {
    this.running = true;
    const step = this.chain.then(() => this.sync());
    this.chain = step.catch(() => {});
    await step;
  }

  /** Resolves once the socket has followed every change so far; never rejects. */
  settled(): Promise<void> {
    return this.chain;
  }

  async stop(): Promise<void> {
    this.running = false;
    this.enqueue();
    await this.chain;
  }

  private enqueue(): void {
    this.chain = this.chain.then(() => this.sync()).catch((err: unknown) => this.stepFailed(err));
  }

  private async sync(): Promise<void> {
    const want = this.running && this.alive;
    if (want && !this.isOpen) await this.open();
    else if (!want && this.isOpen) await this.close();
  }
}
