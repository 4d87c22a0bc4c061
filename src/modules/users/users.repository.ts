import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { CursorKey } from '../../common/pagination/cursor';
import { PracticeId } from '../../common/tenancy/request-context';
import { User, UserRole, UserStatus } from './user.entity';

export interface UserListFilter {
  role?: UserRole;
  status?: UserStatus;
  after: CursorKey | null;
  limit: number;
}

/** Tenant-owned: every method but the sign-in lookups takes the practice id. */
@Injectable()
export class UsersRepository {
  constructor(private readonly dataSource: DataSource) {}

  private m(manager?: EntityManager): EntityManager {
    return manager ?? this.dataSource.manager;
  }

  findInPractice(practiceId: PracticeId, id: string, manager?: EntityManager): Promise<User | null> {
    return this.m(manager).findOne(User, { where: { id, practiceId } });
  }

  /** Row-locks the user for a read-modify-write inside a transaction. */
  lockInPractice(manager: EntityManager, practiceId: PracticeId, id: string): Promise<User | null> {
    return manager.findOne(User, { where: { id, practiceId }, lock: { mode: 'pessimistic_write' } });
  }

  async listInPractice(practiceId: PracticeId, f: UserListFilter): Promise<User[]> {
    const qb = this.dataSource.manager
      .createQueryBuilder(User, 'u')
      .where('u.practice_id = :practiceId', { practiceId })
      .orderBy('u.created_at', 'ASC')
      .addOrderBy('u.id', 'ASC')
      .limit(f.limit + 1);
    if (f.role) qb.andWhere('u.role = :role', { role: f.role });
    if (f.status) qb.andWhere('u.status = :status', { status: f.status });
    if (f.after) qb.andWhere('(u.created_at, u.id) > (:at, :id)', { at: f.after.at, id: f.after.id });
    return qb.getMany();
  }

  /** Locks the practice's active admins so two demotions cannot both leave it with none. */
  async lockActiveAdmins(manager: EntityManager, practiceId: PracticeId): Promise<User[]> {
    return manager.find(User, {
      where: { practiceId, role: 'admin', status: 'active' },
      lock: { mode: 'pessimistic_write' },
    });
  }

  // Sign-in is by email before any tenant is known; these two are the only cross-tenant reads.
  findByEmailForSignIn(email: string, manager?: EntityManager): Promise<User | null> {
    return this.m(manager).findOne(User, { where: { email } });
  }

  findByIdForSignIn(id: string, manager?: EntityManager): Promise<User | null> {
    return this.m(manager).findOne(User, { where: { id } });
  }

  create(manager: EntityManager, data: Partial<User> & { practiceId: string; email: string; role: UserRole; status: UserStatus }): Promise<User> {
    return manager.save(manager.create(User, data));
  }

  async update(manager: EntityManager, practiceId: PracticeId, id: string, changes: Partial<User>): Promise<void> {
    await manager.update(User, { id, practiceId }, changes);
  }

  async emailTaken(email: string, manager?: EntityManager): Promise<boolean> {
    return (await this.m(manager).count(User, { where: { email } })) > 0;
  }
}
