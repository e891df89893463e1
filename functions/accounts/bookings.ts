// The signed-in host's bookings, in the accounts function:
//   GET  /bookings                      the bookings page; with `Accept: application/json`,
//                                       {bookings: [...], nextPageToken?} (query: ./bookings-query)
//   POST /bookings/{slotId}/confirm     from the page's forms (303 back to the page with a notice)
//   POST /bookings/{slotId}/deny        or as JSON (200 {slotId, status, repeated};
//   POST /bookings/{slotId}/cancel      409 {error: 'conflict', status}); cancel takes `message`
// Each action is the one domain operation the email links and the guest's link use
// (shared/booking/host-actions). Another host's slot is answered as one that does not exist: 404.
//
// Cross-site requests: a form post carries the session's form token (`csrf`), as every accounts
// form does. A JSON post must send `Content-Type: application/json` and the same token in the
// `X-Form-Token` header, which every GET of /bookings answers with (and the page's forms hold):
// another site's page can send neither without a CORS preflight, which this function never
// grants, and cannot read our answers to learn the token. The session cookie is SameSite=Lax besides,
// so a cross-site POST arrives signed out.
import type { Request } from '@google-cloud/functions-framework';
import type { Response } from 'express';
import { z } from 'zod';
import { CsrfRejected, NotSignedIn } from '../../shared/accounts/errors';
import { HostSessions, type HostSession } from '../../shared/accounts/host-sessions';
import { signedInHost } from '../../shared/accounts/settings';
import { HostCalendarUnavailable } from '../../shared/booking/errors';
import { actAsHost, cancelMessage, type HostAction, type HostActionOutcome } from '../../shared/booking/host-actions';
import { encodePageToken, HostBookings, type ListedBooking } from '../../shared/store/host-bookings';
import { SlotNotFound } from '../../shared/store/slots';
import type { Subscriber } from '../../shared/store/subscribers';
import { hasContentType, invalidRequest, type RequestContext } from '../http-function';
import { services, type Services } from '../services';
import { ACTION_NOTICES, renderBookingsPage, type ActionNotice } from './bookings-page';
import { bookingsQueryString, parseBookingsQuery, type QueryIssue } from './bookings-query';
import { readCookie, SESSION_COOKIE } from './cookies';
import { renderMessagePage } from './pages';

/** Bookings a page lists: a phone's few screens, and two small queries. */
const PAGE_SIZE = 20;

export const FORM_TOKEN_HEADER = 'x-form-token';

/** `/bookings/{slotId}/{action}` as the routes table names it. */
export const BOOKING_ACTION_ROUTE = '/bookings/:slotId/:action';

const ACTION_PATH = /^\/bookings\/([^/]+)\/(confirm|deny|cancel)$/;

/** The routes-table key of a path: the action route for any slot's action, else the path itself. */
export function bookingRouteKey(path: string): string {
  return ACTION_PATH.test(path) ? BOOKING_ACTION_ROUTE : path;
}

interface BookingParts {
  sessions: HostSessions;
  bookings: HostBookings;
  urls: { bookings: string; settings: string; connect: string };
}

let built: BookingParts | undefined;

function parts(): BookingParts {
  if (built) return built;
  const { config, db } = services();
  const base = `${config.publicBaseUrl}/accounts`;
  built = {
    sessions: new HostSessions(config.linkSigningSecret),
    bookings: new HostBookings(db),
    urls: { bookings: `${base}/bookings`, settings: `${base}/settings`, connect: `${base}/google/connect` },
  };
  return built;
}

const actionBody = z.object({
  message: cancelMessage.optional(),
  /** The form's: the page's query, to come back to the same view. */
  view: z.string().max(2048).optional(),
});

async function signedIn(req: Request, s: Services): Promise<{ session: HostSession; host: Subscriber }> {
  const session = parts().sessions.open(readCookie(req, SESSION_COOKIE), s.now());
  return { session, host: await signedInHost(s, session) };
}

function wantsJson(req: Request): boolean {
  return req.method === 'POST' ? hasContentType(req, 'application/json') : req.accepts(['html', 'json']) === 'json';
}

function sendPage(res: Response, status: number, html: string): void {
  res.status(status).set('cache-control', 'no-store').type('html').send(html);
}

function backToBookings(): { href: string; label: string } {
  return { href: parts().urls.bookings, label: 'Back to your bookings' };
}

function invalid(req: Request, res: Response, issues: readonly QueryIssue[] | readonly { path: PropertyKey[]; message: string }[]): void {
  if (wantsJson(req)) return invalidRequest(res, issues);
  const text = issues.map((issue) => `${issue.path.map(String).join('.') || 'request'}: ${issue.message}`);
  sendPage(res, 400, renderMessagePage({ title: 'Something in the request is not right', text, next: backToBookings() }));
}

function bookingJson({ slotId, slot }: ListedBooking) {
  return {
    slotId,
    status: slot.status,
    start: slot.start.toISOString(),
    end: slot.end.toISOString(),
    guest: { name: slot.guest.name, email: slot.guest.email, timezone: slot.guest.timezone },
    guestResponse: slot.guestResponse,
    inviteMode: slot.inviteMode,
    message: slot.message,
    history: slot.history.map((h) => ({ to: h.to, cause: h.cause, at: h.at.toISOString() })),
  };
}

/** The notice the page shows after an action from it, if the address names one. */
function noticeOf(params: URLSearchParams): { code: ActionNotice; slotId: string } | undefined {
  const code = params.get('notice');
  const slotId = params.get('slot');
  const known = ACTION_NOTICES.find((n) => n === code);
  return known && slotId ? { code: known, slotId } : undefined;
}

