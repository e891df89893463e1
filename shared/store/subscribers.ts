// `subscribers/{id}`: a host, their Google connection and their booking schedule.
// The refresh token is stored sealed (./token-cipher); the schema below is the document's shape.
import type { Firestore, Transaction } from '@google-cloud/firestore';
import { IANAZone } from 'luxon';
import { z } from 'zod';
import { withDates } from './firestore';

export const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;

// Times and lengths in steps of 5 minutes: a slot's time is held by 5-minute claim cells
// (slot-claims.ts), which are exact only when every boundary falls on one.
const timeOfDay = z.string().regex(/^([01]\d|2[0-3]):[0-5][05]$/, 'must be HH:MM (24 h), in steps of 5 minutes');

const availabilityWindow = z
  .object({ start: timeOfDay, end: timeOfDay })
  .refine((w) => w.start < w.end, { error: 'end must be after start' });

type AvailabilityWindow = z.infer<typeof availabilityWindow>;

const rangeText = (w: AvailabilityWindow) => `${w.start}–${w.end}`;

/** The first two ranges of a day that overlap, in order of their start (ranges that only touch do not). */
function firstOverlap(windows: AvailabilityWindow[]): [AvailabilityWindow, AvailabilityWindow] | undefined {
  const sorted = [...windows].sort((a, b) => a.start.localeCompare(b.start) || a.end.localeCompare(b.end));
  for (let i = 1; i < sorted.length; i += 1) {
    if (sorted[i]!.start < sorted[i - 1]!.end) return [sorted[i - 1]!, sorted[i]!];
  }
  return undefined;
}

const dayWindows = z.array(availabilityWindow);

// Availability would merge overlapping ranges without harm, but a host who wrote two that overlap
// most likely mistyped one ("09:00-12:00, 11:00-13:00" for 13:00-15:00): refused, not guessed.
// Ranges may touch and come in any order. The issue's path names the day (weekly.monday).
const dayHours = dayWindows.superRefine((windows, ctx) => {
  const overlap = firstOverlap(windows);
  if (overlap) ctx.addIssue({ code: 'custom', message: `${rangeText(overlap[0])} and ${rangeText(overlap[1])} overlap` });
});

/** A schedule as a host may set it: through a host file (`ops host put`) or the settings form. */
export const scheduleSchema = z.object({
  slug: z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}[a-z0-9]$/, 'must be 3-64 characters of a-z, 0-9 and -'),
  slotMinutes: z.number().int().min(5).max(480).multipleOf(5),
  /** Free windows per weekday, in the host's time zone. */
  weekly: z.partialRecord(z.enum(WEEKDAYS), dayHours),
  /** Earliest booking, in hours from now. */
  minNoticeHours: z.number().min(0).max(24 * 90).default(24),
  /** Farthest booking, in days from now. */
  maxDaysAhead: z.number().int().min(1).max(365).default(14),
  /** "Automatically confirm bookings if time is available". */
  autoConfirm: z.boolean().default(false),
  /**
   * Free time the host keeps before and after each booking, in minutes (steps of 5, like every
   * boundary a claim cell holds). Honoured by availability and held by the booking's claim cells.
   */
  bufferBeforeMinutes: z.number().int().min(0).max(240).multipleOf(5).default(0),
  bufferAfterMinutes: z.number().int().min(0).max(240).multipleOf(5).default(0),
  /** How late a guest may still cancel or reschedule with their manage link: hours before the start. */
  guestChangeLimitHours: z.number().min(0).max(24 * 30).default(2),
});

/**
 * A schedule as stored: also the documents saved before a day's ranges were refused for
 * overlapping, which must still load (availability merges their ranges).
 */
const storedScheduleSchema = scheduleSchema.extend({ weekly: z.partialRecord(z.enum(WEEKDAYS), dayWindows) });

/** How many calendars besides the default a host may check for conflicts: each is a watch channel and a freeBusy item. */
export const MAX_CONFLICT_CALENDARS = 10;

export const timeZone = z.string().refine((zone) => IANAZone.isValidZone(zone), { error: 'must be an IANA time zone' });

export const googleConnectionSchema = z.object({
  accountEmail: z.email(),
  /** Sealed with TokenCipher; never the plain token. */
  refreshToken: z.string().startsWith('v1.'),
  status: z.enum(['ok', 'broken']),
  connectedAt: z.date(),
});

/** Google's `sub`: "unique among all Google accounts and never reused", at most 255 ASCII characters. */
export const googleSubject = z.string().regex(/^[\x21-\x7e]{1,255}$/, 'must be a Google user id (sub)');

