import { FieldEncryption } from './field-encryption';

const key = (n: number) => Buffer.alloc(32, n).toString('base64');

describe('FieldEncryption', () => {
  it('round-trips and never stores the plaintext', () => {
    const enc = new FieldEncryption(`a:${key(1)}`);
    const env = enc.encrypt('secret words', 'user-1');
    expect(env).not.toContain('secret');
    expect(enc.decrypt(env, 'user-1')).toBe('secret words');
  });

  it('refuses a ciphertext bound to another record', () => {
    const enc = new FieldEncryption(`a:${key(1)}`);
    const env = enc.encrypt('x', 'user-1');
    expect(() => enc.decrypt(env, 'user-2')).toThrow();
  });

  it('reads old rows after the active key rotates', () => {
    const old = new FieldEncryption(`a:${key(1)}`);
    const env = old.encrypt('kept');
    const rotated = new FieldEncryption(`b:${key(2)},a:${key(1)}`);
    expect(rotated.decrypt(env)).toBe('kept');
    expect(rotated.encrypt('new').split('.')[1]).toBe('b');
  });

  it('detects tampering', () => {
    const enc = new FieldEncryption(`a:${key(1)}`);
    const parts = enc.encrypt('hello').split('.');
    parts[4] = Buffer.from('jello').toString('base64url');
    expect(() => enc.decrypt(parts.join('.'))).toThrow();
  });
});
