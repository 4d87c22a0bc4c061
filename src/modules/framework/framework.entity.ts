import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';

/** A published version of the framework; plans keep the version they started on. */
@Entity({ name: 'framework_versions' })
@Index('framework_versions_one_current', ['isCurrent'], { unique: true, where: 'is_current' })
export class FrameworkVersion {
  @PrimaryColumn({ type: 'int' })
  version!: number;

  @Column({ type: 'varchar', length: 200 })
  title!: string;

  @Column({ name: 'is_current', type: 'boolean', default: false })
  isCurrent!: boolean;

  @Column({ name: 'published_on', type: 'date' })
  publishedOn!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt!: Date;
}

/** One step of one framework version (reference data, loaded by migration). */
@Entity({ name: 'framework_steps' })
@Index('framework_steps_version_position_key', ['version', 'position'], { unique: true })
export class FrameworkStep {
  @PrimaryColumn({ type: 'int' })
  version!: number;

  @PrimaryColumn({ type: 'varchar', length: 40 })
  key!: string;

  @ManyToOne(() => FrameworkVersion, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'version' })
  frameworkVersion?: FrameworkVersion;

  @Column({ type: 'smallint' })
  position!: number;

  @Column({ type: 'varchar', length: 120 })
  title!: string;

  @Column({ type: 'text' })
  purpose!: string;

  @Column({ name: 'injured_focus', type: 'text' })
  injuredFocus!: string;

  @Column({ name: 'involved_focus', type: 'text' })
  involvedFocus!: string;

  @Column({ name: 'relationship_focus', type: 'text' })
  relationshipFocus!: string;

  @Column({ name: 'signs_of_completion', type: 'text', array: true })
  signsOfCompletion!: string[];
}

export const CHECK_IN_MEASURE_KINDS = ['scale_0_10', 'scale_1_5', 'choice', 'boolean', 'text'] as const;
export type CheckInMeasureKind = (typeof CHECK_IN_MEASURE_KINDS)[number];

/** The default check-in measures of a framework version (a practice may add its own later). */
@Entity({ name: 'framework_check_in_measures' })
export class FrameworkCheckInMeasure {
  @PrimaryColumn({ type: 'int' })
  version!: number;

  @PrimaryColumn({ type: 'varchar', length: 40 })
  key!: string;

  @ManyToOne(() => FrameworkVersion, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'version' })
  frameworkVersion?: FrameworkVersion;

  @Column({ type: 'smallint' })
  position!: number;

  @Column({ type: 'varchar', length: 200 })
  label!: string;

  @Column({ type: 'enum', enum: CHECK_IN_MEASURE_KINDS, enumName: 'check_in_measure_kind' })
  kind!: CheckInMeasureKind;

  /** For choice measures: the allowed answers. */
  @Column({ type: 'text', array: true, nullable: true })
  options!: string[] | null;

  /** Asked only once this step is active on the plan (e.g. readiness from intimacy on). */
  @Column({ name: 'asked_from_step', type: 'varchar', length: 40, nullable: true })
  askedFromStep!: string | null;

  /** Answering it alerts the care team at once ("I feel unsafe right now"). */
  @Column({ type: 'boolean', default: false })
  alerts!: boolean;
}
