// Calendars and who may see them. A primary calendar's id is its owner's address; a secondary
// calendar gets an id like Google's `…@group.calendar.google.com`. The owner sees and changes a
// calendar; the owner may share it with another account as a reader (sees its events, changes
// none: 403 requiredAccessLevel, as Google answers a write without writer access) or a writer.
// A shared calendar is in that account's calendar list with its access role. Any other account
// gets the 404 Google gives for an invisible calendar. (Google's freeBusyReader role, and a
// reader's view of private events, are not emulated.)
import { randomBytes } from 'node:crypto';
import type { Account } from './accounts';
import { GoogleApiError, notFound } from './errors';
import type { StoredEvent } from './event-model';

/** The roles an owner can share a calendar with (Google's ACL roles, less freeBusyReader). */
export type SharedRole = 'reader' | 'writer';
export type AccessRole = 'owner' | SharedRole;

export interface Calendar {
  id: string;
  summary: string;
  timeZone: string;
  ownerEmail: string;
  primary: boolean;
  /** Other accounts' access, by their (lowercased) address. */
  sharedWith: Map<string, SharedRole>;
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
      sharedWith: new Map(),
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

  /** Removes the calendars of a closed account, and what others shared with it (a new account at its address sees none of it). */
  removeAll(account: Account): Calendar[] {
    const removed = this.ownedBy(account);
    for (const calendar of removed) this.byId.delete(calendar.id.toLowerCase());
    for (const calendar of this.byId.values()) calendar.sharedWith.delete(account.email);
    return removed;
  }

  /** The owner shares the calendar with another account (not itself) at `role`, or (`none`) stops sharing it: it is then invisible (404) to that account. */
  share(calendar: Calendar, account: Account, role: SharedRole | 'none'): void {
    if (role === 'none') calendar.sharedWith.delete(account.email);
    else calendar.sharedWith.set(account.email, role);
  }

  find(id: string): Calendar | undefined {
    return this.byId.get(id.toLowerCase());
  }

  /**
   * The calendar as `account` addresses it (`primary` is its own); 404 when it cannot see it, and
   * for `write`, 403 when it may only read it.
   */
  visibleTo(account: Account, calendarId: string, need: 'read' | 'write' = 'read'): Calendar {
    const calendar = this.find(calendarId === 'primary' ? account.email : calendarId);
    const role = calendar ? accessRoleOf(calendar, account) : undefined;
    if (!calendar || !role) throw notFound();
    if (need === 'write' && role === 'reader') throw new GoogleApiError(403, 'requiredAccessLevel', 'You need to have writer access to this calendar.');
    return calendar;
  }

  ownedBy(account: Account): Calendar[] {
    return account.calendarIds.map((id) => this.find(id)).filter((calendar): calendar is Calendar => calendar !== undefined);
  }

  /** The account's calendar list: its own calendars, then those shared with it, in the order made. */
  listedFor(account: Account): { calendar: Calendar; accessRole: AccessRole }[] {
    const shared = [...this.byId.values()].filter((c) => c.ownerEmail !== account.email && c.sharedWith.has(account.email));
    return [...this.ownedBy(account), ...shared].map((calendar) => ({ calendar, accessRole: accessRoleOf(calendar, account)! }));
  }

  clear(): void {
    this.byId.clear();
  }
}

function calendarEtag(calendar: Calendar): string {
  return `"${calendar.updatedMs * 1000 + (calendar.changeCount % 1000)}"`;
}

/** What `account` may do in the calendar: undefined when it cannot see it. */
export function accessRoleOf(calendar: Calendar, account: Account): AccessRole | undefined {
  return calendar.ownerEmail === account.email ? 'owner' : calendar.sharedWith.get(account.email);
}

export function calendarListEntry({ calendar, accessRole }: { calendar: Calendar; accessRole: AccessRole }): unknown {
  return {
    kind: 'calendar#calendarListEntry',
    etag: calendarEtag(calendar),
    id: calendar.id,
    summary: calendar.summary,
    timeZone: calendar.timeZone,
    accessRole,
    defaultReminders: [],
    ...(calendar.primary ? { primary: true } : {}),
  };
}

export function calendarResource(calendar: Calendar): unknown {
  return { kind: 'calendar#calendar', etag: calendarEtag(calendar), id: calendar.id, summary: calendar.summary, timeZone: calendar.timeZone };
}
