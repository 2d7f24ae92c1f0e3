import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';

import { AuditLog } from './audit-log.service';
import { CurrentUser, Roles } from './auth.decorators';
import { AuthenticatedUser } from './authenticated-user';
import { AuditEntryDto, AuditPageDto, AuditQueryDto } from './dto';

@ApiTags('audit')
@Roles('admin')
@Controller('audit')
export class AuditController {
  constructor(private readonly audit: AuditLog) {}

  @Get()
  @ApiOperation({ summary: 'The audit log, newest first, filtered and paged by cursor (reading it is audited too)' })
  @ApiOkResponse({ type: AuditPageDto })
  async list(@CurrentUser() actor: AuthenticatedUser, @Query() query: AuditQueryDto): Promise<AuditPageDto> {
    const page = await this.audit.read(actor, query);
    return { items: page.items.map((entry) => AuditEntryDto.from(entry)), nextCursor: page.nextCursor };
  }
}
