import { Transaction } from '@vigil/contracts';
import { assertUnreachable } from '@vigil/platform';

/** How the alert budget's thresholds are split: one set for all, or one per channel or per transaction type. */
export const SEGMENT_BY = ['none', 'channel', 'type'] as const;
export type SegmentBy = (typeof SEGMENT_BY)[number];

/** The segment a transaction's thresholds come from (undefined: the global ones). */
export function segmentOf(transaction: Pick<Transaction, 'channel' | 'type'>, by: SegmentBy): string | undefined {
  switch (by) {
    case 'none':
      return undefined;
    case 'channel':
      return transaction.channel;
    case 'type':
      return transaction.type;
    default:
      return assertUnreachable(by);
  }
}
