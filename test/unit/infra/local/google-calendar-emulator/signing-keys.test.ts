// The emulator's id_token certificate, as google-auth-library and OpenSSL read it.
import { generateKeyPairSync, sign, X509Certificate } from 'node:crypto';
import { OAuth2Client } from 'google-auth-library';
import { certificatePem, derPositiveInteger, SigningKeys } from '../../../../../infra/local/google-calendar-emulator/signing-keys';

const hex = (bytes: Buffer) => bytes.toString('hex');

describe('a positive number as a DER INTEGER', () => {
  it.each([
    ['one byte', '02', '020102'],
    ['the first bit set: a zero byte in front', '80', '02020080'],
    ['a leading zero byte that is not needed: dropped', '0001ff', '020201ff'],
    ['a leading zero byte that is needed: kept', '0080', '02020080'],
    ['several leading zero bytes', '00000001', '020101'],
    ['zero', '0000', '020100'],
  ])('%s', (_case, bytes, encoded) => {
    expect(hex(derPositiveInteger(Buffer.from(bytes, 'hex')))).toBe(encoded);
  });
});

describe("the certificate of the emulator's signing key", () => {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const now = Date.now();

  /** An RS256 id_token of the key, as the emulator signs one. */
  function idToken(keyId: string): string {
    const iat = Math.floor(now / 1000);
    const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const input = `${part({ alg: 'RS256', kid: keyId, typ: 'JWT' })}.${part({ iss: 'https://accounts.google.com', aud: 'client', azp: 'client', sub: '1', email: 'a@example.org', email_verified: true, iat, exp: iat + 3600 })}`;
    return `${input}.${sign('sha256', Buffer.from(input), privateKey).toString('base64url')}`;
  }

  // One key in 512 has a serial (the first 16 bytes of a hash) that starts 00 0x: its certificate
  // was written with that zero byte, which OpenSSL refuses ("illegal padding"), and every sign-in
  // against that emulator failed the id_token check.
  it.each([['starts with a zero byte it does not need', '00017f0102030405060708090a0b0c0d'], ['starts with the first bit set', 'ff017f0102030405060708090a0b0c0d'], ['is plain', '12017f0102030405060708090a0b0c0d']])(
    'is read, and verifies an id_token, whatever its serial: one that %s',
    async (_case, serial) => {
      const pem = certificatePem(privateKey, Buffer.from(serial, 'hex'), now);

      expect(new X509Certificate(pem).serialNumber).toBe(serial.replace(/^00/, '').toUpperCase());
      const login = await new OAuth2Client().verifySignedJwtWithCertsAsync(idToken('k1'), { k1: pem }, 'client', ['https://accounts.google.com']);
      expect(login.getPayload()?.email).toBe('a@example.org');
    },
  );

  it('is what the emulator serves for the key it signs with', async () => {
    const keys = await SigningKeys.generate(now);
    const [keyId, pem] = Object.entries(keys.pemCertificates())[0]!;
    expect(keyId).toBe(keys.keyId);
    expect(new X509Certificate(pem).publicKey.export({ format: 'jwk' })).toMatchObject({ kty: 'RSA' });
  });
});
