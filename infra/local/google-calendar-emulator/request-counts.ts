// Counts of the API calls received, by operation name ("events.insert", …), for benchmarks.
export class RequestCounts {
  private total = 0;
  private readonly byOperation = new Map<string, number>();

  count(operation: string): void {
    this.total += 1;
    this.byOperation.set(operation, (this.byOperation.get(operation) ?? 0) + 1);
  }

  snapshot(): { total: number; byOperation: Record<string, number> } {
    return { total: this.total, byOperation: Object.fromEntries(this.byOperation) };
  }

  clear(): void {
    this.total = 0;
    this.byOperation.clear();
  }
}
