// A signed-in host changes their schedule on the settings page, over real HTTP with a cookie jar,
// as a browser posts the form; the booking page's availability then offers exactly those hours.
import { DateTime } from 'luxon';
import { services } from '../../../functions/services';
import { availability } from '../../support/booking-client';
import { startSystem, type TestSystem } from '../../support/system';
import { accountsUrl, googleAccount, hostOfSubject, signIn } from './host-flows';
import { formToken, Visitor } from './visitor';

jest.setTimeout(60_000);

let sys: TestSystem;

beforeAll(async () => {
  sys = await startSystem();
});
afterAll(() => sys.close());

let accounts = 0;

/** A new host, signed in: its id, slug, the visitor holding its session and the settings page it landed on. */
async function signedInHost() {
  accounts += 1;
  const account = await googleAccount(sys, `schedule${accounts}.host@hosts.example.test`);
  const visitor = new Visitor();
  const html = await signIn(sys, visitor, account.email);
  const { id, slug } = await hostOfSubject(sys, account.subject);
  return { account, id, slug, visitor, html };
}

const decoded = (text: string) => text.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** What a browser sends for the settings form as the page shows it: its text and hidden fields, the checked boxes. */
function settingsFormOf(html: string): Record<string, string> {
  const form = /<form method="post" action="[^"]*\/accounts\/settings">([\s\S]*?)<\/form>/.exec(html)?.[1];
  if (!form) throw new Error('no settings form on the page');
  const fields: Record<string, string> = {};
  for (const [input] of form.matchAll(/<input [^>]*>/g)) {
    const attr = (name: string) => new RegExp(`\\s${name}="([^"]*)"`).exec(input)?.[1];
    const type = attr('type');
    const name = attr('name');
    if (!name || ((type === 'radio' || type === 'checkbox') && !/\schecked\b/.test(input))) continue;
    fields[name] = decoded(attr('value') ?? '');
  }
  return fields;
}

const EVERY_DAY = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];

function everyDay(hours: string): Record<string, string> {
  return Object.fromEntries(EVERY_DAY.map((day) => [`weekly-${day}`, hours]));
}

const subscriber = async (id: string) => (await services().subscribers.get(id))!;

