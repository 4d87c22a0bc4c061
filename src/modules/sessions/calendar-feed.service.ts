import { Injectable } from '@nestjs/common';
import ical, { ICalCalendarMethod, ICalEventClass, ICalEventStatus } from 'ical-generator';
import { NotFoundError } from '../../common/errors/domain-error';
import { newOpaqueToken, sha256Hex } from '../../common/security/tokens';
import { Principal } from '../../common/tenancy/request-context';
import { AuditService } from '../audit/audit.service';
import type { SessionKind } from './clinical-session.entity';
import { CalendarFeedStatusDto } from './dto/session.dto';
import { FeedSessionRow, SessionsRepository } from './sessions.repository';

/** How far back and ahead a feed reaches. */
const FEED_PAST_DAYS = 60;
const FEED_FUTURE_DAYS = 400;
const TOKEN_FORMAT = /^[A-Za-z0-9_-]{43}$/;

const KIND_TITLES: Record<SessionKind, string> = {
  individual: 'Individual session',
  couple: 'Couple session',
  intake: 'Intake session',
  assessment: 'Assessment session',
};

/**
 * Event text for one session. Without the clinician's opt-in the title says only the kind of
 * session; with it, the participants' preferred (or full) names. Never anything clinical, and
 * no telehealth link (the feed is fetched and stored by third-party calendar services).
 */
export function feedEvent(s: FeedSessionRow): { summary: string; location: string | null } {
  const names = s.clientNames?.filter(Boolean) ?? [];
  const summary = names.length ? `${KIND_TITLES[s.kind]}: ${names.join(' & ')}` : KIND_TITLES[s.kind];
  return { summary, location: s.location ?? (s.telehealthUrl ? 'Telehealth' : null) };
}

@Injectable()
export class CalendarFeedService {
  constructor(
    private readonly sessions: SessionsRepository,
    private readonly audit: AuditService,
  ) {}

  /** Creates the clinician's feed or replaces its secret; the token is returned once and only its hash is kept. */
  async rotate(p: Principal, includeClientNames: boolean): Promise<{ token: string; includeClientNames: boolean; issuedAt: Date }> {
    const token = newOpaqueToken();
    const row = await this.sessions.upsertFeed(p.practiceId, p.userId, sha256Hex(token), includeClientNames);
    return { token, includeClientNames, issuedAt: row.updatedAt };
  }

  async status(p: Principal): Promise<CalendarFeedStatusDto> {
    const feed = await this.sessions.findFeed(p.practiceId, p.userId);
    return { active: !!feed, includeClientNames: feed?.includeClientNames ?? null, issuedAt: feed?.updatedAt.toISOString() ?? null };
  }

  async revoke(p: Principal): Promise<void> {
    if (!(await this.sessions.deleteFeed(p.practiceId, p.userId))) throw new NotFoundError('Calendar feed');
  }

  /** The feed for a token, or 404 for an unknown, rotated or revoked one. */
  async render(token: string, now = new Date()): Promise<string> {
    const feed = TOKEN_FORMAT.test(token) ? await this.sessions.findFeedByTokenHash(sha256Hex(token)) : null;
    if (!feed) throw new NotFoundError('Calendar feed');
    const from = new Date(now.getTime() - FEED_PAST_DAYS * 86_400_000);
    const to = new Date(now.getTime() + FEED_FUTURE_DAYS * 86_400_000);
    const rows = await this.sessions.feedSessions(feed.practiceId, feed.clinicianId, from, to, feed.includeClientNames);
    this.audit.record({
      practiceId: feed.practiceId,
      actorUserId: null,
      actorRole: null,
      action: 'calendar_feed.read',
      resourceType: 'calendar_feed',
      resourceId: feed.clinicianId,
      outcome: 'allowed',
    });

    const calendar = ical({
      name: 'Kintsugi sessions',
      prodId: { company: 'Kintsugi', product: 'Kintsugi', language: 'EN' },
      method: ICalCalendarMethod.PUBLISH,
      ttl: 15 * 60,
    });
    for (const s of rows) {
      const { summary, location } = feedEvent(s);
      calendar.createEvent({
        id: `${s.id}@kintsugi`,
        sequence: s.version,
        stamp: s.updatedAt,
        start: s.startsAt,
        end: s.endsAt,
        summary,
        location,
        class: ICalEventClass.PRIVATE,
        status: ICalEventStatus.CONFIRMED,
      });
    }
    return calendar.toString();
  }
}
