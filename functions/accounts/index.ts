// The `accounts` function: a host signs in with Google, connects Google Calendar and manages their settings.
//   GET  /google/connect    → 303 to Google's consent screen (state bound to this browser): sign in
//   POST /google/link       form: → 303 to Google; the account chosen there is linked to this host
//   GET  /google/callback   ← Google: checks the state, stores the grant on the host of the account's
//                           `sub` (a new host for a sub we do not know; for a link, the signed-in
//                           host), signs that host in and ends its older sessions
//   GET  /settings          the settings page (signed-in host; otherwise → connect)
//   POST /settings          form: default calendar (`calendarId`), the calendars to check for
//                           conflicts (one `conflictCalendarIds` per checked box), auto-confirm, the
//                           schedule (→ 303; a form with mistakes → 400, the page again with the
//                           errors beside the fields)
//   POST /logout            form: end the session (and every copy of its cookie)
//   POST /disconnect        form: stop channels, forget and revoke the Google grant, end the session
//   POST /delete            form: delete the host (channels stopped at Google first)
//   GET  /bookings          the host's bookings, as a page or JSON; POST /bookings/{slotId}/{confirm,
//                           deny,cancel} as a form or JSON (./bookings)
// Pages for browsers, JSON for the bookings' JSON clients; every POST needs the session's form token.
import type { Request } from '@google-cloud/functions-framework';
import type { Response } from 'express';
import { z } from 'zod';
import { connectGoogle } from '../../shared/accounts/connect';
import { ConnectStates, type ConnectAttempt } from '../../shared/accounts/connect-state';
import { deleteHost, disconnectHost } from '../../shared/accounts/disconnect';
import { CodeExchangeFailed, ConsentNotGiven, DeletionNotConfirmed, LinkSessionEnded, NotSignedIn } from '../../shared/accounts/errors';
import { GoogleSignIn } from '../../shared/accounts/google-sign-in';
import { HostSessions, type HostSession } from '../../shared/accounts/host-sessions';
import { hostSettings, signedInHost, signOut, updateSettings } from '../../shared/accounts/settings';
import { conflictCalendarIdsOf, type Subscriber } from '../../shared/store/subscribers';
import { hasContentType, httpFunction, type RequestContext } from '../http-function';
import { services, type Services } from '../services';
import { clearCookie, cookieScope, readCookie, SESSION_COOKIE, setCookie, STATE_COOKIE } from './cookies';
import { actOnBooking, BOOKING_ACTION_ROUTE, bookingRouteKey, listBookings } from './bookings';
import { calendarChoice, calendarFieldError, calendarFormFields } from './calendar-form';
import { answerError, invalidInput } from './errors';
import { renderMessagePage, renderSettingsPage, type AccountUrls, type SettingsFormState } from './pages';
import { parseScheduleForm, scheduleFormFields } from './schedule-form';

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
    link: `${base}/google/link`,
    callback: `${base}/google/callback`,
    settings: `${base}/settings`,
    logout: `${base}/logout`,
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
const linkForm = connectQuery;
const callbackQuery = z.object({ state: text.optional(), code: text.optional(), error: z.string().max(200).optional() });
const settingsForm = scheduleFormFields.extend({ ...calendarFormFields.shape, autoConfirm: z.literal('on').optional() });
const deleteForm = z.object({ confirm: z.literal('yes').optional() });

function sendPage(res: Response, status: number, html: string): void {
  res.status(status).set('cache-control', 'no-store').type('html').send(html);
}

/** Off to Google's consent screen; with `linking`, for that signed-in session to link the account. */
function toGoogle(res: Response, loginHint: string | undefined, linking?: HostSession): void {
  const a = parts();
  const issued = a.states.issue(services().now(), linking?.nonce);
  setCookie(res, STATE_COOKIE, issued.nonce, stateScope(), issued.expiresAt);
  const chooseAccount = linking !== undefined && loginHint === undefined;
  res.set('cache-control', 'no-store').redirect(303, a.google.consentUrl(issued.state, { loginHint, chooseAccount }));
}

async function connect(req: Request, res: Response): Promise<void> {
  const query = connectQuery.safeParse(req.query);
  if (!query.success) return invalidInput(res, query.error.issues);
  toGoogle(res, query.data.login_hint);
}

async function link(req: Request, res: Response): Promise<void> {
  const form = await signedInForm(req, services());
  if (!form) return formOnly(res);
  const body = linkForm.safeParse(form.body);
  if (!body.success) return invalidInput(res, body.error.issues);
  toGoogle(res, body.data.login_hint, form.session);
}

/** The session a link was started by, still signed in; checked before Google's code is spent. */
async function linkingSession(req: Request, s: Services, attempt: ConnectAttempt): Promise<HostSession> {
  try {
    const { session } = await signedIn(req, s);
    if (attempt.startedBy(session.nonce)) return session;
  } catch (error) {
    if (!(error instanceof NotSignedIn)) throw error;
  }
  throw new LinkSessionEnded();
}

