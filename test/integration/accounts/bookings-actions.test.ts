// The host confirms, declines and cancels from the bookings page (forms) and as JSON, in the
// Google flow, over real HTTP with a signed-in host: the same changes as the email links make, and
// nobody acts on a booking that is not theirs or without the session's form token.
import { services } from '../../../functions/services';
import { eventIdForSlot } from '../../../shared/google/event-identity';
import { availability, book, decide, decisionLinks, freeSlot, GUEST, tokenOf } from '../../support/booking-client';
import { linkedHost } from '../../support/host-in-browser';
import { startSystem, type TestHost, type TestSystem } from '../../support/system';
import { accountsUrl, signIn } from './host-flows';
import { formToken, Visitor } from './visitor';

jest.setTimeout(60_000);

let sys: TestSystem;

beforeAll(async () => {
  sys = await startSystem({ GOOGLE_INVITE_ENABLED: 'true' });
});
afterAll(() => sys.close());

interface Signed {
  host: TestHost;
  visitor: Visitor;
}

async function signedInHost(): Promise<Signed> {
  const host = await linkedHost(sys);
  const visitor = new Visitor();
  await signIn(sys, visitor, host.email);
  return { host, visitor };
}

let guests = 0;

async function booked(host: TestHost, n = 0): Promise<{ slotId: string; start: string; guest: string }> {
  guests += 1;
  const guest = `page.actions.${guests}@example.org`;
  const slot = await freeSlot(sys.functionsUrl, host.slug, n);
  const res = await book(sys.functionsUrl, { host: host.slug, start: slot.start, guest: { ...GUEST, email: guest } });
  if (res.status !== 201) throw new Error(`booking answered ${res.status}: ${await res.text()}`);
  return { slotId: ((await res.json()) as { slotId: string }).slotId, start: slot.start, guest };
}

const cookieOf = (visitor: Visitor) => [...visitor.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
const actionUrl = (slotId: string, action: string) => accountsUrl(sys, `/bookings/${slotId}/${action}`);
const stored = (slotId: string) => services().slots.require(slotId);
const causes = async (slotId: string) => (await stored(slotId)).history.map((h) => [h.from, h.to, h.cause]);
const googleMailKinds = async (guest: string, slotId: string) => (await sys.googleMail(guest)).filter((m) => m.eventId === eventIdForSlot(slotId)).map((m) => m.kind);

/** The page's form for this action on this booking: its address and fields. */
async function pageForm(visitor: Visitor, slotId: string, action: string, page = '/bookings'): Promise<{ action: string; fields: Record<string, string> }> {
  const html = await (await visitor.request(accountsUrl(sys, page))).text();
  const form = new RegExp(`<form method="post" action="([^"]+/bookings/${slotId}/${action})">([\\s\\S]*?)</form>`).exec(html);
  if (!form) throw new Error(`no ${action} form for ${slotId} on the page`);
  const fields: Record<string, string> = {};
  for (const input of form[2]!.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) fields[input[1]!] = input[2]!.replaceAll('&amp;', '&');
  return { action: form[1]!, fields };
}

/** The form token the bookings answer with, in the header JSON clients read it from. */
async function headerToken(visitor: Visitor): Promise<string> {
  const res = await fetch(accountsUrl(sys, '/bookings'), { headers: { accept: 'application/json', cookie: cookieOf(visitor) } });
  const token = res.headers.get('x-form-token');
  if (!token) throw new Error('no X-Form-Token on the bookings');
  return token;
}

function postJson(visitor: Visitor | undefined, url: string, body: unknown, token?: string): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...(visitor ? { cookie: cookieOf(visitor) } : {}), ...(token ? { 'x-form-token': token } : {}) },
    body: JSON.stringify(body),
  });
}

