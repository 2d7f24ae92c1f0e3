// worker_scheduling.cc: see worker_scheduling.h. Elsewhere than Linux the settings change nothing.
#include "worker_scheduling.h"

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>

#ifdef __linux__
#include <sched.h>
#include <sys/stat.h>
#endif

#include "common.h"

namespace vigil {

namespace {

enum class Policy { kNormal, kBatch };

std::atomic<Policy> chosen{Policy::kNormal};
thread_local Policy applied = Policy::kNormal;

// 'normal' | 'batch' into `policy`; false for anything else.
bool ParsePolicy(const Napi::Value& value, Policy* policy) {
  if (!value.IsString()) return false;
  const std::string name = value.As<Napi::String>().Utf8Value();
  if (name != "normal" && name != "batch") return false;
  *policy = name == "batch" ? Policy::kBatch : Policy::kNormal;
  return true;
}

#ifdef __linux__
// Threads switch between these two policies freely (no privilege; priority 0 for both).
// sched_setscheduler takes a thread id on Linux (0: the calling thread).
int Schedule(int64_t thread_id, Policy policy) {
  sched_param param{};
  return sched_setscheduler(static_cast<pid_t>(thread_id),
                            policy == Policy::kBatch ? SCHED_BATCH : SCHED_OTHER, &param);
}
#endif

}  // namespace

Napi::Value SetWorkerScheduling(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Policy policy;
  VG_THROW_TYPE_ERROR_IF(info.Length() != 1 || !ParsePolicy(info[0], &policy), env,
                         "setWorkerScheduling: expected 'normal' or 'batch'");
  chosen = policy;
  return env.Undefined();
}

Napi::Value SetThreadScheduling(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Policy policy;
  VG_THROW_TYPE_ERROR_IF(
      info.Length() != 2 || !info[0].IsNumber() || !ParsePolicy(info[1], &policy), env,
      "setThreadScheduling: expected (threadId, 'normal' | 'batch')");
#ifdef __linux__
  const int64_t thread_id = info[0].As<Napi::Number>().Int64Value();
  // Only a thread of this process: a thread id of another process must not be touched.
  struct stat task;
  const std::string path = "/proc/self/task/" + std::to_string(thread_id);
  if (thread_id <= 0 || stat(path.c_str(), &task) != 0) {
    NAPI_THROW(Napi::RangeError::New(env, "setThreadScheduling: " + std::to_string(thread_id) +
                                              " is not a thread of this process"),
               Napi::Value());
  }
  if (Schedule(thread_id, policy) != 0) {
    NAPI_THROW(Napi::Error::New(env, std::string("setThreadScheduling: ") + std::strerror(errno)),
               Napi::Value());
  }
#endif
  return env.Undefined();
}

void ApplyWorkerScheduling() {
  const Policy want = chosen.load(std::memory_order_relaxed);
  if (want == applied) return;
#ifdef __linux__
  // If the switch fails the thread keeps its policy and tries again at its next op.
  if (Schedule(0, want) != 0) return;
#endif
  applied = want;
}

}  // namespace vigil
