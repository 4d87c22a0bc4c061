import { ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';
import { USER_ROLES, USER_STATUSES, UserRole, UserStatus } from '../../users/user.entity';
import type { CareTeamMemberView } from '../care-teams.repository';

export class AddCareTeamMemberDto {
  @ApiProperty({ format: 'uuid', description: 'An active clinician or admin of the practice' })
  @IsUUID('all', { message: 'must be a UUID' })
  clinicianId!: string;
}

export class CareTeamMemberDto {
  @ApiProperty({ format: 'uuid' }) clinicianId!: string;
  @ApiProperty({ nullable: true, type: String }) fullName!: string | null;
  @ApiProperty({ enum: USER_ROLES }) role!: UserRole;
  @ApiProperty({ enum: USER_STATUSES }) status!: UserStatus;
  @ApiProperty({ format: 'uuid' }) addedBy!: string;
  @ApiProperty() addedAt!: string;

  static from(m: CareTeamMemberView): CareTeamMemberDto {
    return {
      clinicianId: m.clinicianId,
      fullName: m.fullName,
      role: m.role,
      status: m.status,
      addedBy: m.addedBy,
      addedAt: m.addedAt.toISOString(),
    };
  }
}

/** A care team is small and bounded, so it is returned whole. */
export class CareTeamDto {
  @ApiProperty({ type: [CareTeamMemberDto] }) data!: CareTeamMemberDto[];
}
