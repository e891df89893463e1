// One booking request in a process of its own, run as the booking function runs it, so a test can
// kill it at any step (a crash) and see what the outbox, the sync and the request's retry make of
// what it left. Settings come from the environment, as for the functions.
import { requestBooking } from '../../shared/booking/request-booking';
import { services } from '../../functions/services';
import { GUEST } from './booking-client';

const [slug, start, key] = process.argv.slice(2);
if (!slug || !start || !key) throw new Error('usage: book-in-child HOST_SLUG START IDEMPOTENCY_KEY');
const s = services();
requestBooking({ ...s, googleInviteEnabled: s.config.googleInviteEnabled }, { host: slug, start: new Date(start), guest: GUEST, message: null }, key)
  .then(() => process.exit(0))
  .catch(() => process.exit(1));
