import { Check, Column, Entity, Index } from 'typeorm';
import { TimestampedEntity } from '../../common/entity-base';
import { CHECK_IN_MEASURE_KINDS, CheckInMeasureKind } from '../framework/framework.entity';

/**
 * A practice's own check-in measure, asked after the framework's defaults. The key is what the
 * answers are stored under (check_ins.extra_answers); it and the kind are fixed once created so
 * that answers already given keep their meaning. Retired measures are deactivated, not deleted.
 */
@Entity({ name: 'practice_check_in_measures' })
@Index('practice_check_in_measures_key', ['practiceId', 'key'], { unique: true })
@Check('practice_check_in_measures_options', "(kind = 'choice') = (options IS NOT NULL)")
export class PracticeCheckInMeasure extends TimestampedEntity {
  @Column({ name: 'practice_id', type: 'uuid' })
  practiceId!: string;

  @Column({ type: 'varchar', length: 40 })
  key!: string;

  @Column({ type: 'varchar', length: 200 })
  label!: string;

  @Column({ type: 'enum', enum: CHECK_IN_MEASURE_KINDS, enumName: 'check_in_measure_kind' })
  kind!: CheckInMeasureKind;

  /** For choice measures: the allowed answers; null otherwise. */
  @Column({ type: 'text', array: true, nullable: true })
  options!: string[] | null;

  @Column({ type: 'boolean', default: true })
  active!: boolean;

  @Column({ type: 'smallint', default: 0 })
  position!: number;
}
