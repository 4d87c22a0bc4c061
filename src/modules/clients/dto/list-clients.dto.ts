import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { PageQueryDto } from '../../../common/pagination/cursor';
import { CLIENT_STATUSES, ClientStatus } from '../client.entity';

export class ListClientsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: CLIENT_STATUSES, description: 'Omitted: both active and archived' })
  @IsOptional() @IsIn(CLIENT_STATUSES, { message: `must be one of ${CLIENT_STATUSES.join(', ')}` })
  status?: ClientStatus;

  @ApiPropertyOptional({ format: 'uuid', description: 'Only clients whose care team includes this clinician' })
  @IsOptional() @IsUUID('all', { message: 'must be a UUID' })
  clinicianId?: string;

  @ApiPropertyOptional({ maxLength: 100, description: 'Name search over full and preferred name, ignoring case and accents' })
  @IsOptional() @IsString() @MaxLength(100)
  q?: string;
}
