// The manage page's list of free times asks Google for busy time, like the booking page's list: it
// counts against the same per-address limit, and past it the page still works, without times.
import { services } from '../../functions/services';
import { book, freeSlot } from '../support/booking-client';
import { openManagePage } from '../support/manage-client';
import { startSystem, type TestSystem } from '../support/system';

let limited: TestSystem;

beforeAll(async () => {
  limited = await startSystem({ GOOGLE_INVITE_ENABLED: 'true', LIMIT_AVAILABILITY_VIEWS_PER_MINUTE: '1' });
});
afterAll(() => limited.close());

describe('the manage page under the availability limit', () => {
  it('counts each list of free times as a view of the address: past the limit the page shows the booking and no times', async () => {
    const limitedHost = await limited.createHost();
    const slot = await freeSlot(limited.functionsUrl, limitedHost.slug);
    const res = await book(limited.functionsUrl, { host: limitedHost.slug, start: slot.start });
    const { slotId } = (await res.json()) as { slotId: string };
    const link = services().manageLinks.urlFor(slotId, await services().slots.require(slotId));
    const page = await openManagePage(link);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('free times cannot be shown just now');
    expect(html).toContain('Cancel this booking');
  });
});
