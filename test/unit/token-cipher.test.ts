import { TokenCipher, TokenDecryptionFailed } from '../../shared/store/token-cipher';

describe('refresh tokens at rest', () => {
  const cipher = new TokenCipher(Buffer.alloc(32, 1));

  it('round-trip, and never appear in the stored value', () => {
    const sealed = cipher.encrypt('1//refresh-token-value');
    expect(sealed).not.toContain('refresh-token-value');
    expect(sealed.startsWith('v1.')).toBe(true);
    expect(cipher.decrypt(sealed)).toBe('1//refresh-token-value');
  });

  it('are sealed differently each time', () => {
    expect(cipher.encrypt('same')).not.toBe(cipher.encrypt('same'));
  });

  it('refuse a tampered value or the wrong key', () => {
    const sealed = cipher.encrypt('token');
    const parts = sealed.split('.');
    const body = Buffer.from(parts[3]!, 'base64url');
    body[0] = (body[0] ?? 0) ^ 1;
    const tampered = [parts[0], parts[1], parts[2], body.toString('base64url')].join('.');
    expect(() => cipher.decrypt(tampered)).toThrow(TokenDecryptionFailed);
    expect(() => new TokenCipher(Buffer.alloc(32, 2)).decrypt(sealed)).toThrow(TokenDecryptionFailed);
    expect(() => cipher.decrypt('plain-token')).toThrow(TokenDecryptionFailed);
  });
});
