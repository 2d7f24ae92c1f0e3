import { DynamicModule, Module } from '@nestjs/common';
import { Topic } from '@vigil/contracts';
import { PlatformModule, SERVICE_ROLES } from '@vigil/platform';
import { Logger } from 'pino';

import { RiskApiEnv } from './config/env';
import { AlertsModule } from './modules/alerts/alerts.module';
import { AlertBudgetModule } from './modules/budget/alert-budget.module';
import { DecisionsModule } from './modules/decisions/decisions.module';
import { ModelsModule } from './modules/models/models.module';
import { RuleSetsModule } from './modules/rule-sets/rule-sets.module';

/**
 * The risk-api service. Domain modules join here with their entities and the topics they consume;
 * the platform fails the boot if a consumed topic lacks its handler.
 */
@Module({})
export class RiskApiModule {
  static forRoot(env: RiskApiEnv, logger: Logger): DynamicModule {
    return {
      module: RiskApiModule,
      imports: [
        PlatformModule.forRoot({ service: 'risk-api', env, logger, consumedTopics: [Topic.Transactions], entities: [], schema: 'risk', roles: SERVICE_ROLES.risk }),
        DecisionsModule,
        RuleSetsModule,
        AlertsModule,
        ModelsModule.forRoot(env),
        AlertBudgetModule.forRoot(env),
      ],
    };
  }
}
