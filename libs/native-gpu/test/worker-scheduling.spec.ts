/**
 * setWorkerScheduling: the op threads take the chosen policy at their next op, the JS thread keeps
 * its own. setThreadScheduling: one thread of this process, by its OS id.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';

import { alignFrames, setThreadScheduling, setWorkerScheduling } from '@vigil/native-gpu';

import { loadBinding } from '../lib/loader';

/** Linux's scheduling policy numbers (sched.h). */
const SCHED_OTHER = 0;
const SCHED_BATCH = 3;
const POOL_THREADS = Number(process.env.UV_THREADPOOL_SIZE ?? 4);

/** Each thread of this process with its policy: /proc/self/task/<tid>/stat field 41. */
function threadPolicies(): Map<number, number> {
  return new Map(
    readdirSync('/proc/self/task').map((tid) => {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      return [Number(tid), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[38])];
    }),
  );
}

/** Ops of ~100 ms each, twice as many as the pool has threads, all in flight: every pool thread runs one. */
async function busyEveryPoolThread(): Promise<void> {
  const [width, height, pairs] = [640, 480, 2];
  const images = new Uint8Array(width * height * pairs).map((_, i) => (i * 2654435761) >>> 24);
  await Promise.all(Array.from({ length: 2 * POOL_THREADS }, () => alignFrames({ width, height, references: images, frames: images }, { backend: 'cpu', threads: 1 })));
}

const onLinux = process.platform === 'linux' ? describe : describe.skip;

onLinux(setWorkerScheduling.name, () => {
  afterAll(async () => {
    setWorkerScheduling('normal');
    await busyEveryPoolThread();
  });

  it("runs the ops' threads as SCHED_BATCH and leaves the JS thread alone", async () => {
    setWorkerScheduling('batch');
    await busyEveryPoolThread();

    const policies = threadPolicies();
    const batch = [...policies.values()].filter((policy) => policy === SCHED_BATCH);
    expect(batch.length).toBeGreaterThanOrEqual(POOL_THREADS);
    expect(policies.get(process.pid)).toBe(SCHED_OTHER);
  });

  it('puts them back on normal at their next op', async () => {
    setWorkerScheduling('batch');
    await busyEveryPoolThread();
    setWorkerScheduling('normal');
    await busyEveryPoolThread();

    expect([...threadPolicies().values()].filter((policy) => policy === SCHED_BATCH)).toEqual([]);
  });
});

onLinux(setThreadScheduling.name, () => {
  let worker: Worker;
  let threadId: number;

  beforeAll(async () => {
    // A thread that says its OS id and then waits for messages.
    worker = new Worker("require('node:worker_threads').parentPort.postMessage(Number(require('node:fs').readlinkSync('/proc/thread-self').split('/').pop()))", { eval: true });
    threadId = await new Promise<number>((resolve) => worker.once('message', resolve));
  });

  afterAll(async () => {
    await worker.terminate();
  });

  it('sets that thread, and only it', () => {
    setThreadScheduling(threadId, 'batch');

    const policies = threadPolicies();
    expect(policies.get(threadId)).toBe(SCHED_BATCH);
    expect(policies.get(process.pid)).toBe(SCHED_OTHER);

    setThreadScheduling(threadId, 'normal');

    expect(threadPolicies().get(threadId)).toBe(SCHED_OTHER);
  });

  it('refuses the id of a thread of another process', () => {
    expect(() => setThreadScheduling(process.ppid, 'batch')).toThrow(new RangeError(`setThreadScheduling: ${process.ppid} is not a thread of this process`));
  });
});

describe(`${setWorkerScheduling.name} arguments`, () => {
  it('names the bad policy', () => {
    expect(() => setWorkerScheduling('fast' as never)).toThrow(new TypeError("policy: expected one of 'normal', 'batch', got 'fast'"));
  });

  it('refuses a bad direct call to the binding', () => {
    expect(() => loadBinding().setWorkerScheduling(3 as never)).toThrow(new TypeError("setWorkerScheduling: expected 'normal' or 'batch'"));
    expect(() => loadBinding().setThreadScheduling('1' as never, 'batch')).toThrow(new TypeError("setThreadScheduling: expected (threadId, 'normal' | 'batch')"));
  });

  it('names a bad thread id or policy for one thread', () => {
    expect(() => setThreadScheduling(0, 'batch')).toThrow(new RangeError('threadId: expected an integer in [1, 2147483647], got 0'));
    expect(() => setThreadScheduling(1.5, 'batch')).toThrow(RangeError);
    expect(() => setThreadScheduling(process.pid, 'idle' as never)).toThrow(new TypeError("policy: expected one of 'normal', 'batch', got 'idle'"));
  });
});
