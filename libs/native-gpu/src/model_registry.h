// model_registry.h: what the model bindings (sequence_model_worker.cc, clip_model_worker.cc) share:
// a registry of loaded models by integer id, the id argument, and an AsyncWorker that pins its JS
// inputs and settles a Promise from a Status.
//
// Ids rather than Externals: an External needs a napi finalizer reference, which Node never frees
// for objects alive at process.exit() (valgrind then blames the addon); the TypeScript handle
// classes (lib/native-model.ts) release the ids of collected models with a FinalizationRegistry.
#ifndef VIGIL_NATIVE_GPU_MODEL_REGISTRY_H_
#define VIGIL_NATIVE_GPU_MODEL_REGISTRY_H_

#include <cstdint>
#include <exception>
#include <memory>
#include <mutex>
#include <new>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common.h"
#include "pinning_worker.h"

namespace vigil {

// The loaded models of one kind by id; runs hold a shared_ptr, so a model released mid-run lives
// until the run settles. Never destroyed (models still registered at exit stay reachable, and no
// device memory is freed after the CUDA runtime's own teardown).
template <typename Model>
class ModelRegistry {
 public:
  static ModelRegistry& Get() {
    static ModelRegistry* registry = new ModelRegistry();
    return *registry;
  }
  uint32_t Add(std::shared_ptr<const Model> model) {
    std::lock_guard<std::mutex> lock(mutex_);
    const uint32_t id = next_++;
    models_.emplace(id, std::move(model));
    return id;
  }
  std::shared_ptr<const Model> Find(uint32_t id) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = models_.find(id);
    return it == models_.end() ? nullptr : it->second;
  }
  void Remove(uint32_t id) {
    std::lock_guard<std::mutex> lock(mutex_);
    models_.erase(id);
  }

 private:
  std::mutex mutex_;
  uint32_t next_ = 1;
  std::unordered_map<uint32_t, std::shared_ptr<const Model>> models_;
};

// The id in info[0], or 0 (with a pending TypeError "<op>: model must be a <kind> id") when it is
// not a number.
inline uint32_t ModelIdOf(const Napi::CallbackInfo& info, const char* op, const char* kind) {
  if (info.Length() < 1 || !info[0].IsNumber()) {
    Napi::TypeError::New(info.Env(), std::string(op) + ": model must be a " + kind + " id")
        .ThrowAsJavaScriptException();
    return 0;
  }
  return info[0].As<Napi::Number>().Uint32Value();
}

// release<Kind>Model(id): forgets the id; runs in flight keep the model until they settle.
template <typename Model>
Napi::Value ReleaseModel(const Napi::CallbackInfo& info, const char* op, const char* kind) {
  const uint32_t id = ModelIdOf(info, op, kind);
  if (id != 0) ModelRegistry<Model>::Get().Remove(id);
  return info.Env().Undefined();
}

// Builds a model on the worker thread (Build()) and resolves with its new id.
template <typename Model>
class CreateModelWorker : public PinningWorker {
 public:
  CreateModelWorker(Napi::Env env, const char* op)
      : PinningWorker(env, ("vigil:" + std::string(op)).c_str()), op_(op) {}

 protected:
  virtual Status Build(Model* model) = 0;

  void Execute() override {
    Guard(op_, [this]() -> Status {
      auto model = std::make_shared<Model>();
      VG_RETURN_IF_ERROR(Build(model.get()));
      model_ = std::move(model);
      return Status::Ok();
    });
  }

  void OnOK() override {
    deferred_.Resolve(Napi::Number::New(Env(), ModelRegistry<Model>::Get().Add(std::move(model_))));
  }

 private:
  const char* op_;
  std::shared_ptr<const Model> model_;
};

}  // namespace vigil

#endif  // VIGIL_NATIVE_GPU_MODEL_REGISTRY_H_
