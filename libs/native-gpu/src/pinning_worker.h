// pinning_worker.h: PinningWorker, the base of every op's Napi::AsyncWorker: a Promise settled
// from the worker, the JS input buffers kept alive while the worker thread reads them, and a
// failure on the worker thread (a Status, or an exception such as bad_alloc) turned into a
// rejection.
#ifndef VIGIL_NATIVE_GPU_PINNING_WORKER_H_
#define VIGIL_NATIVE_GPU_PINNING_WORKER_H_

#include <exception>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include <napi.h>

#include "common.h"
#include "worker_scheduling.h"

namespace vigil {

// An AsyncWorker that settles a Promise and keeps the JS buffers it reads alive until it is
// destroyed (the worker thread reads them).
class PinningWorker : public Napi::AsyncWorker {
 public:
  PinningWorker(Napi::Env env, const char* name)
      : Napi::AsyncWorker(env, name), deferred_(Napi::Promise::Deferred::New(env)) {}

  void Pin(const Napi::Value& value) {
    pinned_.push_back(Napi::Persistent(value.As<Napi::Object>()));
  }

  // Queues the worker (which deletes itself after OnOK/OnError) and returns its Promise.
  static Napi::Promise Queue(std::unique_ptr<PinningWorker> worker) {
    Napi::Promise promise = worker->deferred_.Promise();
    worker.release()->Napi::AsyncWorker::Queue();
    return promise;
  }

 protected:
  // Runs `body` on the chosen worker scheduling and records a failure for OnError (never throws,
  // never touches N-API).
  template <typename Body>
  void Guard(const std::string& prefix, Body body) {
    ApplyWorkerScheduling();
    Status status;
    try {
      status = body();
    } catch (const std::bad_alloc&) {
      status = Status::Error("out of host memory", "ERR_OUT_OF_HOST_MEMORY");
    } catch (const std::exception& e) {
      status = Status::Error(e.what());
    }
    status_ = status.WithPrefix(prefix);
    if (!status_.ok()) SetError(status_.message());
  }

  void OnError(const Napi::Error& error) override {
    if (status_.ok()) {
      deferred_.Reject(error.Value());  // not ours: an error node-addon-api raised around Execute()
    } else {
      deferred_.Reject(StatusToError(Env(), status_).Value());
    }
  }

  Napi::Promise::Deferred deferred_;

 private:
  Status status_;
  std::vector<Napi::ObjectReference> pinned_;
};

}  // namespace vigil

#endif  // VIGIL_NATIVE_GPU_PINNING_WORKER_H_
