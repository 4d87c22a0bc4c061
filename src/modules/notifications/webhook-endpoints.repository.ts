import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { WebhookEndpoint } from './notification.entity';

/** A practice's one webhook endpoint; every method takes the practice id. */
@Injectable()
export class WebhookEndpointsRepository {
  constructor(private readonly dataSource: DataSource) {}

  find(practiceId: string): Promise<WebhookEndpoint | null> {
    return this.dataSource.manager.findOneBy(WebhookEndpoint, { practiceId });
  }

  /** Creates the endpoint unless one exists; null when it already did (then update it). */
  async insertIfAbsent(practiceId: string, url: string, active: boolean, secretCiphertext: string): Promise<WebhookEndpoint | null> {
    const rows: Array<{ practice_id: string }> = await this.dataSource.query(
      `INSERT INTO webhook_endpoints (practice_id, url, active, secret_ciphertext) VALUES ($1, $2, $3, $4)
       ON CONFLICT (practice_id) DO NOTHING RETURNING practice_id`,
      [practiceId, url, active, secretCiphertext],
    );
    return rows.length ? this.find(practiceId) : null;
  }

  /** Changes the URL and state, and the secret when given; null when there is no endpoint. */
  async update(practiceId: string, change: { url: string; active?: boolean; secretCiphertext?: string }): Promise<WebhookEndpoint | null> {
    // The postgres driver answers an UPDATE with [rows, affected].
    const [, affected]: [unknown[], number] = await this.dataSource.query(
      `UPDATE webhook_endpoints
          SET url = $2, active = COALESCE($3, active), secret_ciphertext = COALESCE($4, secret_ciphertext), updated_at = now()
        WHERE practice_id = $1`,
      [practiceId, change.url, change.active ?? null, change.secretCiphertext ?? null],
    );
    return affected > 0 ? this.find(practiceId) : null;
  }

  async delete(practiceId: string): Promise<boolean> {
    const res = await this.dataSource.manager.delete(WebhookEndpoint, { practiceId });
    return (res.affected ?? 0) > 0;
  }
}
