import { Module } from '@nestjs/common';

import { RuleSetsModule } from '../rule-sets/rule-sets.module';
import { DecisionOutbox } from './decision-outbox';
import { DecisionPipeline } from './decision-pipeline.service';
import { DecisionRepository } from './decision.repository';
import { FeatureState } from './feature-state';
import { RiskMetrics } from './risk-metrics';
import { TransactionsConsumer } from './transactions.consumer';

@Module({
  imports: [RuleSetsModule],
  providers: [DecisionRepository, DecisionOutbox, FeatureState, RiskMetrics, DecisionPipeline, TransactionsConsumer],
})
export class DecisionsModule {}
