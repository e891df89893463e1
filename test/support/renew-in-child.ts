// One channel renewal in a process of its own, so a test can kill it at any point (a crash) and
// see what the next scheduled run makes of what it left. Settings come from the environment, as
// for the functions; SIM_CLOCK_OFFSET_MS puts it on the test's simulated clock.
import { services, useClock } from '../../functions/services';

const offsetMs = Number(process.env.SIM_CLOCK_OFFSET_MS ?? '0');
useClock(() => new Date(Date.now() + offsetMs));

const channelId = process.argv[2];
if (!channelId) throw new Error('usage: renew-in-child CHANNEL_ID');
services()
  .channels.renewChannel(channelId)
  .then(() => process.exit(0))
  .catch(() => process.exit(1));
