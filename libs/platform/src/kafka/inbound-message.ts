import { KafkaMessage } from 'kafkajs';

/** A consumed message as handlers see it: headers decoded, position attached for logs and the DLQ. */
export interface InboundMessage {
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, string>;
  timestamp: string;
}

export function toInboundMessage(topic: string, partition: number, message: KafkaMessage): InboundMessage {
  const headers: Record<string, string> = {};
  for (const [name, raw] of Object.entries(message.headers ?? {})) {
    const value = Array.isArray(raw) ? raw[raw.length - 1] : raw;
    if (value !== undefined) headers[name] = value.toString();
  }
  return { topic, partition, offset: message.offset, key: message.key, value: message.value, headers, timestamp: message.timestamp };
}

/** The id that ties a message's log lines together: its producer's `correlation-id`, else its position. */
export function correlationIdOf(message: InboundMessage): string {
  return message.headers['correlation-id'] ?? `${message.topic}/${message.partition}/${message.offset}`;
}

/** One message's own id, or the span of positions a batch covers. */
export function correlationIdOfChunk(messages: InboundMessage[]): string {
  const [first] = messages;
  const last = messages[messages.length - 1];
  return messages.length === 1 ? correlationIdOf(first) : `${first.topic}/${first.partition}/${first.offset}-${last.offset}`;
}
