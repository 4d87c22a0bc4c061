import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { RequestValidationException } from '../../common/errors/validation';
import type { PracticeId } from '../../common/tenancy/request-context';
import type { OneTapHomeworkPort } from '../one-tap/one-tap-homework.port';
import { MyHomeworkService } from './my-homework.service';

/**
 * What homework lends a one-tap link (ONE_TAP_HOMEWORK): the one instance it opens, read and
 * answered exactly as in the portal — same questions, same validation, late marking, one
 * submission per instance, reminders cancelled — for the client the link was issued to.
 */
@Injectable()
export class OneTapHomework implements OneTapHomeworkPort {
  constructor(private readonly homework: MyHomeworkService) {}

  view(practiceId: PracticeId, clientId: string, instanceId: string): Promise<object | null> {
    return this.homework.view(practiceId, clientId, instanceId);
  }

  submit(practiceId: PracticeId, clientId: string, instanceId: string, body: unknown, within: (m: EntityManager) => Promise<void>): Promise<object> {
    const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
    if (!isObject(body) || !isObject(body.answers)) {
      throw new RequestValidationException([{ field: 'answers', reasons: ['must be an object of answers keyed by question key'] }]);
    }
    const extra = Object.keys(body).filter((k) => k !== 'answers');
    if (extra.length) throw new RequestValidationException(extra.map((field) => ({ field, reasons: ['is not an accepted field'] })));
    return this.homework.submitAs(practiceId, clientId, null, instanceId, body.answers, within);
  }
}
