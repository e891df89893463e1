import type { calendar_v3 } from '@googleapis/calendar';
import { timedEvent, useEmulator, type EmulatorAccount } from './harness';

describe('the page for answering as a guest', () => {
  const emulator = useEmulator();
  let host: EmulatorAccount;
  let api: calendar_v3.Calendar;

  beforeEach(async () => {
    await emulator().reset();
    host = await emulator().createAccount('host@example.com');
    api = emulator().calendarFor(host).api;
  });

  function answer(fields: Record<string, string>): Promise<Response> {
    return fetch(`${emulator().url}/emulator/mail/respond`, { method: 'POST', body: new URLSearchParams(fields), redirect: 'manual' });
  }

  it('shows an invitation with Yes, Maybe and No for its guest, and a No declines the event as that guest', async () => {
    const { data } = await api.events.insert({ calendarId: 'primary', sendUpdates: 'all', requestBody: timedEvent(10, { summary: 'Intro <call>', attendees: [{ email: 'guest@other.org' }] }) });
    const page = await (await fetch(`${emulator().url}/emulator/mail?to=guest%40other.org`)).text();
    expect(page).toContain('Invitation: Intro &lt;call&gt;');
    expect(page).toContain('<button type="submit" name="responseStatus" value="declined">No</button>');

    const answered = await answer({ calendarId: host.calendarId, eventId: data.id!, email: 'guest@other.org', responseStatus: 'declined' });
    expect(answered.status).toBe(303);
    expect(answered.headers.get('location')).toBe('/emulator/mail?to=guest%40other.org');
    const event = await api.events.get({ calendarId: 'primary', eventId: data.id! });
    expect(event.data.attendees).toEqual([expect.objectContaining({ email: 'guest@other.org', responseStatus: 'declined' })]);
    expect(await (await fetch(`${emulator().url}/emulator/mail?to=guest%40other.org`)).text()).toContain('(now: <span class="answer">No</span>)');
  });

  it('offers no answer once the event is cancelled, and refuses one with 404', async () => {
    const { data } = await api.events.insert({ calendarId: 'primary', sendUpdates: 'all', requestBody: timedEvent(10, { attendees: [{ email: 'guest@other.org' }] }) });
    await api.events.delete({ calendarId: 'primary', eventId: data.id!, sendUpdates: 'all' });

    expect(await (await fetch(`${emulator().url}/emulator/mail`)).text()).not.toContain('<form');
    expect((await answer({ calendarId: host.calendarId, eventId: data.id!, email: 'guest@other.org', responseStatus: 'declined' })).status).toBe(404);
  });

  it('refuses an answer that is not one with 400', async () => {
    const refused = await answer({ calendarId: host.calendarId, eventId: 'x', email: 'guest@other.org', responseStatus: 'perhaps' });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('responseStatus');
  });
});
