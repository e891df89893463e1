// Benchmarks report medians, percentiles and ratios: these machines are shared and noisy, so a
// benchmark never passes or fails on time.
export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

export const median = (samples: number[]): number => percentile(samples, 50);

export function round(value: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** How many times `old` is `now` (2 = twice as fast / half the calls); NaN when either is missing. */
export function ratio(old: number, now: number): number {
  if (!Number.isFinite(old) || !Number.isFinite(now) || now === 0) return Number.NaN;
  return round(old / now, 2);
}
