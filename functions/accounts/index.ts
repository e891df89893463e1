// The `accounts` function: a host connects Google Calendar and manages their settings.
//   GET  /google/connect    → 303 to Google's consent screen (state bound to this browser)
//   GET  /google/callback   ← Google: checks the state, stores the grant, signs the host in
//   GET  /settings          the settings page (signed-in host; otherwise → connect)
//   POST /settings          form: default calendar, auto-confirm
//   POST /disconnect        form: stop channels, forget and revoke the Google grant
//   POST /delete            form: delete the host (channels stopped at Google first)
// Pages for browsers only; every POST needs the session's form token.
import type { Request } from '@google-cloud/functions-framework';
import type { Response } from 'express';
import { z } from 'zod';
import { connectGoogle } from '../../shared/accounts/connect';
import { ConnectStates } from '../../shared/accounts/connect-state';
import { deleteHost, disconnectHost } from '../../shared/accounts/disconnect';
import { CodeExchangeFailed, ConsentNotGiven, DeletionNotConfirmed } from '../../shared/accounts/errors';
import { GoogleSignIn } from '../../shared/accounts/google-sign-in';
import { HostSessions, type HostSession } from '../../shared/accounts/host-sessions';
import { hostSettings, signedInHost, updateSettings } from '../../shared/accounts/settings';
import { oneLineText } from '../../shared/input/plain-text';
import type { Subscriber } from '../../shared/store/subscribers';
import { hasContentType, httpFunction, type RequestContext } from '../http-function';
import { services, type Services } from '../services';
import { clearCookie, cookieScope, readCookie, SESSION_COOKIE, setCookie, STATE_COOKIE } from './cookies';
import { answerError, invalidInput } from './errors';
import { renderMessagePage, renderSettingsPage, type AccountUrls } from './pages';

interface AccountParts {
  states: ConnectStates;
  sessions: HostSessions;
  google: GoogleSignIn;
  urls: AccountUrls & { callback: string; bookingBase: string };
}

let built: AccountParts | undefined;

function parts(): AccountParts {
  if (built) return built;
  const { config } = services();
  const base = `${config.publicBaseUrl}/accounts`;
  const urls = {
    connect: `${base}/google/connect`,
    callback: `${base}/google/callback`,
    settings: `${base}/settings`,
    disconnect: `${base}/disconnect`,
    delete: `${base}/delete`,
    bookingBase: `${config.publicBaseUrl}/booking`,
  };
  built = {
    states: new ConnectStates(config.linkSigningSecret),
    sessions: new HostSessions(config.linkSigningSecret),
    google: new GoogleSignIn({ ...config.google, redirectUri: urls.callback }),
    urls,
  };
  return built;
}

const stateScope = () => cookieScope(services().config.publicBaseUrl, '/google');
const sessionScope = () => cookieScope(services().config.publicBaseUrl, '');

const text = z.string().max(4096);
const connectQuery = z.object({ login_hint: z.email().max(320).optional() });
const callbackQuery = z.object({ state: text.optional(), code: text.optional(), error: z.string().max(200).optional() });
const settingsForm = z.object({ calendarId: oneLineText(1024).min(1), autoConfirm: z.literal('on').optional() });
const deleteForm = z.object({ confirm: z.literal('yes').optional() });

function sendPage(res: Response, status: number, html: string): void {
  res.status(status).set('cache-control', 'no-store').type('html').send(html);
}

async function connect(req: Request, res: Response): Promise<void> {
  const query = connectQuery.safeParse(req.query);
  if (!query.success) return invalidInput(res, query.error.issues);
  const a = parts();
  const issued = a.states.issue(services().now());
  setCookie(res, STATE_COOKIE, issued.nonce, stateScope(), issued.expiresAt);
  res.set('cache-control', 'no-store').redirect(303, a.google.consentUrl(issued.state, query.data.login_hint));
}

async function callback(req: Request, res: Response, { log }: RequestContext): Promise<void> {
  const query = callbackQuery.safeParse(req.query);
  if (!query.success) return invalidInput(res, query.error.issues);
  const s = services();
  const a = parts();
  // One use: whatever happens next, this attempt's nonce is spent.
  clearCookie(res, STATE_COOKIE, stateScope());
  res.set('referrer-policy', 'no-referrer');
  a.states.check(query.data.state, readCookie(req, STATE_COOKIE), s.now());
  if (query.data.error) throw new ConsentNotGiven(query.data.error);
  if (!query.data.code) throw new CodeExchangeFailed('the callback carries no code');
  const grant = await a.google.exchange(query.data.code);
  const connected = await connectGoogle({ ...s, log }, grant);
  const session = a.sessions.issue(connected.subscriberId, connected.connectedAt, s.now());
  setCookie(res, SESSION_COOKIE, session.cookie, sessionScope(), session.expiresAt);
  res.set('cache-control', 'no-store').redirect(303, a.urls.settings);
}

