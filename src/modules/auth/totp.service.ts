import { Injectable } from '@nestjs/common';
import { authenticator } from 'otplib';
import { randomBytes } from 'node:crypto';
import { EntityManager, IsNull } from 'typeorm';
import { EnvSchema } from '../../config/env.schema';
import { FieldEncryption } from '../../common/security/field-encryption';
import { sha256Hex } from '../../common/security/tokens';
import { User } from '../users/user.entity';
import { RecoveryCode } from './recovery-code.entity';

const STEP_SECONDS = 30;
export const RECOVERY_CODE_COUNT = 10;

authenticator.options = { step: STEP_SECONDS, window: 1, digits: 6 };

/** TOTP (RFC 6238) with replay protection and single-use recovery codes. */
@Injectable()
export class TotpService {
  private readonly encryption: FieldEncryption;

  constructor(config: EnvSchema) {
    this.encryption = new FieldEncryption(config.ENCRYPTION_KEYS);
  }

  newSecret(): string {
    return authenticator.generateSecret(20);
  }

  sealSecret(userId: string, secret: string): string {
    return this.encryption.encrypt(secret, `totp:${userId}`);
  }

  openSecret(user: User): string | null {
    return user.totpSecret ? this.encryption.decrypt(user.totpSecret, `totp:${user.id}`) : null;
  }

  otpauthUrl(email: string, secret: string): string {
    return authenticator.keyuri(email, 'Kintsugi', secret);
  }

  /**
   * Returns the time step the code belongs to when it is valid and newer than the last
   * accepted one (a code cannot be used twice), otherwise null.
   */
  acceptedStep(user: User, code: string, secret: string | null = this.openSecret(user)): number | null {
    if (!secret || !/^\d{6}$/.test(code)) return null;
    const delta = authenticator.checkDelta(code, secret);
    if (delta === null) return null;
    const step = Math.floor(Date.now() / 1000 / STEP_SECONDS) + delta;
    if (user.totpLastStep !== null && step <= Number(user.totpLastStep)) return null;
    return step;
  }

  /**
   * Records `step` as the last one used, only if it is newer than the stored one: of two
   * concurrent requests with the same code, exactly one claims it. Call inside the transaction
   * that acts on the code.
   */
  async claimStep(manager: EntityManager, userId: string, step: number): Promise<boolean> {
    const result = await manager
      .createQueryBuilder()
      .update(User)
      .set({ totpLastStep: String(step) })
      .where('id = :userId AND (totp_last_step IS NULL OR totp_last_step < :step)', { userId, step })
      .execute();
    return (result.affected ?? 0) === 1;
  }

  async replaceRecoveryCodes(manager: EntityManager, userId: string): Promise<string[]> {
    await manager.delete(RecoveryCode, { userId });
    const codes = Array.from({ length: RECOVERY_CODE_COUNT }, () => {
      const hex = randomBytes(5).toString('hex');
      return `${hex.slice(0, 5)}-${hex.slice(5)}`;
    });
    await manager.insert(
      RecoveryCode,
      codes.map((c) => ({ userId, codeHash: sha256Hex(c), usedAt: null })),
    );
    return codes;
  }

  async spendRecoveryCode(manager: EntityManager, userId: string, code: string): Promise<boolean> {
    const result = await manager.update(
      RecoveryCode,
      { userId, codeHash: sha256Hex(code.trim().toLowerCase()), usedAt: IsNull() },
      { usedAt: new Date() },
    );
    return (result.affected ?? 0) === 1;
  }

  async clearRecoveryCodes(manager: EntityManager, userId: string): Promise<void> {
    await manager.delete(RecoveryCode, { userId });
  }
}