export const subscriberSchema = z.object({
  name: z.string().min(1).max(200),
  email: z.email(),
  timezone: timeZone,
  /**
   * The Google account this host is, by its `sub`: how a sign-in finds its host, never by an
   * address (DESIGN). Kept through a disconnect. Absent for hosts stored before it was (see
   * shared/accounts/identity.ts for how those are reached).
   */
  googleSubject: googleSubject.optional(),
  /**
   * The version every session cookie of this host must carry; replaced when its sessions end
   * (shared/accounts/host-sessions.ts). Absent: no session is good.
   */
  sessionVersion: z.string().min(1).optional(),
  google: googleConnectionSchema.nullable(),
  defaultCalendar: z.object({ provider: z.enum(['google', 'other']), calendarId: z.string().min(1) }).nullable(),
  /**
   * The host's other Google calendars that make them busy ("check for conflicts"), besides the
   * default one, which always counts and is never listed here. Read-only to us: watched and
   * read for busy time, never written. Absent: none. Read it through `conflictCalendarIdsOf`:
   * settings never save the default here, but a reconnect may make one of these the default
   * (defaultAfterConnect), and refusing that document would refuse the reconnect.
   */
  conflictCalendarIds: z
    .array(z.string().min(1))
    .max(MAX_CONFLICT_CALENDARS, `at most ${MAX_CONFLICT_CALENDARS} calendars can be checked for conflicts`)
    .refine((ids) => new Set(ids).size === ids.length, { error: 'a calendar is listed twice' })
    .optional(),
  schedule: storedScheduleSchema,
  createdAt: z.date(),
  updatedAt: z.date(),
});

export type Subscriber = z.infer<typeof subscriberSchema>;
export type Schedule = z.infer<typeof scheduleSchema>;

/** The host's calendars checked for conflicts besides the default (none when the field is absent; never the default). */
export function conflictCalendarIdsOf(host: Pick<Subscriber, 'defaultCalendar' | 'conflictCalendarIds'>): string[] {
  return (host.conflictCalendarIds ?? []).filter((id) => id !== host.defaultCalendar?.calendarId);
}

/**
 * Every Google calendar whose events make the host busy: the default first, then the ones
 * checked for conflicts. Empty when the host has no Google default calendar.
 */
export function busyCalendarIdsOf(host: Pick<Subscriber, 'defaultCalendar' | 'conflictCalendarIds'>): string[] {
  if (host.defaultCalendar?.provider !== 'google') return [];
  return [host.defaultCalendar.calendarId, ...conflictCalendarIdsOf(host)];
}

export class SlugTaken extends Error {
  constructor(readonly slug: string) {
    super(`the booking link "${slug}" belongs to another host`);
    this.name = 'SlugTaken';
  }
}

/** Another host is linked to this Google account: a Google account is one host's only. */
export class GoogleAccountTaken extends Error {
  constructor(readonly subscriberId: string) {
    super(`the Google account is linked to host ${subscriberId}`);
    this.name = 'GoogleAccountTaken';
  }
}

/** A host with this id exists already (creating never replaces one). */
export class HostExists extends Error {
  constructor(readonly subscriberId: string) {
    super(`host ${subscriberId} exists already`);
    this.name = 'HostExists';
  }
}

type Found = { id: string; subscriber: Subscriber } | undefined;

export class SubscriberRepository {
  constructor(private readonly db: Firestore) {}

  private get collection() {
    return this.db.collection('subscribers');
  }

  async get(id: string): Promise<Subscriber | undefined> {
    const snap = await this.collection.doc(id).get();
    return snap.exists ? subscriberSchema.parse(withDates(snap.data())) : undefined;
  }

  async findBySlug(slug: string): Promise<Found> {
    const found = await this.collection.where('schedule.slug', '==', slug).limit(1).get();
    const doc = found.docs[0];
    return doc ? { id: doc.id, subscriber: subscriberSchema.parse(withDates(doc.data())) } : undefined;
  }

  /** The host linked to this Google account (`sub`); one at most, as every write checks. */
  async findByGoogleSubject(subject: string): Promise<Found> {
    const found = await this.collection.where('googleSubject', '==', subject).limit(1).get();
    const doc = found.docs[0];
    return doc ? { id: doc.id, subscriber: subscriberSchema.parse(withDates(doc.data())) } : undefined;
  }

