import { CHANNELS, TRANSACTION_TYPES } from '@vigil/contracts';

/**
 * The per-step channels of a sequence, in input order. A sequence is the K most recent transactions
 * of the ORIGINATOR account (sent or received), ending with the transaction being scored; the owner
 * below is that account. Every channel is scaled to roughly [-1, 2.2] so the model needs no
 * normalisation layer. Padding steps (front) are all zeros, `valid` included.
 *
 * | channel              | value                                                                         |
 * |----------------------|-------------------------------------------------------------------------------|
 * | valid                | 1 for a real step, 0 for padding: the model's attention and pooling mask       |
 * | log_amount           | ln(1 + amount in major units) / 10 (100.00 → 0.46, 10 000.00 → 0.92)            |
 * | outgoing             | 1 when the owner sent it, 0 when it received it                                |
 * | log_gap              | ln(1 + seconds since the owner's previous step) / ln(1 + 30 d in s), cap 1;    |
 * |                      | 1 when there is no previous step in retained history                          |
 * | log_age              | ln(1 + seconds from this step to the scored transaction) / same scale, cap 1    |
 * | hour_sin, hour_cos   | time of day (UTC) on the unit circle: sin/cos(2π · ms-of-day / day)            |
 * | type_<TYPE>          | one-hot of TRANSACTION_TYPES (TRANSFER, PAYMENT, CASH_IN, CASH_OUT, DEBIT)     |
 * | channel_<CHANNEL>    | one-hot of CHANNELS (ONLINE, MOBILE, BRANCH, ATM, POS, API)                    |
 * | cross_border         | originator country ≠ beneficiary country                                     |
 * | high_risk_country    | either country is in the configured high-risk list                             |
 * | counterparty_repeat  | the counterparty (beneficiary when sent, originator when received) is the     |
 * |                      | counterparty of an earlier step of the same window                            |
 * | own_device           | an outgoing step made from a device (incoming steps: the sender's device, 0)  |
 * | device_change        | outgoing with a device, and the owner's latest earlier outgoing step with a   |
 * |                      | device in the window used another one                                         |
 * | round_amount         | amount is a multiple of `roundAmountUnitMinor` (100.00)                        |
 * | just_below_threshold | amount within `justBelowMarginPercent` under the reporting threshold          |
 * | tiny_amount          | amount under `tinyAmountLimitMinor` (card testing)                             |
 */
export const SEQUENCE_CHANNELS: readonly string[] = Object.freeze([
  'valid',
  'log_amount',
  'outgoing',
  'log_gap',
  'log_age',
  'hour_sin',
  'hour_cos',
  ...TRANSACTION_TYPES.map((type) => `type_${type}`),
  ...CHANNELS.map((channel) => `channel_${channel}`),
  'cross_border',
  'high_risk_country',
  'counterparty_repeat',
  'own_device',
  'device_change',
  'round_amount',
  'just_below_threshold',
  'tiny_amount',
]);

/** The validity channel the trainer and the exported graph read the mask from. */
export const VALID_CHANNEL = 0;
