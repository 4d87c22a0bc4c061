import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length, Matches, MaxLength, MinLength } from 'class-validator';
import { IsAcceptablePassword, IsIanaTimezone, NormalizedEmail } from '../../../common/validation/validators';

export class SignupDto {
  @ApiProperty({ example: 'Riverside Couples Therapy', maxLength: 200 })
  @IsString() @MinLength(1) @MaxLength(200)
  practiceName!: string;

  @ApiProperty({ example: 'America/Chicago', description: 'IANA timezone of the practice' })
  @IsIanaTimezone()
  timezone!: string;

  @ApiProperty({ example: 'Dr. Ada Morgan', maxLength: 200 })
  @IsString() @MinLength(1) @MaxLength(200)
  fullName!: string;

  @ApiProperty({ example: 'ada@riverside.example' })
  @NormalizedEmail()
  email!: string;

  @ApiProperty({ minLength: 12, maxLength: 128 })
  @IsAcceptablePassword()
  password!: string;
}

export class LoginDto {
  @ApiProperty() @NormalizedEmail() email!: string;

  @ApiProperty() @IsString() @MaxLength(128) password!: string;

  @ApiPropertyOptional({ description: 'Current 6-digit TOTP code, when the account has TOTP' })
  @IsOptional() @IsString() @Matches(/^\d{6}$/, { message: 'must be 6 digits' })
  totpCode?: string;

  @ApiPropertyOptional({ description: 'A single-use recovery code instead of a TOTP code' })
  @IsOptional() @IsString() @Length(11, 11, { message: 'must look like xxxxx-xxxxx' })
  recoveryCode?: string;
}

export class RefreshDto {
  @ApiProperty() @IsString() @MinLength(20) @MaxLength(200) refreshToken!: string;
}

export class AcceptInvitationDto {
  @ApiProperty({ description: 'The token from the invitation email' })
  @IsString() @MinLength(20) @MaxLength(200)
  token!: string;

  @ApiProperty({ minLength: 12, maxLength: 128 }) @IsAcceptablePassword() password!: string;

  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional() @IsString() @MinLength(1) @MaxLength(200)
  fullName?: string;
}

export class PasswordResetRequestDto {
  @ApiProperty() @NormalizedEmail() email!: string;
}

export class PasswordResetConfirmDto {
  @ApiProperty({ description: 'The token from the reset email' })
  @IsString() @MinLength(20) @MaxLength(200)
  token!: string;

  @ApiProperty({ minLength: 12, maxLength: 128 }) @IsAcceptablePassword() password!: string;
}

export class ChangePasswordDto {
  @ApiProperty() @IsString() @MaxLength(128) currentPassword!: string;
  @ApiProperty({ minLength: 12, maxLength: 128 }) @IsAcceptablePassword() newPassword!: string;
}

export class TotpCodeDto {
  @ApiProperty({ example: '123456' }) @IsString() @Matches(/^\d{6}$/, { message: 'must be 6 digits' }) code!: string;
}

export class TotpBeginDto {
  @ApiProperty({ description: 'Your current password' }) @IsString() @MaxLength(128) password!: string;
}

export class TotpDisableDto {
  @ApiProperty() @IsString() @MaxLength(128) password!: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @Matches(/^\d{6}$/, { message: 'must be 6 digits' })
  code?: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @Length(11, 11, { message: 'must look like xxxxx-xxxxx' })
  recoveryCode?: string;
}

export class TokenPairDto {
  @ApiProperty({ enum: ['Bearer'] }) tokenType!: 'Bearer';
  @ApiProperty({ description: 'JWT for the Authorization header' }) accessToken!: string;
  @ApiProperty({ description: 'Seconds until the access token expires' }) expiresIn!: number;
  @ApiProperty({ description: 'Single-use; exchange at /v1/auth/refresh for a new pair' }) refreshToken!: string;
  @ApiProperty() refreshExpiresAt!: string;
  @ApiPropertyOptional({ description: 'The practice requires TOTP: enrol before anything else' })
  totpEnrolmentRequired?: boolean;
}

export class TotpEnrolmentDto {
  @ApiProperty({ description: 'Base32 secret for manual entry' }) secret!: string;
  @ApiProperty({ description: 'otpauth:// URL for a QR code' }) otpauthUrl!: string;
}

export class RecoveryCodesDto {
  @ApiProperty({ type: [String], description: 'Shown once; each works once' }) recoveryCodes!: string[];
}
