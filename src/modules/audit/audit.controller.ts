import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Audited, CurrentPrincipal, Roles } from '../../common/auth/decorators';
import { BadRequestError } from '../../common/errors/domain-error';
import { decodeCursor, Page, toPage } from '../../common/pagination/cursor';
import { Principal } from '../../common/tenancy/request-context';
import { AuditRepository } from './audit.repository';
import { AuditService } from './audit.service';
import { AuditEventDto, AuditEventPageDto, ListAuditEventsQueryDto } from './dto/audit.dto';

@ApiTags('audit')
@ApiBearerAuth()
@Controller('v1/audit-events')
export class AuditController {
  constructor(
    private readonly audit: AuditService,
    private readonly events: AuditRepository,
  ) {}

  @Get()
  @Roles('admin')
  @Audited({ action: 'audit.list', resourceType: 'audit_event' })
  @ApiOperation({ summary: 'The practice’s audit trail, newest first (admins)' })
  @ApiOkResponse({ type: AuditEventPageDto })
  async list(@CurrentPrincipal() p: Principal, @Query() q: ListAuditEventsQueryDto): Promise<Page<AuditEventDto>> {
    if (q.from && q.to && Date.parse(q.from) >= Date.parse(q.to)) {
      throw new BadRequestError('validation_failed', 'to: must be after from');
    }
    // Read-your-writes: what this practice just did is in the trail the admin sees.
    await this.audit.flush();
    const limit = q.limit ?? 50;
    const rows = await this.events.list(p.practiceId, { ...q, before: decodeCursor(q.cursor, 'bigint'), limit });
    return toPage(rows, limit, (e) => ({ at: e.occurredAt.toISOString(), id: e.id }), AuditEventDto.from);
  }
}
