// Issue 12, as the attacker ran it against the stack: a Google account whose verified address is a
// host's took that host over (its session, its grant, its calendar, its bookings). A host is
// matched to a Google account by Google's `sub` only (DESIGN, "Rules that keep it correct"); an
// old session cookie stops working when the host signs out, disconnects or signs in again.
// Everything goes through the emulator's consent screen and our callback over real HTTP.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { services } from '../../functions/services';
import { purposeKey, SignedValues } from '../../shared/accounts/signed-values';
import { startSystem, type TestHost, type TestSystem } from '../support/system';
import { accountsUrl, bookingFor, googleAccount, signIn, slugOnSettings, stateOf, watched } from '../integration/accounts/host-flows';
import { formToken, Visitor } from '../integration/accounts/visitor';

jest.setTimeout(60_000);

let sys: TestSystem;

beforeAll(async () => {
  sys = await startSystem();
});
afterAll(() => sys.close());

const url = (path: string) => accountsUrl(sys, path);
const unique = () => randomUUID().slice(0, 8);

async function hostIdBySlug(slug: string): Promise<string> {
  const found = await services().subscribers.findBySlug(slug);
  if (!found) throw new Error(`no host with the booking link ${slug}`);
  return found.id;
}

/**
 * A host an operator made from a host file, whose profile address is not its Google account's
 * (both are allowed there), watched and with a guest's booking. `linked`: the file named the
 * Google account's sub; otherwise it was stored without one, as every host file was before.
 */
async function opsHost(linked: boolean): Promise<TestHost & { profileEmail: string; slotId: string }> {
  const host = await sys.createHost();
  const profileEmail = `owner.${unique()}@corp.example.test`;
  const { subject } = await googleAccount(sys, host.email);
  await sys.db.collection('subscribers').doc(host.id).update({ email: profileEmail, ...(linked ? { googleSubject: subject } : {}) });
  await watched(host.id);
  return { ...host, profileEmail, slotId: await bookingFor(sys, host.slug) };
}

describe("a Google account with a host's address but another sub", () => {
  it.each([
    ['linked to its own Google account', true],
    ['stored without a sub', false],
  ])('signs in to a new host of its own; the host %s keeps its grant, channel and bookings', async (_, linked) => {
    const victim = await opsHost(linked);
    const owner = new Visitor();
    if (linked) await signIn(sys, owner, victim.email);
    const before = await stateOf(sys, victim.id);

    await googleAccount(sys, victim.profileEmail, 'Mallory');
    const attacker = new Visitor();
    await signIn(sys, attacker, victim.profileEmail);

    const theirSlug = await slugOnSettings(sys, attacker);
    expect(theirSlug).toBeDefined();
    expect(theirSlug).not.toBe(victim.slug);
    expect(await hostIdBySlug(theirSlug!)).not.toBe(victim.id);
    expect(await stateOf(sys, victim.id)).toEqual(before);
    expect(before.liveAtGoogle).toHaveLength(1);
    expect(before.slots).toHaveLength(1);
    expect((await sys.calendarEvent(victim, victim.slotId)).status).not.toBe('cancelled');
    if (linked) expect(await slugOnSettings(sys, owner)).toBe(victim.slug);
  });

  it('given to a new Google account signs in to a new host; the host the old account made keeps everything', async () => {
    const email = `reused.${unique()}@hosts.example.test`;
    await googleAccount(sys, email, 'First Owner');
    // No push reaches the first host's channel: its own sync meeting the grant the reassignment
    // revokes would mark it broken at a moment of its own choosing.
    await sys.control('/push', { mode: 'drop' });
    try {
      const firstSlug = (await slugOnSettings(sys, await signedInVisitor(email)))!;
      const firstId = await hostIdBySlug(firstSlug);
      await bookingFor(sys, firstSlug);
      await sys.control(`/accounts/${encodeURIComponent(email)}/reassign`, {});
      const before = await stateOf(sys, firstId);

      const newcomer = new Visitor();
      await signIn(sys, newcomer, email);

      const theirSlug = await slugOnSettings(sys, newcomer);
      expect(theirSlug).toBeDefined();
      expect(theirSlug).not.toBe(firstSlug);
      expect(await hostIdBySlug(theirSlug!)).not.toBe(firstId);
      expect(await stateOf(sys, firstId)).toEqual(before);
      expect(before.slots).toHaveLength(1);
    } finally {
      await sys.control('/push', { mode: 'normal' });
    }
  });
});

async function signedInVisitor(email: string): Promise<Visitor> {
  const visitor = new Visitor();
  await signIn(sys, visitor, email);
  return visitor;
}

/** A browser holding a copy of another's session cookie (a shared computer, a stolen cookie). */
function holding(cookie: string | undefined): Visitor {
  if (!cookie) throw new Error('no session cookie to copy');
  const copy = new Visitor();
  copy.cookies.set('accounts_session', cookie);
  return copy;
}

