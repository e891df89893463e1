// The day picker's calendar, as plain data: which days have free times, the months they fall in,
// a month as weeks of days, and where the arrow keys go from a day. Pure; day keys are YYYY-MM-DD
// in the guest's zone (./slot-text), which sort as text.
import { describeSlot, type Slot } from './slot-text';

export interface FreeDay {
  dayKey: string;
  slots: Slot[];
}

/** The slots grouped by their day in the zone, days and slots in time order. */
export function freeDays(slots: readonly Slot[], timeZone: string): FreeDay[] {
  const days = new Map<string, Slot[]>();
  for (const slot of [...slots].sort((a, b) => Date.parse(a.start) - Date.parse(b.start))) {
    const { dayKey } = describeSlot(slot, timeZone, false);
    days.set(dayKey, [...(days.get(dayKey) ?? []), slot]);
  }
  return [...days].map(([dayKey, daySlots]) => ({ dayKey, slots: daySlots })).sort((a, b) => a.dayKey.localeCompare(b.dayKey));
}

export function monthOf(dayKey: string): string {
  return dayKey.slice(0, 7);
}

function utcDate(dayKey: string): Date {
  return new Date(`${dayKey}T00:00:00Z`);
}

function keyOf(date: Date): string {
  return date.toISOString().slice(0, 10);
}

export function addDays(dayKey: string, days: number): string {
  const date = utcDate(dayKey);
  date.setUTCDate(date.getUTCDate() + days);
  return keyOf(date);
}

/**
 * A month as the cells of a Monday-first grid of seven columns: null for the days before the 1st
 * in its first week, then every day of the month.
 */
export function monthCells(monthKey: string): (string | null)[] {
  const first = utcDate(`${monthKey}-01`);
  const leading = (first.getUTCDay() + 6) % 7;
  const cells: (string | null)[] = Array.from({ length: leading }, () => null);
  for (let day = first; monthOf(keyOf(day)) === monthKey; day = utcDate(addDays(keyOf(day), 1))) cells.push(keyOf(day));
  return cells;
}

export type DayKey = 'ArrowLeft' | 'ArrowRight' | 'ArrowUp' | 'ArrowDown' | 'Home' | 'End';

export function isDayKey(key: string): key is DayKey {
  return ['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown', 'Home', 'End'].includes(key);
}

/**
 * Where a key moves the focus from `from` among the days with free times (sorted): left and right
 * to the previous or next such day, up and down a week back or on (or the nearest such day
 * beyond), Home and End to the first or last of the month. Undefined where there is none.
 */
export function dayAfterKey(days: readonly string[], from: string, key: DayKey): string | undefined {
  switch (key) {
    case 'ArrowRight':
      return days.find((day) => day > from);
    case 'ArrowLeft':
      return days.findLast((day) => day < from);
    case 'ArrowDown': {
      const target = addDays(from, 7);
      return days.find((day) => day >= target);
    }
    case 'ArrowUp': {
      const target = addDays(from, -7);
      return days.findLast((day) => day <= target);
    }
    case 'Home':
      return days.find((day) => monthOf(day) === monthOf(from));
    case 'End':
      return days.findLast((day) => monthOf(day) === monthOf(from));
  }
}
