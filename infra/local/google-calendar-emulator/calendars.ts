// Calendars and who may see them. A primary calendar's id is its owner's address; a secondary
// calendar gets an id like Google's `…@group.calendar.google.com`. Only the owner can see a calendar:
// the emulator has no sharing, so any other account gets the 404 Google gives for an invisible calendar.
import { randomBytes } from 'node:crypto';
import type { Account } from './accounts';
import { notFound } from './errors';
import type { StoredEvent } from './event-model';

export interface Calendar {
  id: string;
  summary: string;
  timeZone: string;
  ownerEmail: string;
  primary: boolean;
  /** The opaque id Google gives the watched events collection: the same for every channel on it. */
  resourceId: string;
  createdMs: number;
  updatedMs: number;
  events: Map<string, StoredEvent>;
  eventIdsByICalUID: Map<string, string>;
  /** Bumped on every change of an event; what sync tokens count. */
  changeCount: number;
  /** Bumped when sync tokens are invalidated: tokens from an older generation answer 410. */
  syncGeneration: number;
  nextOrdinal: number;
}

export const DEFAULT_TIME_ZONE = 'UTC';

export class Calendars {
  private readonly byId = new Map<string, Calendar>();

  createPrimary(account: Account, nowMs: number): Calendar {
    return this.add({ id: account.email, summary: account.email, timeZone: DEFAULT_TIME_ZONE, primary: true }, account, nowMs);
  }

  createSecondary(account: Account, summary: string, timeZone: string, nowMs: number): Calendar {
    const id = `c_${randomBytes(20).toString('hex')}@group.calendar.google.com`;
    return this.add({ id, summary, timeZone, primary: false }, account, nowMs);
  }

  private add(fields: Pick<Calendar, 'id' | 'summary' | 'timeZone' | 'primary'>, owner: Account, nowMs: number): Calendar {
    const calendar: Calendar = {
      ...fields,
      ownerEmail: owner.email,
      resourceId: randomBytes(15).toString('base64url'),
      createdMs: nowMs,
      updatedMs: nowMs,
      events: new Map(),
      eventIdsByICalUID: new Map(),
      changeCount: 0,
      syncGeneration: 0,
      nextOrdinal: 0,
    };
    this.byId.set(calendar.id.toLowerCase(), calendar);
    owner.calendarIds.push(calendar.id);
    return calendar;
  }

  /** Removes the calendars of a closed account. */
  removeAll(account: Account): Calendar[] {
    const removed = this.ownedBy(account);
    for (const calendar of removed) this.byId.delete(calendar.id.toLowerCase());
    return removed;
  }

  find(id: string): Calendar | undefined {
    return this.byId.get(id.toLowerCase());
  }

  /** The calendar as `account` addresses it (`primary` is its own); 404 when it cannot see it. */
  visibleTo(account: Account, calendarId: string): Calendar {
    const calendar = this.find(calendarId === 'primary' ? account.email : calendarId);
    if (!calendar || calendar.ownerEmail !== account.email) throw notFound();
    return calendar;
  }

  ownedBy(account: Account): Calendar[] {
    return account.calendarIds.map((id) => this.find(id)).filter((calendar): calendar is Calendar => calendar !== undefined);
  }

  clear(): void {
    this.byId.clear();
  }
}

function calendarEtag(calendar: Calendar): string {
  return `"${calendar.updatedMs * 1000 + (calendar.changeCount % 1000)}"`;
}

export function calendarListEntry(calendar: Calendar): unknown {
  return {
    kind: 'calendar#calendarListEntry',
    etag: calendarEtag(calendar),
    id: calendar.id,
    summary: calendar.summary,
    timeZone: calendar.timeZone,
    accessRole: 'owner',
    defaultReminders: [],
    ...(calendar.primary ? { primary: true } : {}),
  };
}

export function calendarResource(calendar: Calendar): unknown {
  return { kind: 'calendar#calendar', etag: calendarEtag(calendar), id: calendar.id, summary: calendar.summary, timeZone: calendar.timeZone };
}
