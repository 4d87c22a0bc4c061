import { isCommonPassword } from './common-passwords';
import { hashPassword, verifyPassword } from './passwords';

describe('passwords', () => {
  it('hashes with argon2id at the ASVS floor and verifies', async () => {
    const hash = await hashPassword('a long passphrase');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
    await expect(verifyPassword(hash, 'a long passphrase')).resolves.toBe(true);
    await expect(verifyPassword(hash, 'a long passphrasE')).resolves.toBe(false);
  });

  it('treats a missing hash as a failed match', async () => {
    await expect(verifyPassword(null, 'anything at all')).resolves.toBe(false);
  });

  it('knows the obvious passwords', () => {
    expect(isCommonPassword('Password1234')).toBe(true);
    expect(isCommonPassword('zzzzzzzzzzzzzz')).toBe(true);
    expect(isCommonPassword('river stones at dusk')).toBe(false);
  });
});
