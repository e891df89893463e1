import { forEachPaged, type Page } from '../../../shared/upkeep/paged-work';

/** Pages of `size` numbers from 0 to total - 1, the cursor being the last number read. */
function pages(total: number, size: number, reads: (number | undefined)[] = []) {
  return async (after: number | undefined): Promise<Page<number, number>> => {
    reads.push(after);
    const first = after === undefined ? 0 : after + 1;
    const items = Array.from({ length: Math.max(0, Math.min(size, total - first)) }, (_, i) => first + i);
    const last = items.at(-1);
    return { items, next: items.length === size && last !== undefined && last < total - 1 ? last : undefined };
  };
}

const FOREVER = Number.POSITIVE_INFINITY;

test('every item of every page is worked on once, the pages read one after another', async () => {
  const reads: (number | undefined)[] = [];
  const seen: number[] = [];
  const result = await forEachPaged(pages(23, 5, reads), { concurrency: 3, deadline: FOREVER }, async (n) => {
    await new Promise((r) => setTimeout(r, 1));
    seen.push(n);
  });
  expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 23 }, (_, i) => i));
  expect(reads).toEqual([undefined, 4, 9, 14, 19]);
  expect(result).toEqual({ started: 23, left: 0, more: undefined });
});

test('at most the page being worked on and the one read ahead are held, however many there are', async () => {
  let held = 0;
  let mostHeld = 0;
  const read = pages(1000, 10);
  const counting = async (after: number | undefined) => {
    const page = await read(after);
    held += page.items.length;
    mostHeld = Math.max(mostHeld, held);
    return page;
  };
  await forEachPaged(counting, { concurrency: 4, deadline: FOREVER }, async () => {
    held -= 1;
    await new Promise((r) => setImmediate(r));
  });
  expect(mostHeld).toBeLessThanOrEqual(2 * 10 + 4);
});

test('the pool stays full across pages: no worker waits for the last of a page', async () => {
  let running = 0;
  let leastRunningAtAStart = Number.POSITIVE_INFINITY;
  await forEachPaged(pages(60, 6), { concurrency: 4, deadline: FOREVER }, async (n) => {
    running += 1;
    if (n >= 4 && n < 56) leastRunningAtAStart = Math.min(leastRunningAtAStart, running);
    await new Promise((r) => setTimeout(r, 2 + (n % 3)));
    running -= 1;
  });
  expect(leastRunningAtAStart).toBe(4);
});

test('nothing starts after the deadline; what was read and not started is counted, and the cursor to go on from is given', async () => {
  const result = await forEachPaged(pages(100, 10), { concurrency: 2, deadline: Date.now() - 1 }, async () => undefined);
  expect(result).toEqual({ started: 0, left: 10, more: 9 });
});

test('a page that cannot be read fails the walk', async () => {
  const failing = async () => {
    throw new Error('firestore unavailable');
  };
  await expect(forEachPaged(failing, { concurrency: 2, deadline: FOREVER }, async () => undefined)).rejects.toThrow('firestore unavailable');
});
