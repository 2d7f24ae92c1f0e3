import { DynamicModule, MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import { Kafka } from 'kafkajs';
import { Logger } from 'pino';
import { DataSource, DataSourceOptions } from 'typeorm';

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
}

/**
 * What every service stands on: Postgres, Kafka (producer, consumer group, dead letters), health,
 * metrics and request logging. Global, so domain modules inject its providers directly.
 */
@Module({})
export class PlatformModule implements NestModule {
  static forRoot(options: PlatformModuleOptions): DynamicModule {
    const { service, env } = options;
    const consumerOptions: KafkaConsumerOptions = {
      groupId: env.KAFKA_GROUP_ID ?? service,
      topics: options.consumedTopics,
      partitionsConsumedConcurrently: 4,
      sessionTimeoutMs: env.KAFKA_SESSION_TIMEOUT_MS,
    };
    return {
      module: PlatformModule,
      global: true,
      imports: [DiscoveryModule, TypeOrmModule.forRoot({ ...databaseOptions(env, options.entities, service), retryAttempts: 30, retryDelay: 2_000 })],
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
      ],
      exports: [JsonLogger, MetricsService, KafkaProducerService, HealthService],
    };
  }

  configure(consumer: MiddlewareConsumer) {
    consumer.apply(RequestContextMiddleware).forRoutes('{*path}');
  }
}
