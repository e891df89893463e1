// A fault-and-load run (issue 12, "Proof, with figures"): a few hundred bookings from racing
// guests and same-key retries, against a Google that answers 429 / 500 / slowly and pushes
// dropped, duplicated and reordered; guests declining and hosts moving and deleting in Google;
// the mail service down for a while; then one scheduled run. Not a timed test: it prints the
// invariants it checked and how many of each held, and exits non-zero if one failed.
import { randomUUID } from 'node:crypto';
import { services } from '../../functions/services';
import { EVENT_TAG, eventIdForSlot, SLOT_ID_PROPERTY } from '../../shared/google/event-identity';
import { DEDUPE_HEADER } from '../../shared/mail/mailer';
import { forEachWithin } from '../../shared/work-pool';
import { availability, GUEST, type OfferedSlot } from '../support/booking-client';
import type { TestHost, TestSystem } from '../support/system';
import { withLocalSystem } from './local-system';
import { round } from './stats';

const HOSTS = Number(process.env.BENCH_CHAOS_HOSTS ?? 6);
const SCENARIOS_PER_HOST = Number(process.env.BENCH_CHAOS_SCENARIOS ?? 40);

interface Answer {
  status: number;
  error?: string;
  slotId?: string;
  replayed: boolean;
}

interface GoogleEvent {
  id: string;
  status: string;
  start?: { dateTime?: string };
  end?: { dateTime?: string };
  extendedProperties?: { private?: Record<string, string> };
}

interface StoredSlot {
  subscriberId: string;
  status: string;
  start: { toDate(): Date };
  end: { toDate(): Date };
  notices: string[];
  history: { cause: string }[];
}

/** Each simulated client comes from its own address, as Cloud Run's front end reports it. */
function clientAddress(): string {
  const n = Math.floor(Math.random() * 65_000);
  return `203.0.${n >> 8}.${n & 255}`;
}

async function book(sys: TestSystem, host: TestHost, slot: OfferedSlot, key: string, address: string, n: number): Promise<Answer> {
  const res = await fetch(`${sys.functionsUrl}/booking/bookings`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': key, 'x-forwarded-for': address },
    body: JSON.stringify({ host: host.slug, start: slot.start, guest: { ...GUEST, name: `Guest ${n}`, email: `guest${n}@example.org` } }),
  });
  const body = (await res.json().catch(() => ({}))) as { slotId?: string; error?: string };
  return { status: res.status, error: body.error, slotId: body.slotId, replayed: res.headers.get('idempotent-replayed') === 'true' };
}

async function hostApi<T>(sys: TestSystem, host: TestHost, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${sys.google.url}/calendar/v3/calendars/${encodeURIComponent(host.calendarId)}/events${path}`, {
    method,
    headers: { authorization: `Bearer ${await sys.accessToken(host)}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (res.status === 204 ? undefined : await res.json().catch(() => undefined)) as T };
}

async function taggedEvents(sys: TestSystem, host: TestHost): Promise<GoogleEvent[]> {
  const events: GoogleEvent[] = [];
  let pageToken: string | undefined;
  do {
    const query = new URLSearchParams({ privateExtendedProperty: `${EVENT_TAG.key}=${EVENT_TAG.value}`, showDeleted: 'true', maxResults: '2500' });
    if (pageToken) query.set('pageToken', pageToken);
    const page = await hostApi<{ items: GoogleEvent[]; nextPageToken?: string }>(sys, host, 'GET', `?${query}`);
    events.push(...page.body.items);
    pageToken = page.body.nextPageToken;
  } while (pageToken);
  return events;
}

