// Every real-time wait of the emulator (push retries, reorder windows, fault delays) goes through
// one of these so that reset and close can cancel them all and leave no timer behind; so does every
// call a fault holds until the test releases it.
export class PendingTimers {
  private readonly timers = new Map<NodeJS.Timeout, () => void>();
  private readonly held = new Set<() => void>();

  /** Runs `task` after `ms`, unless cancelled first. */
  after(ms: number, task: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      task();
    }, ms);
    this.timers.set(timer, () => undefined);
  }

  /** Resolves after `ms`; resolves at once when cancelled, so a waiting request can finish. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.set(timer, resolve);
    });
  }

  /** Resolves when `releaseHeld` (or a cancel) lets it go. */
  hold(): Promise<void> {
    return new Promise((resolve) => this.held.add(resolve));
  }

  /** Lets every held wait go; how many there were. */
  releaseHeld(): number {
    const released = [...this.held];
    this.held.clear();
    for (const release of released) release();
    return released.length;
  }

  cancelAll(): void {
    for (const [timer, release] of this.timers) {
      clearTimeout(timer);
      release();
    }
    this.timers.clear();
    this.releaseHeld();
  }
}
