import { DynamicModule, Module } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { ModelRegistry } from '@vigil/core-ml';
import { DataSource } from 'typeorm';

import type { RiskApiEnv } from '../../config/env';
import { LiveRiskModel } from './live-risk-model';
import { ModelCards } from './model-cards';
import { ModelComparisonRepository } from './model-comparison.repository';
import { ModelDrift, RISK_DRIFT_OPTIONS, riskDriftOptions } from './model-drift';
import { ModelsController } from './models.controller';
import { ModelsService } from './models.service';
import { MODEL_REGISTRY } from './models.tokens';
import { typeormSqlDatabase } from '@vigil/platform';

/**
 * The model registry in risk-api: the admin REST API (with the champion/challenger comparison and
 * the promotion gate), the live champion/shadow slot and the drift monitor. The decision pipeline imports this module and injects LiveRiskModel and ModelDrift.
 */
@Module({})
export class ModelsModule {
  static forRoot(env: Pick<RiskApiEnv, 'MODELS_DIR' | 'MODEL_DRIFT_KL_THRESHOLD' | 'MODEL_DRIFT_WINDOW'>): DynamicModule {
    return {
      module: ModelsModule,
      // Global, so the decision pipeline injects LiveRiskModel and ModelDrift without importing it again.
      global: true,
      controllers: [ModelsController],
      providers: [
        {
          provide: MODEL_REGISTRY,
          useFactory: (dataSource: DataSource) => new ModelRegistry({ db: typeormSqlDatabase(dataSource), ...(env.MODELS_DIR ? { modelsRoot: env.MODELS_DIR } : {}) }),
          inject: [getDataSourceToken()],
        },
        LiveRiskModel,
        { provide: RISK_DRIFT_OPTIONS, useValue: riskDriftOptions(env) },
        ModelDrift,
        ModelCards,
        ModelComparisonRepository,
        ModelsService,
      ],
      exports: [MODEL_REGISTRY, LiveRiskModel, ModelDrift],
    };
  }
}
