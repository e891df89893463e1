// Mail that SendGrid did not take waits in the outbox; the scheduled job sends what is due, each
// mail claimed first so overlapping runs send it once. A mail out of attempts is marked failed
// and logged at ERROR by the mailer.
import type { MailOutboxRepository } from '../store/mail-outbox';
import type { Mailer } from './mailer';

export interface OutboxRunReport {
  mailed: number;
  stillWaiting: number;
  failed: number;
  /** Due mail this run did not reach (limit or time budget): the next run picks it up. */
  remaining: boolean;
}

export async function sendDueMail(
  deps: { mailer: Mailer; outbox: MailOutboxRepository; now: () => Date },
  options: { limit: number; deadline: number },
): Promise<OutboxRunReport> {
  const report: OutboxRunReport = { mailed: 0, stillWaiting: 0, failed: 0, remaining: false };
  const due = await deps.outbox.due(deps.now(), options.limit);
  for (const entry of due) {
    if (Date.now() >= options.deadline) {
      report.remaining = true;
      break;
    }
    const outcome = await deps.mailer.retry(entry.id);
    if (outcome === 'sent') report.mailed += 1;
    else if (outcome === 'queued') report.stillWaiting += 1;
    else if (outcome === 'failed') report.failed += 1;
  }
  // A full page may have more behind it.
  if (due.length === options.limit) report.remaining = true;
  return report;
}
