// Counts of the API calls received, by operation name ("events.insert", …), for benchmarks; and,
// while a window is set, the Calendar API calls (not the token endpoint's) in each window of the
// emulator's clock, so a simulation can hold them against a per-minute quota as Google does.
export class RequestCounts {
  private total = 0;
  private readonly byOperation = new Map<string, number>();
  private windowMs = 0;
  private readonly windows = new Map<number, number>();

  constructor(private readonly now: () => number = Date.now) {}

  count(operation: string): void {
    this.total += 1;
    this.byOperation.set(operation, (this.byOperation.get(operation) ?? 0) + 1);
    if (this.windowMs > 0 && !operation.startsWith('oauth.')) {
      const now = this.now();
      const start = now - (now % this.windowMs);
      this.windows.set(start, (this.windows.get(start) ?? 0) + 1);
    }
  }

  snapshot(): { total: number; byOperation: Record<string, number> } {
    return { total: this.total, byOperation: Object.fromEntries(this.byOperation) };
  }

  /** Counts per window from now on (those counted before are dropped); 0: no more. */
  countWindows(windowMs: number): void {
    this.windowMs = windowMs;
    this.windows.clear();
  }

  windowCounts(): { windowMs: number; windows: { startMs: number; count: number }[] } {
    return { windowMs: this.windowMs, windows: [...this.windows].sort(([a], [b]) => a - b).map(([startMs, count]) => ({ startMs, count })) };
  }

  clear(): void {
    this.total = 0;
    this.byOperation.clear();
    this.countWindows(0);
  }
}
