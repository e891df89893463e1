// Which keys may seal a refresh token where, and what a stack file points the CLI at.
import { maySealWith, stackSettings } from '../../../infra/ops/target';

const devKey = Buffer.alloc(32, 1);
const ownKey = Buffer.alloc(32, 2);

it('the local development key seals only for an emulator or the local stack, never for production', () => {
  expect(maySealWith(devKey, devKey, { kind: 'local-stack', firestoreHost: 'h', stackFile: 'f' })).toBe(true);
  expect(maySealWith(devKey, devKey, { kind: 'emulator', firestoreHost: 'h' })).toBe(true);
  expect(maySealWith(devKey, devKey, { kind: 'production' })).toBe(false);
  expect(maySealWith(ownKey, devKey, { kind: 'production' })).toBe(true);
});

it("a stack file points Firestore, Google, the mail sink and the functions' base URL at the stack", () => {
  expect(
    stackSettings({ functionsUrl: 'http://f', firestoreHost: '127.0.0.1:9', googleUrl: 'http://g', googleTokenUrl: 'http://g/token', mailUrl: 'http://m', projectId: 'p' }),
  ).toEqual({
    FIRESTORE_EMULATOR_HOST: '127.0.0.1:9',
    GOOGLE_CLOUD_PROJECT: 'p',
    PUBLIC_BASE_URL: 'http://f',
    CALENDAR_API_ROOT: 'http://g',
    GOOGLE_OAUTH_TOKEN_URL: 'http://g/token',
    GOOGLE_OAUTH_CERTS_URL: 'http://g/oauth2/v1/certs',
    SENDGRID_API_ROOT: 'http://m',
  });
});
