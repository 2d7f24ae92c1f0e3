/**
 * Loaded sessions keyed by (model, version, providers) (STYLE R17; immich `models/cache.py`):
 * loaded on first use, one load per key however many callers arrive together, released after an
 * idle TTL. The cache knows nothing about ONNX: the loader decides what a session is, so the
 * registry (next) can plug in "fetch bytes from Postgres, check the checksum, load".
 */
import { CacheClosedError } from '../errors';
import { systemTimers, type TimerHandle, type Timers } from '../common/timers';

export interface SessionKey {
  readonly model: string;
  readonly version: string;
  /** One file of a multi-file model version (`trees.onnx`); left out when a version is one file. */
  readonly file?: string;
  /**
   * The resolved provider list (see `resolveExecutionProviders`), in order: keying by the resolved
   * list lets `['cuda', 'cpu']` on a CPU-only host share the `['cpu']` session.
   */
  readonly providers: readonly string[];
}

export interface Releasable {
  release(): Promise<void>;
}

/** A session held outside a `use` callback (a model slot keeps its champion this way): never evicted until released. */
export interface SessionLease<S> {
  readonly session: S;
  /** Idempotent; the idle TTL starts once the last lease of the key is released. */
  release(): void;
}

export type SessionLoader<S> = (key: SessionKey) => Promise<S>;

/** Hooks for logs and metrics; none of them may throw. */
export interface SessionCacheListener {
  loaded?(key: SessionKey): void;
  loadFailed?(key: SessionKey, error: unknown): void;
  evicted?(key: SessionKey): void;
  releaseFailed?(key: SessionKey, error: unknown): void;
}

export interface SessionCacheOptions<S> {
  load: SessionLoader<S>;
  /** A session nobody has used for this long is released; the next use loads it again. */
  idleTtlMs: number;
  timers?: Timers;
  listener?: SessionCacheListener;
}

interface Entry<S> {
  readonly id: string;
  readonly key: SessionKey;
  readonly loading: Promise<S>;
  /** Callers inside `use` right now; an entry with leases is never evicted. */
  leases: number;
  timer?: TimerHandle;
}

export class SessionCache<S extends Releasable> {
  readonly #entries = new Map<string, Entry<S>>();
  readonly #releasing = new Set<Promise<void>>();
  readonly #load: SessionLoader<S>;
  readonly #idleTtlMs: number;
  readonly #timers: Timers;
  readonly #listener: SessionCacheListener;
  #closed: Promise<void> | undefined;

  constructor(options: SessionCacheOptions<S>) {
    if (!(Number.isFinite(options.idleTtlMs) && options.idleTtlMs > 0)) {
      throw new RangeError(`idleTtlMs: expected a number of ms > 0, got ${options.idleTtlMs}`);
    }
    this.#load = options.load;
    this.#idleTtlMs = options.idleTtlMs;
    this.#timers = options.timers ?? systemTimers;
    this.#listener = options.listener ?? {};
  }

  /** `fraud-gbt@3[cuda,cpu]`, `risk@3/trees.onnx[cpu]`: the string a key is stored under. */
  static keyId(key: SessionKey): string {
    return `${key.model}@${key.version}${key.file === undefined ? '' : `/${key.file}`}[${key.providers.join(',')}]`;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Whether the key is loaded or loading. */
  has(key: SessionKey): boolean {
    return this.#entries.has(SessionCache.keyId(key));
  }

  /**
   * Runs `fn` with the key's session, loading it first if needed. The session is leased for the
   * whole call, so eviction never releases it mid-run; callers must not keep it beyond `fn`.
   * A failed load rejects every caller waiting on it and is forgotten, so the next call retries.
   */
  async use<T>(key: SessionKey, fn: (session: S) => T | Promise<T>): Promise<T> {
    const lease = await this.acquire(key);
    try {
      return await fn(lease.session);
    } finally {
      lease.release();
    }
  }

  /**
   * The key's session, loaded first if needed, leased until `release()`: for holders that keep a
   * session across many calls. A failed load rejects, leaving nothing leased.
   */
  async acquire(key: SessionKey): Promise<SessionLease<S>> {
    if (this.#closed) throw new CacheClosedError(SessionCache.keyId(key));
    const entry = this.#entryFor(key);
    entry.leases++;
    this.#disarm(entry);
    let session: S;
    try {
      session = await entry.loading;
    } catch (error) {
      this.#unlease(entry);
      throw error;
    }
    let released = false;
    return {
      session,
      release: () => {
        if (released) return;
        released = true;
        this.#unlease(entry);
      },
    };
  }

  /**
   * Refuses new `use` calls, then releases every session (waiting for loads in flight, and for
   * releases already under way). A session still leased is released all the same: drain the
   * batchers in front of the cache first. Rejects with an AggregateError if any release failed.
   */
  close(): Promise<void> {
    this.#closed ??= (async () => {
      const entries = [...this.#entries.values()];
      this.#entries.clear();
      const errors: unknown[] = [];
      await Promise.all(
        entries.map(async (entry) => {
          this.#disarm(entry);
          const session = await entry.loading.catch(() => undefined);
          if (session) await session.release().catch((error: unknown) => errors.push(error));
        }),
      );
      await Promise.all([...this.#releasing]);
      if (errors.length > 0) throw new AggregateError(errors, `session cache: ${errors.length} session(s) failed to release`);
    })();
    return this.#closed;
  }

  #entryFor(key: SessionKey): Entry<S> {
    const id = SessionCache.keyId(key);
    const existing = this.#entries.get(id);
    if (existing) return existing;
    // Copied: the caller's key object must not change what this entry is stored under.
    const ownKey: SessionKey = { model: key.model, version: key.version, ...(key.file === undefined ? {} : { file: key.file }), providers: [...key.providers] };
    const entry: Entry<S> = { id, key: ownKey, leases: 0, loading: Promise.resolve().then(() => this.#load(ownKey)) };
    this.#entries.set(id, entry);
    entry.loading.then(
      () => this.#listener.loaded?.(ownKey),
      (error: unknown) => {
        if (this.#entries.get(id) === entry) this.#entries.delete(id);
        this.#listener.loadFailed?.(ownKey, error);
      },
    );
    return entry;
  }

  #unlease(entry: Entry<S>): void {
    entry.leases--;
    if (entry.leases === 0 && this.#entries.get(entry.id) === entry) this.#arm(entry);
  }

  #arm(entry: Entry<S>): void {
    this.#disarm(entry);
    entry.timer = this.#timers.setTimeout(() => this.#evict(entry), this.#idleTtlMs);
    // A long TTL must not keep a finished process alive.
    (entry.timer as { unref?: () => unknown }).unref?.();
  }

  #disarm(entry: Entry<S>): void {
    if (entry.timer !== undefined) this.#timers.clearTimeout(entry.timer);
    entry.timer = undefined;
  }

  #evict(entry: Entry<S>): void {
    entry.timer = undefined;
    if (entry.leases > 0 || this.#entries.get(entry.id) !== entry) return;
    this.#entries.delete(entry.id);
    this.#listener.evicted?.(entry.key);
    const releasing = entry.loading
      .then((session) => session.release())
      .catch((error: unknown) => this.#listener.releaseFailed?.(entry.key, error))
      .finally(() => this.#releasing.delete(releasing));
    this.#releasing.add(releasing);
  }
}
