import { DynamicModule, MiddlewareConsumer, Module, NestModule, ValidationPipe } from '@nestjs/common';
import { APP_PIPE, DiscoveryModule } from '@nestjs/core';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import { Kafka } from 'kafkajs';
import { Logger } from 'pino';
import { DataSource, DataSourceOptions } from 'typeorm';

import { authEntities, AuthModule, AuthSchema, Role, SERVICE_ROLES } from '../auth';
import { PlatformEnv } from '../config';
import { databaseOptions, PostgresReadiness } from '../database';
import { HealthController, HealthService, READINESS_CHECKS } from '../health';
import { RequestContextMiddleware } from '../http/request-context.middleware';
import {
  createKafka,
  DeadLetterPublisher,
  KAFKA_CONSUMER_OPTIONS,
  KafkaConsumerOptions,
  KafkaConsumerService,
  KafkaProducerService,
  KafkaReadiness,
  MessageHandlerRegistry,
} from '../kafka';
import { JsonLogger } from '../logging';
import { MetricsController, MetricsService } from '../metrics';

export interface PlatformModuleOptions {
  service: string;
  env: PlatformEnv;
  logger: Logger;
  /** Topics the service consumes; each needs exactly one `@OnMessage` handler somewhere in the app. */
  consumedTopics: readonly string[];
  entities: NonNullable<DataSourceOptions['entities']>;
  /** The service's schema: its users (`app_user`) and audit log (`audit_log`) live there. */
  schema: AuthSchema;
  /** The service's roles, lowest first: SERVICE_ROLES[schema] (risk: viewer, analyst, admin; defect: viewer, engineer, admin). */
  roles: readonly Role[];
}

/**
 * What every service stands on: Postgres, Kafka (producer, consumer group, dead letters), health,
 * metrics, request logging, and authentication (every HTTP route needs a bearer token unless it
 * is `@Public()`), roles and the audit log. Global, so domain modules inject its providers directly.
 */
@Module({})
export class PlatformModule implements NestModule {
  static forRoot(options: PlatformModuleOptions): DynamicModule {
    const { service, env, schema, roles } = options;
    const expected: readonly Role[] = SERVICE_ROLES[schema];
    if (roles.length !== expected.length || roles.some((role) => !expected.includes(role))) {
      throw new Error(`PlatformModule: the ${schema} schema's roles are ${expected.join(', ')} (its app_user CHECK constraint), not ${roles.join(', ')}`);
    }
    const consumerOptions: KafkaConsumerOptions = {
      groupId: env.KAFKA_GROUP_ID ?? service,
      topics: options.consumedTopics,
      partitionsConsumedConcurrently: 4,
      sessionTimeoutMs: env.KAFKA_SESSION_TIMEOUT_MS,
      fetchMaxWaitMs: env.KAFKA_FETCH_MAX_WAIT_MS,
    };
    return {
      module: PlatformModule,
      global: true,
      imports: [
        DiscoveryModule,
        TypeOrmModule.forRoot({
          ...databaseOptions(env, [...Object.values(options.entities), ...Object.values(authEntities(schema))], service),
          retryAttempts: 30,
          retryDelay: 2_000,
        }),
        AuthModule.forRoot({ service, schema, roles, jwtSecret: env.JWT_SECRET, tokenTtlSeconds: env.JWT_TTL_SECONDS }),
      ],
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: JsonLogger, useValue: new JsonLogger(options.logger) },
        {
          provide: MetricsService,
          useFactory: () => {
            const metrics = new MetricsService();
            metrics.setServiceLabel(service);
            return metrics;
          },
        },
        { provide: Kafka, useFactory: () => createKafka(env, service, options.logger) },
        { provide: KAFKA_CONSUMER_OPTIONS, useValue: consumerOptions },
        KafkaProducerService,
        DeadLetterPublisher,
        MessageHandlerRegistry,
        KafkaConsumerService,
        {
          provide: KafkaReadiness,
          useFactory: () => new KafkaReadiness(createKafka(env, `${service}-readiness`, options.logger, { retry: { retries: 0 } })),
        },
        {
          provide: READINESS_CHECKS,
          useFactory: (dataSource: DataSource, kafka: KafkaReadiness) => [new PostgresReadiness(dataSource), kafka],
          inject: [getDataSourceToken(), KafkaReadiness],
        },
        HealthService,
        RequestContextMiddleware,
        // Every request body, query and param is validated against its DTO class, in tests as in production (STYLE R3).
        { provide: APP_PIPE, useValue: new ValidationPipe({ transform: true, whitelist: true }) },
      ],
      exports: [JsonLogger, MetricsService, Kafka, KafkaProducerService, HealthService],
    };
  }

  configure(consumer: MiddlewareConsumer) {
    consumer.apply(RequestContextMiddleware).forRoutes('{*path}');
  }
}
