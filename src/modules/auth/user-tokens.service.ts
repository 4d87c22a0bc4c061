import { Injectable } from '@nestjs/common';
import { EntityManager, IsNull, MoreThan } from 'typeorm';
import { newOpaqueToken, sha256Hex } from '../../common/security/tokens';
import { UserToken, UserTokenPurpose } from './user-token.entity';

/** Invitation and password-reset tokens: emailed once, stored hashed, spent once. */
@Injectable()
export class UserTokensService {
  /** Issues a fresh token and voids any earlier unspent one of the same purpose. */
  async issue(
    manager: EntityManager,
    target: { id: string; practiceId: string },
    purpose: UserTokenPurpose,
    ttlMs: number,
    createdBy: string | null,
  ): Promise<string> {
    await manager.update(UserToken, { userId: target.id, purpose, usedAt: IsNull() }, { usedAt: new Date() });
    const raw = newOpaqueToken();
    await manager.insert(UserToken, {
      practiceId: target.practiceId,
      userId: target.id,
      purpose,
      tokenHash: sha256Hex(raw),
      expiresAt: new Date(Date.now() + ttlMs),
      usedAt: null,
      createdBy,
    });
    return raw;
  }

  /**
   * Spends a live token with one conditional UPDATE, so two concurrent uses cannot both succeed.
   * Returns the token row, or null when it is unknown, spent, expired or for another purpose.
   */
  async spend(manager: EntityManager, raw: string, purpose: UserTokenPurpose): Promise<UserToken | null> {
    const rows: Array<{ id: string }> = await manager
      .createQueryBuilder()
      .update(UserToken)
      .set({ usedAt: () => 'now()' })
      .where({ tokenHash: sha256Hex(raw), purpose, usedAt: IsNull(), expiresAt: MoreThan(new Date()) })
      .returning(['id'])
      .execute()
      .then((r) => r.raw as Array<{ id: string }>);
    if (rows.length === 0) return null;
    return manager.findOne(UserToken, { where: { id: rows[0].id } });
  }
}
