import { Injectable } from '@nestjs/common';
import { Counter, Histogram } from 'prom-client';
import { MetricsService } from '../metrics/metrics.service';
import type { Channel } from '../notifications/notification.entity';

/** The engine's figures on the worker's /metrics. Labels are channels and outcomes only. */
@Injectable()
export class ReminderMetrics {
  readonly deliveries: Counter<'channel' | 'outcome'>;
  readonly lateness: Histogram<'channel'>;
  readonly swept: Counter<'kind'>;

  constructor(metrics: MetricsService) {
    const registers = [metrics.registry];
    this.deliveries = new Counter({
      name: 'kintsugi_notification_deliveries_total',
      help: 'Deliver jobs by channel and outcome (sent, already_done, skipped, not_due, not_found, failed, retry)',
      labelNames: ['channel', 'outcome'] as const,
      registers,
    });
    this.lateness = new Histogram({
      name: 'kintsugi_notification_lateness_seconds',
      help: 'Delivery time minus scheduled time of sent notifications',
      labelNames: ['channel'] as const,
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      registers,
    });
    this.swept = new Counter({
      name: 'kintsugi_notification_sweep_total',
      help: 'Rows the sweep moved into Redis (enqueued), found without a live job (reenqueued), or reset after a Redis loss (reset)',
      labelNames: ['kind'] as const,
      registers,
    });
  }

  delivered(channel: Channel | null, outcome: string, lateMs: number | null): void {
    this.deliveries.labels(channel ?? 'unknown', outcome).inc();
    if (outcome === 'sent' && channel && lateMs !== null) this.lateness.labels(channel).observe(Math.max(0, lateMs) / 1000);
  }
}
