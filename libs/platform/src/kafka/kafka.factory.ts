import { Kafka, KafkaConfig, logCreator, logLevel, SASLOptions } from 'kafkajs';
import { Logger } from 'pino';

import { PlatformEnv } from '../config';

const LEVELS: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/** kafkajs' own log lines, routed into the service's JSON log. */
function pinoLogCreator(logger: Logger): logCreator {
  return () =>
    ({ level, log }) => {
      const { message, ...extra } = log;
      logger[LEVELS[level] ?? 'info']({ kafka: extra }, message);
    };
}

function sasl(env: PlatformEnv): SASLOptions | undefined {
  if (env.KAFKA_SASL_MECHANISM === undefined) return undefined;
  return { mechanism: env.KAFKA_SASL_MECHANISM, username: env.KAFKA_SASL_USERNAME ?? '', password: env.KAFKA_SASL_PASSWORD ?? '' } as SASLOptions;
}

/** The one place a Kafka client is configured from the environment (STYLE R7). */
export function createKafka(env: PlatformEnv, clientId: string, logger: Logger, overrides: Partial<KafkaConfig> = {}): Kafka {
  return new Kafka({
    clientId: env.KAFKA_CLIENT_ID ?? clientId,
    brokers: env.KAFKA_BROKERS,
    ssl: env.KAFKA_SSL,
    sasl: sasl(env),
    connectionTimeout: 3_000,
    requestTimeout: 30_000,
    retry: { initialRetryTime: 300, retries: 8, maxRetryTime: 10_000 },
    logLevel: logLevel.WARN,
    logCreator: pinoLogCreator(logger.child({ component: 'kafkajs' })),
    ...overrides,
  });
}
