// The `googleWebhook` function: Google's push notifications for our watch channels.
// Missing or malformed headers → 400; a push that is not from our channel → 404, nothing written;
// `sync` → 200; a change → sync now, within a time budget, then 200. Only when the need to sync
// could not even be recorded do we answer 5xx (then Google's retry is what we want).
import { logEvent } from '../../shared/business-events';
import { countPush } from '../../shared/ops/push-metrics';
import { parsePushHeaders } from '../../shared/sync/push-headers';
import { receivePush } from '../../shared/sync/receive-push';
import { syncChannel } from '../../shared/sync/sync-channel';
import { httpFunction, invalidRequest } from '../http-function';
import type { BodyRule } from '../request-body';
import { services, syncDeps } from '../services';

/** Time for the sync inside the request; what does not fit stays dirty for the next push or run. */
const SYNC_BUDGET_MS = 8_000;

/** A push is its headers: its body is empty (or, for other APIs, small) and never read as data. */
const BODY: BodyRule = { maxBytes: 4 * 1024, parse: [] };

export const googleWebhook = httpFunction(async (req, res, { log }) => {
  if (req.method !== 'POST') return void res.status(405).set('allow', 'POST').json({ error: 'method_not_allowed' });
  const headers = parsePushHeaders(req.headers);
  if (!headers.success) return invalidRequest(res, headers.error.issues);
  const push = headers.data;
  const s = services();
  const arrived = Date.now();
  const verdict = await receivePush({ channels: s.channels.channels, watches: s.channels.watches, now: s.now }, push);
  if (verdict.kind === 'refused') {
    // Cut to a channel id's length: the header is the sender's to fill.
    log.warn({ channelId: push.channelId.slice(0, 64) }, 'push refused: unknown channel, token or resource');
    logEvent(log, 'push.received', { channelId: push.channelId.slice(0, 64), outcome: 'refused' });
    countPush(s.db, log, 'refused', s.now());
    return void res.status(404).end();
  }
  if (verdict.kind !== 'changed') {
    logEvent(log, 'push.received', { channelId: push.channelId, outcome: verdict.kind === 'sync_message' ? 'ignored' : 'coalesced', messageNumber: push.messageNumber });
    if (verdict.kind !== 'sync_message') countPush(s.db, log, 'coalesced', s.now());
    return void res.status(200).end();
  }
  try {
    const report = await syncChannel({ ...syncDeps({ forPush: true }), log }, push.channelId, SYNC_BUDGET_MS, push.messageNumber);
    logEvent(log, 'push.received', {
      channelId: push.channelId,
      // Queued: a sync already holding the calendar runs again for this change.
      outcome: report.outcome === 'queued' ? 'coalesced' : 'handled',
      messageNumber: push.messageNumber,
      syncOutcome: report.outcome,
      changes: report.changes,
      lagMs: Date.now() - arrived,
    });
    countPush(s.db, log, report.outcome === 'queued' ? 'coalesced' : 'handled', s.now(), report.outcome === 'synced' ? Date.now() - arrived : undefined);
  } catch (error) {
    // The lease transaction failed: the need to sync is not recorded anywhere. Let Google retry.
    log.error({ err: error, channelId: push.channelId }, 'could not record or run the sync');
    logEvent(log, 'push.received', { channelId: push.channelId, outcome: 'failed', messageNumber: push.messageNumber });
    return void res.status(503).end();
  }
  res.status(200).end();
}, BODY);