async function callback(req: Request, res: Response, { log }: RequestContext): Promise<void> {
  const query = callbackQuery.safeParse(req.query);
  if (!query.success) return invalidInput(res, query.error.issues);
  const s = services();
  const a = parts();
  // One use: whatever happens next, this attempt's nonce is spent.
  clearCookie(res, STATE_COOKIE, stateScope());
  res.set('referrer-policy', 'no-referrer');
  const attempt = a.states.check(query.data.state, readCookie(req, STATE_COOKIE), s.now());
  if (query.data.error) throw new ConsentNotGiven(query.data.error);
  if (!query.data.code) throw new CodeExchangeFailed('the callback carries no code');
  const linking = attempt.linking ? await linkingSession(req, s, attempt) : undefined;
  const grant = await a.google.exchange(query.data.code);
  const connected = await connectGoogle({ ...s, log }, grant, linking);
  const session = a.sessions.issue(connected.subscriberId, connected.sessionVersion, s.now());
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

/** The settings page of the signed-in host: their settings, or (`form`) what they sent with its errors. */
async function showSettings(
  res: Response,
  status: number,
  { log }: RequestContext,
  { session, host }: { session: HostSession; host: Subscriber },
  shown: { saved: boolean; form?: SettingsFormState },
): Promise<void> {
  const s = services();
  const a = parts();
  const view = await hostSettings({ ...s, log }, session.subscriberId, host);
  sendPage(
    res,
    status,
    renderSettingsPage({ ...view, ...shown, bookingUrl: `${a.urls.bookingBase}/${view.host.schedule.slug}`, formToken: a.sessions.formToken(session), urls: a.urls }),
  );
}

async function settingsPage(req: Request, res: Response, context: RequestContext): Promise<void> {
  await showSettings(res, 200, context, await signedIn(req, services()), { saved: req.query.saved === '1' });
}

async function saveSettings(req: Request, res: Response, context: RequestContext): Promise<void> {
  const s = services();
  const form = await signedInForm(req, s);
  if (!form) return formOnly(res);
  const body = settingsForm.safeParse(form.body);
  if (!body.success) return invalidInput(res, body.error.issues);
  const { calendarId, conflictCalendarIds, autoConfirm, ...typed } = body.data;
  const calendars = calendarChoice({ calendarId, conflictCalendarIds });
  const schedule = parseScheduleForm(typed, form.host.schedule);
  const current = form.host.defaultCalendar?.provider === 'google' ? form.host.defaultCalendar.calendarId : undefined;
  const sent = {
    calendarId: calendars.calendarId ?? current,
    conflictCalendarIds: calendars.conflictCalendarIds ?? conflictCalendarIdsOf(form.host),
    autoConfirm: autoConfirm === 'on',
    schedule: schedule.values,
  };
  if (!schedule.ok) return showSettings(res, 400, context, form, { saved: false, form: { ...sent, errors: schedule.errors } });
  try {
    await updateSettings({ ...s, log: context.log }, form.session.subscriberId, form.host, { ...calendars, autoConfirm: sent.autoConfirm, schedule: schedule.schedule });
  } catch (error) {
    const fieldError = calendarFieldError(error);
    if (!fieldError) throw error;
    return showSettings(res, 400, context, form, { saved: false, form: { ...sent, errors: [fieldError] } });
  }
  res.redirect(303, `${parts().urls.settings}?saved=1`);
}

async function logout(req: Request, res: Response): Promise<void> {
  const s = services();
  const form = await signedInForm(req, s);
  if (!form) return formOnly(res);
  await signOut(s, form.session);
  clearCookie(res, SESSION_COOKIE, sessionScope());
  sendPage(
    res,
    200,
    renderMessagePage({
      title: 'You are signed out',
      text: ['This browser, and any other that held this session, must sign in with Google again to change your settings.', 'Your booking page keeps working.'],
      next: { href: parts().urls.connect, label: 'Sign in with Google' },
    }),
  );
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
  '/google/link': { POST: link },
  '/google/callback': { GET: callback },
  '/settings': { GET: settingsPage, POST: saveSettings },
  '/logout': { POST: logout },
  '/disconnect': { POST: disconnect },
  '/delete': { POST: deleteAccount },
  '/bookings': { GET: listBookings },
  [BOOKING_ACTION_ROUTE]: { POST: actOnBooking },
};

export const accounts = httpFunction(async (req, res, context) => {
  const path = req.path.replace(/\/+$/, '') || '/';
  if (path === '/' && req.method === 'GET') return void res.redirect(303, parts().urls.settings);
  const route = routes[bookingRouteKey(path)];
  const handle = route?.[req.method];
  if (!route) return sendPage(res, 404, renderMessagePage({ title: 'Page not found', text: ['There is no such page here.'] }));
  if (!handle) return void res.status(405).set('allow', Object.keys(route).join(', ')).type('text').send(`${req.method} is not allowed here`);
  try {
    await handle(req, res, context);
  } catch (error) {
    if (!answerError(req, res, error, parts().urls)) throw error;
  }
  // A host's note to a guest when cancelling is up to 2,000 characters: percent-encoded in a form,
  // up to 24 KB. JSON is parsed for the bookings' JSON clients; the other routes take forms only.
  // The settings form sends one `conflictCalendarIds` per checked calendar.
}, { maxBytes: 32 * 1024, parse: ['application/x-www-form-urlencoded', 'application/json'], repeatable: ['conflictCalendarIds'] });
