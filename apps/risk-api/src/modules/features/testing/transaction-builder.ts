import { Channel, Transaction, TransactionType } from '@vigil/contracts';

/** The pinned "now" of the feature stories: 2026-11-22 12:00:00.000 UTC. */
export const T0 = Date.UTC(2026, 10, 22, 12, 0, 0, 0);

/** A story's transaction in a few words; everything unsaid gets a dull default. */
export interface TxSketch {
  ts: number;
  from?: string;
  to?: string;
  /** Major units, at most 2 decimals. */
  amount?: number;
  fromCountry?: string;
  toCountry?: string;
  device?: string;
  ip?: string;
  /** TRANSFER unless given. */
  type?: TransactionType;
  /** MOBILE with a device, ONLINE without, unless given. */
  channel?: Channel;
  /** The merchant's MCC: the payment names merchant `M-<to>`. */
  mcc?: string;
}

let counter = 0;

/** A Transaction from a sketch: A-1 transfers 100.00 to B-1 within DE, no device or merchant unless given. */
export function tx(sketch: TxSketch): Transaction {
  const from = sketch.from ?? 'A-1';
  const to = sketch.to ?? 'B-1';
  return {
    txId: `T-${++counter}`,
    ts: sketch.ts,
    amountMinor: Math.round((sketch.amount ?? 100) * 100),
    currency: 'EUR',
    type: sketch.type ?? 'TRANSFER',
    channel: sketch.channel ?? (sketch.device ? 'MOBILE' : 'ONLINE'),
    originator: { account: from, customer: `C-${from}`, country: sketch.fromCountry ?? 'DE', bank: 'DEUTDEFF' },
    beneficiary: { account: to, country: sketch.toCountry ?? 'DE', bank: 'COBADEFF' },
    ...(sketch.mcc ? { merchant: { id: `M-${to}`, mcc: sketch.mcc } } : {}),
    ...(sketch.device || sketch.ip ? { device: { id: sketch.device ?? 'D-1', ip: sketch.ip ?? '203.0.113.1' } } : {}),
  };
}
