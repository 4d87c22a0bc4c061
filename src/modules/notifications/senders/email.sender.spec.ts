import { mailDomainOf, messageIdFor } from './email.sender';

describe('email Message-ID', () => {
  it('is the same for the same idempotency key and differs between keys', () => {
    expect(messageIdFor('k1', 'example.org')).toBe(messageIdFor('k1', 'example.org'));
    expect(messageIdFor('k1', 'example.org')).not.toBe(messageIdFor('k2', 'example.org'));
    expect(messageIdFor('k1', 'example.org')).toMatch(/^<kt-[0-9a-f]{40}@example\.org>$/);
  });

  it('does not expose the key', () => {
    expect(messageIdFor('notification:abc', 'x.org')).not.toContain('abc');
  });

  it('takes the domain of MAIL_FROM', () => {
    expect(mailDomainOf('Kintsugi <no-reply@Kintsugi.Example>')).toBe('kintsugi.example');
    expect(mailDomainOf('bare@mail.example.org')).toBe('mail.example.org');
    expect(mailDomainOf('no address')).toBe('kintsugi.local');
  });
});
