// Which host a Google sign-in reaches: the one linked to the account's `sub`, kept with its booking
// link and bookings however often it connects again; another Google account only from the host's
// own session; a host stored without a sub once an operator names it (the choice for hosts from
// host files and from before subs were stored: see shared/accounts/identity.ts).
import { randomUUID } from 'node:crypto';
import { FieldValue } from '@google-cloud/firestore';
import { services } from '../../../functions/services';
import { putHost } from '../../../shared/booking/hosts';
import { startSystem, type TestSystem } from '../../support/system';
import { accountsUrl, bookingFor, googleAccount, signIn, slugOnSettings, stateOf } from './host-flows';
import { formToken, Visitor } from './visitor';

jest.setTimeout(60_000);

let sys: TestSystem;

beforeAll(async () => {
  sys = await startSystem();
});
afterAll(() => sys.close());

const unique = () => randomUUID().slice(0, 8);

async function hostBySlug(slug: string | undefined) {
  const found = slug ? await services().subscribers.findBySlug(slug) : undefined;
  if (!found) throw new Error(`no host with the booking link ${slug}`);
  return found;
}

async function signedIn(email: string): Promise<{ visitor: Visitor; html: string }> {
  const visitor = new Visitor();
  return { visitor, html: await signIn(sys, visitor, email) };
}

describe('connecting again with the same Google account', () => {
  it('keeps the host, its booking link and its bookings, with one channel', async () => {
    const account = await googleAccount(sys, `same.${unique()}@hosts.example.test`);
    const first = await signedIn(account.email);
    const host = await hostBySlug(await slugOnSettings(sys, first.visitor));
    await bookingFor(sys, host.subscriber.schedule.slug);
    const before = await stateOf(sys, host.id);

    const again = await signedIn(account.email);

    const after = await hostBySlug(await slugOnSettings(sys, again.visitor));
    expect(after.id).toBe(host.id);
    expect(after.subscriber.googleSubject).toBe(account.subject);
    const state = await stateOf(sys, host.id);
    expect(state.slots).toEqual(before.slots);
    expect(state.slots).toHaveLength(1);
    expect(state.liveAtGoogle).toHaveLength(1);
  });

  it('finds a host that connect made before subs were stored (its id is made from the sub) and stores the sub', async () => {
    const account = await googleAccount(sys, `early.${unique()}@hosts.example.test`);
    const host = await hostBySlug(await slugOnSettings(sys, (await signedIn(account.email)).visitor));
    expect(host.id).toBe(`g-${account.subject}`);
    await sys.db.collection('subscribers').doc(host.id).update({ googleSubject: FieldValue.delete() });

    const again = await hostBySlug(await slugOnSettings(sys, (await signedIn(account.email)).visitor));

    expect(again.id).toBe(host.id);
    expect(again.subscriber.googleSubject).toBe(account.subject);
  });
});

describe('a host an operator made from a host file', () => {
  /** Made as every host file made hosts before subs were stored: with no sub. */
  async function opsHost() {
    const n = unique();
    const account = await googleAccount(sys, `ops.${n}@hosts.example.test`);
    const file = {
      id: `ops-${n}`,
      name: 'Olga Ops',
      email: account.email,
      timezone: 'Europe/Berlin',
      google: { accountEmail: account.email, refreshToken: account.refreshToken },
      defaultCalendar: { provider: 'google' as const, calendarId: account.calendarId },
      schedule: { slug: `olga-${n}`, slotMinutes: 30, weekly: { monday: [{ start: '09:00', end: '17:00' }] }, autoConfirm: true },
    };
    await putHost({ subscribers: services().subscribers, cipher: services().cipher, now: new Date() }, file);
    return { account, file };
  }

  it("naming its Google account's sub is reached by that account, keeping its schedule and default", async () => {
    const { account, file } = await opsHost();
    await putHost({ subscribers: services().subscribers, cipher: services().cipher, now: new Date() }, { ...file, googleSubject: account.subject });

    const host = await hostBySlug(await slugOnSettings(sys, (await signedIn(account.email)).visitor));

    expect(host.id).toBe(file.id);
    expect(host.subscriber.schedule).toMatchObject({ slug: file.schedule.slug, autoConfirm: true });
    expect(host.subscriber.timezone).toBe('Europe/Berlin');
    expect(host.subscriber.defaultCalendar).toEqual(file.defaultCalendar);
  });

  it('without a sub is not reached by its Google account, which signs in to a new host of its own', async () => {
    const { account, file } = await opsHost();

    const reached = await hostBySlug(await slugOnSettings(sys, (await signedIn(account.email)).visitor));

    expect(reached.id).not.toBe(file.id);
    expect(reached.subscriber.googleSubject).toBe(account.subject);
    expect((await services().subscribers.get(file.id))?.googleSubject).toBeUndefined();
  });

  it('put again from its file keeps the link and the session', async () => {
    const { account, file } = await opsHost();
    const linked = { ...file, googleSubject: account.subject };
    await putHost({ subscribers: services().subscribers, cipher: services().cipher, now: new Date() }, linked);
    const { visitor } = await signedIn(account.email);

    await putHost({ subscribers: services().subscribers, cipher: services().cipher, now: new Date() }, { ...linked, googleSubject: undefined, name: 'Olga O.' });

    expect((await services().subscribers.get(file.id))?.googleSubject).toBe(account.subject);
    expect(await slugOnSettings(sys, visitor)).toBe(file.schedule.slug);
  });
});

