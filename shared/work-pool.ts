// A few items at a time until a deadline: bounded concurrency keeps us inside Google's
// per-project and per-user rate limits, and the deadline keeps the run inside its time budget.
// Items not started by the deadline are left for the next run; those started are finished.

export interface PoolOptions {
  concurrency: number;
  /** Epoch ms (wall clock): no item starts after it. */
  deadline: number;
}

/** Runs `work` over the items; returns how many were started. `work` must not throw. */
export async function forEachWithin<T>(items: readonly T[], options: PoolOptions, work: (item: T) => Promise<void>): Promise<number> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length && Date.now() < options.deadline) {
      const item = items[next] as T;
      next += 1;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency, items.length)) }, worker));
  return next;
}
