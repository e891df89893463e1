// The emulator's own control API under /emulator/v1 (no auth): set up accounts and calendars, act
// as a guest answering in Google, inject faults, steer push delivery, read the mail "Google" sent,
// move the clock, count requests and reset. Bad input answers 400 with a message.
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { readBody, sendJson } from '../http';
import { DEFAULT_TIME_ZONE } from './calendars';
import { ControlInputError } from './errors';
import { eventResource } from './event-resource';
import { checkAddress, MAX_TTL_S } from './push';
import type { EmulatorState } from './state';

const emailSchema = z.string().trim().regex(/^[^\s@]+@[^\s@]+$/, 'must be an email address');

const accountSchema = z.object({ email: emailSchema, name: z.string().optional() });
const calendarSchema = z.object({
  summary: z.string().min(1),
  timeZone: z
    .string()
    .refine((zone) => DateTime.local().setZone(zone).isValid, 'must be an IANA time zone')
    .optional(),
});
const shareSchema = z.object({ email: emailSchema, role: z.enum(['reader', 'writer', 'none']) });
const respondSchema = z.object({ email: emailSchema, responseStatus: z.enum(['accepted', 'declined', 'tentative']) });
const faultSchema = z
  .object({
    method: z.string().min(1).optional(),
    pathContains: z.string().min(1).optional(),
    status: z.number().int().refine((status) => status === 0 || (status >= 400 && status <= 599), 'must be 0 or an HTTP error status').optional(),
    reason: z.string().min(1).optional(),
    count: z.number().int().min(1),
    delayMs: z.number().int().min(0).max(120_000).optional(),
    hold: z.boolean().optional(),
    afterCall: z.boolean().optional(),
  })
  .refine((fault) => Boolean(fault.status) || fault.delayMs !== undefined || fault.hold === true, 'give a status, a delayMs, hold, or some of them')
  .refine((fault) => !fault.afterCall || Boolean(fault.status), 'afterCall needs a status to answer with');
const oidcTokenSchema = z.object({
  email: emailSchema,
  audience: z.string().min(1),
  lifetimeSeconds: z.number().int().min(1).max(86_400).default(3600),
  /** When the token was issued, epoch ms; default the emulator's now. Past values make expired tokens. */
  issuedAtMs: z.number().int().min(0).optional(),
});
const channelPolicySchema = z.object({ maxTtlSeconds: z.number().int().min(60).max(MAX_TTL_S) });
const pushSchema = z.object({ mode: z.enum(['normal', 'drop', 'duplicate', 'reorder']) });
/** Accounts one bulk call makes at most: a simulation seeds 100,000 hosts in calls of this size. */
const MAX_BULK = 1000;
const bulkChannelSchema = z.object({
  id: z.string().min(1).max(64),
  token: z.string().max(256).optional(),
  address: z.string().refine((address) => {
    try {
      checkAddress(address);
      return true;
    } catch {
      return false;
    }
  }, 'must be an https address (http for loopback)'),
  /** When the channel expires, epoch ms of the emulator's clock (capped by the channel policy). */
  expiration: z.number().int().min(0),
});
const bulkSchema = z
  .object({ accounts: z.array(z.object({ email: emailSchema, name: z.string().optional(), channel: bulkChannelSchema.optional() })).min(1).max(MAX_BULK) })
  .superRefine(({ accounts }, context) => {
    const ids = accounts.flatMap(({ channel }) => (channel ? [channel.id] : []));
    const twice = ids.find((id, index) => ids.indexOf(id) !== index);
    if (twice !== undefined) context.addIssue({ code: 'custom', path: ['accounts'], message: `channel id ${twice} is given twice` });
  });
const windowsSchema = z.object({ windowMs: z.number().int().min(0).max(86_400_000) });
const eventBodySchema = z.record(z.string(), z.unknown());
const clockSchema = z
  .object({ nowMs: z.number().int().min(0).optional(), advanceMs: z.number().int().optional() })
  .refine((clock) => clock.nowMs !== undefined || clock.advanceMs !== undefined, 'give nowMs or advanceMs');

