// The booking and decision functions' answers to bad input: a clear status and message, and
// nothing written.
import { DecisionLinks } from '../../../shared/booking/decision-links';
import { book, decide, decisionLinks, freeSlot, GUEST, tokenOf } from '../../support/booking-client';
import { startSystem, type TestHost, type TestSystem } from '../../support/system';

let sys: TestSystem;
let host: TestHost;

beforeAll(async () => {
  sys = await startSystem({ GOOGLE_INVITE_ENABLED: 'true' });
  host = await sys.createHost();
});
afterAll(() => sys.close());

async function slotCount(): Promise<number> {
  return (await sys.db.collection('slots').get()).size;
}

describe('the booking API refuses bad input clearly', () => {
  it('400 with the issues for a bad guest, naming the fields', async () => {
    const slot = await freeSlot(sys.functionsUrl, host.slug);
    const res = await book(sys.functionsUrl, { host: host.slug, start: slot.start, guest: { ...GUEST, email: 'not-an-email', timezone: 'Mars/Olympus' } });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: string; issues: { path: string[] }[] };
    expect(body.error).toBe('invalid_request');
    expect(body.issues.map((i) => i.path.join('.')).sort()).toEqual(['guest.email', 'guest.timezone']);
    expect(await slotCount()).toBe(0);
  });

  it('404 for an unknown host, 409 for a time that is not offered', async () => {
    const slot = await freeSlot(sys.functionsUrl, host.slug);
    const unknown = await book(sys.functionsUrl, { host: 'nobody-here', start: slot.start });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: 'unknown_host' });
    const offGrid = new Date(new Date(slot.start).getTime() + 10 * 60_000).toISOString();
    const notOffered = await book(sys.functionsUrl, { host: host.slug, start: offGrid });
    expect(notOffered.status).toBe(409);
    expect(await notOffered.json()).toMatchObject({ error: 'slot_unavailable', reason: 'not_offered' });
    const tooSoon = await book(sys.functionsUrl, { host: host.slug, start: new Date(Math.ceil(Date.now() / 1_800_000 + 1) * 1_800_000).toISOString() });
    expect(tooSoon.status).toBe(409);
    expect(await slotCount()).toBe(0);
  });

  it('413 for a body over 16 KiB and 415 for a body that is not JSON', async () => {
    const slot = await freeSlot(sys.functionsUrl, host.slug);
    const big = await book(sys.functionsUrl, { host: host.slug, start: slot.start, message: 'x'.repeat(17 * 1024) });
    expect(big.status).toBe(413);
    const form = await fetch(`${sys.functionsUrl}/booking/bookings`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `host=${host.slug}&start=${slot.start}`,
    });
    expect(form.status).toBe(415);
    expect(await slotCount()).toBe(0);
  });

  it('400 for malformed JSON and for a start without a time zone', async () => {
    const broken = await fetch(`${sys.functionsUrl}/booking/bookings`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"host":' });
    expect(broken.status).toBe(400);
    const slot = await freeSlot(sys.functionsUrl, host.slug);
    const naive = await book(sys.functionsUrl, { host: host.slug, start: slot.start.replace('Z', '') });
    expect(naive.status).toBe(400);
    expect(JSON.stringify(await naive.json())).toContain('start');
  });

  it('availability: 400 for bad dates, 404 for an unknown host, clipped (not refused) for a long range', async () => {
    const bad = await fetch(`${sys.functionsUrl}/booking/availability?host=${host.slug}&from=2026-02-30&to=2026-03-01`);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: 'invalid_request' });
    const missing = await fetch(`${sys.functionsUrl}/booking/availability?host=${host.slug}`);
    expect(missing.status).toBe(400);
    const unknown = await fetch(`${sys.functionsUrl}/booking/availability?host=nobody-here&from=2026-01-01&to=2026-01-02`);
    expect(unknown.status).toBe(404);
    const year = await fetch(`${sys.functionsUrl}/booking/availability?host=${host.slug}&from=2000-01-01&to=2100-01-01`);
    expect(year.status).toBe(200);
    const { slots } = (await year.json()) as { slots: { start: string }[] };
    const last = new Date(slots.at(-1)!.start).getTime();
    expect(last).toBeLessThanOrEqual(Date.now() + 14 * 24 * 3600 * 1000);
    expect(new Date(slots[0]!.start).getTime()).toBeGreaterThanOrEqual(Date.now() + 24 * 3600 * 1000 - 60_000);
  });

  it('the booking page exists for a host and is a 404 page for an unknown one', async () => {
    const page = await fetch(`${sys.functionsUrl}/booking/${host.slug}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    const missing = await fetch(`${sys.functionsUrl}/booking/nobody-here`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toContain('text/html');
  });
});

describe('the decision API refuses bad links clearly', () => {
  it('401 for a tampered token and 410 for an expired one, changing nothing', async () => {
    const slot = await freeSlot(sys.functionsUrl, host.slug, 5);
    const { slotId } = (await (await book(sys.functionsUrl, { host: host.slug, start: slot.start })).json()) as { slotId: string };
    const mails = await sys.sinkMessages(host.email);
    const { confirm } = decisionLinks(mails.at(-1)!.content.map((c) => c.value).join('\n'));
    const token = tokenOf(confirm);
    const tampered = `${token.slice(0, -2)}${token.endsWith('A') ? 'B' : 'A'}`;
    expect((await decide(sys.functionsUrl, tampered, 'confirm')).status).toBe(401);
    expect((await fetch(`${sys.functionsUrl}/decision?token=${encodeURIComponent(tampered)}`)).status).toBe(401);

    const links = new DecisionLinks(process.env.LINK_SIGNING_SECRET ?? 'local-development-link-signing-secret-0123456789', sys.functionsUrl);
    const expired = links.token(slotId, 'confirm', new Date(Date.now() - 1000));
    expect((await decide(sys.functionsUrl, expired, 'confirm')).status).toBe(410);
    expect((await fetch(`${sys.functionsUrl}/decision?token=${encodeURIComponent(expired)}`)).status).toBe(410);

    const wrongAction = await decide(sys.functionsUrl, token, 'deny');
    expect(wrongAction.status).toBe(401);
    const stored = (await sys.db.doc(`slots/${slotId}`).get()).data() as { status: string };
    expect(stored.status).toBe('requested');
  });

  it('400 for a POST without a token or action, 415 for another body type', async () => {
    const res = await fetch(`${sys.functionsUrl}/decision`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(400);
    const text = await fetch(`${sys.functionsUrl}/decision`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'confirm' });
    expect(text.status).toBe(415);
  });
});
