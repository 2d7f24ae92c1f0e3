import { Injectable } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { Test } from '@nestjs/testing';

import { DeadLetterError, RejectedMessage } from './dead-letter';
import { InboundMessage } from './inbound-message';
import { MessageHandlerRegistry } from './message-handler.registry';
import { OnBatch, OnMessage } from './on-message.decorator';

@Injectable()
class OrdersConsumer {
  readonly seen: string[] = [];

  @OnMessage('orders')
  async onOrder(message: InboundMessage) {
    if (message.offset === 'bad') throw new DeadLetterError('BAD', 'bad order');
    if (message.offset === 'boom') throw new Error('database down');
    this.seen.push(message.offset);
  }
}

@Injectable()
class PaymentsConsumer {
  @OnBatch('payments', { maxBatchSize: 50 })
  async onPayments(messages: InboundMessage[]): Promise<RejectedMessage[]> {
    return messages.filter((m) => m.offset === '2').map((message) => ({ message, error: new DeadLetterError('BAD', 'bad payment') }));
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
    const rejected = await handlers.get('orders')?.handle([{ offset: '7' } as InboundMessage]);

    expect([...handlers.keys()]).toEqual(['orders']);
    expect(handlers.get('orders')?.maxBatchSize).toBe(1);
    expect(rejected).toEqual([]);
    expect(moduleRef.get(OrdersConsumer).seen).toEqual(['7']);
  });

  it('turns a per-message DeadLetterError into a rejection and lets other errors through', async () => {
    const { sut } = await registryWith(OrdersConsumer);
    const handler = sut.resolve(['orders']).get('orders');

    await expect(handler?.handle([{ offset: 'bad' } as InboundMessage])).resolves.toEqual([
      { message: { offset: 'bad' }, error: new DeadLetterError('BAD', 'bad order') },
    ]);
    await expect(handler?.handle([{ offset: 'boom' } as InboundMessage])).rejects.toThrow('database down');
  });

  it('hands batch handlers whole batches and passes their rejections on', async () => {
    const { sut } = await registryWith(PaymentsConsumer);
    const handler = sut.resolve(['payments']).get('payments');

    const rejected = await handler?.handle(['1', '2', '3'].map((offset) => ({ offset }) as InboundMessage));

    expect(handler?.maxBatchSize).toBe(50);
    expect(rejected?.map((r) => r.message.offset)).toEqual(['2']);
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
