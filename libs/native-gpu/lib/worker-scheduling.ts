/** How the threads that run the ops (libuv's pool, and the threads an op starts) are scheduled. */
import { loadBinding } from './loader';
import { expectOneOf } from './validate';

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
