/** How the threads that run the ops (libuv's pool, and the threads an op starts), or any other thread of the process, are scheduled. */
import { loadBinding } from './loader';
import { expectInteger, expectOneOf } from './validate';

export const WORKER_SCHEDULING_POLICIES = ['normal', 'batch'] as const;
/**
 * `normal`: the OS default. `batch` (Linux SCHED_BATCH): the same share of the cores, but a woken op
 * thread does not preempt the running JS thread. For a service whose event loop carries the latency
 * (reads, stores, publishes) while ops crunch beside it on few cores. Elsewhere than Linux both are
 * the default.
 */
export type WorkerScheduling = (typeof WORKER_SCHEDULING_POLICIES)[number];

/**
 * Chooses the op threads' scheduling for the whole process; each thread takes it up at its next op.
 * The JS thread that calls this keeps its own. Default: `normal`.
 */
export function setWorkerScheduling(policy: WorkerScheduling): void {
  expectOneOf('policy', policy, WORKER_SCHEDULING_POLICIES);
  loadBinding().setWorkerScheduling(policy);
}

/**
 * Sets one thread of this process to `policy` now, by its id in the OS (Linux: `/proc/self/task/<id>`),
 * e.g. a worker thread that runs ONNX Runtime rather than these ops. Throws a RangeError for an id
 * that is not a thread of this process. Elsewhere than Linux it changes nothing.
 */
export function setThreadScheduling(threadId: number, policy: WorkerScheduling): void {
  expectInteger('threadId', threadId, 1, 2 ** 31 - 1);
  expectOneOf('policy', policy, WORKER_SCHEDULING_POLICIES);
  loadBinding().setThreadScheduling(threadId, policy);
}
