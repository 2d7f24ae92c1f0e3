/**
 * Kafka topics of the wire contracts (shared/PRODUCT.md). Outside producers and consumers rely on
 * these exact names, so they are fixed here once; a breaking change gets a new topic, never a new
 * meaning for an old one.
 */
export enum Topic {
  Transactions = 'transactions',
  RiskDecisions = 'risk.decisions',
  CameraFrames = 'camera.frames',
  InspectionResults = 'inspection.results',
}

/** Topics whose messages come from outside producers and may break the contract. */
export const CONSUMED_TOPICS: readonly Topic[] = [Topic.Transactions, Topic.CameraFrames];

/** Where a message that breaks its topic's contract goes, with `error-code`/`error-message` headers. */
export function deadLetterTopic(topic: string): string {
  return `${topic}.dlq`;
}

export interface TopicSpec {
  name: string;
  partitions: number;
}

/**
 * Every topic the platform needs, with the partition count a deployment should create it with.
 * Partitions bound consumer parallelism and, on the development broker, each one keeps only its
 * newest 5 MiB, so the high-volume topics get more of them.
 */
export const TOPIC_SPECS: readonly TopicSpec[] = [
  { name: Topic.Transactions, partitions: 12 },
  { name: deadLetterTopic(Topic.Transactions), partitions: 3 },
  { name: Topic.RiskDecisions, partitions: 12 },
  { name: Topic.CameraFrames, partitions: 24 },
  { name: deadLetterTopic(Topic.CameraFrames), partitions: 3 },
  { name: Topic.InspectionResults, partitions: 12 },
];

/** Kafka header names used by the dead-letter topics. */
export const DLQ_HEADERS = {
  errorCode: 'error-code',
  errorMessage: 'error-message',
  sourceTopic: 'source-topic',
  sourcePartition: 'source-partition',
  sourceOffset: 'source-offset',
} as const;
