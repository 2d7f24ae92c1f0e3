import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/** The Prometheus registry of one service and the metrics every service shares. */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  readonly httpRequestDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  readonly kafkaConsumed = new Counter({
    name: 'kafka_messages_consumed_total',
    help: 'Kafka messages handled successfully, by topic',
    labelNames: ['topic'] as const,
    registers: [this.registry],
  });

  readonly kafkaDeadLettered = new Counter({
    name: 'kafka_messages_dead_lettered_total',
    help: 'Kafka messages that broke their contract and went to the dead-letter topic, by topic and error code',
    labelNames: ['topic', 'code'] as const,
    registers: [this.registry],
  });

  readonly kafkaHandlerFailures = new Counter({
    name: 'kafka_handler_failures_total',
    help: 'Transient handler failures (the batch is retried from the last committed offset), by topic',
    labelNames: ['topic'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  setServiceLabel(service: string) {
    this.registry.setDefaultLabels({ service });
  }
}