/** The signed-in host of this request (NotSignedIn otherwise). */
async function signedIn(req: Request, s: Services): Promise<{ session: HostSession; host: Subscriber }> {
  const session = parts().sessions.open(readCookie(req, SESSION_COOKIE), s.now());
  return { session, host: await signedInHost(s, session) };
}

/** A POSTed form of the signed-in host, its form token checked before anything else is read. */
async function signedInForm(req: Request, s: Services): Promise<{ session: HostSession; host: Subscriber; body: unknown } | undefined> {
  if (!hasContentType(req, 'application/x-www-form-urlencoded')) return undefined;
  const found = await signedIn(req, s);
  const body: unknown = req.body;
  parts().sessions.checkFormToken(found.session, (body as { csrf?: unknown } | undefined)?.csrf);
  return { ...found, body };
}

function formOnly(res: Response): void {
  sendPage(res, 415, renderMessagePage({ title: 'Send this as a form', text: ['This address takes the forms of the settings page only.'] }));
}

async function settingsPage(req: Request, res: Response, context: RequestContext): Promise<void> {
  const s = services();
  const a = parts();
  const { session, host } = await signedIn(req, s);
  const view = await hostSettings({ ...s, log: context.log }, session.subscriberId, host);
  sendPage(
    res,
    200,
    renderSettingsPage({
      ...view,
      bookingUrl: `${a.urls.bookingBase}/${view.host.schedule.slug}`,
      formToken: a.sessions.formToken(session),
      urls: a.urls,
      saved: req.query.saved === '1',
    }),
  );
}

async function saveSettings(req: Request, res: Response, { log }: RequestContext): Promise<void> {
  const s = services();
  const form = await signedInForm(req, s);
  if (!form) return formOnly(res);
  const body = settingsForm.safeParse(form.body);
  if (!body.success) return invalidInput(res, body.error.issues);
  await updateSettings({ ...s, log }, form.session.subscriberId, form.host, { calendarId: body.data.calendarId, autoConfirm: body.data.autoConfirm === 'on' });
  res.redirect(303, `${parts().urls.settings}?saved=1`);
}

async function disconnect(req: Request, res: Response, { log }: RequestContext): Promise<void> {
  const s = services();
  const form = await signedInForm(req, s);
  if (!form) return formOnly(res);
  await disconnectHost({ ...s, log, google: parts().google }, form.session.subscriberId);
  clearCookie(res, SESSION_COOKIE, sessionScope());
  sendPage(
    res,
    200,
    renderMessagePage({
      title: 'Google Calendar is disconnected',
      text: [
        'We stopped following your calendar and removed our access to it.',
        'Your booking page still works: you and your guests get bookings by email, with a calendar file.',
      ],
      next: { href: parts().urls.connect, label: 'Connect Google Calendar again' },
    }),
  );
}

async function deleteAccount(req: Request, res: Response, { log }: RequestContext): Promise<void> {
  const s = services();
  const form = await signedInForm(req, s);
  if (!form) return formOnly(res);
  if (deleteForm.safeParse(form.body).data?.confirm !== 'yes') throw new DeletionNotConfirmed();
  await deleteHost({ ...s, log, google: parts().google }, form.session.subscriberId);
  clearCookie(res, SESSION_COOKIE, sessionScope());
  sendPage(res, 200, renderMessagePage({ title: 'Your booking page is deleted', text: ['Your settings are gone and we no longer follow your calendar.'] }));
}

const routes: Record<string, Partial<Record<string, (req: Request, res: Response, context: RequestContext) => Promise<void>>>> = {
  '/google/connect': { GET: connect },
  '/google/callback': { GET: callback },
  '/settings': { GET: settingsPage, POST: saveSettings },
  '/disconnect': { POST: disconnect },
  '/delete': { POST: deleteAccount },
};

export const accounts = httpFunction(async (req, res, context) => {
  const path = req.path.replace(/\/+$/, '') || '/';
  if (path === '/' && req.method === 'GET') return void res.redirect(303, parts().urls.settings);
  const route = routes[path];
  const handle = route?.[req.method];
  if (!route) return sendPage(res, 404, renderMessagePage({ title: 'Page not found', text: ['There is no such page here.'] }));
  if (!handle) return void res.status(405).set('allow', Object.keys(route).join(', ')).type('text').send(`${req.method} is not allowed here`);
  try {
    await handle(req, res, context);
  } catch (error) {
    if (!answerError(req, res, error, parts().urls)) throw error;
  }
});
