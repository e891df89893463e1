// The pushes of one channel that reach an instance together share one round of writes, and never
// a round that has already begun (its writes, and the sync it starts, must come after the push).
import { PushRounds } from '../../../shared/sync/push-rounds';

/** A write that ends when the test says so, remembering what it was given. */
function gate() {
  const calls: (readonly number[])[] = [];
  const opens: (() => void)[] = [];
  const write = (inputs: readonly number[]) => {
    calls.push([...inputs]);
    return new Promise<string>((resolve) => opens.push(() => resolve(`round ${calls.length}`)));
  };
  return { calls, write, open: (i: number) => opens[i]!() };
}

const tick = () => new Promise((r) => setImmediate(r));

it('pushes that come while a round writes share the next round: one write for all of them', async () => {
  const rounds = new PushRounds<number, string>();
  const { calls, write, open } = gate();

  const first = rounds.join('channel-a', 1, write);
  await tick();
  const later = [2, 3, 4].map((n) => rounds.join('channel-a', n, write));
  await tick();
  expect(calls).toEqual([[1]]);

  open(0);
  await tick();
  expect(calls).toEqual([[1], [2, 3, 4]]);
  open(1);

  expect(await first).toEqual({ result: 'round 1', opened: true });
  expect(await Promise.all(later)).toEqual([
    { result: 'round 2', opened: true },
    { result: 'round 2', opened: false },
    { result: 'round 2', opened: false },
  ]);
  expect(rounds.size).toBe(0);
});

it('a push never joins a round that has begun writing', async () => {
  const rounds = new PushRounds<number, string>();
  const { calls, write, open } = gate();

  const first = rounds.join('channel-a', 1, write);
  await tick();
  const second = rounds.join('channel-a', 2, write);
  open(0);
  await first;
  await tick();
  // The second round is writing now: a third push waits for a round of its own.
  const third = rounds.join('channel-a', 3, write);
  open(1);
  await second;
  await tick();
  open(2);

  expect((await third).result).toBe('round 3');
  expect(calls).toEqual([[1], [2], [3]]);
});

it('channels have rounds of their own', async () => {
  const rounds = new PushRounds<number, string>();
  const { calls, write, open } = gate();

  const a = rounds.join('channel-a', 1, write);
  const b = rounds.join('channel-b', 2, write);
  await tick();

  expect(calls).toEqual([[1], [2]]);
  open(0);
  open(1);
  await Promise.all([a, b]);
});

it('a round that fails fails its own pushes, and the next round still writes', async () => {
  const rounds = new PushRounds<number, string>();
  let fail = true;
  const write = async (inputs: readonly number[]) => {
    await tick();
    if (fail) throw new Error('10 ABORTED: lock timeout');
    return `wrote ${inputs.join(',')}`;
  };

  const failing = rounds.join('channel-a', 1, write);
  await Promise.resolve();
  const next = rounds.join('channel-a', 2, write);
  await expect(failing).rejects.toThrow('lock timeout');
  fail = false;

  expect(await next).toEqual({ result: 'wrote 2', opened: true });
});
