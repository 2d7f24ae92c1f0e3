// worker_scheduling.h: the scheduling policy of the threads that run the ops (libuv's pool threads,
// and the threads an op starts, which inherit it), chosen process-wide from JS; and of any other
// thread of the process, by its id.
//
// `batch` is Linux's SCHED_BATCH: the same share of the cores, but a woken op thread no longer
// preempts the JS thread that queued it. On two cores the three alignment calls of a batch of clips
// otherwise took the core from the event loop that reads frames, stores and publishes verdicts.
#ifndef VIGIL_NATIVE_GPU_WORKER_SCHEDULING_H_
#define VIGIL_NATIVE_GPU_WORKER_SCHEDULING_H_

#include <napi.h>

namespace vigil {

// setWorkerScheduling('normal' | 'batch'): applies from each op thread's next op.
Napi::Value SetWorkerScheduling(const Napi::CallbackInfo& info);

// setThreadScheduling(threadId, 'normal' | 'batch'): one thread of this process, now (e.g. ONNX
// Runtime's inference worker thread, which runs no op of this addon).
Napi::Value SetThreadScheduling(const Napi::CallbackInfo& info);

// On an op's thread, before its work: switches the thread to the chosen policy if it is not on it.
void ApplyWorkerScheduling();

}  // namespace vigil

#endif  // VIGIL_NATIVE_GPU_WORKER_SCHEDULING_H_
