import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsDefined,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  MinLength,
  registerDecorator,
  ValidateIf,
  ValidateNested,
  ValidationArguments,
} from 'class-validator';
import { FRAMEWORK_STEP_KEYS, FrameworkStepKey } from '../../framework/framework-keys';
import { GOAL_STATUSES, GoalStatus, OBJECTIVE_METRICS, ObjectiveMetric, ObjectiveParams } from '../../treatment-plans/treatment-plan.entity';

export const MAX_GOALS_PER_PLAN = 50;
export const MAX_OBJECTIVES_PER_GOAL = 10;
export const MAX_WEEKS = 52;

export const MEASURES = ['trust', 'safety', 'connection', 'mood'] as const;
export type Measure = (typeof MEASURES)[number];
/** The scale of each check-in measure (FRAMEWORK.md "Check-in measures"). */
export const MEASURE_RANGES: Record<Measure, [number, number]> = { trust: [0, 10], safety: [0, 10], connection: [0, 10], mood: [1, 5] };

export const WHO = ['each_partner', 'either_partner'] as const;
export type Who = (typeof WHO)[number];

const trim = () => Transform(({ value }) => (typeof value === 'string' ? value.trim() : value));
const oneOf = (values: readonly string[]) => ({ message: `must be one of ${values.join(', ')}` });

/** A threshold inside the scale of the sibling `measure` (0–10, or 1–5 for mood). */
function IsWithinMeasureScale() {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'isWithinMeasureScale',
      target: object.constructor,
      propertyName,
      options: {
        message: (args: ValidationArguments) => {
          const range = MEASURE_RANGES[(args.object as { measure: Measure }).measure];
          return `must be between ${range[0]} and ${range[1]} for ${(args.object as { measure: Measure }).measure}`;
        },
      },
      validator: {
        validate: (value: unknown, args: ValidationArguments) => {
          const range = MEASURE_RANGES[(args.object as { measure?: Measure }).measure as Measure];
          // An unknown measure is reported on `measure` itself.
          if (!range || typeof value !== 'number') return true;
          return value >= range[0] && value <= range[1];
        },
      },
    });
}

abstract class ParamsBaseDto {
  @ApiProperty({ minimum: 1, maximum: MAX_WEEKS, description: 'For how many consecutive weeks' })
  @IsInt({ message: 'must be a whole number of weeks' }) @Min(1) @Max(MAX_WEEKS)
  weeks!: number;

  @ApiPropertyOptional({ enum: WHO, default: 'each_partner', description: 'For a couple’s plan: each partner must reach it, or either partner’s check-ins count' })
  @IsOptional() @IsIn(WHO, oneOf(WHO))
  who?: Who;
}

export class CheckinDaysParamsDto extends ParamsBaseDto {
  @ApiProperty({ minimum: 1, maximum: 7, description: 'Days with a check-in in each week' })
  @IsInt({ message: 'must be a whole number of days' }) @Min(1) @Max(7)
  daysPerWeek!: number;
}

export class MeasureAverageParamsDto extends ParamsBaseDto {
  @ApiProperty({ enum: MEASURES })
  @IsIn(MEASURES, oneOf(MEASURES))
  measure!: Measure;

  @ApiProperty({ description: 'The weekly average must reach this (0–10; mood 1–5)' })
  @IsNumber({ allowNaN: false, allowInfinity: false, maxDecimalPlaces: 2 }, { message: 'must be a number with at most 2 decimals' })
  @IsWithinMeasureScale()
  threshold!: number;
}

export class AgreementKeptParamsDto extends ParamsBaseDto {
  @ApiProperty({ minimum: 1, maximum: 100, description: 'Share of answered check-ins saying the agreements were kept, each week' })
  @IsInt({ message: 'must be a whole percentage' }) @Min(1) @Max(100)
  percent!: number;
}

const PARAMS_BY_METRIC: Record<ObjectiveMetric, new () => ParamsBaseDto> = {
  checkin_days: CheckinDaysParamsDto,
  measure_average: MeasureAverageParamsDto,
  agreement_kept: AgreementKeptParamsDto,
};

const isMetric = (v: unknown): v is ObjectiveMetric => (OBJECTIVE_METRICS as readonly unknown[]).includes(v);

/** Every field an objective's params may hold (which ones depends on the metric). */
export class ObjectiveParamsResponseDto {
  @ApiProperty() weeks!: number;
  @ApiPropertyOptional() daysPerWeek?: number;
  @ApiPropertyOptional({ enum: MEASURES }) measure?: Measure;
  @ApiPropertyOptional() threshold?: number;
  @ApiPropertyOptional() percent?: number;
  @ApiPropertyOptional({ enum: WHO }) who?: Who;
}

export class ObjectiveInputDto {
  @ApiProperty({ maxLength: 300, example: 'Daily check-in kept on 5 of 7 days for 4 weeks' })
  @trim() @IsString() @MinLength(1, { message: 'must not be blank' }) @MaxLength(300)
  description!: string;

  @ApiProperty({ enum: OBJECTIVE_METRICS, description: 'How progress is computed from check-ins' })
  @IsIn(OBJECTIVE_METRICS, oneOf(OBJECTIVE_METRICS))
  metric!: ObjectiveMetric;

