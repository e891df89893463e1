// Shared by the mail sink tests: one sink per test file, reached through the real
// @sendgrid/mail client exactly as the application reaches SendGrid.
import type { MailDataRequired, MailService } from '@sendgrid/mail';
import { startMailSink, type RunningMailSink } from '../../../infra/local/mail-sink';
import { createMailService } from '../../../shared/mail/sendgrid-client';

// Starts with "SG." so @sendgrid/client does not warn about the key's shape.
export const API_KEY = 'SG.mail-sink-test';

export interface SinkUnderTest {
  sink: RunningMailSink;
  mail: MailService;
}

/** Starts a sink before the file's tests and closes it after; read the fields inside tests. */
export function useMailSink(): SinkUnderTest {
  const under = {} as SinkUnderTest;
  beforeAll(async () => {
    under.sink = await startMailSink();
    under.mail = createMailService({ apiKey: API_KEY, apiRoot: under.sink.url });
  });
  afterAll(() => under.sink.close());
  return under;
}

export function aMail(overrides: Partial<MailDataRequired> = {}): MailDataRequired {
  return {
    to: 'guest@example.com',
    from: { email: 'bookings@example.com', name: 'Bookings' },
    subject: 'Your booking',
    text: 'See you on Monday.',
    ...overrides,
  } as MailDataRequired;
}

export interface ListedMessage {
  id: string;
  receivedAt: string;
  [field: string]: unknown;
}

export async function listMessages(sink: RunningMailSink, query = ''): Promise<ListedMessage[]> {
  const response = await fetch(`${sink.url}/messages${query}`);
  expect(response.status).toBe(200);
  return (await response.json()) as ListedMessage[];
}

/** For what @sendgrid/mail would never send: no key, broken JSON, oversize bodies. */
export function postRaw(sink: RunningMailSink, body: string, headers: Record<string, string> = { authorization: `Bearer ${API_KEY}` }): Promise<Response> {
  return fetch(`${sink.url}/v3/mail/send`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
}
