// What the guest is told once the booking is made: what really happened and what comes next,
// which depends on who sent the invitation (POST /bookings answers `inviteMode`) and whether the
// host still has to confirm (`status`). Pure; the words match what the mail and Google then do
// (shared/mail/templates.ts for our own invitations).

export interface BookingMade {
  status?: string;
  /** Missing in an answer saved before the field existed, replayed for its Idempotency-Key. */
  inviteMode?: string;
}

export function outcomeLines(answer: BookingMade, hostName: string, when: string): string[] {
  if (answer.status === 'booked') {
    const next =
      answer.inviteMode === 'google'
        ? 'Google has sent you an invitation; the time is confirmed.'
        : answer.inviteMode === 'ics'
          ? 'We have emailed you an invitation for your calendar; the time is confirmed.'
          : 'You will get an invitation by email.';
    return [`Booked: ${when}.`, next];
  }
  const next =
    answer.inviteMode === 'google'
      ? `Google has sent you an invitation; ${hostName} will confirm it.`
      : answer.inviteMode === 'ics'
        ? `We have emailed you an invitation that holds the time in your calendar as tentative; ${hostName} will confirm it, and we will email you as soon as they do.`
        : `${hostName} will confirm it; you will get an invitation by email.`;
  return [`Request sent for ${when}.`, next];
}
