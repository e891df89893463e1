// Runs the mail sink on its own: `tsx infra/local/mail-sink/main.ts`, then open the URL
// it prints. MAIL_SINK_HOST=0.0.0.0 makes the inbox reachable from a phone on the LAN.
import { z } from 'zod';
import { startMailSink } from './index';

const Env = z.object({
  MAIL_SINK_PORT: z.coerce.number().int().min(0).max(65535).default(8025),
  MAIL_SINK_HOST: z.string().min(1).default('127.0.0.1'),
});

async function main(): Promise<void> {
  const env = Env.parse(process.env);
  const sink = await startMailSink({ port: env.MAIL_SINK_PORT, host: env.MAIL_SINK_HOST });
  console.log(`mail sink: SendGrid API root and inbox at ${sink.url}`);
  const stop = (): void => {
    sink.close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error('mail sink: close failed', err);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error('mail sink: could not start', err);
  process.exit(1);
});
