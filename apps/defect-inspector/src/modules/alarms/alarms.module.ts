import { DynamicModule, Module } from '@nestjs/common';

import { QualityModule } from '../quality/quality.module';
import { DEFAULT_SPC_ALARM_OPTIONS, SPC_ALARM_OPTIONS, SpcAlarmOptions } from './spc-alarm-options';
import { SpcAlarmEvaluator } from './spc-alarm-evaluator';
import { SpcAlarmMetrics } from './spc-alarm-metrics';
import { SpcAlarmRepository } from './spc-alarm.repository';
import { SpcAlarmsController } from './spc-alarms.controller';
import { SpcAlarmsService } from './spc-alarms.service';

/** SPC alarms: raised as the lines' p-chart subgroups close, stored once, acknowledged by engineers. */
@Module({})
export class AlarmsModule {
  static forRoot(options: Partial<SpcAlarmOptions> = {}): DynamicModule {
    return {
      module: AlarmsModule,
      imports: [QualityModule],
      controllers: [SpcAlarmsController],
      providers: [{ provide: SPC_ALARM_OPTIONS, useValue: { ...DEFAULT_SPC_ALARM_OPTIONS, ...options } }, SpcAlarmRepository, SpcAlarmMetrics, SpcAlarmEvaluator, SpcAlarmsService],
      exports: [SpcAlarmEvaluator],
    };
  }
}
