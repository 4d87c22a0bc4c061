import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * AES-256-GCM envelopes "v1.<keyId>.<iv>.<tag>.<ciphertext>" (base64url parts). The key id
 * travels with the ciphertext so old rows stay readable after the active key rotates.
 */
export class FieldEncryption {
  private readonly keys = new Map<string, Buffer>();
  private readonly activeKeyId: string;

  constructor(spec: string) {
    const entries = spec.split(',').map((pair) => {
      const [id, b64] = pair.split(':');
      const key = Buffer.from(b64, 'base64');
      if (key.length !== 32) throw new Error(`encryption key ${id} is not 32 bytes`);
      return [id, key] as const;
    });
    for (const [id, key] of entries) this.keys.set(id, key);
    this.activeKeyId = entries[0][0];
  }

  encrypt(plaintext: string, associatedData = ''): string {
    const key = this.keys.get(this.activeKeyId)!;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from(associatedData));
    const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return ['v1', this.activeKeyId, iv.toString('base64url'), tag.toString('base64url'), ct.toString('base64url')].join('.');
  }

  decrypt(envelope: string, associatedData = ''): string {
    const [version, keyId, iv, tag, ct] = envelope.split('.');
    if (version !== 'v1' || ct === undefined) throw new Error('unrecognised ciphertext envelope');
    const key = this.keys.get(keyId);
    if (!key) throw new Error(`no decryption key with id ${keyId}`);
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(associatedData));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8');
  }
}
