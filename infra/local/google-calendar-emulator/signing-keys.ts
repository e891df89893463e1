// The emulator's own RS256 key pair for id_tokens. Google publishes its signing keys twice:
// `oauth2/v1/certs` as a map of key id -> PEM X.509 certificate, and `oauth2/v3/certs` as a JWK set
// (OpenID Connect guide, "Validating an ID token"); google-auth-library reads the PEM map. Node can
// sign but not build certificates, so the self-signed certificate is DER-encoded here by hand.
import { createHash, createPublicKey, generateKeyPair, sign, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';

const generateRsaKeyPair = promisify(generateKeyPair);

export interface IdTokenClaims {
  iss: string;
  azp: string;
  aud: string;
  sub: string;
  email: string;
  email_verified: boolean;
  name?: string;
  iat: number;
  exp: number;
}

/** What Google puts in the OIDC token Cloud Scheduler sends as a service account. */
export interface ServiceAccountTokenClaims {
  iss: string;
  aud: string;
  azp: string;
  sub: string;
  email: string;
  email_verified: boolean;
  iat: number;
  exp: number;
}

export class SigningKeys {
  private constructor(
    readonly keyId: string,
    private readonly privateKey: KeyObject,
    private readonly publicKey: KeyObject,
    private readonly certificatePem: string,
  ) {}

  static async generate(nowMs: number): Promise<SigningKeys> {
    const { privateKey, publicKey } = await generateRsaKeyPair('rsa', { modulusLength: 2048 });
    const spki = publicKey.export({ type: 'spki', format: 'der' });
    const keyId = createHash('sha1').update(spki).digest('hex');
    const serial = createHash('sha256').update(spki).digest().subarray(0, 16);
    return new SigningKeys(keyId, privateKey, publicKey, certificatePem(privateKey, serial, nowMs));
  }

  /** An RS256 JWT of these claims: an id_token, or a service account's OIDC token. */
  signJwt(claims: IdTokenClaims | ServiceAccountTokenClaims): string {
    const header = { alg: 'RS256', kid: this.keyId, typ: 'JWT' };
    const signingInput = `${base64UrlJson(header)}.${base64UrlJson(claims)}`;
    const signature = sign('sha256', Buffer.from(signingInput), this.privateKey);
    return `${signingInput}.${signature.toString('base64url')}`;
  }

  /** The body of `GET /oauth2/v1/certs`. */
  pemCertificates(): Record<string, string> {
    return { [this.keyId]: this.certificatePem };
  }

  /** The body of `GET /oauth2/v3/certs`. */
  jwkSet(): { keys: unknown[] } {
    const jwk = this.publicKey.export({ format: 'jwk' });
    return { keys: [{ ...jwk, alg: 'RS256', use: 'sig', kid: this.keyId }] };
  }
}

function base64UrlJson(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function toPem(der: Buffer, label: string): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

// --- minimal DER (X.690) for one self-signed X.509 v3 certificate (RFC 5280 §4.1) ---

function derLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest >>= 8) bytes.unshift(rest & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function der(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), derLength(body.length), body]);
}

const sequence = (...items: Buffer[]): Buffer => der(0x30, ...items);

/**
 * An unsigned big-endian number as a DER INTEGER: in the fewest bytes (X.690 §8.3.2; OpenSSL
 * refuses a leading zero byte that is not needed, "illegal padding"), with a zero byte in front when
 * the first bit is set, which would make it negative. The serial, 16 bytes of a hash of the key,
 * kept a leading zero byte it did not need for one key in 512: such a certificate could not be
 * read, and every id_token that emulator signed failed verification (all of a test file's
 * sign-ins, once in a while).
 */
export function derPositiveInteger(bytes: Buffer): Buffer {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start += 1;
  const minimal = bytes.length === 0 ? Buffer.from([0]) : bytes.subarray(start);
  return der(0x02, (minimal[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.from([0]), minimal]) : minimal);
}

function utcTime(ms: number): Buffer {
  // UTCTime is YYMMDDHHMMSSZ (RFC 5280 §4.1.2.5.1).
  const iso = new Date(ms).toISOString();
  const text = iso.slice(2, 4) + iso.slice(5, 7) + iso.slice(8, 10) + iso.slice(11, 13) + iso.slice(14, 16) + iso.slice(17, 19) + 'Z';
  return der(0x17, Buffer.from(text, 'ascii'));
}

const SHA256_WITH_RSA = sequence(der(0x06, Buffer.from('2a864886f70d01010b', 'hex')), der(0x05));
const COMMON_NAME_OID = der(0x06, Buffer.from('550403', 'hex'));

/** The PEM of a self-signed certificate of this RSA key, with this serial (unsigned bytes), valid from a day before `nowMs`. */
export function certificatePem(privateKey: KeyObject, serial: Buffer, nowMs: number): string {
  const spki = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
  const name = sequence(der(0x31, sequence(COMMON_NAME_OID, der(0x0c, Buffer.from('google-calendar-emulator', 'utf8')))));
  const dayMs = 24 * 60 * 60 * 1000;
  const tbs = sequence(
    der(0xa0, derPositiveInteger(Buffer.from([2]))),
    derPositiveInteger(serial),
    SHA256_WITH_RSA,
    name,
    sequence(utcTime(nowMs - dayMs), utcTime(nowMs + 365 * dayMs)),
    name,
    spki,
  );
  const signature = sign('sha256', tbs, privateKey);
  return toPem(sequence(tbs, SHA256_WITH_RSA, der(0x03, Buffer.from([0]), signature)), 'CERTIFICATE');
}