async function settle(sys: TestSystem, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    // The sync's lease and dirty mark are the watched calendar's (googleCalendarWatches).
    const watches = await sys.db.collection('googleCalendarWatches').get();
    if (watches.docs.every((doc) => !doc.get('lease') && !doc.get('dirty'))) return true;
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

export function run(): Promise<Record<string, unknown>[]> {
  return withLocalSystem({ GOOGLE_INVITE_ENABLED: 'true', SCHEDULER_AUTH: 'off', RECONCILE_INTERVAL_MINUTES: '0' }, async (sys) => {
    const started = performance.now();
    const hosts: TestHost[] = [];
    for (let i = 0; i < HOSTS; i += 1) {
      const host = await sys.createHost({ autoConfirm: i % 2 === 0 });
      const subscriber = await services().subscribers.get(host.id);
      await services().channels.ensureChannel(host.id, subscriber!, host.calendarId);
      hosts.push(host);
    }

    // Phase 1: bookings against a Google that fails and stalls, pushes coming every which way.
    await sys.control('/faults', { pathContains: '/events', status: 429, count: 25 });
    await sys.control('/faults', { pathContains: '/events', status: 500, count: 25 });
    await sys.control('/faults', { pathContains: '/events', delayMs: 700, count: 40 });
    await sys.control('/push', { mode: 'duplicate' });
    const answers: Answer[] = [];
    let guest = 0;
    const scenarios = hosts.flatMap((host) => Array.from({ length: SCENARIOS_PER_HOST }, (_, n) => ({ host, n })));
    const offered = new Map<string, OfferedSlot[]>();
    for (const host of hosts) offered.set(host.id, (await availability(sys.functionsUrl, host.slug)).slots.slice(10));
    await forEachWithin(scenarios, { concurrency: 12, deadline: Infinity }, async ({ host, n }) => {
      const slot = offered.get(host.id)![n * 3]!;
      if (n === SCENARIOS_PER_HOST / 2) await sys.control('/push', { mode: 'reorder' });
      if (n % 3 === 0) {
        // Three guests want the same time: one wins, the others a clean 409.
        const race = [0, 1, 2].map(() => book(sys, host, slot, randomUUID(), clientAddress(), (guest += 1)));
        answers.push(...(await Promise.all(race)));
      } else {
        // An impatient client: the same request twice at once, then once more.
        const key = randomUUID();
        const address = clientAddress();
        const n2 = (guest += 1);
        answers.push(...(await Promise.all([book(sys, host, slot, key, address, n2), book(sys, host, slot, key, address, n2)])));
        answers.push(await book(sys, host, slot, key, address, n2));
      }
    });

    // Phase 2: what people do in Google, with pushes dropped for a while and the mail down.
    await sys.control('/push', { mode: 'drop' });
    await fetch(`${sys.mail.url}/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ status: 503, count: 40 }) });
    const created = [...new Set(answers.filter((a) => a.status === 201 && a.slotId).map((a) => a.slotId!))];
    const slotHost = new Map<string, TestHost>();
    for (const slotId of created) {
      const doc = (await sys.db.doc(`slots/${slotId}`).get()).data() as StoredSlot | undefined;
      const host = hosts.find((h) => h.id === doc?.subscriberId);
      if (host) slotHost.set(slotId, host);
    }
    let declined = 0;
    let moved = 0;
    let deleted = 0;
    await forEachWithin(created.map((slotId, index) => ({ slotId, index })), { concurrency: 8, deadline: Infinity }, async ({ slotId, index }) => {
      const host = slotHost.get(slotId);
      if (!host) return;
      if (index === Math.floor(created.length / 2)) await sys.control('/push', { mode: 'normal' });
      const eventId = eventIdForSlot(slotId);
      const roll = index % 10;
      if (roll === 0 || roll === 1) {
        const event = await hostApi<{ attendees?: { email: string; self?: boolean }[] }>(sys, host, 'GET', `/${eventId}`);
        const guestEmail = event.body.attendees?.find((a) => !a.self)?.email;
        if (guestEmail) {
          await sys.control(`/calendars/${encodeURIComponent(host.calendarId)}/events/${eventId}/respond`, { email: guestEmail, responseStatus: 'declined' });
          declined += 1;
        }
      } else if (roll === 2) {
        const event = await hostApi<GoogleEvent>(sys, host, 'GET', `/${eventId}`);
        const start = Date.parse(event.body.start?.dateTime ?? '') + 24 * 60 * 60_000;
        const res = await hostApi(sys, host, 'PATCH', `/${eventId}`, {
          start: { dateTime: new Date(start).toISOString() },
          end: { dateTime: new Date(start + 30 * 60_000).toISOString() },
        });
        if (res.status === 200) moved += 1;
      } else if (roll === 3) {
        if ((await hostApi(sys, host, 'DELETE', `/${eventId}`)).status === 204) deleted += 1;
      }
    });
    await sys.control('/push', { mode: 'normal' });

    // Phase 3: pushes settle, then one scheduled run reconciles every channel and sends the outbox.
    const settled = await settle(sys, 60_000);
    const run = await fetch(`${sys.functionsUrl}/renewChannels`, { method: 'POST' });
    const summary = (await run.json()) as Record<string, unknown>;
    await settle(sys, 30_000);

    const violations = await checkInvariants(sys, hosts, created);
    const outbox = await sys.db.collection('mailOutbox').get();
    const mailStates = outbox.docs.reduce<Record<string, number>>((states, doc) => ({ ...states, [String(doc.get('status'))]: (states[String(doc.get('status'))] ?? 0) + 1 }), {});
    const count = (test: (a: Answer) => boolean) => answers.filter(test).length;
    const serverErrors = count((a) => a.status >= 500 && a.status !== 503);
    const rows: Record<string, unknown>[] = [
      { measure: 'booking requests', value: answers.length },
      { measure: 'bookings created (201, distinct)', value: created.length },
      { measure: 'answers replayed (same key)', value: count((a) => a.replayed) },
      { measure: 'answers 409 slot_unavailable (another guest has the time)', value: count((a) => a.error === 'slot_unavailable') },
      { measure: 'answers 409 idempotency_key_in_use (same key in flight)', value: count((a) => a.error === 'idempotency_key_in_use') },
      { measure: 'answers 429 (abuse limits)', value: count((a) => a.status === 429) },
      { measure: 'answers 503 (Google unavailable, nothing booked)', value: count((a) => a.status === 503) },
      { measure: 'answers 5xx other than 503', value: serverErrors },
      { measure: 'guests declined / hosts moved / hosts deleted, in Google', value: `${declined} / ${moved} / ${deleted}` },
      { measure: 'channels settled before the scheduled run', value: settled },
      { measure: 'scheduled run', value: `${run.status} ${JSON.stringify(summary)}` },
      { measure: 'mail in the outbox by state (the sink refused 40 sends)', value: JSON.stringify(mailStates) },
      ...Object.entries(violations).map(([invariant, broken]) => ({ measure: `broken: ${invariant}`, value: broken.length, examples: broken.slice(0, 3).join('; ') })),
      { measure: 'seconds in all', value: round((performance.now() - started) / 1000) },
    ];
    if (Object.values(violations).some((broken) => broken.length > 0) || serverErrors > 0) process.exitCode = 1;
    return rows;
  });
}

/** Each invariant of the issue, as the ids that break it (empty: it held). */
async function checkInvariants(sys: TestSystem, hosts: TestHost[], created: string[]): Promise<Record<string, string[]>> {
  const slots = new Map<string, StoredSlot>();
  for (const doc of (await sys.db.collection('slots').get()).docs) slots.set(doc.id, doc.data() as StoredSlot);
  const events = new Map<string, GoogleEvent>();
  const eventCount = new Map<string, number>();
  for (const host of hosts) {
    for (const event of await taggedEvents(sys, host)) {
      events.set(event.id, event);
      const slotId = event.extendedProperties?.private?.[SLOT_ID_PROPERTY];
      if (slotId) eventCount.set(slotId, (eventCount.get(slotId) ?? 0) + 1);
    }
  }
  const live = (status: string) => status === 'requested' || status === 'booked';

  const oneSlotOneEvent = created.filter((slotId) => !slots.has(slotId) || !events.has(eventIdForSlot(slotId)) || (eventCount.get(slotId) ?? 0) > 1);

  const overlapping: string[] = [];
  const byHost = new Map<string, [string, StoredSlot][]>();
  for (const [id, slot] of slots) if (live(slot.status)) byHost.set(slot.subscriberId, [...(byHost.get(slot.subscriberId) ?? []), [id, slot]]);
  for (const list of byHost.values()) {
    list.sort((a, b) => a[1].start.toDate().getTime() - b[1].start.toDate().getTime());
    for (let i = 1; i < list.length; i += 1) {
      const [prevId, prev] = list[i - 1]!;
      const [id, slot] = list[i]!;
      const movedThere = [prev, slot].some((s) => s.history.some((h) => h.cause === 'moved_in_google'));
      if (slot.start.toDate() < prev.end.toDate() && !movedThere) overlapping.push(`${prevId}+${id}`);
    }
  }

  const eventWithoutSlot = [...events.values()].filter((e) => e.status !== 'cancelled' && !slots.has(e.extendedProperties?.private?.[SLOT_ID_PROPERTY] ?? '')).map((e) => e.id);

  const stateMismatch: string[] = [];
  for (const [slotId, slot] of slots) {
    const event = events.get(eventIdForSlot(slotId));
    if (!event) continue;
    const standing = event.status !== 'cancelled';
    if (live(slot.status) !== standing) stateMismatch.push(`${slotId}: slot ${slot.status}, event ${event.status}`);
    else if (standing && Date.parse(event.start?.dateTime ?? '') !== slot.start.toDate().getTime()) stateMismatch.push(`${slotId}: slot and event at different times`);
  }

  const sink = (await (await fetch(`${sys.mail.url}/messages`)).json()) as { headers?: Record<string, string> }[];
  const sent = new Map<string, number>();
  for (const message of sink) {
    const key = message.headers?.[DEDUPE_HEADER];
    if (key) sent.set(key, (sent.get(key) ?? 0) + 1);
  }
  const queued = new Set((await sys.db.collection('mailOutbox').get()).docs.filter((d) => d.get('status') !== 'sent').map((d) => String(d.get('dedupeKey'))));
  const noticeNotOnce: string[] = [];
  for (const [key, times] of sent) if (times > 1) noticeNotOnce.push(`${key} sent ${times}×`);
  for (const [slotId, slot] of slots) {
    for (const notice of slot.notices ?? []) {
      const key = `${slotId}:${notice}`;
      if (!sent.has(key) && !queued.has(key)) noticeNotOnce.push(`${key} neither sent nor queued`);
    }
  }

  return {
    'every 201 has exactly one slot and one Google event': oneSlotOneEvent,
    'no two live slots of a host overlap (unless moved there in Google)': overlapping,
    'every tagged event that stands has a slot': eventWithoutSlot,
    'slot states match Google': stateMismatch,
    'every notice sent exactly once or queued': noticeNotOnce,
  };
}
