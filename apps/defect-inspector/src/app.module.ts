import { DynamicModule, Module } from '@nestjs/common';
import { Topic } from '@vigil/contracts';
import { PlatformModule, SERVICE_ROLES } from '@vigil/platform';
import { Logger } from 'pino';

import { DefectInspectorEnv } from './config/env';
import { AlarmsModule } from './modules/alarms/alarms.module';
import { InspectionModule } from './modules/inspection/inspection.module';
import { QualityModule } from './modules/quality/quality.module';

/**
 * The defect-inspector service. Domain modules join here with their entities and the topics they consume;
 * the platform fails the boot if a consumed topic lacks its handler.
 */
@Module({})
export class DefectInspectorModule {
  static forRoot(env: DefectInspectorEnv, logger: Logger): DynamicModule {
    return {
      module: DefectInspectorModule,
      imports: [
        PlatformModule.forRoot({ service: 'defect-inspector', env, logger, consumedTopics: [Topic.CameraFrames], entities: [], schema: 'defect', roles: SERVICE_ROLES.defect }),
        InspectionModule.forRoot(env),
        QualityModule,
        AlarmsModule.forRoot(),
      ],
    };
  }
}
