import type { Channel } from '../../../shared/channels/channels';
import type { Watch } from '../../../shared/channels/watches';
import type { Subscriber } from '../../../shared/store/subscribers';
import { channelVerdict, LONGEST_CHANNEL_LIFE_MS, needsReconcile, needsRenewal, PENDING_GRACE_MS, watchedCalendarsOf } from '../../../shared/upkeep/decisions';

const NOW = new Date('2026-11-24T12:00:00Z');
const HOUR = 3_600_000;
const ago = (ms: number) => new Date(NOW.getTime() - ms);
const ahead = (ms: number) => new Date(NOW.getTime() + ms);

function channel(overrides: Partial<Channel> = {}): Channel {
  return {
    subscriberId: 'h1',
    calendarId: 'cal@example.test',
    state: 'active',
    resourceId: 'res-1',
    resourceUri: 'https://example.test/res-1',
    expiration: ahead(20 * 24 * HOUR),
    tokenHash: 'a'.repeat(64),
    lastMessageNumber: 1,
    createdAt: ago(10 * 24 * HOUR),
    updatedAt: ago(10 * 24 * HOUR),
    ...overrides,
  };
}

function host(overrides: Partial<Subscriber> = {}): Subscriber {
  return {
    name: 'Host',
    email: 'host@example.test',
    timezone: 'Europe/Berlin',
    google: { accountEmail: 'host@example.test', refreshToken: 'v1.sealed', status: 'ok', connectedAt: ago(30 * 24 * HOUR) },
    defaultCalendar: { provider: 'google', calendarId: 'cal@example.test' },
    schedule: { slug: 'host', slotMinutes: 30, weekly: {}, minNoticeMinutes: 0, maxDaysAhead: 30 } as unknown as Subscriber['schedule'],
    createdAt: ago(30 * 24 * HOUR),
    updatedAt: ago(30 * 24 * HOUR),
    ...overrides,
  };
}

describe('which calendars a host watches', () => {
  const conflicts = { conflictCalendarIds: ['family@example.test', 'team@example.test'] };
  it.each([
    ['a working grant and a Google default', ['cal@example.test'], host()],
    ['the default first, then the calendars checked for conflicts', ['cal@example.test', 'family@example.test', 'team@example.test'], host(conflicts)],
    ['a conflict calendar that became the default (a reconnect picked it): watched once', ['cal@example.test', 'family@example.test'], host({ conflictCalendarIds: ['cal@example.test', 'family@example.test'] })],
    ['a broken grant', [], host({ ...conflicts, google: { ...host().google!, status: 'broken' } })],
    ['no grant', [], host({ ...conflicts, google: null })],
    ['a default outside Google', [], host({ ...conflicts, defaultCalendar: { provider: 'other', calendarId: 'x' } })],
    ['no default', [], host({ ...conflicts, defaultCalendar: null })],
    ['no host at all', [], undefined],
  ])('%s → %j', (_case, expected, subject) => {
    expect(watchedCalendarsOf(subject)).toEqual(expected);
  });
});

describe('renewal window', () => {
  const window = 48 * HOUR;
  it.each([
    ['expiring in 47 h', true, channel({ expiration: ahead(47 * HOUR) })],
    ['expiring in exactly 48 h', true, channel({ expiration: ahead(48 * HOUR) })],
    ['expiring in 49 h', false, channel({ expiration: ahead(49 * HOUR) })],
    ['already expired', true, channel({ expiration: ago(HOUR) })],
    ['pending (no expiration yet)', false, channel({ state: 'pending', expiration: null })],
  ])('%s → %s', (_case, expected, subject) => {
    expect(needsRenewal(subject, NOW, window)).toBe(expected);
  });
});

