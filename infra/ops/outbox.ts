// `outbox retry`: every mail in the outbox whose next attempt is due, sent now, as the scheduled
// run would send it (claimed first, so a run going on at the same time does not send it twice).
import { services } from '../../functions/services';
import { sendDueMail } from '../../shared/mail/outbox-job';
import { progressBar } from './progress';

const PAGE = 50;

export async function outboxRetry(json: boolean): Promise<void> {
  const s = services();
  const deps = { mailer: s.mailer, outbox: s.outbox, now: s.now };
  const bar = progressBar('mail {bar} {value}/{total} due', json);
  bar?.start(await s.outbox.countDue(s.now()), 0);
  const tally = { mailed: 0, stillWaiting: 0, failed: 0 };
  for (;;) {
    const report = await sendDueMail(deps, { limit: PAGE, deadline: Number.POSITIVE_INFINITY });
    const tried = report.mailed + report.stillWaiting + report.failed;
    tally.mailed += report.mailed;
    tally.stillWaiting += report.stillWaiting;
    tally.failed += report.failed;
    bar?.increment(tried);
    // Each mail of a page leaves the due ones (sent, given up, waiting a longer backoff, or
    // claimed by another run), so the next page is new mail: the loop ends.
    if (!report.remaining) break;
  }
  bar?.stop();
  if (json) console.log(JSON.stringify(tally));
  else console.log(`mailed ${tally.mailed}, still waiting ${tally.stillWaiting} (refused again; retried after a longer backoff), failed ${tally.failed} (given up)`);
  if (tally.stillWaiting > 0 || tally.failed > 0) process.exitCode = 1;
}
