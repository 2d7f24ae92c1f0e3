import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, ParseIntPipe, Post, Put } from '@nestjs/common';
import { ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { AuthenticatedUser, CurrentUser, Roles } from '@vigil/platform';
import { IsArray, IsBoolean } from 'class-validator';

import { Typology } from '../rules';
import { RuleSetsService } from './rule-sets.service';

export class CreateRuleSetDto {
  @ApiProperty({ description: 'typologies, each with id, name, reviewThreshold, blockThreshold and rules (condition or banded); see docs' })
  @IsArray()
  typologies!: Typology[];
}

export class ShadowDto {
  @ApiProperty()
  @IsBoolean()
  enabled!: boolean;
}

@ApiTags('rule-sets')
@Controller('rule-sets')
@Roles('viewer')
export class RuleSetsController {
  constructor(private readonly ruleSets: RuleSetsService) {}

  @Get()
  @ApiOperation({ summary: 'Every rule set version, newest first' })
  list() {
    return this.ruleSets.list();
  }

  @Get(':version')
  @ApiOperation({ summary: 'One rule set version' })
  find(@Param('version', ParseIntPipe) version: number) {
    return this.ruleSets.find(version);
  }

  @Post()
  @Roles('admin')
  @ApiOperation({ summary: 'Store a new draft version; 400 lists every problem with its path and, for expressions, its position' })
  create(@Body() body: CreateRuleSetDto, @CurrentUser() user: AuthenticatedUser) {
    return this.ruleSets.createDraft(body.typologies, user);
  }

  @Post(':version/activate')
  @Roles('admin')
  @ApiOperation({ summary: 'Make a draft the active rule set (the previous one retires)' })
  activate(@Param('version', ParseIntPipe) version: number, @CurrentUser() user: AuthenticatedUser) {
    return this.ruleSets.activate(version, user);
  }

  @Delete(':version')
  @Roles('admin')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Delete a draft (active and retired versions stay: decisions were made with them)' })
  remove(@Param('version', ParseIntPipe) version: number, @CurrentUser() user: AuthenticatedUser) {
    return this.ruleSets.deleteDraft(version, user);
  }

  @Put(':version/shadow')
  @Roles('admin')
  @ApiOperation({ summary: 'Start or stop running a draft in shadow: its would-be decisions are stored beside the live ones' })
  shadow(@Param('version', ParseIntPipe) version: number, @Body() body: ShadowDto, @CurrentUser() user: AuthenticatedUser) {
    return this.ruleSets.setShadow(version, body.enabled, user);
  }
}
