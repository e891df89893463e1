import { CallPacer, grantable, windowStart, type Reserve } from '../../../shared/upkeep/call-budget';

describe('how many calls a window may still grant', () => {
  it.each([
    [0, 100, 50, 50],
    [80, 100, 50, 20],
    [100, 100, 50, 0],
    [120, 100, 50, 0],
  ])('%i reserved of %i, %i wanted → %i', (reserved, limit, wanted, granted) => {
    expect(grantable(reserved, limit, wanted)).toBe(granted);
  });

  it('windows start on whole minutes', () => {
    expect(windowStart(Date.parse('2026-11-26T17:03:42.5Z'), 60_000)).toBe(Date.parse('2026-11-26T17:03:00Z'));
  });
});

/** A shared counter as the Firestore one behaves, and a clock that sleeping moves. */
function world(limit: number) {
  let t = Date.parse('2026-11-26T17:00:00Z');
  const byWindow = new Map<number, number>();
  const reserve: Reserve = async (window, wanted) => {
    const granted = grantable(byWindow.get(window) ?? 0, limit, wanted);
    byWindow.set(window, (byWindow.get(window) ?? 0) + granted);
    return granted;
  };
  const options = { limit, windowMs: 60_000, block: 50, now: () => t, sleep: async (ms: number) => void (t += ms) };
  return { reserve, options, byWindow, advance: (ms: number) => void (t += ms), now: () => t };
}

describe('the pacer', () => {
  it('reserves a block at a time: 100 calls of 2, one reservation per 25 items', async () => {
    const w = world(10_000);
    let reservations = 0;
    const pacer = new CallPacer((window, wanted) => (reservations += 1, w.reserve(window, wanted)), w.options);
    for (let i = 0; i < 100; i += 1) expect(await pacer.take(2, w.now() + 60_000)).toBe(true);
    expect(reservations).toBe(4);
  });

  it('two runs together never reserve more than the limit in a window, and wait for the next', async () => {
    const w = world(120);
    const a = new CallPacer(w.reserve, w.options);
    const b = new CallPacer(w.reserve, w.options);
    const deadline = w.now() + 10 * 60_000;
    let made = 0;
    await Promise.all(
      [a, b].flatMap((pacer) => Array.from({ length: 150 }, async () => void ((await pacer.take(2, deadline)) && (made += 2)))),
    );
    for (const reserved of w.byWindow.values()) expect(reserved).toBeLessThanOrEqual(120);
    expect(made).toBe(600);
    expect(w.byWindow.size).toBeGreaterThanOrEqual(5);
  });

  it('says no when the next window starts after the deadline: the rest is the next run’s', async () => {
    const w = world(4);
    const pacer = new CallPacer(w.reserve, w.options);
    const deadline = w.now() + 30_000;
    expect(await pacer.take(2, deadline)).toBe(true);
    expect(await pacer.take(2, deadline)).toBe(true);
    expect(await pacer.take(2, deadline)).toBe(false);
  });

  it('never takes an item costing more than the whole limit', async () => {
    const w = world(1);
    expect(await new CallPacer(w.reserve, w.options).take(2, w.now() + 10 * 60_000)).toBe(false);
  });
});

describe('waiting for the next window', () => {
  it('never sleeps a negative time when the window ended while reserving (Node warns and sleeps 1 ms)', async () => {
    const w = world(2);
    const slept: number[] = [];
    // The window is spent, and the shared counter says so late: the next window has begun by then.
    const late: Reserve = async (window, wanted) => {
      const granted = await w.reserve(window, wanted);
      if (granted === 0) w.advance(61_000);
      return granted;
    };
    const pacer = new CallPacer(late, { ...w.options, sleep: async (ms) => void slept.push(ms) });
    const deadline = w.now() + 10 * 60_000;
    expect(await pacer.take(2, deadline)).toBe(true);
    expect(await pacer.take(2, deadline)).toBe(true);
    expect(slept.every((ms) => ms >= 0)).toBe(true);
  });
});