describe('acting from the bookings page', () => {
  it('confirm: 303 back to the page, which says so; the slot is booked and the event confirmed as the email link does it', async () => {
    const { host, visitor } = await signedInHost();
    const { slotId, guest } = await booked(host);
    const form = await pageForm(visitor, slotId, 'confirm', '/bookings?status=requested');
    expect(form.fields.view).toBe('status=requested');

    const res = await visitor.request(form.action, { form: form.fields });
    expect(res.status).toBe(303);
    const location = res.headers.get('location')!;
    expect(location).toBe(accountsUrl(sys, `/bookings?status=requested&notice=confirm-done&slot=${slotId}#booking-${slotId}`));

    expect(await causes(slotId)).toEqual([
      [null, 'requested', 'guest_booked'],
      ['requested', 'booked', 'host_confirmed'],
    ]);
    const event = await sys.calendarEvent(host, slotId);
    expect(event.status).toBe('confirmed');
    expect(event.attendees?.find((a) => a.email.toLowerCase() === host.calendarId.toLowerCase())?.responseStatus).toBe('accepted');
    expect(await googleMailKinds(guest, slotId)).toEqual(['invitation', 'update']);

    const back = await (await visitor.request(location.replace(/\?status=requested/, '?'))).text();
    expect(back).toMatch(/<p class="notice ok" role="status">This booking \(Gina Guest, [^)]+\) is confirmed; the guest is told.<\/p>/);
    // The host's email link answers what the page did: the same operation.
    const { confirm } = decisionLinks((await sys.sinkMessages(host.email))[0]!.content.map((c) => c.value).join('\n'));
    expect(await (await decide(sys.functionsUrl, tokenOf(confirm), 'confirm')).json()).toEqual({ status: 'booked', action: 'confirm', repeated: true });
  });

  it('decline: the event is deleted with Google telling the guest, the slot declined by the host and its time free again', async () => {
    const { host, visitor } = await signedInHost();
    const { slotId, start, guest } = await booked(host);
    const form = await pageForm(visitor, slotId, 'deny');
    expect(form.fields.view).toBeUndefined();
    const res = await visitor.request(form.action, { form: form.fields });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(accountsUrl(sys, `/bookings?notice=deny-done&slot=${slotId}#booking-${slotId}`));
    expect((await causes(slotId)).at(-1)).toEqual(['requested', 'declined', 'host_denied']);
    expect((await sys.calendarEvent(host, slotId)).status).toBe('cancelled');
    expect(await googleMailKinds(guest, slotId)).toEqual(['invitation', 'cancellation']);
    expect((await availability(sys.functionsUrl, host.slug)).slots.map((s) => s.start)).toContain(start);
  });

  it('cancel a confirmed booking with a note: the event is deleted (Google tells the guest), our mail carries the note, the time is free', async () => {
    const { host, visitor } = await signedInHost();
    const { slotId, start, guest } = await booked(host);
    const confirm = await pageForm(visitor, slotId, 'confirm');
    expect((await visitor.request(confirm.action, { form: confirm.fields })).status).toBe(303);
    const form = await pageForm(visitor, slotId, 'cancel');
    const res = await visitor.request(form.action, { form: { ...form.fields, message: 'Sorry, I am ill.\nNext week?' } });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toContain('notice=cancel-done');

    const slot = await stored(slotId);
    expect(slot.status).toBe('cancelled');
    expect(slot.history.at(-1)).toMatchObject({ from: 'booked', to: 'cancelled', cause: 'host_cancelled' });
    expect(slot.claimIds).toEqual([]);
    expect((await sys.calendarEvent(host, slotId)).status).toBe('cancelled');
    expect(await googleMailKinds(guest, slotId)).toEqual(['invitation', 'update', 'cancellation']);
    const note = (await sys.sinkMessages(guest)).map((m) => m.content.map((c) => c.value).join('\n')).join('\n');
    expect(note).toContain('Sorry, I am ill.\nNext week?');
    // Free as the cancel answers: our own bookings count from their slots, not from the push of the delete.
    expect((await availability(sys.functionsUrl, host.slug)).slots.map((s) => s.start)).toContain(start);
    const html = await (await visitor.request(accountsUrl(sys, '/bookings'))).text();
    expect(html).toContain('Cancelled by you');
  });
});

describe('acting as JSON', () => {
  it('answers {slotId, status, repeated}, the same again as a repeat, and 409 with the status for a conflicting action', async () => {
    const { host, visitor } = await signedInHost();
    const { slotId } = await booked(host);
    const token = await headerToken(visitor);

    const first = await postJson(visitor, actionUrl(slotId, 'confirm'), {}, token);
    expect(first.status).toBe(200);
    expect(await first.json()).toStrictEqual({ slotId, status: 'booked', repeated: false });
    expect(await (await postJson(visitor, actionUrl(slotId, 'confirm'), {}, token)).json()).toStrictEqual({ slotId, status: 'booked', repeated: true });

    const conflicting = await postJson(visitor, actionUrl(slotId, 'deny'), {}, token);
    expect(conflicting.status).toBe(409);
    expect(await conflicting.json()).toStrictEqual({ error: 'conflict', status: 'booked' });

    const cancelled = await postJson(visitor, actionUrl(slotId, 'cancel'), { message: 'Something came up.' }, token);
    expect(cancelled.status).toBe(200);
    expect(await cancelled.json()).toStrictEqual({ slotId, status: 'cancelled', repeated: false });
    expect((await causes(slotId)).at(-1)).toEqual(['booked', 'cancelled', 'host_cancelled']);
  });

  it('refuses a note that is not plain text, or too long, with 400 and changes nothing', async () => {
    const { host, visitor } = await signedInHost();
    const { slotId } = await booked(host);
    const token = await headerToken(visitor);
    const res = await postJson(visitor, actionUrl(slotId, 'cancel'), { message: 'x'.repeat(2001) }, token);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'invalid_request', issues: [{ path: ['message'] }] });
    const control = await postJson(visitor, actionUrl(slotId, 'cancel'), { message: 'a\u202Eb' }, token);
    expect(control.status).toBe(400);
    expect((await stored(slotId)).status).toBe('requested');
  });
});

