import { once } from 'node:events';
import { createWriteStream, mkdirSync, WriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';

import { IHeaders, Kafka, logLevel, Message, Partitioners, Producer } from 'kafkajs';

import { SimulatedFrame, TruthRecord } from './generate';

/** Where simulated frames go; `write` resolves when the sink can take more. */
export interface Sink {
  write(frame: SimulatedFrame): Promise<void>;
  close(): Promise<void>;
}

async function put(stream: Writable, text: string): Promise<void> {
  if (!stream.write(text)) await once(stream, 'drain');
}

async function end(stream: Writable): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    stream.once('error', reject);
    stream.end(() => resolve());
  });
}

const EXTENSIONS = { GRAY8: 'gray', RGB8: 'rgb', PNG: 'png', JPEG: 'jpg' } as const;

/** One file per frame sent, `<n>-<camera>-<seq>.<ext>` (n: send order), and frames.jsonl: `{file, key, headers}` per frame. */
export class DirectorySink implements Sink {
  private readonly index: WriteStream;
  private count = 0;

  constructor(private readonly dir: string) {
    mkdirSync(dir, { recursive: true });
    this.index = createWriteStream(join(dir, 'frames.jsonl'), { encoding: 'utf8' });
  }

  async write(frame: SimulatedFrame): Promise<void> {
    const file = `${String(this.count++).padStart(7, '0')}-${frame.key}-${frame.headers.seq}.${EXTENSIONS[frame.headers.format]}`;
    await writeFile(join(this.dir, file), frame.value);
    await put(this.index, `${JSON.stringify({ file, key: frame.key, headers: frame.headers })}\n`);
  }

  close(): Promise<void> {
    return end(this.index);
  }
}

/** Ground truth, one JSON record per line. */
export function writeTruth(path: string, records: readonly TruthRecord[]): Promise<void> {
  return writeFile(path, records.map((record) => `${JSON.stringify(record)}\n`).join(''), 'utf8');
}

/** Kafka refuses record batches over ~1 MB by default: send before a batch gets that big. */
const MAX_BATCH_BYTES = 900_000;

/**
 * Sends frames keyed by camera id, with the contract headers. Paced: a frame is sent no earlier than
 * its capture time after the first frame's (real time at the fps); unpaced: as fast as possible.
 */
export class KafkaSink implements Sink {
  private pending: Message[] = [];
  private pendingBytes = 0;
  private firstTs: number | undefined;
  private startedAt = 0;

  private constructor(
    private readonly producer: Producer,
    private readonly topic: string,
    private readonly pace: boolean,
    private readonly clock: () => number,
  ) {}

  static async connect(brokers: string[], topic: string, pace: boolean, clock: () => number = () => performance.now()): Promise<KafkaSink> {
    const kafka = new Kafka({ clientId: 'vigil-sim-cameras', brokers, logLevel: logLevel.WARN });
    // One request in flight: a retried batch cannot overtake the next, so the only disorder is the simulated one.
    const producer = kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner, maxInFlightRequests: 1 });
    await producer.connect();
    return new KafkaSink(producer, topic, pace, clock);
  }

  async write(frame: SimulatedFrame): Promise<void> {
    const ts = Number(frame.headers.ts);
    if (this.firstTs === undefined) {
      this.firstTs = ts;
      this.startedAt = this.clock();
    }
    if (this.pace) {
      const wait = this.startedAt + (ts - this.firstTs) / 1000 - this.clock();
      if (wait > 1) {
        await this.flush();
        const left = this.startedAt + (ts - this.firstTs) / 1000 - this.clock();
        if (left > 0) await new Promise((resolve) => setTimeout(resolve, left));
      }
    }
    const size = frame.value.length + 256;
    if (this.pendingBytes + size > MAX_BATCH_BYTES || this.pending.length >= 500) await this.flush();
    const headers: IHeaders = { ...frame.headers };
    this.pending.push({ key: frame.key, value: frame.value, headers });
    this.pendingBytes += size;
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
    this.pendingBytes = 0;
    await this.producer.send({ topic: this.topic, acks: -1, messages });
  }
}
