// Pacing the scheduled runs' Calendar calls under a per-project rate (issue 16: Google allows
// 10,000 requests a minute per project; every shard's run spends from the same quota). Each run
// reserves calls in blocks from a counter per minute shared through Firestore
// (./call-budget-store), so the shards together never reserve more than the rate in any minute,
// at one Firestore transaction per block rather than one write per Google call. A run whose
// minute is spent waits for the next one if that starts before its deadline; otherwise it stops
// taking work and the next run does the rest.
//
// Calls are reserved per item of work, by what the item costs at most in the usual case (COSTS),
// not counted per request: the Calendar client is shared with the booking path, which is not paced.

/** Calendar API calls one item of upkeep makes, at most, when nothing goes wrong. */
export const COSTS = {
  /** channels.watch for the new channel, channels.stop for the old. */
  renew: 2,
  /** channels.watch (and, for a calendar Google says is gone, calendars.get: rare). */
  heal: 1,
  /** channels.stop of a channel nobody wants. */
  stop: 1,
  /** events.list: one page, and a second for a calendar with many changes since the last sync. */
  reconcile: 2,
} as const;

/** Calls reserved per Firestore transaction. */
export const BLOCK = 50;

/** The start of the window `nowMs` falls in (minutes, or shorter in tests). */
export function windowStart(nowMs: number, windowMs: number): number {
  return nowMs - (nowMs % windowMs);
}

/** How many of `wanted` calls a window that has `reserved` of `limit` may still grant. */
export function grantable(reserved: number, limit: number, wanted: number): number {
  return Math.max(0, Math.min(wanted, limit - reserved));
}

export interface PacerOptions {
  /** Calls the whole project's runs may make per window. */
  limit: number;
  windowMs: number;
  block: number;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}

/** Reserves up to `wanted` calls in the window starting at `window`; returns how many it got. */
export type Reserve = (window: number, wanted: number) => Promise<number>;

/** One run's calls: reserved a block at a time, spent an item at a time. */
export class CallPacer {
  private window = -1;
  private left = 0;
  private queue: Promise<unknown> = Promise.resolve();
  /** Calls this run reserved, for its summary. */
  reserved = 0;

  constructor(
    private readonly reserve: Reserve,
    private readonly options: PacerOptions,
  ) {}

  /**
   * Waits until `cost` calls may be made, or says they may not before `deadline` (false: the item
   * is left for the next run). The run's workers take in turn, so one block serves them all.
   */
  take(cost: number, deadline: number): Promise<boolean> {
    const turn = this.queue.then(() => this.takeNow(cost, deadline));
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  private async takeNow(cost: number, deadline: number): Promise<boolean> {
    const { windowMs, block, limit, now, sleep } = this.options;
    if (cost > limit) return false;
    for (;;) {
      const window = windowStart(now(), windowMs);
      // What a past window granted and this run did not spend is gone with it.
      if (window !== this.window) [this.window, this.left] = [window, 0];
      if (this.left < cost) {
        const granted = await this.reserve(window, Math.max(block, cost - this.left));
        this.reserved += granted;
        this.left += granted;
      }
      if (this.left >= cost) {
        this.left -= cost;
        return true;
      }
      const next = window + windowMs;
      if (next >= deadline) return false;
      // The reservation may have answered after the next window began: then no wait at all.
      await sleep(Math.max(0, next - now()));
    }
  }
}
