// What can go wrong while a host connects, signs in or changes settings, as named values;
// functions/accounts maps each to one HTTP answer.

export type StateProblem = 'missing' | 'tampered' | 'expired' | 'other_browser';

/** The callback's `state` is not the one this browser was sent off with: nothing is written. */
export class ConnectStateRejected extends Error {
  constructor(readonly problem: StateProblem) {
    super(`the sign-in state was rejected (${problem})`);
    this.name = 'ConnectStateRejected';
  }
}

/** Google sent the host back with an error instead of a code (`access_denied`: they said no). */
export class ConsentNotGiven extends Error {
  constructor(readonly googleError: string) {
    super(`Google returned ${googleError} instead of a code`);
    this.name = 'ConsentNotGiven';
  }
}

/** The authorization code could not be exchanged (used twice, expired, not ours). */
export class CodeExchangeFailed extends Error {
  constructor(readonly detail: string) {
    super(`the authorization code could not be exchanged: ${detail}`);
    this.name = 'CodeExchangeFailed';
  }
}

/** The id_token did not verify, or names no verified email address. */
export class IdentityNotVerified extends Error {
  constructor(readonly detail: string) {
    super(`who signed in could not be verified: ${detail}`);
    this.name = 'IdentityNotVerified';
  }
}

/** Google gave no refresh token, so we could not reach the calendar later: nothing is stored. */
export class NoRefreshToken extends Error {
  constructor() {
    super('Google returned no refresh token');
    this.name = 'NoRefreshToken';
  }
}

/** The host unticked a calendar permission on Google's consent screen (granular consent). */
export class CalendarAccessNotGranted extends Error {
  constructor(readonly missingScopes: string[]) {
    super(`calendar access was not granted: ${missingScopes.join(' ')}`);
    this.name = 'CalendarAccessNotGranted';
  }
}

/** No session cookie, or one we did not sign, or one that has expired, or a host since deleted. */
export class NotSignedIn extends Error {
  constructor() {
    super('not signed in');
    this.name = 'NotSignedIn';
  }
}

/** A POST without the form token of this session: possibly another site submitting our forms. */
export class CsrfRejected extends Error {
  constructor() {
    super('the form token is missing or belongs to another session');
    this.name = 'CsrfRejected';
  }
}

/** The chosen calendar is not one of the host's writable calendars in Google. */
export class UnknownCalendar extends Error {
  constructor(readonly calendarId: string) {
    super(`"${calendarId}" is not one of your calendars that bookings can be written to`);
    this.name = 'UnknownCalendar';
  }
}

/** The host has no working Google connection (disconnected, or the grant was revoked). */
export class NotConnected extends Error {
  constructor(readonly subscriberId: string) {
    super(`host ${subscriberId} has no working Google connection`);
    this.name = 'NotConnected';
  }
}

/** Deleting a host needs the explicit confirmation box ticked. */
export class DeletionNotConfirmed extends Error {
  constructor() {
    super('tick the box to confirm the deletion');
    this.name = 'DeletionNotConfirmed';
  }
}

/** A signed-in host asked to link a Google account that another host is linked to: nothing changes. */
export class GoogleAccountInUse extends Error {
  constructor(readonly ownerId: string) {
    super(`the Google account is linked to another host (${ownerId})`);
    this.name = 'GoogleAccountInUse';
  }
}

/** A link came back when the session that asked for it was over (signed out, signed in again) or was not this browser's. */
export class LinkSessionEnded extends Error {
  constructor() {
    super('the session that asked to link this Google account has ended');
    this.name = 'LinkSessionEnded';
  }
}

/** The host or the Google account changed hands while this connect was under way, twice: nothing was written. */
export class ConnectRaced extends Error {
  constructor(readonly subscriberId: string) {
    super(`host ${subscriberId} changed while it was being connected`);
    this.name = 'ConnectRaced';
  }
}
