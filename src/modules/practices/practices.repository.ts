import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { PracticeId } from '../../common/tenancy/request-context';
import { Practice, PracticeSettings } from './practice.entity';

@Injectable()
export class PracticesRepository {
  constructor(private readonly dataSource: DataSource) {}

  findById(practiceId: PracticeId, manager: EntityManager = this.dataSource.manager): Promise<Practice | null> {
    return manager.findOne(Practice, { where: { id: practiceId } });
  }

  create(manager: EntityManager, data: { name: string; timezone: string; settings: PracticeSettings }): Promise<Practice> {
    return manager.save(manager.create(Practice, { ...data, status: 'active' }));
  }

  /** Conditional on the version the caller read: a concurrent edit makes this return false. */
  async updateIfVersion(
    practiceId: PracticeId,
    expectedVersion: number,
    changes: { name?: string; timezone?: string; settings?: PracticeSettings },
  ): Promise<boolean> {
    const result = await this.dataSource
      .createQueryBuilder()
      .update(Practice)
      .set({ ...changes, version: () => 'version + 1' })
      .where('id = :id AND version = :version', { id: practiceId, version: expectedVersion })
      .execute();
    return (result.affected ?? 0) === 1;
  }
}
