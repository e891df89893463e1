// Runs the Google Calendar emulator on its own, for manual use:
// GOOGLE_EMULATOR_PORT=8085 tsx infra/local/google-calendar-emulator/main.ts
import { startGoogleCalendarEmulator } from './index';

async function main(): Promise<void> {
  const port = Number(process.env.GOOGLE_EMULATOR_PORT ?? 8085);
  const emulator = await startGoogleCalendarEmulator({ port });
  console.log(`Google Calendar emulator listening on ${emulator.url} (token URL ${emulator.tokenUrl}, consent page ${emulator.authUrl})`);
  const stop = (): void => {
    void emulator.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