async function refused(copy: Visitor, html: string): Promise<void> {
  const page = await copy.request(url('/settings'));
  expect(page.status).toBe(303);
  expect(page.headers.get('location')).toBe(url('/google/connect'));
  const form = await copy.request(url('/settings'), { form: { csrf: formToken(html), calendarId: 'x', autoConfirm: 'on' } });
  expect(form.status).toBe(403);
}

describe('an old session cookie', () => {
  it('is refused once its host signed out', async () => {
    const { email } = await googleAccount(sys, `out.${unique()}@hosts.example.test`);
    const visitor = new Visitor();
    const html = await signIn(sys, visitor, email);
    const copy = holding(visitor.cookies.get('accounts_session'));

    expect((await visitor.request(url('/logout'), { form: { csrf: formToken(html) } })).status).toBe(200);

    await refused(copy, html);
  });

  it('is refused once its host disconnected Google', async () => {
    const { email } = await googleAccount(sys, `gone.${unique()}@hosts.example.test`);
    const visitor = new Visitor();
    const html = await signIn(sys, visitor, email);
    const copy = holding(visitor.cookies.get('accounts_session'));

    expect((await visitor.request(url('/disconnect'), { form: { csrf: formToken(html) } })).status).toBe(200);

    await refused(copy, html);
  });

  it('is refused once its host signed in again, in this browser or another', async () => {
    const { email } = await googleAccount(sys, `again.${unique()}@hosts.example.test`);
    const visitor = new Visitor();
    const html = await signIn(sys, visitor, email);
    const copy = holding(visitor.cookies.get('accounts_session'));

    await signIn(sys, new Visitor(), email);

    await refused(copy, html);
    await refused(visitor, html);
  });

  it('made before sessions carried a version is refused, though signed with our key and naming its connection', async () => {
    const { email } = await googleAccount(sys, `early.${unique()}@hosts.example.test`);
    const visitor = new Visitor();
    const html = await signIn(sys, visitor, email);
    const id = await hostIdBySlug((await slugOnSettings(sys, visitor))!);
    const host = (await services().subscribers.get(id))!;
    const early = new SignedValues(purposeKey(services().config.linkSigningSecret, 'host-session'), z.unknown()).sign({
      v: 1,
      sub: id,
      con: host.google!.connectedAt.getTime(),
      n: 'early-session',
      exp: Date.now() + 86_400_000,
    });

    await refused(holding(early), html);
  });
});

describe('linking a Google account to a host', () => {
  it("is refused without the session's form token, and Google is never asked", async () => {
    const { email } = await googleAccount(sys, `form.${unique()}@hosts.example.test`);
    const visitor = new Visitor();
    await signIn(sys, visitor, email);

    const res = await visitor.request(url('/google/link'), { form: { csrf: 'not-the-token' } });

    expect(res.status).toBe(403);
    expect(res.headers.get('location')).toBeNull();
    expect(visitor.cookies.has('accounts_connect')).toBe(false);
  });

  it('answered after the session that asked for it ended changes nothing', async () => {
    const mine = await googleAccount(sys, `asker.${unique()}@hosts.example.test`);
    const other = await googleAccount(sys, `other.${unique()}@hosts.example.test`);
    const visitor = new Visitor();
    const html = await signIn(sys, visitor, mine.email);
    const id = await hostIdBySlug((await slugOnSettings(sys, visitor))!);
    const start = await visitor.request(url('/google/link'), { form: { csrf: formToken(html), login_hint: other.email } });
    expect(start.status).toBe(303);
    await visitor.request(url('/logout'), { form: { csrf: formToken(html) } });
    const before = await stateOf(sys, id);

    const { hops, res } = await visitor.follow(start.headers.get('location')!);

    expect(hops.at(-1)!.url.startsWith(url('/google/callback'))).toBe(true);
    expect(res.status).toBe(403);
    expect(visitor.cookies.has('accounts_session')).toBe(false);
    expect(await stateOf(sys, id)).toEqual(before);
    expect((await sys.db.collection('subscribers').where('googleSubject', '==', other.subject).get()).size).toBe(0);
  });

  it("to the Google account of another host is refused, and neither host changes", async () => {
    const mine = await googleAccount(sys, `mine.${unique()}@hosts.example.test`);
    const theirs = await googleAccount(sys, `theirs.${unique()}@hosts.example.test`);
    const visitor = new Visitor();
    const html = await signIn(sys, visitor, mine.email);
    const myId = await hostIdBySlug((await slugOnSettings(sys, visitor))!);
    const theirSlug = (await slugOnSettings(sys, await signedInVisitor(theirs.email)))!;
    const theirId = await hostIdBySlug(theirSlug);
    const [myBefore, theirBefore] = [await stateOf(sys, myId), await stateOf(sys, theirId)];

    const start = await visitor.request(url('/google/link'), { form: { csrf: formToken(html), login_hint: theirs.email } });
    const { res } = await visitor.follow(start.headers.get('location')!);

    expect(res.status).toBe(409);
    expect(await res.text()).toContain('already connected to another booking page');
    expect(await stateOf(sys, myId)).toEqual(myBefore);
    expect(await stateOf(sys, theirId)).toEqual(theirBefore);
    expect(await slugOnSettings(sys, visitor)).not.toBe(theirSlug);
  });
});
