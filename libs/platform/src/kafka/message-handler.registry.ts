import { Injectable } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';

import { InboundMessage } from './inbound-message';
import { ON_MESSAGE } from './on-message.decorator';

export type MessageHandler = (message: InboundMessage) => Promise<void>;

/**
 * Finds the `@OnMessage` handlers at boot and fails fast unless every declared topic has exactly
 * one and no handler listens to an undeclared topic (STYLE R5).
 */
@Injectable()
export class MessageHandlerRegistry {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  resolve(declaredTopics: readonly string[]): Map<string, MessageHandler> {
    const found = new Map<string, MessageHandler[]>();
    for (const wrapper of this.discovery.getProviders()) {
      const instance: unknown = wrapper.instance;
      if (instance === null || typeof instance !== 'object') continue;
      const prototype = Object.getPrototypeOf(instance) as object;
      for (const name of this.scanner.getAllMethodNames(prototype)) {
        const method = (instance as Record<string, unknown>)[name] as (...args: unknown[]) => unknown;
        const topic = this.reflector.get<string | undefined>(ON_MESSAGE, method);
        if (topic === undefined) continue;
        found.set(topic, [...(found.get(topic) ?? []), method.bind(instance) as MessageHandler]);
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
