// worker_scheduling.cc: see worker_scheduling.h. Elsewhere than Linux the setting changes nothing.
#include "worker_scheduling.h"

#include <atomic>
#include <string>

#ifdef __linux__
#include <sched.h>
#endif

#include "common.h"

namespace vigil {

namespace {

enum class Policy { kNormal, kBatch };

std::atomic<Policy> chosen{Policy::kNormal};
thread_local Policy applied = Policy::kNormal;

}  // namespace

Napi::Value SetWorkerScheduling(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const std::string name =
      info.Length() == 1 && info[0].IsString() ? info[0].As<Napi::String>().Utf8Value() : "";
  VG_THROW_TYPE_ERROR_IF(name != "normal" && name != "batch", env,
                         "setWorkerScheduling: expected 'normal' or 'batch'");
  chosen = name == "batch" ? Policy::kBatch : Policy::kNormal;
  return env.Undefined();
}

void ApplyWorkerScheduling() {
  const Policy want = chosen.load(std::memory_order_relaxed);
  if (want == applied) return;
#ifdef __linux__
  // Threads switch between these two policies freely (no privilege; priority 0 for both). If the
  // switch fails the thread keeps its policy and tries again at its next op.
  sched_param param{};
  if (sched_setscheduler(0, want == Policy::kBatch ? SCHED_BATCH : SCHED_OTHER, &param) != 0)
    return;
#endif
  applied = want;
}

}  // namespace vigil
