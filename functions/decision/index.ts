// The `decision` function: the host's Confirm / Decline links (`deny` in the URL contract).
//   GET  /?token=...            a page with the request and both buttons; changes nothing
//                               (mail scanners open links)
//   POST /  {token, action}     form or JSON: carries the decision out
// Answers HTML to forms and browsers, JSON to JSON clients.
import type { Request } from '@google-cloud/functions-framework';
import type { Response } from 'express';
import { z } from 'zod';
import { carryOutDecision, openDecision, type DecisionOutcome } from '../../shared/booking/decide';
import { InvalidLink, LinkExpired } from '../../shared/booking/decision-links';
import { HostCalendarUnavailable } from '../../shared/booking/errors';
import { oneLineText } from '../../shared/input/plain-text';
import { SlotNotFound, type Slot } from '../../shared/store/slots';
import type { Subscriber } from '../../shared/store/subscribers';
import { hasContentType, httpFunction, invalidRequest, type RequestContext } from '../http-function';
import type { BodyRule } from '../request-body';
import { services } from '../services';
import { renderDecisionConflict, renderDecisionDone, renderDecisionError, renderDecisionPage, renderDecisionUnavailable } from './page';

// Our tokens are base64url and a dot: control characters or broken Unicode are bad input (400), not a forged link.
const token = oneLineText(2048).min(1);
/** A token and an action, as a form or JSON. */
const BODY: BodyRule = { maxBytes: 8 * 1024, parse: ['application/json', 'application/x-www-form-urlencoded'] };
const decisionBody = z.object({ token, action: z.enum(['confirm', 'deny']) });

function viewOf(slot: Slot, host: Subscriber) {
  return {
    hostName: host.name,
    guestName: slot.guest.name,
    guestEmail: slot.guest.email,
    message: slot.message,
    start: slot.start,
    end: slot.end,
    hostTimezone: host.timezone,
    status: slot.status,
    inviteMode: slot.inviteMode,
  };
}

function wantsJson(req: Request): boolean {
  return hasContentType(req, 'application/json') || (req.accepts(['html', 'json']) === 'json' && !hasContentType(req, 'application/x-www-form-urlencoded'));
}

/** The forms post to this function's public root, the same base the mailed links use. */
function actionUrl(): string {
  return `${services().config.publicBaseUrl}/decision`;
}

async function show(req: Request, res: Response): Promise<void> {
  const given = token.safeParse(req.query.token);
  if (!given.success) return void res.status(400).type('html').send(renderDecisionError('invalid'));
  const s = services();
  const opened = await openDecision(s, given.data);
  const expiresAt = opened.grant.expiresAt;
  res
    .set('cache-control', 'no-store')
    .type('html')
    .send(
      renderDecisionPage({
        ...viewOf(opened.slot, opened.host),
        actionUrl: actionUrl(),
        tokens: { confirm: s.links.token(opened.slotId, 'confirm', expiresAt), deny: s.links.token(opened.slotId, 'deny', expiresAt) },
      }),
    );
}

function answerOutcome(req: Request, res: Response, outcome: DecisionOutcome): void {
  const view = viewOf(outcome.slot, outcome.host);
  if (outcome.kind === 'conflict') {
    if (wantsJson(req)) res.status(409).json({ error: 'already_decided', status: outcome.slot.status });
    else res.status(409).type('html').send(renderDecisionConflict(view));
    return;
  }
  if (wantsJson(req)) res.json({ status: outcome.slot.status, action: outcome.action, repeated: outcome.repeated });
  else res.type('html').send(renderDecisionDone(view, outcome.action, outcome.repeated));
}

async function act(req: Request, res: Response, { log }: RequestContext): Promise<void> {
  if (!hasContentType(req, 'application/json') && !hasContentType(req, 'application/x-www-form-urlencoded')) {
    res.status(415).json({ error: 'unsupported_media_type', message: 'send a form or JSON' });
    return;
  }
  const body = decisionBody.safeParse(req.body);
  if (!body.success) return invalidRequest(res, body.error.issues);
  const s = services();
  const outcome = await carryOutDecision({ ...s, log }, body.data.token, body.data.action);
  answerOutcome(req, res, outcome);
}

/** Every domain error of this function, as HTTP: a page for people, JSON for programs. */
function answerError(req: Request, res: Response, error: unknown): boolean {
  const json = req.method === 'POST' && wantsJson(req);
  const send = (status: number, code: string, page: string) => (json ? res.status(status).json({ error: code }) : res.status(status).type('html').send(page));
  if (error instanceof InvalidLink) send(401, 'invalid_token', renderDecisionError('invalid'));
  else if (error instanceof LinkExpired) send(410, 'link_expired', renderDecisionError('expired'));
  else if (error instanceof SlotNotFound) send(404, 'not_found', renderDecisionError('not_found'));
  else if (error instanceof HostCalendarUnavailable) {
    res.set('retry-after', '30');
    send(503, 'calendar_unavailable', renderDecisionUnavailable());
  } else return false;
  return true;
}

export const decision = httpFunction(async (req, res, context) => {
  const path = req.path.replace(/\/+$/, '') || '/';
  try {
    if (path !== '/') return void res.status(404).json({ error: 'not_found', message: 'no such endpoint' });
    if (req.method === 'GET') return await show(req, res);
    if (req.method === 'POST') return await act(req, res, context);
    res.status(405).set('allow', 'GET, POST').json({ error: 'method_not_allowed', message: `${req.method} is not allowed here` });
  } catch (error) {
    if (!answerError(req, res, error)) throw error;
  }
}, BODY);
