// Runs a test file as if started at a given time of day in Berlin (the test hosts' zone), to prove
// a test does not depend on the hour: `TEST_CLOCK_AT=22:40 npx jest -c test/support/jest-at-hour.config.mjs <files>`.
// Only Date is replaced, starting today at that time and moving with real time; timers stay
// real. Everything a test file runs in its process (the functions, the Google emulator, the
// clients) then reads that time; the Firestore emulator and any child process a test starts (a
// booking cut off in its own process, a renewal killed mid-call) do not, so a test that compares
// their times with its own (stalled-invites) fails here for that reason alone.
import { DateTime } from 'luxon';

const at = /^(\d\d):(\d\d)$/.exec(process.env.TEST_CLOCK_AT ?? '');
if (!at) throw new Error('TEST_CLOCK_AT must be HH:MM (Europe/Berlin)');
const start = DateTime.now().setZone('Europe/Berlin').set({ hour: Number(at[1]), minute: Number(at[2]), second: 0, millisecond: 0 });

jest.useFakeTimers({
  now: start.toJSDate(),
  advanceTimers: true,
  doNotFake: ['hrtime', 'nextTick', 'performance', 'queueMicrotask', 'requestAnimationFrame', 'cancelAnimationFrame', 'requestIdleCallback', 'cancelIdleCallback', 'setImmediate', 'clearImmediate', 'setInterval', 'clearInterval', 'setTimeout', 'clearTimeout'],
});