describe("linking from the host's own session", () => {
  it('gives the host another Google account, keeping its booking link and bookings; the old account then signs in to a new host', async () => {
    const old = await googleAccount(sys, `before.${unique()}@hosts.example.test`);
    const next = await googleAccount(sys, `after.${unique()}@hosts.example.test`);
    const { visitor, html } = await signedIn(old.email);
    const host = await hostBySlug(await slugOnSettings(sys, visitor));
    await bookingFor(sys, host.subscriber.schedule.slug);
    const before = await stateOf(sys, host.id);

    const start = await visitor.request(accountsUrl(sys, '/google/link'), { form: { csrf: formToken(html), login_hint: next.email } });
    expect(start.status).toBe(303);
    const { res } = await visitor.follow(start.headers.get('location')!);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain(`Connected as <strong>${next.email}</strong>`);

    const linked = await hostBySlug(host.subscriber.schedule.slug);
    expect(linked.id).toBe(host.id);
    expect(linked.subscriber.googleSubject).toBe(next.subject);
    expect(linked.subscriber.google?.accountEmail).toBe(next.email);
    expect(linked.subscriber.defaultCalendar).toEqual({ provider: 'google', calendarId: next.calendarId });
    expect((await stateOf(sys, host.id)).slots).toEqual(before.slots);

    const oldAccountsHost = await hostBySlug(await slugOnSettings(sys, (await signedIn(old.email)).visitor));
    expect(oldAccountsHost.id).not.toBe(host.id);
  });

  it("sends the host to Google's account chooser when the form names no account", async () => {
    const account = await googleAccount(sys, `chooser.${unique()}@hosts.example.test`);
    const { visitor, html } = await signedIn(account.email);

    const start = await visitor.request(accountsUrl(sys, '/google/link'), { form: { csrf: formToken(html) } });

    expect(start.status).toBe(303);
    const toGoogle = new URL(start.headers.get('location')!);
    expect(toGoogle.searchParams.get('prompt')).toBe('select_account consent');
    expect(toGoogle.searchParams.get('login_hint')).toBeNull();
  });

  it('links a host that has no sub yet to the Google account chosen, which reaches it from then on', async () => {
    const account = await googleAccount(sys, `choose.${unique()}@hosts.example.test`);
    const { visitor, html } = await signedIn(account.email);
    const host = await hostBySlug(await slugOnSettings(sys, visitor));
    await sys.db.collection('subscribers').doc(host.id).update({ googleSubject: FieldValue.delete() });
    const other = await googleAccount(sys, `chosen.${unique()}@hosts.example.test`);

    const start = await visitor.request(accountsUrl(sys, '/google/link'), { form: { csrf: formToken(html), login_hint: other.email } });
    await visitor.follow(start.headers.get('location')!);

    expect((await services().subscribers.get(host.id))?.googleSubject).toBe(other.subject);
    expect((await hostBySlug(await slugOnSettings(sys, (await signedIn(other.email)).visitor))).id).toBe(host.id);
  });
});
