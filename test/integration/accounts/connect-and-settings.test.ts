// A host connects Google Calendar through the emulator's consent screen, over real HTTP with a
// cookie jar, and manages the default calendar, the connection and the host itself.
import { services } from '../../../functions/services';
import { startSystem, type TestSystem } from '../../support/system';
import { formToken, Visitor } from './visitor';

jest.setTimeout(60_000);

let sys: TestSystem;

beforeAll(async () => {
  sys = await startSystem();
});
afterAll(() => sys.close());

interface EmulatorChannel {
  id: string;
  calendarId: string;
}

let accounts = 0;

async function googleAccount(): Promise<string> {
  accounts += 1;
  const email = `host${accounts}.person@hosts.example.test`;
  await sys.control('/accounts', { email, name: `Host Person ${accounts}` });
  return email;
}

const url = (path: string) => `${sys.functionsUrl}/accounts${path}`;

/** Connects through the consent screen; the visitor ends signed in on the settings page. */
async function connect(visitor: Visitor, email: string) {
  const { hops, res } = await visitor.follow(url(`/google/connect?login_hint=${encodeURIComponent(email)}`));
  expect(res.status).toBe(200);
  return { hops, html: await res.text() };
}

/** The host connected to the Google account with this address (tests only: sign-in never looks up an address). */
async function hostOf(email: string) {
  const [doc, ...more] = (await sys.db.collection('subscribers').where('google.accountEmail', '==', email).get()).docs;
  const subscriber = doc && (await services().subscribers.get(doc.id));
  if (!doc || !subscriber || more.length > 0) throw new Error(`no single host for ${email}`);
  return { id: doc.id, subscriber };
}

async function channelsAtGoogle(calendarIds: string[]): Promise<EmulatorChannel[]> {
  return (await sys.control<EmulatorChannel[]>('/channels')).filter((c) => calendarIds.includes(c.calendarId));
}

async function channelDocs(subscriberId: string) {
  return (await sys.db.collection('googleCalendarChannels').where('subscriberId', '==', subscriberId).get()).docs.map((d) => d.data());
}

async function subscriberCount(): Promise<number> {
  return (await sys.db.collection('subscribers').get()).size;
}

describe('connecting Google Calendar', () => {
  it('sends the host to Google for an offline grant of exactly the calendar scopes, then signs them in', async () => {
    const email = await googleAccount();
    const visitor = new Visitor();
    const { hops } = await connect(visitor, email);

    const toGoogle = new URL(hops[0]!.location!);
    expect(hops[0]!.status).toBe(303);
    expect(toGoogle.origin + toGoogle.pathname).toBe(`${sys.google.url}/o/oauth2/v2/auth`);
    expect(toGoogle.searchParams.get('access_type')).toBe('offline');
    expect(toGoogle.searchParams.get('prompt')).toBe('consent');
    expect(toGoogle.searchParams.get('redirect_uri')).toBe(url('/google/callback'));
    expect(toGoogle.searchParams.get('scope')?.split(' ').sort()).toEqual([
      'email',
      'https://www.googleapis.com/auth/calendar.calendarlist.readonly',
      'https://www.googleapis.com/auth/calendar.events',
      'https://www.googleapis.com/auth/calendar.events.freebusy',
      'openid',
    ]);
    expect(hops.map((h) => h.status)).toEqual([303, 302, 303, 200]);
    expect(hops.at(-1)!.url).toBe(url('/settings'));
    expect(visitor.cookies.has('accounts_session')).toBe(true);
    expect(visitor.cookies.has('accounts_connect')).toBe(false);
  });

  it('creates the host with a sealed refresh token, its primary calendar as default, and one live channel on it', async () => {
    const email = await googleAccount();
    await connect(new Visitor(), email);

    const { id, subscriber } = await hostOf(email);
    expect(subscriber.google).toMatchObject({ accountEmail: email, status: 'ok' });
    expect(subscriber.google!.refreshToken.startsWith('v1.')).toBe(true);
    expect(services().cipher.decrypt(subscriber.google!.refreshToken)).toMatch(/^1\/\/0/);
    expect(subscriber.defaultCalendar).toEqual({ provider: 'google', calendarId: email });
    expect(subscriber.timezone).toBe('UTC');
    expect(subscriber.schedule).toMatchObject({ slug: `host${accounts}-person`, slotMinutes: 30, autoConfirm: false });

    expect(await channelsAtGoogle([email])).toHaveLength(1);
    const docs = await channelDocs(id);
    expect(docs).toHaveLength(1);
    expect(docs[0]).toMatchObject({ calendarId: email, state: 'active' });
  });

  it('connecting twice keeps one host and one channel', async () => {
    const email = await googleAccount();
    await connect(new Visitor(), email);
    const first = await hostOf(email);
    await connect(new Visitor(), email);
    const second = await hostOf(email);

    expect(second.id).toBe(first.id);
    expect(second.subscriber.google!.refreshToken).not.toBe(first.subscriber.google!.refreshToken);
    expect(await channelsAtGoogle([email])).toHaveLength(1);
    expect(await channelDocs(first.id)).toHaveLength(1);
  });

  it('gives two hosts with the same name before the @ two booking links', async () => {
    await sys.control('/accounts', { email: 'sam@one.example.test' });
    await sys.control('/accounts', { email: 'sam@two.example.test' });
    await connect(new Visitor(), 'sam@one.example.test');
    await connect(new Visitor(), 'sam@two.example.test');
    const slugs = [(await hostOf('sam@one.example.test')).subscriber.schedule.slug, (await hostOf('sam@two.example.test')).subscriber.schedule.slug];
    expect(slugs).toEqual(['sam', 'sam-2']);
  });
});

