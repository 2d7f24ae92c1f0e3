import { Module } from '@nestjs/common';

import { Clock } from './clock';
import { InspectionRepository } from './inspection.repository';
import { InspectionsController, QualityController } from './quality.controller';
import { QualityService } from './quality.service';
import { QualityStatsRepository } from './quality-stats.repository';

/** The quality engineers' REST API over stored inspections. */
@Module({
  controllers: [InspectionsController, QualityController],
  providers: [InspectionRepository, QualityStatsRepository, QualityService, Clock],
  exports: [QualityStatsRepository, Clock],
})
export class QualityModule {}
