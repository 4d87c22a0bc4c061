import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ConflictError, ForbiddenError, NotFoundError } from '../../common/errors/domain-error';
import { FieldProblem, RequestValidationException } from '../../common/errors/validation';
import { decodeCursor, Page, toPage } from '../../common/pagination/cursor';
import { Principal } from '../../common/tenancy/request-context';
import { ONCE } from '../framework/cadence';
import { FrameworkService } from '../framework/framework.service';
import { parseQuestions } from './content/questions';
import {
  CreateHomeworkTemplateDto,
  HomeworkTemplateDto,
  ListHomeworkTemplatesQueryDto,
  UpdateHomeworkTemplateDto,
} from './dto/homework-template.dto';
import { TemplateFields, TemplateRow, HomeworkTemplatesRepository } from './homework-templates.repository';
import { rruleProblem } from './schedule/recurrence';

const notFound = () => new NotFoundError('Homework template');

/**
 * The homework library: the framework's starter templates (read-only for everyone) and the
 * practice's own, which its clinicians and admins write, edit and archive. Templates hold no
 * client data; an assignment copies what it needs, so editing or archiving a template never
 * changes homework already given.
 */
@Injectable()
export class HomeworkTemplatesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly templates: HomeworkTemplatesRepository,
    private readonly framework: FrameworkService,
  ) {}

  async list(p: Principal, q: ListHomeworkTemplatesQueryDto): Promise<Page<HomeworkTemplateDto>> {
    const limit = q.limit ?? 25;
    const rows = await this.templates.list(p.practiceId, {
      stepKey: q.stepKey,
      kind: q.kind,
      audience: q.audience,
      q: q.q,
      source: q.source,
      includeArchived: q.includeArchived === 'true',
      before: decodeCursor(q.cursor),
      limit,
    });
    return toPage(rows, limit, (r) => ({ at: r.createdAt.toISOString(), id: r.id }), toTemplateDto);
  }

  async get(p: Principal, id: string): Promise<HomeworkTemplateDto> {
    const row = await this.templates.find(p.practiceId, id);
    if (!row) throw notFound();
    return toTemplateDto(row);
  }

  async create(p: Principal, dto: CreateHomeworkTemplateDto): Promise<HomeworkTemplateDto> {
    const version = await this.framework.currentVersion();
    const fields = await this.checked(version, dto);
    const id = await this.templates.insert(p.practiceId, version, fields, p.userId);
    return this.get(p, id);
  }

  async update(p: Principal, id: string, dto: UpdateHomeworkTemplateDto): Promise<HomeworkTemplateDto> {
    const given = Object.entries(dto).filter(([, v]) => v !== undefined);
    if (given.length === 0) throw new RequestValidationException([{ field: 'title', reasons: ['send at least one field to change'] }]);
    await this.dataSource.transaction(async (m) => {
      const row = await this.templates.find(p.practiceId, id, m, true);
      const current = this.changeable(row);
      const fields = await this.checked(current.frameworkVersion, {
        title: dto.title ?? current.title,
        instructions: dto.instructions ?? current.instructions,
        kind: dto.kind ?? current.kind,
        audience: dto.audience ?? current.audience,
        stepKey: dto.stepKey ?? current.stepKey,
        defaultCadence: dto.defaultCadence ?? current.defaultCadence,
        questions: dto.questions ?? current.questions,
      });
      await this.templates.update(m, p.practiceId, id, fields);
    });
    return this.get(p, id);
  }

  async archive(p: Principal, id: string): Promise<HomeworkTemplateDto> {
    await this.dataSource.transaction(async (m) => {
      this.changeable(await this.templates.find(p.practiceId, id, m, true));
      await this.templates.archive(m, p.practiceId, id);
    });
    return this.get(p, id);
  }

  /** The practice's own active template; the library is read-only (403), an archived one is settled (409). */
  private changeable(row: TemplateRow | null): TemplateRow {
    if (!row) throw notFound();
    if (row.practiceId === null) {
      throw new ForbiddenError('The framework’s starter library is read-only; create a practice template instead', 'library_template_read_only');
    }
    if (!row.active) throw new ConflictError('template_archived', 'This template is archived; it no longer changes');
    return row;
  }

  /** Every field checked at once, so one answer names every problem. */
  private async checked(version: number, f: Omit<TemplateFields, 'questions'> & { questions: unknown }): Promise<TemplateFields> {
    const problems: FieldProblem[] = [];
    if (!(await this.framework.isStepKey(version, f.stepKey))) {
      problems.push({ field: 'stepKey', reasons: [`must be a step of framework version ${version}`] });
    }
    if (f.defaultCadence !== ONCE) {
      const why = rruleProblem(f.defaultCadence);
      if (why) problems.push({ field: 'defaultCadence', reasons: [`must be "once" or a recurrence rule: ${why}`] });
    }
    const { questions, problems: questionProblems } = parseQuestions(f.questions);
    problems.push(...questionProblems);
    if (problems.length) throw new RequestValidationException(problems);
    return { ...f, questions };
  }
}

export function toTemplateDto(r: TemplateRow): HomeworkTemplateDto {
  return {
    id: r.id,
    source: r.practiceId === null ? 'library' : 'practice',
    libraryKey: r.libraryKey,
    frameworkVersion: r.frameworkVersion,
    stepKey: r.stepKey,
    title: r.title,
    instructions: r.instructions,
    kind: r.kind,
    audience: r.audience,
    defaultCadence: r.defaultCadence,
    questions: r.questions.map((q) => ({ key: q.key, kind: q.kind, prompt: q.prompt, ...(q.options ? { options: q.options } : {}), required: q.required })),
    active: r.active,
    createdBy: r.createdBy,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}
