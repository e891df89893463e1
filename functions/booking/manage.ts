// The guest's manage link, in the `booking` function:
//   GET  /manage?token=...[&from=DATE-TIME]    the booking and what can be done (HTML, or JSON to
//                                             JSON clients); changes nothing (mail scanners open links)
//   POST /manage  {token, action: "cancel"} | {token, action: "reschedule", start}   form or JSON
// The signed link is the guest's only credential and every form carries it in its body, so a page
// of another site cannot post for a guest without knowing the link (no cookie rides along; no
// separate form token is needed). Forms answer pages; JSON answers JSON.
import type { Request } from '@google-cloud/functions-framework';
import type { Response } from 'express';
import { z } from 'zod';
import { admitAvailabilityView, RateLimited } from '../../shared/abuse/abuse-limits';
import { clientKey } from '../../shared/abuse/client-address';
import { HostCalendarUnavailable, SlotUnavailable } from '../../shared/booking/errors';
import { InvalidLink, LinkExpired } from '../../shared/booking/decision-links';
import { BookingBusy, BookingOver, ChangeWindowClosed, guestChoices } from '../../shared/booking/guest-change';
import { GOOGLE_DEADLINE_MS } from '../../shared/booking/idempotency';
import { cancelWithLink, freeTimesFor, openManage, openRepeatedMove, type ManageRequest } from '../../shared/booking/manage-booking';
import { LinkSpent, linkVersion } from '../../shared/booking/manage-links';
import { rescheduleBooking } from '../../shared/booking/reschedule-booking';
import { oneLineText } from '../../shared/input/plain-text';
import { SlotNotFound, type Slot } from '../../shared/store/slots';
import { hasContentType, invalidRequest, type RequestContext } from '../http-function';
import { services } from '../services';
import { renderLinkSpent, renderManageDone, renderManageLinkError, renderManagePage, renderManageUnavailable, type ManageView } from './manage-page';

// Our tokens are base64url and a dot: control characters or broken Unicode are bad input (400), not a forged link.
const token = oneLineText(2048).min(1);
const manageQuery = z.object({
  token,
  /** Where the list of free times starts (the page's "Later times"). */
  from: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time with a time zone' }).transform((v) => new Date(v)).optional(),
});
const manageBody = z.discriminatedUnion('action', [
  z.object({ token, action: z.literal('cancel') }),
  z.object({
    token,
    action: z.literal('reschedule'),
    start: z.iso.datetime({ offset: true, error: 'choose a new time: an ISO 8601 date-time with a time zone' }).transform((v) => new Date(v)),
  }),
]);

function isForm(req: Request): boolean {
  return hasContentType(req, 'application/x-www-form-urlencoded');
}

function wantsJson(req: Request): boolean {
  return hasContentType(req, 'application/json') || (req.accepts(['html', 'json']) === 'json' && !isForm(req));
}

function viewOf({ slot, host }: Pick<ManageRequest, 'slot' | 'host'>): ManageView {
  return { hostName: host.name, hostTimezone: host.timezone, guestName: slot.guest.name, guestTimezone: slot.guest.timezone, start: slot.start, end: slot.end, status: slot.status };
}

function bookingJson(slotId: string, slot: Slot) {
  return { slotId, status: slot.status, start: slot.start.toISOString(), end: slot.end.toISOString() };
}

/** The forms post to the booking function's public /manage, the same base the links use. */
function manageUrl(): string {
  return `${services().config.publicBaseUrl}/booking/manage`;
}

/**
 * The free times to move to, if the host's calendar answers. Each list asks Google for busy time,
 * so it counts against the address's availability views, as the booking page's list does.
 */
