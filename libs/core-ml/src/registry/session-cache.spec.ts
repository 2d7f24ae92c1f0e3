import { CacheClosedError, CoreMlErrorCode } from '../errors';
import { deferred, type Deferred } from '../../test/helpers/deferred';
import { SessionCache, type SessionKey } from './session-cache';

class FakeSession {
  readonly release = jest.fn(async () => undefined);

  constructor(readonly key: SessionKey) {}
}

const fraud: SessionKey = { model: 'fraud-gbt', version: '3', providers: ['cpu'] };
const fraudCuda: SessionKey = { model: 'fraud-gbt', version: '3', providers: ['cuda', 'cpu'] };
const TTL = 60_000;

/** A loader whose loads stay pending until the spec settles them. */
function controlledLoader() {
  const loads: { key: SessionKey; done: Deferred<FakeSession> }[] = [];
  const load = jest.fn((key: SessionKey) => {
    const done = deferred<FakeSession>();
    loads.push({ key, done });
    return done.promise;
  });
  return { load, loads };
}

describe(SessionCache.name, () => {
  beforeEach(() => {
    jest.useFakeTimers();
  });

  afterEach(() => {
    jest.useRealTimers();
  });

  it('keys sessions by model, version and provider list', () => {
    expect(SessionCache.keyId(fraudCuda)).toBe('fraud-gbt@3[cuda,cpu]');
  });

  it('loads once for concurrent first uses and hands every caller the same session', async () => {
    // Prepare
    const { load, loads } = controlledLoader();
    const sut = new SessionCache<FakeSession>({ load, idleTtlMs: TTL });
    const seen: FakeSession[] = [];

    // Act
    const uses = [1, 2, 3].map(() => sut.use(fraud, (session) => seen.push(session)));
    await jest.advanceTimersByTimeAsync(0);
    loads[0].done.resolve(new FakeSession(fraud));
    await Promise.all(uses);

    // Assert
    expect(load).toHaveBeenCalledTimes(1);
    expect(load).toHaveBeenCalledWith(fraud);
    expect(seen).toHaveLength(3);
    expect(new Set(seen).size).toBe(1);
  });

  it('loads separately per provider list', async () => {
    // Prepare
    const load = jest.fn(async (key: SessionKey) => new FakeSession(key));
    const sut = new SessionCache<FakeSession>({ load, idleTtlMs: TTL });

    // Act
    const cpu = await sut.use(fraud, (session) => session);
    const cuda = await sut.use(fraudCuda, (session) => session);

    // Assert
    expect(load).toHaveBeenCalledTimes(2);
    expect(cpu).not.toBe(cuda);
    expect(sut.size).toBe(2);
  });

  it('rejects every waiter of a failed load and does not cache the failure', async () => {
    // Prepare
    const { load, loads } = controlledLoader();
    const sut = new SessionCache<FakeSession>({ load, idleTtlMs: TTL });
    const failure = new Error('checksum mismatch');
    const first = sut.use(fraud, () => 'never');
    const second = sut.use(fraud, () => 'never');
    await jest.advanceTimersByTimeAsync(0);

    // Act
    loads[0].done.reject(failure);

    // Assert
    await expect(first).rejects.toBe(failure);
    await expect(second).rejects.toBe(failure);
    expect(sut.has(fraud)).toBe(false);

    const retry = sut.use(fraud, (session) => session.key);
    await jest.advanceTimersByTimeAsync(0);
    loads[1].done.resolve(new FakeSession(fraud));
    await expect(retry).resolves.toEqual(fraud);
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('turns a loader that throws synchronously into a rejection', async () => {
    // Prepare
    const sut = new SessionCache<FakeSession>({
      load: () => {
        throw new Error('no such model');
      },
      idleTtlMs: TTL,
    });

    // Act
    const use = sut.use(fraud, () => 'never');

    // Assert
    await expect(use).rejects.toThrow('no such model');
    expect(sut.size).toBe(0);
  });

  it('releases a session idle for the TTL, and loads it again on the next use', async () => {
    // Prepare
    const load = jest.fn(async (key: SessionKey) => new FakeSession(key));
    const evicted = jest.fn();
    const sut = new SessionCache<FakeSession>({ load, idleTtlMs: TTL, listener: { evicted } });
    const session = await sut.use(fraud, (s) => s);

    // Act
    await jest.advanceTimersByTimeAsync(TTL - 1);
    const beforeTtl = { cached: sut.has(fraud), released: session.release.mock.calls.length };
    await jest.advanceTimersByTimeAsync(1);

    // Assert
    expect(beforeTtl).toEqual({ cached: true, released: 0 });
    expect(sut.has(fraud)).toBe(false);
    expect(session.release).toHaveBeenCalledTimes(1);
    expect(evicted).toHaveBeenCalledWith(fraud);
    await expect(sut.use(fraud, (s) => s)).resolves.not.toBe(session);
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('counts the TTL from the last use', async () => {
    // Prepare
    const sut = new SessionCache<FakeSession>({ load: async (key) => new FakeSession(key), idleTtlMs: TTL });
    const session = await sut.use(fraud, (s) => s);
    await jest.advanceTimersByTimeAsync(TTL / 2);

    // Act
    await sut.use(fraud, () => undefined);
    await jest.advanceTimersByTimeAsync(TTL - 1);

    // Assert
    expect(session.release).not.toHaveBeenCalled();
    await jest.advanceTimersByTimeAsync(1);
    expect(session.release).toHaveBeenCalledTimes(1);
  });

  it('never evicts a session while a caller is using it', async () => {
    // Prepare
    const sut = new SessionCache<FakeSession>({ load: async (key) => new FakeSession(key), idleTtlMs: TTL });
    const session = await sut.use(fraud, (s) => s);
    const work = deferred<void>();
    const busy = sut.use(fraud, () => work.promise);

    // Act
    await jest.advanceTimersByTimeAsync(3 * TTL);

    // Assert
    expect(session.release).not.toHaveBeenCalled();
    work.resolve();
    await busy;
    await jest.advanceTimersByTimeAsync(TTL);
    expect(session.release).toHaveBeenCalledTimes(1);
  });

  it('keys the files of one model version apart', async () => {
    // Prepare
    const load = jest.fn(async (key: SessionKey) => new FakeSession(key));
    const sut = new SessionCache<FakeSession>({ load, idleTtlMs: TTL });
    const trees: SessionKey = { model: 'risk', version: '3', file: 'trees.onnx', providers: ['cpu'] };
    const sequence: SessionKey = { ...trees, file: 'sequence.onnx' };

    // Act
    const first = await sut.use(trees, (s) => s);
    const second = await sut.use(sequence, (s) => s);

    // Assert
    expect(SessionCache.keyId(trees)).toBe('risk@3/trees.onnx[cpu]');
    expect(first).not.toBe(second);
    expect(load.mock.calls.map(([key]) => key.file)).toEqual(['trees.onnx', 'sequence.onnx']);
  });

  it('keeps an acquired session past any TTL until the lease is released, once', async () => {
    // Prepare
    const sut = new SessionCache<FakeSession>({ load: async (key) => new FakeSession(key), idleTtlMs: TTL });
    const lease = await sut.acquire(fraud);

    // Act
    await jest.advanceTimersByTimeAsync(5 * TTL);
    const heldThrough = lease.session.release.mock.calls.length;
    lease.release();
    lease.release();
    await jest.advanceTimersByTimeAsync(TTL - 1);
    const beforeTtl = lease.session.release.mock.calls.length;
    await jest.advanceTimersByTimeAsync(1);

    // Assert
    expect([heldThrough, beforeTtl]).toEqual([0, 0]);
    expect(lease.session.release).toHaveBeenCalledTimes(1);
  });

  it('leaves nothing leased when an acquire fails to load', async () => {
    // Prepare
    const load = jest.fn().mockRejectedValueOnce(new Error('corrupt')).mockImplementation(async (key: SessionKey) => new FakeSession(key));
    const sut = new SessionCache<FakeSession>({ load, idleTtlMs: TTL });

    // Act
    const failed = sut.acquire(fraud);

    // Assert
    await expect(failed).rejects.toThrow('corrupt');
    const session = await sut.use(fraud, (s) => s);
    await jest.advanceTimersByTimeAsync(TTL);
    expect(session.release).toHaveBeenCalledTimes(1);
  });

  it('reports a session that fails to release, and keeps working', async () => {
    // Prepare
    const releaseFailed = jest.fn();
    const sut = new SessionCache<FakeSession>({ load: async (key) => new FakeSession(key), idleTtlMs: TTL, listener: { releaseFailed } });
    const session = await sut.use(fraud, (s) => s);
    const failure = new Error('native free failed');
    session.release.mockRejectedValueOnce(failure);

    // Act
    await jest.advanceTimersByTimeAsync(TTL);

    // Assert
    expect(releaseFailed).toHaveBeenCalledWith(fraud, failure);
    await expect(sut.use(fraud, () => 'ok')).resolves.toBe('ok');
  });

  it('releases everything on close, including a load still in flight, and refuses new uses', async () => {
    // Prepare
    const { load, loads } = controlledLoader();
    const sut = new SessionCache<FakeSession>({ load, idleTtlMs: TTL });
    const loaded = sut.use(fraud, (s) => s);
    await jest.advanceTimersByTimeAsync(0);
    const fraudSession = new FakeSession(fraud);
    loads[0].done.resolve(fraudSession);
    await loaded;
    const pending = sut.use(fraudCuda, (s) => s);
    await jest.advanceTimersByTimeAsync(0);

    // Act
    const closing = sut.close();
    const cudaSession = new FakeSession(fraudCuda);
    loads[1].done.resolve(cudaSession);

    // Assert
    await expect(closing).resolves.toBeUndefined();
    await expect(pending).resolves.toBe(cudaSession);
    expect(fraudSession.release).toHaveBeenCalledTimes(1);
    expect(cudaSession.release).toHaveBeenCalledTimes(1);
    expect(sut.size).toBe(0);
    await expect(sut.use(fraud, () => 'never')).rejects.toThrow(new CacheClosedError('fraud-gbt@3[cpu]'));
    await expect(sut.use(fraud, () => 'never')).rejects.toMatchObject({ code: CoreMlErrorCode.CacheClosed });
    await expect(sut.close()).resolves.toBeUndefined();
  });

  it('does not release a second time on close what the TTL already released', async () => {
    // Prepare
    const sut = new SessionCache<FakeSession>({ load: async (key) => new FakeSession(key), idleTtlMs: TTL });
    const session = await sut.use(fraud, (s) => s);
    await jest.advanceTimersByTimeAsync(TTL);

    // Act
    await sut.close();

    // Assert
    expect(session.release).toHaveBeenCalledTimes(1);
  });

  it('rejects a non-positive TTL', () => {
    expect(() => new SessionCache<FakeSession>({ load: async (key) => new FakeSession(key), idleTtlMs: 0 })).toThrow(
      new RangeError('idleTtlMs: expected a number of ms > 0, got 0'),
    );
  });
});
