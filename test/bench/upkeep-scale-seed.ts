// Seeding the upkeep scale simulation (./upkeep-scale.bench.ts): hosts as first-time setup leaves
// them, at a pace 100,000 allows. Not the sign-in flow (seconds per host) nor ensureChannel (two
// transactions per host): the emulator makes the accounts with a channel each, a thousand a call
// (control API `POST /accounts/bulk`), and a BulkWriter writes what our code would have stored:
// - the subscriber, as putHost stores it (refresh token sealed by the TokenCipher, checked by its
//   schema), with an all-day schedule that confirms bookings at once;
// - the channel, active, as ensureChannel completes it (its bucket written by the converter);
// - the (host, calendar) watch naming it, with no sync token yet (its first reconcile is a full
//   resync, as after a 410) and a last sync spread over the day before: the idle calendars'
//   reconciles then come spread over the hours, as in an install that has run for a while.
// Channel expirations are spread over the renewal cycle for the same reason.
import { randomBytes } from 'node:crypto';
import { BulkWriter } from '@google-cloud/firestore';
import { services } from '../../functions/services';
import { newChannelId } from '../../shared/channels/channel-service';
import { channelSchema, hashChannelToken } from '../../shared/channels/channels';
import { FRESH_STATE } from '../../shared/channels/watches';
import { subscriberSchema } from '../../shared/store/subscribers';
import type { TestSystem } from '../support/system';

/** Accounts per bulk call: the control API's most. */
const BULK = 1000;
const ALL_DAY = [{ start: '00:00', end: '23:55' }];
const WEEK = { monday: ALL_DAY, tuesday: ALL_DAY, wednesday: ALL_DAY, thursday: ALL_DAY, friday: ALL_DAY, saturday: ALL_DAY, sunday: ALL_DAY };

export interface SeededHost {
  id: string;
  slug: string;
  calendarId: string;
}

export interface SeedPlan {
  hosts: number;
  /** A channel's expiration falls evenly in [from, from + spreadMs). */
  expiresFrom: number;
  expirySpreadMs: number;
  /** Last syncs fall evenly in the `syncSpreadMs` before now. */
  syncSpreadMs: number;
}

interface BulkAccount {
  email: string;
  subject: string;
  refreshToken: string;
  calendarId: string;
  channel: { id: string; resourceId: string; resourceUri: string; expiration: number };
}

export function hostId(index: number): string {
  return `uh-${index}`;
}

export async function seedHosts(sys: TestSystem, plan: SeedPlan, progress: (done: number) => void): Promise<SeededHost[]> {
  const s = services();
  const address = `${s.config.publicBaseUrl}/googleWebhook`;
  const writer: BulkWriter = s.db.bulkWriter();
  // The emulator has a moment under a flood of writes: retry what it refuses, as BulkWriter can.
  writer.onWriteError((error) => error.failedAttempts < 10);
  const hosts: SeededHost[] = [];
  for (let first = 0; first < plan.hosts; first += BULK) {
    const indexes = Array.from({ length: Math.min(BULK, plan.hosts - first) }, (_, i) => first + i);
    const tokens = new Map<string, string>();
    const accounts = indexes.map((i) => {
      const id = newChannelId();
      const token = randomBytes(32).toString('base64url');
      tokens.set(id, token);
      const expiration = Math.round(plan.expiresFrom + (i / plan.hosts) * plan.expirySpreadMs);
      return { email: `${hostId(i)}@hosts.example.test`, name: `Host ${i}`, channel: { id, token, address, expiration } };
    });
    const made = await sys.control<BulkAccount[]>('/accounts/bulk', { accounts });
    const now = s.now();
    for (const [n, account] of made.entries()) {
      const i = indexes[n]!;
      const id = hostId(i);
      const subscriber = subscriberSchema.parse({
        name: `Host ${i}`,
        email: account.email,
        timezone: 'Europe/Berlin',
        googleSubject: account.subject,
        google: { accountEmail: account.email, refreshToken: s.cipher.encrypt(account.refreshToken), status: 'ok', connectedAt: now },
        defaultCalendar: { provider: 'google', calendarId: account.calendarId },
        schedule: { slug: id, slotMinutes: 30, weekly: WEEK, minNoticeHours: 24, maxDaysAhead: 14, autoConfirm: true },
        createdAt: now,
        updatedAt: now,
      });
      const channel = channelSchema.parse({
        subscriberId: id,
        calendarId: account.calendarId,
        state: 'active',
        resourceId: account.channel.resourceId,
        resourceUri: account.channel.resourceUri,
        expiration: new Date(account.channel.expiration),
        tokenHash: hashChannelToken(tokens.get(account.channel.id)!),
        lastMessageNumber: 0,
        createdAt: now,
        updatedAt: now,
      });
      // Spread by a stride, not by index: neighbouring hosts are not synced one after another.
      const lastSyncedAt = new Date(now.getTime() - (((i * 7919) % plan.hosts) / plan.hosts) * plan.syncSpreadMs);
      void writer.set(s.db.collection('subscribers').doc(id), subscriber);
      void writer.set(s.channels.channels.ref(account.channel.id), channel);
      void writer.set(s.channels.watches.refOf(id, account.calendarId), {
        ...FRESH_STATE,
        lastSyncedAt,
        subscriberId: id,
        calendarId: account.calendarId,
        channelId: account.channel.id,
        watched: true,
        updatedAt: now,
      });
      hosts.push({ id, slug: id, calendarId: account.calendarId });
    }
    await writer.flush();
    progress(first + indexes.length);
  }
  await writer.close();
  return hosts;
}