async function freeTimes(req: Request, opened: ManageRequest, from?: Date): Promise<Awaited<ReturnType<typeof freeTimesFor>> | 'unavailable'> {
  const s = services();
  try {
    await admitAvailabilityView({ ...s, limits: s.config.limits }, clientKey(req.header('x-forwarded-for'), req.socket.remoteAddress));
    return await freeTimesFor(s, opened, from);
  } catch (error) {
    if (error instanceof HostCalendarUnavailable || error instanceof RateLimited) return 'unavailable';
    throw error;
  }
}

/** The manage page for an opened link, with the free times to move to while it may move. */
async function sendPage(req: Request, res: Response, status: number, opened: ManageRequest, token: string, from?: Date, problem?: string): Promise<void> {
  const choices = guestChoices(opened.slot, opened.host.schedule.guestChangeLimitHours, services().now());
  const found = choices.kind === 'open' ? await freeTimes(req, opened, from) : { times: [] };
  const laterUrl = found !== 'unavailable' && found.next ? `${manageUrl()}?token=${encodeURIComponent(token)}&from=${encodeURIComponent(found.next.toISOString())}` : undefined;
  const times = found === 'unavailable' ? found : found.times;
  res
    .status(status)
    .set('cache-control', 'no-store')
    .type('html')
    .send(renderManagePage({ ...viewOf(opened), choices, token, actionUrl: manageUrl(), times, laterUrl, problem }));
}

async function showManage(req: Request, res: Response): Promise<void> {
  const query = manageQuery.safeParse(req.query);
  if (!query.success) {
    if (wantsJson(req)) return invalidRequest(res, query.error.issues);
    return void res.status(400).type('html').send(renderManageLinkError('invalid'));
  }
  const s = services();
  const opened = await openManage(s, query.data.token);
  if (!wantsJson(req)) return sendPage(req, res, 200, opened, query.data.token, query.data.from);
  const choices = guestChoices(opened.slot, opened.host.schedule.guestChangeLimitHours, s.now());
  res.set('cache-control', 'no-store').json({
    ...bookingJson(opened.slotId, opened.slot),
    host: { name: opened.host.name, timezone: opened.host.timezone },
    guest: { name: opened.slot.guest.name, timezone: opened.slot.guest.timezone },
    canChange: choices.kind === 'open',
    ...(choices.kind === 'open' ? { changeClosesAt: choices.closesAt.toISOString() } : {}),
  });
}

async function actOnManage(req: Request, res: Response, { log }: RequestContext): Promise<void> {
  if (!hasContentType(req, 'application/json') && !isForm(req)) {
    res.status(415).json({ error: 'unsupported_media_type', message: 'send a form or JSON' });
    return;
  }
  const body = manageBody.safeParse(req.body);
  const s = services();
  if (!body.success) {
    // A form sent without a time chosen: the page again, saying so, if its link is good.
    const given = token.safeParse((req.body as { token?: unknown } | undefined)?.token);
    if (isForm(req) && given.success) return sendPage(req, res, 400, await openManage(s, given.data), given.data, undefined, 'Choose a new time first.');
    return invalidRequest(res, body.error.issues);
  }
  // Every Google call of the request ends by the deadline, however many it makes.
  const deps = { ...s, calendars: s.calendarsUntil(Date.now() + GOOGLE_DEADLINE_MS, false), log };
  const opened = await openManage(deps, body.data.token).catch(async (error: unknown) => {
    // The same move sent again with the link it spent: answered as done, as the first was.
    const repeat = error instanceof LinkSpent && body.data.action === 'reschedule' && (await openRepeatedMove(deps, body.data.token, body.data.start));
    if (!repeat) throw error;
    return repeat;
  });
  try {
    if (body.data.action === 'cancel') {
      const outcome = await cancelWithLink(deps, opened);
      if (outcome.kind === 'conflict') throw new BookingOver(outcome.slot.status);
      if (wantsJson(req)) return void res.json({ ...bookingJson(opened.slotId, outcome.slot), repeated: outcome.repeated });
      return void res.type('html').send(renderManageDone(viewOf({ slot: outcome.slot, host: opened.host }), 'cancel', outcome.repeated));
    }
    const outcome = await rescheduleBooking(deps, opened, body.data.start);
    // The booking's link now, for whoever moved it; a spent link sent again is not handed the new one.
    const link = !outcome.repeated || opened.grant.version === linkVersion(outcome.slot) ? s.manageLinks.urlFor(opened.slotId, outcome.slot) : undefined;
    if (wantsJson(req)) return void res.json({ ...bookingJson(opened.slotId, outcome.slot), repeated: outcome.repeated, ...(link ? { manageUrl: link } : {}) });
    res.type('html').send(renderManageDone(viewOf({ slot: outcome.slot, host: opened.host }), 'reschedule', outcome.repeated, link));
  } catch (error) {
    // A form's refusal: the page again as it is now, saying why.
    const problem = isForm(req) ? problemOf(error) : undefined;
    if (problem === undefined) throw error;
    await sendPage(req, res, problem.status, await openManage(deps, body.data.token), body.data.token, undefined, problem.text);
  }
}

