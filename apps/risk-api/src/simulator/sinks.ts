import { once } from 'node:events';
import { createWriteStream, WriteStream } from 'node:fs';
import { Writable } from 'node:stream';

import { Kafka, logLevel, Message, Partitioners, Producer } from 'kafkajs';

import { SimulatedTransaction } from './model';

/** Where simulated transactions go; `write` resolves when the sink can take more. */
export interface Sink {
  write(tx: SimulatedTransaction): Promise<void>;
  close(): Promise<void>;
}

async function put(stream: Writable, text: string): Promise<void> {
  if (!stream.write(text)) await once(stream, 'drain');
}

async function end(stream: Writable): Promise<void> {
  if (stream === process.stdout) return;
  await new Promise<void>((resolve, reject) => {
    stream.once('error', reject);
    stream.end(() => resolve());
  });
}

const open = (path: string): Writable => (path === '-' ? process.stdout : createWriteStream(path, { encoding: 'utf8' }));

/** One contract message per line, in the order written (event-time order). */
export class JsonlSink implements Sink {
  private readonly stream: Writable;

  constructor(path: string) {
    this.stream = open(path);
  }

  write(tx: SimulatedTransaction): Promise<void> {
    return put(this.stream, `${JSON.stringify(tx.message)}\n`);
  }

  close(): Promise<void> {
    return end(this.stream);
  }
}

/** Ground truth per txId: JSONL for `*.jsonl`, else one JSON array. */
export class TruthSink implements Sink {
  private readonly stream: WriteStream;
  private readonly lines: boolean;
  private first = true;

  constructor(path: string) {
    this.stream = createWriteStream(path, { encoding: 'utf8' });
    this.lines = path.endsWith('.jsonl');
  }

  write(tx: SimulatedTransaction): Promise<void> {
    const record = JSON.stringify(tx.truth);
    if (this.lines) return put(this.stream, `${record}\n`);
    const text = `${this.first ? '[\n' : ',\n'}${record}`;
    this.first = false;
    return put(this.stream, text);
  }

  async close(): Promise<void> {
    if (!this.lines) await put(this.stream, this.first ? '[]\n' : '\n]\n');
    await end(this.stream);
  }
}

/** Sends in small batches keyed by the originator account, paced to `rate` messages per second (0: unpaced). */
export class KafkaSink implements Sink {
  private pending: Message[] = [];
  private sent = 0;
  private startedAt = 0;
  private readonly batchSize: number;

  private constructor(
    private readonly producer: Producer,
    private readonly topic: string,
    private readonly rate: number,
    private readonly clock: () => number,
  ) {
    this.batchSize = rate > 0 ? Math.min(500, Math.max(1, Math.ceil(rate / 20))) : 500;
  }

  static async connect(brokers: string[], topic: string, rate: number, clock: () => number = () => performance.now()): Promise<KafkaSink> {
    const kafka = new Kafka({ clientId: 'vigil-sim-transactions', brokers, logLevel: logLevel.WARN });
    // One request in flight: a retried batch cannot overtake the next, so each account's events stay in order.
    const producer = kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner, maxInFlightRequests: 1 });
    await producer.connect();
    return new KafkaSink(producer, topic, rate, clock);
  }

  async write(tx: SimulatedTransaction): Promise<void> {
    if (this.sent === 0 && this.pending.length === 0) this.startedAt = this.clock();
    this.pending.push({ key: tx.key, value: JSON.stringify(tx.message) });
    if (this.pending.length >= this.batchSize) await this.flush();
  }

  async close(): Promise<void> {
    try {
      await this.flush();
    } finally {
      await this.producer.disconnect();
    }
  }

  private async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const messages = this.pending;
    this.pending = [];
    await this.producer.send({ topic: this.topic, acks: -1, messages });
    this.sent += messages.length;
    if (this.rate > 0) {
      const wait = this.startedAt + (this.sent / this.rate) * 1000 - this.clock();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}
