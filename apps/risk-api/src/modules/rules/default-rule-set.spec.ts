import { compileRuleSet, validateRuleSet } from './validate-rule-set';
import { FEATURE_NAMES } from '../features/feature-names';
import { DEFAULT_RULE_SET, RULE_SCHEMA } from './default-rule-set';
import { TRANSACTION_FIELDS } from './transaction-values';

const featureNames: string[] = [...FEATURE_NAMES];

describe('DEFAULT_RULE_SET', () => {
  it('validates clean against the features and transaction fields', () => {
    // Act
    const problems = validateRuleSet(DEFAULT_RULE_SET, RULE_SCHEMA);

    // Assert
    expect(problems).toEqual([]);
  });

  it('reads only features the engine computes and transaction fields', () => {
    // Prepare
    const known = new Set([...featureNames, ...Object.keys(TRANSACTION_FIELDS)]);

    // Act
    const read = compileRuleSet(DEFAULT_RULE_SET, RULE_SCHEMA).identifiers;

    // Assert
    expect(read.filter((name) => !known.has(name))).toEqual([]);
    expect(read.filter((name) => featureNames.includes(name)).length).toBeGreaterThan(10);
  });

  it('covers the AMLSim typologies and fraud patterns the analysts expect', () => {
    // Act
    const ids = DEFAULT_RULE_SET.typologies.map((typology) => typology.id);

    // Assert
    expect(ids).toEqual(['structuring', 'fan_out', 'fan_in', 'cycle', 'mule_pass_through', 'account_takeover', 'card_testing', 'high_risk_geography']);
  });
});

describe('RULE_SCHEMA', () => {
  it('has no feature named like a transaction field', () => {
    // Assert
    expect(featureNames.filter((name) => name in TRANSACTION_FIELDS)).toEqual([]);
  });
});
