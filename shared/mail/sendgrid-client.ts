// The one place that builds a SendGrid mail service. Locally apiRoot is the mail sink
// (infra/local/mail-sink), in production https://api.sendgrid.com: the rest of the code
// only ever sees a MailService and cannot tell the two apart.
//
// @sendgrid is loaded when a service is made, not when this module is: the functions make theirs
// on the first mail due (createMailServiceOnFirstSend), and most requests send none (a push, a
// view of the booking page), so their cold start does not load it.
import type { Client as SendGridClient } from '@sendgrid/client';
import type { MailService } from '@sendgrid/mail';

export interface MailServiceOptions {
  apiKey: string;
  apiRoot: string;
}

export function createMailService({ apiKey, apiRoot }: MailServiceOptions): MailService {
  // Plain requires of literal names: loaded here, on the first call, and a bundler follows them.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { Client } = require('@sendgrid/client') as { Client: typeof SendGridClient };
  const { MailService: Service } = require('@sendgrid/mail') as { MailService: typeof MailService };
  /* eslint-enable @typescript-eslint/no-require-imports */
  // Its own Client rather than the package-level singleton, so two services (say, tests
  // against a sink and a real key elsewhere) never share a key or a base URL.
  const client = new Client();
  // setApiKey resets baseUrl to SendGrid's regional host, so the root has to come after it.
  client.setApiKey(apiKey);
  client.setDefaultRequest('baseUrl', apiRoot);
  const service = new Service();
  service.setClient(client);
  return service;
}

/** What the Mailer uses of a MailService, made by createMailService on the first send. */
export function createMailServiceOnFirstSend(options: MailServiceOptions): Pick<MailService, 'send'> {
  let service: MailService | undefined;
  return {
    send: (...args: Parameters<MailService['send']>) => {
      service ??= createMailService(options);
      return service.send(...args);
    },
  };
}
