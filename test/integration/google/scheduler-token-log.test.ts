// What a refused scheduler token leaves in our log: the reason google-auth-library gave, never
// the token or its claims (its messages quote both: "Wrong number of segments in token: …").
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SigningKeys } from '../../../infra/local/google-calendar-emulator/signing-keys';
import { SchedulerTokenVerifier } from '../../../shared/google/scheduler-token';

const expected = { audience: 'https://fn.example/renewChannels', serviceAccount: 'scheduler@acme.iam.gserviceaccount.com' };
const NOW_S = 1_800_000_000;
let certs: Server;
let certsUrl: string;
let published: SigningKeys;
let foreign: SigningKeys;

beforeAll(async () => {
  published = await SigningKeys.generate(Date.now());
  foreign = await SigningKeys.generate(Date.now());
  // Google's certificate endpoint, publishing one key.
  const body = JSON.stringify(published.pemCertificates());
  certs = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=60' }).end(body));
  await new Promise<void>((resolve) => certs.listen(0, '127.0.0.1', resolve));
  certsUrl = `http://127.0.0.1:${(certs.address() as AddressInfo).port}/certs`;
});
afterAll(() => new Promise((resolve) => certs.close(resolve)));

function part(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

it('keeps no part of a refused token, nor its claims, in the detail it gives for the log', async () => {
  const verifier = new SchedulerTokenVerifier({ ...expected, mode: 'verify', certsUrl }, () => NOW_S);
  const nowS = Math.floor(Date.now() / 1000);
  const claims = { iss: 'https://accounts.google.com', aud: expected.audience, azp: '1', sub: '1', email: expected.serviceAccount, email_verified: true, iat: nowS, exp: nowS + 600 };
  const signed = foreign.signJwt(claims);
  // The published key's id on a token another key signed: "Invalid token signature: <the token>".
  const publishedKid = Object.keys(published.pemCertificates())[0]!;
  const [, payload, signature] = signed.split('.');
  const wrongSignature = `${part({ alg: 'RS256', kid: publishedKid, typ: 'JWT' })}.${payload}.${signature}`;
  const tokens = [wrongSignature, signed, `${part({ alg: 'RS256', kid: publishedKid })}.not-json-at-all.c2ln`, `not-json-at-all.${payload}.c2ln`];
  for (const token of tokens) {
    const verdict = await verifier.check(`Bearer ${token}`);
    expect(verdict).toMatchObject({ ok: false, status: 401 });
    const detail = verdict.ok ? '' : (verdict.detail ?? '');
    const leaked = token.split('.').filter((segment) => segment.length > 3 && detail.includes(segment));
    expect({ token, leaked }).toEqual({ token, leaked: [] });
    expect(detail).not.toContain(expected.serviceAccount);
  }
});
