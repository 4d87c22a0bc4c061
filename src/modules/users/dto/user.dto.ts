import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { PageQueryDto } from '../../../common/pagination/cursor';
import { NormalizedEmail } from '../../../common/validation/validators';
import { STAFF_ROLES, StaffRole, User, USER_ROLES, USER_STATUSES, UserRole, UserStatus } from '../user.entity';

export class InviteUserDto {
  @ApiProperty() @NormalizedEmail() email!: string;

  @ApiProperty({ enum: STAFF_ROLES, description: 'Client portal accounts are invited from the client record' })
  @IsIn(STAFF_ROLES, { message: `must be one of ${STAFF_ROLES.join(', ')}` })
  role!: StaffRole;

  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional() @IsString() @MinLength(1) @MaxLength(200)
  fullName?: string;
}

export class UpdateUserDto {
  @ApiPropertyOptional({ enum: STAFF_ROLES })
  @IsOptional() @IsIn(STAFF_ROLES, { message: `must be one of ${STAFF_ROLES.join(', ')}` })
  role?: StaffRole;

  @ApiPropertyOptional({ enum: ['active', 'deactivated'], description: 'Deactivating ends all of the user’s sessions at once' })
  @IsOptional() @IsIn(['active', 'deactivated'], { message: 'must be one of active, deactivated' })
  status?: 'active' | 'deactivated';

  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional() @IsString() @MinLength(1) @MaxLength(200)
  fullName?: string;
}

export class ListUsersQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: USER_ROLES })
  @IsOptional() @IsIn(USER_ROLES, { message: `must be one of ${USER_ROLES.join(', ')}` })
  role?: UserRole;

  @ApiPropertyOptional({ enum: USER_STATUSES })
  @IsOptional() @IsIn(USER_STATUSES, { message: `must be one of ${USER_STATUSES.join(', ')}` })
  status?: UserStatus;
}

export class UserResponseDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() email!: string;
  @ApiProperty({ nullable: true }) fullName!: string | null;
  @ApiProperty({ enum: USER_ROLES }) role!: UserRole;
  @ApiProperty({ enum: USER_STATUSES }) status!: UserStatus;
  @ApiProperty() totpEnabled!: boolean;
  @ApiProperty({ nullable: true }) lastLoginAt!: string | null;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;

  static from(u: User): UserResponseDto {
    return {
      id: u.id,
      email: u.email,
      fullName: u.fullName,
      role: u.role,
      status: u.status,
      totpEnabled: u.totpEnabledAt !== null,
      lastLoginAt: u.lastLoginAt?.toISOString() ?? null,
      createdAt: u.createdAt.toISOString(),
      updatedAt: u.updatedAt.toISOString(),
    };
  }
}

export class UserPageDto {
  @ApiProperty({ type: [UserResponseDto] }) data!: UserResponseDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

export class MeResponseDto extends UserResponseDto {
  @ApiProperty({ description: 'The practice the user belongs to' })
  practice!: { id: string; name: string; timezone: string };
  @ApiProperty({ description: 'The practice requires TOTP and this session must enrol first' })
  totpEnrolmentRequired!: boolean;
}