describe('a host that already exists', () => {
  it("is found by its Google account's sub and keeps its schedule and default, with its channel made", async () => {
    const host = await sys.createHost({ autoConfirm: true });
    const { subject } = await sys.control<{ subject: string }>('/accounts', { email: host.email });
    await sys.db.collection('subscribers').doc(host.id).update({ googleSubject: subject });
    await connect(new Visitor(), host.email);
    const { id, subscriber } = await hostOf(host.email);
    expect(id).toBe(host.id);
    expect(subscriber.schedule).toMatchObject({ slug: host.slug, autoConfirm: true });
    expect(subscriber.timezone).toBe('Europe/Berlin');
    expect(subscriber.defaultCalendar).toEqual({ provider: 'google', calendarId: host.calendarId });
    expect(await channelsAtGoogle([host.calendarId])).toHaveLength(1);
  });

  it('whose grant Google revoked sees a reconnect offer instead of the calendars, and is marked broken', async () => {
    const email = await googleAccount();
    const visitor = new Visitor();
    await connect(visitor, email);
    const { id } = await hostOf(email);
    await sys.control(`/accounts/${encodeURIComponent(email)}/revoke`, {});

    const res = await visitor.request(url('/settings'));
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('Connect Google Calendar again');
    expect(html).not.toContain('name="calendarId"');
    expect((await services().subscribers.get(id))!.google!.status).toBe('broken');
    expect(await channelDocs(id)).toHaveLength(0);
  });
});

