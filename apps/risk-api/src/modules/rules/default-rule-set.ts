import { FEATURE_NAMES } from '../features/feature-names';
import { ExpressionSchema, ValueType } from './expression';
import { RuleSet } from './rule-set';
import { TRANSACTION_FIELDS } from './transaction-values';

/** What rules may read: every feature the engine computes (numbers; flags are 0/1) and the transaction's fields. */
export const RULE_SCHEMA: ExpressionSchema = Object.freeze({
  ...Object.fromEntries(FEATURE_NAMES.map((name): [string, ValueType] => [name, 'number'])),
  ...TRANSACTION_FIELDS,
});

/**
 * The shipped AML/fraud rule set (AMLSim typologies and the fraud patterns of PRODUCT.md). A
 * typology's score is the capped sum of its hits: the weights are set so that one weak signal
 * alone stays below review, two agreeing signals reach review, and the full pattern blocks.
 *
 * Accounts are judged against their own baseline and their learned role, never against absolute
 * counts: a merchant, biller, cash, payroll or collecting account (`*_hub_35d`) receives from or
 * pays hundreds by nature, so fan-in, fan-out, pass-through and cycle rules pass it by, and fan-in
 * through the `merchant` field is commerce, not collection. "Never seen before" says little while
 * the service is young (every account is new on its first day), so it only adds weight abroad or
 * for an account with a payment history.
 */
