import type { Params } from 'nestjs-pino';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { EnvSchema } from '../../config/env.schema';

/**
 * Fields that may carry secrets, identities or clinical text. Logs keep ids, never these.
 * pino's paths allow one wildcard level, so each sensitive key is listed at the depths we log.
 */
const SENSITIVE_KEYS = [
  'password', 'currentPassword', 'newPassword', 'passwordHash', 'token', 'accessToken', 'refreshToken',
  'recoveryCode', 'recoveryCodes', 'totpCode', 'code', 'secret', 'totpSecret', 'authorization', 'cookie',
  'email', 'to', 'fullName', 'name', 'preferredName', 'phone', 'dateOfBirth', 'text', 'body', 'note',
  'notes', 'content', 'answers', 'subject', 'summary', 'freeText', 'instructions',
];

export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  ...SENSITIVE_KEYS,
  ...SENSITIVE_KEYS.map((k) => `*.${k}`),
  ...SENSITIVE_KEYS.map((k) => `*.*.${k}`),
];

const REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;

/** Secret-bearing URL segments (the calendar feed token) are masked before a path is logged. */
const SECRET_PATH_SEGMENTS = [/^(\/v1\/calendar\/)[^/]+(\.ics)$/];

/** The request path as logs may show it: no query string, no secrets. */
export function loggablePath(url: string): string {
  const path = url.split('?')[0];
  return SECRET_PATH_SEGMENTS.reduce((p, pattern) => p.replace(pattern, '$1[redacted]$2'), path);
}

/** The caller's x-request-id when it is a plausible id, otherwise a new UUID. */
export function incomingOrNewRequestId(req: IncomingMessage): string {
  const incoming = req.headers['x-request-id'];
  return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
}

export function requestIdFor(req: IncomingMessage, res: ServerResponse): string {
  const id = incomingOrNewRequestId(req);
  res.setHeader('x-request-id', id);
  return id;
}

export function loggerParams(config: EnvSchema, service: 'api' | 'worker'): Params {
  return {
    pinoHttp: {
      level: config.LOG_LEVEL,
      base: { service },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      genReqId: requestIdFor,
      // Log the route pattern, not the URL: query strings may carry search terms.
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, path: loggablePath(req.url) }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      customProps: (req: IncomingMessage) => {
        const principal = (req as IncomingMessage & { principal?: { userId: string; practiceId: string } }).principal;
        return principal ? { userId: principal.userId, practiceId: principal.practiceId } : {};
      },
      autoLogging: { ignore: (req: IncomingMessage) => req.url === '/health/live' || req.url === '/metrics' },
      timestamp: () => `,"time":"${new Date().toISOString()}"`,
      messageKey: 'msg',
    },
  };
}
