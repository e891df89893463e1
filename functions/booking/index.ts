// The `booking` function: free slots, booking requests, and the booking page.
//   GET  /availability?host=SLUG&from=YYYY-MM-DD&to=YYYY-MM-DD
//   POST /bookings   {host, start, guest: {name, email, timezone}, message?}  [Idempotency-Key]
//   GET  /SLUG       the booking page
//   GET|POST /manage  the guest's manage link (./manage): see, cancel or move their booking
//   GET  /assets/FILE  its browser code (functions/pages/client-assets), cached for a year
import type { Request } from '@google-cloud/functions-framework';
import type { Response } from 'express';
import { z } from 'zod';
import { admitAvailabilityView, admitBookingAttempt, RateLimited } from '../../shared/abuse/abuse-limits';
import { clientKey } from '../../shared/abuse/client-address';
import { InvalidDateRange } from '../../shared/booking/availability';
import { hostAvailability, findHost } from '../../shared/booking/availability-service';
import { HostCalendarUnavailable, IdempotencyKeyInUse, IdempotencyKeyReused, SlotUnavailable, UnknownHost } from '../../shared/booking/errors';
import { GOOGLE_DEADLINE_MS } from '../../shared/booking/idempotency';
import { requestBooking } from '../../shared/booking/request-booking';
import { logEvent } from '../../shared/business-events';
import { multiLineText } from '../../shared/input/plain-text';
import { guestInput } from '../../shared/store/slots';
import { hasContentType, httpFunction, invalidRequest, type RequestContext } from '../http-function';
import type { BodyRule } from '../request-body';
import { ASSET_CACHE_CONTROL, clientAssets } from '../pages/client-assets';
import { services } from '../services';
import { manage } from './manage';
import { isReservedSlug } from '../../shared/accounts/slug';
import { renderBookingPage, renderUnknownHostPage, scriptSrcFor } from './page';

/** A booking is well under 4 KiB (its message at most 2,000 characters). */
const BODY: BodyRule = { maxBytes: 16 * 1024, parse: ['application/json', 'application/x-www-form-urlencoded'] };
const slug = z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}[a-z0-9]$/, 'must be a booking link name');
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD');

const availabilityQuery = z.object({ host: slug, from: isoDate, to: isoDate });

const bookingBody = z.object({
  host: slug,
  start: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time with a time zone' }).transform((v) => new Date(v)),
  guest: guestInput,
  // Kept with its line breaks: it goes into the event's description and mail bodies, never a header.
  message: multiLineText(2000).optional().transform((v) => v || null),
});

const idempotencyKey = z.string().regex(/^[\x21-\x7e]{1,255}$/, 'must be 1-255 visible ASCII characters').optional();

/** Who is asking, for the abuse limits: the X-Forwarded-For entry Google's front end appends. */
function clientOf(req: Request): string {
  return clientKey(req.header('x-forwarded-for'), req.socket.remoteAddress);
}

async function availability(req: Request, res: Response): Promise<void> {
  const query = availabilityQuery.safeParse(req.query);
  if (!query.success) return invalidRequest(res, query.error.issues);
  const s = services();
  await admitAvailabilityView({ ...s, limits: s.config.limits }, clientOf(req));
  const found = await hostAvailability(s, query.data.host, query.data.from, query.data.to);
  res.set('cache-control', 'no-store').json({
    host: found.host,
    slotMinutes: found.slotMinutes,
    slots: found.slots.map((s) => ({ start: s.start.toISOString(), end: s.end.toISOString() })),
  });
}

async function book(req: Request, res: Response, { log }: RequestContext): Promise<void> {
  if (!hasContentType(req, 'application/json')) {
    res.status(415).json({ error: 'unsupported_media_type', message: 'send the booking as application/json' });
    return;
  }
  const key = idempotencyKey.safeParse(req.header('idempotency-key'));
  if (!key.success) return invalidRequest(res, key.error.issues.map((i) => ({ ...i, path: ['Idempotency-Key'] })));
  const body = bookingBody.safeParse(req.body);
  if (!body.success) return invalidRequest(res, body.error.issues);
  try {
    await bookAdmitted(req, res, log, body.data, key.data);
  } catch (error) {
    // The guest's answer, by its error code; what is not a domain error is logged as unhandled.
    const refusal = refusalOf(error);
    if (refusal) logEvent(log, 'booking.refused', { host: body.data.host.slice(0, 200), ...refusal });
    throw error;
  }
}

