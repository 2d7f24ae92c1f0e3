import { DynamicModule, Module } from '@nestjs/common';

import { RuleSetsModule } from '../rule-sets/rule-sets.module';
import { AlertBudgetController } from './alert-budget.controller';
import { AlertBudgetRepository } from './alert-budget.repository';
import { ALERT_BUDGET_OPTIONS, alertBudgetOptions, AlertBudgetService } from './alert-budget.service';

/**
 * The alert budget: its REST API and the service the decision pipeline decides with (and the
 * metrics read). Global, so the pipeline injects AlertBudgetService without importing it again.
 */
@Module({})
export class AlertBudgetModule {
  static forRoot(env: Parameters<typeof alertBudgetOptions>[0]): DynamicModule {
    return {
      module: AlertBudgetModule,
      global: true,
      imports: [RuleSetsModule],
      controllers: [AlertBudgetController],
      providers: [AlertBudgetRepository, { provide: ALERT_BUDGET_OPTIONS, useValue: alertBudgetOptions(env) }, AlertBudgetService],
      exports: [AlertBudgetService],
    };
  }
}
