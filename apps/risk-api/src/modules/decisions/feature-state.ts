import { Injectable } from '@nestjs/common';
import { Transaction } from '@vigil/contracts';
import { JsonLogger } from '@vigil/platform';

import { FeatureEngine, FeatureVector, resolveFeatureConfig, resolveSequenceConfig, SequenceEncoder } from '../features';
import { DecisionRepository } from './decision.repository';

/** The engine's and the encoder's configuration: the defaults, as training's. */
const FEATURES = resolveFeatureConfig();
const SEQUENCES = resolveSequenceConfig();

/**
 * How far back (event time, from the latest stored transaction) a rebuild reads: as far as any state
 * reaches. "Seen before" memory (novelty, dormancy) keeps an id for `noveltyRetentionMs` after its last
 * sighting, longer than every window; the encoder keeps timelines for `retentionMs`; and a transaction
 * up to `allowedLatenessMs` late must find what an uninterrupted run would have shown it. Features
 * after a rebuild equal an uninterrupted run's for every transaction within the allowed lateness.
 */
export const REBUILD_SPAN_MS = Math.max(FEATURES.noveltyRetentionMs, SEQUENCES.retentionMs) + FEATURES.allowedLatenessMs;

/** Transactions per page read from storage: memory stays bounded however long the span. */
export const PAGE_SIZE = 5_000;

interface State {
  engine: FeatureEngine;
  encoder: SequenceEncoder;
  /** The last ingest_seq read from storage. */
  seenSeq: number;
  /** Transactions this instance processed that storage has not yet given back. */
  own: Set<string>;
}

/** What the models read of one transaction: its feature vector and its originator's recent sequence. */
export interface ModelInputs {
  features: FeatureVector;
  /** [steps, channels] row-major (SEQUENCE_CHANNELS). */
  sequence: Float32Array;
}

/**
 * The feature engine's and the sequence encoder's state, kept equal to what is stored, so features always equal those of an
 * uninterrupted run over the stored transactions in the order they were stored:
 * - it is rebuilt from Postgres (REBUILD_SPAN_MS of event time, read in pages) on first use (a
 *   start, a restart after a crash) and whenever a batch failed after the engine saw it but before
 *   it was stored;
 * - before each batch it catches up with what other instances stored meanwhile (after a
 *   rebalance, the partitions it now owns brought their history with them).
 * Batches go through `serially`, one at a time, so the engine's order is the storage order.
 */
@Injectable()
export class FeatureState {
  private engine?: Promise<State>;
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
    await this.catchUp(state);
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

  /** Feeds the state, page by page, what was stored after it and is not its own; the number read. */
  private async catchUp(state: State): Promise<number> {
    let read = 0;
    for (;;) {
      const page = await this.repository.loadSince(state.seenSeq, PAGE_SIZE);
      // Through the public observe(): whatever state the engine keeps is rebuilt the way it is built.
      for (const { transaction, ingestSeq } of page) {
        if (!state.own.delete(transaction.txId)) {
          state.engine.observe(transaction);
          state.encoder.observe(transaction);
        }
        state.seenSeq = ingestSeq;
      }
      read += page.length;
      if (page.length < PAGE_SIZE) return read;
    }
  }

  private async rebuild(): Promise<State> {
    const started = performance.now();
    const from = await this.repository.historyStart(REBUILD_SPAN_MS);
    const state: State = { engine: new FeatureEngine(FEATURES), encoder: new SequenceEncoder(SEQUENCES, FEATURES), seenSeq: from, own: new Set<string>() };
    const transactions = await this.catchUp(state);
    this.logger.pino.info({ transactions, fromIngestSeq: from, ms: Math.round(performance.now() - started) }, 'feature state rebuilt from storage');
    return state;
  }
}
