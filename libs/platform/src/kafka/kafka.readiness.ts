import { OnApplicationShutdown } from '@nestjs/common';
import { Admin, Kafka } from 'kafkajs';

import { ReadinessCheck } from '../health';

/**
 * Kafka is ready when the cluster answers a metadata request. It uses its own client with no
 * retries, so a probe answers for now rather than after the client's backoff.
 */
export class KafkaReadiness implements ReadinessCheck, OnApplicationShutdown {
  readonly name = 'kafka';
  private admin?: Admin;

  constructor(private readonly kafka: Kafka) {}

  async check(): Promise<void> {
    this.admin ??= this.kafka.admin();
    try {
      await this.admin.connect();
      await this.admin.describeCluster();
    } catch (error) {
      const admin = this.admin;
      this.admin = undefined;
      await admin.disconnect().catch(() => undefined);
      throw error;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.admin?.disconnect();
  }
}
