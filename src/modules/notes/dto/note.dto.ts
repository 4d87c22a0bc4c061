import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayUnique, IsArray, IsIn, IsInt, IsObject, IsOptional, IsString, MaxLength, Min, MinLength } from 'class-validator';
import { FRAMEWORK_STEP_KEYS, FrameworkStepKey } from '../../framework/framework-keys';
import { NOTE_FORMS, NOTE_STATUSES, NoteForm, NoteStatus } from '../clinical-note.entity';
import { MAX_SECTION_LENGTH } from '../note-sections';

export class PutNoteDto {
  @ApiProperty({ enum: NOTE_FORMS })
  @IsIn(NOTE_FORMS, { message: `must be one of ${NOTE_FORMS.join(', ')}` })
  form!: NoteForm;

  @ApiProperty({
    description: `SOAP: subjective, objective, assessment, plan. DAP: data, assessment, plan. Each a string of at most ${MAX_SECTION_LENGTH} characters.`,
    example: { data: '…', assessment: '…', plan: '…' },
  })
  @IsObject({ message: 'must be an object of the form’s sections' })
  sections!: Record<string, unknown>;

  @ApiPropertyOptional({ enum: FRAMEWORK_STEP_KEYS, isArray: true, description: 'Replaces the list; omitted means none' })
  @IsOptional() @IsArray() @ArrayMaxSize(FRAMEWORK_STEP_KEYS.length) @ArrayUnique({ message: 'must not repeat a step' })
  @IsIn(FRAMEWORK_STEP_KEYS, { each: true, message: `must hold framework step keys (${FRAMEWORK_STEP_KEYS.join(', ')})` })
  stepsAddressed?: FrameworkStepKey[];

  @ApiPropertyOptional({ description: 'The version you last read; required to update an existing draft (stale → 409)' })
  @IsOptional() @IsInt() @Min(0)
  version?: number;
}

export class SignNoteDto {
  @ApiProperty({ description: 'The version you reviewed; a stale one gets 409' })
  @IsInt() @Min(1)
  version!: number;
}

export class AddendumDto {
  @ApiProperty({ maxLength: MAX_SECTION_LENGTH })
  @IsString() @MinLength(1) @MaxLength(MAX_SECTION_LENGTH)
  text!: string;
}

export class AddendumResponseDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) authorId!: string;
  @ApiProperty() text!: string;
  @ApiProperty() createdAt!: string;
}

export class NoteResponseDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) sessionId!: string;
  @ApiProperty({ enum: NOTE_FORMS }) form!: NoteForm;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } }) sections!: Record<string, string>;
  @ApiProperty({ enum: FRAMEWORK_STEP_KEYS, isArray: true }) stepsAddressed!: string[];
  @ApiProperty({ enum: NOTE_STATUSES }) status!: NoteStatus;
  @ApiProperty({ format: 'uuid' }) authorId!: string;
  @ApiProperty({ nullable: true, type: String }) signedBy!: string | null;
  @ApiProperty({ nullable: true, type: String }) signedAt!: string | null;
  @ApiProperty() version!: number;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;
  @ApiProperty({ type: [AddendumResponseDto] }) addenda!: AddendumResponseDto[];
}
