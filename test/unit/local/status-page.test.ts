// The local status page with a sharded upkeep: the latest run says its shard, and each shard's
// run has a row (what `ops status` prints as one `run IofN` line each).
import { renderStatusPage } from '../../../infra/local/status-page';
import { opsStatus, type StatusFigures } from '../../../shared/ops/status';

const now = new Date('2026-11-26T12:00:00Z');

const figures = (runs: StatusFigures['runs']): StatusFigures => ({
  now,
  channels: { byState: { pending: 0, active: 2 }, expiringWithin24h: 0, expired: 0, soonestExpiry: null, dirty: 0, failing: 0 },
  runs,
  outbox: { depth: 0, oldestCreatedAt: null },
  bookingsByStatus: { requested: 0, booked: 0, declined: 0, cancelled: 0 },
  pushMinutes: [],
});

it('gives each shard of a sharded upkeep its row, with its failures and what it left', () => {
  const html = renderStatusPage(
    opsStatus(
      figures([
        { shard: '0of2', at: new Date('2026-11-26T11:07:00Z'), running: false, summary: { renewed: 4, failed: 0, remaining: 0 } },
        { shard: '1of2', at: new Date('2026-11-26T11:08:00Z'), running: false, summary: { renewed: 3, failed: 2, remaining: 7 } },
      ]),
    ),
    [],
    { reloading: false },
  );
  expect(html).toContain('(shard 1of2)');
  expect(html).toContain("<caption>Each shard's last run</caption>");
  expect(html).toMatch(/<th scope="row">0of2<\/th><td>ended [^<]+<\/td><td class="n">0<\/td><td class="n">0<\/td>/);
  expect(html).toMatch(/<th scope="row">1of2<\/th><td>ended [^<]+<\/td><td class="n">2<\/td><td class="n">7<\/td>/);
});

it('keeps the one-run page as it was when the install is not sharded', () => {
  const html = renderStatusPage(opsStatus(figures([{ shard: '0of1', at: new Date('2026-11-26T11:07:00Z'), running: false, summary: { renewed: 1 } }])), [], { reloading: false });
  expect(html).not.toContain('(shard');
  expect(html).not.toContain("Each shard's last run");
});
