import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthenticatedUser, CurrentUser, Roles } from '@vigil/platform';

import { ComparisonQueryDto, ModelNameParams, ModelVersionParams, PromoteModelDto } from './dto/model.dto';
import { ModelsService } from './models.service';

@ApiTags('models')
@Controller('models')
@Roles('viewer')
export class ModelsController {
  constructor(private readonly models: ModelsService) {}

  @Get()
  @ApiOperation({ summary: 'Every registered model version with its status (candidate, champion, shadow, retired) and metrics' })
  list() {
    return this.models.list();
  }

  @Get('drift')
  @ApiOperation({ summary: "The champion's drift over the live window: PSI and KL per input and for the score, and which exceed the KL threshold" })
  drift() {
    return this.models.driftReport();
  }

  @Get(':name/comparison')
  @ApiOperation({
    summary:
      'Champion vs challenger on live traffic: transactions both scored, agreement and alert share of each at the budget (each from its own score distribution), at its own REVIEW threshold, and precision/recall on labelled transactions',
  })
  comparison(@Param() params: ModelNameParams, @Query() query: ComparisonQueryDto) {
    return this.models.comparison(params.name, query);
  }

  @Post(':name/comparison')
  @Roles('admin')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: "The same comparison, written beside the challenger's card (live-comparison.md); audited" })
  recordComparison(@Param() params: ModelNameParams, @Body() body: ComparisonQueryDto, @CurrentUser() user: AuthenticatedUser) {
    return this.models.recordComparison(params.name, body, user);
  }

  @Get(':name/versions/:version')
  @ApiOperation({ summary: 'One model version with its manifest (features, files and their sha256, metrics, seed)' })
  find(@Param() params: ModelVersionParams) {
    return this.models.get(params.name, params.version);
  }

  @Post(':name/versions/:version/promote')
  @Roles('admin')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary:
      "Make a version the champion (the previous champion retires) or the shadow (the previous shadow returns to candidate); audited. A new champion must meet its card's criteria (409 with the reasons) unless forced with a reason",
  })
  promote(@Param() params: ModelVersionParams, @Body() body: PromoteModelDto, @CurrentUser() user: AuthenticatedUser) {
    return this.models.promote(params.name, params.version, body.role, user, { force: body.force, reason: body.reason });
  }
}
