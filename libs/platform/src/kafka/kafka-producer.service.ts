import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Kafka, Partitioners, Producer, ProducerRecord, RecordMetadata } from 'kafkajs';

/** The service's one producer. Sends wait for all in-sync replicas, so an ack means durable. */
@Injectable()
export class KafkaProducerService implements OnApplicationShutdown {
  private readonly producer: Producer;
  private connecting?: Promise<void>;

  constructor(kafka: Kafka) {
    // The Java client's murmur2 partitioner, so keys land where outside producers put them.
    this.producer = kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
  }

  async send(record: Omit<ProducerRecord, 'acks'>): Promise<RecordMetadata[]> {
    await this.connect();
    return this.producer.send({ ...record, acks: -1 });
  }

  private connect(): Promise<void> {
    this.connecting ??= this.producer.connect().catch((error: unknown) => {
      this.connecting = undefined; // the next send tries again
      throw error;
    });
    return this.connecting;
  }

  async onApplicationShutdown() {
    await this.producer.disconnect();
  }
}
