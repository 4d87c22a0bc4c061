import { DEV_ONLY_SECRETS, loadConfig } from './env.schema';

describe('loadConfig', () => {
  it('applies development defaults', () => {
    const c = loadConfig({});
    expect(c.PORT).toBe(3000);
    expect(c.NODE_ENV).toBe('development');
  });

  it('names a malformed variable', () => {
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL: must be a postgres:\/\/ URL/);
    expect(() => loadConfig({ PORT: 'abc' })).toThrow(/PORT/);
  });

  it('refuses development secrets in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', SMTP_URL: 'smtp://mail:25' })).toThrow(
      /JWT_SECRET: the development default is refused in production/,
    );
  });

  it('accepts real secrets in production', () => {
    const env = {
      NODE_ENV: 'production',
      SMTP_URL: 'smtp://mail:25',
      JWT_SECRET: 'x'.repeat(40),
      ENCRYPTION_KEYS: `k2:${Buffer.alloc(32, 7).toString('base64')}`,
      QUEUE_DASHBOARD_PASSWORD: 'y'.repeat(20),
      WEBHOOK_SIGNING_SECRET: 'z'.repeat(20),
    };
    expect(loadConfig(env).JWT_SECRET).toBe('x'.repeat(40));
    expect(DEV_ONLY_SECRETS.JWT_SECRET).not.toBe(env.JWT_SECRET);
  });
});
