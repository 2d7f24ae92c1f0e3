import { TransactionMessage } from './risk-harness';

const T0 = Date.parse('2026-11-20T09:00:00Z');
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

let sequence = 0;

/** One transfer of a story: `at` is the offset from the story's start. */
export function transfer(from: string, to: string, amount: string, at: number, extra: Partial<TransactionMessage> = {}): TransactionMessage {
  sequence += 1;
  return {
    txId: `${from}-${sequence}`,
    ts: new Date(T0 + at).toISOString(),
    amount,
    currency: 'EUR',
    type: 'TRANSFER',
    channel: 'ONLINE',
    originator: { account: from, customer: `C-${from}`, country: 'DE', bank: 'DEUTDEFF' },
    beneficiary: { account: to, customer: `C-${to}`, country: 'DE', bank: 'COBADEFF' },
    ...extra,
  };
}

/**
 * A short transaction story with the outcome its last transaction must get. Waves go in one
 * after another, each decided before the next: transfers by different originators live on
 * different partitions, and a graph pattern needs its earlier hops decided first.
 */
export interface Story {
  name: string;
  waves: TransactionMessage[][];
  expect: { decision: 'ALLOW' | 'REVIEW' | 'BLOCK'; rules: string[]; features: Record<string, number> };
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

export function stories(): Story[] {
  return [
    {
      name: 'structuring',
      waves: [range(4).map((i) => transfer('ST-1', `ST-B${i}`, '9500.00', i * HOUR))],
      expect: { decision: 'BLOCK', rules: ['STR-01', 'STR-02', 'STR-03'], features: { tx_just_below_threshold: 1, orig_just_below_count_7d: 4, orig_count_24h: 4 } },
    },
    {
      // Rules judge fan-out against the account's own baseline, so FO-1 first has ten days of one transfer
      // a day; then twelve rising transfers to new accounts in 48 minutes.
      name: 'fan-out',
      waves: [
        range(10).map((i) => transfer('FO-1', 'FO-RENT', `${80 + 4 * i}.00`, -11 * DAY + i * DAY)),
        range(12).map((i) => transfer('FO-1', `FO-B${i}`, `${150 + 10 * i}.00`, i * 4 * MINUTE)),
      ],
      expect: { decision: 'REVIEW', rules: ['FO-01', 'FO-02'], features: { orig_fan_out_24h: 12, orig_new_beneficiary: 1 } },
    },
    {
      // FI-B usually gets two payments a day; then 16 payers abroad in 90 minutes, each far above its usual.
      name: 'fan-in',
      waves: [
        range(20).flatMap((i) => [transfer('FI-P1', 'FI-B', '20.00', -21 * DAY + i * DAY), transfer('FI-P2', 'FI-B', '25.00', -21 * DAY + i * DAY + HOUR)]),
        range(15).map((i) => fromAbroad(transfer(`FI-O${i}`, 'FI-B', '400.00', i * 5 * MINUTE))),
        [fromAbroad(transfer('FI-O16', 'FI-B', '400.00', 90 * MINUTE))],
      ],
      expect: { decision: 'REVIEW', rules: ['FI-01', 'FI-02'], features: { bene_fan_in_24h: 16, tx_cross_border: 1 } },
    },
    {
      name: 'cycle',
      waves: [[transfer('CY-A', 'CY-B', '3000.00', 0)], [transfer('CY-B', 'CY-C', '2950.00', HOUR)], [transfer('CY-C', 'CY-A', '2900.00', 2 * HOUR)]],
      expect: { decision: 'REVIEW', rules: ['CY-01'], features: { pair_closes_cycle_7d: 1, pair_cycle_length_7d: 3 } },
    },
    {
      name: 'scatter-gather',
      waves: [
        range(6).map((i) => transfer('SG-S', `SG-M${i}`, '1000.00', i * MINUTE)),
        range(5).map((i) => transfer(`SG-M${i}`, 'SG-G', '950.00', 20 * MINUTE + i * MINUTE)),
        [transfer('SG-M6', 'SG-G', '950.00', 30 * MINUTE)],
      ],
      expect: { decision: 'REVIEW', rules: ['FI-01', 'MU-02'], features: { bene_fan_in_24h: 6, orig_fast_forward_1h: 1 } },
    },
    {
      name: 'gather-scatter',
      waves: [range(6).map((i) => transfer(`GS-O${i}`, 'GS-M', '1000.00', i * MINUTE)), range(6).map((i) => transfer('GS-M', `GS-B${i}`, '980.00', 20 * MINUTE + i * MINUTE))],
      // A new middle account: the mule rules catch it; fan-out waits for a week of knowing the account.
      expect: { decision: 'REVIEW', rules: ['MU-01', 'MU-02'], features: { orig_fan_out_24h: 6, orig_pass_through_24h: 0.98 } },
    },
    {
      name: 'mule pass-through',
      waves: [[transfer('MU-X', 'MU-M', '5000.00', 0)], [transfer('MU-M', 'MU-Y', '4900.00', 20 * MINUTE)]],
      expect: { decision: 'BLOCK', rules: ['MU-01', 'MU-02', 'MU-03'], features: { orig_pass_through_24h: 0.98, orig_fast_forward_1h: 1 } },
    },
    {
      name: 'account takeover',
      waves: [
        [
          ...range(10).map((i) =>
            transfer('AT-1', 'AT-SHOP', `${35 + i * 3}.00`, -20 * DAY + i * DAY, { type: 'PAYMENT', channel: 'POS', device: { id: 'AT-D1', ip: '198.51.100.7' } }),
          ),
          transfer('AT-1', 'AT-X', '4000.00', 0, { device: { id: 'AT-D2', ip: '203.0.113.99' } }),
        ],
      ],
      expect: { decision: 'BLOCK', rules: ['ATO-01', 'ATO-02', 'ATO-03'], features: { orig_new_device: 1, orig_new_beneficiary: 1 } },
    },
    {
      name: 'card testing',
      waves: [
        range(12).map((i) =>
          transfer('CT-1', `CT-SHOP${i}`, '1.00', i * 30_000, { type: 'PAYMENT', merchant: { id: `M-CT${i}`, mcc: '5999' }, device: { id: 'CT-D1', ip: '192.0.2.44' } }),
        ),
      ],
      expect: { decision: 'BLOCK', rules: ['CT-01', 'CT-02'], features: { orig_tiny_count_1h: 12 } },
    },
    {
      name: 'an ordinary customer (control)',
      waves: [range(3).map((i) => transfer('OK-1', 'OK-GROCER', '45.00', i * DAY, { type: 'PAYMENT', channel: 'POS', merchant: { id: 'M-G', mcc: '5411' } }))],
      expect: { decision: 'ALLOW', rules: [], features: { orig_count_24h: 1 } },
    },
  ];
}

function fromAbroad(tx: TransactionMessage): TransactionMessage {
  return { ...tx, originator: { ...tx.originator, country: 'NL', bank: 'INGBNL2A' } };
}