describe('who may act', () => {
  it("another host's booking, or none at all, is not found: 404 for every action, as a form and as JSON, and nothing changes", async () => {
    const { visitor } = await signedInHost();
    const other = await linkedHost(sys);
    const { slotId } = await booked(other);
    const token = await headerToken(visitor);
    // The header's token is the session's form token, the one the page's forms hold.
    const csrf = formToken(await (await visitor.request(accountsUrl(sys, '/settings'))).text());
    expect(csrf).toBe(token);
    for (const id of [slotId, 'noSuchSlot123', 'a.b']) {
      for (const action of ['confirm', 'deny', 'cancel']) {
        const json = await postJson(visitor, actionUrl(id, action), {}, token);
        expect([id, action, json.status, await json.json()]).toEqual([id, action, 404, { error: 'not_found', message: expect.any(String) }]);
        const form = await visitor.request(actionUrl(id, action), { form: { csrf } });
        expect([id, action, form.status]).toEqual([id, action, 404]);
        expect(await form.text()).toContain('No such booking');
      }
    }
    expect(await causes(slotId)).toEqual([[null, 'requested', 'guest_booked']]);
  });

  it('a form without the form token, or with another session’s, is refused with 403 and changes nothing', async () => {
    const { host, visitor } = await signedInHost();
    const { visitor: someoneElse } = await signedInHost();
    const { slotId } = await booked(host);
    const othersToken = await headerToken(someoneElse);
    for (const form of [{}, { csrf: othersToken }, { csrf: '' }] as Record<string, string>[]) {
      const res = await visitor.request(actionUrl(slotId, 'confirm'), { form });
      expect(res.status).toBe(403);
      expect(await res.text()).toContain('This form cannot be accepted');
    }
    // A page of another site posting the form: the Lax session cookie stays behind.
    const crossSite = await new Visitor().request(actionUrl(slotId, 'confirm'), { form: { csrf: othersToken } });
    expect(crossSite.status).toBe(403);
    expect((await stored(slotId)).status).toBe('requested');
  });

  it('JSON without the X-Form-Token header, or without a session, or not as JSON is refused and changes nothing', async () => {
    const { host, visitor } = await signedInHost();
    const { slotId } = await booked(host);
    const token = await headerToken(visitor);

    const noHeader = await postJson(visitor, actionUrl(slotId, 'confirm'), {});
    expect(noHeader.status).toBe(403);
    expect(await noHeader.json()).toMatchObject({ error: 'form_token_rejected' });
    const signedOut = await postJson(undefined, actionUrl(slotId, 'confirm'), {}, token);
    expect(signedOut.status).toBe(401);
    expect(await signedOut.json()).toMatchObject({ error: 'not_signed_in' });
    // What a page of another site can send without asking first (a "simple" request): text/plain.
    const plain = await fetch(actionUrl(slotId, 'confirm'), { method: 'POST', headers: { 'content-type': 'text/plain', cookie: cookieOf(visitor) }, body: '{}' });
    expect(plain.status).toBe(415);
    expect((await stored(slotId)).status).toBe('requested');
  });
});

describe('when Google does not answer', () => {
  it('503 with Retry-After, as JSON and as a page, and the booking stays as it was', async () => {
    const { host, visitor } = await signedInHost();
    const { slotId } = await booked(host);
    const token = await headerToken(visitor);
    await sys.control('/faults', { pathContains: `/events/${eventIdForSlot(slotId)}`, status: 503, count: 40 });
    try {
      const json = await postJson(visitor, actionUrl(slotId, 'deny'), {}, token);
      expect(json.status).toBe(503);
      expect(json.headers.get('retry-after')).toBe('30');
      expect(await json.json()).toMatchObject({ error: 'calendar_unavailable' });
      const form = await pageForm(visitor, slotId, 'confirm');
      const page = await visitor.request(form.action, { form: form.fields });
      expect(page.status).toBe(503);
      expect(page.headers.get('retry-after')).toBe('30');
      expect(await page.text()).toContain('Nothing was changed');
    } finally {
      await fetch(`${sys.google.url}/emulator/v1/faults`, { method: 'DELETE' });
    }
    expect(await stored(slotId)).toMatchObject({ status: 'requested', decision: null });
    expect((await sys.calendarEvent(host, slotId)).status).toBe('tentative');
  });
});
