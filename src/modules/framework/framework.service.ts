import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { NotFoundError } from '../../common/errors/domain-error';
import { FrameworkRepository } from './framework.repository';
import type {
  CheckInMeasureDefinition,
  FrameworkStepDefinition,
  FrameworkVersionDetail,
  FrameworkVersionSummary,
  LibraryTemplate,
} from './framework.types';

/**
 * The framework as versioned reference data, for the API and for other modules (treatment
 * plans, check-ins, homework). A published version never changes; a plan keeps its version.
 *
 * Methods that other modules call inside their own transaction take an optional EntityManager.
 */
@Injectable()
export class FrameworkService {
  constructor(private readonly repo: FrameworkRepository) {}

  /** The number of the current framework version (what a new plan starts on). */
  async currentVersion(manager?: EntityManager): Promise<number> {
    const current = await this.repo.current(manager);
    if (!current) throw new NotFoundError('Current framework version');
    return current.version;
  }

  /** The steps of a version, in framework order (stabilization first); empty for an unknown version. */
  steps(version: number, manager?: EntityManager): Promise<FrameworkStepDefinition[]> {
    return this.repo.steps(version, manager);
  }

  /** Whether the key names a step of that version. */
  isStepKey(version: number, key: string, manager?: EntityManager): Promise<boolean> {
    return this.repo.hasStep(version, key, manager);
  }

  /** The default check-in measures of a version, in the order they are asked. */
  measures(version: number, manager?: EntityManager): Promise<CheckInMeasureDefinition[]> {
    return this.repo.measures(version, manager);
  }

  /** The active starter-library templates of a version, in step order. */
  library(version: number, manager?: EntityManager): Promise<LibraryTemplate[]> {
    return this.repo.library(version, manager);
  }

  /** Every published version, oldest first. */
  versions(): Promise<FrameworkVersionSummary[]> {
    return this.repo.versions();
  }

  /** The current version with all its content. */
  async current(): Promise<FrameworkVersionDetail> {
    const summary = await this.repo.current();
    if (!summary) throw new NotFoundError('Current framework version');
    return this.detail(summary);
  }

  /** One version with all its content; 404 when it was never published. */
  async get(version: number): Promise<FrameworkVersionDetail> {
    const summary = await this.repo.version(version);
    if (!summary) throw new NotFoundError('Framework version');
    return this.detail(summary);
  }

  private async detail(summary: FrameworkVersionSummary): Promise<FrameworkVersionDetail> {
    const [steps, measures, library] = await Promise.all([
      this.repo.steps(summary.version),
      this.repo.measures(summary.version),
      this.repo.library(summary.version),
    ]);
    return { ...summary, steps, measures, library };
  }
}
