import { DynamicModule, Module } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { ModelRegistry } from '@vigil/core-ml';
import { DataSource } from 'typeorm';

import { chooseClipEngine, ClipEngineSetting } from './clip-engine';
import { FramesConsumer } from './frames.consumer';
import { InspectionMetrics } from './inspection-metrics';
import { checkInspectionOptions, DEFAULT_INSPECTION_OPTIONS, INSPECTION_OPTIONS, InspectionOptions } from './inspection-options';
import { InspectionOutbox } from './inspection-outbox';
import { InspectionPipeline } from './inspection-pipeline.service';
import { InspectionRepository } from './inspection.repository';
import { INSPECTOR_ENGINE, INSPECTOR_REGISTRY, LiveInspectorModel } from './live-inspector-model';
import { typeormSqlDatabase } from '@vigil/platform';

/** The live inspection pipeline: camera.frames → verdicts stored in defect.inspection and published on inspection.results. */
@Module({})
export class InspectionModule {
  static forRoot(env: { MODELS_DIR?: string; INSPECTOR_ENGINE?: ClipEngineSetting }, options: Partial<InspectionOptions> = {}): DynamicModule {
    return {
      module: InspectionModule,
      providers: [
        { provide: INSPECTION_OPTIONS, useValue: checkInspectionOptions({ ...DEFAULT_INSPECTION_OPTIONS, ...options }) },
        {
          provide: INSPECTOR_REGISTRY,
          useFactory: (dataSource: DataSource) => new ModelRegistry({ db: typeormSqlDatabase(dataSource), ...(env.MODELS_DIR ? { modelsRoot: env.MODELS_DIR } : {}) }),
          inject: [getDataSourceToken()],
        },
        { provide: INSPECTOR_ENGINE, useValue: chooseClipEngine(env.INSPECTOR_ENGINE ?? 'auto') },
        LiveInspectorModel,
        InspectionRepository,
        InspectionOutbox,
        InspectionMetrics,
        InspectionPipeline,
        FramesConsumer,
      ],
      exports: [INSPECTOR_REGISTRY, LiveInspectorModel],
    };
  }
}
