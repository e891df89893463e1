// How far a calendar's busy time is kept: from yesterday (a host far east of UTC starts its today
// there) to the host's booking window plus a margin (buffers and slots that end past the window's
// last day, hosts far west of UTC), in whole UTC days. As days pass the sync moves it on from the
// stored sources, with no Google call (../store/busy-store.ts `extend`); the scheduled run's
// reconciliation syncs every watched calendar, so no calendar's horizon falls behind for long.
import { DAY_MS, startOfDay, type Coverage } from './busy-plan';

export const HORIZON_MARGIN_DAYS = 3;

export function busyHorizon(now: Date, maxDaysAhead: number): Coverage {
  const from = startOfDay(now.getTime()) - DAY_MS;
  return { from, until: from + (1 + maxDaysAhead + HORIZON_MARGIN_DAYS) * DAY_MS };
}