export async function listBookings(req: Request, res: Response): Promise<void> {
  await answeringErrors(req, res, async () => {
    const s = services();
    const a = parts();
    const { session, host } = await signedIn(req, s);
    const params = new URL(req.url, 'http://accounts').searchParams;
    const parsed = parseBookingsQuery(params, host.timezone);
    if (!parsed.ok) return invalid(req, res, parsed.issues);
    const { query } = parsed;
    const page = await a.bookings.page(session.subscriberId, query.filter, query.cursor ?? { asOf: s.now(), phase: 'upcoming' }, PAGE_SIZE);
    const nextPageToken = page.next && encodePageToken(page.next);
    const formToken = a.sessions.formToken(session);
    res.set('cache-control', 'no-store').set(FORM_TOKEN_HEADER, formToken).vary('accept');
    if (wantsJson(req)) return void res.json({ bookings: page.bookings.map(bookingJson), ...(nextPageToken ? { nextPageToken } : {}) });
    const html = renderBookingsPage({
      hostZone: host.timezone,
      bookings: page.bookings,
      query,
      ...(nextPageToken ? { nextPageToken } : {}),
      notice: noticeOf(params),
      formToken,
      urls: a.urls,
    });
    res.status(200).type('html').send(html);
  });
}

export async function actOnBooking(req: Request, res: Response, { log }: RequestContext): Promise<void> {
  await answeringErrors(req, res, async () => {
    const [, slotId, action] = ACTION_PATH.exec(req.path) ?? [];
    if (slotId === undefined || action === undefined) throw new SlotNotFound(req.path);
    const json = hasContentType(req, 'application/json');
    if (!json && !hasContentType(req, 'application/x-www-form-urlencoded')) {
      return void res.status(415).json({ error: 'unsupported_media_type', message: 'send a form from the bookings page, or JSON' });
    }
    const s = services();
    const { session, host } = await signedIn(req, s);
    const body: unknown = req.body ?? {};
    parts().sessions.checkFormToken(session, json ? req.get(FORM_TOKEN_HEADER) : (body as { csrf?: unknown }).csrf);
    const given = actionBody.safeParse(body);
    if (!given.success) return invalid(req, res, given.error.issues);
    const message = action === 'cancel' && given.data.message ? given.data.message : null;
    const outcome = await actAsHost({ ...s, log }, session.subscriberId, slotId, action as HostAction, { message });
    log.info({ slotId, action, outcome: outcome.kind, status: outcome.slot.status, repeated: outcome.kind === 'done' && outcome.repeated, as: json ? 'json' : 'form' }, 'the host acted on a booking');
    if (json) return answerJson(res, slotId, outcome);
    res.redirect(303, backTo(given.data.view, host, slotId, outcome));
  });
}

function answerJson(res: Response, slotId: string, outcome: HostActionOutcome): void {
  if (outcome.kind === 'conflict') res.status(409).json({ error: 'conflict', status: outcome.slot.status });
  else res.status(200).json({ slotId, status: outcome.slot.status, repeated: outcome.repeated });
}

/** The page the form was on (its query, if still good), with what happened, at the booking. */
function backTo(view: string | undefined, host: Subscriber, slotId: string, outcome: HostActionOutcome): string {
  const parsed = view === undefined ? undefined : parseBookingsQuery(new URLSearchParams(view), host.timezone);
  const params = new URLSearchParams(parsed?.ok ? bookingsQueryString(parsed.query) : '');
  params.set('notice', outcome.kind === 'conflict' ? `conflict-${outcome.slot.status}` : `${outcome.action}-${outcome.repeated ? 'repeated' : 'done'}`);
  params.set('slot', slotId);
  return `${parts().urls.bookings}?${params.toString()}#booking-${encodeURIComponent(slotId)}`;
}

/**
 * Runs a handler, answering the errors of this page here: JSON clients get JSON for every one;
 * for browsers, a missing booking or an unreachable calendar gets a page of its own, and the rest
 * (signed out, a form token refused) go on to the accounts function's pages (./errors).
 */
async function answeringErrors(req: Request, res: Response, handle: () => Promise<void>): Promise<void> {
  try {
    await handle();
  } catch (error) {
    const json = wantsJson(req);
    if (error instanceof SlotNotFound) {
      if (json) res.status(404).json({ error: 'not_found', message: 'you have no booking with this id' });
      else sendPage(res, 404, renderMessagePage({ title: 'No such booking', text: ['You have no booking at this address, so nothing was changed.'], next: backToBookings() }));
    } else if (error instanceof HostCalendarUnavailable) {
      res.set('retry-after', '30');
      const text = error.reason === 'connection_broken' ? 'We cannot reach your Google Calendar: connect it again from your settings, then try again.' : 'Google Calendar did not answer just now, so nothing was changed. Please try again in a minute.';
      if (json) res.status(503).json({ error: 'calendar_unavailable', message: text });
      else sendPage(res, 503, renderMessagePage({ title: 'Nothing was changed', text: [text], next: backToBookings() }));
    } else if (json && error instanceof NotSignedIn) {
      res.status(401).json({ error: 'not_signed_in', message: 'sign in with Google on the settings page first' });
    } else if (json && error instanceof CsrfRejected) {
      res.status(403).json({ error: 'form_token_rejected', message: `send the ${FORM_TOKEN_HEADER} header a GET of the bookings gave` });
    } else throw error;
  }
}
