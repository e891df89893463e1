// "Bad bytes": text Firestore or mail cannot keep is refused with the field named, before anything
// is written or sent; line breaks never reach an event summary, a description line of ours or a
// mail header; guest time zones are IANA names, stored canonical.
import { googleInvite } from '../../shared/booking/invite-events';
import { multiLineText, oneLineText, textProblem } from '../../shared/input/plain-text';
import { hostDecisionRequest } from '../../shared/mail/templates';
import type { Slot } from '../../shared/store/slots';
import type { Subscriber } from '../../shared/store/subscribers';
import { canonicalTimeZone } from '../../shared/time/time-zone';
import { book, decide, freeSlot, GUEST } from '../support/booking-client';
import { startSystem, type TestHost, type TestSystem } from '../support/system';
import { formToken, Visitor } from '../integration/accounts/visitor';

describe('what a line of text may hold', () => {
  it.each<[string, string, string]>([
    ['an unpaired high surrogate', 'Gina \uD83D Guest', 'must be valid Unicode (an unpaired surrogate U+D83D at character 6)'],
    ['an unpaired low surrogate', '\uDE00Gina', 'must be valid Unicode (an unpaired surrogate U+DE00 at character 1)'],
    ['NUL', 'Gina\u0000', 'must not hold control characters (U+0000 at character 5)'],
    ['NUL after an emoji, counted as one character', '😀\u0000', 'must not hold control characters (U+0000 at character 2)'],
    ['a bell', 'Gi\u0007na', 'must not hold control characters (U+0007 at character 3)'],
    ['DEL', 'Gina\u007F', 'must not hold control characters (U+007F at character 5)'],
    ['a C1 control (NEL)', 'Gina\u0085Guest', 'must not hold control characters (U+0085 at character 5)'],
    ['a tab', 'Gina\tGuest', 'must not hold control characters (U+0009 at character 5)'],
    ['CR LF and a header after it', 'Gina\r\nBcc: victim@example.org', 'must be one line (a line break at character 5)'],
    ['a bare LF', 'Gina\nGuest', 'must be one line (a line break at character 5)'],
    ['a Unicode line separator', 'Gina\u2028Guest', 'must be one line (a line break at character 5)'],
    ['a right-to-left override', 'Invoice \u202Efdp.exe', 'must not hold characters that reorder text (U+202E at character 9)'],
    ['a left-to-right embedding', '\u202AGina', 'must not hold characters that reorder text (U+202A at character 1)'],
    ['a first-strong isolate', 'Gina\u2068', 'must not hold characters that reorder text (U+2068 at character 5)'],
    ['a pop directional isolate', 'Gina\u2069', 'must not hold characters that reorder text (U+2069 at character 5)'],
  ])('refuses %s', (_case, text, problem) => {
    expect(textProblem(text, 'one_line')).toBe(problem);
  });

  it.each<[string, string]>([
    ['accents and apostrophes', "Zoë O'Brien-Łukasiewicz"],
    ['an emoji (a surrogate pair)', 'Gina 😀 Guest'],
    ['right-to-left script with no overrides', 'שלום עליכם'],
    ['Arabic with a right-to-left mark', 'مرحبا\u200F'],
    ['CJK', '山田太郎'],
  ])('keeps %s', (_case, text) => {
    expect(textProblem(text, 'one_line')).toBeUndefined();
    expect(oneLineText(200).parse(` ${text} `)).toBe(text);
  });

  it('lets a message keep its lines and tabs, with CR LF and CR made LF', () => {
    expect(multiLineText(2000).parse('Hello,\r\n\tsee you.\rBye\n')).toBe('Hello,\n\tsee you.\nBye');
    expect(multiLineText(2000).safeParse('Hello\u0000').error?.issues[0]?.message).toBe('must not hold control characters (U+0000 at character 6)');
    expect(multiLineText(2000).safeParse('Hi \u202Eevil').success).toBe(false);
  });

  it('measures a message after its line ends are made one character', () => {
    expect(multiLineText(4).safeParse('a\r\nb\r\n').success).toBe(true);
    expect(multiLineText(4).safeParse('abcde').success).toBe(false);
  });
});

describe('what a guest time zone may be', () => {
  it.each<[string, string]>([
    ['Europe/Berlin', 'Europe/Berlin'],
    ['europe/berlin', 'Europe/Berlin'],
    ['AMERICA/NEW_YORK', 'America/New_York'],
    ['US/Eastern', 'America/New_York'],
    ['Etc/GMT+2', 'Etc/GMT+2'],
    ['utc', 'UTC'],
  ])('takes %s as %s', (given, stored) => {
    expect(canonicalTimeZone(given)).toBe(stored);
  });

  it.each(['+02:00', '-0500', '+02', 'UTC+2', 'GMT+2', 'Mars/Olympus', '', ' Europe/Berlin', 'Europe/Berlin\u0000'])('refuses %p', (given) => {
    expect(canonicalTimeZone(given)).toBeUndefined();
  });
});

