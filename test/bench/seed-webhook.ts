// The seed's notification strategy, to measure ours against (notifications.bench.ts): Thunderbird
// Appointment's webhook runs one incremental sync per push, at once, with no lease and no
// coalescing, so pushes that come together sync the same changes side by side. Here each push
// lists the changes since the calendar's stored sync token, applies each (our own
// applyEventChange, so the comparison is of the strategy, not of the mapping) and stores the next
// token. Also: a watch channel whose token we know, pointed at any address (ensureChannel keeps
// the token to itself and points at our webhook).
import { randomBytes } from 'node:crypto';
import { services } from '../../functions/services';
import { listen } from '../../infra/local/http';
import { newChannelId, REQUESTED_TTL_SECONDS } from '../../shared/channels/channel-service';
import { channelSchema, hashChannelToken } from '../../shared/channels/channels';
import { FRESH_STATE } from '../../shared/channels/watches';
import { CalendarGateway } from '../../shared/google/calendar';
import { parsePushHeaders } from '../../shared/sync/push-headers';
import { applyEventChange } from '../../shared/sync/apply-change';
import type { SyncDeps } from '../../shared/sync/sync-channel';
import type { TestHost } from '../support/system';

export interface KnownChannel {
  channelId: string;
  token: string;
  resourceId: string;
}

/** events.watch of the host's calendar to `address`, and its documents as ensureChannel leaves them. */
export async function watchTo(host: TestHost, address: string): Promise<KnownChannel> {
  const s = services();
  const session = new CalendarGateway(s.config.google).session({ id: host.id, refreshToken: host.refreshToken });
  const channelId = newChannelId();
  const token = randomBytes(32).toString('base64url');
  const watched = await session.watchEvents(host.calendarId, { channelId, address, token, ttlSeconds: REQUESTED_TTL_SECONDS });
  const syncToken = (await session.syncToken(host.calendarId)) ?? null;
  const now = s.now();
  const channel = channelSchema.parse({
    subscriberId: host.id,
    calendarId: host.calendarId,
    state: 'active',
    resourceId: watched.resourceId,
    resourceUri: watched.resourceUri,
    expiration: watched.expiration,
    tokenHash: hashChannelToken(token),
    lastMessageNumber: 0,
    createdAt: now,
    updatedAt: now,
  });
  await s.channels.channels.ref(channelId).set(channel);
  await s.channels.watches
    .refOf(host.id, host.calendarId)
    .set({ ...FRESH_STATE, syncToken, lastSyncedAt: now, subscriberId: host.id, calendarId: host.calendarId, channelId, watched: true, updatedAt: now });
  return { channelId, token, resourceId: watched.resourceId ?? '' };
}

/** One sync, as the seed runs it for every push. */
async function syncOnce(deps: SyncDeps, key: string): Promise<void> {
  const watch = await deps.watches.get(key);
  const host = watch ? await deps.subscribers.get(watch.subscriberId) : undefined;
  const session = watch && host ? deps.sessionFor(watch.subscriberId, host) : undefined;
  if (!watch?.syncToken || !host || !session) return;
  let next: string | undefined;
  for await (const page of session.changesSince(watch.calendarId, watch.syncToken)) {
    for (const event of page.events) await applyEventChange(deps, session, host, watch.calendarId, event);
    next = page.nextSyncToken ?? next;
  }
  if (next) await deps.watches.ref(key).update({ syncToken: next });
}

export async function startSeedWebhook(deps: SyncDeps) {
  const served = new Map<string, { channel: KnownChannel; key: string }>();
  let pushes = 0;
  let failures = 0;
  /** Syncs started and not yet ended: the work a phase leaves behind when it ends. */
  let inFlight = 0;
  const server = await listen((req, res) => {
    const headers = parsePushHeaders(req.headers);
    const known = headers.success ? served.get(headers.data.channelId) : undefined;
    req.resume();
    if (!headers.success || !known || headers.data.token !== known.channel.token) return void res.writeHead(404).end();
    if (headers.data.resourceState === 'sync') return void res.writeHead(200).end();
    pushes += 1;
    inFlight += 1;
    syncOnce(deps, known.key).then(
      () => {
        inFlight -= 1;
        res.writeHead(200).end();
      },
      (error: unknown) => {
        inFlight -= 1;
        failures += 1;
        // A few, to say why (races between its syncs, mostly); the count is in the bench's rows.
        if (failures <= 3) console.error('seed webhook: a sync failed:', error instanceof Error ? error.message : error);
        res.writeHead(500).end();
      },
    );
  }, 0);
  return {
    url: server.url,
    serve(channel: KnownChannel, key: string) {
      served.set(channel.channelId, { channel, key });
    },
    pushes: () => pushes,
    failures: () => failures,
    inFlight: () => inFlight,
    close: () => server.close(),
  };
}
