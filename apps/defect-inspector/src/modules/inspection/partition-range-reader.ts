import { randomUUID } from 'node:crypto';

import { InboundMessage, toInboundMessage } from '@vigil/platform';
import { Kafka } from 'kafkajs';

const READ_TIMEOUT_MS = 60_000;

/**
 * Messages [from, to) of one partition, read with a throwaway consumer group that commits nothing
 * (kafkajs has no manual assignment). Starts at the log's start instead when retention already
 * removed `from`; `skipped` says how many offsets were lost that way.
 */
export async function readPartitionRange(kafka: Kafka, topic: string, partition: number, from: number, to: number): Promise<{ messages: InboundMessage[]; skipped: number }> {
  if (!(Number.isSafeInteger(from) && Number.isSafeInteger(to) && 0 <= from && from <= to)) throw new RangeError(`readPartitionRange: expected 0 <= from <= to, got ${from} and ${to}`);
  if (from === to) return { messages: [], skipped: 0 };
  const admin = kafka.admin();
  await admin.connect();
  const offsets = await admin.fetchTopicOffsets(topic).finally(() => admin.disconnect());
  const low = Number(offsets.find((o) => o.partition === partition)?.low ?? from);
  const start = Math.max(from, low);
  if (start >= to) return { messages: [], skipped: to - from };

  const messages: InboundMessage[] = [];
  const consumer = kafka.consumer({ groupId: `defect-inspector-replay-${randomUUID()}`, maxWaitTimeInMs: 100, sessionTimeout: 10_000, heartbeatInterval: 1_000 });
  try {
    await consumer.connect();
    await consumer.subscribe({ topic });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`could not read ${topic}[${partition}] ${start}..${to} within ${READ_TIMEOUT_MS} ms`)), READ_TIMEOUT_MS);
      consumer
        .run({
          autoCommit: false,
          eachBatch: async ({ batch }) => {
            if (batch.partition !== partition) return;
            for (const raw of batch.messages) {
              const offset = Number(raw.offset);
              if (offset < start) continue;
              if (offset >= to) break;
              messages.push(toInboundMessage(topic, partition, raw));
            }
            const last = batch.messages[batch.messages.length - 1];
            if (last !== undefined && Number(last.offset) + 1 >= to) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .then(() => consumer.seek({ topic, partition, offset: String(start) }), reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return { messages, skipped: start - from };
}
