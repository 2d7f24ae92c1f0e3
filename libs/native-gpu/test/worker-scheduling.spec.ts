/**
 * setWorkerScheduling: the op threads take the chosen policy at their next op, the JS thread keeps its own.
 */
import { readdirSync, readFileSync } from 'node:fs';

import { alignFrames, setWorkerScheduling } from '@vigil/native-gpu';

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

describe(`${setWorkerScheduling.name} arguments`, () => {
  it('names the bad policy', () => {
    expect(() => setWorkerScheduling('fast' as never)).toThrow(new TypeError("policy: expected one of 'normal', 'batch', got 'fast'"));
  });

  it('refuses a bad direct call to the binding', () => {
    expect(() => loadBinding().setWorkerScheduling(3 as never)).toThrow(new TypeError("setWorkerScheduling: expected 'normal' or 'batch'"));
  });
});
