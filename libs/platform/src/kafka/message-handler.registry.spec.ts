import { Injectable } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { Test } from '@nestjs/testing';

import { InboundMessage } from './inbound-message';
import { MessageHandlerRegistry } from './message-handler.registry';
import { OnMessage } from './on-message.decorator';

@Injectable()
class OrdersConsumer {
  readonly seen: string[] = [];

  @OnMessage('orders')
  async onOrder(message: InboundMessage) {
    this.seen.push(message.offset);
  }
}

@Injectable()
class AnotherOrdersConsumer {
  @OnMessage('orders')
  async onOrder() {}
}

async function registryWith(...providers: (new () => object)[]) {
  const moduleRef = await Test.createTestingModule({ imports: [DiscoveryModule], providers: [MessageHandlerRegistry, ...providers] }).compile();
  return { sut: moduleRef.get(MessageHandlerRegistry), moduleRef };
}

describe(MessageHandlerRegistry.name, () => {
  it('binds the one handler of each declared topic to its instance', async () => {
    const { sut, moduleRef } = await registryWith(OrdersConsumer);

    const handlers = sut.resolve(['orders']);
    await handlers.get('orders')?.({ offset: '7' } as InboundMessage);

    expect([...handlers.keys()]).toEqual(['orders']);
    expect(moduleRef.get(OrdersConsumer).seen).toEqual(['7']);
  });

  it('fails when a declared topic has no handler', async () => {
    const { sut } = await registryWith();

    expect(() => sut.resolve(['orders'])).toThrow('topic "orders" has 0 handlers, expected 1');
  });

  it('fails when a topic has two handlers', async () => {
    const { sut } = await registryWith(OrdersConsumer, AnotherOrdersConsumer);

    expect(() => sut.resolve(['orders'])).toThrow('topic "orders" has 2 handlers, expected 1');
  });

  it('fails when a handler listens to an undeclared topic', async () => {
    const { sut } = await registryWith(OrdersConsumer);

    expect(() => sut.resolve([])).toThrow('handler for undeclared topic "orders"');
  });
});
