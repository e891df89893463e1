// Every error of the accounts function, as one HTTP answer each: a page, since only browsers
// come here.
import type { Request } from '@google-cloud/functions-framework';
import type { Response } from 'express';
import {
  CalendarAccessNotGranted,
  CodeExchangeFailed,
  ConnectStateRejected,
  ConsentNotGiven,
  ConnectRaced,
  CsrfRejected,
  DeletionNotConfirmed,
  GoogleAccountInUse,
  IdentityNotVerified,
  LinkSessionEnded,
  NoRefreshToken,
  NotConnected,
  NotSignedIn,
  UnknownCalendar,
} from '../../shared/accounts/errors';
import { NoGoogleConnection } from '../../shared/channels/channel-service';
import { CalendarError, GoogleUnavailable } from '../../shared/google/errors';
import { GoogleAccountTaken } from '../../shared/store/subscribers';
import { renderMessagePage, type AccountUrls, type MessagePage } from './pages';

function send(res: Response, status: number, page: MessagePage): void {
  res.status(status).set('cache-control', 'no-store').type('html').send(renderMessagePage(page));
}

/** Bad query or form fields: 400 with what was wrong, per field. */
export function invalidInput(res: Response, issues: readonly { path: PropertyKey[]; message: string }[]): void {
  send(res, 400, {
    title: 'Something in the request is not right',
    text: issues.map((issue) => `${issue.path.map(String).join('.') || 'request'}: ${issue.message}`),
  });
}

export function answerError(req: Request, res: Response, error: unknown, urls: AccountUrls): boolean {
  const again = { href: urls.connect, label: 'Connect Google Calendar' };
  if (error instanceof ConnectStateRejected) {
    send(res, 400, {
      title: 'This sign-in cannot be completed',
      text: [
        error.problem === 'expired'
          ? 'The sign-in took too long and has expired.'
          : 'The answer from Google does not belong to a sign-in started in this browser, so nothing was changed.',
        'Please start again.',
      ],
      next: again,
    });
  } else if (error instanceof ConsentNotGiven) {
    const declined = error.googleError === 'access_denied';
    send(res, declined ? 200 : 400, {
      title: 'Google Calendar was not connected',
      text: [declined ? 'You chose not to give access to your calendar, so nothing was connected.' : `Google reported a problem (${error.googleError}); nothing was connected.`],
      next: { href: urls.connect, label: 'Try again' },
    });
  } else if (error instanceof CodeExchangeFailed || error instanceof IdentityNotVerified) {
    send(res, 400, { title: 'Google Calendar was not connected', text: ['Google did not confirm this sign-in; nothing was changed. Please try again.'], next: { href: urls.connect, label: 'Try again' } });
  } else if (error instanceof NoRefreshToken) {
    send(res, 400, {
      title: 'Google did not give lasting access',
      text: [
        'To add bookings while you are away we need access that lasts, and Google did not grant it this time. Nothing was stored.',
        'Remove this app under "Third-party apps with account access" in your Google Account, then connect again.',
      ],
      next: { href: urls.connect, label: 'Connect again' },
    });
  } else if (error instanceof CalendarAccessNotGranted) {
    send(res, 400, {
      title: 'Calendar access is needed',
      text: ['On Google’s screen, please allow both calendar permissions: to add and change booked events, and to see your list of calendars. Nothing was stored.'],
      next: { href: urls.connect, label: 'Connect again' },
    });
  } else if (error instanceof NotSignedIn) {
    if (req.method === 'GET') res.set('cache-control', 'no-store').redirect(303, urls.connect);
    else send(res, 403, { title: 'Please sign in again', text: ['Your session has ended, so nothing was changed.'], next: again });
  } else if (error instanceof GoogleAccountInUse || error instanceof GoogleAccountTaken) {
    send(res, 409, {
      title: 'This Google account belongs to another booking page',
      text: ['It is already connected to another booking page, so nothing was changed. Sign in with it to manage that page, or choose another Google account here.'],
      next: { href: urls.settings, label: 'Back to your settings' },
    });
  } else if (error instanceof LinkSessionEnded) {
    send(res, 403, { title: 'Please sign in again', text: ['Your session ended before Google answered, so no Google account was linked and nothing was changed.'], next: again });
  } else if (error instanceof ConnectRaced) {
    send(res, 409, { title: 'Google Calendar was not connected', text: ['Your booking page was being changed at the same moment, so nothing was changed. Please try again.'], next: { href: urls.connect, label: 'Try again' } });
  } else if (error instanceof CsrfRejected) {
    send(res, 403, { title: 'This form cannot be accepted', text: ['It did not come from your settings page in this session, so nothing was changed.'], next: { href: urls.settings, label: 'Back to your settings' } });
  } else if (error instanceof UnknownCalendar) {
    send(res, 400, { title: 'Choose one of your calendars', text: [error.message + '.'], next: { href: urls.settings, label: 'Back to your settings' } });
  } else if (error instanceof DeletionNotConfirmed) {
    send(res, 400, { title: 'Nothing was deleted', text: ['Tick the box to confirm that your booking page should be deleted.'], next: { href: urls.settings, label: 'Back to your settings' } });
  } else if (error instanceof NotConnected || error instanceof NoGoogleConnection) {
    send(res, 409, { title: 'Google Calendar is not connected', text: ['We cannot reach your Google Calendar; connect it again to change these settings.'], next: again });
  } else if (error instanceof CalendarError) {
    if (error instanceof GoogleUnavailable) res.set('retry-after', '30');
    send(res, error instanceof GoogleUnavailable ? 503 : 502, { title: 'Google Calendar did not answer', text: ['Google Calendar could not be reached just now. Please try again in a minute.'] });
  } else return false;
  return true;
}
