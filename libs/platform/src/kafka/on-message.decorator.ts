import { SetMetadata } from '@nestjs/common';

export const ON_MESSAGE = Symbol('ON_MESSAGE');

export interface HandlerMetadata {
  topic: string;
  /** Messages handed over per call: 1 for `@OnMessage`, up to this many for `@OnBatch`. */
  maxBatchSize: number;
}

/**
 * Marks a provider method as the handler of one topic. It receives an `InboundMessage`, resolves
 * once the message's effects are durable, and throws `DeadLetterError` for contract breaks.
 */
export const OnMessage = (topic: string): MethodDecorator => SetMetadata<symbol, HandlerMetadata>(ON_MESSAGE, { topic, maxBatchSize: 1 });

/**
 * Marks a provider method as the handler of one topic that takes messages in batches (in
 * partition order, up to `maxBatchSize`). It resolves once every accepted message's effects are
 * durable, with the messages it refused (`RejectedMessage[]`) for the dead-letter topic. Throwing
 * retries the whole batch, so its effects must be idempotent.
 */
export const OnBatch = (topic: string, options: { maxBatchSize?: number } = {}): MethodDecorator =>
  SetMetadata<symbol, HandlerMetadata>(ON_MESSAGE, { topic, maxBatchSize: options.maxBatchSize ?? 500 });
