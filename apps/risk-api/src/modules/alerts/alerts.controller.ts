import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthenticatedUser, CurrentUser, Roles } from '@vigil/platform';

import { AlertDetailDto } from './dto/alert-detail.dto';
import { AlertQueryDto } from './dto/alert-query.dto';
import { CaseQueryDto, UpdateCaseDto } from './dto/case.dto';
import { DispositionDto } from './dto/disposition.dto';
import { AlertsService } from './alerts.service';

@ApiTags('alerts')
@Controller('alerts')
@Roles('viewer')
export class AlertsController {
  constructor(private readonly alerts: AlertsService) {}

  @Get()
  @ApiOperation({ summary: 'The alert queue (REVIEW/BLOCK decisions), filtered, sorted and paginated by cursor' })
  list(@Query() query: AlertQueryDto) {
    return this.alerts.list(query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'An alert with its transaction, rule hits (each explained), feature contributions, account history and fund-flow neighbourhood' })
  @ApiOkResponse({ type: AlertDetailDto })
  detail(@Param('id', ParseUUIDPipe) id: string, @CurrentUser() user: AuthenticatedUser) {
    return this.alerts.detail(id, user);
  }

  @Post(':id/disposition')
  @Roles('analyst')
  @ApiOperation({ summary: 'Dispose an alert: FRAUD / LEGIT close it, ESCALATE keeps it open; stored as a training label' })
  dispose(@Param('id', ParseUUIDPipe) id: string, @Body() change: DispositionDto, @CurrentUser() user: AuthenticatedUser) {
    return this.alerts.dispose(id, change, user);
  }
}

@ApiTags('cases')
@Controller('cases')
@Roles('viewer')
export class CasesController {
  constructor(private readonly alerts: AlertsService) {}

  @Get()
  @ApiOperation({ summary: 'Cases (alerts grouped per customer), filtered and paginated by cursor' })
  list(@Query() query: CaseQueryDto) {
    return this.alerts.listCases(query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'A case with its alerts' })
  detail(@Param('id', ParseUUIDPipe) id: string) {
    return this.alerts.caseDetail(id);
  }

  @Patch(':id')
  @Roles('analyst')
  @ApiOperation({ summary: 'Change a case’s status or assignee' })
  update(@Param('id', ParseUUIDPipe) id: string, @Body() change: UpdateCaseDto, @CurrentUser() user: AuthenticatedUser) {
    return this.alerts.updateCase(id, change, user);
  }
}
