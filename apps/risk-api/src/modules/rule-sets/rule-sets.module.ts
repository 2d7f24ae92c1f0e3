import { Module } from '@nestjs/common';

import { RuleSetRepository } from './rule-set.repository';
import { RuleSetsController } from './rule-sets.controller';
import { RuleSetsService } from './rule-sets.service';

@Module({
  controllers: [RuleSetsController],
  providers: [RuleSetRepository, RuleSetsService],
  exports: [RuleSetsService],
})
export class RuleSetsModule {}
