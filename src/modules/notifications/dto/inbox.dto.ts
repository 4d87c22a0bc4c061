import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional } from 'class-validator';
import { PageQueryDto } from '../../../common/pagination/cursor';
import { NOTIFICATION_REASONS, NOTIFICATION_SUBJECTS, NotificationReason, NotificationSubject } from '../notification.entity';

/** Query strings carry text: "true"/"false" only, anything else is refused by @IsBoolean. */
const queryBoolean = () =>
  Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value));

export class ListInboxQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'true: only what you have not read yet' })
  @IsOptional() @queryBoolean() @IsBoolean({ message: 'must be true or false' })
  unread?: boolean;
}

export class NotificationSubjectDto {
  @ApiProperty({ enum: NOTIFICATION_SUBJECTS }) type!: NotificationSubject;
  @ApiProperty({ format: 'uuid' }) id!: string;
}

export class InboxItemDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: NOTIFICATION_REASONS }) reason!: NotificationReason;
  @ApiProperty({ type: NotificationSubjectDto, description: 'What it is about, for the app to open it' }) subject!: NotificationSubjectDto;
  @ApiProperty({ description: 'Rendered when read; never clinical text' }) title!: string;
  @ApiProperty() body!: string;
  @ApiProperty({ description: 'When it reached the inbox' }) sentAt!: string;
  @ApiProperty({ nullable: true, type: String }) readAt!: string | null;
}

export class InboxPageDto {
  @ApiProperty({ type: [InboxItemDto] }) data!: InboxItemDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

export class ReadAllResultDto {
  @ApiProperty({ description: 'How many notifications were marked read' }) updated!: number;
}