describe('a callback that is not the answer to this browser’s own sign-in', () => {
  /** Google's way back to us for a real consent in this browser, not yet followed. */
  async function callbackFromGoogle(visitor: Visitor, email: string): Promise<URL> {
    const start = await visitor.request(url(`/google/connect?login_hint=${encodeURIComponent(email)}`));
    const consent = await visitor.request(start.headers.get('location')!);
    return new URL(consent.headers.get('location')!);
  }

  it('with a forged state answers 400 and writes nothing, even with a good code', async () => {
    const email = await googleAccount();
    const before = await subscriberCount();
    const visitor = new Visitor();
    const back = await callbackFromGoogle(visitor, email);
    back.searchParams.set('state', `${back.searchParams.get('state')!.split('.')[0]}.forged`);
    const res = await visitor.request(back.toString());
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('does not belong to a sign-in started in this browser');
    expect(await subscriberCount()).toBe(before);
  });

  it('without a state answers 400 and writes nothing, even with a good code', async () => {
    const email = await googleAccount();
    const before = await subscriberCount();
    const visitor = new Visitor();
    const back = await callbackFromGoogle(visitor, email);
    back.searchParams.delete('state');
    expect((await visitor.request(back.toString())).status).toBe(400);
    expect(await subscriberCount()).toBe(before);
  });

  it('arriving in another browser (a valid state without its cookie) answers 400 and writes nothing', async () => {
    const email = await googleAccount();
    const before = await subscriberCount();
    const attacker = new Visitor();
    const start = await attacker.request(url(`/google/connect?login_hint=${encodeURIComponent(email)}`));
    const victim = new Visitor();
    const { hops, res } = await victim.follow(start.headers.get('location')!);
    expect(hops.at(-1)!.url.startsWith(url('/google/callback'))).toBe(true);
    expect(res.status).toBe(400);
    expect(victim.cookies.has('accounts_session')).toBe(false);
    expect(await subscriberCount()).toBe(before);
    expect(await channelsAtGoogle([email])).toHaveLength(0);
  });

  it('saying Google access was denied shows that nothing was connected', async () => {
    const before = await subscriberCount();
    const visitor = new Visitor();
    const start = await visitor.request(url('/google/connect'));
    const state = new URL(start.headers.get('location')!).searchParams.get('state')!;
    const res = await visitor.request(url(`/google/callback?error=access_denied&state=${encodeURIComponent(state)}`));
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Google Calendar was not connected');
    expect(await subscriberCount()).toBe(before);
  });
});

describe('the settings page', () => {
  it('without a session sends the visitor to connect', async () => {
    const res = await new Visitor().request(url('/settings'));
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(url('/google/connect'));
  });

  it('shows the account, the calendars to choose from and the booking link', async () => {
    const email = await googleAccount();
    await sys.control(`/accounts/${encodeURIComponent(email)}/calendars`, { summary: 'Client <b>calls</b>' });
    const { html } = await connect(new Visitor(), email);
    const { subscriber } = await hostOf(email);
    expect(html).toContain(email);
    expect(html).toContain(`${sys.functionsUrl}/booking/${subscriber.schedule.slug}`);
    expect(html).toContain('Client &lt;b&gt;calls&lt;/b&gt;');
    expect(html).toMatch(new RegExp(`value="${email.replace(/\./g, '\\.')}" checked`));
    expect(html).toContain('Automatically confirm bookings if time is available');
  });

  it('changing the default calendar stops the old channel at Google and watches the new calendar once', async () => {
    const email = await googleAccount();
    const { calendarId: secondary } = await sys.control<{ calendarId: string }>(`/accounts/${encodeURIComponent(email)}/calendars`, { summary: 'Bookings' });
    const visitor = new Visitor();
    const { html } = await connect(visitor, email);
    const { id } = await hostOf(email);

    const save = await visitor.request(url('/settings'), { form: { csrf: formToken(html), calendarId: secondary, autoConfirm: 'on' } });
    expect(save.status).toBe(303);
    expect(save.headers.get('location')).toBe(url('/settings?saved=1'));

    const { subscriber } = await hostOf(email);
    expect(subscriber.defaultCalendar).toEqual({ provider: 'google', calendarId: secondary });
    expect(subscriber.schedule.autoConfirm).toBe(true);
    const atGoogle = await channelsAtGoogle([email, secondary]);
    expect(atGoogle.map((c) => c.calendarId)).toEqual([secondary]);
    const docs = await channelDocs(id);
    expect(docs.map((d) => d.calendarId)).toEqual([secondary]);

    const again = await visitor.request(url('/settings'), { form: { csrf: formToken(html), calendarId: secondary } });
    expect(again.status).toBe(303);
    expect((await hostOf(email)).subscriber.schedule.autoConfirm).toBe(false);
    expect(await channelsAtGoogle([email, secondary])).toHaveLength(1);
  });

  it('refuses a calendar that is not one of the host’s own with 400, changing nothing', async () => {
    const email = await googleAccount();
    const other = await googleAccount();
    const visitor = new Visitor();
    const { html } = await connect(visitor, email);
    const res = await visitor.request(url('/settings'), { form: { csrf: formToken(html), calendarId: other } });
    expect(res.status).toBe(400);
    expect((await hostOf(email)).subscriber.defaultCalendar).toEqual({ provider: 'google', calendarId: email });
  });

  it('refuses a POST without the form token with 403, changing nothing', async () => {
    const email = await googleAccount();
    const { calendarId: secondary } = await sys.control<{ calendarId: string }>(`/accounts/${encodeURIComponent(email)}/calendars`, { summary: 'Other' });
    const visitor = new Visitor();
    await connect(visitor, email);
    const res = await visitor.request(url('/settings'), { form: { calendarId: secondary } });
    expect(res.status).toBe(403);
    const forged = await visitor.request(url('/settings'), { form: { calendarId: secondary, csrf: 'not-the-token' } });
    expect(forged.status).toBe(403);
    expect((await hostOf(email)).subscriber.defaultCalendar).toEqual({ provider: 'google', calendarId: email });
    expect((await channelsAtGoogle([email, secondary])).map((c) => c.calendarId)).toEqual([email]);
  });
});

