// The local stack's demo host: an account in the Google Calendar emulator, connected, with its
// primary calendar as default, auto-confirm off, free on weekdays 09:00-17:00 in its time zone.
// Made the way an operator makes a host: `putHost`, the code behind `npm run ops -- host put`,
// with the account's `sub` in the file, so signing in as the demo account reaches the demo host.
import type { Firestore } from '@google-cloud/firestore';
import { z } from 'zod';
import { putHost, type HostFile } from '../../shared/booking/hosts';
import { SubscriberRepository } from '../../shared/store/subscribers';
import type { TokenCipher } from '../../shared/store/token-cipher';

export const DEMO_HOST = {
  id: 'demo-host',
  name: 'Demo Host',
  email: 'demo.host@example.test',
  timezone: 'Europe/Berlin',
  slug: 'demo',
} as const;

export interface DemoHost {
  slug: string;
  email: string;
  calendarId: string;
  bookingUrl: string;
}

const emulatorAccount = z.object({ email: z.string(), subject: z.string(), refreshToken: z.string(), calendarId: z.string() });

export async function seedDemoHost(options: { googleUrl: string; functionsUrl: string; db: Firestore; cipher: TokenCipher; now?: Date }): Promise<DemoHost> {
  const res = await fetch(`${options.googleUrl}/emulator/v1/accounts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: DEMO_HOST.email, name: DEMO_HOST.name }),
  });
  if (!res.ok) throw new Error(`the Google emulator refused the demo account: ${res.status} ${await res.text()}`);
  const account = emulatorAccount.parse(await res.json());
  const workday = [{ start: '09:00', end: '17:00' }];
  const file: HostFile = {
    id: DEMO_HOST.id,
    name: DEMO_HOST.name,
    email: DEMO_HOST.email,
    timezone: DEMO_HOST.timezone,
    google: { accountEmail: account.email, refreshToken: account.refreshToken },
    googleSubject: account.subject,
    defaultCalendar: { provider: 'google', calendarId: account.calendarId },
    schedule: {
      slug: DEMO_HOST.slug,
      slotMinutes: 30,
      weekly: { monday: workday, tuesday: workday, wednesday: workday, thursday: workday, friday: workday },
      minNoticeHours: 24,
      maxDaysAhead: 14,
      autoConfirm: false,
    },
  };
  await putHost({ subscribers: new SubscriberRepository(options.db), cipher: options.cipher, now: options.now ?? new Date() }, file);
  return { slug: DEMO_HOST.slug, email: DEMO_HOST.email, calendarId: account.calendarId, bookingUrl: `${options.functionsUrl}/booking/${DEMO_HOST.slug}` };
}
