// Calendars shared between accounts: several calendars per account, each in the calendar list
// with the access role the account has; a reader sees events, watches and asks free/busy, and
// any write is refused as Google refuses it (403 requiredAccessLevel); unsharing makes it 404.
import type { calendar_v3 } from '@googleapis/calendar';
import { failureOf, timedEvent, useEmulator, WebhookReceiver, type EmulatorAccount } from './harness';

describe('calendars shared with another account', () => {
  const emulator = useEmulator();
  let host: EmulatorAccount;
  let partner: EmulatorAccount;
  let api: calendar_v3.Calendar;
  let partnerApi: calendar_v3.Calendar;
  let family: string;
  let team: string;

  beforeEach(async () => {
    await emulator().reset();
    host = await emulator().createAccount('host@example.com');
    partner = await emulator().createAccount('partner@example.com');
    api = emulator().calendarFor(host).api;
    partnerApi = emulator().calendarFor(partner).api;
    family = (await emulator().control<{ calendarId: string }>('POST', 'accounts/partner@example.com/calendars', { summary: 'Family' })).body.calendarId;
    team = (await emulator().control<{ calendarId: string }>('POST', 'accounts/partner@example.com/calendars', { summary: 'Team' })).body.calendarId;
    expect((await emulator().control('POST', `calendars/${encodeURIComponent(family)}/share`, { email: host.email, role: 'reader' })).status).toBe(200);
    expect((await emulator().control('POST', `calendars/${encodeURIComponent(team)}/share`, { email: host.email, role: 'writer' })).status).toBe(200);
  });

  it("lists the account's own calendars, then those shared with it, each with the account's access role", async () => {
    const { data } = await api.calendarList.list();
    expect(data.items?.map((c) => [c.id, c.summary, c.accessRole, c.primary ?? false])).toEqual([
      ['host@example.com', 'host@example.com', 'owner', true],
      [family, 'Family', 'reader', false],
      [team, 'Team', 'writer', false],
    ]);
    expect((await partnerApi.calendarList.list()).data.items?.map((c) => c.accessRole)).toEqual(['owner', 'owner', 'owner']);
  });

  it('lets a reader list, get, watch and ask free/busy, and refuses its every write with 403 requiredAccessLevel', async () => {
    const { data: event } = await partnerApi.events.insert({ calendarId: family, requestBody: timedEvent(10) });
    expect((await api.events.list({ calendarId: family })).data.items?.map((e) => e.id)).toEqual([event.id]);
    expect((await api.events.get({ calendarId: family, eventId: event.id! })).data.id).toBe(event.id);
    const { data: busy } = await api.freebusy.query({ requestBody: { timeMin: '2030-01-01T00:00:00Z', timeMax: '2030-01-02T00:00:00Z', items: [{ id: family }, { id: 'primary' }] } });
    expect(busy.calendars?.[family]?.busy).toEqual([{ start: '2030-01-01T10:00:00Z', end: '2030-01-01T11:00:00Z' }]);

    const receiver = await WebhookReceiver.start();
    try {
      await api.events.watch({ calendarId: family, requestBody: { id: 'reader-watch', type: 'web_hook', address: receiver.url } });
      await partnerApi.events.patch({ calendarId: family, eventId: event.id!, requestBody: { summary: 'Moved' } });
      expect((await receiver.waitFor(2, 'reader-watch')).map((n) => n.headers['x-goog-resource-state'])).toEqual(['sync', 'exists']);
    } finally {
      await receiver.close();
    }

    const writes = [
      api.events.insert({ calendarId: family, requestBody: timedEvent(12) }),
      api.events.import({ calendarId: family, requestBody: { ...timedEvent(12), iCalUID: 'x@example.com' } }),
      api.events.patch({ calendarId: family, eventId: event.id!, requestBody: { summary: 'Mine' } }),
      api.events.delete({ calendarId: family, eventId: event.id! }),
    ];
    for (const write of writes) expect(await failureOf(write)).toMatchObject({ status: 403, reason: 'requiredAccessLevel' });
    expect((await partnerApi.events.get({ calendarId: family, eventId: event.id! })).data).toMatchObject({ summary: 'Moved', status: 'confirmed' });
  });

  it('lets a writer change events', async () => {
    const { data } = await api.events.insert({ calendarId: team, requestBody: timedEvent(10) });
    expect((await partnerApi.events.get({ calendarId: team, eventId: data.id! })).data.id).toBe(data.id);
  });

  it('makes a calendar no longer shared invisible to the account (404) and gone from its list', async () => {
    expect((await emulator().control('POST', `calendars/${encodeURIComponent(family)}/share`, { email: host.email, role: 'none' })).status).toBe(200);
    expect((await failureOf(api.events.list({ calendarId: family }))).status).toBe(404);
    expect((await api.calendarList.list()).data.items?.map((c) => c.id)).toEqual(['host@example.com', team]);
  });

  it('refuses to share with an unknown account or give the owner a role', async () => {
    expect((await emulator().control('POST', `calendars/${encodeURIComponent(family)}/share`, { email: 'nobody@example.com', role: 'reader' })).status).toBe(404);
    expect((await emulator().control('POST', `calendars/${encodeURIComponent(family)}/share`, { email: partner.email, role: 'reader' })).status).toBe(400);
  });
});