  @ApiProperty({
    type: () => ObjectiveParamsResponseDto,
    description:
      'checkin_days: {daysPerWeek 1–7, weeks 1–52}; measure_average: {measure trust|safety|connection|mood, threshold within the scale, weeks}; ' +
      'agreement_kept: {percent 1–100, weeks}; each may add who: each_partner (default) | either_partner',
    example: { daysPerWeek: 5, weeks: 4 },
  })
  // Params are checked against the metric's own shape; with an unknown metric only `metric` is reported.
  @ValidateIf((o: ObjectiveInputDto) => isMetric(o.metric))
  @IsDefined({ message: 'is required' })
  @IsObject({ message: 'must be an object' })
  @ValidateNested()
  @Type((opts) => PARAMS_BY_METRIC[(opts?.object as ObjectiveInputDto | undefined)?.metric as ObjectiveMetric] ?? CheckinDaysParamsDto)
  params!: ParamsBaseDto;
}

export class CreateGoalDto {
  @ApiProperty({ maxLength: 300, example: 'Rebuild a daily rhythm of honest check-ins' })
  @trim() @IsString() @MinLength(1, { message: 'must not be blank' }) @MaxLength(300)
  title!: string;

  @ApiPropertyOptional({ enum: FRAMEWORK_STEP_KEYS, description: 'The plan step this goal serves' })
  @IsOptional() @IsIn(FRAMEWORK_STEP_KEYS, oneOf(FRAMEWORK_STEP_KEYS))
  stepKey?: FrameworkStepKey;

  @ApiPropertyOptional({ type: [ObjectiveInputDto], maxItems: MAX_OBJECTIVES_PER_GOAL })
  @IsOptional() @IsArray() @ArrayMaxSize(MAX_OBJECTIVES_PER_GOAL) @ValidateNested({ each: true }) @Type(() => ObjectiveInputDto)
  objectives?: ObjectiveInputDto[];
}

export class UpdateGoalDto {
  @ApiPropertyOptional({ maxLength: 300 })
  @IsOptional() @trim() @IsString() @MinLength(1, { message: 'must not be blank' }) @MaxLength(300)
  title?: string;

  @ApiPropertyOptional({ enum: GOAL_STATUSES, description: 'The clinician’s judgement; objective progress informs it but never sets it' })
  @IsOptional() @IsIn(GOAL_STATUSES, oneOf(GOAL_STATUSES))
  status?: GoalStatus;
}

/** Only the fields of the metric's shape are kept. */
export function normalizeParams(metric: ObjectiveMetric, p: ObjectiveParams): ObjectiveParams {
  const out: ObjectiveParams = { weeks: p.weeks };
  if (metric === 'checkin_days') out.daysPerWeek = p.daysPerWeek;
  if (metric === 'measure_average') Object.assign(out, { measure: p.measure, threshold: p.threshold });
  if (metric === 'agreement_kept') out.percent = p.percent;
  if (p.who) out.who = p.who;
  return out;
}

// Responses


export class PartnerObjectiveProgressDto {
  @ApiProperty({ format: 'uuid' }) clientId!: string;
  @ApiProperty() weeksMet!: number;
  @ApiProperty() currentStreakWeeks!: number;
  @ApiProperty() met!: boolean;
  @ApiProperty() countsCurrentWeek!: boolean;
}

export class ObjectiveProgressDto {
  @ApiProperty({ description: 'Qualifying weeks among the last `weeks` weeks' }) weeksMet!: number;
  @ApiProperty() weeksRequired!: number;
  @ApiProperty({ description: 'The streak of qualifying weeks is at least `weeks` long' }) met!: boolean;
  @ApiProperty({ description: 'Consecutive qualifying weeks up to now (followed at most 53 weeks back)' }) currentStreakWeeks!: number;
  @ApiProperty({ description: 'The running week already qualifies and is counted (until it does, it is left out)' }) countsCurrentWeek!: boolean;
  @ApiPropertyOptional({ type: [PartnerObjectiveProgressDto], description: 'A couple judged partner by partner' })
  perPartner?: PartnerObjectiveProgressDto[];
}

export class ObjectiveResponseDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) goalId!: string;
  @ApiProperty() description!: string;
  @ApiProperty({ enum: OBJECTIVE_METRICS }) metric!: ObjectiveMetric;
  @ApiProperty({ type: ObjectiveParamsResponseDto }) params!: ObjectiveParamsResponseDto;
  @ApiProperty() createdAt!: string;
  @ApiProperty({ type: ObjectiveProgressDto, description: 'Computed from check-ins, never typed in' }) progress!: ObjectiveProgressDto;
}

export class GoalResponseDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) planId!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ enum: FRAMEWORK_STEP_KEYS, nullable: true, type: String }) stepKey!: string | null;
  @ApiProperty() position!: number;
  @ApiProperty({ enum: GOAL_STATUSES }) status!: GoalStatus;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;
  @ApiProperty({ type: [ObjectiveResponseDto] }) objectives!: ObjectiveResponseDto[];
}

export class GoalListDto {
  @ApiProperty({ type: [GoalResponseDto] }) data!: GoalResponseDto[];
  @ApiProperty({ nullable: true, type: String, description: `Always null: a plan holds at most ${MAX_GOALS_PER_PLAN} goals` }) nextCursor!: null;
  @ApiProperty({ format: 'date', description: 'The local date progress was computed for' }) asOf!: string;
}