/** A well-formed booking: through the abuse limits, then booked. */
async function bookAdmitted(req: Request, res: Response, log: RequestContext['log'], booking: z.infer<typeof bookingBody>, key: string | undefined): Promise<void> {
  const s = services();
  await admitBookingAttempt({ ...s, limits: s.config.limits }, { client: clientOf(req), host: booking.host, guestEmail: booking.guest.email, idempotencyKey: key });
  // Every Google call of the request ends by the deadline, however many it makes.
  const calendars = s.calendarsUntil(Date.now() + GOOGLE_DEADLINE_MS, false);
  const answer = await requestBooking({ ...s, calendars, googleInviteEnabled: s.config.googleInviteEnabled, log }, booking, key);
  if (answer.replayed) res.set('idempotent-replayed', 'true');
  res.status(answer.status).json(answer.body);
}

async function page(req: Request, res: Response, name: string): Promise<void> {
  const scriptSrc = scriptSrcFor(req.path, clientAssets().fileOf('booking-page'));
  try {
    const { host } = await findHost(services().subscribers, name);
    res.type('html').send(renderBookingPage({ slug: name, hostName: host.name, hostTimezone: host.timezone, slotMinutes: host.schedule.slotMinutes, scriptSrc }));
  } catch (error) {
    if (!(error instanceof UnknownHost)) throw error;
    res.status(404).type('html').send(renderUnknownHostPage(name));
  }
}

/** A bundle by its content-hashed name: the same name is the same bytes forever. */
function asset(res: Response, file: string): void {
  const body = clientAssets().content(file);
  if (!body) {
    res.status(404).set('cache-control', 'no-store').json({ error: 'not_found', message: 'no such file' });
    return;
  }
  res.set('cache-control', ASSET_CACHE_CONTROL).type('text/javascript; charset=utf-8').send(body);
}

/** A domain error's code and status as the guest is answered (answerError), for `booking.refused`. */
function refusalOf(error: unknown): { reason: string; httpStatus: number } | undefined {
  if (error instanceof UnknownHost) return { reason: 'unknown_host', httpStatus: 404 };
  if (error instanceof SlotUnavailable) return { reason: `slot_unavailable:${error.reason}`, httpStatus: 409 };
  if (error instanceof IdempotencyKeyReused) return { reason: 'idempotency_key_reused', httpStatus: 422 };
  if (error instanceof IdempotencyKeyInUse) return { reason: 'idempotency_key_in_use', httpStatus: 409 };
  if (error instanceof RateLimited) return { reason: 'rate_limited', httpStatus: 429 };
  if (error instanceof HostCalendarUnavailable) return { reason: `calendar_unavailable:${error.reason}`, httpStatus: 503 };
  return undefined;
}

/** Every domain error of this function, as HTTP. */
function answerError(res: Response, error: unknown, log: RequestContext['log']): boolean {
  if (error instanceof UnknownHost) res.status(404).json({ error: 'unknown_host', message: error.message });
  else if (error instanceof SlotUnavailable) res.status(409).json({ error: 'slot_unavailable', reason: error.reason, message: error.message });
  else if (error instanceof IdempotencyKeyReused) res.status(422).json({ error: 'idempotency_key_reused', message: error.message });
  else if (error instanceof IdempotencyKeyInUse) {
    res.status(409).set('retry-after', String(error.retryAfterSeconds)).json({ error: 'idempotency_key_in_use', message: error.message });
  }
  else if (error instanceof InvalidDateRange) invalidRequest(res, [{ path: ['from'], message: error.message }]);
  else if (error instanceof RateLimited) {
    logEvent(log, 'abuse.limited', { limit: error.limit, route: 'booking' });
    res.status(429).set('retry-after', String(error.retryAfterSeconds)).json({ error: 'rate_limited', limit: error.limit, retryAfterSeconds: error.retryAfterSeconds, message: error.message });
  }
  else if (error instanceof HostCalendarUnavailable) {
    res.status(503).set('retry-after', '30').json({ error: 'calendar_unavailable', reason: error.reason, message: error.message });
  } else return false;
  return true;
}

export const booking = httpFunction(async (req, res, context) => {
  const path = req.path.replace(/\/+$/, '') || '/';
  try {
    if (path === '/availability' && req.method === 'GET') return await availability(req, res);
    if (path === '/bookings' && req.method === 'POST') return await book(req, res, context);
    if (path === '/manage' && (await manage(req, res, context))) return;
    const assetFile = /^\/assets\/([^/]+)$/.exec(path)?.[1];
    if (assetFile && req.method === 'GET') return asset(res, assetFile);
    const pageSlug = /^\/([^/]+)$/.exec(path)?.[1];
    if (pageSlug && !isReservedSlug(pageSlug) && req.method === 'GET') return await page(req, res, pageSlug);
    if (['/availability', '/bookings', '/manage'].includes(path) || pageSlug || assetFile) {
      res.status(405).json({ error: 'method_not_allowed', message: `${req.method} is not allowed here` });
      return;
    }
    res.status(404).json({ error: 'not_found', message: 'no such endpoint' });
  } catch (error) {
    if (!answerError(res, error, context.log)) throw error;
  }
}, BODY);
