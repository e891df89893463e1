// The emulator's clock: the configured source plus an offset the control API can set or advance,
// so tests can expire tokens and channels without waiting. Time keeps flowing after a change.
export class EmulatorClock {
  private offsetMs = 0;

  constructor(private readonly source: () => number) {}

  now(): number {
    return this.source() + this.offsetMs;
  }

  set(nowMs: number): void {
    this.offsetMs = nowMs - this.source();
  }

  advance(ms: number): void {
    this.offsetMs += ms;
  }

  reset(): void {
    this.offsetMs = 0;
  }
}
