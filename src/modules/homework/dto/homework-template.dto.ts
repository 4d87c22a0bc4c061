import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsArray, IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { PageQueryDto } from '../../../common/pagination/cursor';
import { FRAMEWORK_STEP_KEYS } from '../../framework/framework-keys';
import { HOMEWORK_AUDIENCES, HOMEWORK_KINDS, HomeworkAudience, HomeworkKind, QUESTION_KINDS, QuestionKind } from '../../framework/homework-template.entity';

const trim = () => Transform(({ value }) => (typeof value === 'string' ? value.trim() : value));
const NOT_BLANK = { message: 'must not be blank' };

export const TEMPLATE_TITLE_MAX = 200;
export const INSTRUCTIONS_MAX = 10_000;

export class QuestionDto {
  @ApiProperty({ example: 'q1', description: 'Unique within the homework: a lower-case letter, then lower-case letters, digits or "_"' }) key!: string;
  @ApiProperty({ enum: QUESTION_KINDS }) kind!: QuestionKind;
  @ApiProperty() prompt!: string;
  @ApiPropertyOptional({ type: [String], description: 'choice and checklist only: 2–30 distinct options' }) options?: string[];
  @ApiProperty({ default: true }) required!: boolean;
}

export class ListHomeworkTemplatesQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: FRAMEWORK_STEP_KEYS })
  @IsOptional() @IsString() @MaxLength(40)
  stepKey?: string;

  @ApiPropertyOptional({ enum: HOMEWORK_KINDS })
  @IsOptional() @IsIn(HOMEWORK_KINDS, { message: `must be one of ${HOMEWORK_KINDS.join(', ')}` })
  kind?: HomeworkKind;

  @ApiPropertyOptional({ enum: HOMEWORK_AUDIENCES })
  @IsOptional() @IsIn(HOMEWORK_AUDIENCES, { message: `must be one of ${HOMEWORK_AUDIENCES.join(', ')}` })
  audience?: HomeworkAudience;

  @ApiPropertyOptional({ description: 'Text in the title (case-insensitive)' })
  @IsOptional() @trim() @IsString() @MinLength(1, NOT_BLANK) @MaxLength(100)
  q?: string;

  @ApiPropertyOptional({ enum: ['library', 'practice'], description: 'Only the framework’s starter library, or only your practice’s own' })
  @IsOptional() @IsIn(['library', 'practice'], { message: 'must be library or practice' })
  source?: 'library' | 'practice';

  @ApiPropertyOptional({ description: 'Include your practice’s archived templates (true/false)' })
  @IsOptional() @IsIn(['true', 'false'], { message: 'must be true or false' })
  includeArchived?: 'true' | 'false';
}

export class CreateHomeworkTemplateDto {
  @ApiProperty({ maxLength: TEMPLATE_TITLE_MAX })
  @trim() @IsString() @MinLength(1, NOT_BLANK) @MaxLength(TEMPLATE_TITLE_MAX)
  title!: string;

  @ApiProperty({ maxLength: INSTRUCTIONS_MAX, description: 'Written for the client who receives the task' })
  @trim() @IsString() @MinLength(1, NOT_BLANK) @MaxLength(INSTRUCTIONS_MAX)
  instructions!: string;

  @ApiProperty({ enum: HOMEWORK_KINDS })
  @IsIn(HOMEWORK_KINDS, { message: `must be one of ${HOMEWORK_KINDS.join(', ')}` })
  kind!: HomeworkKind;

  @ApiProperty({ enum: HOMEWORK_AUDIENCES, description: 'injured or involved partner, both together (a couple task), or each partner on their own' })
  @IsIn(HOMEWORK_AUDIENCES, { message: `must be one of ${HOMEWORK_AUDIENCES.join(', ')}` })
  audience!: HomeworkAudience;

  @ApiProperty({ enum: FRAMEWORK_STEP_KEYS, description: 'The step of the current framework version it serves' })
  @IsString() @MaxLength(40)
  stepKey!: string;

  @ApiProperty({ example: 'FREQ=WEEKLY;BYDAY=SU', description: '"once", or an RRULE body (DAILY, WEEKLY, MONTHLY or YEARLY; no BYHOUR/BYMINUTE/UNTIL)' })
  @trim() @IsString() @MaxLength(200)
  defaultCadence!: string;

  @ApiProperty({ type: [QuestionDto], description: 'Up to 50 questions; keys unique; options for choice and checklist' })
  @IsArray({ message: 'must be an array of questions' })
  questions!: unknown[];
}

export class UpdateHomeworkTemplateDto {
  @ApiPropertyOptional({ maxLength: TEMPLATE_TITLE_MAX })
  @IsOptional() @trim() @IsString() @MinLength(1, NOT_BLANK) @MaxLength(TEMPLATE_TITLE_MAX)
  title?: string;

  @ApiPropertyOptional({ maxLength: INSTRUCTIONS_MAX })
  @IsOptional() @trim() @IsString() @MinLength(1, NOT_BLANK) @MaxLength(INSTRUCTIONS_MAX)
  instructions?: string;

  @ApiPropertyOptional({ enum: HOMEWORK_KINDS })
  @IsOptional() @IsIn(HOMEWORK_KINDS, { message: `must be one of ${HOMEWORK_KINDS.join(', ')}` })
  kind?: HomeworkKind;

  @ApiPropertyOptional({ enum: HOMEWORK_AUDIENCES })
  @IsOptional() @IsIn(HOMEWORK_AUDIENCES, { message: `must be one of ${HOMEWORK_AUDIENCES.join(', ')}` })
  audience?: HomeworkAudience;

  @ApiPropertyOptional({ enum: FRAMEWORK_STEP_KEYS })
  @IsOptional() @IsString() @MaxLength(40)
  stepKey?: string;

  @ApiPropertyOptional()
  @IsOptional() @trim() @IsString() @MaxLength(200)
  defaultCadence?: string;

  @ApiPropertyOptional({ type: [QuestionDto] })
  @IsOptional() @IsArray({ message: 'must be an array of questions' })
  questions?: unknown[];
}

export class HomeworkTemplateDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ['library', 'practice'], description: 'The framework’s starter library (read-only) or your practice’s own' }) source!: 'library' | 'practice';
  @ApiProperty({ nullable: true, type: String }) libraryKey!: string | null;
  @ApiProperty() frameworkVersion!: number;
  @ApiProperty() stepKey!: string;
  @ApiProperty() title!: string;
  @ApiProperty() instructions!: string;
  @ApiProperty({ enum: HOMEWORK_KINDS }) kind!: HomeworkKind;
  @ApiProperty({ enum: HOMEWORK_AUDIENCES }) audience!: HomeworkAudience;
  @ApiProperty() defaultCadence!: string;
  @ApiProperty({ type: [QuestionDto] }) questions!: QuestionDto[];
  @ApiProperty({ description: 'false once archived (no new assignments)' }) active!: boolean;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) createdBy!: string | null;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;
}

export class HomeworkTemplatePageDto {
  @ApiProperty({ type: [HomeworkTemplateDto] }) data!: HomeworkTemplateDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}
