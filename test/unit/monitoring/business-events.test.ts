import { Writable } from 'node:stream';
import { EVENTS, eventProblems, logEvent } from '../../../shared/business-events';
import { createLogger } from '../../../shared/log';

function capture() {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  const log = createLogger({ level: 'info', destination: stream });
  return { log, lines: () => chunks.join('').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('business events', () => {
  it('are one JSON line each, with the event name, its fields, and Cloud Logging severity', () => {
    const out = capture();
    logEvent(out.log, 'slot.transition', { slotId: 's1', hostId: 'h1', from: 'requested', to: 'booked', cause: 'host_confirmed', moved: false });
    logEvent(out.log, 'mail.given_up', { outboxId: 'm1', attempts: 10, sendgridStatus: 500, permanent: false });
    const [transition, givenUp] = out.lines();
    expect(transition).toMatchObject({ severity: 'INFO', event: 'slot.transition', message: 'slot.transition', slotId: 's1', to: 'booked', cause: 'host_confirmed' });
    expect(givenUp).toMatchObject({ severity: 'ERROR', event: 'mail.given_up', outboxId: 'm1' });
    expect(out.lines().flatMap(eventProblems)).toEqual([]);
  });

  it.each(['guest', 'email', 'name', 'token', 'refreshToken', 'to'])('fail their schema when a line carries `%s` beside the ids', (field) => {
    const out = capture();
    out.log.info({ event: 'booking.created', slotId: 's1', hostId: 'h1', status: 'requested', [field]: 'Ada <ada@example.test>' }, 'booking.created');
    expect(eventProblems(out.lines()[0]!)).toEqual([expect.stringContaining('booking.created')]);
  });

  it('fail their schema when the message is a text other than the event name (a guest message slipped in)', () => {
    expect(eventProblems({ event: 'booking.created', slotId: 's1', hostId: 'h1', status: 'requested', message: 'please call me on 555' })).toEqual([
      "booking.created: message is not the event's name",
    ]);
  });

  it('fail for a name that is not in the catalogue', () => {
    expect(eventProblems({ event: 'booking.maybe', message: 'booking.maybe' })).toEqual(['unknown event booking.maybe']);
  });

  it('name no field that can hold free text from a guest (slot.transition\'s from and to are statuses)', () => {
    const guestish = /^(guest|name|email|message|note|subject|token|refreshToken|address)$/i;
    for (const [name, spec] of Object.entries(EVENTS)) {
      expect({ name, fields: Object.keys(spec.fields.shape).filter((field) => guestish.test(field)) }).toEqual({ name, fields: [] });
    }
  });
});
