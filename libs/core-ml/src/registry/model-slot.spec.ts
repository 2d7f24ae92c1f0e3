import { deferred, type Deferred } from '../../test/helpers/deferred';
import type { LiveModelRef, LiveModels } from './model-registry';
import { ModelSlot, type SlotModel } from './model-slot';

class FakeModel implements SlotModel {
  readonly release = jest.fn(async () => undefined);

  constructor(readonly version: number, readonly manifestSha256: string) {}
}

const ref = (version: number): LiveModelRef => ({ name: 'risk', version, manifestSha256: `sha-${version}`, artifactDir: `risk/${version}` });
const POLL = 1_000;

/** A registry whose live versions the spec sets, and a loader whose loads the spec settles. */
function fakeRegistry(initial: LiveModels) {
  let live = initial;
  const loads: { ref: LiveModelRef; done: Deferred<FakeModel>; settled: boolean }[] = [];
  const load = jest.fn((r: LiveModelRef) => {
    const done = deferred<FakeModel>();
    loads.push({ ref: r, done, settled: false });
    return done.promise;
  });
  return {
    live: jest.fn(async () => live),
    set: (next: LiveModels) => (live = next),
    load,
    loads,
    /** Resolves every pending load with a fresh model. */
    finish: () => {
      for (const l of loads.filter((pending) => !pending.settled)) {
        l.settled = true;
        l.done.resolve(new FakeModel(l.ref.version, l.ref.manifestSha256));
      }
    },
  };
}

/** Starts a slot on `live`, with every initial load completed. */
async function startedSlot(live: LiveModels, listener = {}) {
  const registry = fakeRegistry(live);
  const sut = new ModelSlot<FakeModel>({ name: 'risk', live: registry.live, load: registry.load, pollMs: POLL, listener });
  const started = sut.start();
  await jest.advanceTimersByTimeAsync(0);
  registry.finish();
  await started;
  return { sut, registry };
}

