/**
 * Champion/shadow hot swap. A service asks the slot, once per batch, for the current snapshot
 * (`acquire()`, synchronous) and scores the whole batch with it; a promotion therefore never
 * splits a batch between two champions.
 *
 * Promotions are noticed by polling the registry (`live()`, one indexed query) every `pollMs`,
 * and at once on `refresh()` (a promotion made in this process). Polling rather than Postgres
 * LISTEN/NOTIFY: a listener needs a connection of its own outside the pool, reconnect handling,
 * and a poll after each reconnect anyway, since notifications sent while it was away are lost;
 * a 2 s poll bounds the delay as well, with one code path.
 *
 * A new version is loaded before it becomes current, so no batch waits on a load; a version that
 * fails to load is reported and retried at the next poll while the role keeps its previous model.
 * Models are reference-counted across snapshots (a champion survives a shadow change), and a
 * replaced snapshot's models are released once the last batch that acquired it has released it.
 */
import { systemTimers, type TimerHandle, type Timers } from '../common/timers';
import type { LiveModelRef, LiveModels, LiveRole } from './model-registry';

/** What a slot holds per role: anything with its version and a release. */
export interface SlotModel {
  readonly version: number;
  readonly manifestSha256: string;
  release(): Promise<void>;
}

export interface SlotSnapshot<M> {
  readonly champion?: M;
  readonly shadow?: M;
}

/** A snapshot held by one batch: call `release()` when the batch is done (idempotent). */
export interface SlotLease<M> extends SlotSnapshot<M> {
  release(): void;
}

export interface ModelSlotListener {
  /** The snapshot changed: versions before and after (undefined = role empty). */
  swapped?(from: SlotVersions, to: SlotVersions): void;
  loadFailed?(ref: LiveModelRef, role: LiveRole, error: unknown): void;
  pollFailed?(error: unknown): void;
  releaseFailed?(version: number, error: unknown): void;
}

export interface SlotVersions {
  champion?: number;
  shadow?: number;
}

export interface ModelSlotOptions<M extends SlotModel> {
  /** The model's name, for messages. */
  name: string;
  /** The live versions now: `() => registry.live(name)`. */
  live: () => Promise<LiveModels>;
  /** Loads a version completely (every session it needs) before the slot hands it out. */
  load: (ref: LiveModelRef) => Promise<M>;
  /** Default 2000. */
  pollMs?: number;
  timers?: Timers;
  /** Hooks for logs and metrics; none of them may throw. */
  listener?: ModelSlotListener;
}

interface Held<M> {
  readonly model: M;
  readonly key: string;
  refs: number;
}

interface Snapshot<M> {
  readonly champion?: Held<M>;
  readonly shadow?: Held<M>;
  leases: number;
  current: boolean;
  dropped?: boolean;
}

const ROLES: readonly LiveRole[] = ['champion', 'shadow'];
const keyOf = (ref: { version: number; manifestSha256: string }) => `${ref.version}:${ref.manifestSha256}`;

export class ModelSlot<M extends SlotModel> {
  readonly #options: ModelSlotOptions<M>;
  readonly #timers: Timers;
  readonly #listener: ModelSlotListener;
  readonly #pollMs: number;
  #current: Snapshot<M> = { leases: 0, current: true };
  #held = 0;
  #refreshing?: Promise<void>;
  #timer?: TimerHandle;
  #closed = false;
  #drained?: () => void;

