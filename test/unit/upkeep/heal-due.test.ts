import { healDue } from '../../../shared/upkeep/decisions';
import { START, type HealCursor } from '../../../shared/upkeep/upkeep-state';

const HOUR = 3_600_000;
const now = new Date('2026-11-26T12:00:00Z');
const ago = (hours: number) => new Date(now.getTime() - hours * HOUR);

describe('whether a run walks the heal', () => {
  it.each<[string, HealCursor, number, boolean]>([
    ['never walked', START, 24 * HOUR, true],
    ['a cursor from before cycles were dated', { phase: 'hosts', after: null, cycleStartedAt: null }, 24 * HOUR, true],
    ['every run (interval 0), the last cycle just begun', { ...START, cycleStartedAt: ago(0) }, 0, true],
    ['the last cycle began 2 h ago, interval 24 h', { ...START, cycleStartedAt: ago(2) }, 24 * HOUR, false],
    ['the last cycle began 24 h ago, interval 24 h', { ...START, cycleStartedAt: ago(24) }, 24 * HOUR, true],
    ['a cycle under way among the hosts (a run out of time resumes it)', { phase: 'hosts', after: 'h-42', cycleStartedAt: ago(1) }, 24 * HOUR, true],
    ['a cycle under way among the channels', { phase: 'channels', after: null, cycleStartedAt: ago(1) }, 24 * HOUR, true],
  ])('%s → %s', (_, cursor, intervalMs, due) => {
    expect(healDue(cursor, now, intervalMs)).toBe(due);
  });
});