describe('reconciliation of a watched calendar', () => {
  const interval = HOUR;
  const watch = (overrides: Partial<Pick<Watch, 'watched' | 'lastSyncedAt' | 'dirty' | 'lease'>> = {}) => ({ watched: true, lastSyncedAt: ago(10 * 60_000), dirty: false, lease: null, ...overrides });
  it.each([
    ['synced 10 minutes ago', false, watch()],
    ['synced an hour ago', true, watch({ lastSyncedAt: ago(HOUR) })],
    ['never synced', true, watch({ lastSyncedAt: null })],
    ['dirty, its lease run out', true, watch({ dirty: true, lease: { holder: 'x', until: ago(1) } })],
    ['dirty, no lease', true, watch({ dirty: true })],
    ['dirty while a sync holds the lease', false, watch({ dirty: true, lease: { holder: 'x', until: ahead(60_000) } })],
    ['no longer watched (its state kept for a re-watch)', false, watch({ watched: false, lastSyncedAt: ago(10 * 24 * HOUR) })],
  ])('%s → %s', (_case, expected, subject) => {
    expect(needsReconcile(subject, NOW, interval)).toBe(expected);
  });
});

describe('heal verdict on a channel', () => {
  it.each([
    ['the current channel of a watched calendar', 'keep', 'c1', channel(), host(), 'c1'],
    ['a channel whose host is gone', 'stop:host_gone', 'c1', channel(), undefined, 'c1'],
    ['a channel of a host who disconnected', 'stop:not_watched', 'c1', channel(), host({ google: null }), 'c1'],
    ['a channel of a host whose grant broke', 'stop:not_watched', 'c1', channel(), host({ google: { ...host().google!, status: 'broken' } }), 'c1'],
    ['a channel on a calendar that is no longer the default', 'stop:not_watched', 'c1', channel({ calendarId: 'old@example.test' }), host(), undefined],
    ['the current channel of a calendar checked for conflicts', 'keep', 'c1', channel({ calendarId: 'family@example.test' }), host({ conflictCalendarIds: ['family@example.test'] }), 'c1'],
    ['a channel on a calendar no longer checked for conflicts', 'stop:not_watched', 'c1', channel({ calendarId: 'family@example.test' }), host({ conflictCalendarIds: [] }), 'c1'],
    ['a conflict calendar\'s channel of a host who disconnected', 'stop:not_watched', 'c1', channel({ calendarId: 'family@example.test' }), host({ google: null, conflictCalendarIds: ['family@example.test'] }), 'c1'],
    ['a leftover of a renewal that switched the pointer and died', 'stop:superseded', 'c1', channel(), host(), 'c2'],
    ['a renewal switching the pointer right now', 'keep', 'c2', channel({ updatedAt: ago(10_000) }), host(), 'c1'],
    ['an expired current channel', 'stop:expired', 'c1', channel({ expiration: ago(1) }), host(), 'c1'],
    ['a watch in progress', 'keep', 'c1', channel({ state: 'pending', resourceId: null, createdAt: ago(PENDING_GRACE_MS - 1) }), undefined, undefined],
    ['a dead watch whose resource id Google told us', 'stop:stale_pending', 'c1', channel({ state: 'pending', createdAt: ago(PENDING_GRACE_MS) }), host(), 'c1'],
    ['a dead watch with no resource id, maybe still live at Google', 'keep', 'c1', channel({ state: 'pending', resourceId: null, createdAt: ago(HOUR) }), host(), 'c2'],
    ['a dead watch with no resource id, surely expired', 'forget:stale_pending', 'c1', channel({ state: 'pending', resourceId: null, createdAt: ago(LONGEST_CHANNEL_LIFE_MS) }), host(), 'c2'],
    ['a watch that failed without a clear answer, on a calendar no longer watched: kept until Google names its resource', 'keep', 'c1', channel({ state: 'pending', resourceId: null, createdAt: ago(HOUR) }), host({ google: null }), undefined],
    ['the same once its sync message told us the resource: stopped', 'stop:stale_pending', 'c1', channel({ state: 'pending', createdAt: ago(HOUR) }), host({ google: null }), undefined],
  ])('%s → %s', (_case, expected, id, subject, owner, current) => {
    const verdict = channelVerdict(id, subject, owner, current, NOW);
    expect(verdict.kind === 'keep' ? 'keep' : `${verdict.kind}:${verdict.reason}`).toBe(expected);
  });
});
