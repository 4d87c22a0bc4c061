import pino from 'pino';
import { Writable } from 'node:stream';
import { loggablePath, REDACT_PATHS } from './logger.config';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(chunk.toString());
      cb();
    },
  });
  return { logger: pino({ redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, stream), lines };
}

describe('log redaction', () => {
  it('removes secrets, contact details and clinical text at every logged depth', () => {
    const { logger, lines } = capture();
    logger.info({
      email: 'ada@example.com',
      body: { password: 'hunter2hunter2', fullName: 'Ada Morgan', token: 'abc' },
      entry: { note: { text: 'felt unsafe' }, text: 'link?token=abc' },
      req: { headers: { authorization: 'Bearer xyz' } },
      userId: 'u-1',
    });
    const out = lines.join('');
    for (const leaked of ['ada@example.com', 'hunter2hunter2', 'Ada Morgan', 'token=abc', 'Bearer xyz', 'felt unsafe']) {
      expect(out).not.toContain(leaked);
    }
    expect(out).toContain('u-1');
  });
});

describe('loggablePath', () => {
  it('drops the query string and masks calendar feed tokens', () => {
    expect(loggablePath('/v1/clients?search=ada')).toBe('/v1/clients');
    expect(loggablePath('/v1/calendar/AbC-123_xyz.ics?x=1')).toBe('/v1/calendar/[redacted].ics');
    expect(loggablePath('/v1/sessions/5d1c')).toBe('/v1/sessions/5d1c');
  });
});
