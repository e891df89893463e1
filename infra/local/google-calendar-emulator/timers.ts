// Every real-time wait of the emulator (push retries, reorder windows, fault delays) goes through
// one of these so that reset and close can cancel them all and leave no timer behind.
export class PendingTimers {
  private readonly timers = new Map<NodeJS.Timeout, () => void>();

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

  cancelAll(): void {
    for (const [timer, release] of this.timers) {
      clearTimeout(timer);
      release();
    }
    this.timers.clear();
  }
}
