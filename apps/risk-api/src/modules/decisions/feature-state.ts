import { Injectable } from '@nestjs/common';
import { Transaction } from '@vigil/contracts';
import { JsonLogger } from '@vigil/platform';

import { FeatureEngine, FeatureVector } from '../features';
import { DecisionRepository } from './decision.repository';

/** History a rebuilt engine needs: the longest window (30 d) plus a day of allowed lateness. */
const REBUILD_HISTORY_MS = 31 * 86_400_000;

/**
 * The feature engine's state, kept equal to what is stored. It is rebuilt from Postgres on first
 * use (a start, a restart after a crash) and whenever a batch failed after the engine saw it but
 * before it was stored, so features always equal those of an uninterrupted run.
 */
@Injectable()
export class FeatureState {
  private engine?: Promise<FeatureEngine>;

  constructor(
    private readonly repository: DecisionRepository,
    private readonly logger: JsonLogger,
  ) {}

  async process(transactions: Transaction[]): Promise<FeatureVector[]> {
    const engine = await this.current();
    return transactions.map((transaction) => engine.process(transaction));
  }

  /** The engine has seen transactions that were not stored: start again from storage next time. */
  invalidate(): void {
    this.engine = undefined;
  }

  private current(): Promise<FeatureEngine> {
    this.engine ??= this.rebuild().catch((error: unknown) => {
      this.engine = undefined;
      throw error;
    });
    return this.engine;
  }

  private async rebuild(): Promise<FeatureEngine> {
    const started = performance.now();
    const history = await this.repository.loadHistory(REBUILD_HISTORY_MS);
    const engine = new FeatureEngine();
    for (const transaction of history) engine.observe(transaction);
    this.logger.pino.info({ transactions: history.length, ms: Math.round(performance.now() - started) }, 'feature state rebuilt from storage');
    return engine;
  }
}
