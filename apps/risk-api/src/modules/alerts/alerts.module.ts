import { Module } from '@nestjs/common';

import { AlertRepository } from './alert.repository';
import { AlertsController, CasesController } from './alerts.controller';
import { AlertsService } from './alerts.service';

@Module({
  controllers: [AlertsController, CasesController],
  providers: [AlertRepository, AlertsService],
})
export class AlertsModule {}
