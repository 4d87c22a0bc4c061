import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { newOpaqueToken, sha256Hex } from '../../common/security/tokens';
import { EnvSchema } from '../../config/env.schema';
import type { Notification } from '../notifications/notification.entity';
import type { OneTapPurpose } from './one-tap-token.entity';
import { OneTapTokensRepository } from './one-tap-tokens.repository';
import { ONE_TAP_MAX_TTL_HOURS, ONE_TAP_TTL_HOURS, oneTapPath } from './one-tap.policy';

export interface IssueOneTap {
  practiceId: string;
  clientId: string;
  purpose: OneTapPurpose;
  /** The session (confirm/cancel), homework instance (open_homework) or check-in schedule (open_check_in). */
  subjectId: string;
  /** Defaults by purpose (ONE_TAP_TTL_HOURS); capped at ONE_TAP_MAX_TTL_HOURS. */
  ttlHours?: number;
  /** The link dies at this instant if sooner (a session's start). */
  notAfter?: Date;
}

export interface IssuedOneTap {
  id: string;
  /** The raw token: goes into the link and nowhere else (only its SHA-256 is stored). */
  token: string;
  url: string;
  expiresAt: Date;
}

/** The one-tap links a message carries; absent when there is nothing the link could do. */
export interface OneTapLinks {
  open?: string;
  confirm?: string;
  cancel?: string;
}

/** What linksForNotification needs of a notification row. */
export type LinkableNotification = Pick<Notification, 'practiceId' | 'recipientClientId' | 'reason' | 'subjectType' | 'subjectId'>;

/**
 * Issues one-tap links: single use, expiring, each bound to one client, one purpose and one
 * subject. Nothing sensitive is stored: the raw token exists only in the link it is issued for,
 * so links are made when a message is rendered (linksForNotification), never kept in the outbox.
 */
@Injectable()
export class OneTapService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tokens: OneTapTokensRepository,
    private readonly config: EnvSchema,
  ) {}

  async issue(manager: EntityManager, req: IssueOneTap, now = new Date()): Promise<IssuedOneTap> {
    const hours = Math.min(req.ttlHours ?? ONE_TAP_TTL_HOURS[req.purpose], ONE_TAP_MAX_TTL_HOURS);
    let expiresAt = new Date(now.getTime() + hours * 3_600_000);
    if (req.notAfter && req.notAfter < expiresAt) expiresAt = req.notAfter;
    const token = newOpaqueToken();
    const id = await this.tokens.insert(manager, {
      practiceId: req.practiceId,
      clientId: req.clientId,
      purpose: req.purpose,
      subjectId: req.subjectId,
      tokenHash: sha256Hex(token),
      expiresAt,
    });
    return { id, token, url: this.urlFor(token), expiresAt };
  }

  urlFor(token: string): string {
    return `${this.config.APP_BASE_URL.replace(/\/+$/, '')}${oneTapPath(token)}`;
  }

  /**
   * Fresh links for one rendering of a client's notification (the email renderer calls this at
   * send time): a session reminder gets confirm (unless already confirmed) and cancel links that
   * die at the start; a check-in reminder a link that opens one check-in; a homework prompt or
   * nudge a link that opens that instance. Nothing for staff, or for a thing that is over.
   */
  async linksForNotification(n: LinkableNotification, now = new Date()): Promise<OneTapLinks> {
    const clientId = n.recipientClientId;
    if (!clientId) return {};
    const base = { practiceId: n.practiceId, clientId, subjectId: n.subjectId };

    if (n.reason === 'session_reminder' && n.subjectType === 'session') {
      const session = await this.tokens.upcomingSessionOf(n.practiceId, n.subjectId, clientId);
      if (!session) return {};
      return this.dataSource.transaction(async (m) => {
        const links: OneTapLinks = {};
        if (!session.confirmedAt) links.confirm = (await this.issue(m, { ...base, purpose: 'confirm_session', notAfter: session.startsAt }, now)).url;
        links.cancel = (await this.issue(m, { ...base, purpose: 'cancel_session', notAfter: session.startsAt }, now)).url;
        return links;
      });
    }
    if (n.reason === 'check_in' && n.subjectType === 'check_in_schedule') {
      if (!(await this.tokens.activeScheduleOf(n.practiceId, n.subjectId, clientId))) return {};
      return { open: (await this.issue(this.dataSource.manager, { ...base, purpose: 'open_check_in' }, now)).url };
    }
    if ((n.reason === 'homework_prompt' || n.reason === 'homework_due_soon') && n.subjectType === 'homework_instance') {
      if (!(await this.tokens.openInstanceOf(n.practiceId, n.subjectId, clientId))) return {};
      return { open: (await this.issue(this.dataSource.manager, { ...base, purpose: 'open_homework' }, now)).url };
    }
    return {};
  }
}
