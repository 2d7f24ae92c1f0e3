import { BatcherClosedError, BatchOutputMismatchError, CoreMlErrorCode, QueueFullError } from '../errors';
import { deferred, type Deferred } from '../../test/helpers/deferred';
import { MicroBatcher, type MicroBatcherOptions } from './micro-batcher';

/** A batch function whose batches stay open until the spec settles them; records what it was given. */
function controlledBatches<I, O>() {
  const batches: { items: I[]; done: Deferred<O[]> }[] = [];
  const fn = jest.fn((items: I[]) => {
    const done = deferred<O[]>();
    batches.push({ items, done });
    return done.promise;
  });
  return { fn, batches };
}

const doubled = async (items: number[]): Promise<number[]> => items.map((x) => 2 * x);

/** Settles every promise without losing track of which rejected (a bare array would leave unhandled rejections). */
function settle<T>(promises: Promise<T>[]): Promise<PromiseSettledResult<T>[]> {
  return Promise.allSettled(promises);
}

describe(MicroBatcher.name, () => {
  const base: MicroBatcherOptions = { name: 'scorer', maxBatchSize: 4, maxWaitMs: 10, maxQueue: 16 };

  beforeEach(() => {
    jest.useFakeTimers();
  });

  afterEach(() => {
    jest.useRealTimers();
  });

  it('sends a batch as soon as it is full, without waiting', async () => {
    // Prepare
    const batch = jest.fn(doubled);
    const sut = new MicroBatcher(batch, base);

    // Act
    const outputs = [1, 2, 3, 4].map((x) => sut.submit(x));

    // Assert
    expect(batch).toHaveBeenCalledTimes(1);
    expect(batch).toHaveBeenCalledWith([1, 2, 3, 4]);
    await expect(Promise.all(outputs)).resolves.toEqual([2, 4, 6, 8]);
  });

  it('splits a burst into batches of at most maxBatchSize', async () => {
    // Prepare
    const batch = jest.fn(doubled);
    const sut = new MicroBatcher(batch, { ...base, maxConcurrentBatches: 4 });

    // Act
    const outputs = [1, 2, 3, 4, 5, 6, 7, 8, 9].map((x) => sut.submit(x));
    await jest.advanceTimersByTimeAsync(10);

    // Assert
    expect(batch.mock.calls.map(([items]) => items)).toEqual([[1, 2, 3, 4], [5, 6, 7, 8], [9]]);
    await expect(Promise.all(outputs)).resolves.toEqual([2, 4, 6, 8, 10, 12, 14, 16, 18]);
  });

  it('sends a partial batch when its oldest item has waited maxWaitMs', async () => {
    // Prepare
    const batch = jest.fn(doubled);
    const sut = new MicroBatcher(batch, base);
    const first = sut.submit(1);
    await jest.advanceTimersByTimeAsync(6);
    const second = sut.submit(2);

    // Act
    await jest.advanceTimersByTimeAsync(3);
    const callsAt9ms = batch.mock.calls.length;
    await jest.advanceTimersByTimeAsync(1);

    // Assert: at 10 ms, the first item's deadline, not 16 ms, the second's
    expect(callsAt9ms).toBe(0);
    expect(batch).toHaveBeenCalledTimes(1);
    expect(batch).toHaveBeenCalledWith([1, 2]);
    await expect(Promise.all([first, second])).resolves.toEqual([2, 4]);
  });

  it('starts the wait over for items that arrive after a batch left', async () => {
    // Prepare
    const batch = jest.fn(doubled);
    const sut = new MicroBatcher(batch, base);
    void sut.submit(1);
    await jest.advanceTimersByTimeAsync(10);
    await jest.advanceTimersByTimeAsync(5);

    // Act
    const late = sut.submit(2);
    await jest.advanceTimersByTimeAsync(9);
    const callsBefore = batch.mock.calls.length;
    await jest.advanceTimersByTimeAsync(1);

    // Assert
    expect(callsBefore).toBe(1);
    expect(batch).toHaveBeenLastCalledWith([2]);
    await expect(late).resolves.toBe(4);
  });

  it('sends each item at once with maxWaitMs 0', async () => {
    // Prepare
    const batch = jest.fn(doubled);
    const sut = new MicroBatcher(batch, { ...base, maxWaitMs: 0 });

    // Act
    const output = sut.submit(21);

    // Assert
    expect(batch).toHaveBeenCalledWith([21]);
    await expect(output).resolves.toBe(42);
  });

  it('runs at most maxConcurrentBatches at once, and lets waiting items grow into the next batch', async () => {
    // Prepare
    const { fn, batches } = controlledBatches<number, number>();
    const sut = new MicroBatcher(fn, { ...base, maxBatchSize: 2, maxConcurrentBatches: 2 });
    const outputs = [1, 2, 3, 4, 5, 6, 7].map((x) => sut.submit(x));
    await jest.advanceTimersByTimeAsync(100);

    // Act: two batches run; 5, 6, 7 wait however long, because no slot is free
    const whileFull = { calls: fn.mock.calls.length, running: sut.running, queued: sut.queued };
    batches[0].done.resolve([10, 20]);
    await jest.advanceTimersByTimeAsync(0);

    // Assert
    expect(whileFull).toEqual({ calls: 2, running: 2, queued: 3 });
    expect(fn).toHaveBeenCalledTimes(3);
    expect(batches[2].items).toEqual([5, 6]);
    batches[1].done.resolve([30, 40]);
    batches[2].done.resolve([50, 60]);
    await jest.advanceTimersByTimeAsync(0);
    expect(batches[3].items).toEqual([7]);
    batches[3].done.resolve([70]);
    await expect(Promise.all(outputs)).resolves.toEqual([10, 20, 30, 40, 50, 60, 70]);
  });

  it('rejects submits with QueueFullError once maxQueue items wait, and accepts again when it drains', async () => {
    // Prepare
    const { fn, batches } = controlledBatches<number, number>();
    const sut = new MicroBatcher(fn, { ...base, maxBatchSize: 2, maxQueue: 4 });
    const accepted = [1, 2, 3, 4, 5, 6].map((x) => sut.submit(x)); // 1, 2 running; 3..6 waiting

    // Act
    const refused = sut.submit(7);

    // Assert
    await expect(refused).rejects.toThrow(new QueueFullError('scorer', 4));
    await expect(refused).rejects.toMatchObject({ code: CoreMlErrorCode.QueueFull, maxQueue: 4 });
    expect(sut.queued).toBe(4);
    batches[0].done.resolve([1, 2]);
    await jest.advanceTimersByTimeAsync(0);
    const acceptedAgain = sut.submit(8);
    batches[1].done.resolve([3, 4]);
    await jest.advanceTimersByTimeAsync(0);
    batches[2].done.resolve([5, 6]);
    await jest.advanceTimersByTimeAsync(10);
    batches[3].done.resolve([8]);
    await expect(Promise.all([...accepted, acceptedAgain])).resolves.toEqual([1, 2, 3, 4, 5, 6, 8]);
  });

  it("rejects only a failed batch's callers", async () => {
    // Prepare
    const failure = new Error('model crashed');
    const batch = jest.fn(async (items: number[]) => {
      if (items.includes(13)) throw failure;
      return items.map((x) => 2 * x);
    });
    const sut = new MicroBatcher(batch, { ...base, maxBatchSize: 2 });

    // Act
    const results = await settle([1, 13, 3, 4].map((x) => sut.submit(x)));

    // Assert
    expect(results).toEqual([
      { status: 'rejected', reason: failure },
      { status: 'rejected', reason: failure },
      { status: 'fulfilled', value: 6 },
      { status: 'fulfilled', value: 8 },
    ]);
  });

  it('treats a batch function that throws synchronously like a rejected batch', async () => {
    // Prepare
    const sut = new MicroBatcher<number, number>(
      () => {
        throw new Error('bad tensor');
      },
      { ...base, maxBatchSize: 1 },
    );

    // Act
    const output = sut.submit(1);

    // Assert
    await expect(output).rejects.toThrow('bad tensor');
    await expect(sut.close()).resolves.toBeUndefined();
  });

  it.each([
    [[2], 'batch function returned 1 output for 2 items'],
    [[2, 4, 6], 'batch function returned 3 outputs for 2 items'],
    [undefined, 'batch function returned a non-array (undefined) for 2 items'],
  ])('rejects every caller of a batch whose function returned %p', async (returned, detail) => {
    // Prepare
    const sut = new MicroBatcher<number, number>(async () => returned as number[], { ...base, maxBatchSize: 2 });

    // Act
    const results = await settle([1, 2].map((x) => sut.submit(x)));

    // Assert
    for (const result of results) {
      expect(result.status).toBe('rejected');
      expect((result as PromiseRejectedResult).reason).toBeInstanceOf(BatchOutputMismatchError);
      expect((result as PromiseRejectedResult).reason.message).toBe(`scorer: ${detail}`);
    }
  });

  it('drains on close: sends waiting items at once, finishes running batches, refuses new items', async () => {
    // Prepare
    const { fn, batches } = controlledBatches<number, number>();
    const sut = new MicroBatcher(fn, { ...base, maxWaitMs: 60_000 });
    const outputs = [1, 2, 3].map((x) => sut.submit(x));
    let closed = false;

    // Act
    const closing = sut.close().then(() => {
      closed = true;
    });

    // Assert
    expect(fn).toHaveBeenCalledWith([1, 2, 3]);
    await expect(sut.submit(4)).rejects.toThrow(new BatcherClosedError('scorer'));
    await jest.advanceTimersByTimeAsync(0);
    expect(closed).toBe(false);
    batches[0].done.resolve([10, 20, 30]);
    await closing;
    await expect(Promise.all(outputs)).resolves.toEqual([10, 20, 30]);
    expect(sut.close()).toBe(sut.close());
  });

  it('drains within the concurrency cap', async () => {
    // Prepare
    const { fn, batches } = controlledBatches<number, number>();
    const sut = new MicroBatcher(fn, { ...base, maxBatchSize: 2 });
    const outputs = [1, 2, 3, 4, 5].map((x) => sut.submit(x));

    // Act
    const closing = sut.close();
    const callsWhileFirstRuns = fn.mock.calls.length;
    batches[0].done.resolve([1, 2]);
    await jest.advanceTimersByTimeAsync(0);
    batches[1].done.resolve([3, 4]);
    await jest.advanceTimersByTimeAsync(0);
    batches[2].done.resolve([5]);

    // Assert
    expect(callsWhileFirstRuns).toBe(1);
    await expect(closing).resolves.toBeUndefined();
    await expect(Promise.all(outputs)).resolves.toEqual([1, 2, 3, 4, 5]);
    expect(batches.map((b) => b.items)).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('closes at once when nothing is queued', async () => {
    const sut = new MicroBatcher(doubled, base);

    await expect(sut.close()).resolves.toBeUndefined();
  });

  it.each([
    [{ maxBatchSize: 0 }, 'maxBatchSize: expected an integer >= 1, got 0'],
    [{ maxWaitMs: -1 }, 'maxWaitMs: expected a number of ms >= 0, got -1'],
    [{ maxQueue: 3 }, 'maxQueue: expected an integer >= 4, got 3'],
    [{ maxConcurrentBatches: 0 }, 'maxConcurrentBatches: expected an integer >= 1, got 0'],
  ])('rejects options %p', (patch, message) => {
    expect(() => new MicroBatcher(doubled, { ...base, ...patch })).toThrow(new RangeError(message));
  });
});