export const DEFAULT_RULE_SET: RuleSet = {
  version: 1,
  status: 'active',
  typologies: [
    {
      id: 'structuring',
      name: 'Structuring (smurfing below a reporting threshold)',
      reviewThreshold: 0.5,
      blockThreshold: 0.9,
      rules: [
        { id: 'STR-01', name: 'Amount just below a reporting threshold', expression: 'tx_just_below_threshold == 1', score: 0.3 },
        {
          id: 'STR-02',
          name: 'Another just-below amount, repeated in 7 days',
          expression: 'tx_just_below_threshold * orig_just_below_count_7d',
          bands: [{ upTo: 1, score: 0 }, { upTo: 3, score: 0.3 }, { score: 0.6 }],
        },
        {
          id: 'STR-03',
          name: 'Several payments today add up past the threshold, each below it (not a hub)',
          expression: 'orig_count_24h >= 3 and orig_sum_24h >= 10_000 and tx.amount < 10_000 and orig_hub_35d == 0',
          score: 0.3,
        },
      ],
    },
    {
      id: 'fan_out',
      name: 'Fan-out (one account pays many)',
      reviewThreshold: 0.5,
      blockThreshold: 0.8,
      rules: [
        {
          id: 'FO-01',
          name: 'Transfers to far more beneficiaries than the account\'s own baseline (a known account, not a hub)',
          expression: 'orig_fan_out_ratio_24h >= 3 and orig_known_days_35d >= 7 and orig_hub_35d == 0',
          score: 0.3,
        },
        {
          id: 'FO-02',
          name: 'Fan-out of amounts unusually large for the account, to a new beneficiary',
          expression:
            'orig_fan_out_ratio_24h >= 3 and orig_known_days_35d >= 7 and orig_hub_35d == 0 and orig_new_beneficiary == 1 and orig_amount_pct_30d >= 0.9 and orig_amount_zscore_30d >= 1',
          score: 0.3,
        },
        {
          id: 'FO-03',
          name: 'Fan-out to an account abroad never seen before',
          expression: 'orig_fan_out_ratio_24h >= 3 and orig_known_days_35d >= 7 and orig_hub_35d == 0 and orig_new_beneficiary == 1 and bene_new_account == 1 and tx_cross_border == 1',
          score: 0.2,
        },
      ],
    },
    {
      id: 'fan_in',
      name: 'Fan-in (many accounts pay one)',
      reviewThreshold: 0.5,
      blockThreshold: 0.9,
      rules: [
        {
          id: 'FI-01',
          name: 'Far more distinct payers than the beneficiary\'s own baseline (not a hub, not a merchant payment)',
          expression: "bene_fan_in_ratio_24h >= 3 and bene_hub_35d == 0 and tx.merchant.mcc == ''",
          score: 0.3,
        },
        {
          id: 'FI-02',
          name: 'Fan-in of amounts far above what the beneficiary usually receives',
          expression: "bene_fan_in_ratio_24h >= 3 and bene_hub_35d == 0 and tx.merchant.mcc == '' and bene_amount_ratio_30d >= 3",
          score: 0.3,
        },
        {
          id: 'FI-03',
          name: 'Fan-in of amounts unusually large for the payer',
          expression: "bene_fan_in_ratio_24h >= 3 and bene_hub_35d == 0 and tx.merchant.mcc == '' and orig_amount_pct_30d >= 0.9 and orig_amount_zscore_30d >= 1",
          score: 0.3,
        },
      ],
    },
    {
      id: 'cycle',
      name: 'Cycle (funds return to their origin)',
      reviewThreshold: 0.5,
      blockThreshold: 0.9,
      rules: [
        {
          id: 'CY-01',
          name: 'Short cycle closed through a third account (3 or 4 hops) between non-hub accounts',
          expression: 'pair_closes_cycle_7d == 1 and between(pair_cycle_length_7d, 3, 4) and orig_hub_35d == 0 and bene_hub_35d == 0',
          score: 0.6,
        },
        {
          id: 'CY-02',
          name: 'Long cycle closed between non-hub accounts',
          expression: 'pair_closes_cycle_7d == 1 and pair_cycle_length_7d > 4 and orig_hub_35d == 0 and bene_hub_35d == 0',
          score: 0.3,
        },
        {
          id: 'CY-03',
          name: 'Cycle crossing a border between non-hub accounts',
          expression: 'pair_closes_cycle_7d == 1 and tx_cross_border == 1 and orig_hub_35d == 0 and bene_hub_35d == 0',
          score: 0.3,
        },
      ],
    },
    {
      id: 'mule_pass_through',
      name: 'Money mule pass-through',
      reviewThreshold: 0.5,
      blockThreshold: 0.85,
      rules: [
        {
          id: 'MU-01',
          name: 'Forwards nearly all it received in 24 hours (not a hub, not a purchase)',
          expression: "between(orig_pass_through_24h, 0.7, 1.2) and orig_sum_24h >= 1_000 and orig_hub_35d == 0 and tx.merchant.mcc == ''",
          score: 0.4,
        },
        {
          id: 'MU-02',
          name: 'Forwards within an hour of being credited',
          expression: "orig_pass_through_24h >= 0.7 and orig_fast_forward_1h == 1 and orig_hub_35d == 0 and tx.merchant.mcc == ''",
          score: 0.3,
        },
        {
          id: 'MU-03',
          name: 'Forwards an amount large for the account to a new beneficiary',
          expression:
            "orig_pass_through_24h >= 0.7 and orig_new_beneficiary == 1 and (orig_amount_pct_30d >= 0.9 or orig_count_30d == 1) and orig_hub_35d == 0 and tx.merchant.mcc == ''",
          score: 0.2,
        },
      ],
    },
    {
      id: 'account_takeover',
      name: 'Account takeover',
      reviewThreshold: 0.5,
      blockThreshold: 0.7,
      rules: [
        {
          id: 'ATO-01',
          name: 'New device paying a new beneficiary from an account known for a week (not a purchase)',
          expression: "orig_new_device == 1 and orig_new_beneficiary == 1 and orig_known_days_35d >= 7 and tx.merchant.mcc == ''",
          score: 0.3,
        },
        {
          id: 'ATO-02',
          name: 'Amount far above this account\'s history of a week or more and its largest in 30 days',
          expression: 'orig_amount_zscore_30d > 3 and orig_amount_ratio_max_30d > 1 and orig_known_days_35d >= 7',
          score: 0.2,
        },
        {
          id: 'ATO-03',
          name: 'New device paying an account never seen before, online, from an account known for a week',
          expression: "orig_new_device == 1 and bene_new_account == 1 and tx.channel in ['ONLINE', 'MOBILE', 'API'] and orig_known_days_35d >= 7",
          score: 0.2,
        },
        {
          // Needs no week of knowing the account: on a bank's first days this is the one takeover signal
          // too strong to be everyday novelty (0.04 % of benign transfers on the simulator's first days).
          id: 'ATO-04',
          name: 'New device transferring to an account never seen before an amount far beyond anything this account has paid',
          expression: "orig_new_device == 1 and orig_new_beneficiary == 1 and bene_new_account == 1 and orig_amount_zscore_30d > 20 and orig_count_30d >= 3 and tx.type == 'TRANSFER'",
          score: 0.5,
        },
      ],
    },
    {
      id: 'card_testing',
      name: 'Card testing (bursts of tiny payments)',
      reviewThreshold: 0.5,
      blockThreshold: 0.9,
      rules: [
        {
          id: 'CT-01',
          name: 'Burst of tiny payments in an hour',
          expression: 'orig_tiny_count_1h',
          bands: [{ upTo: 2, score: 0 }, { upTo: 5, score: 0.4 }, { upTo: 10, score: 0.7 }, { score: 0.9 }],
        },
        {
          id: 'CT-02',
          name: 'Tiny card-not-present payment in a busy hour',
          expression: "tx.amount <= 2 and tx.channel in ['ONLINE', 'POS', 'API'] and orig_count_1h > 10",
          score: 0.2,
        },
      ],
    },
    {
      id: 'high_risk_geography',
      name: 'High-risk geography',
      reviewThreshold: 0.5,
      blockThreshold: 0.8,
      rules: [
        { id: 'GEO-01', name: 'Party in a high-risk country', expression: 'tx_high_risk_country == 1', score: 0.3 },
        { id: 'GEO-02', name: 'Large amount with a high-risk country', expression: 'tx_high_risk_country == 1 and tx.amount >= 10_000', score: 0.3 },
        {
          id: 'GEO-03',
          name: 'Large cross-border payment to a new beneficiary',
          expression: 'tx_cross_border == 1 and orig_new_beneficiary == 1 and tx.amount >= 5_000',
          score: 0.2,
        },
      ],
    },
  ],
};
