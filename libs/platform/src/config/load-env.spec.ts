import { envVariableNames, InvalidEnvError, loadEnv } from './load-env';
import { PlatformEnv } from './platform-env';

const valid = { DATABASE_URL: 'postgres://u:p@localhost:5432/db', KAFKA_BROKERS: 'a:9092, b:9093', JWT_SECRET: 'x'.repeat(32) };

describe(loadEnv.name, () => {
  it('converts types and applies defaults', () => {
    const env = loadEnv(PlatformEnv, { ...valid, PORT: '8080', KAFKA_SSL: 'true' });

    expect(env).toMatchObject({ PORT: 8080, KAFKA_SSL: true, KAFKA_BROKERS: ['a:9092', 'b:9093'], LOG_LEVEL: 'info', DATABASE_POOL_SIZE: 10 });
  });

  it('lists every bad variable at once and masks secrets', () => {
    const act = () => loadEnv(PlatformEnv, { DATABASE_URL: 'mysql://secret@x', PORT: 'eighty', LOG_LEVEL: 'loud' });

    expect(act).toThrow(InvalidEnvError);
    try {
      act();
    } catch (error) {
      const problems = (error as InvalidEnvError).problems;
      expect(problems.map((p) => p.variable).sort()).toEqual(['DATABASE_URL', 'JWT_SECRET', 'KAFKA_BROKERS', 'LOG_LEVEL', 'PORT']);
      expect(problems.find((p) => p.variable === 'DATABASE_URL')?.value).toBe('***');
      expect((error as Error).message).not.toContain('secret');
      expect((error as Error).message).toContain('PORT=eighty');
    }
  });

  it('requires SASL credentials only when a mechanism is set', () => {
    expect(() => loadEnv(PlatformEnv, valid)).not.toThrow();

    const act = () => loadEnv(PlatformEnv, { ...valid, KAFKA_SASL_MECHANISM: 'plain' });

    expect(act).toThrow(/KAFKA_SASL_USERNAME=<unset>: is required when KAFKA_SASL_MECHANISM is set/);
    expect(act).toThrow(/KAFKA_SASL_PASSWORD/);
  });

  it('requires a JWT secret of at least 32 characters, and never echoes it', () => {
    const act = () => loadEnv(PlatformEnv, { ...valid, JWT_SECRET: 'hunter2-is-too-short' });

    expect(act).toThrow(/JWT_SECRET=\*\*\*: must be at least 32 characters/);
    expect(act).not.toThrow(/hunter2/);
    expect(loadEnv(PlatformEnv, valid).JWT_TTL_SECONDS).toBe(3600);
  });

  it('rejects a malformed broker list', () => {
    expect(() => loadEnv(PlatformEnv, { ...valid, KAFKA_BROKERS: 'localhost' })).toThrow(/KAFKA_BROKERS=localhost/);
  });
});

describe(envVariableNames.name, () => {
  it('names every declared variable', () => {
    expect(envVariableNames(PlatformEnv)).toEqual(
      expect.arrayContaining(['NODE_ENV', 'PORT', 'LOG_LEVEL', 'DATABASE_URL', 'KAFKA_BROKERS', 'KAFKA_SASL_PASSWORD', 'SHUTDOWN_TIMEOUT_MS']),
    );
  });
});
