import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { ClinicalAccess } from '../../common/access/clinical-access.service';
import { BadRequestError, ConflictError, ForbiddenError, NotFoundError } from '../../common/errors/domain-error';
import { Principal } from '../../common/tenancy/request-context';
import { UsersRepository } from '../users/users.repository';
import { CareTeamMemberView, CareTeamsRepository, CareTeamSubject } from './care-teams.repository';

/**
 * Who works with a client or a couple. Anyone who may see the record may read its team; admins
 * manage every team; a clinician manages only the teams they are on. Only the practice's active
 * staff can join, and the last member can be removed only by an admin.
 */
@Injectable()
export class CareTeamsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly access: ClinicalAccess,
    private readonly teams: CareTeamsRepository,
    private readonly users: UsersRepository,
  ) {}

  async list(p: Principal, subject: CareTeamSubject): Promise<CareTeamMemberView[]> {
    await this.assertVisible(p, subject);
    return this.teams.listMembers(p.practiceId, subject);
  }

  async add(p: Principal, subject: CareTeamSubject, clinicianId: string): Promise<CareTeamMemberView> {
    await this.assertMayManage(p, subject);
    const candidate = await this.users.findInPractice(p.practiceId, clinicianId);
    if (!candidate) throw new NotFoundError('Clinician');
    if (candidate.role === 'client' || candidate.status !== 'active') {
      throw new BadRequestError('invalid_clinician', 'clinicianId: must be an active clinician or admin of this practice');
    }
    return this.dataSource.transaction(async (manager) => {
      if (!(await this.teams.lockSubject(manager, p.practiceId, subject))) throw notFound(subject);
      await this.assertStillOnTeam(manager, p, subject);
      if (!(await this.teams.add(manager, p.practiceId, subject, clinicianId, p.userId))) {
        throw new ConflictError('already_on_care_team', 'clinicianId: is already on this care team');
      }
      const members = await this.teams.listMembers(p.practiceId, subject, manager);
      const added = members.find((m) => m.clinicianId === clinicianId);
      if (!added) throw new Error('care team member vanished inside its own transaction');
      return added;
    });
  }

  async remove(p: Principal, subject: CareTeamSubject, clinicianId: string): Promise<void> {
    await this.assertMayManage(p, subject);
    await this.dataSource.transaction(async (manager) => {
      if (!(await this.teams.lockSubject(manager, p.practiceId, subject))) throw notFound(subject);
      await this.assertStillOnTeam(manager, p, subject);
      if (!(await this.teams.isMember(p.practiceId, subject, clinicianId, manager))) throw new NotFoundError('Care team member');
      if (p.role !== 'admin' && (await this.teams.countMembers(manager, p.practiceId, subject)) <= 1) {
        throw new ConflictError('last_care_team_member', 'Only an admin can remove the last clinician of a care team');
      }
      await this.teams.remove(manager, p.practiceId, subject, clinicianId);
    });
  }

  /**
   * Re-checked under the subject's lock: a clinician removed by a concurrent request must not
   * go on to change the team they just left.
   */
  private async assertStillOnTeam(manager: EntityManager, p: Principal, subject: CareTeamSubject): Promise<void> {
    if (p.role === 'admin') return;
    if (!(await this.teams.isMember(p.practiceId, subject, p.userId, manager))) {
      throw new ForbiddenError('Only an admin or a clinician on this care team can change it', 'not_on_care_team');
    }
  }

  private async assertVisible(p: Principal, subject: CareTeamSubject): Promise<void> {
    if (subject.kind === 'client') await this.access.assertClientRecord(p, subject.id);
    else await this.access.assertCoupleRecord(p, subject.id);
  }

  /** 404 when the record is not visible; 403 for a clinician who sees it but is not on its team. */
  private async assertMayManage(p: Principal, subject: CareTeamSubject): Promise<void> {
    await this.assertVisible(p, subject);
    if (p.role === 'admin') return;
    if (p.role !== 'clinician' || !(await this.teams.isMember(p.practiceId, subject, p.userId))) {
      throw new ForbiddenError('Only an admin or a clinician on this care team can change it', 'not_on_care_team');
    }
  }
}

function notFound(subject: CareTeamSubject): NotFoundError {
  return new NotFoundError(subject.kind === 'client' ? 'Client' : 'Couple');
}