  constructor(options: ModelSlotOptions<M>) {
    this.#options = options;
    this.#timers = options.timers ?? systemTimers;
    this.#listener = options.listener ?? {};
    this.#pollMs = options.pollMs ?? 2_000;
    if (!(Number.isFinite(this.#pollMs) && this.#pollMs > 0)) throw new RangeError(`pollMs: expected a number of ms > 0, got ${options.pollMs}`);
  }

  /** Loads what is live now (failures are reported, not thrown), then polls. */
  async start(): Promise<void> {
    await this.refresh();
    this.#schedule();
  }

  /** The versions current now. */
  get versions(): SlotVersions {
    return versionsOf(this.#current);
  }

  /** The current champion and shadow, held until `release()`: one call per batch. */
  acquire(): SlotLease<M> {
    if (this.#closed) throw new Error(`model slot ${this.#options.name}: closed`);
    const snapshot = this.#current;
    snapshot.leases++;
    let released = false;
    return {
      champion: snapshot.champion?.model,
      shadow: snapshot.shadow?.model,
      release: () => {
        if (released) return;
        released = true;
        snapshot.leases--;
        this.#dropIfDone(snapshot);
      },
    };
  }

  /** Runs `fn` with the current snapshot, released when `fn` settles. */
  async use<T>(fn: (snapshot: SlotSnapshot<M>) => T | Promise<T>): Promise<T> {
    const lease = this.acquire();
    try {
      return await fn(lease);
    } finally {
      lease.release();
    }
  }

  /** Polls now; concurrent calls share one poll. Resolves once a swap (if any) is done. */
  refresh(): Promise<void> {
    this.#refreshing ??= this.#refresh().finally(() => (this.#refreshing = undefined));
    return this.#refreshing;
  }

  /** Stops polling and resolves once every model has been released (after the batches holding them). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#timer !== undefined) this.#timers.clearTimeout(this.#timer);
    await this.#refreshing;
    const drained = new Promise<void>((resolve) => (this.#drained = resolve));
    this.#retire(this.#current);
    this.#current = { leases: 0, current: true };
    if (this.#held === 0) return;
    await drained;
  }

  #schedule(): void {
    if (this.#closed) return;
    this.#timer = this.#timers.setTimeout(() => {
      void this.refresh().finally(() => this.#schedule());
    }, this.#pollMs);
    // Polling must not keep a finished process alive.
    (this.#timer as { unref?: () => unknown }).unref?.();
  }

  async #refresh(): Promise<void> {
    let live: LiveModels;
    try {
      live = await this.#options.live();
    } catch (error) {
      this.#listener.pollFailed?.(error);
      return;
    }
    const current = this.#current;
    if (ROLES.every((role) => keyOf(live[role] ?? { version: 0, manifestSha256: '' }) === (current[role]?.key ?? '0:'))) return;

    const present = new Map<string, Held<M>>();
    for (const role of ROLES) if (current[role]) present.set(current[role].key, current[role]);
    const next: { champion?: Held<M>; shadow?: Held<M> } = {};
    await Promise.all(
      ROLES.map(async (role) => {
        const ref = live[role];
        if (ref === undefined) return;
        const key = keyOf(ref);
        const existing = present.get(key);
        if (existing) {
          next[role] = existing;
          return;
        }
        try {
          next[role] = { model: await this.#options.load(ref), key, refs: 0 };
          this.#held++;
        } catch (error) {
          this.#listener.loadFailed?.(ref, role, error);
          // Keeps serving what the role had; the next poll tries again.
          next[role] = current[role];
        }
      }),
    );
    if (this.#closed) {
      // close() began while loading: what was loaded for the swap goes straight back.
      for (const role of ROLES) if (next[role] && next[role].refs === 0 && next[role] !== current[role]) this.#unref(next[role], 0);
      return;
    }
    const snapshot: Snapshot<M> = { ...next, leases: 0, current: true };
    for (const role of ROLES) if (snapshot[role]) snapshot[role].refs++;
    this.#current = snapshot;
    this.#retire(current);
    const [from, to] = [versionsOf(current), versionsOf(snapshot)];
    if (from.champion !== to.champion || from.shadow !== to.shadow) this.#listener.swapped?.(from, to);
  }

  #retire(snapshot: Snapshot<M>): void {
    snapshot.current = false;
    this.#dropIfDone(snapshot);
  }

  #dropIfDone(snapshot: Snapshot<M>): void {
    if (snapshot.current || snapshot.leases > 0 || snapshot.dropped) return;
    snapshot.dropped = true;
    for (const role of ROLES) {
      const held = snapshot[role];
      if (held) this.#unref(held, 1);
    }
  }

  #unref(held: Held<M>, by: number): void {
    held.refs -= by;
    if (held.refs > 0) return;
    held.model
      .release()
      .catch((error: unknown) => this.#listener.releaseFailed?.(held.model.version, error))
      .finally(() => {
        this.#held--;
        if (this.#held === 0) this.#drained?.();
      });
  }
}

function versionsOf<M extends SlotModel>(snapshot: SlotSnapshot<Held<M>>): SlotVersions {
  return {
    ...(snapshot.champion ? { champion: snapshot.champion.model.version } : {}),
    ...(snapshot.shadow ? { shadow: snapshot.shadow.model.version } : {}),
  };
}
