// A time zone a person gives us: an IANA name, stored as the runtime's Intl spells it, so one
// zone is one string however it was typed (`europe/berlin` → `Europe/Berlin`, `US/Eastern` →
// `America/New_York`). Intl's canonical ids are ICU's, which keep some older names
// (`Asia/Kolkata` → `Asia/Calcutta`); Chromium's zone list on the booking page uses the same ids.
import { z } from 'zod';

/** The zone's canonical name, or undefined when Intl knows no such IANA zone. */
export function canonicalTimeZone(name: string): string | undefined {
  // Intl also takes UTC offsets ("+02:00") as zones (ECMA-402 2024), and so does luxon; an offset
  // is not a place, though: it cannot follow daylight saving time, so a booking made with one
  // would show the wrong time half the year. IANA names start with a letter (`Etc/GMT+2` too).
  if (!/^[A-Za-z]/.test(name)) return undefined;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch (error) {
    if (error instanceof RangeError) return undefined;
    throw error;
  }
}

/** An IANA time zone name from outside (a guest's), checked and made canonical. */
export const ianaTimeZone = z
  .string()
  .max(64)
  .transform((name, ctx) => {
    const canonical = canonicalTimeZone(name);
    if (canonical) return canonical;
    ctx.addIssue({ code: 'custom', message: 'must be an IANA time zone name, such as Europe/Berlin' });
    return z.NEVER;
  });
