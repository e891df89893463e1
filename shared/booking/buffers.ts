// Free time a host keeps before and after each booking. A booking holds its buffered span (its
// time widened by the buffers) in claim cells, and a time is offered only when its buffered span
// meets no busy time. Pure.
//
// The buffers a slot was booked with are stored on the slot, so that every later change of its
// time (a move in Google, a guest's reschedule, another slot's cells being settled) holds the
// same span even when the host changes the settings meanwhile. Older slots have none: 0.
import type { Slot } from '../store/slots';
import type { Schedule } from '../store/subscribers';
import type { TimeRange } from './availability';

export interface Buffer {
  beforeMinutes: number;
  afterMinutes: number;
}

export const NO_BUFFER: Buffer = { beforeMinutes: 0, afterMinutes: 0 };

type BufferSource = Pick<Slot, 'buffer'> | Pick<Schedule, 'bufferBeforeMinutes' | 'bufferAfterMinutes'>;

/** The buffers of a slot (as stored; none on older slots) or of a host's schedule (as set now). */
export function bufferOf(source: BufferSource): Buffer {
  if ('bufferBeforeMinutes' in source) return { beforeMinutes: source.bufferBeforeMinutes, afterMinutes: source.bufferAfterMinutes };
  return source.buffer ?? NO_BUFFER;
}

/** [start - before, end + after): the time a booking at [start, end) keeps from others. */
export function heldSpan(source: BufferSource, start: Date, end: Date): TimeRange {
  const { beforeMinutes, afterMinutes } = bufferOf(source);
  return { start: new Date(start.getTime() - beforeMinutes * 60_000), end: new Date(end.getTime() + afterMinutes * 60_000) };
}
