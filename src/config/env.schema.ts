import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  validateSync,
} from 'class-validator';

const toInt = ({ value }: { value: unknown }) =>
  value === undefined || value === '' ? undefined : Number(value);
const toBool = ({ value }: { value: unknown }) =>
  value === undefined || value === '' ? undefined : value === true || value === 'true' || value === '1';

/** Secrets that ship in .env.example so a fresh clone runs; refused when NODE_ENV=production. */
export const DEV_ONLY_SECRETS = {
  JWT_SECRET: 'dev-only-jwt-secret-change-me-0123456789abcdef',
  ENCRYPTION_KEYS: 'dev1:ZGV2LW9ubHktZW5jcnlwdGlvbi1rZXktMzItYnl0ZXM=',
  QUEUE_DASHBOARD_PASSWORD: 'dev-only-dashboard-password',
  WEBHOOK_SIGNING_SECRET: 'dev-only-webhook-secret',
} as const;

export class EnvSchema {
  @IsIn(['development', 'test', 'production'])
  NODE_ENV: 'development' | 'test' | 'production' = 'development';

  @Transform(toInt) @IsInt() @Min(0) @Max(65535)
  PORT = 3000;

  @Transform(toInt) @IsInt() @Min(0) @Max(65535)
  WORKER_PORT = 3001;

