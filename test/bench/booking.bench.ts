// Booking through the real functions, Firestore emulator, Google Calendar emulator and mail sink:
// latency of one booking (p50/p99 over sequential bookings of different slots), and 100 guests
// booking the same slot at once (exactly one should win, the rest a clean 409, no 5xx).
import { availability, book, GUEST } from '../support/booking-client';
import { withLocalSystem } from './local-system';
import { percentile, round } from './stats';

export function run(): Promise<Record<string, unknown>[]> {
  return withLocalSystem({ GOOGLE_INVITE_ENABLED: 'true' }, async (sys) => {
    const host = await sys.createHost();
    const offered = (await availability(sys.functionsUrl, host.slug)).slots;
    const sequential = Math.min(60, offered.length - 1);
    const latencies: number[] = [];
    for (let i = 0; i < sequential; i += 1) {
      const started = performance.now();
      const res = await book(sys.functionsUrl, { host: host.slug, start: offered[i]!.start, guest: { ...GUEST, email: `seq${i}@example.org` } });
      latencies.push(performance.now() - started);
      if (res.status !== 201) throw new Error(`booking ${i} answered ${res.status}: ${await res.text()}`);
    }

    const contested = offered[sequential]!.start;
    const started = performance.now();
    const answers = await Promise.all(
      Array.from({ length: 100 }, (_, i) => book(sys.functionsUrl, { host: host.slug, start: contested, guest: { ...GUEST, email: `race${i}@example.org` } })),
    );
    const burstMs = performance.now() - started;
    const count = (status: number) => answers.filter((a) => a.status === status).length;
    return [
      { benchmark: 'booking latency', bookings: sequential, p50Ms: round(percentile(latencies, 50)), p99Ms: round(percentile(latencies, 99)) },
      {
        benchmark: '100 concurrent bookings of one slot',
        won: count(201),
        refused409: count(409),
        serverErrors: answers.filter((a) => a.status >= 500).length,
        totalMs: round(burstMs),
      },
    ];
  });
}
