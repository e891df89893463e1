// A signed-in host checks which of their Google calendars make them busy ("check for conflicts"),
// over real HTTP as a browser posts the settings form: each checked calendar gets a watch channel
// at Google (the emulator) whose pushes are synced; an unchecked one's channel is stopped at Google;
// the sync only reads them, never writes; disconnecting stops them all; and the booking page does
// not offer a time the host is busy in one of them.
import { randomUUID } from 'node:crypto';
import { services } from '../../../functions/services';
import { watchKey } from '../../../shared/channels/watches';
import { EVENT_TAG, eventIdForSlot } from '../../../shared/google/event-identity';
import { availability, freeSlot } from '../../support/booking-client';
import { startSystem, type TestSystem } from '../../support/system';
import { until } from '../../support/until';
import { accountsUrl, googleAccount, hostOfSubject, signIn } from './host-flows';
import { Visitor } from './visitor';

jest.setTimeout(60_000);

let sys: TestSystem;

beforeAll(async () => {
  sys = await startSystem();
});
afterAll(() => sys.close());

let hosts = 0;

/** A host signed in, with a calendar of their own besides the primary, and a partner's calendar shared with them read-only. */
async function hostWithCalendars() {
  hosts += 1;
  const account = await googleAccount(sys, `conflicts${hosts}.host@hosts.example.test`);
  const partner = await googleAccount(sys, `conflicts${hosts}.partner@example.test`);
  const personal = (await sys.control<{ calendarId: string }>(`/accounts/${encodeURIComponent(account.email)}/calendars`, { summary: 'Personal' })).calendarId;
  const family = (await sys.control<{ calendarId: string }>(`/accounts/${encodeURIComponent(partner.email)}/calendars`, { summary: 'Family' })).calendarId;
  await sys.control(`/calendars/${encodeURIComponent(family)}/share`, { email: account.email, role: 'reader' });
  const visitor = new Visitor();
  const html = await signIn(sys, visitor, account.email);
  const { id, slug } = await hostOfSubject(sys, account.subject);
  return { account, partner, personal, family, id, slug, visitor, html };
}

const decoded = (text: string) => text.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** What a browser sends for the settings form as the page shows it: text and hidden fields, checked boxes that are not disabled. */
function settingsFormOf(html: string): [string, string][] {
  const form = /<form method="post" action="[^"]*\/accounts\/settings">([\s\S]*?)<\/form>/.exec(html)?.[1];
  if (!form) throw new Error('no settings form on the page');
  const fields: [string, string][] = [];
  for (const [input] of form.matchAll(/<input [^>]*>/g)) {
    const attr = (name: string) => new RegExp(`\\s${name}="([^"]*)"`).exec(input)?.[1];
    const type = attr('type');
    const name = attr('name');
    if (!name || /\sdisabled\b/.test(input) || ((type === 'radio' || type === 'checkbox') && !/\schecked\b/.test(input))) continue;
    fields.push([name, decoded(attr('value') ?? '')]);
  }
  return fields;
}

/** The form as shown, with exactly these calendars checked for conflicts. */
function withConflicts(html: string, calendarIds: string[]): [string, string][] {
  return [...settingsFormOf(html).filter(([name]) => name !== 'conflictCalendarIds'), ...calendarIds.map((id): [string, string] => ['conflictCalendarIds', id])];
}

async function settingsPage(visitor: Visitor): Promise<string> {
  return (await visitor.request(accountsUrl(sys, '/settings'))).text();
}

async function liveAtGoogle(calendarId: string): Promise<string[]> {
  return (await sys.control<{ id: string; calendarId: string }[]>('/channels')).filter((c) => c.calendarId === calendarId).map((c) => c.id);
}

const watchOf = (hostId: string, calendarId: string) => services().channels.watches.get(watchKey(hostId, calendarId));
const subscriber = async (id: string) => (await services().subscribers.get(id))!;

