// Account changes that cross: a request reads the host, something else changes it, then the
// request saves. Each change must be applied to the host as it is when saved, never restore what
// the request read (a grant marked broken, a connection replaced or dropped, a deleted host).
// The crossing is made deterministic by doing the other change between the read and the save,
// or while Google is being asked for the calendar list.
import { connectGoogle } from '../../../shared/accounts/connect';
import type { AccountDeps } from '../../../shared/accounts/deps';
import { disconnectHost } from '../../../shared/accounts/disconnect';
import { NotSignedIn } from '../../../shared/accounts/errors';
import { updateSettings } from '../../../shared/accounts/settings';
import type { HostCalendars } from '../../../shared/booking/host-calendar';
import { createLogger } from '../../../shared/log';
import { services } from '../../../functions/services';
import { startSystem, type TestSystem } from '../../support/system';

jest.setTimeout(60_000);

let sys: TestSystem;

beforeAll(async () => {
  sys = await startSystem();
});
afterAll(() => sys.close());

function deps(calendars?: HostCalendars): AccountDeps {
  const s = services();
  return { subscribers: s.subscribers, channels: s.channels, cipher: s.cipher, calendars: calendars ?? s.calendars, now: s.now, log: createLogger({ level: 'silent' }) };
}

/** Host calendars whose calendar list lets `meanwhile` run after Google answered, before we save. */
function listingThen(meanwhile: () => Promise<void>): HostCalendars {
  const base = services().calendars;
  return {
    sessionFor(subscriberId, host) {
      const session = base.sessionFor(subscriberId, host);
      if (!session) return session;
      return Object.assign(Object.create(session) as typeof session, {
        calendarList: async () => {
          const list = await session.calendarList();
          await meanwhile();
          return list;
        },
      });
    },
  };
}

async function secondCalendar(email: string): Promise<string> {
  return (await sys.control<{ calendarId: string }>(`/accounts/${encodeURIComponent(email)}/calendars`, { summary: 'Bookings' })).calendarId;
}

async function channelsAtGoogle(calendarIds: string[]): Promise<string[]> {
  return (await sys.control<{ calendarId: string }[]>('/channels')).map((c) => c.calendarId).filter((id) => calendarIds.includes(id));
}

async function stored(id: string) {
  const host = await services().subscribers.get(id);
  if (!host) throw new Error(`host ${id} is gone`);
  return host;
}

describe('a settings save crossing another change', () => {
  it('keeps a grant marked broken after the save read the host', async () => {
    const host = await sys.createHost();
    const secondary = await secondCalendar(host.email);
    const read = await stored(host.id);
    await services().subscribers.markGoogleBroken(host.id, new Date());

    const saved = await updateSettings(deps(), host.id, read, { calendarId: secondary, autoConfirm: true });

    expect(saved.google?.status).toBe('broken');
    const now = await stored(host.id);
    expect(now.google?.status).toBe('broken');
    expect(now.schedule.autoConfirm).toBe(true);
    expect(await channelsAtGoogle([secondary])).toEqual([]);
  });

  it('made for a connection a reconnect replaced saves nothing and keeps the new connection', async () => {
    const host = await sys.createHost();
    const secondary = await secondCalendar(host.email);
    const read = await stored(host.id);
    const reconnectedAt = new Date(read.google!.connectedAt.getTime() + 60_000);
    await services().subscribers.change(host.id, (current) => ({ ...current, google: { ...current.google!, connectedAt: reconnectedAt } }));

    await expect(updateSettings(deps(), host.id, read, { calendarId: secondary, autoConfirm: true })).rejects.toThrow(NotSignedIn);

    const now = await stored(host.id);
    expect(now.google?.connectedAt).toEqual(reconnectedAt);
    expect(now.defaultCalendar).toEqual({ provider: 'google', calendarId: host.calendarId });
    expect(now.schedule.autoConfirm).toBe(false);
    expect(await channelsAtGoogle([secondary])).toEqual([]);
  });

  it('after a disconnect whose revocation failed does not bring the connection back', async () => {
    const host = await sys.createHost();
    const read = await stored(host.id);
    await disconnectHost({ ...deps(), google: { revoke: () => Promise.reject(new Error('Google unreachable')) } }, host.id);

    await expect(updateSettings(deps(), host.id, read, { calendarId: host.calendarId, autoConfirm: true })).rejects.toThrow(NotSignedIn);

    const now = await stored(host.id);
    expect(now.google).toBeNull();
    expect(now.defaultCalendar).toBeNull();
    expect(await channelsAtGoogle([host.calendarId])).toEqual([]);
  });

  it('for a host deleted meanwhile does not make it again', async () => {
    const host = await sys.createHost();
    const read = await stored(host.id);
    await services().subscribers.delete(host.id);

    await expect(updateSettings(deps(), host.id, read, { calendarId: host.calendarId, autoConfirm: true })).rejects.toThrow(NotSignedIn);
    expect(await services().subscribers.get(host.id)).toBeUndefined();
  });
});

describe('a connect crossing another change', () => {
  it('keeps settings saved while Google was listing the calendars', async () => {
    const host = await sys.createHost();
    const subject = `crossing-${host.id}`;
    await sys.db.collection('subscribers').doc(host.id).update({ googleSubject: subject });
    const secondary = await secondCalendar(host.email);
    const crossing = deps(
      listingThen(async () => {
        await services().subscribers.change(host.id, (current) => ({
          ...current,
          defaultCalendar: { provider: 'google', calendarId: secondary },
          schedule: { ...current.schedule, autoConfirm: true },
        }));
      }),
    );

    const connected = await connectGoogle(crossing, { identity: { email: host.email, subject, name: undefined }, refreshToken: host.refreshToken });

    expect(connected).toMatchObject({ subscriberId: host.id, created: false });
    const now = await stored(host.id);
    expect(now.schedule.autoConfirm).toBe(true);
    expect(now.defaultCalendar).toEqual({ provider: 'google', calendarId: secondary });
    expect(now.google?.connectedAt).toEqual(connected.connectedAt);
    expect(await channelsAtGoogle([host.calendarId, secondary])).toEqual([secondary]);
  });

  it('for a host deleted while Google was listing the calendars makes a new host, not the old one', async () => {
    const host = await sys.createHost({ autoConfirm: true });
    const crossing = deps(listingThen(() => services().subscribers.delete(host.id)));
    const subject = `deleted-${host.id}`;
    await sys.db.collection('subscribers').doc(host.id).update({ googleSubject: subject });

    const connected = await connectGoogle(crossing, { identity: { email: host.email, subject, name: 'Again' }, refreshToken: host.refreshToken });

    expect(connected).toMatchObject({ subscriberId: `g-${subject}`, created: true });
    expect(await services().subscribers.get(host.id)).toBeUndefined();
    const fresh = await stored(`g-${subject}`);
    expect(fresh.name).toBe('Again');
    expect(fresh.schedule.autoConfirm).toBe(false);
    expect(fresh.createdAt).toEqual(connected.connectedAt);
    expect((await services().channels.channels.ofHost(`g-${subject}`)).map((c) => c.channel.calendarId)).toEqual([host.calendarId]);
  });
});
