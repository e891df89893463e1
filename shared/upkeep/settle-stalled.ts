// The paging both stalled-work steps share (./stalled-invites, ./stalled-decisions): slots read a
// page at a time past the last one seen, each settled a few at a time until the run's deadline,
// tallied by outcome. A slot that fails every run holds up no other: the next page starts past it.
import type { Logger } from '../log';
import type { Slot } from '../store/slots';
import { forEachWithin, type PoolOptions } from '../work-pool';

export interface SettleReport {
  /** Completed as the stopped work would have. */
  finished: number;
  /** Released: the slot as it was before the stopped work. */
  released: number;
  failed: number;
  /** Seen but not started in this run's budget. */
  remaining: number;
}

export type SettleOutcome = 'finished' | 'released' | 'left';

export interface StalledWork<Cursor> {
  /** One page of stalled slots, after `after` in the query's order. */
  page(after: Cursor | undefined, size: number): Promise<{ slotId: string; slot: Slot }[]>;
  /** Where the next page starts after this slot; undefined if it is not stalled after all. */
  cursorOf(item: { slotId: string; slot: Slot }): Cursor | undefined;
  settle(slotId: string, slot: Slot): Promise<SettleOutcome>;
  /** What a failed settle is logged as, for the next run to try again. */
  failure: string;
}

const PAGE = 100;

export async function settleStalled<Cursor>(work: StalledWork<Cursor>, pool: PoolOptions, log: Logger): Promise<SettleReport> {
  const report: SettleReport = { finished: 0, released: 0, failed: 0, remaining: 0 };
  let after: Cursor | undefined;
  for (;;) {
    const page = await work.page(after, PAGE);
    const last = page.at(-1);
    const next = last && work.cursorOf(last);
    if (next) after = next;
    const started = await forEachWithin(page, pool, async ({ slotId, slot }) => {
      try {
        const outcome = await work.settle(slotId, slot);
        if (outcome === 'finished') report.finished += 1;
        else if (outcome === 'released') report.released += 1;
      } catch (error) {
        log.warn({ err: error, slotId }, work.failure);
        report.failed += 1;
      }
    });
    if (started < page.length) return { ...report, remaining: page.length - started };
    if (page.length < PAGE) return report;
  }
}
