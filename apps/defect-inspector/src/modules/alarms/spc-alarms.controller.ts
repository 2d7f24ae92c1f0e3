import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthenticatedUser, CurrentUser, Roles } from '@vigil/platform';

import { AcknowledgeAlarmDto, SpcAlarmIdParam, SpcAlarmQueryDto } from './dto/spc-alarm.dto';
import { SpcAlarmsService } from './spc-alarms.service';

@ApiTags('spc')
@Controller('spc/alarms')
@Roles('viewer')
export class SpcAlarmsController {
  constructor(private readonly alarms: SpcAlarmsService) {}

  @Get()
  @ApiOperation({ summary: 'SPC alarms raised by the lines’ hourly p-charts (Western Electric rules 1–4), newest subgroup first; filtered by line, rule, open/acknowledged and subgroup time; paginated by cursor' })
  list(@Query() query: SpcAlarmQueryDto) {
    return this.alarms.list(query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'An SPC alarm: the rule, the subgroup that broke it with its p, limits and z, the chart’s p̄, and its acknowledgement' })
  detail(@Param() { id }: SpcAlarmIdParam) {
    return this.alarms.detail(id);
  }

  @Post(':id/acknowledge')
  @Roles('engineer')
  @ApiOperation({ summary: 'Acknowledge an open SPC alarm with a note (once; audited)' })
  acknowledge(@Param() { id }: SpcAlarmIdParam, @Body() change: AcknowledgeAlarmDto, @CurrentUser() user: AuthenticatedUser) {
    return this.alarms.acknowledge(id, change, user);
  }
}
