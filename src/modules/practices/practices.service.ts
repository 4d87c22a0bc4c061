import { Injectable } from '@nestjs/common';
import { ConflictError, NotFoundError } from '../../common/errors/domain-error';
import { Principal } from '../../common/tenancy/request-context';
import { UpdatePracticeDto } from './dto/practice.dto';
import { Practice } from './practice.entity';
import { PracticesRepository } from './practices.repository';

@Injectable()
export class PracticesService {
  constructor(private readonly practices: PracticesRepository) {}

  async get(principal: Principal): Promise<Practice> {
    const practice = await this.practices.findById(principal.practiceId);
    if (!practice) throw new NotFoundError('Practice');
    return practice;
  }

  async update(principal: Principal, dto: UpdatePracticeDto): Promise<Practice> {
    const current = await this.get(principal);
    if (dto.version !== undefined && dto.version !== current.version) {
      throw new ConflictError('stale_version', 'The practice changed since you read it; reload and try again');
    }
    const settings = dto.settings ? { ...current.settings, ...definedOnly(dto.settings) } : undefined;
    const ok = await this.practices.updateIfVersion(principal.practiceId, current.version, {
      name: dto.name,
      timezone: dto.timezone,
      settings,
    });
    if (!ok) throw new ConflictError('stale_version', 'The practice changed since you read it; reload and try again');
    return this.get(principal);
  }
}

/**
 * The keys the client actually sent. A validated DTO is a class instance, and with ES2022 class
 * fields every declared property exists on it, as undefined when absent: spreading it as is would
 * wipe every setting the patch did not mention. (null stays: it clears quiet hours.)
 */
function definedOnly<T extends object>(patch: T): Partial<T> {
  return Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as Partial<T>;
}
