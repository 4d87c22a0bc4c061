import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { portalClientId } from '../../common/access/portal';
import { ConflictError, ForbiddenError } from '../../common/errors/domain-error';
import { Principal } from '../../common/tenancy/request-context';
import { DEFAULT_PRACTICE_SETTINGS } from '../practices/practice.entity';
import { PracticesRepository } from '../practices/practices.repository';
import { mergePreferences } from './clients.service';
import { ClientView, ClientsRepository } from './clients.repository';
import { PortalPreferencesDto } from './dto/portal.dto';
import { ReminderPreferencesInputDto } from './dto/reminder-preferences.dto';

/** The client's own record, reached only through the signed-in portal account. */
@Injectable()
export class ClientPortalService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clients: ClientsRepository,
    private readonly practices: PracticesRepository,
  ) {}

  async me(p: Principal): Promise<ClientView> {
    const id = await portalClientId(this.dataSource, p);
    const client = await this.clients.findView(p.practiceId, id);
    if (!client) throw new ForbiddenError('This portal account is not linked to an active client', 'portal_unlinked');
    return client;
  }

  async preferences(p: Principal): Promise<PortalPreferencesDto> {
    return this.toPreferences(p, await this.me(p));
  }

  /**
   * Only channels and quiet hours. Applied on the version read, so a staff edit in between is
   * not overwritten; the client simply retries (409).
   */
  async updatePreferences(p: Principal, dto: ReminderPreferencesInputDto): Promise<PortalPreferencesDto> {
    const current = await this.me(p);
    const next = mergePreferences(current.reminderPreferences, dto);
    const saved = await this.dataSource.transaction((m) =>
      this.clients.updateIfVersion(m, p.practiceId, current.id, current.version, { reminderPreferences: next }),
    );
    if (!saved) throw new ConflictError('stale_version', 'Your record was changed at the same moment; please retry');
    return this.toPreferences(p, await this.me(p));
  }

  private async toPreferences(p: Principal, c: ClientView): Promise<PortalPreferencesDto> {
    const settings = (await this.practices.findById(p.practiceId))?.settings ?? DEFAULT_PRACTICE_SETTINGS;
    const channels = c.reminderPreferences.channels ?? null;
    const quietHours = c.reminderPreferences.quietHours ?? null;
    return {
      channels,
      quietHours,
      timezone: c.timezone,
      effective: {
        channels: channels ?? settings.defaultReminderChannels,
        quietHours: quietHours ?? settings.quietHours,
      },
    };
  }
}
