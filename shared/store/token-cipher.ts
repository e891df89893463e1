// Refresh tokens are encrypted at rest with AES-256-GCM under TOKEN_ENCRYPTION_KEY: a copy of
// the database alone does not give access to anyone's calendar. Stored as
// `v1.<iv>.<tag>.<ciphertext>` (base64url) so the format can change without guessing.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export class TokenDecryptionFailed extends Error {
  constructor() {
    super('a stored token could not be decrypted: wrong TOKEN_ENCRYPTION_KEY or a damaged value');
    this.name = 'TokenDecryptionFailed';
  }
}

export class TokenCipher {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new RangeError('AES-256-GCM needs a 32-byte key');
  }

  encrypt(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return ['v1', iv, cipher.getAuthTag(), body].map((part) => (typeof part === 'string' ? part : part.toString('base64url'))).join('.');
  }

  decrypt(sealed: string): string {
    const [version, iv, tag, body] = sealed.split('.');
    if (version !== 'v1' || !iv || !tag || body === undefined) throw new TokenDecryptionFailed();
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      throw new TokenDecryptionFailed();
    }
  }
}