  @IsString() @Matches(/^postgres(ql)?:\/\//, { message: 'must be a postgres:// URL' })
  DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/kintsugi';

  @IsString() @Matches(/^rediss?:\/\//, { message: 'must be a redis:// URL' })
  REDIS_URL = 'redis://127.0.0.1:6379';

  /** Namespaces every Redis key (queues, throttles) so deployments and test runs never collide. */
  @IsString() @Matches(/^[a-zA-Z0-9:_-]+$/, { message: 'may hold only letters, digits, ":", "_" and "-"' })
  REDIS_PREFIX = 'kintsugi';

  @IsString() @MinLength(32, { message: 'must be at least 32 characters' })
  JWT_SECRET: string = DEV_ONLY_SECRETS.JWT_SECRET;

  @Transform(toInt) @IsInt() @Min(30) @Max(3600)
  ACCESS_TOKEN_TTL_SECONDS = 900;

  @Transform(toInt) @IsInt() @Min(1) @Max(90)
  REFRESH_TOKEN_TTL_DAYS = 14;

  @Transform(toInt) @IsInt() @Min(1) @Max(720)
  INVITATION_TTL_HOURS = 72;

  @Transform(toInt) @IsInt() @Min(5) @Max(1440)
  PASSWORD_RESET_TTL_MINUTES = 30;

  /** key-id:base64(32 bytes), comma separated; the first encrypts, all decrypt (rotation). */
  @IsString() @Matches(/^[a-z0-9_-]+:[A-Za-z0-9+/=]{43,44}(,[a-z0-9_-]+:[A-Za-z0-9+/=]{43,44})*$/, {
    message: 'must be "keyId:base64key[,keyId:base64key…]" with 32-byte keys',
  })
  ENCRYPTION_KEYS: string = DEV_ONLY_SECRETS.ENCRYPTION_KEYS;

  @IsOptional() @IsString() @Matches(/^smtps?:\/\//, { message: 'must be an smtp:// or smtps:// URL' })
  SMTP_URL?: string;

  @IsString()
  MAIL_FROM = 'Kintsugi <no-reply@kintsugi.local>';

  /** Where links in emails point (the practice's front end). */
  @IsString() @Matches(/^https?:\/\//, { message: 'must be an http(s) URL' })
  APP_BASE_URL = 'http://localhost:3000';

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  /** Comma-separated allowed origins; empty keeps CORS off. */
  @IsOptional() @IsString()
  CORS_ORIGINS?: string;

  @Transform(toInt) @IsInt() @Min(1024) @Max(10 * 1024 * 1024)
  BODY_LIMIT_BYTES = 256 * 1024;

  @Transform(toBool) @IsBoolean()
  TRUST_PROXY = false;

  @IsOptional() @IsString()
  QUEUE_DASHBOARD_USER?: string = 'operator';

  @IsOptional() @IsString() @MinLength(16, { message: 'must be at least 16 characters' })
  QUEUE_DASHBOARD_PASSWORD?: string = DEV_ONLY_SECRETS.QUEUE_DASHBOARD_PASSWORD;

  /** Comma-separated queue names this worker consumes; "all" consumes every queue. */
  @IsString()
  WORKER_QUEUES = 'all';

  /** How far ahead homework occurrences are materialized (a rolling horizon, extended by the worker), in days. */
  @Transform(toInt) @IsInt() @Min(1) @Max(90)
  HOMEWORK_HORIZON_DAYS = 14;

  /** Hours after its due time a homework instance still pending is marked missed. */
  @Transform(toInt) @IsInt() @Min(1) @Max(720)
  HOMEWORK_MISSED_AFTER_HOURS = 24;

  @Transform(toInt) @IsInt() @Min(1) @Max(1000)
  AUDIT_FLUSH_INTERVAL_MS = 200;

  @Transform(toInt) @IsInt() @Min(1) @Max(10000)
  AUDIT_BATCH_SIZE = 500;

  @IsString() @MinLength(16)
  WEBHOOK_SIGNING_SECRET: string = DEV_ONLY_SECRETS.WEBHOOK_SIGNING_SECRET;

  /** How often the reminder sweep moves near-term notifications into Redis and reconciles lost jobs. */
  @Transform(toInt) @IsInt() @Min(100) @Max(60_000)
  REMINDER_SWEEP_INTERVAL_MS = 2000;

  /** Notifications due within this window are held as delayed jobs in Redis; later ones stay in PostgreSQL only. */
  @Transform(toInt) @IsInt() @Min(5) @Max(86_400)
  REMINDER_NEAR_TERM_WINDOW_SECONDS = 900;

  /** A pending notification this long past due (and past its last enqueue) has its job checked and re-added. */
  @Transform(toInt) @IsInt() @Min(1) @Max(3600)
  REMINDER_RECONCILE_GRACE_SECONDS = 30;

  /** Most rows one sweep transaction moves into Redis (a sweep runs batches until none is left). */
  @Transform(toInt) @IsInt() @Min(10) @Max(10_000)
  REMINDER_SWEEP_BATCH_SIZE = 1000;

  /** Deliver jobs one worker process runs at once. */
  @Transform(toInt) @IsInt() @Min(1) @Max(200)
  REMINDER_DELIVERY_CONCURRENCY = 10;

  /** Send attempts of one notification before it is marked failed. */
  @Transform(toInt) @IsInt() @Min(1) @Max(20)
  REMINDER_DELIVERY_ATTEMPTS = 6;

  /** First retry delay of a failed send; doubles on each retry. */
  @Transform(toInt) @IsInt() @Min(100) @Max(600_000)
  REMINDER_RETRY_BACKOFF_MS = 2000;

  /** A send claimed but not completed this long ago is presumed crashed and sent again (same idempotency key). */
  @Transform(toInt) @IsInt() @Min(5) @Max(3600)
  REMINDER_CLAIM_LEASE_SECONDS = 120;

  /** On shutdown, how long the worker waits for in-flight deliveries before it stops (their claims then expire). */
  @Transform(toInt) @IsInt() @Min(0) @Max(600_000)
  REMINDER_SHUTDOWN_GRACE_MS = 15_000;
}

export type AppConfig = EnvSchema;

export class ConfigError extends Error {}

/** Validates the environment once at boot; a bad value stops the process with its name. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const raw: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && v !== '') raw[k] = v;
  const config = plainToInstance(EnvSchema, raw, { exposeDefaultValues: true });
  const errors = validateSync(config, { whitelist: true, forbidUnknownValues: false });
  const problems = errors.map(
    (e) => `${e.property}: ${Object.values(e.constraints ?? {}).join('; ')}`,
  );
  if (config.NODE_ENV === 'production') {
    for (const [name, devValue] of Object.entries(DEV_ONLY_SECRETS)) {
      if ((config as unknown as Record<string, unknown>)[name] === devValue) {
        problems.push(`${name}: the development default is refused in production`);
      }
    }
    if (!config.SMTP_URL) problems.push('SMTP_URL: is required in production');
  }
  if (problems.length > 0) {
    throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  return config;
}
