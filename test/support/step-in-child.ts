// One host's or guest's step (confirm, deny, cancel) in a process of its own, run as the functions
// run it, so a test can kill it at any point (Cloud Run ending an instance at its time limit) and
// see what the sync and the scheduled run make of what it left. Settings come from the environment.
import { services } from '../../functions/services';
import { cancelAsGuest } from '../../shared/booking/cancel-booking';
import { actAsHost, type HostAction } from '../../shared/booking/host-actions';

const [step, slotId, hostId, note] = process.argv.slice(2);
if (!step || !slotId) throw new Error('usage: step-in-child guest-cancel|confirm|deny|cancel SLOT_ID [HOST_ID [NOTE]]');
const deps = services();
const run = step === 'guest-cancel' ? cancelAsGuest(deps, slotId) : actAsHost(deps, hostId ?? '', slotId, step as HostAction, { message: note ?? null });
run.then(() => process.exit(0)).catch(() => process.exit(1));
