// The guest's manage link is their only credential: a link changed by hand, made with another
// secret, expired, spent or for another booking acts on nothing, and says so with the same pages
// as the host's decision links.
import { services } from '../../functions/services';
import { DecisionLinks } from '../../shared/booking/decision-links';
import { ManageLinks } from '../../shared/booking/manage-links';
import { book, freeSlot, GUEST } from '../support/booking-client';
import { manageAct, openManagePage } from '../support/manage-client';
import { startSystem, type TestHost, type TestSystem } from '../support/system';

let sys: TestSystem;
let host: TestHost;

beforeAll(async () => {
  sys = await startSystem({ GOOGLE_INVITE_ENABLED: 'true' });
  host = await sys.createHost();
});
afterAll(() => sys.close());

async function bookOne(email: string, n: number): Promise<string> {
  const slot = await freeSlot(sys.functionsUrl, host.slug, n);
  const res = await book(sys.functionsUrl, { host: host.slug, start: slot.start, guest: { ...GUEST, email } });
  expect(res.status).toBe(201);
  return ((await res.json()) as { slotId: string }).slotId;
}

function linkFor(token: string): string {
  return `${sys.functionsUrl}/booking/manage?token=${encodeURIComponent(token)}`;
}

async function unchanged(slotIds: string[], act: () => Promise<void>): Promise<void> {
  const before = await Promise.all(slotIds.map((id) => services().slots.require(id)));
  await act();
  expect(await Promise.all(slotIds.map((id) => services().slots.require(id)))).toEqual(before);
}

describe('manage links that must not work', () => {
  it('a link changed to name another booking acts on neither: 401 and the decision links\' page', async () => {
    const mine = await bookOne('mine@example.org', 0);
    const theirs = await bookOne('theirs@example.org', 2);
    const token = services().manageLinks.token(mine, await services().slots.require(mine));
    const [payload, signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>;
    const forged = `${Buffer.from(JSON.stringify({ ...claims, slot: theirs })).toString('base64url')}.${signature}`;
    await unchanged([mine, theirs], async () => {
      const page = await openManagePage(linkFor(forged));
      expect(page.status).toBe(401);
      expect(await page.text()).toContain('This link does not work');
      const res = await manageAct(sys.functionsUrl, forged, { action: 'cancel' });
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ error: 'invalid_token' });
    });
  });

  it('a link made with another secret, a decision link and a manage link for a booking that does not exist', async () => {
    const slotId = await bookOne('secret@example.org', 4);
    const slot = await services().slots.require(slotId);
    const otherSecret = new ManageLinks('x'.repeat(48), sys.functionsUrl).token(slotId, slot);
    const decisionToken = new URL(new DecisionLinks(services().config.linkSigningSecret, sys.functionsUrl).linksFor(slotId, new Date()).denyUrl).searchParams.get('token')!;
    await unchanged([slotId], async () => {
      for (const token of [otherSecret, decisionToken]) {
        expect((await manageAct(sys.functionsUrl, token, { action: 'cancel' })).status).toBe(401);
        expect((await openManagePage(linkFor(token))).status).toBe(401);
      }
    });
    const nowhere = services().manageLinks.token('no-such-slot', slot);
    const res = await manageAct(sys.functionsUrl, nowhere, { action: 'cancel' });
    expect(res.status).toBe(404);
    expect(await (await openManagePage(linkFor(nowhere))).text()).toContain('Booking not found');
  });

  it('an expired link: 410 and the expired page', async () => {
    const slotId = await bookOne('expired@example.org', 6);
    const slot = await services().slots.require(slotId);
    const expired = services().manageLinks.token(slotId, { ...slot, end: new Date(Date.now() - 400 * 24 * 60 * 60_000) });
    await unchanged([slotId], async () => {
      const page = await openManagePage(linkFor(expired));
      expect(page.status).toBe(410);
      expect(await page.text()).toContain('This link has expired');
      const res = await manageAct(sys.functionsUrl, expired, { action: 'cancel' });
      expect(res.status).toBe(410);
      expect(await res.json()).toMatchObject({ error: 'link_expired' });
    });
  });

  it('the page keeps its link to itself: no caching, no indexing, no Referer', async () => {
    const slotId = await bookOne('private@example.org', 8);
    const page = await openManagePage(services().manageLinks.urlFor(slotId, await services().slots.require(slotId)));
    expect(page.status).toBe(200);
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(page.headers.get('content-security-policy')).toContain("form-action 'self'");
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(await page.text()).toContain('<meta name="robots" content="noindex, nofollow">');
  });

  it('bad input is refused with what was wrong, and nothing changes', async () => {
    const slotId = await bookOne('input@example.org', 10);
    const token = services().manageLinks.token(slotId, await services().slots.require(slotId));
    await unchanged([slotId], async () => {
      const post = (body: string, type = 'application/json') => fetch(`${sys.functionsUrl}/booking/manage`, { method: 'POST', headers: { 'content-type': type }, body });
      expect((await post(JSON.stringify({ token, action: 'delete' }))).status).toBe(400);
      expect((await post(JSON.stringify({ action: 'cancel' }))).status).toBe(400);
      expect((await post(JSON.stringify({ token: `${token}\u0000`, action: 'cancel' }))).status).toBe(400);
      expect((await post(JSON.stringify({ token, action: 'reschedule', start: '2030-01-01T10:00:00' }))).status).toBe(400);
      expect((await post(`token=${token}&action=cancel`, 'text/plain'))).toMatchObject({ status: 415 });
      expect((await post(JSON.stringify({ token, action: 'cancel', pad: 'x'.repeat(20_000) }))).status).toBe(413);
      expect((await fetch(`${sys.functionsUrl}/booking/manage`)).status).toBe(400);
      expect((await fetch(`${sys.functionsUrl}/booking/manage?token=${encodeURIComponent(token)}`, { method: 'DELETE' })).status).toBe(405);
    });
  });
});
