import { Injectable } from '@nestjs/common';
import { decodeTransaction, Topic } from '@vigil/contracts';
import { DeadLetterError, InboundMessage, OnBatch, RejectedMessage } from '@vigil/platform';

import { AcceptedTransaction, DecisionPipeline } from './decision-pipeline.service';

/** `transactions` in, one decision per accepted transaction out; contract breaks go to the DLQ. */
@Injectable()
export class TransactionsConsumer {
  constructor(private readonly pipeline: DecisionPipeline) {}

  @OnBatch(Topic.Transactions, { maxBatchSize: 500 })
  async onTransactions(messages: InboundMessage[]): Promise<RejectedMessage[]> {
    const receivedAt = performance.now();
    const accepted: AcceptedTransaction[] = [];
    const rejected: RejectedMessage[] = [];
    for (const message of messages) {
      const decoded = decodeTransaction(message.key, message.value);
      if (decoded.ok) {
        accepted.push({ transaction: decoded.transaction, source: { partition: message.partition, offset: message.offset }, receivedAt });
      } else {
        rejected.push({ message, error: new DeadLetterError(decoded.code, decoded.message) });
      }
    }
    await this.pipeline.decide(accepted);
    return rejected;
  }
}