  /** Every host, in pages (for operations over all of them). */
  async *all(pageSize = 200): AsyncGenerator<{ id: string; subscriber: Subscriber }> {
    let after: string | null = null;
    for (;;) {
      const page = await this.page(after, pageSize);
      yield* page;
      const last = page.at(-1);
      if (page.length < pageSize || !last) return;
      after = last.id;
    }
  }

  /** Many hosts in one round trip (absent ones are left out). */
  async getMany(ids: string[]): Promise<Map<string, Subscriber>> {
    const found = new Map<string, Subscriber>();
    if (ids.length === 0) return found;
    for (const snap of await this.db.getAll(...ids.map((id) => this.collection.doc(id)))) {
      if (snap.exists) found.set(snap.id, subscriberSchema.parse(withDates(snap.data())));
    }
    return found;
  }

  /** One page of hosts in id order, after the id `after` (null: from the first). */
  async page(after: string | null, limit: number): Promise<{ id: string; subscriber: Subscriber }[]> {
    let query = this.collection.orderBy('__name__').limit(limit);
    if (after !== null) query = query.startAfter(after);
    const found = await query.get();
    return found.docs.map((doc) => ({ id: doc.id, subscriber: subscriberSchema.parse(withDates(doc.data())) }));
  }

  /** The host's Google grant is gone (invalid_grant): bookings stop using it until they reconnect. */
  /** Returns whether it was working until now (so the host is told once, not on every failure). */
  async markGoogleBroken(id: string, at: Date): Promise<boolean> {
    return this.db.runTransaction(async (tx) => {
      const snap = await tx.get(this.collection.doc(id));
      if (!snap.exists || snap.get('google.status') !== 'ok') return false;
      tx.update(this.collection.doc(id), { 'google.status': 'broken', updatedAt: at });
      return true;
    });
  }

  /** Creates or replaces a host; a slug and a Google account are one host's only (checked in the same transaction). */
  async put(id: string, subscriber: Subscriber): Promise<void> {
    const valid = subscriberSchema.parse(subscriber);
    await this.db.runTransaction(async (tx) => {
      await this.checkOwnClaims(tx, id, valid);
      tx.set(this.collection.doc(id), valid);
    });
  }

  /** Creates a host that does not exist yet: HostExists rather than replacing one. */
  async create(id: string, subscriber: Subscriber): Promise<void> {
    const valid = subscriberSchema.parse(subscriber);
    await this.db.runTransaction(async (tx) => {
      if ((await tx.get(this.collection.doc(id))).exists) throw new HostExists(id);
      await this.checkOwnClaims(tx, id, valid);
      tx.create(this.collection.doc(id), valid);
    });
  }

  /**
   * Changes a host from what it is now, not from what a request read earlier: `edit` gets the
   * current document inside a transaction, so a grant marked broken, a reconnect, a disconnect
   * or a deletion in the meantime is built on (or, by throwing, refused) rather than overwritten
   * or undone. Undefined when the host is gone; nothing is created.
   */
  async change(id: string, edit: (current: Subscriber) => Subscriber): Promise<{ before: Subscriber; after: Subscriber } | undefined> {
    return this.db.runTransaction(async (tx) => {
      const snap = await tx.get(this.collection.doc(id));
      if (!snap.exists) return undefined;
      const before = subscriberSchema.parse(withDates(snap.data()));
      const after = subscriberSchema.parse(edit(before));
      await this.checkOwnClaims(tx, id, after, before);
      tx.set(this.collection.doc(id), after);
      return { before, after };
    });
  }

  async delete(id: string): Promise<void> {
    await this.collection.doc(id).delete();
  }

  /**
   * The host's slug and Google account belong to no other host (what it held before is its own).
   * Read in the writing transaction, so two hosts racing for one can never both get it.
   */
  private async checkOwnClaims(tx: Transaction, id: string, after: Subscriber, before?: Subscriber): Promise<void> {
    if (after.schedule.slug !== before?.schedule.slug) {
      const sameSlug = await tx.get(this.collection.where('schedule.slug', '==', after.schedule.slug).limit(2));
      if (sameSlug.docs.some((doc) => doc.id !== id)) throw new SlugTaken(after.schedule.slug);
    }
    if (after.googleSubject !== undefined && after.googleSubject !== before?.googleSubject) {
      const sameAccount = await tx.get(this.collection.where('googleSubject', '==', after.googleSubject).limit(2));
      const other = sameAccount.docs.find((doc) => doc.id !== id);
      if (other) throw new GoogleAccountTaken(other.id);
    }
  }
}