async function input<T>(req: IncomingMessage, schema: z.ZodType<T>): Promise<T> {
  const text = (await readBody(req)).toString('utf8');
  let body: unknown;
  try {
    body = text.trim() === '' ? {} : JSON.parse(text);
  } catch {
    throw new ControlInputError('the body is not JSON');
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    throw new ControlInputError(parsed.error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`).join('; '));
  }
  return parsed.data;
}

function notFound(what: string): ControlInputError {
  return new ControlInputError(`no such ${what}`, 404);
}

/** Serves one control call; `path` is what follows /emulator/v1/. */
export async function handleControl(state: EmulatorState, method: string, path: string[], url: URL, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const [first, second, third, fourth, fifth] = path;
  const route = `${method} ${first ?? ''}`;

  if (route === 'POST accounts' && path.length === 1) {
    const { email, name } = await input(req, accountSchema);
    return sendJson(res, 200, state.createAccount(email, name ?? email.split('@')[0] ?? email));
  }
  if (route === 'POST accounts' && second === 'bulk' && path.length === 2) {
    // Everything is checked before anything is made: a refused call leaves no account or channel.
    const { accounts } = await input(req, bulkSchema);
    const now = state.clock.now();
    for (const { channel } of accounts) {
      if (channel && state.push.isLive(channel.id)) throw new ControlInputError(`channel id ${channel.id} is live already`);
      if (channel && channel.expiration <= now) throw new ControlInputError(`the expiration of channel ${channel.id} is not in the future`);
    }
    const baseUrl = `http://${req.headers.host ?? 'localhost'}`;
    const made = accounts.map(({ email, name, channel }) => {
      const account = state.createAccount(email, name ?? email.split('@')[0] ?? email);
      const calendar = state.calendars.find(account.calendarId);
      if (!channel || !calendar) return account;
      const resourceUri = `${baseUrl}/calendar/v3/calendars/${encodeURIComponent(calendar.id)}/events?alt=json`;
      const watched = state.push.watch(calendar, { id: channel.id, type: 'web_hook', address: channel.address, token: channel.token, expiration: channel.expiration }, resourceUri);
      return { ...account, channel: { id: watched.id, resourceId: watched.resourceId, resourceUri: watched.resourceUri, expiration: watched.expirationMs } };
    });
    return sendJson(res, 200, made);
  }
  if (route === 'POST accounts' && second !== undefined && path.length === 3) {
    const account = state.accounts.find(second);
    if (!account) throw notFound(`account ${second}`);
    if (third === 'calendars') {
      const { summary, timeZone } = await input(req, calendarSchema);
      return sendJson(res, 200, { calendarId: state.createCalendar(account, summary, timeZone ?? DEFAULT_TIME_ZONE).id });
    }
    if (third === 'revoke') {
      state.oauth.revokeAccount(account.email);
      return sendJson(res, 200, { email: account.email, revoked: true });
    }
    if (third === 'reassign') return sendJson(res, 200, state.reassignAccount(account.email));
  }
  if (route === 'POST calendars' && second !== undefined) {
    const calendar = state.calendars.find(second);
    if (third === 'events' && fourth !== undefined && fifth === 'respond' && path.length === 5) {
      const { email, responseStatus } = await input(req, respondSchema);
      if (!calendar) throw notFound(`calendar ${second}`);
      const event = state.events.respond(calendar, fourth, email, responseStatus);
      return sendJson(res, 200, eventResource(event, calendar));
    }
    // The calendar's owner in Google's own UI: a change as the API makes it, but no API call counted.
    if (third === 'events' && path.length === 3) {
      const body = await input(req, eventBodySchema);
      if (!calendar) throw notFound(`calendar ${second}`);
      return sendJson(res, 200, eventResource(state.events.insert(calendar, calendar.ownerEmail, body, 'none'), calendar));
    }
    if (third === 'events' && fourth !== undefined && fifth === 'delete' && path.length === 5) {
      if (!calendar) throw notFound(`calendar ${second}`);
      state.events.delete(calendar, fourth, 'all');
      return sendJson(res, 200, { calendarId: calendar.id, eventId: fourth, status: 'cancelled' });
    }
    if (third === 'share' && path.length === 3) {
      const { email, role } = await input(req, shareSchema);
      if (!calendar) throw notFound(`calendar ${second}`);
      const account = state.accounts.find(email);
      if (!account) throw notFound(`account ${email}`);
      if (account.email === calendar.ownerEmail) throw new ControlInputError('the owner of a calendar cannot be given another role on it');
      state.calendars.share(calendar, account, role);
      return sendJson(res, 200, { calendarId: calendar.id, email: account.email, role });
    }
    if (third === 'sync-tokens' && fourth === 'invalidate' && path.length === 4) {
      if (!calendar) throw notFound(`calendar ${second}`);
      calendar.syncGeneration += 1;
      return sendJson(res, 200, { calendarId: calendar.id });
    }
  }
  if (first === 'requests' && second === 'windows' && path.length === 2) {
    if (method === 'POST') {
      const { windowMs } = await input(req, windowsSchema);
      state.requests.countWindows(windowMs);
      return sendJson(res, 200, { windowMs });
    }
    if (method === 'GET') return sendJson(res, 200, state.requests.windowCounts());
  }
  // Lets every call held by a `hold` fault go on; answers how many were waiting.
  if (route === 'POST faults' && second === 'release' && path.length === 2) return sendJson(res, 200, { released: state.timers.releaseHeld() });
  if (path.length === 1) {
    switch (route) {
      case 'POST faults': {
        const fault = await input(req, faultSchema);
        state.faults.add(fault);
        return sendJson(res, 200, fault);
      }
      case 'DELETE faults':
        state.faults.clear();
        return void res.writeHead(204).end();
      case 'POST push': {
        const { mode } = await input(req, pushSchema);
        state.push.setMode(mode);
        return sendJson(res, 200, { mode });
      }
      case 'POST channel-policy': {
        // Google grants at most what it wants ("expiration" in the watch answer is the truth):
        // a shorter cap makes channels renew often in tests that simulate weeks.
        const { maxTtlSeconds } = await input(req, channelPolicySchema);
        state.push.setMaxTtl(maxTtlSeconds);
        return sendJson(res, 200, { maxTtlSeconds });
      }
      case 'GET mail':
        return sendJson(res, 200, state.mailbox.list(url.searchParams.get('to') ?? undefined));
      case 'GET channels':
        return sendJson(
          res,
          200,
          state.push.liveChannels().map((channel) => ({
            id: channel.id,
            resourceId: channel.resourceId,
            calendarId: channel.calendarId,
            address: channel.address,
            expiration: channel.expirationMs,
            lastMessageNumber: channel.lastMessageNumber,
          })),
        );
      case 'POST oidc-token': {
        // A service account's OIDC token, as Cloud Scheduler sends one, signed with the key
        // published at /oauth2/v1/certs.
        const { email, audience, lifetimeSeconds, issuedAtMs } = await input(req, oidcTokenSchema);
        const iat = Math.floor((issuedAtMs ?? state.clock.now()) / 1000);
        const subject = BigInt.asUintN(64, BigInt(`0x${createHash('sha256').update(email).digest('hex').slice(0, 16)}`)).toString();
        const token = state.keys.signJwt({ iss: 'https://accounts.google.com', aud: audience, azp: subject, sub: subject, email, email_verified: true, iat, exp: iat + lifetimeSeconds });
        return sendJson(res, 200, { token });
      }
      case 'GET clock':
        return sendJson(res, 200, { nowMs: state.clock.now() });
      case 'POST clock': {
        const { nowMs, advanceMs } = await input(req, clockSchema);
        if (nowMs !== undefined) state.clock.set(nowMs);
        if (advanceMs !== undefined) state.clock.advance(advanceMs);
        return sendJson(res, 200, { nowMs: state.clock.now() });
      }
      case 'GET requests':
        return sendJson(res, 200, state.requests.snapshot());
      case 'POST reset':
        state.reset();
        return void res.writeHead(204).end();
    }
  }
  throw new ControlInputError(`the control API has no ${method} /emulator/v1/${path.join('/')}`, 404);
}
