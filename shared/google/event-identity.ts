// How we recognise our own events in a calendar.
//
// The event id is the slot id, encoded in base32hex (Google allows only `[a-v0-9]`, 5-1024
// characters, in client-chosen ids). It is deterministic, so a retried insert answers 409 instead
// of sending a second invite, and reversible, so a cancelled event in an incremental sync, which
// Google may give us as nothing but `id` and `status`, still names its slot.
// Every event we write also carries a private extended property, so a full resync can ask Google
// for just our events (`privateExtendedProperty`).
import { base32hex } from 'rfc4648';

const PREFIX = 'bk1:';
const SLOT_ID = /^[A-Za-z0-9_-]{1,200}$/;

export const EVENT_TAG = { key: 'bookingApp', value: 'calendar-invites' } as const;
export const SLOT_ID_PROPERTY = 'slotId';

export class InvalidSlotId extends Error {
  constructor(slotId: string) {
    super(`slot id ${JSON.stringify(slotId)} must be 1-200 characters of [A-Za-z0-9_-]`);
    this.name = 'InvalidSlotId';
  }
}

export function eventIdForSlot(slotId: string): string {
  if (!SLOT_ID.test(slotId)) throw new InvalidSlotId(slotId);
  return base32hex.stringify(Buffer.from(PREFIX + slotId, 'utf8'), { pad: false }).toLowerCase();
}

/** The slot an event id was derived from, or undefined for an event that is not ours. */
export function slotIdForEvent(eventId: string): string | undefined {
  if (!/^[a-v0-9]+$/.test(eventId)) return undefined;
  let decoded: string;
  try {
    decoded = Buffer.from(base32hex.parse(eventId.toUpperCase(), { loose: true })).toString('utf8');
  } catch {
    return undefined;
  }
  if (!decoded.startsWith(PREFIX)) return undefined;
  const slotId = decoded.slice(PREFIX.length);
  return SLOT_ID.test(slotId) ? slotId : undefined;
}

/** The private extended properties every event of ours carries. */
export function privatePropertiesFor(slotId: string): Record<string, string> {
  return { [EVENT_TAG.key]: EVENT_TAG.value, [SLOT_ID_PROPERTY]: slotId };
}
