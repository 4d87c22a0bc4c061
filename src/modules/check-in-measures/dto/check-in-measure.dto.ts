import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { CHECK_IN_MEASURE_KINDS, CheckInMeasureKind } from '../../framework/framework.entity';

export const MEASURE_KEY_PATTERN = /^[a-z][a-z0-9_]{1,39}$/;
export const MEASURE_LABEL_MAX = 200;
export const MEASURE_OPTION_MAX = 100;
export const MEASURE_OPTIONS_MAX = 20;
export const MEASURE_POSITION_MAX = 1000;

const trim = () => Transform(({ value }) => (typeof value === 'string' ? value.trim() : value));
const trimEach = () => Transform(({ value }) => (Array.isArray(value) ? value.map((v) => (typeof v === 'string' ? v.trim() : v)) : value));
const NOT_BLANK = { message: 'must not be blank' };
const OPTION_RULES = [
  IsArray({ message: 'must be an array of answers' }),
  ArrayMinSize(2, { message: 'must offer at least 2 answers' }),
  ArrayMaxSize(MEASURE_OPTIONS_MAX),
  ArrayUnique({ message: 'must not repeat an answer' }),
  IsString({ each: true, message: 'each answer must be a string' }),
  MinLength(1, { each: true, message: 'answers must not be blank' }),
  MaxLength(MEASURE_OPTION_MAX, { each: true }),
];
const optionRules = () => (target: object, property: string) => OPTION_RULES.forEach((d) => d(target, property));

export class CreateCheckInMeasureDto {
  @ApiProperty({ pattern: MEASURE_KEY_PATTERN.source, description: 'Slug the answers are stored under; fixed once created; not a framework measure key' })
  @IsString() @Matches(MEASURE_KEY_PATTERN, { message: 'must be a slug: a lowercase letter, then lowercase letters, digits or _ (2–40 characters)' })
  key!: string;

  @ApiProperty({ maxLength: MEASURE_LABEL_MAX })
  @trim() @IsString() @MinLength(1, NOT_BLANK) @MaxLength(MEASURE_LABEL_MAX)
  label!: string;

  @ApiProperty({ enum: CHECK_IN_MEASURE_KINDS, description: 'Fixed once created' })
  @IsIn(CHECK_IN_MEASURE_KINDS, { message: `must be one of ${CHECK_IN_MEASURE_KINDS.join(', ')}` })
  kind!: CheckInMeasureKind;

  @ApiPropertyOptional({ type: [String], description: 'The allowed answers: required for choice, refused otherwise' })
  @IsOptional() @trimEach() @optionRules()
  options?: string[];

  @ApiPropertyOptional({ default: true })
  @IsOptional() @IsBoolean()
  active?: boolean;

  @ApiPropertyOptional({ minimum: 0, maximum: MEASURE_POSITION_MAX, description: 'Order among the practice’s measures (default: last)' })
  @IsOptional() @IsInt() @Min(0) @Max(MEASURE_POSITION_MAX)
  position?: number;
}

/** Key and kind are fixed: answers already given under them keep their meaning. */
export class UpdateCheckInMeasureDto {
  @ApiPropertyOptional({ maxLength: MEASURE_LABEL_MAX })
  @IsOptional() @trim() @IsString() @MinLength(1, NOT_BLANK) @MaxLength(MEASURE_LABEL_MAX)
  label?: string;

  @ApiPropertyOptional({ type: [String], description: 'Choice measures only' })
  @IsOptional() @trimEach() @optionRules()
  options?: string[];

  @ApiPropertyOptional()
  @IsOptional() @IsBoolean()
  active?: boolean;

  @ApiPropertyOptional({ minimum: 0, maximum: MEASURE_POSITION_MAX })
  @IsOptional() @IsInt() @Min(0) @Max(MEASURE_POSITION_MAX)
  position?: number;
}

export class CheckInMeasureDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() key!: string;
  @ApiProperty() label!: string;
  @ApiProperty({ enum: CHECK_IN_MEASURE_KINDS }) kind!: CheckInMeasureKind;
  @ApiProperty({ type: [String], nullable: true }) options!: string[] | null;
  @ApiProperty() active!: boolean;
  @ApiProperty() position!: number;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;
}

export class CheckInMeasureListDto {
  @ApiProperty({ type: [CheckInMeasureDto] }) data!: CheckInMeasureDto[];
}

/** One question of the check-in form, whoever defined it. */
export class CheckInFormMeasureDto {
  @ApiProperty({ enum: ['framework', 'practice'], description: 'framework: a top-level field of the check-in; practice: a key of extraAnswers' })
  source!: 'framework' | 'practice';
  @ApiProperty() key!: string;
  @ApiProperty() label!: string;
  @ApiProperty({ enum: CHECK_IN_MEASURE_KINDS }) kind!: CheckInMeasureKind;
  @ApiProperty({ type: [String], nullable: true }) options!: string[] | null;
  @ApiProperty({ description: 'Answering it (true) alerts your care team at once' }) alerts!: boolean;
}

export class CheckInFormDto {
  @ApiProperty({ type: [CheckInFormMeasureDto] }) measures!: CheckInFormMeasureDto[];
}