describe('names stored before these checks still reach Google and mail on one line', () => {
  const name = 'Gina\r\nBcc: victim@example.org\u202E';
  const host = { name: 'Jo\nHost', email: 'jo@host.example', timezone: 'Europe/Berlin', schedule: { autoConfirm: false } } as unknown as Subscriber;
  const slot = {
    start: new Date('2030-03-11T09:00:00Z'),
    end: new Date('2030-03-11T09:30:00Z'),
    guest: { name, email: 'gina@example.org', timezone: 'UTC' },
    message: 'Line one\nLine two',
    calendarId: 'jo@host.example',
  } as unknown as Slot;

  it('in the Google event: summary one line, the description keeps only the message its lines', () => {
    const event = googleInvite('slot-1', slot, host, false);
    expect(event.summary).toBe('Jo Host and Gina Bcc: victim@example.org');
    expect(event.description).toBe('Booked by Gina Bcc: victim@example.org <gina@example.org> on Jo Host\'s booking page.\n\nMessage from Gina Bcc: victim@example.org:\nLine one\nLine two');
    expect(event.attendees?.map((a) => a.displayName)).toEqual(['Jo Host', 'Gina Bcc: victim@example.org']);
  });

  it('in our mail: subject, To and Reply-To names one line', () => {
    const mail = hostDecisionRequest(
      { slotId: 's', hostName: 'Jo\nHost', hostEmail: 'jo@host.example', hostTimezone: 'Europe/Berlin', guestName: name, guestEmail: 'gina@example.org', guestTimezone: 'UTC', message: null, start: slot.start, end: slot.end },
      { confirmUrl: 'https://book.example/c', denyUrl: 'https://book.example/d' },
      'google',
    );
    for (const header of [mail.subject, mail.to.name, mail.replyTo?.name]) expect(header).not.toMatch(/[\r\n\u202E]/);
    expect(mail.replyTo?.name).toBe('Gina Bcc: victim@example.org');
  });
});

describe('the functions refuse bad bytes before writing or calling anyone', () => {
  let sys: TestSystem;
  let host: TestHost;

  beforeAll(async () => {
    sys = await startSystem({ GOOGLE_INVITE_ENABLED: 'true' });
    host = await sys.createHost();
  });
  afterAll(() => sys.close());

  const googleCalls = async () => (await sys.control<{ total: number }>('/requests')).total;
  const slotCount = async () => (await sys.db.collection('slots').get()).size;

  async function issuesOf(res: Response): Promise<string[]> {
    const body = (await res.json()) as { error: string; issues: { path: string[] }[] };
    expect(body.error).toBe('invalid_request');
    return body.issues.map((i) => i.path.join('.'));
  }

  it.each<[string, Record<string, unknown>, string]>([
    ['a name with CR LF and a header', { guest: { ...GUEST, name: 'Gina\r\nBcc: victim@example.org' } }, 'guest.name'],
    ['a name with NUL', { guest: { ...GUEST, name: 'Gina\u0000' } }, 'guest.name'],
    ['a name with a lone surrogate', { guest: { ...GUEST, name: 'Gina \uD800' } }, 'guest.name'],
    ['a name with a right-to-left override', { guest: { ...GUEST, name: '\u202Egnp.exe' } }, 'guest.name'],
    ['a message with NUL', { message: 'Hi\u0000' }, 'message'],
    ['a message with a pop directional isolate', { message: 'Hi\u2069' }, 'message'],
    ['a message with a lone surrogate', { message: '\uDC00' }, 'message'],
    ['a UTC offset for a time zone', { guest: { ...GUEST, timezone: '+02:00' } }, 'guest.timezone'],
  ])('a booking with %s: 400 naming the field, no slot, no Google call', async (_case, change, field) => {
    const slot = await freeSlot(sys.functionsUrl, host.slug);
    const [calls, slots] = [await googleCalls(), await slotCount()];
    const res = await book(sys.functionsUrl, { host: host.slug, start: slot.start, ...change });
    expect(res.status).toBe(400);
    expect(await issuesOf(res)).toEqual([field]);
    expect([await googleCalls(), await slotCount()]).toEqual([calls, slots]);
  });

  it('keeps a message its lines (as LF) in the event description; summary and mail headers are one line', async () => {
    const slot = await freeSlot(sys.functionsUrl, host.slug, 1);
    const res = await book(sys.functionsUrl, {
      host: host.slug,
      start: slot.start,
      guest: { name: '  Zoë Guest ', email: 'Zoe.Guest@Example.ORG', timezone: 'europe/berlin' },
      message: 'First line\r\nSecond line',
    });
    expect(res.status).toBe(201);
    const { slotId } = (await res.json()) as { slotId: string };
    const stored = (await sys.db.collection('slots').doc(slotId).get()).data() as Slot;
    expect(stored.guest).toEqual({ name: 'Zoë Guest', email: 'zoe.guest@example.org', timezone: 'Europe/Berlin' });
    expect(stored.message).toBe('First line\nSecond line');

    const event = await sys.calendarEvent(host, slotId);
    expect(event.summary).not.toMatch(/[\r\n]/);
    expect(event.description).toContain('First line\nSecond line');
    expect(event.description).not.toContain('\r');
    const [mail] = await sys.sinkMessages(host.email);
    expect(mail?.subject).toMatch(/^Booking request from Zoë Guest: /);
    expect(mail?.subject).not.toMatch(/[\r\n]/);
  });

  it('a decision with NUL in its token: 400 naming the token', async () => {
    const res = await decide(sys.functionsUrl, 'abc\u0000.def', 'confirm');
    expect(res.status).toBe(400);
    expect(await issuesOf(res)).toEqual(['token']);
  });

  it('a settings form with a control character in the calendar id: 400 naming it, before asking Google for the calendars', async () => {
    const email = 'strings.host@hosts.example.test';
    await sys.control('/accounts', { email, name: 'Strings Host' });
    const visitor = new Visitor();
    const connected = await visitor.follow(`${sys.functionsUrl}/accounts/google/connect?login_hint=${encodeURIComponent(email)}`);
    const csrf = formToken(await connected.res.text());
    const calls = await googleCalls();
    const res = await visitor.request(`${sys.functionsUrl}/accounts/settings`, { form: { csrf, calendarId: `${email}\u0000` } });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('calendarId: must not hold control characters (U+0000 at character');
    expect(await googleCalls()).toBe(calls);
  });
});
