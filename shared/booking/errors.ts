// What can go wrong with a booking, as values the functions map to HTTP in one place.

export class UnknownHost extends Error {
  constructor(readonly slug: string) {
    super(`no host has the booking link "${slug}"`);
    this.name = 'UnknownHost';
  }
}

/** The time is not offered (outside the schedule or window) or no longer free. */
export class SlotUnavailable extends Error {
  constructor(readonly reason: 'not_offered' | 'taken') {
    super(reason === 'taken' ? 'someone else booked this time' : 'this time is not offered');
    this.name = 'SlotUnavailable';
  }
}

/** The same Idempotency-Key came with another request body. */
export class IdempotencyKeyReused extends Error {
  constructor() {
    super('this Idempotency-Key was used for a different request');
    this.name = 'IdempotencyKeyReused';
  }
}

/** A request with this Idempotency-Key is being carried out right now: send it again shortly. */
export class IdempotencyKeyInUse extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super('a request with this Idempotency-Key is still being carried out; send it again shortly');
    this.name = 'IdempotencyKeyInUse';
  }
}

/** The host's calendar could not be read or written just now; nothing was booked. */
export class HostCalendarUnavailable extends Error {
  constructor(
    readonly reason: 'google_unavailable' | 'connection_broken',
    options?: { cause?: unknown },
  ) {
    super(reason === 'connection_broken' ? "the host's Google connection needs to be renewed" : "the host's calendar did not answer", options);
    this.name = 'HostCalendarUnavailable';
  }
}
