import { CalendarNotFound, GoogleUnavailable } from '../../../shared/google/errors';
import type { CalendarSession, EventPage } from '../../../shared/google/calendar';
import { createLogger } from '../../../shared/log';
import type { Subscriber } from '../../../shared/store/subscribers';
import { calendarGoneKey, healIfCalendarGone, type GoneCalendarDeps } from '../../../shared/upkeep/gone-calendars';

const HOST = { name: 'Jo Host', email: 'jo@host.example' } as Subscriber;
const NOW = new Date('2026-11-26T12:00:00Z');

/** A Google whose listing of the calendar answers `listing` (a page, or an error thrown). */
function world(listing: EventPage | Error, host: Subscriber = HOST) {
  const stopped: [string, string | undefined][] = [];
  const mailed: [string, string][] = [];
  const saved: Subscriber[] = [];
  const session = {
    async *events() {
      if (listing instanceof Error) throw listing;
      yield listing;
    },
  } as unknown as CalendarSession;
  const deps: GoneCalendarDeps = {
    channels: {
      stopWatching: (subscriberId: string, calendarId?: string) => {
        stopped.push([subscriberId, calendarId]);
        return Promise.resolve(1);
      },
    },
    subscribers: {
      get: () => Promise.resolve(host),
      change: (_id, edit) => {
        const after = edit(host);
        saved.push(after);
        return Promise.resolve({ before: host, after });
      },
    },
    sync: { sessionFor: () => session },
    mailer: {
      send: (mail, key) => {
        mailed.push([mail.subject, key]);
        return Promise.resolve('sent' as const);
      },
    },
    now: () => NOW,
    log: createLogger({ level: 'silent' }),
  };
  return { deps, stopped, mailed, saved };
}

describe('a calendar whose sync failed, asked about once more', () => {
  it('Google answering 404: its channels are stopped and forgotten and the host is told, keyed once per calendar', async () => {
    const { deps, stopped, mailed } = world(new CalendarNotFound('gone', 404, 'notFound'));
    expect(await healIfCalendarGone(deps, 'h1', 'team@example.com')).toBe(true);
    expect(stopped).toEqual([['h1', 'team@example.com']]);
    expect(mailed).toEqual([['Your booking calendar is gone from Google', calendarGoneKey('h1', 'team@example.com')]]);
  });

  it('Google answering 404 for a calendar checked for conflicts: its channels are stopped, it leaves the host\'s list, and nobody is mailed', async () => {
    const host = { ...HOST, defaultCalendar: { provider: 'google', calendarId: 'jo@host.example' }, conflictCalendarIds: ['family@example.com', 'team@example.com'] } as Subscriber;
    const { deps, stopped, mailed, saved } = world(new CalendarNotFound('gone', 404, 'notFound'), host);
    expect(await healIfCalendarGone(deps, 'h1', 'team@example.com')).toBe(true);
    expect(stopped).toEqual([['h1', 'team@example.com']]);
    expect(saved.map((h) => [h.conflictCalendarIds, h.updatedAt])).toEqual([[['family@example.com'], NOW]]);
    expect(mailed).toEqual([]);
  });

  const answers: [string, EventPage | Error][] = [
    ['the calendar answers', { events: [] }],
    ['Google is unavailable', new GoogleUnavailable('down', 503, 'backendError')],
  ];
  it.each(answers)('%s: nothing is stopped and nobody told', async (_name, listing) => {
    const { deps, stopped, mailed } = world(listing);
    expect(await healIfCalendarGone(deps, 'h1', 'team@example.com')).toBe(false);
    expect(stopped).toEqual([]);
    expect(mailed).toEqual([]);
  });
});
