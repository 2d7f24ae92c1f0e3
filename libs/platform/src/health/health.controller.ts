import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';

import { Public } from '../auth/auth.decorators';
import { HealthService } from './health.service';
import { ReadinessReport } from './readiness';

@ApiTags('health')
// Probes and scrapes answer without a token: orchestrators and Prometheus carry none.
@Public()
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Get('live')
  @ApiOkResponse({ description: 'The process is up and its event loop answers' })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOkResponse({ description: 'Postgres and Kafka are reachable and the service is not shutting down' })
  @ApiServiceUnavailableResponse({ description: 'A dependency is unreachable or the service is draining' })
  async ready(@Res({ passthrough: true }) res: Response): Promise<ReadinessReport> {
    const report = await this.health.readiness();
    res.status(report.status === 'ready' ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return report;
  }
}
