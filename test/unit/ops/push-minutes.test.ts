// The chart's series: one entry a minute for the hour, counts of one minute (stored by several
// instances, or not yet written by this one) added up.
import { pushMinutes, type MinuteCounts } from '../../../shared/ops/push-metrics';

const first = new Date('2026-11-26T11:00:00Z');
const at = (minute: number, handled: number, lagMsSum = 0, lagCount = 0): MinuteCounts => ({
  minute: new Date(first.getTime() + minute * 60_000),
  pushes: { handled, coalesced: 0, refused: 0 },
  lagMsSum,
  lagCount,
});

it('lays counts out a minute each, adding those of one minute, zeros where nothing came', () => {
  const series = pushMinutes(first, 3, [at(0, 2, 400, 2), at(2, 1, 900, 1), at(0, 1, 200, 1)]);
  expect(series.map((m) => [m.minute.toISOString(), m.pushes.handled, m.lagMsSum, m.lagCount])).toEqual([
    ['2026-11-26T11:00:00.000Z', 3, 600, 3],
    ['2026-11-26T11:01:00.000Z', 0, 0, 0],
    ['2026-11-26T11:02:00.000Z', 1, 900, 1],
  ]);
});

it('leaves out counts outside the window', () => {
  expect(pushMinutes(first, 2, [at(-1, 5), at(2, 5)]).map((m) => m.pushes.handled)).toEqual([0, 0]);
});
