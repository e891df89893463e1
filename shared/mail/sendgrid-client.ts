// The one place that builds a SendGrid mail service. Locally apiRoot is the mail sink
// (infra/local/mail-sink), in production https://api.sendgrid.com: the rest of the code
// only ever sees a MailService and cannot tell the two apart.
import { Client } from '@sendgrid/client';
import { MailService } from '@sendgrid/mail';

export interface MailServiceOptions {
  apiKey: string;
  apiRoot: string;
}

export function createMailService({ apiKey, apiRoot }: MailServiceOptions): MailService {
  // Its own Client rather than the package-level singleton, so two services (say, tests
  // against a sink and a real key elsewhere) never share a key or a base URL.
  const client = new Client();
  // setApiKey resets baseUrl to SendGrid's regional host, so the root has to come after it.
  client.setApiKey(apiKey);
  client.setDefaultRequest('baseUrl', apiRoot);
  const service = new MailService();
  service.setClient(client);
  return service;
}