describe(ModelSlot.name, () => {
  beforeEach(() => {
    jest.useFakeTimers();
  });

  afterEach(() => {
    jest.useRealTimers();
  });

  it('loads the live champion and shadow before handing them out', async () => {
    // Act
    const { sut, registry } = await startedSlot({ champion: ref(3), shadow: ref(4) });
    const lease = sut.acquire();

    // Assert
    expect(registry.load.mock.calls.map(([r]) => r.version).sort()).toEqual([3, 4]);
    expect([lease.champion?.version, lease.shadow?.version]).toEqual([3, 4]);
    expect(sut.versions).toEqual({ champion: 3, shadow: 4 });
  });

  it('keeps serving the old champion while the new one loads, then swaps between batches', async () => {
    // Prepare
    const swapped = jest.fn();
    const { sut, registry } = await startedSlot({ champion: ref(3) }, { swapped });
    const inFlight = sut.acquire();
    const old = inFlight.champion as FakeModel;
    registry.set({ champion: ref(4) });

    // Act
    const refreshing = sut.refresh();
    await jest.advanceTimersByTimeAsync(0);
    const duringLoad = sut.acquire();
    registry.finish();
    await refreshing;
    const afterSwap = sut.acquire();

    // Assert
    expect(duringLoad.champion).toBe(old);
    expect(afterSwap.champion?.version).toBe(4);
    expect(inFlight.champion).toBe(old);
    expect(swapped).toHaveBeenCalledWith({ champion: 3 }, { champion: 4 });
    duringLoad.release();
    expect(old.release).not.toHaveBeenCalled();
    inFlight.release();
    inFlight.release();
    expect(old.release).toHaveBeenCalledTimes(1);
    expect((afterSwap.champion as FakeModel).release).not.toHaveBeenCalled();
  });

  it('notices a promotion by polling', async () => {
    // Prepare
    const { sut, registry } = await startedSlot({ champion: ref(3) });
    registry.set({ champion: ref(3), shadow: ref(5) });

    // Act
    await jest.advanceTimersByTimeAsync(POLL - 1);
    const beforePoll = registry.load.mock.calls.length;
    await jest.advanceTimersByTimeAsync(1);
    registry.finish();
    await jest.advanceTimersByTimeAsync(0);

    // Assert
    expect(beforePoll).toBe(1);
    expect(sut.versions).toEqual({ champion: 3, shadow: 5 });
  });

  it('keeps a champion across a shadow change without reloading or releasing it', async () => {
    // Prepare
    const { sut, registry } = await startedSlot({ champion: ref(3), shadow: ref(4) });
    const before = sut.acquire();
    before.release();
    registry.set({ champion: ref(3) });

    // Act
    await sut.refresh();
    const after = sut.acquire();

    // Assert
    expect(after.champion).toBe(before.champion);
    expect(after.shadow).toBeUndefined();
    expect((before.champion as FakeModel).release).not.toHaveBeenCalled();
    expect((before.shadow as FakeModel).release).toHaveBeenCalledTimes(1);
    expect(registry.load).toHaveBeenCalledTimes(2);
  });

  it('reloads a version whose manifest changed under the same number', async () => {
    // Prepare
    const { sut, registry } = await startedSlot({ champion: ref(3) });
    registry.set({ champion: { ...ref(3), manifestSha256: 'sha-3-retrained' } });

    // Act
    const refreshing = sut.refresh();
    await jest.advanceTimersByTimeAsync(0);
    registry.finish();
    await refreshing;

    // Assert
    expect(sut.acquire().champion?.manifestSha256).toBe('sha-3-retrained');
  });

  it('reports a version that fails to load, keeps the previous one, and retries at the next poll', async () => {
    // Prepare
    const loadFailed = jest.fn();
    const { sut, registry } = await startedSlot({ champion: ref(3) }, { loadFailed });
    registry.set({ champion: ref(4) });
    const failure = new Error('sha256 mismatch');

    // Act
    const refreshing = sut.refresh();
    await jest.advanceTimersByTimeAsync(0);
    registry.loads[1].settled = true;
    registry.loads[1].done.reject(failure);
    await refreshing;
    const afterFailure = sut.versions;
    await jest.advanceTimersByTimeAsync(POLL);
    registry.finish();
    await jest.advanceTimersByTimeAsync(0);

    // Assert
    expect(loadFailed).toHaveBeenCalledWith(ref(4), 'champion', failure);
    expect(afterFailure).toEqual({ champion: 3 });
    expect(sut.versions).toEqual({ champion: 4 });
  });

  it('reports a failed poll and polls again', async () => {
    // Prepare
    const pollFailed = jest.fn();
    const { sut, registry } = await startedSlot({ champion: ref(3) }, { pollFailed });
    registry.live.mockRejectedValueOnce(new Error('connection refused'));

    // Act
    await jest.advanceTimersByTimeAsync(POLL);
    registry.set({});
    await jest.advanceTimersByTimeAsync(POLL);

    // Assert
    expect(pollFailed).toHaveBeenCalledWith(new Error('connection refused'));
    expect(sut.versions).toEqual({});
  });

  it('shares one poll between concurrent refreshes', async () => {
    // Prepare
    const { sut, registry } = await startedSlot({});
    registry.live.mockClear();

    // Act
    await Promise.all([sut.refresh(), sut.refresh(), sut.refresh()]);

    // Assert
    expect(registry.live).toHaveBeenCalledTimes(1);
  });

  it('closes once the batches holding models have released them, and refuses new batches', async () => {
    // Prepare
    const { sut, registry } = await startedSlot({ champion: ref(3), shadow: ref(4) });
    const lease = sut.acquire();
    let closed = false;

    // Act
    const closing = sut.close().then(() => (closed = true));
    await jest.advanceTimersByTimeAsync(0);
    const whileHeld = closed;
    lease.release();
    await closing;

    // Assert
    expect(whileHeld).toBe(false);
    expect((lease.champion as FakeModel).release).toHaveBeenCalledTimes(1);
    expect((lease.shadow as FakeModel).release).toHaveBeenCalledTimes(1);
    expect(() => sut.acquire()).toThrow('model slot risk: closed');
    await jest.advanceTimersByTimeAsync(5 * POLL);
    expect(registry.live).toHaveBeenCalledTimes(1);
  });

  it('releases what finished loading after close began', async () => {
    // Prepare
    const { sut, registry } = await startedSlot({});
    registry.set({ champion: ref(7) });
    const refreshing = sut.refresh();
    await jest.advanceTimersByTimeAsync(0);

    // Act
    const closing = sut.close();
    const model = new FakeModel(7, 'sha-7');
    registry.loads[0].done.resolve(model);
    await Promise.all([refreshing, closing]);

    // Assert
    expect(model.release).toHaveBeenCalledTimes(1);
  });
});
