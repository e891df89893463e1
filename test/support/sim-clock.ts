// One clock for the functions (through useClock) and the Google emulator, moved together: the
// renewal window, channel expiry and access-token expiry then agree over simulated days.
import { useClock } from '../../functions/services';
import type { TestSystem } from './system';

export interface SimClock {
  now(): Date;
  /** How far ahead of real time the simulation is (for a child process to share the clock). */
  offsetMs(): number;
  advance(ms: number): Promise<void>;
  /** Back to real time (for the functions; the emulator is reset with its system). */
  restore(): void;
}

export function simClock(sys: TestSystem): SimClock {
  let offsetMs = 0;
  const now = () => new Date(Date.now() + offsetMs);
  useClock(now);
  return {
    now,
    offsetMs: () => offsetMs,
    async advance(ms) {
      offsetMs += ms;
      await sys.control('/clock', { advanceMs: ms });
    },
    restore() {
      useClock(() => new Date());
    },
  };
}
