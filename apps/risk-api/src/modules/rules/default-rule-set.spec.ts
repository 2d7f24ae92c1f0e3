import { compileRuleSet, validateRuleSet } from './validate-rule-set';
import { DEFAULT_RULE_SCHEMA, DEFAULT_RULE_SET, RULE_FEATURES } from './default-rule-set';
import { TRANSACTION_FIELDS } from './transaction-values';

const featureNames = RULE_FEATURES.map((feature) => feature.name as string);

describe('DEFAULT_RULE_SET', () => {
  it('validates clean against the features and transaction fields', () => {
    // Act
    const problems = validateRuleSet(DEFAULT_RULE_SET, DEFAULT_RULE_SCHEMA);

    // Assert
    expect(problems).toEqual([]);
  });

  it('reads only names from RULE_FEATURES and TRANSACTION_FIELDS, and every feature listed is read', () => {
    // Prepare
    const known = new Set([...featureNames, ...Object.keys(TRANSACTION_FIELDS)]);

    // Act
    const read = compileRuleSet(DEFAULT_RULE_SET, DEFAULT_RULE_SCHEMA).identifiers;

    // Assert
    expect(read.filter((name) => !known.has(name))).toEqual([]);
    expect(featureNames.filter((name) => !read.includes(name))).toEqual([]);
  });

  it('covers the AMLSim typologies and fraud patterns the analysts expect', () => {
    // Act
    const ids = DEFAULT_RULE_SET.typologies.map((typology) => typology.id);

    // Assert
    expect(ids).toEqual(['structuring', 'fan_out', 'fan_in', 'cycle', 'mule_pass_through', 'account_takeover', 'card_testing', 'high_risk_geography']);
  });
});

describe('RULE_FEATURES', () => {
  it('holds unique snake_case names, each described', () => {
    // Assert
    expect(new Set(featureNames).size).toBe(featureNames.length);
    RULE_FEATURES.forEach((feature) => {
      expect(feature.name).toMatch(/^[a-z][a-z0-9_]*$/);
      expect(feature.description.length).toBeGreaterThan(10);
    });
  });

  it('does not collide with transaction field names', () => {
    // Assert
    expect(featureNames.filter((name) => name in TRANSACTION_FIELDS)).toEqual([]);
  });
});
