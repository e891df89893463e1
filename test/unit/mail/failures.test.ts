import { describeFailure } from '../../../shared/mail/mailer';
import { DEFAULT_BACKOFF, retryDelayMs } from '../../../shared/store/mail-outbox';

const MINUTE = 60_000;

function responseError(code: number, body: unknown, message = 'Bad Request') {
  return Object.assign(new Error(message), { code, response: { headers: {}, body } });
}

describe('describeFailure', () => {
  it("keeps SendGrid's status and every error message with its field", () => {
    const failure = describeFailure(
      responseError(400, { errors: [{ message: 'Does not contain a valid address.', field: 'personalizations.0.to.0.email', help: 'x' }, { message: 'Other', field: null }] }),
    );

    expect(failure).toEqual({
      status: 400,
      message: 'Bad Request; Does not contain a valid address. (personalizations.0.to.0.email); Other',
      permanent: true,
    });
  });

  it.each([[413, true], [401, false], [403, false], [429, false], [500, false], [503, false]])('treats %i as permanent: %s', (status, permanent) => {
    expect(describeFailure(responseError(status, '')).permanent).toBe(permanent);
  });

  it('describes a network error by its message and code, with no status, as worth retrying', () => {
    const error = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED', config: { headers: { Authorization: 'Bearer SG.secret.key' } } });

    expect(describeFailure(error)).toEqual({ status: null, message: 'connect ECONNREFUSED 127.0.0.1:9 [ECONNREFUSED]', permanent: false });
  });

  it('never keeps an API key that an error message quotes', () => {
    expect(describeFailure(new Error('request with Bearer SG.abc-123.def_456 failed')).message).toBe('request with Bearer SG.[redacted] failed');
  });
});

describe('retryDelayMs', () => {
  it('doubles from one minute with each failed attempt and stops at an hour', () => {
    const atMost = (attempts: number) => retryDelayMs(attempts, DEFAULT_BACKOFF, () => 1);

    expect([1, 2, 3, 4, 5, 6, 7, 8, 20].map(atMost)).toEqual([1, 2, 4, 8, 16, 32, 60, 60, 60].map((m) => m * MINUTE));
  });

  it('takes up to half of the wait away as jitter, never more', () => {
    expect(retryDelayMs(3, DEFAULT_BACKOFF, () => 0)).toBe(2 * MINUTE);
    expect(retryDelayMs(3, DEFAULT_BACKOFF, () => 0.5)).toBe(3 * MINUTE);
  });
});
