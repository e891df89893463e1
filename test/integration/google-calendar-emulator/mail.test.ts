import type { calendar_v3 } from '@googleapis/calendar';
import { timedEvent, useEmulator, type EmulatorAccount } from './harness';

interface Mail {
  to: string;
  from: string;
  kind: string;
  calendarId: string;
  eventId: string;
  subject: string;
  text: string;
  sentAt: string;
}

describe('the mail "Google" sends about events', () => {
  const emulator = useEmulator();
  let host: EmulatorAccount;
  let api: calendar_v3.Calendar;

  beforeEach(async () => {
    await emulator().reset();
    host = await emulator().createAccount('host@example.com');
    api = emulator().calendarFor(host).api;
  });

  async function mail(to?: string): Promise<Mail[]> {
    return (await emulator().control<Mail[]>('GET', `mail${to === undefined ? '' : `?to=${encodeURIComponent(to)}`}`)).body;
  }

  const guests = [{ email: 'guest@other.org' }, { email: 'host@example.com' }];

  it('sends nothing when sendUpdates is left out', async () => {
    await api.events.insert({ calendarId: 'primary', requestBody: timedEvent(1, { attendees: guests }) });
    expect(await mail()).toEqual([]);
  });

  it('invites every attendee but the calendar owner with sendUpdates=all, saying what, when and who organizes', async () => {
    const { data } = await api.events.insert({ calendarId: 'primary', sendUpdates: 'all', requestBody: timedEvent(10, { summary: 'Intro call', attendees: guests }) });
    const sent = await mail();
    expect(sent).toEqual([
      expect.objectContaining({ to: 'guest@other.org', from: 'host@example.com', kind: 'invitation', calendarId: 'host@example.com', eventId: data.id }),
    ]);
    const [invitation] = sent;
    expect(invitation?.subject).toBe('Invitation: Intro call @ Tue Jan 1, 2030 10:00 – 11:00 (UTC)');
    expect(invitation?.text).toContain('Intro call');
    expect(invitation?.text).toContain('Tue Jan 1, 2030 10:00 – 11:00 (UTC)');
    expect(invitation?.text).toContain('Organizer: host@example.com');
    expect(Number.isNaN(Date.parse(invitation?.sentAt ?? ''))).toBe(false);
  });

  it('mails only attendees who are not accounts of the emulator with sendUpdates=externalOnly', async () => {
    await emulator().createAccount('colleague@example.com');
    await api.events.insert({
      calendarId: 'primary',
      sendUpdates: 'externalOnly',
      requestBody: timedEvent(1, { attendees: [{ email: 'colleague@example.com' }, { email: 'outsider@other.org' }] }),
    });
    expect((await mail()).map((sent) => sent.to)).toEqual(['outsider@other.org']);
  });

  it('never mails the organizer about their own change', async () => {
    const created = await emulator().control<{ calendarId: string }>('POST', 'accounts/host@example.com/calendars', { summary: 'Team' });
    await api.events.insert({
      calendarId: created.body.calendarId,
      sendUpdates: 'all',
      requestBody: timedEvent(1, { attendees: [{ email: created.body.calendarId }, { email: 'guest@other.org' }] }),
    });
    const sent = await mail();
    expect(sent.map((one) => one.to)).toEqual(['guest@other.org']);
    expect(sent[0]?.from).toBe('host@example.com');
  });

  it('invites attendees a patch adds and cancels for those it removes', async () => {
    const { data } = await api.events.insert({ calendarId: 'primary', requestBody: timedEvent(1, { attendees: [{ email: 'stays@other.org' }, { email: 'leaves@other.org' }] }) });
    await api.events.patch({
      calendarId: 'primary',
      eventId: data.id as string,
      sendUpdates: 'all',
      requestBody: { attendees: [{ email: 'stays@other.org' }, { email: 'joins@other.org' }] },
    });
    expect((await mail()).map((sent) => [sent.to, sent.kind])).toEqual([
      ['joins@other.org', 'invitation'],
      ['leaves@other.org', 'cancellation'],
    ]);
  });

  it('sends an update when a patch changes what attendees see, and nothing for a private property', async () => {
    const { data } = await api.events.insert({ calendarId: 'primary', requestBody: timedEvent(1, { attendees: guests }) });
    await api.events.patch({ calendarId: 'primary', eventId: data.id as string, sendUpdates: 'all', requestBody: { extendedProperties: { private: { a: 'b' } } } });
    expect(await mail()).toEqual([]);
    await api.events.patch({ calendarId: 'primary', eventId: data.id as string, sendUpdates: 'all', requestBody: { start: timedEvent(2).start, end: timedEvent(2).end } });
    const sent = await mail();
    expect(sent.map((one) => [one.to, one.kind])).toEqual([['guest@other.org', 'update']]);
    expect(sent[0]?.subject).toBe('Updated invitation: Event at 1 @ Tue Jan 1, 2030 02:00 – 03:00 (UTC)');
  });

  it('sends a cancellation when the event is deleted with sendUpdates=all', async () => {
    const { data } = await api.events.insert({ calendarId: 'primary', requestBody: timedEvent(1, { attendees: guests }) });
    await api.events.delete({ calendarId: 'primary', eventId: data.id as string, sendUpdates: 'all' });
    const sent = await mail('guest@other.org');
    expect(sent.map((one) => one.kind)).toEqual(['cancellation']);
    expect(sent[0]?.subject).toMatch(/^Canceled event: Event at 1 @ /);
  });

  it('sends no mail for an import', async () => {
    await api.events.import({ calendarId: 'primary', requestBody: timedEvent(1, { iCalUID: 'x@elsewhere.org', attendees: guests }) });
    expect(await mail()).toEqual([]);
  });

  it('mails the organizer a reply when an attendee answers, whatever sendUpdates was', async () => {
    const { data } = await api.events.insert({ calendarId: 'primary', requestBody: timedEvent(1, { summary: 'Demo', attendees: guests }) });
    const answered = await emulator().control<calendar_v3.Schema$Event>('POST', `calendars/${host.calendarId}/events/${data.id}/respond`, {
      email: 'GUEST@other.org',
      responseStatus: 'tentative',
    });
    expect(answered.status).toBe(200);
    expect(answered.body.attendees?.[0]).toEqual({ email: 'guest@other.org', responseStatus: 'tentative' });
    const sent = await mail('host@example.com');
    expect(sent).toEqual([expect.objectContaining({ to: 'host@example.com', from: 'guest@other.org', kind: 'reply', eventId: data.id })]);
    expect(sent[0]?.subject).toMatch(/^Tentatively accepted: Demo @ /);
    expect((await api.events.get({ calendarId: 'primary', eventId: data.id as string })).data.attendees?.[0]?.responseStatus).toBe('tentative');
  });

  it('answers 404 to an answer from someone who is not an attendee, or about an unknown event', async () => {
    const { data } = await api.events.insert({ calendarId: 'primary', requestBody: timedEvent(1, { attendees: guests }) });
    expect((await emulator().control('POST', `calendars/${host.calendarId}/events/${data.id}/respond`, { email: 'stranger@x.org', responseStatus: 'accepted' })).status).toBe(404);
    expect((await emulator().control('POST', `calendars/${host.calendarId}/events/nosuchevent/respond`, { email: 'guest@other.org', responseStatus: 'accepted' })).status).toBe(404);
    expect((await emulator().control('POST', `calendars/${host.calendarId}/events/${data.id}/respond`, { email: 'guest@other.org', responseStatus: 'maybe' })).status).toBe(400);
  });

  it('filters the mail list by recipient, ignoring case', async () => {
    await api.events.insert({ calendarId: 'primary', sendUpdates: 'all', requestBody: timedEvent(1, { attendees: [{ email: 'a@other.org' }, { email: 'b@other.org' }] }) });
    expect((await mail('A@OTHER.org')).map((sent) => sent.to)).toEqual(['a@other.org']);
    expect(await mail()).toHaveLength(2);
  });
});
