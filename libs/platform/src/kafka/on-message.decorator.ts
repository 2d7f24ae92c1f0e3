import { SetMetadata } from '@nestjs/common';

export const ON_MESSAGE = Symbol('ON_MESSAGE');

/**
 * Marks a provider method as the handler of one topic. It receives an `InboundMessage`, resolves
 * once the message's effects are durable, and throws `DeadLetterError` for contract breaks.
 */
export const OnMessage = (topic: string): MethodDecorator => SetMetadata(ON_MESSAGE, topic);
