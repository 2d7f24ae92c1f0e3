import { Injectable } from '@nestjs/common';
import { Transaction } from '@vigil/contracts';
import { JsonLogger } from '@vigil/platform';

import { FeatureEngine, FeatureVector, SequenceEncoder } from '../features';
import { DecisionRepository } from './decision.repository';

/** History a rebuilt engine needs: the longest window (30 d) plus a day of allowed lateness. */
const REBUILD_HISTORY_MS = 31 * 86_400_000;

/** What the models read of one transaction: its feature vector and its originator's recent sequence. */
export interface ModelInputs {
  features: FeatureVector;
  /** [steps, channels] row-major (SEQUENCE_CHANNELS). */
  sequence: Float32Array;
}

/**
 * The feature engine's and the sequence encoder's state, kept equal to what is stored, so features always equal those of an
 * uninterrupted run over the stored transactions in the order they were stored:
 * - it is rebuilt from Postgres on first use (a start, a restart after a crash) and whenever a
 *   batch failed after the engine saw it but before it was stored;
 * - before each batch it catches up with what other instances stored meanwhile (after a
 *   rebalance, the partitions it now owns brought their history with them).
 * Batches go through `serially`, one at a time, so the engine's order is the storage order.
 */
@Injectable()
export class FeatureState {
  private engine?: Promise<{ engine: FeatureEngine; encoder: SequenceEncoder; seenSeq: number; own: Set<string> }>;
  private last: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly repository: DecisionRepository,
    private readonly logger: JsonLogger,
  ) {}

  /** Runs `work` (compute features, then store) alone: batches of other partitions wait. */
  serially<T>(work: () => Promise<T>): Promise<T> {
    const run = this.last.then(work);
    this.last = run.catch(() => undefined);
    return run;
  }

  /** Model inputs of `transactions` in order; each then joins the state. Call within `serially`. */
  async process(transactions: Transaction[]): Promise<ModelInputs[]> {
    const state = await this.current();
    for (const stored of await this.repository.loadSince(state.seenSeq)) {
      if (!state.own.delete(stored.transaction.txId)) {
        state.engine.observe(stored.transaction);
        state.encoder.observe(stored.transaction);
      }
      state.seenSeq = stored.ingestSeq;
    }
    return transactions.map((transaction) => {
      state.own.add(transaction.txId);
      return { features: state.engine.process(transaction), sequence: state.encoder.process(transaction) };
    });
  }

  /** The engine has seen transactions that were not stored: start again from storage next time. */
  invalidate(): void {
    this.engine = undefined;
  }

  private current() {
    this.engine ??= this.rebuild().catch((error: unknown) => {
      this.engine = undefined;
      throw error;
    });
    return this.engine;
  }

  private async rebuild() {
    const started = performance.now();
    const history = await this.repository.loadHistory(REBUILD_HISTORY_MS);
    const engine = new FeatureEngine();
    const encoder = new SequenceEncoder();
    for (const { transaction } of history) {
      engine.observe(transaction);
      encoder.observe(transaction);
    }
    this.logger.pino.info({ transactions: history.length, ms: Math.round(performance.now() - started) }, 'feature state rebuilt from storage');
    return { engine, encoder, seenSeq: history.at(-1)?.ingestSeq ?? 0, own: new Set<string>() };
  }
}