describe('disconnecting and deleting', () => {
  it('disconnecting stops every channel, forgets and revokes the grant, and ends the session', async () => {
    const email = await googleAccount();
    const visitor = new Visitor();
    const { html } = await connect(visitor, email);
    const { id, subscriber } = await hostOf(email);
    const refreshToken = services().cipher.decrypt(subscriber.google!.refreshToken);
    const staleSession = visitor.cookies.get('accounts_session')!;

    const res = await visitor.request(url('/disconnect'), { form: { csrf: formToken(html) } });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Google Calendar is disconnected');

    expect(await channelsAtGoogle([email])).toHaveLength(0);
    expect(await channelDocs(id)).toHaveLength(0);
    const after = await services().subscribers.get(id);
    expect(after).toMatchObject({ google: null, defaultCalendar: null });
    expect(visitor.cookies.has('accounts_session')).toBe(false);

    const refresh = await fetch(sys.google.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: services().config.google.clientId, client_secret: services().config.google.clientSecret }),
    });
    expect(refresh.status).toBe(400);

    const replay = new Visitor();
    replay.cookies.set('accounts_session', staleSession);
    expect((await replay.request(url('/settings'))).status).toBe(303);
  });

  it('connecting again after a disconnect brings back the same host with a channel', async () => {
    const email = await googleAccount();
    const visitor = new Visitor();
    const { html } = await connect(visitor, email);
    const { id } = await hostOf(email);
    await visitor.request(url('/disconnect'), { form: { csrf: formToken(html) } });
    await connect(visitor, email);
    expect((await hostOf(email)).id).toBe(id);
    expect(await channelsAtGoogle([email])).toHaveLength(1);
  });

  it('deleting the host stops its channels at Google and removes it', async () => {
    const email = await googleAccount();
    const visitor = new Visitor();
    const { html } = await connect(visitor, email);
    const { id } = await hostOf(email);

    const unconfirmed = await visitor.request(url('/delete'), { form: { csrf: formToken(html) } });
    expect(unconfirmed.status).toBe(400);
    expect(await services().subscribers.get(id)).toBeDefined();

    const res = await visitor.request(url('/delete'), { form: { csrf: formToken(html), confirm: 'yes' } });
    expect(res.status).toBe(200);
    expect(await services().subscribers.get(id)).toBeUndefined();
    expect(await channelsAtGoogle([email])).toHaveLength(0);
    expect(await channelDocs(id)).toHaveLength(0);
  });
});
