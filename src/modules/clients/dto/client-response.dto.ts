import { ApiProperty } from '@nestjs/swagger';
import { CLIENT_STATUSES, ClientStatus } from '../client.entity';
import type { ClientView, PortalStatus } from '../clients.repository';
import { PORTAL_STATUSES } from '../clients.repository';
import { ReminderPreferencesDto } from './reminder-preferences.dto';

export class ClientResponseDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() fullName!: string;
  @ApiProperty({ nullable: true, type: String }) preferredName!: string | null;
  @ApiProperty({ nullable: true, type: String }) pronouns!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date' }) dateOfBirth!: string | null;
  @ApiProperty({ nullable: true, type: String }) email!: string | null;
  @ApiProperty({ nullable: true, type: String }) phone!: string | null;
  @ApiProperty({ example: 'Europe/Paris' }) timezone!: string;
  @ApiProperty({ type: ReminderPreferencesDto }) reminderPreferences!: ReminderPreferencesDto;
  @ApiProperty({ enum: CLIENT_STATUSES }) status!: ClientStatus;
  @ApiProperty({ nullable: true, type: String }) archivedAt!: string | null;
  @ApiProperty({ type: [String], description: 'Ids of the clinicians on the client’s own care team' }) careTeam!: string[];
  @ApiProperty({ enum: PORTAL_STATUSES, description: 'The client’s portal account: none, invited (link sent), active, or deactivated' })
  portalStatus!: PortalStatus;
  @ApiProperty({ format: 'uuid' }) createdBy!: string;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;
  @ApiProperty({ description: 'Send it back with PATCH; a stale one is refused with 409' }) version!: number;

  static from(c: ClientView): ClientResponseDto {
    return {
      id: c.id,
      fullName: c.fullName,
      preferredName: c.preferredName,
      pronouns: c.pronouns,
      dateOfBirth: c.dateOfBirth,
      email: c.email,
      phone: c.phone,
      timezone: c.timezone,
      reminderPreferences: { channels: c.reminderPreferences.channels ?? null, quietHours: c.reminderPreferences.quietHours ?? null },
      status: c.status,
      archivedAt: c.archivedAt?.toISOString() ?? null,
      careTeam: c.careTeam,
      portalStatus: c.portalStatus,
      createdBy: c.createdBy,
      createdAt: c.createdAt.toISOString(),
      updatedAt: c.updatedAt.toISOString(),
      version: c.version,
    };
  }
}

export class ClientPageDto {
  @ApiProperty({ type: [ClientResponseDto] }) data!: ClientResponseDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}