/** What a form's refusal tells the guest, above the page as it is now. */
function problemOf(error: unknown): { status: number; text: string } | undefined {
  if (error instanceof SlotUnavailable) {
    return { status: 409, text: error.reason === 'taken' ? 'Sorry, that time was taken just now. Your booking has not changed; please choose another time.' : 'That time is not offered. Your booking has not changed; please choose another time.' };
  }
  if (error instanceof BookingOver) return { status: 409, text: 'This booking is over, so it cannot be changed.' };
  if (error instanceof ChangeWindowClosed) return { status: 403, text: 'It is too late to change this booking online.' };
  if (error instanceof BookingBusy) return { status: 409, text: 'This booking is being changed right now. Please try again in a moment.' };
  return undefined;
}

/** Every error of the manage link, as HTTP: a page for people, JSON for programs (a form's refusals are answered above). */
function answerManageError(req: Request, res: Response, error: unknown): boolean {
  const json = wantsJson(req);
  const send = (status: number, body: object, page: () => string) => (json ? res.status(status).json(body) : res.status(status).type('html').send(page()));
  if (error instanceof InvalidLink) send(401, { error: 'invalid_token', message: error.message }, () => renderManageLinkError('invalid'));
  else if (error instanceof LinkExpired) send(410, { error: 'link_expired', message: error.message }, () => renderManageLinkError('expired'));
  else if (error instanceof LinkSpent) send(410, { error: 'link_spent', message: error.message }, renderLinkSpent);
  else if (error instanceof SlotNotFound) send(404, { error: 'not_found', message: 'no such booking' }, () => renderManageLinkError('not_found'));
  else if (error instanceof HostCalendarUnavailable) {
    res.set('retry-after', '30');
    send(503, { error: 'calendar_unavailable', reason: error.reason, message: error.message }, renderManageUnavailable);
  } else if (error instanceof SlotUnavailable) res.status(409).json({ error: 'slot_unavailable', reason: error.reason, message: error.message });
  else if (error instanceof BookingOver) res.status(409).json({ error: 'booking_over', status: error.status, message: error.message });
  else if (error instanceof BookingBusy) res.status(409).set('retry-after', '2').json({ error: 'booking_busy', message: error.message });
  else if (error instanceof ChangeWindowClosed) res.status(403).json({ error: 'change_window_closed', closedAt: error.closedAt.toISOString(), message: error.message });
  else return false;
  return true;
}

/** GET and POST /manage, with their errors; false for another method (the caller answers 405). */
export async function manage(req: Request, res: Response, context: RequestContext): Promise<boolean> {
  try {
    if (req.method === 'GET') await showManage(req, res);
    else if (req.method === 'POST') await actOnManage(req, res, context);
    else return false;
  } catch (error) {
    if (!answerManageError(req, res, error)) throw error;
  }
  return true;
}
