// Signing out from the settings page: a form with the session's form token, like every form there.
import { randomUUID } from 'node:crypto';
import { startSystem, type TestSystem } from '../../support/system';
import { accountsUrl, googleAccount, signIn, slugOnSettings } from './host-flows';
import { formToken, Visitor } from './visitor';

jest.setTimeout(60_000);

let sys: TestSystem;

beforeAll(async () => {
  sys = await startSystem();
});
afterAll(() => sys.close());

async function signedIn(): Promise<{ visitor: Visitor; html: string }> {
  const { email } = await googleAccount(sys, `leaving.${randomUUID().slice(0, 8)}@hosts.example.test`);
  const visitor = new Visitor();
  return { visitor, html: await signIn(sys, visitor, email) };
}

describe('signing out', () => {
  it('is offered on the settings page', async () => {
    const { html } = await signedIn();
    expect(html).toContain(`action="${accountsUrl(sys, '/logout')}"`);
  });

  it('ends the session: the cookie is cleared, a page says so, and the settings page sends to sign in', async () => {
    const { visitor, html } = await signedIn();

    const res = await visitor.request(accountsUrl(sys, '/logout'), { form: { csrf: formToken(html) } });

    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const page = await res.text();
    expect(page).toContain('You are signed out');
    expect(page).toContain(`href="${accountsUrl(sys, '/google/connect')}"`);
    expect(visitor.cookies.has('accounts_session')).toBe(false);
    const settings = await visitor.request(accountsUrl(sys, '/settings'));
    expect(settings.status).toBe(303);
    expect(settings.headers.get('location')).toBe(accountsUrl(sys, '/google/connect'));
  });

  it("without the session's form token is refused with 403, and the host stays signed in", async () => {
    const { visitor } = await signedIn();
    const slug = await slugOnSettings(sys, visitor);

    const res = await visitor.request(accountsUrl(sys, '/logout'), { form: { csrf: 'from-another-site' } });

    expect(res.status).toBe(403);
    expect(await slugOnSettings(sys, visitor)).toBe(slug);
  });

  it('is a form POST only', async () => {
    const { visitor } = await signedIn();
    expect((await visitor.request(accountsUrl(sys, '/logout'))).status).toBe(405);
    expect(await slugOnSettings(sys, visitor)).toBeDefined();
  });
});