/** An event in a calendar, made by its owner's account through the Calendar API. */
async function insertEvent(account: { refreshToken: string; email: string; calendarId: string }, calendarId: string, event: Record<string, unknown>): Promise<{ id: string }> {
  const token = await sys.accessToken({ id: '', slug: '', ...account });
  const res = await fetch(`${sys.google.url}/calendar/v3/calendars/${encodeURIComponent(calendarId)}/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(event),
  });
  if (res.status !== 200) throw new Error(`insert answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as { id: string };
}

describe('calendars checked for conflicts', () => {
  it('are offered on the settings page, every calendar of the list, the default checked and disabled', async () => {
    const { html, account, personal, family } = await hostWithCalendars();
    const boxes = [...html.matchAll(/<input type="checkbox" [^>]*name="conflictCalendarIds"[^>]*>/g)].map(([box]) => box);
    expect(boxes.map((box) => decoded(/value="([^"]*)"/.exec(box)![1]!))).toEqual([account.email, personal, family]);
    expect(boxes[0]).toMatch(/ checked disabled>/);
    expect(boxes.slice(1).every((box) => !/ checked/.test(box))).toBe(true);
    expect(html).toContain('Family <span class="hint">(shared with you, read only)</span>');
  });

  it('checked, each gets a live channel at Google whose pushes are synced; unchecked, its channel is stopped at Google', async () => {
    const { visitor, html, id, personal, family, partner } = await hostWithCalendars();
    const save = await visitor.request(accountsUrl(sys, '/settings'), { form: withConflicts(html, [family, personal]) });
    expect(save.status).toBe(303);
    expect((await subscriber(id)).conflictCalendarIds).toEqual([family, personal]);
    expect(await liveAtGoogle(family)).toHaveLength(1);
    expect(await liveAtGoogle(personal)).toHaveLength(1);
    expect((await watchOf(id, family))?.watched).toBe(true);

    // The page shows them checked.
    const shown = settingsFormOf(await settingsPage(visitor)).filter(([name]) => name === 'conflictCalendarIds');
    expect(shown.map(([, value]) => value).sort()).toEqual([family, personal].sort());

    // A change in the shared calendar reaches us by push and is synced.
    const before = (await watchOf(id, family))?.lastSyncedAt?.getTime() ?? 0;
    await insertEvent(partner, family, { summary: 'Dinner', start: { dateTime: '2030-01-01T18:00:00Z' }, end: { dateTime: '2030-01-01T20:00:00Z' } });
    await until(async () => ((await watchOf(id, family))?.lastSyncedAt?.getTime() ?? 0) > before || undefined, 'the push from the shared calendar to be synced');

    const [familyChannel] = await liveAtGoogle(family);
    const unchecked = await visitor.request(accountsUrl(sys, '/settings'), { form: withConflicts(await settingsPage(visitor), [personal]) });
    expect(unchecked.status).toBe(303);
    expect((await subscriber(id)).conflictCalendarIds).toEqual([personal]);
    expect(await liveAtGoogle(family)).toEqual([]);
    expect(await services().channels.channels.get(familyChannel!)).toBeUndefined();
    expect((await watchOf(id, family))?.watched).toBe(false);
    expect(await liveAtGoogle(personal)).toHaveLength(1);

    // No box checked: none.
    expect((await visitor.request(accountsUrl(sys, '/settings'), { form: withConflicts(await settingsPage(visitor), []) })).status).toBe(303);
    expect((await subscriber(id)).conflictCalendarIds).toEqual([]);
    expect(await liveAtGoogle(personal)).toEqual([]);
  });

  it('refuses a calendar not in the host\'s list, or more than 10, with the error beside the boxes, and saves nothing', async () => {
    const { visitor, html, id, account, family } = await hostWithCalendars();
    const unknown = await visitor.request(accountsUrl(sys, '/settings'), { form: withConflicts(html, [family, 'someone-else@example.test']) });
    expect(unknown.status).toBe(400);
    const page = await unknown.text();
    expect(page).toMatch(/<p class="field-error" id="conflictCalendarIds-error">.*not in your calendar list/);
    expect(page).toContain('href="#conflictCalendarIds"');

    const many: string[] = [];
    for (let i = 0; i < 11; i += 1) many.push((await sys.control<{ calendarId: string }>(`/accounts/${encodeURIComponent(account.email)}/calendars`, { summary: `Calendar ${i}` })).calendarId);
    const tooMany = await visitor.request(accountsUrl(sys, '/settings'), { form: withConflicts(await settingsPage(visitor), many) });
    expect(tooMany.status).toBe(400);
    expect(/id="conflictCalendarIds-error">(.*)<\/p>/.exec(await tooMany.text())?.[1]).toContain('choose at most 10 calendars besides your default calendar');

    expect((await subscriber(id)).conflictCalendarIds ?? []).toEqual([]);
    expect(await liveAtGoogle(family)).toEqual([]);
  });

  it('the default sent among them is left out: it always counts, and is watched once', async () => {
    const { visitor, html, id, account, family } = await hostWithCalendars();
    const save = await visitor.request(accountsUrl(sys, '/settings'), { form: withConflicts(html, [account.email, family]) });
    expect(save.status).toBe(303);
    expect((await subscriber(id)).conflictCalendarIds).toEqual([family]);
    expect(await liveAtGoogle(account.email)).toHaveLength(1);
  });

  it("are only read: an event in one the host owns that looks like one of ours (a failed booking's) is never removed or changed", async () => {
    const { visitor, html, id, account, personal } = await hostWithCalendars();
    expect((await visitor.request(accountsUrl(sys, '/settings'), { form: withConflicts(html, [personal]) })).status).toBe(303);
    const before = (await watchOf(id, personal))?.lastSyncedAt?.getTime() ?? 0;
    const writesBefore = await writes();
    // Within the booking horizon, so whichever sync comes (a full one lists our tagged events there) sees it.
    const start = new Date(Date.now() + 2 * 24 * 3_600_000);
    // In the default calendar, an event of ours with no slot is a failed booking's, and the sync
    // removes it; the host may write here (their own calendar), so only our rule keeps it.
    const lookalike = await insertEvent(account, personal, {
      id: eventIdForSlot(`slot-${randomUUID()}`),
      extendedProperties: { private: { [EVENT_TAG.key]: EVENT_TAG.value } },
      summary: 'Booked elsewhere',
      start: { dateTime: start.toISOString() },
      end: { dateTime: new Date(start.getTime() + 3_600_000).toISOString() },
    });
    await until(async () => ((await watchOf(id, personal))?.lastSyncedAt?.getTime() ?? 0) > before || undefined, 'the push from the calendar to be synced');
    const token = await sys.accessToken({ id: '', slug: '', ...account });
    const still = await fetch(`${sys.google.url}/calendar/v3/calendars/${encodeURIComponent(personal)}/events/${lookalike.id}`, { headers: { authorization: `Bearer ${token}` } });
    expect(((await still.json()) as { status: string }).status).toBe('confirmed');
    // The insert above is the only write Google received.
    expect(await writes()).toBe(writesBefore + 1);
  });

  it('disconnecting Google stops every channel of the host at Google, and forgets the calendars chosen', async () => {
    const { visitor, html, id, account, personal, family } = await hostWithCalendars();
    expect((await visitor.request(accountsUrl(sys, '/settings'), { form: withConflicts(html, [family, personal]) })).status).toBe(303);
    expect(await liveAtGoogle(family)).toHaveLength(1);
    const page = await settingsPage(visitor);
    const csrf = /name="csrf" value="([^"]+)"/.exec(page)![1]!;
    const res = await visitor.request(accountsUrl(sys, '/disconnect'), { form: { csrf: decoded(csrf) } });
    expect(res.status).toBe(200);
    for (const calendarId of [account.email, personal, family]) expect(await liveAtGoogle(calendarId)).toEqual([]);
    expect(await services().channels.channels.ofHost(id)).toEqual([]);
    expect((await subscriber(id)).conflictCalendarIds).toEqual([]);
  });

  it("make the booking page not offer a time the host is busy in one of them; unchecked, the time is offered again", async () => {
    const { visitor, html, id, slug, family, partner } = await hostWithCalendars();
    expect((await visitor.request(accountsUrl(sys, '/settings'), { form: withConflicts(html, [family]) })).status).toBe(303);
    const slot = await freeSlot(sys.functionsUrl, slug, 2);
    const offered = async () => (await availability(sys.functionsUrl, slug)).slots.some((s) => s.start === slot.start);
    await insertEvent(partner, family, { summary: 'School play', start: { dateTime: slot.start }, end: { dateTime: slot.end } });
    await until(async () => ((await offered()) ? undefined : true), 'the time to stop being offered');

    expect((await visitor.request(accountsUrl(sys, '/settings'), { form: withConflicts(await settingsPage(visitor), []) })).status).toBe(303);
    expect(await liveAtGoogle(family)).toEqual([]);
    expect((await watchOf(id, family))?.watched).toBe(false);
    await until(async () => ((await offered()) ? true : undefined), 'the time to be offered again');
  });
});

/** How many writes Google has received so far (every account): inserts, imports, patches, deletes. */
async function writes(): Promise<number> {
  const { byOperation } = await sys.control<{ byOperation: Record<string, number> }>('/requests');
  return ['events.insert', 'events.import', 'events.patch', 'events.delete', 'events.update'].reduce((sum, op) => sum + (byOperation[op] ?? 0), 0);
}
