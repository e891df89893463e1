// A few items at a time until a deadline (as ../work-pool), over a query read a page at a time:
// the run holds the page being worked on and the next one, read ahead while this one still feeds
// the workers, never the whole collection (10,000 channels loaded at once held hundreds of MiB).
import type { PoolOptions } from '../work-pool';

export interface Page<T, C> {
  items: T[];
  /** Where the next page starts; none when this was the last. */
  next: C | undefined;
}

export interface PagedOutcome<C> {
  started: number;
  /** Items read but not started (the deadline came first). */
  left: number;
  /** Where the pages not read yet begin, when the deadline came before the last. */
  more: C | undefined;
}

/**
 * Runs `work` over every item of the pages `read` returns, `concurrency` at a time, starting none
 * after the deadline. The first page is read before anything starts, so what is left is known even
 * when nothing could start. `work` must not throw; a page that cannot be read fails the walk.
 */
export async function forEachPaged<T, C>(
  read: (after: C | undefined) => Promise<Page<T, C>>,
  options: PoolOptions,
  work: (item: T) => Promise<void>,
): Promise<PagedOutcome<C>> {
  const first = await read(undefined);
  const buffer = [...first.items];
  let more = first.next;
  let reading: Promise<void> | undefined;
  const readNext = (): Promise<void> => {
    reading ??= read(more).then(
      (page) => {
        buffer.push(...page.items);
        more = page.next;
        reading = undefined;
      },
      (error: unknown) => {
        reading = undefined;
        throw error;
      },
    );
    return reading;
  };

  let started = 0;
  const take = async (): Promise<T | undefined> => {
    while (buffer.length === 0 && more !== undefined) await readNext();
    // Read ahead while this page lasts: no worker then waits for Firestore between pages. A
    // failed read ahead is read again by the first worker that needs it, and fails the walk then.
    if (buffer.length <= options.concurrency && more !== undefined) readNext().catch(() => undefined);
    return buffer.shift();
  };
  const worker = async (): Promise<void> => {
    while (Date.now() < options.deadline) {
      const item = await take();
      if (item === undefined) return;
      started += 1;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency) }, worker));
  // A read ahead still under way when the deadline came: its items are left too.
  if (reading) await (reading as Promise<void>).catch(() => undefined);
  return { started, left: buffer.length, more };
}
