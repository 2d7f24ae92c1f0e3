import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

// Response shapes of GET /alerts/:id, for the OpenAPI document (responses are not validated).

export class RuleHitInputDto {
  @ApiProperty({ example: 'orig_just_below_count_7d', description: 'A feature or transaction field (tx.*) the rule read' })
  name!: string;

  @ApiProperty({ oneOf: [{ type: 'number' }, { type: 'string' }, { type: 'boolean' }], nullable: true, example: 4, description: 'Its value (null for a number JSON cannot carry)' })
  value!: number | string | boolean | null;

  @ApiProperty({ type: [String], example: ['> 3'], description: "The rule's constant tests on it that held" })
  matched!: string[];
}

export class RuleHitBandDto {
  @ApiProperty({ type: Number, nullable: true, example: 4, description: "The banded expression's value" })
  value!: number | null;

  @ApiProperty({ example: 2, description: 'The band it fell into, 0-based' })
  index!: number;

  @ApiProperty({ example: '> 3' })
  range!: string;
}

export class RuleHitExplanationDto {
  @ApiProperty({ example: 'orig_just_below_count_7d = 4 → band 3 (> 3): 0.6' })
  text!: string;

  @ApiProperty({ type: [RuleHitInputDto] })
  inputs!: RuleHitInputDto[];

  @ApiPropertyOptional({ type: RuleHitBandDto, description: 'Banded rules only' })
  band?: RuleHitBandDto;
}

export class RuleHitDto {
  @ApiProperty({ example: 'STR-02' })
  id!: string;

  @ApiProperty({ example: 'Repeated just-below amounts in 7 days' })
  name!: string;

  @ApiProperty({ example: 0.6 })
  score!: number;

  @ApiPropertyOptional({ type: RuleHitExplanationDto, description: 'What the rule read and which of its tests held (absent on decisions stored before explanations were kept)' })
  explanation?: RuleHitExplanationDto;
}

export class AlertDecisionDto {
  @ApiProperty({ enum: ['ALLOW', 'REVIEW', 'BLOCK'] })
  decision!: string;

  @ApiProperty({ minimum: 0, maximum: 1 })
  score!: number;

  @ApiProperty()
  ruleSetVersion!: number;

  @ApiProperty({ type: 'integer', nullable: true, description: "the alert budget's thresholds version the model decided with (GET /alert-budget); null when rules alone decided" })
  thresholdsVersion!: number | null;

  @ApiProperty({ type: [RuleHitDto] })
  rules!: RuleHitDto[];

  @ApiProperty({ type: 'object', nullable: true, additionalProperties: true, description: '{name, version, score} of the model that scored it; null when rules alone decided' })
  model!: Record<string, unknown> | null;

  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true }, description: '{name, value, contribution}, largest first' })
  topFeatures!: Record<string, unknown>[];

  @ApiProperty({ type: 'object', additionalProperties: { type: 'number' }, description: 'The feature vector the decision was made on' })
  features!: Record<string, number>;

  @ApiProperty()
  processedAt!: string;

  @ApiProperty()
  latencyMs!: number;
}

export class AlertSummaryDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  txId!: string;

  @ApiProperty()
  customer!: string;

  @ApiProperty()
  account!: string;

  @ApiProperty({ enum: ['REVIEW', 'BLOCK'] })
  decision!: string;

  @ApiProperty()
  score!: number;

  @ApiProperty({ enum: ['OPEN', 'CLOSED'] })
  status!: string;

  @ApiProperty({ type: String, nullable: true, enum: ['FRAUD', 'LEGIT', 'ESCALATE'] })
  disposition!: string | null;

  @ApiProperty({ type: String, nullable: true, format: 'uuid' })
  caseId!: string | null;

  @ApiProperty()
  createdAt!: string;
}

export class FlowEdgeDto {
  @ApiProperty()
  from!: string;

  @ApiProperty()
  to!: string;

  @ApiProperty()
  count!: number;

  @ApiProperty()
  amountMinor!: number;

  @ApiProperty()
  lastTs!: string;
}

export class FlowNodeDto {
  @ApiProperty()
  id!: string;

  @ApiProperty({ description: "The alert's account" })
  focus!: boolean;
}

export class NeighbourhoodDto {
  @ApiProperty()
  focus!: string;

  @ApiProperty({ type: [FlowNodeDto] })
  nodes!: FlowNodeDto[];

  @ApiProperty({ type: [FlowEdgeDto] })
  edges!: FlowEdgeDto[];
}

export class AlertDetailDto {
  @ApiProperty({ type: AlertSummaryDto })
  alert!: AlertSummaryDto;

  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The transaction as received (the `transactions` contract)' })
  transaction!: Record<string, unknown>;

  @ApiProperty({ type: AlertDecisionDto })
  decision!: AlertDecisionDto;

  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true }, description: "The account's latest transactions up to this one, both directions" })
  history!: Record<string, unknown>[];

  @ApiProperty({ type: NeighbourhoodDto, description: 'The fund-flow graph around the account over the 7 days up to this transaction' })
  neighbourhood!: NeighbourhoodDto;
}
