import { Injectable } from '@nestjs/common';
import { BadRequestError, NotFoundError } from '../../common/errors/domain-error';
import { FieldEncryption } from '../../common/security/field-encryption';
import { Principal } from '../../common/tenancy/request-context';
import { EnvSchema } from '../../config/env.schema';
import { PutWebhookDto, PutWebhookResponseDto, WebhookSettingsDto } from './dto/webhook-settings.dto';
import { WebhookEndpointsRepository } from './webhook-endpoints.repository';
import { newWebhookSecret, webhookSecretAad, webhookUrlProblem } from './webhook-signing';

/** The practice's webhook endpoint (admins): the URL and state are readable, the secret is shown once. */
@Injectable()
export class WebhookSettingsService {
  constructor(
    private readonly endpoints: WebhookEndpointsRepository,
    private readonly encryption: FieldEncryption,
    private readonly config: EnvSchema,
  ) {}

  async get(p: Principal): Promise<WebhookSettingsDto> {
    const endpoint = await this.endpoints.find(p.practiceId);
    if (!endpoint) throw new NotFoundError('Webhook endpoint');
    return WebhookSettingsDto.from(endpoint);
  }

  async put(p: Principal, dto: PutWebhookDto): Promise<PutWebhookResponseDto> {
    const problem = webhookUrlProblem(dto.url, this.config.NODE_ENV === 'production');
    if (problem) {
      throw new BadRequestError('validation_failed', `url: ${problem}`, { fields: [{ field: 'url', reasons: [problem] }] });
    }
    const seal = (secret: string) => this.encryption.encrypt(secret, webhookSecretAad(p.practiceId));

    const rotated = dto.rotateSecret ? newWebhookSecret() : undefined;
    const updated = await this.endpoints.update(p.practiceId, { url: dto.url, active: dto.active, secretCiphertext: rotated && seal(rotated) });
    if (updated) return { ...WebhookSettingsDto.from(updated), created: false, ...(rotated ? { secret: rotated } : {}) };

    const secret = newWebhookSecret();
    const created = await this.endpoints.insertIfAbsent(p.practiceId, dto.url, dto.active ?? true, seal(secret));
    if (created) return { ...WebhookSettingsDto.from(created), created: true, secret };

    // Another admin created it between our update and insert: theirs stands, with this URL and state.
    const raced = await this.endpoints.update(p.practiceId, { url: dto.url, active: dto.active, secretCiphertext: rotated && seal(rotated) });
    if (!raced) throw new NotFoundError('Webhook endpoint');
    return { ...WebhookSettingsDto.from(raced), created: false, ...(rotated ? { secret: rotated } : {}) };
  }

  async delete(p: Principal): Promise<void> {
    if (!(await this.endpoints.delete(p.practiceId))) throw new NotFoundError('Webhook endpoint');
  }
}
