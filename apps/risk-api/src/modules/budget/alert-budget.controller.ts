import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { AuthenticatedUser, CurrentUser, Roles } from '@vigil/platform';
import { IsNumber, Max, Min } from 'class-validator';

import { AlertBudgetService } from './alert-budget.service';

export class SetAlertBudgetDto {
  @ApiProperty({ description: 'share of transactions that may go to REVIEW or BLOCK, rules and model together (0.01 = 1 %)', minimum: 0.0001, maximum: 0.5, example: 0.01 })
  @IsNumber({ allowNaN: false, allowInfinity: false, maxDecimalPlaces: 6 })
  @Min(0.0001)
  @Max(0.5)
  share!: number;
}

@ApiTags('alert-budget')
@Controller('alert-budget')
@Roles('viewer')
export class AlertBudgetController {
  constructor(private readonly budget: AlertBudgetService) {}

  @Get()
  @ApiOperation({
    summary:
      "The alert budget: the share, the thresholds in force (version, warm-up or estimated, per segment), the window's rules-flagged and flagged shares, and each rule's hit rate against the budget (noisy: above it alone)",
  })
  find() {
    return this.budget.view();
  }

  @Put()
  @Roles('admin')
  @ApiOperation({ summary: 'Set the share for every instance; the thresholds are re-estimated at once; audited' })
  set(@Body() body: SetAlertBudgetDto, @CurrentUser() user: AuthenticatedUser) {
    return this.budget.setShare(body.share, user);
  }
}
