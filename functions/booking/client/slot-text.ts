// How a free time reads on the booking page, in the guest's zone: the same rule for UTC offsets as
// our mail (shared/time/time-text), and the guest's own 12/24-hour habit. Pure, Intl only.
import { offsetsToShow } from '../../../shared/time/time-text';

export interface Slot {
  start: string;
  end: string;
}

export interface SlotText {
  /** The slot's day in the zone, YYYY-MM-DD. */
  dayKey: string;
  /** "Monday 2 December" */
  day: string;
  /** "09:00–09:30", "9:00–9:30 am", "01:00–01:30 UTC-05:00" */
  time: string;
}

const dayKeyFormats = new Map<string, Intl.DateTimeFormat>();

/** The day of an instant in a zone, as YYYY-MM-DD (en-CA writes dates so). */
export function dayKeyOf(instant: Date, timeZone: string): string {
  let format = dayKeyFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit', timeZone });
    dayKeyFormats.set(timeZone, format);
  }
  return format.format(instant);
}

const dayNameFormat = new Intl.DateTimeFormat('en-GB', { weekday: 'long', day: 'numeric', month: 'long', timeZone: 'UTC' });
const monthNameFormat = new Intl.DateTimeFormat('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' });

/** A day key at noon UTC: a calendar date with no zone left to shift it. */
function noonOf(dayKey: string): Date {
  return new Date(`${dayKey}T12:00:00Z`);
}

/** "Monday 2 December" for 2030-12-02. */
export function dayName(dayKey: string): string {
  return dayNameFormat.format(noonOf(dayKey));
}

/** "December 2030" for 2030-12. */
export function monthName(monthKey: string): string {
  return monthNameFormat.format(noonOf(`${monthKey}-01`));
}

/** "America/New York": a zone name as people read it. */
export function zoneName(timeZone: string): string {
  return timeZone.replaceAll('_', ' ');
}

function timeFormat(timeZone: string, hour12: boolean): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat('en-GB', { hour: hour12 ? 'numeric' : '2-digit', minute: '2-digit', hourCycle: hour12 ? 'h12' : 'h23', timeZone });
}

/**
 * "9:00–9:30 am" rather than "9:00 am–9:30 am", so a slot fits its button on a phone. With the
 * UTC offset where the wall clock alone misleads: the hour the clocks go back shows twice
 * ("01:00–01:30 UTC-04:00", then "01:00–01:30 UTC-05:00"), and a slot across a change gets one
 * per end ("01:30 UTC+01:00–03:00 UTC+02:00", not a 90-minute-looking "01:30–03:00").
 */
export function timeRange(start: Date, end: Date, timeZone: string, hour12: boolean): string {
  const format = timeFormat(timeZone, hour12);
  const offsets = offsetsToShow(start, end, timeZone);
  if (offsets.kind === 'each') return `${format.format(start)} ${offsets.start}–${format.format(end)} ${offsets.end}`;
  const startParts = format.formatToParts(start);
  const period = (parts: Intl.DateTimeFormatPart[]) => parts.find((part) => part.type === 'dayPeriod')?.value;
  const samePeriod = period(startParts) !== undefined && period(startParts) === period(format.formatToParts(end));
  const startText = startParts
    .filter((part) => !samePeriod || part.type !== 'dayPeriod')
    .map((part) => part.value)
    .join('')
    .trim();
  const text = `${startText}–${format.format(end)}`;
  return offsets.kind === 'range' ? `${text} ${offsets.offset}` : text;
}

export function describeSlot(slot: Slot, timeZone: string, hour12: boolean): SlotText {
  const start = new Date(slot.start);
  const dayKey = dayKeyOf(start, timeZone);
  return { dayKey, day: dayName(dayKey), time: timeRange(start, new Date(slot.end), timeZone, hour12) };
}

/** "Monday 2 December, 09:30–10:00 (America/New York time)": a chosen or booked time, zone named. */
export function whenText(slot: Slot, timeZone: string, hour12: boolean): string {
  const { day, time } = describeSlot(slot, timeZone, hour12);
  return `${day}, ${time} (${zoneName(timeZone)} time)`;
}
