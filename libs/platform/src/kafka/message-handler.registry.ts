import { Injectable } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';

import { DeadLetterError, RejectedMessage } from './dead-letter';
import { InboundMessage } from './inbound-message';
import { HandlerMetadata, ON_MESSAGE } from './on-message.decorator';

/** A topic's handler in one shape for the consumer: a batch in, the refused messages out. */
export interface TopicHandler {
  maxBatchSize: number;
  handle(messages: InboundMessage[]): Promise<RejectedMessage[]>;
}

/**
 * Finds the `@OnMessage`/`@OnBatch` handlers at boot and fails fast unless every declared topic
 * has exactly one and no handler listens to an undeclared topic (STYLE R5).
 */
@Injectable()
export class MessageHandlerRegistry {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  resolve(declaredTopics: readonly string[]): Map<string, TopicHandler> {
    const found = new Map<string, TopicHandler[]>();
    for (const wrapper of this.discovery.getProviders()) {
      const instance: unknown = wrapper.instance;
      if (instance === null || typeof instance !== 'object') continue;
      const prototype = Object.getPrototypeOf(instance) as object;
      for (const name of this.scanner.getAllMethodNames(prototype)) {
        const method = (instance as Record<string, unknown>)[name] as (...args: unknown[]) => unknown;
        const metadata = this.reflector.get<HandlerMetadata | undefined>(ON_MESSAGE, method);
        if (metadata === undefined) continue;
        found.set(metadata.topic, [...(found.get(metadata.topic) ?? []), toTopicHandler(metadata, method.bind(instance))]);
      }
    }
    const problems = [
      ...declaredTopics.filter((t) => (found.get(t)?.length ?? 0) !== 1).map((t) => `topic "${t}" has ${found.get(t)?.length ?? 0} handlers, expected 1`),
      ...[...found.keys()].filter((t) => !declaredTopics.includes(t)).map((t) => `handler for undeclared topic "${t}"`),
    ];
    if (problems.length > 0) throw new Error(`Kafka handler wiring is wrong: ${problems.join('; ')}`);
    return new Map([...found].map(([topic, handlers]) => [topic, handlers[0]]));
  }
}

function toTopicHandler({ maxBatchSize }: HandlerMetadata, method: (...args: unknown[]) => unknown): TopicHandler {
  if (maxBatchSize > 1) {
    return { maxBatchSize, handle: async (messages) => ((await method(messages)) as RejectedMessage[] | undefined) ?? [] };
  }
  return {
    maxBatchSize,
    handle: async ([message]) => {
      try {
        await method(message);
        return [];
      } catch (error) {
        if (error instanceof DeadLetterError) return [{ message, error }];
        throw error;
      }
    },
  };
}
