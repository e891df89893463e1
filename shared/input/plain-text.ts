// Text people type that we store, mail and hand to Google. Refused, with the field named, when it
// holds what Firestore or mail cannot keep or what would change how the text reads elsewhere:
//   - unpaired surrogates: not Unicode at all; Firestore strings are UTF-8 and mail bodies too
//   - control characters (C0, DEL, C1): NUL ends strings in C code downstream; CR/LF end a mail
//     header or start a new iCalendar property; the rest is invisible
//   - bidi embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069): they reorder what
//     follows on screen, so a name could make a subject or a calendar entry read as something else
//     (the "Trojan Source" characters, CVE-2021-42574)
// One line of text (a name, an id) takes no line break at all; a message may keep its line breaks.
import { z } from 'zod';

/** What may span lines keeps LF and tab; one line keeps neither (U+2028/U+2029 end a line too). */
export type TextShape = 'one_line' | 'lines';

/** What is looked for, in this order; a `u` regex sees an unpaired surrogate as \p{Cs}. */
const PROBLEMS: { find: Record<TextShape, RegExp | undefined>; say: (code: string, at: number) => string }[] = [
  { find: { one_line: /\p{Cs}/u, lines: /\p{Cs}/u }, say: (code, at) => `must be valid Unicode (an unpaired surrogate ${code} at character ${at})` },
  { find: { one_line: /[\r\n\u2028\u2029]/u, lines: undefined }, say: (_code, at) => `must be one line (a line break at character ${at})` },
  { find: { one_line: /\p{Cc}/u, lines: /(?![\t\n\r])\p{Cc}/u }, say: (code, at) => `must not hold control characters (${code} at character ${at})` },
  { find: { one_line: /[\u202A-\u202E\u2066-\u2069]/u, lines: /[\u202A-\u202E\u2066-\u2069]/u }, say: (code, at) => `must not hold characters that reorder text (${code} at character ${at})` },
];

/** The first thing this text may not hold, as a sentence for the 400 answer; undefined if none. */
export function textProblem(text: string, shape: TextShape): string | undefined {
  for (const { find, say } of PROBLEMS) {
    const found = find[shape]?.exec(text);
    if (!found) continue;
    const code = `U+${(found[0].codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
    // Counted from 1 in characters as people see them: an emoji before it is one, not two.
    return say(code, [...text.slice(0, found.index)].length + 1);
  }
  return undefined;
}

function refuseUnsafe(shape: TextShape) {
  return (text: string, ctx: z.RefinementCtx) => {
    const problem = textProblem(text, shape);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  };
}

/** One line of plain text, trimmed, at most `max` characters. */
export function oneLineText(max: number) {
  return z.string().trim().max(max).superRefine(refuseUnsafe('one_line'));
}

/**
 * Text that may span lines (a guest's message), at most `max` characters, trimmed. Line ends
 * become LF: what we write to Google, to .ics files and to mail bodies has one kind of line end.
 */
export function multiLineText(max: number) {
  return z
    .string()
    .superRefine(refuseUnsafe('lines'))
    .transform((text) => text.replace(/\r\n?/g, '\n').trim())
    .pipe(z.string().max(max));
}

/**
 * Text bound for a header or a calendar entry's summary, made one line. Input is checked on the
 * way in; this is for what was stored before the checks, and for names we did not check (a
 * host's name from Google).
 */
export function asOneLine(text: string): string {
  return text.replace(/[\s\p{Cc}]+/gu, ' ').replace(/[\u202A-\u202E\u2066-\u2069]/gu, '').trim();
}
