// Sync and page tokens. Google's are opaque; these carry where a listing stood (the calendar's
// change count) plus what makes them invalid: another emulator incarnation (after a reset) or an
// older sync generation of the calendar (after an invalidation). An unusable sync token is the
// 410 fullSyncRequired of the sync guide ("Full sync required by server").
import { randomBytes } from 'node:crypto';
import type { Calendar } from './calendars';
import { badRequest, GoogleApiError } from './errors';

interface SyncTokenContent {
  i: string;
  c: string;
  g: number;
  n: number;
  /** The listing's shape (see listingShape) when the token was issued. */
  p: string;
}

/**
 * Parameters that change what a listing returns and may come with a sync token. The syncToken
 * reference: they "should be the same as for the initial synchronization to avoid undefined
 * behavior". Google leaves the outcome undefined; the emulator refuses a mismatch (400) so that a
 * caller of ours that mixes them fails in tests instead of misbehaving at Google. Paging
 * (maxResults) is not part of it, nor showDeleted (deleted events always come with a token).
 */
const SHAPING_PARAMETERS = ['singleEvents', 'showHiddenInvitations', 'alwaysIncludeEmail', 'maxAttendees', 'timeZone'] as const;

export function listingShape(query: URLSearchParams): string {
  return SHAPING_PARAMETERS.map((name) => `${name}=${query.get(name) ?? ''}`).join('&');
}

function shapeMismatch(issued: string, used: string): GoogleApiError {
  const differ = SHAPING_PARAMETERS.filter((name, index) => issued.split('&')[index] !== used.split('&')[index]);
  return badRequest('invalid', `The parameters ${differ.join(', ')} differ from the listing that issued the sync token.`, {
    location: differ[0],
    locationType: 'parameter',
  });
}

export interface PageCursor {
  /** Sort key of the last event already returned. */
  after: number[];
  /** The calendar's change count when the first page was read. */
  snapshot: number;
}

interface PageTokenContent {
  i: string;
  a: number[];
  s: number;
}

function encode(content: unknown): string {
  return Buffer.from(JSON.stringify(content)).toString('base64url');
}

function decode(token: string): unknown {
  try {
    return JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

/** The body the errors guide shows for it: domain `calendar`, located at the syncToken parameter. */
function fullSyncRequired(): GoogleApiError {
  return new GoogleApiError(410, 'fullSyncRequired', 'Sync token is no longer valid, a full sync is required.', {
    domain: 'calendar',
    location: 'syncToken',
    locationType: 'parameter',
  });
}

export class SyncTokens {
  private incarnation = randomBytes(6).toString('base64url');

  /** After a reset no earlier token is valid. */
  renew(): void {
    this.incarnation = randomBytes(6).toString('base64url');
  }

  issue(calendar: Calendar, changeCount: number, shape: string): string {
    const content: SyncTokenContent = { i: this.incarnation, c: calendar.id.toLowerCase(), g: calendar.syncGeneration, n: changeCount, p: shape };
    return encode(content);
  }

  /**
   * The change count a sync token stands for; 410 when it is not one of this calendar's live
   * tokens, 400 when `shape` is not the shape of the listing that issued it.
   */
  read(token: string, calendar: Calendar, shape: string): number {
    const content = decode(token) as Partial<SyncTokenContent> | undefined;
    if (
      content?.i !== this.incarnation ||
      content.c !== calendar.id.toLowerCase() ||
      content.g !== calendar.syncGeneration ||
      typeof content.n !== 'number'
    ) {
      throw fullSyncRequired();
    }
    if (content.p !== shape) throw shapeMismatch(content.p ?? '', shape);
    return content.n;
  }

  issuePage(cursor: PageCursor): string {
    const content: PageTokenContent = { i: this.incarnation, a: cursor.after, s: cursor.snapshot };
    return encode(content);
  }

  readPage(token: string): PageCursor {
    const content = decode(token) as Partial<PageTokenContent> | undefined;
    if (content?.i !== this.incarnation || !Array.isArray(content.a) || typeof content.s !== 'number') {
      throw badRequest('invalid', 'Invalid page token value.', { location: 'pageToken', locationType: 'parameter' });
    }
    return { after: content.a, snapshot: content.s };
  }
}