describe('the schedule on the settings page', () => {
  it('is saved as the host typed it, and availability then offers exactly those hours', async () => {
    const { id, slug, visitor, html } = await signedInHost();
    const before = await subscriber(id);
    const form = {
      ...settingsFormOf(html),
      ...everyDay('14:00–15:30, 10:00-11:00'),
      'weekly-sunday': '',
      slotMinutes: '30',
      minNoticeHours: '0',
      maxDaysAhead: '3',
      bufferBeforeMinutes: '10',
      bufferAfterMinutes: '5',
      guestChangeLimitHours: '6',
    };
    const save = await visitor.request(accountsUrl(sys, '/settings'), { form });
    expect(save.status).toBe(303);
    expect(save.headers.get('location')).toBe(accountsUrl(sys, '/settings?saved=1'));

    const after = await subscriber(id);
    expect(after.schedule).toEqual({
      slug,
      autoConfirm: false,
      slotMinutes: 30,
      weekly: Object.fromEntries(EVERY_DAY.filter((d) => d !== 'sunday').map((d) => [d, [{ start: '10:00', end: '11:00' }, { start: '14:00', end: '15:30' }]])),
      minNoticeHours: 0,
      maxDaysAhead: 3,
      bufferBeforeMinutes: 10,
      bufferAfterMinutes: 5,
      guestChangeLimitHours: 6,
    });
    expect(after.defaultCalendar).toEqual(before.defaultCalendar);

    const page = await (await visitor.request(accountsUrl(sys, '/settings?saved=1'))).text();
    expect(page).toContain('Your settings are saved');
    expect(page).toContain('name="weekly-monday" value="10:00–11:00, 14:00–15:30"');
    expect(page).toContain('name="weekly-sunday" value=""');

    // The new host is in UTC: the times offered are these hours, on the next three days, not on Sundays.
    const offered = (await availability(sys.functionsUrl, slug, 6)).slots.map((s) => ({ start: DateTime.fromISO(s.start, { zone: 'utc' }), end: DateTime.fromISO(s.end, { zone: 'utc' }) }));
    expect(offered.length).toBeGreaterThan(0);
    const horizon = DateTime.utc().plus({ days: 3 });
    for (const { start, end } of offered) {
      expect(['10:00', '10:30', '14:00', '14:30', '15:00']).toContain(start.toFormat('HH:mm'));
      expect(end.diff(start, 'minutes').minutes).toBe(30);
      expect(start.weekday).not.toBe(7);
      expect(start <= horizon).toBe(true);
    }
  });

  it('is edited by a host whose Google connection no longer works, with no calendar to choose', async () => {
    const { account, id, visitor } = await signedInHost();
    await sys.control(`/accounts/${encodeURIComponent(account.email)}/revoke`, {});
    const res = await visitor.request(accountsUrl(sys, '/settings'));
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('Connect Google Calendar again');
    const form = settingsFormOf(html);
    expect(form).not.toHaveProperty('calendarId');
    expect(form).toHaveProperty('weekly-monday', '09:00–17:00');

    const save = await visitor.request(accountsUrl(sys, '/settings'), { form: { ...form, 'weekly-monday': '08:00–12:00', autoConfirm: 'on' } });
    expect(save.status).toBe(303);
    const after = await subscriber(id);
    expect(after.schedule.weekly.monday).toEqual([{ start: '08:00', end: '12:00' }]);
    expect(after.schedule.autoConfirm).toBe(true);
    expect(after.google?.status).toBe('broken');
    expect(after.defaultCalendar).toEqual({ provider: 'google', calendarId: account.calendarId });
  });

  it('with mistakes answers 400 with the errors beside their fields and a summary, keeps what was typed and saves nothing', async () => {
    const { id, visitor, html } = await signedInHost();
    const before = await subscriber(id);
    const form = { ...settingsFormOf(html), 'weekly-monday': '09:00–12:00, 11:30–13:00', 'weekly-tuesday': '9 to 5', slotMinutes: '7', maxDaysAhead: '400', minNoticeHours: '2' };
    const res = await visitor.request(accountsUrl(sys, '/settings'), { form });
    expect(res.status).toBe(400);
    const page = await res.text();

    expect(page).toContain('<title>Error: Booking settings</title>');
    expect(page).toContain('<a href="#weekly-monday">Monday: 09:00–12:00 and 11:30–13:00 overlap</a>');
    expect(page).toContain('<a href="#weekly-tuesday">Tuesday: “9 to 5” is not a range: write each as 09:00–12:00</a>');
    expect(page).toContain('<a href="#slotMinutes">Length of a booking: must be a multiple of 5</a>');
    expect(page).toContain('<a href="#maxDaysAhead">How far ahead: must be at most 365</a>');
    for (const field of ['weekly-monday', 'weekly-tuesday', 'slotMinutes', 'maxDaysAhead']) {
      expect(page).toMatch(new RegExp(`<input [^>]*id="${field}"[^>]*aria-describedby="[^"]*${field}-error" aria-invalid="true">`));
      expect(page).toContain(`id="${field}-error"`);
    }
    expect(page).not.toMatch(/id="minNoticeHours"[^>]*aria-invalid/);
    // Everything typed comes back, the fields that were right too.
    const shown = settingsFormOf(page);
    expect(shown).toEqual({ ...form, csrf: shown.csrf });
    expect(await subscriber(id)).toEqual(before);
  });

  it('refuses a form without the session’s form token with 403, saving nothing', async () => {
    const { id, visitor, html } = await signedInHost();
    const before = await subscriber(id);
    const { csrf: _token, ...form } = { ...settingsFormOf(html), ...everyDay('10:00–11:00') };
    expect((await visitor.request(accountsUrl(sys, '/settings'), { form })).status).toBe(403);
    expect((await visitor.request(accountsUrl(sys, '/settings'), { form: { ...form, csrf: `${formToken(html)}x` } })).status).toBe(403);
    const other = await signedInHost();
    expect((await visitor.request(accountsUrl(sys, '/settings'), { form: { ...form, csrf: formToken(other.html) } })).status).toBe(403);
    expect(await subscriber(id)).toEqual(before);
  });
});
